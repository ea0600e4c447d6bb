//! The runtime's registry over HTTP: [`RegistryRuntime`] implements `tidings`'
//! [`AsyncSchemaRegistry`] (and, for synchronous callers, [`SchemaRegistry`]) with the
//! [`Client`], so that serializers look ids up in a real registry.
//!
//! A producer looks up exactly what `tidings publish` registered: the same subject, text and
//! references ([`tidings_schema::registry`], one implementation for both). Policies are named
//! as Confluent's serializers name them: look-up only by default
//! (`auto.register.schemas=false`), [`RegistryRuntime::auto_register`] for development,
//! [`RegistryRuntime::use_latest_version`] (refusing a latest version that cannot read the
//! event, as `latest.compatibility.strict` does).
//!
//! Caching: one request per (subject, schema) and per id for the life of the value; concurrent
//! first uses wait for the one request in flight; failures are not cached.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use tidings::registry::{
    AsyncSchemaRegistry, EventSchema, RegisteredSchema, RegistryError, RegistryFuture,
    SchemaRegistry,
};
use tidings::SchemaFormat;
use tidings_schema::compat::{check, Level};
use tidings_schema::registry::{RegistrySchema, SharedFiles};
use tidings_schema::repo::config::JsonReferences;
use tidings_schema::repo::{Config, Format};
use tidings_schema::SchemaDoc;
use tokio::sync::OnceCell;

use crate::client::{Client, NewSchema, Reference, VersionRef};
use crate::error::Error;

/// How deep references may nest, as the local registry allows.
const MAX_REFERENCE_DEPTH: usize = 32;

/// How many referenced schemas one writer schema may reach, counted along every path. Real
/// schemas reach a handful; a registry answering a graph that shares schemas along very many
/// paths is refused instead of copied without end.
const MAX_REFERENCED_SCHEMAS: usize = 10_000;

/// What one look-up by id fetched: each referenced (subject, version) once.
#[derive(Default)]
struct Fetched {
    schemas: HashMap<(String, u32), RegisteredSchema>,
    written_out: usize,
}

/// A referenced schema and all it refers to, counted along every path.
fn written_out_size(schema: &RegisteredSchema) -> usize {
    1 + schema
        .references
        .iter()
        .map(|(_, r)| written_out_size(r))
        .sum::<usize>()
}

/// A cache of values that are each fetched once, concurrent first uses sharing the fetch.
struct Once<K, V>(Mutex<HashMap<K, Arc<OnceCell<V>>>>);

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Once<K, V> {
    fn new() -> Self {
        Once(Mutex::new(HashMap::new()))
    }

    fn cell(&self, key: &K) -> Arc<OnceCell<V>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.clone())
            .or_default()
            .clone()
    }

    /// The value, when it was fetched already.
    fn cached(&self, key: &K) -> Option<V> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .and_then(|cell| cell.get().cloned())
    }

    async fn get<F, Fut>(&self, key: &K, fetch: F) -> Result<V, RegistryError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, RegistryError>>,
    {
        // A failed fetch leaves the cell empty: the next use asks again.
        self.cell(key).get_or_try_init(fetch).await.cloned()
    }
}

/// An event version, by the addresses of its static strings (each derive has its own).
type EventKey = (usize, usize, usize);

fn event_key(event: &EventSchema) -> EventKey {
    (
        event.subject.as_ptr() as usize,
        event.path.as_ptr() as usize,
        event.text.as_ptr() as usize,
    )
}

/// `tidings`' registry abstraction over a Confluent-compatible registry.
pub struct RegistryRuntime {
    client: Client,
    auto_register: bool,
    use_latest_version: bool,
    json_references: JsonReferences,
    /// Event version → schema id.
    ids: Once<EventKey, u32>,
    /// (subject, text) → (id, version), for events and the schemas they refer to.
    lookups: Once<(String, String), (u32, u32)>,
    /// Id → schema with its references resolved.
    schemas: Once<u32, RegisteredSchema>,
}

