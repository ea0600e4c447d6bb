//! Where schema ids come from. Serializers ask once, when they are built; the hot path never
//! asks again. [`SchemaRegistry`] is the blocking form and [`AsyncSchemaRegistry`] the form
//! for services on an async runtime; `tidings_registry::runtime::RegistryRuntime` implements
//! both over a Confluent-compatible registry, and [`InMemoryRegistry`] is the registry for
//! tests, counting every call.
//!
//! A writer schema read back by id is matched to an event version by parsed content, never by
//! text ([`RegisteredSchema::fingerprint`]): the text another tool registered (Confluent's Java
//! serializers print their own canonical form) or the registry's own rendering still matches.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::event::{Event, SchemaFormat};

/// A schema as a registry holds it: its text and the schemas its references name, resolved.
#[derive(Debug, Clone)]
pub struct RegisteredSchema {
    /// Its format.
    pub format: SchemaFormat,
    /// Its text, as the registry has it.
    pub text: String,
    /// The schemas it refers to, by the name the text uses (an Avro full name, a JSON `$ref`),
    /// each with its own references.
    pub references: Vec<(String, RegisteredSchema)>,
    fingerprint: OnceLock<Option<String>>,
}

impl PartialEq for RegisteredSchema {
    fn eq(&self, other: &Self) -> bool {
        self.format == other.format
            && self.text == other.text
            && self.references == other.references
    }
}

impl Eq for RegisteredSchema {}

impl RegisteredSchema {
    /// A schema without references.
    pub fn new(format: SchemaFormat, text: impl Into<String>) -> Self {
        RegisteredSchema {
            format,
            text: text.into(),
            references: Vec::new(),
            fingerprint: OnceLock::new(),
        }
    }

    /// With the schemas its references name.
    pub fn with_references(mut self, references: Vec<(String, RegisteredSchema)>) -> Self {
        self.references = references;
        self.fingerprint = OnceLock::new();
        self
    }

    /// What decoding depends on, computed once: for Avro the Parsing Canonical Form with the
    /// references resolved (formatting, docs, defaults and the spelling of names do not count);
    /// for JSON Schema the registry form of the text. `None` for a schema that does not parse.
    pub fn fingerprint(&self) -> Option<&str> {
        self.fingerprint
            .get_or_init(|| match self.format {
                SchemaFormat::Avro => parse_avro(self).ok().map(|s| s.canonical_form()),
                SchemaFormat::Json => json_fingerprint(&self.text),
            })
            .as_deref()
    }

    /// An Avro schema parsed with the schemas its references name.
    ///
    /// # Errors
    /// A schema (or reference) that does not parse, with its file, line and column.
    pub fn avro_schema(
        &self,
    ) -> Result<tidings_schema::avro::AvroSchema, tidings_schema::SchemaError> {
        parse_avro(self)
    }

    /// Whether this schema wrote data of event version `E` (same parsed content).
    pub fn is_schema_of<E: Event>(&self) -> bool {
        self.format == E::FORMAT
            && self
                .fingerprint()
                .is_some_and(|f| event_fingerprints::<E>().iter().any(|e| e == f))
    }
}

/// Reference texts, the deepest first (as a registry reads them), bounded in depth.
fn collect_references<'a>(
    schema: &'a RegisteredSchema,
    out: &mut Vec<(&'a str, &'a str)>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    for (name, reference) in &schema.references {
        // A name already collected came with everything it refers to.
        if !out.iter().any(|(n, _)| n == name) {
            collect_references(reference, out, depth + 1);
            out.push((name, &reference.text));
        }
    }
}

