//! The integration tests of `tidings-derive-ui`: a module per file, in one test binary (a binary
//! each would link every dependency again; see `autotests` in Cargo.toml).

mod hygiene;
mod ui;
