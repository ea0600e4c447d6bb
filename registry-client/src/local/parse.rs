//! Schemas as the local registry sees them: a text, a type and references to other subjects.
//! Parsed with tidings' own parsers (so the registry and `tidings check` agree), compared by a
//! canonical form that ignores whitespace and key order, as Confluent and Karapace do.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use tidings_schema::avro::{AvroParser, SourceFile};
use tidings_schema::jsonschema::{normalize_path, JsonSchemaLoader};
use tidings_schema::SchemaDoc;

/// A schema with its references resolved, the referenced ones first (dependency order).
pub(crate) struct Resolved<'a> {
    /// `AVRO` or `JSON`.
    pub schema_type: &'a str,
    /// The schema text.
    pub text: &'a str,
    /// The reference names it uses, with the resolved schema of each.
    /// Shared where several paths reach one schema, so that the structure stays as small as
    /// the registry's own.
    pub references: Vec<(&'a str, Rc<Resolved<'a>>)>,
}

/// Parses a schema and its references with tidings' parsers.
pub(crate) fn parse(subject: &str, schema: &Resolved<'_>) -> Result<SchemaDoc, String> {
    match schema.schema_type {
        "AVRO" => {
            let mut sources = Vec::new();
            collect_avro(schema, &mut sources);
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
                        .get(&normalize_path(path))
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
fn collect_avro<'a>(schema: &Resolved<'a>, out: &mut Vec<SourceFile<'a>>) {
    for (name, reference) in &schema.references {
        // A name already collected was collected with its own references.
        if out.iter().any(|source| source.name == *name) {
            continue;
        }
        collect_avro(reference, out);
        out.push(SourceFile {
            name,
            text: reference.text,
        });
    }
}

fn collect_json(schema: &Resolved<'_>, path: &Path, out: &mut HashMap<PathBuf, String>) {
    let base = path.parent().unwrap_or(Path::new("/"));
    for (name, reference) in &schema.references {
        let at = normalize_path(&base.join(name.split('#').next().unwrap_or(name)));
        if out.insert(at.clone(), reference.text.to_owned()).is_none() {
            collect_json(reference, &at, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            references: vec![("../../_shared/money.json", Rc::new(money))],
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
            references: vec![("x.Money", Rc::new(money))],
        };
        assert!(parse("s", &event).is_ok());
    }
}
