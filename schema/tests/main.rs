//! The integration tests of `tidings-schema`: a module per file, in one test binary (a binary
//! each would link every dependency again; see `autotests` in Cargo.toml).

mod blowup;
mod compat_corpus;
mod properties;
mod rule_fixtures;