impl std::fmt::Debug for RegistryRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryRuntime")
            .field("registry", &self.client.url())
            .field("auto_register", &self.auto_register)
            .field("use_latest_version", &self.use_latest_version)
            .field("json_references", &self.json_references)
            .finish_non_exhaustive()
    }
}

impl RegistryRuntime {
    /// Look-up only, JSON Schema references as references.
    pub fn new(client: Client) -> Self {
        RegistryRuntime {
            client,
            auto_register: false,
            use_latest_version: false,
            json_references: JsonReferences::References,
            ids: Once::new(),
            lookups: Once::new(),
            schemas: Once::new(),
        }
    }

    /// With the project's settings (`[registry] json_references` of `tidings.toml`), so that
    /// look-ups find what `tidings publish` registered.
    pub fn with_config(mut self, config: &Config) -> Self {
        self.json_references = config.json_references();
        self
    }

    /// How JSON Schemas with references were published (`json_references` of `tidings.toml`).
    pub fn json_references(mut self, mode: JsonReferences) -> Self {
        self.json_references = mode;
        self
    }

    /// Register schemas that are not in the registry (Confluent's `auto.register.schemas`):
    /// for development; in production `tidings publish` registers, after its checks.
    pub fn auto_register(mut self, on: bool) -> Self {
        self.auto_register = on;
        self
    }

    /// Write with the subject's latest schema instead of the event's own (Confluent's
    /// `use.latest.version`), refusing a latest version that cannot read the event.
    pub fn use_latest_version(mut self, on: bool) -> Self {
        self.use_latest_version = on;
        self
    }

    /// The client underneath (for its request count, say).
    pub fn client(&self) -> &Client {
        &self.client
    }

    async fn id_of(&self, event: &EventSchema) -> Result<u32, RegistryError> {
        self.ids
            .get(&event_key(event), || async {
                if self.use_latest_version {
                    return self.latest_id(event).await;
                }
                let form = registry_form(event, self.json_references)?;
                // `SharedFiles` bounds how deep references nest.
                self.resolve(event, event.subject, &form)
                    .await
                    .map(|(id, _)| id)
            })
            .await
    }

