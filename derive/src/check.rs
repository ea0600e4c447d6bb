//! One `check_*` function per rule. Each records its errors in the `Ctxt` under the token it is
//! about and carries on, so one build shows every mistake.

use syn::{Data, DeriveInput, Fields, FieldsNamed, GenericArgument, Ident, PathArguments, Type};
use tidings_schema::avro::{AvroSchema, Kind as Avro, LogicalType, TypeId};
use tidings_schema::jsonschema::{JsonSchema, Kind as Json, NodeId};
use tidings_schema::{naming, SchemaDoc};

use crate::attr::{self, ContainerAttrs};
use crate::ctxt::Ctxt;
use crate::locate::Located;
use crate::Mode;

/// The type a `Box`, `Rc` or `Arc` points at (recursive types hold themselves through a box); any
/// other type itself.
fn pointee(ty: &Type) -> &Type {
    if let Type::Path(p) = ty {
        if let Some(last) = p.path.segments.last() {
            if matches!(last.ident.to_string().as_str(), "Box" | "Rc" | "Arc") {
                if let [inner] = generic_args(last).as_slice() {
                    return pointee(inner);
                }
            }
        }
    }
    ty
}

/// A nested struct the schema says is a record: it must be bound to that record too, which the
/// impl asserts at compile time through `tidings::Record`.
pub(crate) struct NestedRecord {
    pub(crate) ty: Type,
    /// The record's full name (Avro) or title (JSON Schema).
    pub(crate) name: String,
    pub(crate) field: String,
}

/// What a struct's fields are checked against.
pub(crate) enum Target<'s> {
    /// An Avro record.
    Avro(&'s AvroSchema, TypeId),
    /// A JSON Schema object.
    Json(&'s JsonSchema, NodeId),
}

/// Events and records are structs with named fields, one per schema field.
pub(crate) fn check_named_fields<'i>(
    cx: &Ctxt,
    input: &'i DeriveInput,
    mode: Mode,
) -> Option<&'i FieldsNamed> {
    let ident = &input.ident;
    match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Some(named),
            _ => {
                let derive = match mode {
                    Mode::Event => "Event",
                    Mode::Record => "Record",
                };
                cx.error_spanned_by(
                    ident,
                    format!("#[derive({derive})] needs a struct with named fields, one per schema field"),
                );
                None
            }
        },
        _ => {
            cx.error_spanned_by(ident, "events and records are structs: an enum or union cannot be bound to a record schema");
            None
        }
    }
}

/// An event file sits at `<domain>/<event>/vN`: that is where its type and version come from.
/// Whether the located file can be used.
pub(crate) fn check_layout(
    cx: &Ctxt,
    located: &Located,
    attrs: &ContainerAttrs,
    mode: Mode,
) -> bool {
    match (&located.layout, mode, &attrs.schema) {
        (Err(message), Mode::Event, Some(lit)) => {
            cx.error_spanned_by(lit, message);
            false
        }
        _ => true,
    }
}

/// `version = N`, when written, is the version of the file.
pub(crate) fn check_version(cx: &Ctxt, located: &Located, attrs: &ContainerAttrs, mode: Mode) {
    let (Some(expected), Mode::Event, Ok(place)) = (&attrs.version, mode, &located.layout) else {
        return;
    };
    let version = place.number;
    match expected.base10_parse::<u32>() {
        Ok(v) if v == version => {}
        _ => cx.error_spanned_by(
            expected,
            format!(
                "the schema file is version {version}, not {}",
                expected.base10_digits()
            ),
        ),
    }
}

/// The struct has the name of the record it is bound to (an inline JSON object has no name of
/// its own to check).
pub(crate) fn check_target_name(
    cx: &Ctxt,
    located: &Located,
    ident: &Ident,
    rust_name: &str,
    name: Option<&str>,
    mode: Mode,
) {
    let unnamed_json_record =
        mode == Mode::Record && name.is_none() && matches!(located.doc, SchemaDoc::Json(_));
    if unnamed_json_record {
        return;
    }
    let short = name.map(|n| n.rsplit('.').next().unwrap_or(n));
    check_schema_name(cx, ident, rust_name, short, mode.key());
}

