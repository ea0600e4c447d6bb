//! The derive's diagnostics, one file per mistake, plus one with many mistakes at once (the case
//! that compiles, with the prelude shadowed, is `tests/hygiene.rs`). `.stderr` files are stable
//! because the compiler is pinned in rust-toolchain.toml; regenerate with `TRYBUILD=overwrite`
//! and review every change.

#[test]
fn derive_diagnostics() {
    // trybuild builds the cases in a crate of its own: schema paths resolve from this crate.
    std::env::set_var("TIDINGS_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"));
    let t = trybuild::TestCases::new();
    for case in [
        "imperative_name",
        "missing_field",
        "extra_field",
        "wrong_types",
        "option_mismatch",
        "missing_schema",
        "invalid_schema",
        "version_mismatch",
        "record_name_mismatch",
        "nested_not_bound",
        "many_mistakes",
    ] {
        t.compile_fail(format!("ui/{case}.rs"));
    }
}
