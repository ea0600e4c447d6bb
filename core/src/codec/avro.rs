//! The Avro codec: Confluent wire format, apache-avro underneath (the `avro` feature).

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, RwLock};

use super::{expect_format, CodecError};
use crate::event::{Event, SchemaFormat};
use crate::registry::{AsyncSchemaRegistry, EventSchema, RegisteredSchema, SchemaRegistry};
use crate::wire;

/// Writes Avro events in the wire format.
pub struct AvroSerializer<E> {
    schema: apache_avro::Schema,
    schema_id: u32,
    /// The schema refers to a named type by name (a type used twice): apache-avro's direct
    /// serde path cannot resolve such references, so values go through `apache_avro::Value`.
    has_references: bool,
    _event: PhantomData<fn(&E)>,
}

impl<E: Event> AvroSerializer<E> {
    /// Parses the event's schema and asks the registry for its id, once.
    ///
    /// # Errors
    /// A JSON Schema event, an unusable schema, or a failing registry.
    pub fn new(registry: &dyn SchemaRegistry) -> Result<Self, CodecError> {
        expect_format::<E>(SchemaFormat::Avro)?;
        let schema_id = registry.id_for(&EventSchema::of::<E>())?;
        Self::with_id(schema_id)
    }

    /// As [`AvroSerializer::new`], without blocking: the look-up is awaited.
    ///
    /// # Errors
    /// See [`AvroSerializer::new`].
    pub async fn new_async(registry: &dyn AsyncSchemaRegistry) -> Result<Self, CodecError> {
        expect_format::<E>(SchemaFormat::Avro)?;
        let schema_id = registry.id_for(&EventSchema::of::<E>()).await?;
        Self::with_id(schema_id)
    }

    /// A serializer that writes `schema_id`, which the caller looked up.
    ///
    /// # Errors
    /// A JSON Schema event, or an unusable schema.
    pub fn with_id(schema_id: u32) -> Result<Self, CodecError> {
        expect_format::<E>(SchemaFormat::Avro)?;
        let schema = apache_avro::Schema::parse_str(E::STANDALONE_SCHEMA).map_err(|e| {
            CodecError::Schema {
                event: E::EVENT_TYPE,
                message: e.to_string(),
            }
        })?;
        // A named type used twice is written by name the second time; apache-avro's direct serde
        // path cannot look names up, so such schemas are written out in full where possible.
        let (schema, has_references) =
            match refers_by_name(&schema).then(|| inline_named_types(&schema)) {
                Some(Some(inlined)) => (inlined, false),
                Some(None) => (schema, true),
                None => (schema, false),
            };
        Ok(AvroSerializer {
            schema,
            schema_id,
            has_references,
            _event: PhantomData,
        })
    }

    /// The schema id written in every message.
    pub fn schema_id(&self) -> u32 {
        self.schema_id
    }

    /// The framed message: magic byte, schema id, Avro binary.
    ///
    /// # Errors
    /// A value that does not match the schema.
    pub fn serialize(&self, event: &E) -> Result<Vec<u8>, CodecError> {
        let mut out = Vec::with_capacity(64);
        self.serialize_into(event, &mut out)?;
        Ok(out)
    }

    /// Appends the framed message to `out` (which can be reused across messages).
    ///
    /// # Errors
    /// A value that does not match the schema.
    pub fn serialize_into(&self, event: &E, out: &mut Vec<u8>) -> Result<(), CodecError> {
        let invalid = |e: apache_avro::Error| CodecError::Invalid {
            event: E::EVENT_TYPE,
            message: e.to_string(),
        };
        wire::write_header(out, self.schema_id);
        if self.has_references {
            let value = apache_avro::to_value(event).map_err(invalid)?;
            out.extend(apache_avro::to_avro_datum(&self.schema, value).map_err(invalid)?);
        } else {
            apache_avro::write_avro_datum_ref(&self.schema, event, out).map_err(invalid)?;
        }
        Ok(())
    }
}

/// The schema with every use of a named type by name replaced by its definition, so that it can
/// be written without name look-ups. `None` for a recursive type, or when writing it out would
/// take more than 10,000 nodes.
fn inline_named_types(schema: &apache_avro::Schema) -> Option<apache_avro::Schema> {
    use apache_avro::schema::Name;
    use apache_avro::Schema as S;
    fn definitions(schema: &S, out: &mut HashMap<Name, S>) {
        match schema {
            S::Record(r) => {
                out.insert(r.name.clone(), schema.clone());
                r.fields.iter().for_each(|f| definitions(&f.schema, out));
            }
            S::Enum(e) => {
                out.insert(e.name.clone(), schema.clone());
            }
            S::Fixed(f) => {
                out.insert(f.name.clone(), schema.clone());
            }
            S::Array(a) => definitions(&a.items, out),
            S::Map(m) => definitions(&m.types, out),
            S::Union(u) => u.variants().iter().for_each(|v| definitions(v, out)),
            _ => {}
        }
    }
    fn inline(
        schema: &S,
        defs: &HashMap<Name, S>,
        expanding: &mut Vec<Name>,
        budget: &mut usize,
    ) -> Option<S> {
        *budget = budget.checked_sub(1)?;
        Some(match schema {
            S::Ref { name } => {
                if expanding.contains(name) {
                    return None;
                }
                return inline(defs.get(name)?, defs, expanding, budget);
            }
            S::Record(r) => {
                let mut record = r.clone();
                expanding.push(r.name.clone());
                for field in &mut record.fields {
                    field.schema = inline(&field.schema, defs, expanding, budget)?;
                }
                expanding.pop();
                S::Record(record)
            }
            S::Array(a) => S::Array(apache_avro::schema::ArraySchema {
                items: Box::new(inline(&a.items, defs, expanding, budget)?),
                attributes: a.attributes.clone(),
            }),
            S::Map(m) => S::Map(apache_avro::schema::MapSchema {
                types: Box::new(inline(&m.types, defs, expanding, budget)?),
                attributes: m.attributes.clone(),
            }),
            S::Union(u) => S::Union(
                apache_avro::schema::UnionSchema::new(
                    u.variants()
                        .iter()
                        .map(|v| inline(v, defs, expanding, budget))
                        .collect::<Option<Vec<_>>>()?,
                )
                .ok()?,
            ),
            other => other.clone(),
        })
    }
    let mut defs = HashMap::new();
    definitions(schema, &mut defs);
    inline(schema, &defs, &mut Vec::new(), &mut 10_000)
}

