//! What a schema registry is sent for a schema file: its text, its type and its Confluent
//! references, each reference a schema of its own under its own subject. `tidings publish`
//! registers exactly this, and the runtime looks exactly this up, so that a producer finds the
//! id that publish registered; one implementation serves both.
//!
//! The convention: each file of a shared folder (`_shared/money.avsc`) is a subject of its own.
//! An Avro file is named by the full name of the type it defines first (as RecordNameStrategy
//! names it), and a schema refers to it by that name; a JSON Schema file is named by its path
//! below the schema root, and a schema refers to it by its `$ref` as written (without the
//! fragment). With `json_references = "bundle"` a JSON Schema goes as one document instead
//! ([`crate::jsonschema::bundle`]), for registries without JSON Schema references.

pub use crate::repo::is_shared;
use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::avro::{AvroParser, AvroSchema, Kind, SourceFile, TypeId};
use crate::jsonschema::{bundle, join};
use crate::repo::config::JsonReferences;
use crate::repo::Format;

/// One schema as a registry is sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrySchema {
    /// Its format.
    pub format: Format,
    /// The text to send: the file as written, or bundled.
    pub text: String,
    /// The schemas it refers to directly, each with its own references.
    pub references: Vec<RegistryReference>,
    /// The shared files bundled into `text` (below the schema root); empty unless bundled.
    pub bundled: Vec<String>,
}

/// A Confluent schema reference, with the schema it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryReference {
    /// The name the referring schema uses: an Avro full name, a JSON `$ref` location.
    pub name: String,
    /// The subject that holds it.
    pub subject: String,
    /// The referenced schema.
    pub schema: RegistrySchema,
}

/// A file of a shared folder, as a subject.
#[derive(Debug, Clone)]
pub struct SharedFile {
    /// Path below the schema root (`_shared/money.avsc`).
    pub rel: String,
    /// Its text.
    pub text: String,
    /// Its format.
    pub format: Format,
    /// Its subject: an Avro file's first full name, a JSON file's path.
    pub subject: String,
    /// Avro: the full names of the named types it defines.
    pub defines: Vec<String>,
}

/// The shared files of a schema root, indexed once.
#[derive(Debug, Clone, Default)]
pub struct SharedFiles {
    files: Vec<SharedFile>,
    /// Avro full name → index of the file that defines it.
    owner: HashMap<String, usize>,
}

/// A shared file, or a schema, that cannot be turned into what a registry is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rel}: {message}")]
pub struct RegistryFormError {
    /// The file, below the schema root.
    pub rel: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl RegistryFormError {
    fn new(rel: &str, message: String) -> Self {
        RegistryFormError {
            rel: rel.to_owned(),
            message,
        }
    }
}

/// How deep shared files may refer to one another.
const MAX_REFERENCE_DEPTH: usize = 32;

impl SharedFiles {
    /// Indexes the shared files among `files` (`(path below the schema root, text)`; files
    /// outside a folder starting with `_` are ignored). Avro files are parsed with each other as
    /// references, as the registry will parse them.
    ///
    /// # Errors
    /// A shared Avro file that does not parse or defines no named type.
    pub fn new<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SharedFiles, RegistryFormError> {
        let shared: Vec<(&str, &str)> = files
            .into_iter()
            .filter(|(rel, _)| is_shared(rel) && (rel.ends_with(".avsc") || rel.ends_with(".json")))
            .collect();
        let mut out = SharedFiles::default();
        for (i, (rel, text)) in shared.iter().enumerate() {
            let fail = |message: String| RegistryFormError {
                rel: (*rel).to_owned(),
                message,
            };
            let file = if rel.ends_with(".avsc") {
                let others: Vec<SourceFile<'_>> = shared
                    .iter()
                    .enumerate()
                    .filter(|(j, (r, _))| *j != i && r.ends_with(".avsc"))
                    .map(|(_, (name, text))| SourceFile { name, text })
                    .collect();
                let schema = AvroParser::new()
                    .parse_with_references(SourceFile { name: rel, text }, &others)
                    .map_err(|e| fail(e.to_string()))?;
                let Some(subject) = schema.kind(schema.root()).name().map(|n| n.fullname()) else {
                    return Err(fail("a shared Avro file must define a named type (record, enum or fixed), which names its subject".into()));
                };
                let defines = schema
                    .named_types()
                    .filter(|(id, _)| schema.file_of(*id) == *rel)
                    .map(|(_, n)| n.fullname())
                    .collect();
                SharedFile {
                    rel: (*rel).to_owned(),
                    text: (*text).to_owned(),
                    format: Format::Avro,
                    subject,
                    defines,
                }
            } else {
                SharedFile {
                    rel: (*rel).to_owned(),
                    text: (*text).to_owned(),
                    format: Format::Json,
                    subject: (*rel).to_owned(),
                    defines: Vec::new(),
                }
            };
            let index = out.files.len();
            for name in &file.defines {
                out.owner.entry(name.clone()).or_insert(index);
            }
            out.files.push(file);
        }
        Ok(out)
    }

