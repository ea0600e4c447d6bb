//! The integration tests of `tidings-codegen`: a module per file, in one test binary (a binary
//! each would link every dependency again; see `autotests` in Cargo.toml).

mod random_repositories;
mod snapshots;