    /// The (id, version) of `form` under `subject`, its references first.
    fn resolve<'a>(
        &'a self,
        event: &'a EventSchema,
        subject: &'a str,
        form: &'a RegistrySchema,
    ) -> RegistryFuture<'a, (u32, u32)> {
        Box::pin(async move {
            let mut references = Vec::with_capacity(form.references.len());
            for reference in &form.references {
                let (_, version) = self
                    .resolve(event, &reference.subject, &reference.schema)
                    .await?;
                references.push(Reference {
                    name: reference.name.clone(),
                    subject: reference.subject.clone(),
                    version,
                });
            }
            let schema = NewSchema::of(form.format, form.text.clone()).with_references(references);
            let key = (subject.to_owned(), form.text.clone());
            self.lookups
                .get(&key, || self.find_or_register(event, subject, &schema))
                .await
        })
    }

    async fn find_or_register(
        &self,
        event: &EventSchema,
        subject: &str,
        schema: &NewSchema,
    ) -> Result<(u32, u32), RegistryError> {
        match self.client.lookup(subject, schema, false).await {
            Ok(found) => return Ok((found.id, found.version)),
            Err(Error::Api(api)) if api.is_subject_not_found() || api.is_schema_not_found() => {
                if !self.auto_register {
                    return Err(not_published(event, subject));
                }
            }
            Err(e) => return Err(failed(e)),
        }
        let id = self
            .client
            .register(subject, schema, false)
            .await
            .map_err(failed)?;
        let found = self
            .client
            .lookup(subject, schema, false)
            .await
            .map_err(failed)?;
        Ok((id, found.version))
    }

    /// The id of the subject's latest version, when it can read data of the event.
    async fn latest_id(&self, event: &EventSchema) -> Result<u32, RegistryError> {
        let latest = match self.client.version(event.subject, VersionRef::Latest).await {
            Ok(latest) => latest,
            Err(Error::Api(api)) if api.is_subject_not_found() || api.is_version_not_found() => {
                return Err(not_published(event, event.subject))
            }
            Err(e) => return Err(failed(e)),
        };
        let reader = self.schema(latest.id).await?;
        let incompatible = |reasons: String| RegistryError::LatestIncompatible {
            subject: event.subject.to_owned(),
            event_type: event.event_type.to_owned(),
            version: event.version,
            reasons,
        };
        let (Some(reader), Some(writer)) = (parse(&reader), parse_event(event)) else {
            return Err(incompatible(
                "the latest schema or the event's does not parse".into(),
            ));
        };
        // BACKWARD: the latest (new) version reads data written with the event's (previous).
        let report = check(&[writer], &reader, Level::Backward);
        if report.is_compatible() {
            Ok(latest.id)
        } else {
            Err(incompatible(
                report
                    .findings
                    .iter()
                    .map(|f| format!("{} at {}: {}", f.rule, f.new.path, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ))
        }
    }

    async fn schema(&self, id: u32) -> Result<RegisteredSchema, RegistryError> {
        self.schemas
            .get(&id, || async {
                let found = match self.client.schema_by_id(id).await {
                    Ok(found) => found,
                    Err(Error::Api(api)) if api.is_schema_not_found() => {
                        return Err(RegistryError::UnknownId(id))
                    }
                    Err(e) => return Err(failed(e)),
                };
                let mut fetched = Fetched::default();
                let schema = self
                    .registered(
                        &found.schema_type,
                        found.schema,
                        &found.references,
                        0,
                        &mut fetched,
                    )
                    .await?;
                // Computed once here, so that every copy handed out carries it.
                let _ = schema.fingerprint();
                Ok(schema)
            })
            .await
    }

    /// A referenced schema (subject and version) with its own references, fetched once per
    /// look-up however many paths reach it.
    fn referenced<'a>(
        &'a self,
        subject: &'a str,
        version: u32,
        depth: usize,
        fetched: &'a mut Fetched,
    ) -> RegistryFuture<'a, RegisteredSchema> {
        Box::pin(async move {
            if depth > MAX_REFERENCE_DEPTH {
                return Err(RegistryError::Failed(format!(
                    "references nest more than {MAX_REFERENCE_DEPTH} deep at `{subject}`"
                )));
            }
            let key = (subject.to_owned(), version);
            if let Some(schema) = fetched.schemas.get(&key) {
                // Each use holds its own copy: a graph that shares a schema along many paths
                // is copied once per path, so the written-out size is what must stay bounded.
                fetched.written_out += written_out_size(schema);
                if fetched.written_out > MAX_REFERENCED_SCHEMAS {
                    return Err(RegistryError::Failed(format!(
                        "the references reach more than {MAX_REFERENCED_SCHEMAS} schemas once written out along every path (`{subject}` version {version} is reached again and again)"
                    )));
                }
                return Ok(schema.clone());
            }
            fetched.written_out += 1;
            let found = self
                .client
                .version(subject, VersionRef::Number(version))
                .await
                .map_err(failed)?;
            let schema = self
                .registered(
                    &found.schema_type,
                    found.schema,
                    &found.references,
                    depth,
                    fetched,
                )
                .await?;
            fetched.schemas.insert(key, schema.clone());
            Ok(schema)
        })
    }

    /// A schema the registry answered, with the schemas its references name fetched too.
    async fn registered(
        &self,
        schema_type: &str,
        text: String,
        references: &[Reference],
        depth: usize,
        fetched: &mut Fetched,
    ) -> Result<RegisteredSchema, RegistryError> {
        let mut resolved = Vec::with_capacity(references.len());
        for reference in references {
            resolved.push((
                reference.name.clone(),
                self.referenced(&reference.subject, reference.version, depth + 1, fetched)
                    .await?,
            ));
        }
        Ok(
            RegisteredSchema::new(Format::from_schema_type(schema_type), text)
                .with_references(resolved),
        )
    }

    /// Runs a look-up to completion on a thread of its own, for callers that cannot await.
    fn block_on<T: Send>(
        &self,
        work: impl Future<Output = Result<T, RegistryError>> + Send,
    ) -> Result<T, RegistryError> {
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| RegistryError::Failed(format!("cannot start a runtime: {e}")))?
                        .block_on(work)
                })
                .join()
                .unwrap_or_else(|_| Err(RegistryError::Failed("the look-up panicked".into())))
        })
    }
}