    /// The shared files, in the order given.
    pub fn files(&self) -> &[SharedFile] {
        &self.files
    }

    /// What a registry is sent for the schema at `rel` with `text`.
    ///
    /// # Errors
    /// A schema that does not parse, a JSON `$ref` to a file that is not shared (or outside the
    /// schema root), references nested deeper than 32.
    pub fn schema(
        &self,
        rel: &str,
        text: &str,
        json: JsonReferences,
    ) -> Result<RegistrySchema, RegistryFormError> {
        self.schema_at(rel, text, None, json, 0)
    }

    /// [`SharedFiles::schema`] of a schema already parsed (with the shared files as references,
    /// under any names), so that an Avro schema is not parsed a second time.
    ///
    /// # Errors
    /// See [`SharedFiles::schema`].
    pub fn schema_of_parsed(
        &self,
        rel: &str,
        text: &str,
        parsed: &AvroSchema,
        json: JsonReferences,
    ) -> Result<RegistrySchema, RegistryFormError> {
        self.schema_at(rel, text, Some(parsed), json, 0)
    }

    fn schema_at(
        &self,
        rel: &str,
        text: &str,
        parsed: Option<&AvroSchema>,
        json: JsonReferences,
        depth: usize,
    ) -> Result<RegistrySchema, RegistryFormError> {
        let fail = |message: String| RegistryFormError::new(rel, message);
        if depth > MAX_REFERENCE_DEPTH {
            return Err(fail(format!(
                "shared files refer to each other more than {MAX_REFERENCE_DEPTH} deep"
            )));
        }
        if rel.ends_with(".avsc") {
            self.avro_schema_at(rel, text, parsed, json, depth)
        } else if json == JsonReferences::Bundle {
            self.bundled_json_at(rel, text)
        } else {
            self.json_schema_at(rel, text, json, depth)
        }
    }

    /// An Avro schema with a reference to each shared file whose types it uses.
    fn avro_schema_at(
        &self,
        rel: &str,
        text: &str,
        parsed: Option<&AvroSchema>,
        json: JsonReferences,
        depth: usize,
    ) -> Result<RegistrySchema, RegistryFormError> {
        let fail = |message: String| RegistryFormError::new(rel, message);
        let own;
        let schema = match parsed {
            Some(schema) => schema,
            None => {
                own = self
                    .parse_avro(rel, rel, text)
                    .map_err(|e| fail(e.to_string()))?;
                &own
            }
        };
        let mut references = Vec::new();
        for index in self.avro_references(schema) {
            let file = &self.files[index];
            references.push(RegistryReference {
                name: file.subject.clone(),
                subject: file.subject.clone(),
                schema: self.schema_at(&file.rel, &file.text, None, json, depth + 1)?,
            });
        }
        Ok(RegistrySchema {
            format: Format::Avro,
            text: text.to_owned(),
            references,
            bundled: Vec::new(),
        })
    }

    /// A JSON Schema with the shared files it refers to bundled into `$defs`.
    fn bundled_json_at(&self, rel: &str, text: &str) -> Result<RegistrySchema, RegistryFormError> {
        let fail = |message: String| RegistryFormError::new(rel, message);
        let read_files = std::cell::RefCell::new(Vec::new());
        let read = |path: &str| {
            read_files.borrow_mut().push(path.to_owned());
            self.files
                .iter()
                .find(|f| f.rel == path)
                .map(|f| f.text.clone())
                .ok_or_else(|| format!("`{path}` is not a shared file"))
        };
        let bundled = bundle(rel, text, &read).map_err(fail)?;
        let files = read_files.into_inner();
        Ok(RegistrySchema {
            format: Format::Json,
            // A schema that refers to nothing goes as written.
            text: if files.is_empty() {
                text.to_owned()
            } else {
                bundled
            },
            references: Vec::new(),
            bundled: files,
        })
    }

    /// A JSON Schema with a reference to each shared file its `$ref`s name.
    fn json_schema_at(
        &self,
        rel: &str,
        text: &str,
        json: JsonReferences,
        depth: usize,
    ) -> Result<RegistrySchema, RegistryFormError> {
        let fail = |message: String| RegistryFormError::new(rel, message);
        let mut references = Vec::new();
        for name in json_ref_locations(text).map_err(fail)? {
            let target = join(rel.rsplit_once('/').map_or("", |(d, _)| d), &name);
            let Some(file) = self.files.iter().find(|f| f.rel == target) else {
                return Err(fail(format!(
                    "`$ref: {name}` points at `{target}`, which is not a shared file; move the referenced schema into a folder starting with `_` (`_shared/`) so it can be registered as a reference"
                )));
            };
            references.push(RegistryReference {
                name,
                subject: file.subject.clone(),
                schema: self.schema_at(&file.rel, &file.text, None, json, depth + 1)?,
            });
        }
        Ok(RegistrySchema {
            format: Format::Json,
            text: text.to_owned(),
            references,
            bundled: Vec::new(),
        })
    }

