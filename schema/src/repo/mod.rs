//! The schema repository: `tidings.toml`, and `<schema_root>/<domain>/<event>/vN.(avsc|json)`
//! read from the working tree or from a git revision.

pub mod config;
