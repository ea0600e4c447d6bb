//! The integration tests of `tidings-cli`: a module per file, in one test binary (a binary
//! each would link every dependency again; see `autotests` in Cargo.toml).

mod common;
mod compat;
mod limits;
mod registry;
mod repository;