/// Whether a schema uses a named type by name somewhere (it is used more than once).
fn refers_by_name(schema: &apache_avro::Schema) -> bool {
    use apache_avro::Schema as S;
    match schema {
        S::Ref { .. } => true,
        S::Record(record) => record.fields.iter().any(|f| refers_by_name(&f.schema)),
        S::Array(array) => refers_by_name(&array.items),
        S::Map(map) => refers_by_name(&map.types),
        S::Union(union) => union.variants().iter().any(refers_by_name),
        _ => false,
    }
}

/// A writer schema as one document: as it is without references, else with the referenced
/// types written out where first used (what a registry holds with Confluent references).
fn standalone_avro(schema: &RegisteredSchema) -> Result<String, String> {
    if schema.references.is_empty() {
        return Ok(schema.text.clone());
    }
    crate::registry::parse_avro(schema)
        .map(|parsed| parsed.standalone_json().to_string())
        .map_err(|e| e.to_string())
}

/// Parses a schema for decoding. apache-avro refuses to decode a `bytes` decimal whose value
/// takes fewer bytes than its precision could need (small values are written in few bytes), so
/// such decimals are read as the plain bytes they are; `Vec<u8>` and `Decimal` fields accept them.
fn decoding_schema(text: &str) -> Result<apache_avro::Schema, String> {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                if map.get("type").and_then(serde_json::Value::as_str) == Some("bytes")
                    && map.get("logicalType").and_then(serde_json::Value::as_str) == Some("decimal")
                {
                    map.remove("logicalType");
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut json: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    strip(&mut json);
    apache_avro::Schema::parse(&json).map_err(|e| e.to_string())
}

/// Reads Avro events in the wire format, resolving any known writer schema into `E`.
pub struct AvroDeserializer<E> {
    reader: apache_avro::Schema,
    registry: Arc<dyn SchemaRegistry>,
    writers: RwLock<HashMap<u32, Arc<apache_avro::Schema>>>,
    _event: PhantomData<fn() -> E>,
}

impl<E: Event> AvroDeserializer<E> {
    /// A deserializer into `E`, fetching writer schemas from `registry` when first seen.
    ///
    /// # Errors
    /// A JSON Schema event, or an unusable schema.
    pub fn new(registry: Arc<dyn SchemaRegistry>) -> Result<Self, CodecError> {
        expect_format::<E>(SchemaFormat::Avro)?;
        let reader = decoding_schema(E::STANDALONE_SCHEMA).map_err(|e| CodecError::Schema {
            event: E::EVENT_TYPE,
            message: e.to_string(),
        })?;
        Ok(AvroDeserializer {
            reader,
            registry,
            writers: RwLock::new(HashMap::new()),
            _event: PhantomData,
        })
    }

    fn writer(&self, id: u32) -> Result<Arc<apache_avro::Schema>, CodecError> {
        if let Some(schema) = self
            .writers
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&id)
        {
            return Ok(schema.clone());
        }
        let found = self.registry.schema_by_id(id)?;
        if found.format != SchemaFormat::Avro {
            return Err(CodecError::Decode {
                event: E::EVENT_TYPE,
                schema_id: id,
                message: "the writer's schema is not Avro".into(),
            });
        }
        let text = standalone_avro(&found).map_err(|e| CodecError::Decode {
            event: E::EVENT_TYPE,
            schema_id: id,
            message: format!("the writer's schema cannot be parsed: {e}"),
        })?;
        let schema = Arc::new(decoding_schema(&text).map_err(|e| CodecError::Decode {
            event: E::EVENT_TYPE,
            schema_id: id,
            message: format!("the writer's schema cannot be parsed: {e}"),
        })?);
        self.writers
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(id, schema.clone());
        Ok(schema)
    }

    /// Reads one framed message.
    ///
    /// # Errors
    /// Bytes not in the wire format, an unknown schema id, data the writer's schema cannot
    /// decode, or a writer schema the reader's cannot resolve.
    pub fn deserialize(&self, message: &[u8]) -> Result<E, CodecError> {
        let (id, mut payload) = wire::unframe(message)?;
        let writer = self.writer(id)?;
        let decode = |message: String| CodecError::Decode {
            event: E::EVENT_TYPE,
            schema_id: id,
            message,
        };
        let value = apache_avro::from_avro_datum(&writer, &mut payload, None)
            .map_err(|e| decode(e.to_string()))?;
        if !payload.is_empty() {
            return Err(decode(format!(
                "{} bytes left after the value",
                payload.len()
            )));
        }
        // apache-avro may decode a union branch cut short as null; a value that does not match
        // the writer's schema means the message was truncated or corrupted.
        if !value.validate(&writer) {
            return Err(decode(
                "the message is truncated or corrupt: its value does not match the writer's schema"
                    .into(),
            ));
        }
        let value = value
            .resolve(&self.reader)
            .map_err(|e| decode(e.to_string()))?;
        apache_avro::from_value::<E>(&value).map_err(|e| decode(e.to_string()))
    }
}