fn not_published(event: &EventSchema, subject: &str) -> RegistryError {
    RegistryError::NotPublished {
        subject: subject.to_owned(),
        event_type: event.event_type.to_owned(),
        version: event.version,
    }
}

fn failed(error: Error) -> RegistryError {
    RegistryError::Failed(error.to_string())
}

/// What `tidings publish` registered for the event: [`SharedFiles::schema`] over the files the
/// derive recorded.
fn registry_form(
    event: &EventSchema,
    json: JsonReferences,
) -> Result<RegistrySchema, RegistryError> {
    let shared = SharedFiles::new(event.references.iter().copied())
        .map_err(|e| RegistryError::Failed(e.to_string()))?;
    shared
        .schema(event.path, event.text, json)
        .map_err(|e| RegistryError::Failed(e.to_string()))
}

/// A registry schema for the engine: Avro with its references; JSON Schema bundled with them.
fn parse(schema: &RegisteredSchema) -> Option<SchemaDoc> {
    match schema.format {
        SchemaFormat::Avro => schema.avro_schema().ok().map(SchemaDoc::Avro),
        SchemaFormat::Json => {
            // References are relative names: give the schema a path deep below a virtual root,
            // and serve each reference at the path its name resolves to.
            let rel = "r/r/r/r/r/r/r/r/schema.json";
            let mut files = HashMap::new();
            for (name, reference) in &schema.references {
                let path = tidings_schema::jsonschema::normalize_path(
                    &std::path::Path::new("r/r/r/r/r/r/r/r").join(name),
                );
                files.insert(
                    path.to_string_lossy().replace('\\', "/"),
                    reference.text.clone(),
                );
            }
            let read = |path: &str| {
                files
                    .get(path)
                    .cloned()
                    .ok_or_else(|| format!("no reference `{path}`"))
            };
            let text = tidings_schema::jsonschema::bundle(rel, &schema.text, &read).ok()?;
            SchemaDoc::parse_json("latest.json", &text).ok()
        }
    }
}

/// The event's own schema for the engine.
fn parse_event(event: &EventSchema) -> Option<SchemaDoc> {
    match event.format {
        SchemaFormat::Avro => SchemaDoc::parse_avro("event.avsc", event.standalone).ok(),
        SchemaFormat::Json => {
            let read = |path: &str| {
                event
                    .references
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, t)| (*t).to_owned())
                    .ok_or_else(|| format!("no reference `{path}`"))
            };
            let text = tidings_schema::jsonschema::bundle(event.path, event.text, &read).ok()?;
            SchemaDoc::parse_json("event.json", &text).ok()
        }
    }
}

impl AsyncSchemaRegistry for RegistryRuntime {
    fn id_for<'a>(&'a self, schema: &'a EventSchema) -> RegistryFuture<'a, u32> {
        Box::pin(self.id_of(schema))
    }

    fn schema_by_id(&self, id: u32) -> RegistryFuture<'_, RegisteredSchema> {
        Box::pin(self.schema(id))
    }
}

/// The blocking form: answers from the cache at once; a first look-up runs on a thread of its
/// own (so it is safe to call from inside an async runtime too, though it blocks that thread).
impl SchemaRegistry for RegistryRuntime {
    fn id_for(&self, schema: &EventSchema) -> Result<u32, RegistryError> {
        if let Some(id) = self.ids.cached(&event_key(schema)) {
            return Ok(id);
        }
        self.block_on(self.id_of(schema))
    }

    fn schema_by_id(&self, id: u32) -> Result<RegisteredSchema, RegistryError> {
        if let Some(schema) = self.schemas.cached(&id) {
            return Ok(schema);
        }
        self.block_on(self.schema(id))
    }
}
