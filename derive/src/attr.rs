//! `#[event(...)]` / `#[record(...)]`, and the serde attributes that change what is written on
//! the wire (`rename`, `rename_all`, `skip`, `default`, `flatten`).

use syn::{Attribute, Field, LitInt, LitStr};

use crate::ctxt::Ctxt;

/// What `#[event(...)]` or `#[record(...)]` says.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `schema = "path"`: the committed schema file.
    pub(crate) schema: Option<LitStr>,
    /// `version = N`: the version the author expects the file to be.
    pub(crate) version: Option<LitInt>,
    /// `name = "..."`: the event name, when the struct is named otherwise (or, on a record, the
    /// named type to bind to inside the file).
    pub(crate) name: Option<LitStr>,
    /// `pointer = "/properties/address"`: a JSON Schema record's place in its file.
    pub(crate) pointer: Option<LitStr>,
    /// `crate = "path"`: where the runtime is, when it is not `::tidings`.
    pub(crate) krate: Option<syn::Path>,
    /// `#[serde(rename = "...")]` on the struct.
    pub(crate) serde_rename: Option<String>,
    /// `#[serde(rename_all = "...")]` on the struct.
    pub(crate) rename_all: Option<(String, LitStr)>,
}

pub(crate) fn container(cx: &Ctxt, attrs: &[Attribute], key: &str) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs {
        if attr.path().is_ident(key) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("schema") {
                    out.schema = Some(meta.value()?.parse()?);
                } else if meta.path.is_ident("version") {
                    out.version = Some(meta.value()?.parse()?);
                } else if meta.path.is_ident("name") {
                    out.name = Some(meta.value()?.parse()?);
                } else if meta.path.is_ident("pointer") && key == "record" {
                    out.pointer = Some(meta.value()?.parse()?);
                } else if meta.path.is_ident("crate") {
                    let path: LitStr = meta.value()?.parse()?;
                    out.krate = Some(path.parse()?);
                } else {
                    let allowed = if key == "record" {
                        "schema, name, pointer, crate"
                    } else {
                        "schema, version, name, crate"
                    };
                    return Err(meta.error(format!(
                        "unknown `{key}` attribute: expected one of {allowed}"
                    )));
                }
                Ok(())
            });
            if let Err(err) = result {
                cx.syn_error(err);
            }
        } else if attr.path().is_ident("serde") {
            // Only what changes names on the wire; other serde attributes are serde's business.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if let Ok(value) = meta.value() {
                        if let Ok(lit) = value.parse::<LitStr>() {
                            out.serde_rename = Some(lit.value());
                        }
                    }
                } else if meta.path.is_ident("rename_all") {
                    if let Ok(value) = meta.value() {
                        if let Ok(lit) = value.parse::<LitStr>() {
                            out.rename_all = Some((lit.value(), lit));
                        }
                    }
                } else if let Ok(value) = meta.value() {
                    let _: Option<syn::Expr> = value.parse().ok();
                }
                Ok(())
            });
        }
    }
    if let Some((rule, lit)) = &out.rename_all {
        if rename_rule(rule, "x").is_none() {
            cx.error_spanned_by(lit, format!("unknown `rename_all` rule `{rule}`"));
        }
    }
    out
}

/// What serde does with one field.
pub(crate) struct FieldAttrs {
    /// `#[serde(rename = "...")]`
    pub(crate) rename: Option<String>,
    /// `#[serde(skip)]` (or both `skip_serializing` and `skip_deserializing`).
    pub(crate) skip: bool,
    /// `#[serde(default)]`
    pub(crate) default: bool,
    /// `#[serde(flatten)]`
    pub(crate) flatten: bool,
}

pub(crate) fn field(attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs {
        rename: None,
        skip: false,
        default: false,
        flatten: false,
    };
    let (mut skip_ser, mut skip_de) = (false, false);
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let is = |name: &str| meta.path.is_ident(name);
            if is("rename") {
                if let Ok(lit) = meta.value().and_then(|v| v.parse::<LitStr>()) {
                    out.rename = Some(lit.value());
                } else {
                    // `rename(serialize = "..", deserialize = "..")`: the wire name is the serialized one.
                    let _ = meta.parse_nested_meta(|inner| {
                        if inner.path.is_ident("serialize") {
                            if let Ok(lit) = inner.value().and_then(|v| v.parse::<LitStr>()) {
                                out.rename = Some(lit.value());
                            }
                        } else if let Ok(v) = inner.value() {
                            let _: Option<LitStr> = v.parse().ok();
                        }
                        Ok(())
                    });
                }
            } else if is("skip") {
                out.skip = true;
            } else if is("skip_serializing") {
                skip_ser = true;
            } else if is("skip_deserializing") {
                skip_de = true;
            } else if is("default") {
                out.default = true;
                if let Ok(v) = meta.value() {
                    let _: Option<LitStr> = v.parse().ok();
                }
            } else if is("flatten") {
                out.flatten = true;
            } else if let Ok(value) = meta.value() {
                let _: Option<syn::Expr> = value.parse().ok();
            }
            Ok(())
        });
    }
    out.skip |= skip_ser && skip_de;
    out
}

/// The wire name of a field: its rename, else the struct's `rename_all` applied, else its name.
pub(crate) fn wire_name(field: &Field, attrs: &FieldAttrs, container: &ContainerAttrs) -> String {
    let ident = field
        .ident
        .as_ref()
        .map(|i| i.to_string())
        .unwrap_or_default();
    let ident = ident.trim_start_matches("r#").to_owned();
    if let Some(name) = &attrs.rename {
        return name.clone();
    }
    match &container.rename_all {
        Some((rule, _)) => rename_rule(rule, &ident).unwrap_or(ident),
        None => ident,
    }
}

/// serde's `rename_all` rules, applied to a snake_case field name.
fn rename_rule(rule: &str, field: &str) -> Option<String> {
    let words: Vec<&str> = field.split('_').filter(|w| !w.is_empty()).collect();
    let capitalized = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    Some(match rule {
        "lowercase" => field.to_ascii_lowercase(),
        "UPPERCASE" => field.to_ascii_uppercase(),
        "PascalCase" => words.iter().map(|w| capitalized(w)).collect(),
        "camelCase" => {
            let pascal: String = words.iter().map(|w| capitalized(w)).collect();
            let mut c = pascal.chars();
            c.next()
                .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
                .unwrap_or_default()
        }
        "snake_case" => field.to_owned(),
        "SCREAMING_SNAKE_CASE" => field.to_ascii_uppercase(),
        "kebab-case" => field.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => field.replace('_', "-").to_ascii_uppercase(),
        _ => return None,
    })
}
