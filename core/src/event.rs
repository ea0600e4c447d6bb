//! The `Event` trait: what every event type knows about itself.

/// The schema format an event is written in: the schema crate's one format type.
pub use tidings_schema::Format as SchemaFormat;

/// A versioned domain event bound to one committed schema version. Implemented by
/// `#[derive(tidings::Event)]`, which checks the type against its schema at compile time.
pub trait Event: serde::Serialize + serde::de::DeserializeOwned {
    /// The event's PascalCase name (`UserRegistered`).
    const NAME: &'static str;
    /// The event type, stable across versions: `<domain>.<event>` (`identity.user_registered`).
    const EVENT_TYPE: &'static str;
    /// The schema version this type is bound to (`2` for `v2.avsc`).
    const VERSION: u32;
    /// The domain (bounded context) the event belongs to.
    const DOMAIN: &'static str;
    /// The registry subject, under the project's subject naming strategy.
    const SUBJECT: &'static str;
    /// The schema's text, exactly as committed.
    const SCHEMA: &'static str;
    /// The schema file's path below the schema root (`identity/user_registered/v2.avsc`).
    const SCHEMA_PATH: &'static str;
    /// The schema as one self-contained document: for Avro, every named type from referenced
    /// files written out where first used; for JSON Schema, the committed text.
    const STANDALONE_SCHEMA: &'static str;
    /// The schema's format.
    const FORMAT: SchemaFormat;
    /// The files the schema refers to: path below the schema root, and text.
    const REFERENCES: &'static [(&'static str, &'static str)] = &[];
}

/// A struct bound to a record of a committed schema: an event, or a record nested in one.
/// Implemented by `#[derive(tidings::Event)]` and `#[derive(tidings::Record)]`; an event's
/// nested struct fields must implement it with the record the schema names there.
pub trait Record {
    /// The record's full name (Avro) or title (JSON Schema).
    const RECORD_NAME: &'static str;
}
