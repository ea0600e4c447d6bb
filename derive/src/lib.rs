//! `#[derive(tidings::Event)]` and `#[derive(tidings::Record)]`. Use them through the `tidings`
//! crate, which re-exports them and documents them.
//!
//! The stages live in their own modules, run in order by [`derive`]: `attr` reads `#[event(...)]`
//! and the serde attributes that change what is on the wire, `locate` finds and reads the
//! committed schema, `resolve` picks the record the struct is bound to, `check` holds one
//! `check_*` function per rule, and `expand` writes the impl from what the stages found. Errors
//! are collected, so one build shows every mistake, each under the token it is about.

mod attr;
mod check;
mod ctxt;
mod expand;
mod locate;
mod resolve;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput, LitStr};

use ctxt::Ctxt;

/// Binds a struct to one committed event schema version; see `tidings::Event`.
#[proc_macro_derive(Event, attributes(event))]
pub fn derive_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input, Mode::Event).into()
}

/// Binds a struct to a record type of a committed schema (a nested record of an event, or a
/// shared type); see `tidings::Record`.
#[proc_macro_derive(Record, attributes(record))]
pub fn derive_record(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input, Mode::Record).into()
}

/// Which derive is expanding.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Event,
    Record,
}

impl Mode {
    /// The attribute's name: `#[event(...)]`, `#[record(...)]`.
    fn key(self) -> &'static str {
        match self {
            Mode::Event => "event",
            Mode::Record => "record",
        }
    }
}

/// The stages, in order; each records its mistakes and the next runs on what it found.
fn derive(input: &DeriveInput, mode: Mode) -> proc_macro2::TokenStream {
    let cx = Ctxt::default();
    let attrs = attr::container(&cx, &input.attrs, mode.key());
    let ident = &input.ident;
    // On a record, `name` selects the type inside the file; the struct keeps its own name.
    let rust_name = match mode {
        Mode::Event => attrs.name.as_ref().map(LitStr::value),
        Mode::Record => None,
    }
    .or_else(|| attrs.serde_rename.clone())
    .unwrap_or_else(|| ident.to_string());
    let fields = check::check_named_fields(&cx, input, mode);
    if mode == Mode::Event {
        check::check_event_name(&cx, ident, &rust_name);
    }
    let located = locate::located(&cx, &attrs, ident, mode)
        .filter(|located| check::check_layout(&cx, located, &attrs, mode));
    let mut bound = expand::Bound::default();
    if let (Some(located), Some(fields)) = (&located, fields) {
        check::check_version(&cx, located, &attrs, mode);
        if let Some((target, name)) = resolve::target(&cx, located, &attrs, ident, mode) {
            check::check_target_name(&cx, located, ident, &rust_name, name.as_deref(), mode);
            bound = expand::Bound {
                record_name: name.unwrap_or_default(),
                nested: check::check_fields(&cx, ident, fields, &attrs, &target),
            };
        }
    }
    let errors = cx.into_compile_errors();
    let krate = attrs.krate.clone().unwrap_or_else(expand::runtime_path);
    // With mistakes, a stub impl keeps code that uses the type compiling, so each mistake is
    // reported once.
    let located = located.filter(|_| errors.is_none());
    let body = expand::impls(input, mode, &krate, &rust_name, located.as_ref(), &bound);
    quote::quote! {
        #errors
        #body
    }
}
