//! The integration tests of `tidings-tests`: a module per file, in one test binary (a binary
//! each would link every dependency again; see `autotests` in Cargo.toml).

mod readme;
mod runtime;