/// Parses an Avro schema with the schemas its references name.
pub(crate) fn parse_avro(
    schema: &RegisteredSchema,
) -> Result<tidings_schema::avro::AvroSchema, tidings_schema::SchemaError> {
    use tidings_schema::avro::{AvroParser, SourceFile};
    let mut references = Vec::new();
    collect_references(schema, &mut references, 0);
    let sources: Vec<SourceFile<'_>> = references
        .iter()
        .map(|(name, text)| SourceFile { name, text })
        .collect();
    AvroParser::new().parse_with_references(
        SourceFile {
            name: "writer.avsc",
            text: &schema.text,
        },
        &sources,
    )
}

fn json_fingerprint(text: &str) -> Option<String> {
    tidings_schema::form::registry_form(tidings_schema::repo::Format::Json, text).ok()
}

/// The fingerprints a writer schema of `E` may have: for Avro one; for JSON Schema the text as
/// written and bundled (`json_references = "bundle"`). Computed once per event type.
fn event_fingerprints<E: Event>() -> std::sync::Arc<Vec<String>> {
    /// By the address and length of the event's static self-contained schema.
    type Cache = Mutex<HashMap<(usize, usize), std::sync::Arc<Vec<String>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = (
        E::STANDALONE_SCHEMA.as_ptr() as usize,
        E::STANDALONE_SCHEMA.len(),
    );
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&key)
    {
        return found.clone();
    }
    let fingerprints: Vec<String> = match E::FORMAT {
        SchemaFormat::Avro => RegisteredSchema::new(E::FORMAT, E::STANDALONE_SCHEMA)
            .fingerprint()
            .map(str::to_owned)
            .into_iter()
            .collect(),
        SchemaFormat::Json => {
            let read = |path: &str| {
                E::REFERENCES
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, text)| (*text).to_owned())
                    .ok_or_else(|| format!("`{path}` is not a reference of the event"))
            };
            let bundled = tidings_schema::jsonschema::bundle(E::SCHEMA_PATH, E::SCHEMA, &read).ok();
            [Some(E::SCHEMA.to_owned()), bundled]
                .into_iter()
                .flatten()
                .filter_map(|text| json_fingerprint(&text))
                .collect()
        }
    };
    let fingerprints = std::sync::Arc::new(fingerprints);
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(key, fingerprints.clone());
    fingerprints
}

/// What a registry needs to know of an event version to find (or register) its schema: the
/// subject, the schema file and the files it refers to, as the derive recorded them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventSchema {
    /// The registry subject.
    pub subject: &'static str,
    /// The event type (`orders.order_created`).
    pub event_type: &'static str,
    /// The version.
    pub version: u32,
    /// The format.
    pub format: SchemaFormat,
    /// The schema file's path below the schema root.
    pub path: &'static str,
    /// The schema file's text.
    pub text: &'static str,
    /// The schema as one self-contained document.
    pub standalone: &'static str,
    /// The files it refers to: path below the schema root, and text.
    pub references: &'static [(&'static str, &'static str)],
}

impl EventSchema {
    /// The schema of event version `E`.
    pub fn of<E: Event>() -> Self {
        EventSchema {
            subject: E::SUBJECT,
            event_type: E::EVENT_TYPE,
            version: E::VERSION,
            format: E::FORMAT,
            path: E::SCHEMA_PATH,
            text: E::SCHEMA,
            standalone: E::STANDALONE_SCHEMA,
            references: E::REFERENCES,
        }
    }
}

/// A registry failed or does not know the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// No schema has this id.
    #[error("unknown schema id {0}: the registry has no schema with this id")]
    UnknownId(u32),
    /// The event's schema was never registered, and this producer may not register it.
    #[error("the schema of `{event_type}` v{version} is not registered under subject `{subject}`: run `tidings publish` (producers only look schemas up; registering from a service is the `auto_register` option, for development)")]
    NotPublished {
        /// The subject.
        subject: String,
        /// The event type.
        event_type: String,
        /// The version.
        version: u32,
    },
    /// The registry's latest version of the subject cannot read the event (`use_latest_version`).
    #[error(
        "the latest schema of subject `{subject}` cannot read `{event_type}` v{version}: {reasons}"
    )]
    LatestIncompatible {
        /// The subject.
        subject: String,
        /// The event type.
        event_type: String,
        /// The version.
        version: u32,
        /// Why.
        reasons: String,
    },
    /// The registry refused or failed.
    #[error("schema registry: {0}")]
    Failed(String),
}

