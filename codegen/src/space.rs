//! The type space: every generated type of a module, keyed by its Rust name (a `BTreeMap`, so
//! the output order never changes), with what upcasters need to know about it.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::names;

/// A Rust type as the generator sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    Unit,
    /// `bool`, `i32`, `i64`, `f32`, `f64`, `String`, `Vec<u8>`.
    Prim(&'static str),
    Option(Box<Ty>),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// `Box<T>`: a generated type that holds itself (a recursive JSON Schema).
    Boxed(Box<Ty>),
    /// A generated type: its path from the module that uses it, and its name in the space.
    Named {
        path: String,
        key: String,
    },
    /// `::tidings::json::Value`, for what has no better type.
    Json,
    /// `chrono::DateTime<Utc>` for an Avro timestamp (`micros`: in microseconds), written as
    /// the number Avro holds.
    ChronoTimestamp {
        micros: bool,
    },
    /// `chrono::DateTime<Utc>` for a JSON Schema `date-time` string.
    ChronoDateTime,
    /// `Vec<u8>` for Avro `bytes`/`fixed`, written as bytes (not as a sequence of numbers).
    AvroBytes,
    /// `tidings::avro::Decimal` for an Avro `decimal`.
    AvroDecimal,
    /// `time::OffsetDateTime` for an Avro `timestamp-millis`, written as its number.
    TimeTimestamp,
    /// `time::OffsetDateTime` for a JSON Schema `date-time` string (RFC 3339).
    TimeDateTime,
}

