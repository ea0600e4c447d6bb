//! The derive's diagnostics, one file per mistake, plus one with many mistakes at once (the case
//! that compiles, with the prelude shadowed, is `tests/hygiene.rs`). `.stderr` files are stable
//! because the compiler is pinned in rust-toolchain.toml; regenerate with `TRYBUILD=overwrite`
//! and review every change.

use std::path::Path;

#[test]
fn derive_diagnostics() {
    // trybuild builds the cases in a crate of its own: schema paths resolve from this crate.
    std::env::set_var("TIDINGS_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"));
    // Its target folder is its own (target/tests/trybuild), but cargo keeps what it compiles on
    // the way in the build directory: with this build's target folder as that directory, the
    // cases' build finds the proc macros' stack (syn, serde_derive, ...) this build compiled and
    // compiles only what differs. (Its dependency build took 32.8 s alone, 10.8 s so.)
    if std::env::var_os("CARGO_BUILD_BUILD_DIR").is_none() {
        let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("CARGO_TARGET_TMPDIR is inside the target folder");
        std::env::set_var("CARGO_BUILD_BUILD_DIR", target_dir);
    }
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