/// Event names are PascalCase and in the past tense, as `tidings lint` says.
pub(crate) fn check_event_name(cx: &Ctxt, ident: &Ident, name: &str) {
    if let Some(problem) = naming::check_event_name(name) {
        cx.error_spanned_by(ident, problem.message);
    }
}

/// The struct (or its rename) has the schema's name.
fn check_schema_name(
    cx: &Ctxt,
    ident: &Ident,
    rust_name: &str,
    schema_name: Option<&str>,
    what: &str,
) {
    match schema_name {
        None => cx.error_spanned_by(ident, format!("the schema names no {what}: give it a `name` (Avro) or `title` (JSON Schema) `{rust_name}`")),
        Some(name) if name != rust_name => cx.error_spanned_by(
            ident,
            format!("`{rust_name}` is bound to a schema named `{name}`: rename the struct, or keep its name with #[serde(rename = \"{name}\")]"),
        ),
        Some(_) => {}
    }
}

/// A schema field as the checks need it.
struct SchemaField<'s> {
    name: String,
    ty: SchemaType<'s>,
    /// JSON Schema: not in `required`.
    optional: bool,
    has_default: bool,
}

#[derive(Clone, Copy)]
enum SchemaType<'s> {
    Avro(&'s AvroSchema, TypeId),
    Json(&'s JsonSchema, NodeId),
}

fn schema_fields<'s>(target: &Target<'s>) -> Vec<SchemaField<'s>> {
    match *target {
        Target::Avro(schema, id) => match schema.kind(id) {
            Avro::Record(r) => r
                .fields
                .iter()
                .map(|f| SchemaField {
                    name: f.name.clone(),
                    ty: SchemaType::Avro(schema, f.ty),
                    optional: false,
                    has_default: f.default.is_some(),
                })
                .collect(),
            _ => Vec::new(),
        },
        Target::Json(schema, id) => match &schema.get(schema.resolve(id)).kind {
            Json::Object(o) => o
                .properties
                .iter()
                .map(|(name, ty)| SchemaField {
                    name: name.clone(),
                    ty: SchemaType::Json(schema, *ty),
                    optional: !o.required.contains(name),
                    has_default: schema.get(*ty).annotations.default.is_some(),
                })
                .collect(),
            _ => Vec::new(),
        },
    }
}

