//! The form a schema registry compares schemas by: two texts with the same form are the same
//! schema, get the same id, and a look-up of one finds the other.
//!
//! Formatting and key order never count. For Avro, what Avro's own writer (`Schema.toString`,
//! which Confluent compares) makes equal is equal here too: a primitive written as
//! `{"type": "string"}` is `"string"`, and a named type written with its full name
//! (`"name": "com.acme.Item"`) is the same as one written with `name` and `namespace`; names
//! that refer to a type are compared by full name. Everything else (docs, defaults, aliases,
//! custom properties) counts, as it does for Confluent. One implementation for the local
//! registry, publish's drift check and the runtime's look-ups, so they never disagree.

use serde_json::{Map, Value};

use crate::repo::Format;

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

/// The registry form of a schema text: compact JSON, keys sorted, Avro names resolved.
///
/// # Errors
/// A text that is not JSON (the message says where).
pub fn registry_form(format: Format, text: &str) -> Result<String, String> {
    // serde_json refuses more than 128 levels, so the walk below is bounded.
    let mut value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if format == Format::Avro {
        value = avro_form(value, "");
    }
    value.sort_all_objects();
    Ok(value.to_string())
}

/// [`registry_form`] of a schema as a registry holds it: its `schemaType` and text.
///
/// # Errors
/// See [`registry_form`].
pub fn registry_form_of(schema_type: &str, text: &str) -> Result<String, String> {
    registry_form(Format::from_schema_type(schema_type), text)
}

