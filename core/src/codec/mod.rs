//! Serializers and deserializers in Confluent's wire format, for Avro binary and JSON.
//!
//! A serializer learns its schema id once, when it is built; serializing makes no registry call.
//! A deserializer reads the writer's schema id from each message, fetches an unknown writer
//! schema once and caches it, and resolves the data into the reader's type (Avro schema
//! resolution), so a v1 struct reads v2 data when v2 is backward compatible.

//!
//! Each format is a cargo feature of the runtime, both on by default: `avro` (apache-avro) and
//! `json` (jsonschema, for validation). A service that uses one format builds only its stack.

use std::sync::Arc;

use crate::event::{Event, SchemaFormat};
use crate::registry::{RegisteredSchema, RegistryError, SchemaRegistry};
use crate::wire::{self, WireError};

#[cfg(feature = "avro")]
mod avro;
#[cfg(feature = "json")]
mod json;

#[cfg(feature = "avro")]
pub use avro::{AvroDeserializer, AvroSerializer};
#[cfg(feature = "json")]
pub use json::{JsonDeserializer, JsonSerializer};

/// Why a message could not be written or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The bytes are not in the wire format.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// The registry failed, or does not know the writer's schema id.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The event's schema cannot be used by the codec.
    #[error("the schema of `{event}` cannot be used: {message}")]
    Schema {
        /// The event type.
        event: &'static str,
        /// Why.
        message: String,
    },
    /// The value does not match its schema; the message names the field.
    #[error("`{event}` does not match its schema: {message}")]
    Invalid {
        /// The event type.
        event: &'static str,
        /// What does not match, and where.
        message: String,
    },
    /// The payload cannot be decoded into the event type.
    #[error("cannot decode `{event}` written with schema id {schema_id}: {message}")]
    Decode {
        /// The event type.
        event: &'static str,
        /// The writer's schema id.
        schema_id: u32,
        /// Why.
        message: String,
    },
    /// A codec of one format was given an event of the other.
    #[error("`{event}` is a {actual:?} event, not {expected:?}")]
    WrongFormat {
        /// The event type.
        event: &'static str,
        /// The event's format.
        actual: SchemaFormat,
        /// The codec's format.
        expected: SchemaFormat,
    },
}

#[cfg_attr(not(any(feature = "avro", feature = "json")), allow(dead_code))]
fn expect_format<E: Event>(expected: SchemaFormat) -> Result<(), CodecError> {
    if E::FORMAT == expected {
        Ok(())
    } else {
        Err(CodecError::WrongFormat {
            event: E::EVENT_TYPE,
            actual: E::FORMAT,
            expected,
        })
    }
}

/// Encodes one event in the wire format, Avro or JSON as its schema is. Builds a serializer
/// per call: for a hot path, keep an [`AvroSerializer`] or [`JsonSerializer`] instead.
///
/// # Errors
/// See [`AvroSerializer::new`] and [`AvroSerializer::serialize`] (or the JSON ones).
pub fn encode<E: Event>(registry: &dyn SchemaRegistry, event: &E) -> Result<Vec<u8>, CodecError> {
    match E::FORMAT {
        #[cfg(feature = "avro")]
        SchemaFormat::Avro => AvroSerializer::<E>::new(registry)?.serialize(event),
        #[cfg(feature = "json")]
        SchemaFormat::Json => JsonSerializer::<E>::new(registry, true)?.serialize(event),
        #[allow(unreachable_patterns)]
        format => {
            let _ = (registry, event);
            Err(format_off::<E>(format))
        }
    }
}

/// Decodes one wire-format message into `E`, whichever version of its schema wrote it (Avro
/// resolution). Builds a deserializer per call: for a hot path, keep an [`AvroDeserializer`].
///
/// # Errors
/// See [`AvroDeserializer::deserialize`] (or the JSON one).
pub fn decode<E: Event>(
    registry: Arc<dyn SchemaRegistry>,
    message: &[u8],
) -> Result<E, CodecError> {
    match E::FORMAT {
        #[cfg(feature = "avro")]
        SchemaFormat::Avro => AvroDeserializer::<E>::new(registry)?.deserialize(message),
        #[cfg(feature = "json")]
        SchemaFormat::Json => JsonDeserializer::<E>::default().deserialize(message),
        #[allow(unreachable_patterns)]
        format => {
            let _ = (registry, message);
            Err(format_off::<E>(format))
        }
    }
}

/// An event of a format whose feature is off.
#[allow(dead_code)]
fn format_off<E: Event>(format: SchemaFormat) -> CodecError {
    let feature = match format {
        SchemaFormat::Avro => "avro",
        SchemaFormat::Json => "json",
    };
    CodecError::Schema {
        event: E::EVENT_TYPE,
        message: format!("the `{feature}` feature of the `tidings` crate is off: turn it on to read and write {format:?} events"),
    }
}

/// The schema that wrote a wire-format message, as the registry has it.
///
/// # Errors
/// Bytes not in the wire format, or an id the registry does not know.
pub fn writer_schema(
    registry: &dyn SchemaRegistry,
    message: &[u8],
) -> Result<RegisteredSchema, CodecError> {
    let (id, _) = wire::unframe(message)?;
    Ok(registry.schema_by_id(id)?)
}
