//! The derive's compiler diagnostics live in `tests/ui.rs`, their cases in `ui/`.
