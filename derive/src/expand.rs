//! The generated impl: hygienic (`const _: () = { ... }`, fully qualified paths, the runtime
//! reached through `#[event(crate = "...")]`), and a stub impl when the input has mistakes, so
//! that each mistake gives one diagnostic. Only tokens are built here, from what the earlier
//! stages found.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;
use tidings_schema::repo::VersionPlace;
use tidings_schema::SchemaDoc;

use crate::check;
use crate::locate::Located;
use crate::Mode;

/// What the struct was bound to: the record's name, and the nested structs that must be bound
/// to the records the schema says.
#[derive(Default)]
pub(crate) struct Bound {
    pub(crate) record_name: String,
    pub(crate) nested: Vec<check::NestedRecord>,
}

/// The impls of `tidings::Record` and, for an event, `tidings::Event`; a stub `Event` impl when
/// nothing was located (or there were mistakes).
pub(crate) fn impls(
    input: &DeriveInput,
    mode: Mode,
    krate: &syn::Path,
    rust_name: &str,
    located: Option<&Located>,
    bound: &Bound,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let record_name = &bound.record_name;
    let body = match located {
        Some(located) => real_impl(krate, ident, rust_name, located, mode, bound),
        None => stub_impl(krate, ident, mode),
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::Record for #ident #ty_generics #where_clause {
                const RECORD_NAME: &'static str = #record_name;
            }
            #body
        };
    }
}

fn real_impl(
    krate: &syn::Path,
    ident: &syn::Ident,
    name: &str,
    located: &Located,
    mode: Mode,
    bound: &Bound,
) -> TokenStream {
    let record_name = &bound.record_name;
    let assertions = bound.nested.iter().map(|n| {
        let ty = &n.ty;
        let message = format!("field `{}`: `{}` is bound to another record than `{}`", n.field, quote!(#ty), n.name);
        let expected = &n.name;
        quote_spanned! {ty.span()=>
            const _: () = if !#krate::__private::str_eq(<#ty as #krate::Record>::RECORD_NAME, #expected) {
                ::core::panic!(#message)
            };
        }
    });
    let path = located.path.to_string_lossy().into_owned();
    let reference_entries = located.references.iter().map(|(rel, abs)| {
        let abs = abs.to_string_lossy().into_owned();
        quote!((#rel, ::core::include_str!(#abs)))
    });
    if mode == Mode::Record {
        // Records include their file too, so that the crate rebuilds when it changes.
        return quote! {
            const _: &str = ::core::include_str!(#path);
            #(#assertions)*
        };
    }
    let (format, standalone) = match &located.doc {
        SchemaDoc::Avro(schema) => (
            quote!(#krate::SchemaFormat::Avro),
            schema.standalone_json().to_string(),
        ),
        SchemaDoc::Json(_) => (quote!(#krate::SchemaFormat::Json), located.text.clone()),
    };
    let Ok(VersionPlace {
        domain,
        event,
        number: version,
        ..
    }) = &located.layout
    else {
        return stub_impl(krate, ident, mode);
    };
    let event_type = format!("{domain}.{event}");
    let subject = located.config.subject_of(domain, event, record_name);
    let rel = &located.rel;
    quote! {
        #[automatically_derived]
        impl #krate::Event for #ident {
            const NAME: &'static str = #name;
            const EVENT_TYPE: &'static str = #event_type;
            const VERSION: u32 = #version;
            const DOMAIN: &'static str = #domain;
            const SUBJECT: &'static str = #subject;
            const SCHEMA: &'static str = ::core::include_str!(#path);
            const SCHEMA_PATH: &'static str = #rel;
            const STANDALONE_SCHEMA: &'static str = #standalone;
            const FORMAT: #krate::SchemaFormat = #format;
            const REFERENCES: &'static [(&'static str, &'static str)] = &[#(#reference_entries),*];
        }
        #(#assertions)*
    }
}

fn stub_impl(krate: &syn::Path, ident: &syn::Ident, mode: Mode) -> TokenStream {
    if mode == Mode::Record {
        return TokenStream::new();
    }
    quote! {
        #[automatically_derived]
        impl #krate::Event for #ident {
            const NAME: &'static str = "";
            const EVENT_TYPE: &'static str = "";
            const VERSION: u32 = 0;
            const DOMAIN: &'static str = "";
            const SUBJECT: &'static str = "";
            const SCHEMA: &'static str = "";
            const SCHEMA_PATH: &'static str = "";
            const STANDALONE_SCHEMA: &'static str = "";
            const FORMAT: #krate::SchemaFormat = #krate::SchemaFormat::Avro;
        }
    }
}

/// The runtime crate as the user's manifest names it: `::tidings`, or the name a renamed
/// dependency gives it (`tidings-rt = { package = "tidings", ... }`), as serde and num_enum find
/// theirs. `#[event(crate = "...")]` overrides it.
pub(crate) fn runtime_path() -> syn::Path {
    use proc_macro_crate::{crate_name, FoundCrate};
    match crate_name("tidings") {
        // Inside the runtime's own package only its tests and examples use the derive, and
        // they name it `tidings` too.
        Ok(FoundCrate::Itself) | Err(_) => syn::parse_quote!(::tidings),
        Ok(FoundCrate::Name(name)) => {
            let ident = syn::Ident::new(&name, proc_macro2::Span::call_site());
            syn::parse_quote!(::#ident)
        }
    }
}