/// A boxed future of a registry answer (object-safe async).
pub type RegistryFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, RegistryError>> + Send + 'a>>;

/// What serializers and deserializers need of a schema registry, blocking. A registry client
/// implements it (on a thread of its own where it must wait); so does `InMemoryRegistry`.
pub trait SchemaRegistry: Send + Sync {
    /// The id of the event's schema, registering it when the registry (and its policy) allows.
    ///
    /// # Errors
    /// The registry refused or failed, or the schema is not registered.
    fn id_for(&self, schema: &EventSchema) -> Result<u32, RegistryError>;

    /// The schema with `id`.
    ///
    /// # Errors
    /// An unknown id, or a failing registry.
    fn schema_by_id(&self, id: u32) -> Result<RegisteredSchema, RegistryError>;
}

/// [`SchemaRegistry`] for async code: nothing blocks the executor.
pub trait AsyncSchemaRegistry: Send + Sync {
    /// See [`SchemaRegistry::id_for`].
    fn id_for<'a>(&'a self, schema: &'a EventSchema) -> RegistryFuture<'a, u32>;

    /// See [`SchemaRegistry::schema_by_id`].
    fn schema_by_id(&self, id: u32) -> RegistryFuture<'_, RegisteredSchema>;
}

/// The schemas by id (id = index + 1), and the ids registered under each subject.
type Store = (Vec<RegisteredSchema>, HashMap<String, Vec<u32>>);

/// A registry in memory, for tests: ids from 1, one per distinct schema, and a count of calls.
#[derive(Debug, Default)]
pub struct InMemoryRegistry {
    schemas: Mutex<Store>,
    calls: AtomicUsize,
}

impl InMemoryRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        InMemoryRegistry::default()
    }

    /// How many times the registry was asked anything.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.schemas
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers `schema` under `subject` (idempotent) and returns its id.
    pub fn register(&self, subject: &str, schema: RegisteredSchema) -> u32 {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut guard = self.lock();
        let (schemas, subjects) = &mut *guard;
        let id = match schemas.iter().position(|s| *s == schema) {
            Some(index) => index as u32 + 1,
            None => {
                // Computed once here, so that every copy handed out carries it.
                let _ = schema.fingerprint();
                schemas.push(schema);
                schemas.len() as u32
            }
        };
        let versions = subjects.entry(subject.to_owned()).or_default();
        if !versions.contains(&id) {
            versions.push(id);
        }
        id
    }
}

impl SchemaRegistry for InMemoryRegistry {
    /// Registers the event's self-contained schema (the in-memory registry has no references).
    fn id_for(&self, schema: &EventSchema) -> Result<u32, RegistryError> {
        Ok(self.register(
            schema.subject,
            RegisteredSchema::new(schema.format, schema.standalone),
        ))
    }

    fn schema_by_id(&self, id: u32) -> Result<RegisteredSchema, RegistryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let guard = self.lock();
        id.checked_sub(1)
            .and_then(|index| guard.0.get(index as usize))
            .cloned()
            .ok_or(RegistryError::UnknownId(id))
    }
}

impl AsyncSchemaRegistry for InMemoryRegistry {
    fn id_for<'a>(&'a self, schema: &'a EventSchema) -> RegistryFuture<'a, u32> {
        Box::pin(std::future::ready(SchemaRegistry::id_for(self, schema)))
    }

    fn schema_by_id(&self, id: u32) -> RegistryFuture<'_, RegisteredSchema> {
        Box::pin(std::future::ready(SchemaRegistry::schema_by_id(self, id)))
    }
}
