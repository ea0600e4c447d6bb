//! The JSON codec: Confluent wire format, validation with jsonschema (the `json` feature).

use std::collections::HashMap;
use std::marker::PhantomData;

use super::{expect_format, CodecError};
use crate::event::{Event, SchemaFormat};
use crate::registry::{AsyncSchemaRegistry, EventSchema, SchemaRegistry};
use crate::wire;

/// Writes JSON events in the wire format, optionally validating each against its schema first.
pub struct JsonSerializer<E> {
    schema_id: u32,
    validator: Option<jsonschema::Validator>,
    _event: PhantomData<fn(&E)>,
}

impl<E: Event> JsonSerializer<E> {
    /// Asks the registry for the schema id, once. With `validate`, every event is checked
    /// against its schema before it is written, and one that does not match is refused.
    ///
    /// # Errors
    /// An Avro event, a schema the validator cannot compile, or a failing registry.
    pub fn new(registry: &dyn SchemaRegistry, validate: bool) -> Result<Self, CodecError> {
        expect_format::<E>(SchemaFormat::Json)?;
        let schema_id = registry.id_for(&EventSchema::of::<E>())?;
        Self::with_id(schema_id, validate)
    }

    /// As [`JsonSerializer::new`], without blocking: the look-up is awaited.
    ///
    /// # Errors
    /// See [`JsonSerializer::new`].
    pub async fn new_async(
        registry: &dyn AsyncSchemaRegistry,
        validate: bool,
    ) -> Result<Self, CodecError> {
        expect_format::<E>(SchemaFormat::Json)?;
        let schema_id = registry.id_for(&EventSchema::of::<E>()).await?;
        Self::with_id(schema_id, validate)
    }

    /// A serializer that writes `schema_id`, which the caller looked up.
    ///
    /// # Errors
    /// An Avro event, or a schema the validator cannot compile.
    pub fn with_id(schema_id: u32, validate: bool) -> Result<Self, CodecError> {
        expect_format::<E>(SchemaFormat::Json)?;
        let validator = if validate {
            Some(json_validator::<E>()?)
        } else {
            None
        };
        Ok(JsonSerializer {
            schema_id,
            validator,
            _event: PhantomData,
        })
    }

    /// The schema id written in every message.
    pub fn schema_id(&self) -> u32 {
        self.schema_id
    }

    /// The framed message: magic byte, schema id, JSON.
    ///
    /// # Errors
    /// With validation on, an event that does not match its schema; the message names the field.
    pub fn serialize(&self, event: &E) -> Result<Vec<u8>, CodecError> {
        let value = serde_json::to_value(event).map_err(|e| CodecError::Invalid {
            event: E::EVENT_TYPE,
            message: e.to_string(),
        })?;
        if let Some(validator) = &self.validator {
            validate::<E>(validator, &value)?;
        }
        let mut out = Vec::with_capacity(128);
        wire::write_header(&mut out, self.schema_id);
        serde_json::to_writer(&mut out, &value).map_err(|e| CodecError::Invalid {
            event: E::EVENT_TYPE,
            message: e.to_string(),
        })?;
        Ok(out)
    }
}

/// Reads JSON events in the wire format.
pub struct JsonDeserializer<E> {
    _event: PhantomData<fn() -> E>,
}

impl<E: Event> Default for JsonDeserializer<E> {
    fn default() -> Self {
        JsonDeserializer {
            _event: PhantomData,
        }
    }
}

impl<E: Event> JsonDeserializer<E> {
    /// Reads one framed message; JSON needs no writer schema to be read.
    ///
    /// # Errors
    /// Bytes not in the wire format, or JSON that does not fit `E`.
    pub fn deserialize(&self, message: &[u8]) -> Result<E, CodecError> {
        let (id, payload) = wire::unframe(message)?;
        serde_json::from_slice(payload).map_err(|e| CodecError::Decode {
            event: E::EVENT_TYPE,
            schema_id: id,
            message: e.to_string(),
        })
    }
}

/// A validator for the event's JSON Schema. The files it refers to come from the event's
/// `REFERENCES`; nothing else is retrieved, from the network or anywhere.
fn json_validator<E: Event>() -> Result<jsonschema::Validator, CodecError> {
    let schema_error = |message: String| CodecError::Schema {
        event: E::EVENT_TYPE,
        message,
    };
    let schema: serde_json::Value =
        serde_json::from_str(E::SCHEMA).map_err(|e| schema_error(e.to_string()))?;
    let mut files = HashMap::new();
    for (path, text) in E::REFERENCES {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| schema_error(format!("`{path}`: {e}")))?;
        files.insert(format!("tidings:///{path}"), value);
    }
    jsonschema::options()
        .with_base_uri(format!("tidings:///{}", E::SCHEMA_PATH))
        .with_retriever(References(files))
        .build(&schema)
        .map_err(|e| schema_error(e.to_string()))
}

struct References(HashMap<String, serde_json::Value>);

impl jsonschema::Retrieve for References {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0.get(uri.as_str()).cloned().ok_or_else(|| {
            format!("`{uri}` is not one of the schema's references; nothing is fetched").into()
        })
    }
}

fn validate<E: Event>(
    validator: &jsonschema::Validator,
    value: &serde_json::Value,
) -> Result<(), CodecError> {
    let problems: Vec<String> = validator
        .iter_errors(value)
        .map(|e| {
            let at = e.instance_path().to_string();
            let field = if at.is_empty() {
                "the event".to_owned()
            } else {
                format!("field `{}`", at.trim_start_matches('/').replace('/', "."))
            };
            format!("{field}: {e}")
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CodecError::Invalid {
            event: E::EVENT_TYPE,
            message: problems.join("; "),
        })
    }
}
