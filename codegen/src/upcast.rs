//! Upcasters between consecutive versions. Where version N+1 reads version N (BACKWARD), an
//! `impl From<VN> for VN+1` moves every kept field, widens promoted ones and fills new fields
//! with their schema defaults. Where it cannot, a trait is generated that the service must
//! implement (`impl MigrateUserRegisteredV1ToV2 for Migrations`): the build fails until a person
//! writes the migration.

use proc_macro2::TokenStream;
use quote::quote;

use crate::names;
use crate::space::{FieldShape, Shape, Ty, TypeSpace};

/// The conversion of `expr` from `from` to `to`, or `None` when there is none to generate.
fn convert(space: &mut TypeSpace, expr: TokenStream, from: &Ty, to: &Ty) -> Option<TokenStream> {
    if from == to {
        return Some(expr);
    }
    Some(match (from, to) {
        (Ty::Prim("i32"), Ty::Prim("i64" | "f64")) | (Ty::Prim("f32"), Ty::Prim("f64")) => {
            quote!(::core::convert::From::from(#expr))
        }
        (Ty::Prim("i32" | "i64"), Ty::Prim("f32")) | (Ty::Prim("i64"), Ty::Prim("f64")) => {
            let target = names::ident(match to {
                Ty::Prim(p) => p,
                _ => "f64",
            });
            quote!(#expr as #target)
        }
        (Ty::Prim("String"), Ty::Prim("Vec<u8>")) => quote!(#expr.into_bytes()),
        (Ty::Prim("Vec<u8>"), Ty::Prim("String")) => {
            quote!(::std::string::String::from_utf8_lossy(&#expr).into_owned())
        }
        (Ty::Option(a), Ty::Option(b)) => {
            let inner = convert(space, quote!(value), a, b)?;
            quote!(#expr.map(|value| #inner))
        }
        (a, Ty::Option(b)) => {
            let inner = convert(space, expr, a, b)?;
            quote!(::core::option::Option::Some(#inner))
        }
        (Ty::Boxed(a), Ty::Boxed(b)) => {
            let inner = convert(space, quote!(value), a, b)?;
            quote!({ let value = *#expr; ::std::boxed::Box::new(#inner) })
        }
        (Ty::Vec(a), Ty::Vec(b)) => {
            let inner = convert(space, quote!(value), a, b)?;
            quote!(#expr.into_iter().map(|value| #inner).collect())
        }
        (Ty::Map(a), Ty::Map(b)) => {
            let inner = convert(space, quote!(value), a, b)?;
            quote!(#expr.into_iter().map(|(key, value)| (key, #inner)).collect())
        }
        (Ty::Named { key: a, .. }, Ty::Named { key: b, .. }) => {
            from_impl(space, a, b)?;
            quote!(::core::convert::From::from(#expr))
        }
        _ => return None,
    })
}

/// Makes sure `impl From<a> for b` is generated between two types of the space.
fn from_impl(space: &mut TypeSpace, a: &str, b: &str) -> Option<()> {
    let marker = format!("from:{a}->{b}");
    if space.extra.iter().any(|(k, _)| *k == marker) {
        return Some(());
    }
    let (from_ident, to_ident) = (names::ident(a), names::ident(b));
    let tokens = match (space.shape(a)?.clone(), space.shape(b)?.clone()) {
        (Shape::Enum(old, _), Shape::Enum(new, default)) => {
            let arms = old
                .iter()
                .map(|(symbol, variant)| {
                    let target = new
                        .iter()
                        .find(|(s, _)| s == symbol)
                        .map(|(_, v)| v.clone())
                        .or_else(|| {
                            let default = default.as_ref()?;
                            new.iter()
                                .find(|(s, _)| s == default)
                                .map(|(_, v)| v.clone())
                        })?;
                    let (v, t) = (names::ident(variant), names::ident(&target));
                    Some(quote!(#from_ident::#v => #to_ident::#t))
                })
                .collect::<Option<Vec<_>>>()?;
            quote! {
                impl ::core::convert::From<#from_ident> for #to_ident {
                    fn from(old: #from_ident) -> Self {
                        match old { #(#arms,)* }
                    }
                }
            }
        }
        (Shape::Record(old), Shape::Record(new)) => {
            // Reserve the marker first: records may refer to themselves.
            space.extra.push((marker.clone(), TokenStream::new()));
            let body = record_body(space, &old, &new);
            space.extra.retain(|(k, _)| *k != marker);
            let fields = body?;
            quote! {
                impl ::core::convert::From<#from_ident> for #to_ident {
                    fn from(old: #from_ident) -> Self {
                        Self { #(#fields,)* }
                    }
                }
            }
        }
        _ => return None,
    };
    space.extra.push((marker, tokens));
    Some(())
}

fn field_ident(shape: &FieldShape) -> proc_macro2::Ident {
    match shape.ident.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => names::ident(&shape.ident),
    }
}

/// `field: conversion` for every field of the new record.
fn record_body(
    space: &mut TypeSpace,
    old: &[FieldShape],
    new: &[FieldShape],
) -> Option<Vec<TokenStream>> {
    new.iter()
        .map(|field| {
            let ident = field_ident(field);
            let source = old
                .iter()
                .find(|o| o.wire == field.wire)
                .or_else(|| old.iter().find(|o| field.aliases.contains(&o.wire)));
            let value = match source {
                Some(o) => {
                    let old_ident = field_ident(o);
                    convert(space, quote!(old.#old_ident), &o.ty, &field.ty)?
                }
                None => field.default.as_ref()?.parse().ok()?,
            };
            Some(quote!(#ident: #value))
        })
        .collect()
}

/// The upcaster from one version's struct to the next.
/// The way from one version to the next.
pub(crate) struct Upcaster {
    pub(crate) tokens: TokenStream,
    /// Whether it is a `Migrate...` trait that the domain's `Migrations` implements.
    pub(crate) needs_migration: bool,
}

pub(crate) fn upcaster(
    space: &mut TypeSpace,
    event: &str,
    old: (&str, &[FieldShape]),
    new: (&str, &[FieldShape]),
    compatible: bool,
) -> Upcaster {
    let (old_ident, new_ident) = (names::ident(old.0), names::ident(new.0));
    if compatible {
        if let Some(fields) = record_body(space, old.1, new.1) {
            let doc = format!(
                " {} reads {} data: kept fields move, new ones take their schema defaults.",
                new.0, old.0
            );
            let tokens = quote! {
                #[doc = #doc]
                impl ::core::convert::From<#old_ident> for #new_ident {
                    fn from(old: #old_ident) -> Self {
                        Self { #(#fields,)* }
                    }
                }
            };
            return Upcaster {
                tokens,
                needs_migration: false,
            };
        }
    }
    let trait_ident = names::ident(&format!(
        "Migrate{}To{}",
        old.0,
        new.0.trim_start_matches(event)
    ));
    let why = if compatible {
        "has fields that cannot be filled from the old version"
    } else {
        "cannot read the old version"
    };
    let doc = format!(
        " {} {why}: implement this for `Migrations` to say how a {} becomes a {}.",
        new.0, old.0, new.0
    );
    let tokens = quote! {
        #[doc = #doc]
        pub trait #trait_ident {
            /// The new version of an old event.
            fn migrate(old: #old_ident) -> #new_ident;
        }

        impl ::core::convert::From<#old_ident> for #new_ident {
            fn from(old: #old_ident) -> Self {
                <Migrations as #trait_ident>::migrate(old)
            }
        }
    };
    Upcaster {
        tokens,
        needs_migration: true,
    }
}
