//! Resolving the target: the record (or JSON Schema object) of the located schema that the
//! struct's fields are checked against: the file's root, or the type `name` / `pointer` selects.

use tidings_schema::avro::{AvroSchema, Kind as AvroKind};
use tidings_schema::jsonschema::JsonSchema;
use tidings_schema::SchemaDoc;

use crate::attr;
use crate::check::Target;
use crate::ctxt::Ctxt;
use crate::locate::Located;
use crate::Mode;

/// The record (or object) the struct's fields are checked against, and its name.
pub(crate) fn target<'l>(
    cx: &Ctxt,
    located: &'l Located,
    attrs: &attr::ContainerAttrs,
    ident: &syn::Ident,
    mode: Mode,
) -> Option<(Target<'l>, Option<String>)> {
    match &located.doc {
        SchemaDoc::Avro(schema) => avro_target(cx, schema, attrs, ident, mode),
        SchemaDoc::Json(schema) => json_target(cx, schema, attrs, ident),
    }
}

/// The root record, or the record `#[record(name = "...")]` names.
fn avro_target<'l>(
    cx: &Ctxt,
    schema: &'l AvroSchema,
    attrs: &attr::ContainerAttrs,
    ident: &syn::Ident,
    mode: Mode,
) -> Option<(Target<'l>, Option<String>)> {
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
                    schema
                        .named_types()
                        .find(|(id, n)| n.name == wanted && schema.get(*id).file == own_file)
                })
                .map(|(id, _)| id);
            if found.is_none() {
                cx.error_spanned_by(lit, format!("the schema defines no type named `{wanted}`"));
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

/// The root object (behind a root `$ref`), or the object at `pointer`.
fn json_target<'l>(
    cx: &Ctxt,
    schema: &'l JsonSchema,
    attrs: &attr::ContainerAttrs,
    ident: &syn::Ident,
) -> Option<(Target<'l>, Option<String>)> {
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