/// Every field of the struct is a field of the schema, with a type that holds the schema's
/// values; every field of the schema is in the struct.
pub(crate) fn check_fields(
    cx: &Ctxt,
    ident: &Ident,
    fields: &FieldsNamed,
    container: &ContainerAttrs,
    target: &Target<'_>,
) -> Vec<NestedRecord> {
    let expected = schema_fields(target);
    let mut nested = Vec::new();
    let mut seen = Vec::new();
    for field in &fields.named {
        let attrs = attr::field(&field.attrs);
        if attrs.skip {
            continue;
        }
        if attrs.flatten {
            cx.error_spanned_by(field, "#[serde(flatten)] is not supported on events: list the fields, so that each can be checked against the schema");
            continue;
        }
        let wire = attr::wire_name(field, &attrs, container);
        let Some(schema_field) = expected.iter().find(|f| f.name == wire) else {
            let names: Vec<&str> = expected
                .iter()
                .map(|f| f.name.as_str())
                .filter(|n| {
                    !fields
                        .named
                        .iter()
                        .any(|f| attr::wire_name(f, &attr::field(&f.attrs), container) == *n)
                })
                .collect();
            let hint = match names.as_slice() {
                [] => "remove it, or mark it #[serde(skip)]".to_owned(),
                names => format!(
                    "the schema's fields not in the struct are: {}",
                    names.join(", ")
                ),
            };
            cx.error_spanned_by(
                field
                    .ident
                    .as_ref()
                    .map_or_else(|| quote::quote!(#field), |i| quote::quote!(#i)),
                format!("field `{wire}` is not in the schema: {hint}"),
            );
            continue;
        };
        seen.push(wire.clone());
        let defaulted = attrs.default || schema_field.has_default;
        if let Err(why) = check_type(
            &field.ty,
            schema_field.ty,
            (schema_field.optional, defaulted),
            &wire,
            &mut nested,
        ) {
            cx.error_spanned_by(&field.ty, format!("field `{wire}`: {why}"));
        }
    }
    for missing in expected.iter().filter(|f| !seen.contains(&f.name)) {
        // A field the struct lacks can be left out only when the reader has a default for it,
        // which for a struct means the schema default is used on writing too: not supported.
        cx.error_spanned_by(
            ident,
            format!(
                "field `{}` of the schema is missing from `{ident}`",
                missing.name
            ),
        );
    }
    nested
}

/// How a Rust type looks to the checks.
enum Rust<'t> {
    Option(&'t Type),
    Seq(&'t Type),
    Map(&'t Type, &'t Type),
    FixedBytes(usize),
    Prim(String),
    JsonValue,
    Unit,
    User,
    Other,
}

fn generic_args(segment: &syn::PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| {
                if let GenericArgument::Type(t) = a {
                    Some(t)
                } else {
                    None
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn classify(ty: &Type) -> Rust<'_> {
    match ty {
        Type::Paren(inner) => classify(&inner.elem),
        Type::Group(inner) => classify(&inner.elem),
        Type::Tuple(t) if t.elems.is_empty() => Rust::Unit,
        Type::Array(a) => match (&*a.elem, &a.len) {
            (
                Type::Path(p),
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(n),
                    ..
                }),
            ) if p.path.is_ident("u8") => n.base10_parse().map_or(Rust::Other, Rust::FixedBytes),
            _ => Rust::Other,
        },
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return Rust::Other;
            };
            let name = last.ident.to_string();
            let args = generic_args(last);
            match (name.as_str(), args.as_slice()) {
                ("Option", [t]) => Rust::Option(t),
                ("Box" | "Arc" | "Rc", [t]) => classify(t),
                ("Vec" | "VecDeque" | "HashSet" | "BTreeSet", [t]) => {
                    if name == "Vec" && matches!(t, Type::Path(p) if p.path.is_ident("u8")) {
                        Rust::Prim("Vec<u8>".into())
                    } else {
                        Rust::Seq(t)
                    }
                }
                ("HashMap" | "BTreeMap" | "IndexMap", [k, v]) => Rust::Map(k, v),
                ("Value", [])
                    if p.path.segments.len() >= 2
                        && p.path.segments.iter().any(|s| s.ident == "serde_json") =>
                {
                    Rust::JsonValue
                }
                (
                    "bool" | "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64"
                    | "u128" | "f32" | "f64" | "String" | "char" | "Uuid",
                    [],
                ) => Rust::Prim(name),
                ("Cow", [Type::Path(p)]) if p.path.is_ident("str") => Rust::Prim("String".into()),
                ("Box" | "Arc" | "Rc", []) => Rust::Other,
                _ => Rust::User,
            }
        }
        _ => Rust::Other,
    }
}

fn show(ty: &Type) -> String {
    quote::quote!(#ty)
        .to_string()
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace("< ", "<")
        .replace(" ,", ",")
}

fn is_timestamp(logical: Option<&LogicalType>) -> bool {
    matches!(
        logical,
        Some(
            LogicalType::TimestampMillis
                | LogicalType::TimestampMicros
                | LogicalType::LocalTimestampMillis
                | LogicalType::LocalTimestampMicros
        )
    )
}

/// `chrono::DateTime<_>`, `time::OffsetDateTime` and the like.
fn is_date_time(ty: &Type) -> bool {
    is_named(
        ty,
        &[
            "DateTime",
            "OffsetDateTime",
            "PrimitiveDateTime",
            "NaiveDateTime",
        ],
    )
}

/// Whether a type's last path segment is one of `names`.
fn is_named(ty: &Type, names: &[&str]) -> bool {
    let Type::Path(p) = ty else { return false };
    p.path
        .segments
        .last()
        .is_some_and(|s| names.contains(&s.ident.to_string().as_str()))
}

/// Integer types and the range they hold.
fn int_range(name: &str) -> Option<(i128, i128)> {
    Some(match name {
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" => (i64::MIN.into(), i64::MAX.into()),
        "i128" => (i128::MIN, i128::MAX),
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" => (0, u64::MAX.into()),
        "u128" => (0, i128::MAX),
        _ => return None,
    })
}

/// `optional`: not in `required`; `defaulted`: a default fills it when absent.
fn check_type(
    ty: &Type,
    schema: SchemaType<'_>,
    (optional, defaulted): (bool, bool),
    field: &str,
    nested: &mut Vec<NestedRecord>,
) -> Result<(), String> {
    let rust = classify(ty);
    if matches!(rust, Rust::JsonValue) {
        return Ok(());
    }
    match schema {
        SchemaType::Avro(s, id) => check_avro(ty, rust, s, id, field, nested),
        SchemaType::Json(s, id) => {
            check_json(ty, rust, s, id, (optional, defaulted), field, nested)
        }
    }
}

/// A union: with `null`, an `Option` of the other branch (or of an enum of them); without, an
/// enum with one variant per branch.
/// A type as the schema names it: its full name, or the primitive's name.
fn avro_name(schema: &AvroSchema, id: TypeId) -> String {
    let kind = schema.kind(id);
    kind.name()
        .map_or_else(|| kind.type_name().to_lowercase(), |n| n.fullname())
}

fn check_avro_union(
    ty: &Type,
    rust: Rust<'_>,
    schema: &AvroSchema,
    branches: &[TypeId],
    field: &str,
    nested: &mut Vec<NestedRecord>,
) -> Result<(), String> {
    let non_null: Vec<TypeId> = branches
        .iter()
        .copied()
        .filter(|b| !matches!(schema.kind(*b), Avro::Null))
        .collect();
    let nullable = non_null.len() < branches.len();
    match (nullable, rust, non_null.as_slice()) {
        (true, Rust::Option(inner), [single]) => {
            check_avro(inner, classify(inner), schema, *single, field, nested)
        }
        (true, Rust::Option(_), _) => Ok(()), // Option<an enum of the other branches>
        (true, _, _) => Err(format!(
            "the schema allows null here: use `Option<{}>`",
            show(ty)
        )),
        (false, Rust::Option(_), _) => {
            Err("`Option` but the schema's union has no null branch: remove the `Option`".into())
        }
        (false, Rust::User, _) => Ok(()),
        (false, _, _) => Err(format!(
            "the schema has a union of {} here: use an enum with one variant per branch",
            non_null
                .iter()
                .map(|b| avro_name(schema, *b))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn check_avro(
    ty: &Type,
    rust: Rust<'_>,
    schema: &AvroSchema,
    id: TypeId,
    field: &str,
    nested: &mut Vec<NestedRecord>,
) -> Result<(), String> {
    let node = schema.get(id);
    // Unions with null are Option<T>, whatever the position of null.
    if let Avro::Union(branches) = &node.kind {
        return check_avro_union(ty, rust, schema, branches, field, nested);
    }
    let mismatch = || {
        Err(format!(
            "`{}` cannot hold the schema's `{}`{}",
            show(ty),
            avro_name(schema, id),
            node.logical
                .as_ref()
                .map_or(String::new(), |l| format!(" ({})", l.as_str()))
        ))
    };
    match (&node.kind, rust) {
        (Avro::Null, Rust::Unit) => Ok(()),
        (_, Rust::Option(_)) => Err(format!("`Option` but the schema's `{}` is not nullable: remove the `Option`, or make the schema a union with \"null\"", avro_name(schema, id))),
        (Avro::Boolean, Rust::Prim(p)) if p == "bool" => Ok(()),
        (Avro::Int, Rust::Prim(p)) if matches!(p.as_str(), "i32" | "i64" | "i128") => Ok(()),
        (Avro::Long, Rust::Prim(p)) if matches!(p.as_str(), "i64" | "i128") => Ok(()),
        // A date-time type for a timestamp, written as its number with `#[serde(with = ...)]`.
        (Avro::Long, Rust::User) if is_timestamp(node.logical.as_ref()) && is_date_time(ty) => Ok(()),
        (Avro::Float, Rust::Prim(p)) if matches!(p.as_str(), "f32" | "f64") => Ok(()),
        (Avro::Double, Rust::Prim(p)) if p == "f64" => Ok(()),
        (Avro::String, Rust::Prim(p)) if p == "String" || (p == "Uuid" && node.logical == Some(LogicalType::Uuid)) => Ok(()),
        (Avro::Bytes, Rust::Prim(p)) if p == "Vec<u8>" => Ok(()),
        (Avro::Bytes | Avro::Fixed(_), Rust::User) if matches!(node.logical, Some(LogicalType::Decimal { .. })) && is_named(ty, &["Decimal", "BigDecimal"]) => Ok(()),
        (Avro::Fixed(f), Rust::FixedBytes(n)) if n as u64 == f.size => Ok(()),
        (Avro::Fixed(_), Rust::Prim(p)) if p == "Vec<u8>" => Ok(()),
        (Avro::Enum(_), Rust::User) => Ok(()),
        (Avro::Enum(_), Rust::Prim(p)) if p == "String" => Ok(()),
        (Avro::Array(items), Rust::Seq(inner)) => check_avro(inner, classify(inner), schema, *items, field, nested),
        (Avro::Map(values), Rust::Map(key, value)) => {
            if !matches!(classify(key), Rust::Prim(p) if p == "String") {
                return Err("Avro map keys are strings: use `String` keys".into());
            }
            check_avro(value, classify(value), schema, *values, field, nested)
        }
        (Avro::Record(r), Rust::User) => {
            nested.push(NestedRecord { ty: pointee(ty).clone(), name: r.name.fullname(), field: field.to_owned() });
            Ok(())
        }
        _ => mismatch(),
    }
}

fn check_json(
    ty: &Type,
    rust: Rust<'_>,
    schema: &JsonSchema,
    id: NodeId,
    (optional, defaulted): (bool, bool),
    field: &str,
    nested: &mut Vec<NestedRecord>,
) -> Result<(), String> {
    let id = schema.resolve(id);
    let node = schema.get(id);
    let (nullable, kind) = match &node.kind {
        // `"type": ["string", "null"]` is a union of a type and null.
        Json::Combined { subschemas, .. }
            if subschemas
                .iter()
                .any(|s| matches!(schema.get(schema.resolve(*s)).kind, Json::Null)) =>
        {
            let others: Vec<NodeId> = subschemas
                .iter()
                .map(|s| schema.resolve(*s))
                .filter(|s| !matches!(schema.get(*s).kind, Json::Null))
                .collect();
            match others.as_slice() {
                [single] => (true, *single),
                _ => (true, id),
            }
        }
        _ => (false, id),
    };
    if optional || nullable {
        return match rust {
            Rust::Option(inner) => check_json_value(inner, classify(inner), schema, kind, field, nested),
            // An optional property with a default may be a plain value.
            _ if optional && defaulted && !nullable => check_json_value(ty, rust, schema, kind, field, nested),
            _ if optional => Err(format!("the property is optional (not in `required`): use `Option<{}>`, or #[serde(default)] with a schema `default`", show(ty))),
            _ => Err(format!("the schema allows null here: use `Option<{}>`", show(ty))),
        };
    }
    if matches!(rust, Rust::Option(_)) {
        return Err(
            "`Option` but the property is required and not nullable: remove the `Option`".into(),
        );
    }
    check_json_value(ty, rust, schema, kind, field, nested)
}

fn check_json_value(
    ty: &Type,
    rust: Rust<'_>,
    schema: &JsonSchema,
    id: NodeId,
    field: &str,
    nested: &mut Vec<NestedRecord>,
) -> Result<(), String> {
    let node = schema.get(schema.resolve(id));
    let mismatch = |what: &str| Err(format!("`{}` cannot hold the schema's {what}", show(ty)));
    match (&node.kind, rust) {
        (_, Rust::JsonValue) | (Json::Empty | Json::True, _) => Ok(()),
        (Json::String(s), Rust::Prim(p)) if p == "String" || (p == "Uuid" && s.format.as_deref() == Some("uuid")) => Ok(()),
        (Json::String(s), Rust::User) if s.format.as_deref() == Some("date-time") && is_date_time(ty) => Ok(()),
        (Json::String(_), _) => mismatch("string"),
        (Json::Boolean, Rust::Prim(p)) if p == "bool" => Ok(()),
        (Json::Boolean, _) => mismatch("boolean"),
        (Json::Number(n), Rust::Prim(p)) if n.integer => {
            let Some((min, max)) = int_range(&p) else { return mismatch("integer") };
            let low = n.lower.map(|b| if b.exclusive { b.value.floor() + 1.0 } else { b.value.ceil() });
            let high = n.upper.map(|b| if b.exclusive { b.value.ceil() - 1.0 } else { b.value.floor() });
            // Without limits a JSON integer is taken to be 64 bits, as most producers write them.
            let (low, high) = (low.unwrap_or(i64::MIN as f64), high.unwrap_or(i64::MAX as f64));
            if low >= min as f64 && high <= max as f64 {
                Ok(())
            } else {
                Err(format!("`{p}` cannot hold every integer the schema allows ({low} to {high}): use a wider type or add `minimum`/`maximum`"))
            }
        }
        (Json::Number(n), Rust::Prim(p)) if p == "f64" || (!n.integer && p == "f32") => Ok(()),
        (Json::Number(n), _) => mismatch(if n.integer { "integer" } else { "number" }),
        (Json::Array(a), Rust::Seq(inner)) => match a.all_items {
            Some(items) => check_json(inner, classify(inner), schema, items, (false, false), field, nested),
            None => Ok(()),
        },
        (Json::Array(_), _) => mismatch("array"),
        (Json::Object(_), Rust::Map(_, _)) => Ok(()),
        (Json::Object(_), Rust::User) => {
            let name = node.annotations.title.clone().unwrap_or_default();
            if !name.is_empty() {
                nested.push(NestedRecord { ty: pointee(ty).clone(), name, field: field.to_owned() });
            }
            Ok(())
        }
        (Json::Object(_), _) => mismatch("object"),
        (Json::Enum(values), Rust::Prim(p)) if p == "String" && values.iter().all(serde_json::Value::is_string) => Ok(()),
        (Json::Enum(_) | Json::Const(_), Rust::User) => Ok(()),
        (Json::Const(serde_json::Value::String(_)), Rust::Prim(p)) if p == "String" => Ok(()),
        (Json::Const(serde_json::Value::Bool(_)), Rust::Prim(p)) if p == "bool" => Ok(()),
        (Json::Const(serde_json::Value::Number(n)), Rust::Prim(p)) if (n.is_f64() && p == "f64") || (!n.is_f64() && int_range(&p).is_some()) => Ok(()),
        (Json::Null, Rust::Unit) => Ok(()),
        // One object's keyword groups (`type` with `enum`): an enum type stands for the enum;
        // any other type must hold every group.
        (Json::Combined { synthetic: true, subschemas, .. }, Rust::User)
            if subschemas.iter().any(|s| matches!(schema.get(schema.resolve(*s)).kind, Json::Enum(_) | Json::Const(_) | Json::Object(_))) =>
        {
            Ok(())
        }
        (Json::Combined { synthetic: true, subschemas, .. }, _) => {
            for part in subschemas {
                check_json_value(ty, classify(ty), schema, *part, field, nested)?;
            }
            Ok(())
        }
        // Combinations and conditionals: a user type (an enum) stands for them unchecked.
        (Json::Combined { .. } | Json::Conditional { .. } | Json::Not(_), Rust::User) => Ok(()),
        (Json::Combined { subschemas, .. }, _) if subschemas.len() > 1 => Err(format!("the schema combines several schemas here: use an enum or `serde_json::Value`, not `{}`", show(ty))),
        (Json::Combined { subschemas, .. }, rust) if subschemas.len() == 1 => check_json_value(ty, rust, schema, subschemas[0], field, nested),
        (kind, _) => mismatch(kind.describe()),
    }
}
