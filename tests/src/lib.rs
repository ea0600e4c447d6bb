//! End-to-end tests of the tidings crates live in `tests/`.
