//! Where schema ids come from. Serializers ask once, when they are built; the hot path never
//! asks again. `InMemoryRegistry` is the registry for tests and counts every call.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::event::SchemaFormat;

/// A schema as a registry holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSchema {
    /// Its format.
    pub format: SchemaFormat,
    /// Its text: for Avro a self-contained schema.
    pub text: String,
}

/// A registry failed or does not know the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// No schema has this id.
    #[error("unknown schema id {0}: the registry has no schema with this id")]
    UnknownId(u32),
    /// The registry refused or failed.
    #[error("schema registry: {0}")]
    Failed(String),
}

/// What serializers and deserializers need of a schema registry. A registry client or the
/// embedded local registry implements it; so does `InMemoryRegistry` for tests.
pub trait SchemaRegistry: Send + Sync {
    /// The id of `schema` under `subject`, registering it when the registry allows.
    ///
    /// # Errors
    /// The registry refused or failed.
    fn id_for(&self, subject: &str, schema: &RegisteredSchema) -> Result<u32, RegistryError>;

    /// The schema with `id`.
    ///
    /// # Errors
    /// An unknown id, or a failing registry.
    fn schema_by_id(&self, id: u32) -> Result<RegisteredSchema, RegistryError>;
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
}

impl SchemaRegistry for InMemoryRegistry {
    fn id_for(&self, subject: &str, schema: &RegisteredSchema) -> Result<u32, RegistryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut guard = self.lock();
        let (schemas, subjects) = &mut *guard;
        let id = match schemas.iter().position(|s| s == schema) {
            Some(index) => index as u32 + 1,
            None => {
                schemas.push(schema.clone());
                schemas.len() as u32
            }
        };
        let versions = subjects.entry(subject.to_owned()).or_default();
        if !versions.contains(&id) {
            versions.push(id);
        }
        Ok(id)
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
