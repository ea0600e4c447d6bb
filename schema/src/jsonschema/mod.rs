//! JSON Schema (drafts 7, 2019-09 and 2020-12) as events use it: the model and the loader.

mod bundle;
mod load;
mod model;

pub use bundle::bundle;
pub(crate) use bundle::join;
pub use load::{normalize_path, parse, FileReader, JsonSchemaLoader};
pub use model::*;
