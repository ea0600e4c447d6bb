//! Avro schemas (specification 1.11/1.12): the model, the parser and schema identity.

mod canonical;
mod model;
mod parse;

pub use canonical::rabin_fingerprint;
pub use model::*;
pub use parse::{parse, AvroParser, SourceFile};