    /// Parses an Avro schema (`rel` below the schema root, `name` as messages show it) with the
    /// shared Avro files as references, as a registry reads it with its references.
    ///
    /// # Errors
    /// The first problem found, with its file, line and column.
    pub fn parse_avro(
        &self,
        name: &str,
        rel: &str,
        text: &str,
    ) -> Result<AvroSchema, crate::SchemaError> {
        let others: Vec<SourceFile<'_>> = self
            .files
            .iter()
            .filter(|f| f.format == Format::Avro && f.rel != rel)
            .map(|f| SourceFile {
                name: &f.rel,
                text: &f.text,
            })
            .collect();
        AvroParser::new().parse_with_references(SourceFile { name, text }, &others)
    }

    /// The shared files an Avro schema uses directly: named types reachable from its root that
    /// another file defines, one reference per file.
    fn avro_references(&self, schema: &AvroSchema) -> Vec<usize> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![schema.root()];
        let mut found: BTreeSet<(String, usize)> = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let kind = schema.kind(id);
            if let Some(name) = kind.name() {
                if schema.file_of(id) != schema.file {
                    if let Some(&owner) = self.owner.get(&name.fullname()) {
                        found.insert((self.files[owner].subject.clone(), owner));
                    }
                    continue;
                }
            }
            push_children(kind, &mut stack);
        }
        found.into_iter().map(|(_, owner)| owner).collect()
    }
}

fn push_children(kind: &Kind, stack: &mut Vec<TypeId>) {
    match kind {
        Kind::Array(t) | Kind::Map(t) => stack.push(*t),
        Kind::Union(branches) => stack.extend(branches.iter().copied()),
        Kind::Record(record) => stack.extend(record.fields.iter().map(|f| f.ty)),
        _ => {}
    }
}

/// The file locations a JSON Schema's `$ref`s name (fragments and local references left out),
/// sorted.
fn json_ref_locations(text: &str) -> Result<Vec<String>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut refs = BTreeSet::new();
    let mut stack = vec![&value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let location = r.split('#').next().unwrap_or_default();
                    if !location.is_empty() && !location.contains(':') {
                        refs.insert(location.to_owned());
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    Ok(refs.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONEY: &str = r#"{"type": "record", "name": "Money", "namespace": "com.acme.shared",
        "fields": [{"name": "amount_minor", "type": "long"}, {"name": "currency", "type": "Currency"}]}"#;
    const CURRENCY: &str = r#"{"type": "enum", "name": "Currency", "namespace": "com.acme.shared", "symbols": ["EUR", "INR"]}"#;
    const PAID: &str = r#"{"type": "record", "name": "OrderPaid", "namespace": "com.acme.orders",
        "fields": [{"name": "total", "type": "com.acme.shared.Money"}]}"#;

    #[test]
    fn avro_references_name_the_defining_files_subjects_recursively() {
        let shared = SharedFiles::new([
            ("_shared/money.avsc", MONEY),
            ("_shared/currency.avsc", CURRENCY),
            ("orders/order_paid/v1.avsc", PAID),
        ])
        .unwrap();
        assert_eq!(shared.files().len(), 2, "event files are not shared");
        let schema = shared
            .schema(
                "orders/order_paid/v1.avsc",
                PAID,
                JsonReferences::References,
            )
            .unwrap();
        assert_eq!(schema.references.len(), 1);
        let money = &schema.references[0];
        assert_eq!(
            (money.name.as_str(), money.subject.as_str()),
            ("com.acme.shared.Money", "com.acme.shared.Money")
        );
        assert_eq!(
            money.schema.references[0].subject,
            "com.acme.shared.Currency"
        );
        assert!(money.schema.references[0].schema.references.is_empty());
    }

    #[test]
    fn json_references_are_paths_or_bundled() {
        let money = r#"{"type": "object", "properties": {"amount_minor": {"type": "integer"}}}"#;
        let event =
            r#"{"type": "object", "properties": {"total": {"$ref": "../../_shared/money.json"}}}"#;
        let shared = SharedFiles::new([("_shared/money.json", money)]).unwrap();
        let rel = "payments/payment_made/v1.json";
        let referenced = shared
            .schema(rel, event, JsonReferences::References)
            .unwrap();
        assert_eq!(referenced.text, event);
        assert_eq!(referenced.references[0].name, "../../_shared/money.json");
        assert_eq!(referenced.references[0].subject, "_shared/money.json");
        let bundled = shared.schema(rel, event, JsonReferences::Bundle).unwrap();
        assert!(bundled.references.is_empty());
        assert_eq!(bundled.bundled, ["_shared/money.json"]);
        assert!(bundled.text.contains("#/$defs/_shared.money"));
        let outside = r#"{"properties": {"a": {"$ref": "../other/v1.json"}}}"#;
        let err = shared
            .schema(rel, outside, JsonReferences::References)
            .unwrap_err();
        assert!(err.message.contains("not a shared file"), "{err}");
    }
}