impl Ty {
    /// The `#[serde(with = "...")]` a field of this type needs, if any.
    pub(crate) fn serde_with(&self) -> Option<&'static str> {
        match self {
            Ty::ChronoTimestamp { micros: false } => Some("::chrono::serde::ts_milliseconds"),
            Ty::ChronoTimestamp { micros: true } => Some("::chrono::serde::ts_microseconds"),
            Ty::AvroBytes => Some("::tidings::avro::serde_avro_bytes"),
            Ty::TimeTimestamp => Some("::time::serde::timestamp::milliseconds_i64"),
            Ty::TimeDateTime => Some("::time::serde::rfc3339"),
            Ty::Option(inner) => match **inner {
                Ty::AvroBytes => Some("::tidings::avro::serde_avro_bytes_opt"),
                Ty::TimeTimestamp => Some("::time::serde::timestamp::milliseconds_i64::option"),
                Ty::TimeDateTime => Some("::time::serde::rfc3339::option"),
                Ty::ChronoTimestamp { micros: false } => {
                    Some("::chrono::serde::ts_milliseconds_option")
                }
                Ty::ChronoTimestamp { micros: true } => {
                    Some("::chrono::serde::ts_microseconds_option")
                }
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn tokens(&self) -> TokenStream {
        match self {
            Ty::Unit => quote!(()),
            Ty::Prim("Vec<u8>") => quote!(::std::vec::Vec<u8>),
            Ty::Prim("String") => quote!(::std::string::String),
            Ty::Prim(p) => {
                let ident = names::ident(p);
                quote!(#ident)
            }
            Ty::Option(inner) => {
                let inner = inner.tokens();
                quote!(::core::option::Option<#inner>)
            }
            Ty::Vec(inner) => {
                let inner = inner.tokens();
                quote!(::std::vec::Vec<#inner>)
            }
            Ty::Map(inner) => {
                let inner = inner.tokens();
                quote!(::std::collections::HashMap<::std::string::String, #inner>)
            }
            Ty::Boxed(inner) => {
                let inner = inner.tokens();
                quote!(::std::boxed::Box<#inner>)
            }
            Ty::Named { path, .. } => path.parse().unwrap_or_else(|_| quote!(())),
            Ty::Json => quote!(::tidings::json::Value),
            Ty::AvroBytes => quote!(::std::vec::Vec<u8>),
            Ty::AvroDecimal => quote!(::tidings::avro::Decimal),
            Ty::ChronoTimestamp { .. } | Ty::ChronoDateTime => {
                quote!(::chrono::DateTime<::chrono::Utc>)
            }
            Ty::TimeTimestamp | Ty::TimeDateTime => quote!(::time::OffsetDateTime),
        }
    }
}

/// What upcasters need to know about a generated type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// Fields: wire name, Rust field name, type, default value expression.
    Record(Vec<FieldShape>),
    /// Variants: wire symbol, Rust variant; and the reader default symbol.
    Enum(Vec<(String, String)>, Option<String>),
    /// Anything else: converted only when identical.
    Opaque,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldShape {
    pub(crate) wire: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) ident: String,
    pub(crate) ty: Ty,
    /// An expression for the schema default, when the generator could write one.
    pub(crate) default: Option<String>,
}

/// One generated type.
pub(crate) struct TypeDef {
    /// What makes two definitions the same type (the schema JSON of the definition).
    pub(crate) fingerprint: String,
    pub(crate) tokens: TokenStream,
    pub(crate) shape: Shape,
}

/// The types of one module.
#[derive(Default)]
pub(crate) struct TypeSpace {
    pub(crate) types: BTreeMap<String, TypeDef>,
    /// Upcaster impls and traits, after the types.
    pub(crate) extra: Vec<(String, TokenStream)>,
}

impl TypeSpace {
    /// The name to use for a type called `wanted` with this fingerprint: the same name when an
    /// identical type exists or the name is free, else the name with `suffix`, then numbered.
    pub(crate) fn name_for(&self, wanted: &str, fingerprint: &str, suffix: &str) -> (String, bool) {
        // The same definition under a suffixed name from another version.
        let same = self.types.iter().find(|(name, def)| {
            def.fingerprint == fingerprint
                && (*name == wanted
                    || name
                        .strip_prefix(wanted)
                        .is_some_and(|rest| rest.starts_with('V')))
        });
        if let Some((name, _)) = same {
            return (name.clone(), true);
        }
        let candidates = std::iter::once(wanted.to_owned())
            .chain(std::iter::once(format!("{wanted}{suffix}")))
            .chain((2..).map(|n| format!("{wanted}{suffix}_{n}")));
        for name in candidates {
            match self.types.get(&name) {
                Some(def) if def.fingerprint == fingerprint => return (name, true),
                Some(_) => continue,
                None => return (name, false),
            }
        }
        unreachable!("the candidates never end")
    }

    /// The name of a definition: the existing one when an identical type exists (`false`), or a
    /// new one, reserved with a placeholder so that the type may refer to itself (`true`).
    pub(crate) fn reserve(
        &mut self,
        wanted: &str,
        fingerprint: &str,
        suffix: &str,
    ) -> (String, bool) {
        let (key, exists) = self.name_for(wanted, fingerprint, suffix);
        if !exists {
            let placeholder = TypeDef {
                fingerprint: fingerprint.to_owned(),
                tokens: TokenStream::new(),
                shape: Shape::Opaque,
            };
            self.types.insert(key.clone(), placeholder);
        }
        (key, !exists)
    }

    /// Defines an enum of string symbols: one unit variant per symbol, renamed to the symbol
    /// where the Rust name differs. `default` is the symbol readers use for unknown ones.
    pub(crate) fn define_enum(
        &mut self,
        key: &str,
        fingerprint: String,
        doc: TokenStream,
        symbols: &[String],
        default: Option<String>,
    ) {
        let ident = names::ident(key);
        let mut variants = Vec::new();
        let mut shape = Vec::new();
        for symbol in symbols {
            let variant = names::type_name(symbol);
            let v_ident = names::ident(&variant);
            let rename = (variant != *symbol).then(|| quote!(#[serde(rename = #symbol)]));
            variants.push(quote!(#rename #v_ident));
            shape.push((symbol.clone(), variant));
        }
        let tokens = quote! {
            #doc
            #[derive(::serde::Serialize, ::serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #ident {
                #(#variants,)*
            }
        };
        self.insert(
            key.to_owned(),
            TypeDef {
                fingerprint,
                tokens,
                shape: Shape::Enum(shape, default),
            },
        );
    }

    /// The type with this fingerprint, whatever it was named.
    pub(crate) fn key_of(&self, fingerprint: &str) -> Option<String> {
        self.types
            .iter()
            .find(|(_, def)| def.fingerprint == fingerprint)
            .map(|(key, _)| key.clone())
    }

    /// Whether a type is being defined: reserved, its definition not written yet. A type met
    /// again while it is being defined holds itself.
    pub(crate) fn in_progress(&self, key: &str) -> bool {
        self.types
            .get(key)
            .is_some_and(|def| def.tokens.is_empty() && matches!(def.shape, Shape::Opaque))
    }

    pub(crate) fn remove(&mut self, name: &str) {
        self.types.remove(name);
    }

    pub(crate) fn insert(&mut self, name: String, def: TypeDef) {
        self.types.insert(name, def);
    }

    pub(crate) fn shape(&self, key: &str) -> Option<&Shape> {
        self.types.get(key).map(|d| &d.shape)
    }
}
