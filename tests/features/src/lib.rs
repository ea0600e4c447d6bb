//! Nothing to call: this package exists for its features, which `.ci/run` checks one at a time
//! (see Cargo.toml).
