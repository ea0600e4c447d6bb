//! Schemas as the local registry sees them: a text, a type and references to other subjects.
//! Parsed with tidings' own parsers (so the registry and `tidings check` agree), compared by a
//! canonical form that ignores whitespace and key order, as Confluent and Karapace do.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use tidings_schema::avro::{AvroParser, SourceFile};
use tidings_schema::compat::SchemaDoc;
use tidings_schema::jsonschema::JsonSchemaLoader;

/// A schema with its references resolved, the referenced ones first (dependency order).
pub(crate) struct Resolved<'a> {
    /// `AVRO` or `JSON`.
    pub schema_type: &'a str,
    /// The schema text.
    pub text: &'a str,
    /// The reference names it uses, with the resolved schema of each.
    pub references: Vec<(String, Resolved<'a>)>,
}

/// The registry's canonical form: compact JSON with sorted keys. Two schemas with the same
/// form are the same schema (and get the same id).
pub(crate) fn canonical(text: &str) -> Result<String, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = String::with_capacity(text.len());
    write_sorted(&value, &mut out);
    Ok(out)
}

fn write_sorted(value: &Value, out: &mut String) {
    // Iterative would be needed for hostile depth; schemas are parsed (and depth-checked) by
    // tidings' parsers before they get here, and serde_json refuses more than 128 levels.
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_sorted(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sorted(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Parses a schema and its references with tidings' parsers.
pub(crate) fn parse(subject: &str, schema: &Resolved<'_>) -> Result<SchemaDoc, String> {
    match schema.schema_type {
        "AVRO" => {
            let mut files = Vec::new();
            collect_avro(schema, &mut files);
            let sources: Vec<SourceFile<'_>> = files
                .iter()
                .map(|(name, text)| SourceFile { name, text })
                .collect();
            AvroParser::new()
                .parse_with_references(
                    SourceFile {
                        name: subject,
                        text: schema.text,
                    },
                    &sources,
                )
                .map(SchemaDoc::Avro)
                .map_err(|e| e.to_string())
        }
        "JSON" => {
            // References are relative URLs (`../_shared/money.json`): give the schema a path deep
            // below a virtual root and serve each reference at the path its name resolves to.
            let root = PathBuf::from("/registry");
            let own = root.join("r/r/r/r/r/r/r/r/schema.json");
            let mut files = HashMap::new();
            collect_json(schema, &own, &mut files);
            let files = Arc::new(files);
            JsonSchemaLoader::new()
                .schema_root(root)
                .file_reader(Arc::new(move |path: &Path| {
                    files
                        .get(&normalize(path))
                        .cloned()
                        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
                }))
                .load_named(subject, schema.text, own)
                .map(SchemaDoc::Json)
                .map_err(|e| e.to_string())
        }
        other => Err(format!(
            "schema type `{other}` is not supported by the local registry (AVRO and JSON are)"
        )),
    }
}

/// Avro references in the order a reader needs them: each one's own references first.
fn collect_avro<'a>(schema: &Resolved<'a>, out: &mut Vec<(String, &'a str)>) {
    for (name, reference) in &schema.references {
        collect_avro(reference, out);
        if !out.iter().any(|(n, _)| n == name) {
            out.push((name.clone(), reference.text));
        }
    }
}

fn collect_json(schema: &Resolved<'_>, path: &Path, out: &mut HashMap<PathBuf, String>) {
    let base = path.parent().unwrap_or(Path::new("/"));
    for (name, reference) in &schema.references {
        let at = normalize(&base.join(name.split('#').next().unwrap_or(name)));
        if out.insert(at.clone(), reference.text.to_owned()).is_none() {
            collect_json(reference, &at, out);
        }
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_ignores_whitespace_and_key_order() {
        let a = canonical(r#"{"type": "record", "name": "A", "fields": []}"#).unwrap();
        let b = canonical("{\"fields\":[],\n \"name\":\"A\",\"type\":\"record\"}").unwrap();
        assert_eq!(a, b);
        assert_ne!(
            a,
            canonical(r#"{"type": "record", "name": "B", "fields": []}"#).unwrap()
        );
        assert!(canonical("{").is_err());
    }

    #[test]
    fn json_references_resolve_by_their_relative_names() {
        let money = Resolved {
            schema_type: "JSON",
            text: r#"{"type": "object", "properties": {"amount": {"type": "integer"}}}"#,
            references: Vec::new(),
        };
        let event = Resolved {
            schema_type: "JSON",
            text: r#"{"type": "object", "properties": {"price": {"$ref": "../../_shared/money.json"}}}"#,
            references: vec![("../../_shared/money.json".into(), money)],
        };
        assert!(parse("s", &event).is_ok());
        let alone = Resolved {
            references: Vec::new(),
            ..event
        };
        assert!(parse("s", &alone).is_err());
    }

    #[test]
    fn avro_references_come_first() {
        let money = Resolved {
            schema_type: "AVRO",
            text: r#"{"type": "record", "name": "Money", "namespace": "x", "fields": [{"name": "a", "type": "long"}]}"#,
            references: Vec::new(),
        };
        let event = Resolved {
            schema_type: "AVRO",
            text: r#"{"type": "record", "name": "OrderPaid", "fields": [{"name": "total", "type": "x.Money"}]}"#,
            references: vec![("x.Money".into(), money)],
        };
        assert!(parse("s", &event).is_ok());
    }
}
