//! The generated impl: hygienic (`const _: () = { ... }`, fully qualified paths, the runtime
//! reached through `#[event(crate = "...")]`), and a stub impl when the input has mistakes, so
//! that each mistake gives one diagnostic.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};
use tidings_schema::avro::Kind as AvroKind;
use tidings_schema::SchemaDoc;

use crate::attr;
use crate::check::{self, Target};
use crate::ctxt::Ctxt;
use crate::locate::{self, Located};

/// Which derive is expanding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Event,
    Record,
}

pub(crate) fn derive(input: &DeriveInput, mode: Mode) -> TokenStream {
    let cx = Ctxt::default();
    let key = match mode {
        Mode::Event => "event",
        Mode::Record => "record",
    };
    let attrs = attr::container(&cx, &input.attrs, key);
    let krate = attrs.krate.clone().unwrap_or_else(runtime_path);
    let ident = &input.ident;
    // On a record, `name` selects the type inside the file; the struct keeps its own name.
    let rust_name = match mode {
        Mode::Event => attrs.name.as_ref().map(LitStr::value),
        Mode::Record => None,
    }
    .or_else(|| attrs.serde_rename.clone())
    .unwrap_or_else(|| ident.to_string());

    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Some(named),
            _ => {
                cx.error_spanned_by(
                    ident,
                    format!(
                        "#[derive({})] needs a struct with named fields, one per schema field",
                        if mode == Mode::Event {
                            "Event"
                        } else {
                            "Record"
                        }
                    ),
                );
                None
            }
        },
        _ => {
            cx.error_spanned_by(ident, "events and records are structs: an enum or union cannot be bound to a record schema");
            None
        }
    };
    if mode == Mode::Event {
        check::check_event_name(&cx, ident, &rust_name);
    }
    let mut located = match &attrs.schema {
        None => {
            cx.error_spanned_by(ident, format!("missing #[{key}(schema = \"...\")]: the committed schema file this struct is bound to, e.g. \"schemas/identity/user_registered/v2.avsc\""));
            None
        }
        Some(lit) => match locate::locate(&lit.value()) {
            Ok(located) => Some(located),
            Err(message) => {
                cx.error_spanned_by(lit, message);
                None
            }
        },
    };

    // An event file must sit at `<domain>/<event>/vN`: that is where its type and version come from.
    if let (Mode::Event, Some(found), Some(lit)) = (mode, &located, &attrs.schema) {
        if let Err(message) = &found.layout {
            cx.error_spanned_by(lit, message);
            located = None;
        }
    }
    let mut nested = Vec::new();
    let mut record_name = String::new();
    if let (Some(located), Some(fields)) = (&located, fields) {
        if let (Some(expected), Mode::Event, Ok((_, _, version))) =
            (&attrs.version, mode, &located.layout)
        {
            match expected.base10_parse::<u32>() {
                Ok(v) if v == *version => {}
                _ => cx.error_spanned_by(
                    expected,
                    format!(
                        "the schema file is version {version}, not {}",
                        expected.base10_digits()
                    ),
                ),
            }
        }
        if let Some((target, name)) = target(&cx, located, &attrs, ident, mode) {
            record_name = name.clone().unwrap_or_default();
            let short = name.as_deref().map(|n| n.rsplit('.').next().unwrap_or(n));
            // An inline JSON object has no name of its own to check.
            let unnamed_json_record =
                mode == Mode::Record && name.is_none() && matches!(located.doc, SchemaDoc::Json(_));
            if !unnamed_json_record {
                check::check_schema_name(
                    &cx,
                    ident,
                    &rust_name,
                    short,
                    if mode == Mode::Event {
                        "event"
                    } else {
                        "record"
                    },
                );
            }
            nested = check::check_fields(&cx, ident, fields, &attrs, &target);
        }
    }

    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let errors = cx.into_compile_errors();
    let body = match (errors.is_some(), &located) {
        (false, Some(located)) => real_impl(
            &krate,
            ident,
            &rust_name,
            &record_name,
            located,
            mode,
            &nested,
        ),
        // A stub keeps code that uses the type compiling, so each mistake is reported once.
        _ => stub_impl(&krate, ident, mode),
    };
    quote! {
        #errors
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::Record for #ident #ty_generics #where_clause {
                const RECORD_NAME: &'static str = #record_name;
            }
            #body
        };
    }
}

/// The record (or object) the struct's fields are checked against, and its name.
fn target<'l>(
    cx: &Ctxt,
    located: &'l Located,
    attrs: &attr::ContainerAttrs,
    ident: &syn::Ident,
    mode: Mode,
) -> Option<(Target<'l>, Option<String>)> {
    match &located.doc {
        SchemaDoc::Avro(schema) => {
            let id = match (&attrs.name, mode) {
                (Some(lit), Mode::Record) => {
                    let wanted = lit.value();
                    // A full name anywhere, or a short name defined in this file (shared files
                    // may define types of the same short name).
                    let own_file = schema.get(schema.root()).file;
                    let found = schema
                        .named_types()
                        .find(|(_, n)| n.fullname() == wanted)
                        .or_else(|| {
                            schema.named_types().find(|(id, n)| {
                                n.name == wanted && schema.get(*id).file == own_file
                            })
                        })
                        .map(|(id, _)| id);
                    if found.is_none() {
                        cx.error_spanned_by(
                            lit,
                            format!("the schema defines no type named `{wanted}`"),
                        );
                    }
                    found?
                }
                _ => schema.root(),
            };
            match schema.kind(id) {
                AvroKind::Record(r) => Some((Target::Avro(schema, id), Some(r.name.fullname()))),
                other => {
                    cx.error_spanned_by(
                        ident,
                        format!(
                            "the schema's root is {}, not a record: an event is a record",
                            other.type_name().to_lowercase()
                        ),
                    );
                    None
                }
            }
        }
        SchemaDoc::Json(schema) => {
            let id = match &attrs.pointer {
                Some(lit) => {
                    let found = schema.node_at(&lit.value());
                    if found.is_none() {
                        cx.error_spanned_by(
                            lit,
                            format!("the schema has no object at `{}`", lit.value()),
                        );
                    }
                    found?
                }
                None => schema.resolve(schema.root()),
            };
            let node = schema.get(id);
            match &node.kind {
                tidings_schema::jsonschema::Kind::Object(_) => {
                    Some((Target::Json(schema, id), node.annotations.title.clone()))
                }
                other => {
                    cx.error_spanned_by(
                        ident,
                        format!(
                            "the schema is {}, not an object: an event is an object",
                            other.describe()
                        ),
                    );
                    None
                }
            }
        }
    }
}

fn real_impl(
    krate: &syn::Path,
    ident: &syn::Ident,
    name: &str,
    record_name: &str,
    located: &Located,
    mode: Mode,
    nested: &[check::NestedRecord],
) -> TokenStream {
    let assertions = nested.iter().map(|n| {
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
        SchemaDoc::Json(_) => (
            quote!(#krate::SchemaFormat::Json),
            std::fs::read_to_string(&located.path).unwrap_or_default(),
        ),
    };
    let Ok((domain, event, version)) = &located.layout else {
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
fn runtime_path() -> syn::Path {
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
