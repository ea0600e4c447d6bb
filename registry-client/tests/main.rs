//! The integration tests of `tidings-registry`: a module per file, in one test binary (a binary
//! each would link every dependency again; see `autotests` in Cargo.toml).

mod common;
mod faults;
mod karapace_replay;
mod local_server;
mod local_store;
mod publish;
mod runtime;