/// Whether two texts are the same schema for a registry.
pub fn same_schema(format: Format, a: &str, b: &str) -> bool {
    match (registry_form(format, a), registry_form(format, b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `namespace` is the enclosing namespace (Avro's rule for names without a dot).
fn avro_form(value: Value, namespace: &str) -> Value {
    match value {
        Value::String(name) => Value::String(full_name(&name, namespace)),
        Value::Array(branches) => Value::Array(
            branches
                .into_iter()
                .map(|b| avro_form(b, namespace))
                .collect(),
        ),
        Value::Object(map) => avro_object(map, namespace),
        other => other,
    }
}

/// A named type's name, namespace and aliases written in full (Avro's rule for names without a
/// dot); the namespace its fields and nested types inherit.
fn full_names(map: &mut Map<String, Value>, namespace: &str) -> String {
    let mut inner = namespace.to_owned();
    if let Some(Value::String(name)) = map.get("name") {
        let explicit = map.get("namespace").and_then(Value::as_str);
        let full = match (name.rsplit_once('.'), explicit) {
            (Some(_), _) => name.clone(),
            (None, Some(ns)) => join(ns, name),
            (None, None) => join(namespace, name),
        };
        let (space, short) = full.rsplit_once('.').unwrap_or(("", &full));
        inner = space.to_owned();
        let short = short.to_owned();
        map.insert("name".into(), Value::String(short));
        if space.is_empty() {
            map.remove("namespace");
        } else {
            map.insert("namespace".into(), Value::String(inner.clone()));
        }
    }
    if let Some(Value::Array(aliases)) = map.get_mut("aliases") {
        for alias in aliases.iter_mut() {
            if let Value::String(a) = alias {
                *a = full_name(a, &inner);
            }
        }
    }
    inner
}

fn avro_object(mut map: Map<String, Value>, namespace: &str) -> Value {
    // `{"type": "string"}` alone is the primitive itself.
    if map.len() == 1 {
        if let Some(Value::String(t)) = map.get("type") {
            if PRIMITIVES.contains(&t.as_str()) {
                return Value::String(t.clone());
            }
        }
    }
    let kind = map
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let named = matches!(kind.as_str(), "record" | "error" | "enum" | "fixed");
    let inner = if named {
        full_names(&mut map, namespace)
    } else {
        namespace.to_owned()
    };
    match kind.as_str() {
        "record" | "error" => {
            if let Some(Value::Array(fields)) = map.remove("fields") {
                let fields = fields
                    .into_iter()
                    .map(|field| match field {
                        Value::Object(mut f) => {
                            if let Some(t) = f.remove("type") {
                                f.insert("type".into(), avro_form(t, &inner));
                            }
                            Value::Object(f)
                        }
                        other => other,
                    })
                    .collect();
                map.insert("fields".into(), Value::Array(fields));
            }
        }
        "array" => {
            if let Some(items) = map.remove("items") {
                map.insert("items".into(), avro_form(items, namespace));
            }
        }
        "map" => {
            if let Some(values) = map.remove("values") {
                map.insert("values".into(), avro_form(values, namespace));
            }
        }
        // A nested definition: `{"type": {"type": "record", ...}}` or `{"type": ["null", ..]}`.
        _ => {
            if let Some(t) = map.remove("type") {
                let t = match t {
                    Value::String(s) => Value::String(full_name(&s, namespace)),
                    other => avro_form(other, namespace),
                };
                map.insert("type".into(), t);
            }
        }
    }
    Value::Object(map)
}

/// A type name as a full name: primitives stay, dotted names are full already.
fn full_name(name: &str, namespace: &str) -> String {
    if PRIMITIVES.contains(&name)
        || name.contains('.')
        || matches!(
            name,
            "record" | "error" | "enum" | "fixed" | "array" | "map"
        )
    {
        name.to_owned()
    } else {
        join(namespace, name)
    }
}

fn join(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avro(text: &str) -> String {
        registry_form(Format::Avro, text).unwrap()
    }

    #[test]
    fn formatting_and_key_order_do_not_count() {
        let a = avro(r#"{"type": "record", "name": "A", "fields": []}"#);
        let b = avro("{\"fields\":[],\n \"name\":\"A\",\"type\":\"record\"}");
        assert_eq!(a, b);
        assert_ne!(a, avro(r#"{"type": "record", "name": "B", "fields": []}"#));
        assert!(registry_form(Format::Avro, "{").is_err());
    }

    #[test]
    fn avro_writers_equivalent_forms_are_one_schema() {
        let plain = r#"{"type": "record", "name": "ItemListed", "namespace": "com.acme",
            "fields": [{"name": "id", "type": "string"}, {"name": "next", "type": ["null", "ItemListed"]}]}"#;
        let nested = r#"{"type": "record", "name": "ItemListed", "namespace": "com.acme",
            "fields": [{"name": "id", "type": {"type": "string"}}, {"name": "next", "type": ["null", "com.acme.ItemListed"]}]}"#;
        let full_name = r#"{"type": "record", "name": "com.acme.ItemListed",
            "fields": [{"name": "id", "type": "string"}, {"name": "next", "type": ["null", "ItemListed"]}]}"#;
        assert!(same_schema(Format::Avro, plain, nested));
        assert!(same_schema(Format::Avro, plain, full_name));
        // What Avro's writer keeps still counts: a doc, a logical type, another namespace.
        let with_doc = plain.replace(r#""name": "id","#, r#""name": "id", "doc": "the id","#);
        assert!(!same_schema(Format::Avro, plain, &with_doc));
        let logical = plain.replace(
            r#"{"name": "id", "type": "string"}"#,
            r#"{"name": "id", "type": {"type": "string", "logicalType": "uuid"}}"#,
        );
        assert!(!same_schema(Format::Avro, plain, &logical));
        assert!(!same_schema(
            Format::Avro,
            plain,
            &plain.replace("com.acme", "com.other")
        ));
    }

    #[test]
    fn json_schema_keeps_everything_but_formatting() {
        let a = r#"{"type": "object", "properties": {"a": {"type": "string"}}}"#;
        let b = r#"{"properties":{"a":{"type":"string"}},"type":"object"}"#;
        assert!(same_schema(Format::Json, a, b));
        // `{"type": "string"}` means something else in JSON Schema than in Avro: untouched.
        let c = r#"{"type": "object", "properties": {"a": "string"}}"#;
        assert!(!same_schema(Format::Json, a, c));
    }
}
