//! tidings-schema: the schema model for Avro and JSON Schema events, parsers that keep source
//! positions, and the compatibility engine that gives a schema registry's verdict with every
//! reason at once.
//!
//! ```
//! use tidings_schema::compat::{check, Level};
//! use tidings_schema::SchemaDoc;
//!
//! let v1 = SchemaDoc::parse_avro("v1.avsc", r#"{"type": "record", "name": "UserRegistered",
//!     "fields": [{"name": "id", "type": "string"}]}"#)?;
//! let v2 = SchemaDoc::parse_avro("v2.avsc", r#"{"type": "record", "name": "UserRegistered",
//!     "fields": [{"name": "id", "type": "string"}, {"name": "email", "type": "string"}]}"#)?;
//! let report = check(&[v1], &v2, Level::Backward);
//! assert!(!report.is_compatible());
//! assert_eq!(report.findings[0].rule, "READER_FIELD_MISSING_DEFAULT_VALUE");
//! # Ok::<(), tidings_schema::SchemaError>(())
//! ```

pub mod avro;
pub mod compat;
mod depth;
mod doc;
mod error;
pub mod form;
pub mod jsonschema;
pub mod naming;
pub mod registry;
pub mod repo;
pub mod source;

pub use depth::MAX_TYPE_DEPTH;
pub use doc::{Format, SchemaDoc};
pub use error::SchemaError;
