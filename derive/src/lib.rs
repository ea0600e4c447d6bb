//! `#[derive(tidings::Event)]` and `#[derive(tidings::Record)]`. Use them through the `tidings`
//! crate, which re-exports them and documents them.
//!
//! The stages live in their own modules: `attr` reads `#[event(...)]` and the serde attributes
//! that change what is on the wire, `locate` finds and reads the committed schema, `check`
//! holds one `check_*` function per rule, and `expand` writes the impl. Errors are collected,
//! so one build shows every mistake, each under the token it is about.

mod attr;
mod check;
mod ctxt;
mod expand;
mod locate;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Binds a struct to one committed event schema version; see `tidings::Event`.
#[proc_macro_derive(Event, attributes(event))]
pub fn derive_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, expand::Mode::Event).into()
}

/// Binds a struct to a record type of a committed schema (a nested record of an event, or a
/// shared type); see `tidings::Record`.
#[proc_macro_derive(Record, attributes(record))]
pub fn derive_record(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, expand::Mode::Record).into()
}
