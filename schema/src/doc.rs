//! The schema model: a schema of either format, as every crate reads, compares, generates from
//! and registers it.

use crate::avro::{AvroSchema, SourceFile};
use crate::error::SchemaError;
use crate::jsonschema::JsonSchema;

/// A schema format: of a version file (`.avsc`, `.json`), of a registered schema (its
/// `schemaType`), of an event type (`tidings::SchemaFormat` is this type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Format {
    /// Apache Avro (`.avsc`).
    Avro,
    /// JSON Schema (`.json`).
    Json,
}

impl Format {
    /// The `schemaType` a Confluent registry uses (`AVRO`, `JSON`).
    pub fn schema_type(self) -> &'static str {
        match self {
            Format::Avro => "AVRO",
            Format::Json => "JSON",
        }
    }

    /// The format a registry's `schemaType` names: `JSON` (any case) is JSON Schema; absent,
    /// empty or `AVRO` is Avro (Confluent's default). Protobuf is not a format of tidings.
    pub fn from_schema_type(schema_type: &str) -> Format {
        if schema_type.eq_ignore_ascii_case("JSON") {
            Format::Json
        } else {
            Format::Avro
        }
    }
}

/// A schema of either format, parsed with its source positions.
#[derive(Debug, Clone)]
pub enum SchemaDoc {
    /// An Avro schema.
    Avro(AvroSchema),
    /// A JSON Schema.
    Json(JsonSchema),
}

impl SchemaDoc {
    /// Parses an Avro schema file's text.
    ///
    /// # Errors
    /// See [`crate::avro::AvroParser::parse`].
    pub fn parse_avro(name: &str, text: &str) -> Result<SchemaDoc, SchemaError> {
        crate::avro::AvroParser::new()
            .parse(SourceFile { name, text })
            .map(SchemaDoc::Avro)
    }

    /// Parses a JSON Schema file's text.
    ///
    /// # Errors
    /// See [`crate::jsonschema::JsonSchemaLoader::load_str`].
    pub fn parse_json(name: &str, text: &str) -> Result<SchemaDoc, SchemaError> {
        crate::jsonschema::parse(name, text).map(SchemaDoc::Json)
    }

    /// The file's top-level value with the positions of its members (their own values stand as
    /// `null`).
    pub fn top_level(&self) -> &crate::source::Node {
        match self {
            SchemaDoc::Avro(s) => s.top_level(),
            SchemaDoc::Json(s) => s.top_level(),
        }
    }

    /// The file the schema was read from.
    pub fn file(&self) -> &str {
        match self {
            SchemaDoc::Avro(s) => &s.file,
            SchemaDoc::Json(s) => s.file(),
        }
    }

    /// `avro` or `json`.
    pub fn format(&self) -> &'static str {
        match self {
            SchemaDoc::Avro(_) => "avro",
            SchemaDoc::Json(_) => "json",
        }
    }
}
