//! The derive's compiler diagnostics live in `tests/ui.rs`, their cases in `ui/`; `tests/hygiene.rs`
//! compiles a derive with the prelude shadowed.
