//! What the schema repository wants in the registry: one subject per event (named by the
//! project's subject strategy) and one per shared file, each with its versions in order and
//! the references Confluent needs, subjects sorted so that referenced ones come first.
//!
//! Shared files become their own subjects: an Avro file under the full name of its type
//! (`com.tidings.shared.Money`, as RecordNameStrategy names it), a JSON Schema file under its
//! path below the schema root (`_shared/money.json`). A reference's name is what the
//! referring schema writes: the Avro full name, or the JSON `$ref` without its fragment.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use serde_json::Value;
use tidings_schema::avro::{AvroParser, AvroSchema, Kind, SourceFile, TypeId};
use tidings_schema::compat::{Level, SchemaDoc};
use tidings_schema::jsonschema::{bundle, normalize_path};
use tidings_schema::repo::config::JsonReferences;
use tidings_schema::repo::{LoadedRepository, Repository};

/// Where a subject's schemas come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An event folder (`identity/user_registered`).
    Event(String),
    /// A shared file (`_shared/money.avsc`).
    Shared(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Event(key) | Source::Shared(key) => f.write_str(key),
        }
    }
}

/// One version the repository holds.
#[derive(Debug, Clone)]
pub struct PlannedVersion {
    /// `N` of `vN` (1 for a shared file).
    pub number: u32,
    /// The file, as messages show it.
    pub file: String,
    /// Its text, sent as is.
    pub schema: String,
    /// `None` for Avro, `JSON` for JSON Schema.
    pub schema_type: Option<String>,
    /// For a JSON Schema registered with `json_references = "bundle"`: the shared files
    /// bundled into `schema` (below the schema root). Empty otherwise.
    pub bundled: Vec<String>,
    /// `(name, subject)` of each schema it refers to; the version is the one registered for
    /// the repository's content of that subject.
    pub references: Vec<(String, String)>,
    /// The parsed schema, for checks of our own.
    pub doc: SchemaDoc,
}

/// One subject and the versions the repository holds for it.
#[derive(Debug, Clone)]
pub struct PlannedSubject {
    /// The subject.
    pub subject: String,
    /// Where it comes from.
    pub source: Source,
    /// The configured compatibility level.
    pub level: Level,
    /// 0 for subjects that refer to nothing; otherwise one more than the deepest referenced.
    pub depth: usize,
    /// Oldest first.
    pub versions: Vec<PlannedVersion>,
}

/// Every subject, referenced ones first.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Sorted by depth, then name.
    pub subjects: Vec<PlannedSubject>,
}

/// A repository that cannot be turned into registry subjects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct PlanError {
    /// The file.
    pub file: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Plan {
    /// The plan of a loaded repository (whose schemas all parsed).
    ///
    /// # Errors
    /// A schema that did not parse, a reference to a file that is not shared, two files for one
    /// subject, references in a cycle.
    pub fn new(repo: &Repository, loaded: &LoadedRepository) -> Result<Plan, PlanError> {
        let mut subjects: Vec<PlannedSubject> = Vec::new();
        let bundling = repo.config.json_references() == JsonReferences::Bundle;
        let mut shared = shared_subjects(repo)?;
        if bundling {
            // Bundled into each event that uses them: not subjects of their own.
            shared.retain(|item| !matches!(item.doc, SchemaDoc::Json(_)));
        }
        let mut subject_of_file: HashMap<String, String> = HashMap::new();
        let mut avro_owner: HashMap<String, String> = HashMap::new();
        for item in &shared {
            subject_of_file.insert(item.file.clone(), item.subject.clone());
            for name in &item.defines {
                avro_owner.insert(name.clone(), item.subject.clone());
            }
        }
        for item in &shared {
            let references = match &item.doc {
                SchemaDoc::Avro(schema) => avro_references(schema, &avro_owner),
                SchemaDoc::Json(_) => {
                    json_references(&item.rel, &item.text, &subject_of_file, &item.file)?
                }
            };
            subjects.push(PlannedSubject {
                subject: item.subject.clone(),
                source: Source::Shared(item.rel.clone()),
                level: repo.config.compatibility,
                depth: 0,
                versions: vec![PlannedVersion {
                    number: 1,
                    file: item.file.clone(),
                    schema: item.text.clone(),
                    schema_type: schema_type(&item.doc),
                    bundled: Vec::new(),
                    references,
                    doc: item.doc.clone(),
                }],
            });
        }
        for event in &loaded.events {
            let files = &event.files;
            let mut subject = None;
            let mut versions = Vec::new();
            for (version, file) in event.versions.iter().zip(&files.versions) {
                let doc = version.doc.clone().map_err(|e| PlanError {
                    file: version.file.clone(),
                    message: e.to_string(),
                })?;
                let record_name = match &doc {
                    SchemaDoc::Avro(s) => s.kind(s.root()).name().map(|n| n.fullname()),
                    SchemaDoc::Json(s) => s.get(s.root()).annotations.title.clone(),
                }
                .unwrap_or_else(|| files.name.clone());
                // The latest version names the subject (record strategies follow renames).
                subject = Some(
                    repo.config
                        .subject_of(&files.domain, &files.name, &record_name),
                );
                let mut schema = version.text.clone();
                let mut bundled = Vec::new();
                let references = match &doc {
                    SchemaDoc::Avro(schema) => avro_references(schema, &avro_owner),
                    SchemaDoc::Json(_) if bundling => {
                        (schema, bundled) = bundle_version(repo, &file.rel, &version.text)
                            .map_err(|message| PlanError {
                                file: version.file.clone(),
                                message,
                            })?;
                        Vec::new()
                    }
                    SchemaDoc::Json(_) => {
                        json_references(&file.rel, &version.text, &subject_of_file, &version.file)?
                    }
                };
                versions.push(PlannedVersion {
                    number: version.number,
                    file: version.file.clone(),
                    schema,
                    schema_type: schema_type(&doc),
                    bundled,
                    references,
                    doc,
                });
            }
            let Some(subject) = subject else { continue };
            subjects.push(PlannedSubject {
                subject,
                source: Source::Event(files.key()),
                level: repo.config.level_of(&files.key()),
                depth: 0,
                versions,
            });
        }
        let mut seen: HashMap<&str, &PlannedSubject> = HashMap::new();
        for s in &subjects {
            if let Some(other) = seen.insert(&s.subject, s) {
                return Err(PlanError {
                    file: s.versions[0].file.clone(),
                    message: format!(
                        "subject `{}` is also the subject of `{}`; give one of them its own topic in tidings.toml",
                        s.subject, other.source
                    ),
                });
            }
        }
        order(&mut subjects)?;
        Ok(Plan { subjects })
    }
}

fn schema_type(doc: &SchemaDoc) -> Option<String> {
    match doc {
        SchemaDoc::Avro(_) => None,
        SchemaDoc::Json(_) => Some("JSON".to_owned()),
    }
}

/// A JSON Schema with the files it refers to bundled in, and those files (empty, and the text
/// as written, when it refers to none).
fn bundle_version(
    repo: &Repository,
    rel: &str,
    text: &str,
) -> Result<(String, Vec<String>), String> {
    let read_files = std::cell::RefCell::new(Vec::new());
    let read = |path: &str| {
        read_files.borrow_mut().push(path.to_owned());
        repo.files
            .read(&repo.project, path)
            .map_err(|e| e.to_string())
    };
    let bundled = bundle(rel, text, &read)?;
    let files = read_files.into_inner();
    if files.is_empty() {
        return Ok((text.to_owned(), files));
    }
    Ok((bundled, files))
}

struct SharedFile {
    rel: String,
    file: String,
    text: String,
    subject: String,
    doc: SchemaDoc,
    /// Avro full names of the named types the file defines.
    defines: Vec<String>,
}

/// Every file under a folder starting with `_`, parsed (Avro files with the other shared Avro
/// files as references).
fn shared_subjects(repo: &Repository) -> Result<Vec<SharedFile>, PlanError> {
    let mut texts = Vec::new();
    for rel in repo.files.files.keys() {
        if !rel.starts_with('_') || !(rel.ends_with(".avsc") || rel.ends_with(".json")) {
            continue;
        }
        let file = repo.files.display(rel);
        let text = repo.files.read(&repo.project, rel).map_err(|e| PlanError {
            file: file.clone(),
            message: e.to_string(),
        })?;
        texts.push((rel.clone(), file, text));
    }
    let mut out = Vec::new();
    for (i, (rel, file, text)) in texts.iter().enumerate() {
        let fail = |e: tidings_schema::SchemaError| PlanError {
            file: file.clone(),
            message: e.to_string(),
        };
        let (doc, subject, defines) = if rel.ends_with(".avsc") {
            let others: Vec<SourceFile<'_>> = texts
                .iter()
                .enumerate()
                .filter(|(j, (r, _, _))| *j != i && r.ends_with(".avsc"))
                .map(|(_, (_, name, text))| SourceFile { name, text })
                .collect();
            let schema = AvroParser::new()
                .parse_with_references(SourceFile { name: file, text }, &others)
                .map_err(fail)?;
            let Some(name) = schema.kind(schema.root()).name().map(|n| n.fullname()) else {
                return Err(PlanError {
                    file: file.clone(),
                    message: "a shared Avro file must define a named type (record, enum or fixed), which names its subject".into(),
                });
            };
            let defines = schema
                .named_types()
                .filter(|(id, _)| schema.file_of(*id) == file.as_str())
                .map(|(_, n)| n.fullname())
                .collect();
            (SchemaDoc::Avro(schema), name, defines)
        } else {
            let schema = repo.parse_json(rel, text).map_err(fail)?;
            (SchemaDoc::Json(schema), rel.clone(), Vec::new())
        };
        out.push(SharedFile {
            rel: rel.clone(),
            file: file.clone(),
            text: text.clone(),
            subject,
            doc,
            defines,
        });
    }
    Ok(out)
}

/// The shared subjects an Avro schema uses directly: named types reachable from its root that
/// another file defines.
fn avro_references(schema: &AvroSchema, owner: &HashMap<String, String>) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![schema.root()];
    let mut found: BTreeSet<String> = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let kind = schema.kind(id);
        if let Some(name) = kind.name() {
            if schema.file_of(id) != schema.file {
                let full = name.fullname();
                if let Some(subject) = owner.get(&full) {
                    found.insert(subject.clone());
                }
                continue;
            }
        }
        push_children(kind, &mut stack);
    }
    // One reference per subject, named after the subject's type.
    found
        .into_iter()
        .map(|subject| (subject.clone(), subject))
        .collect()
}

fn push_children(kind: &Kind, stack: &mut Vec<TypeId>) {
    match kind {
        Kind::Array(t) | Kind::Map(t) => stack.push(*t),
        Kind::Union(branches) => stack.extend(branches.iter().copied()),
        Kind::Record(record) => stack.extend(record.fields.iter().map(|f| f.ty)),
        _ => {}
    }
}

/// The shared files a JSON Schema's `$ref`s name, as `(name as written, subject)`.
fn json_references(
    rel: &str,
    text: &str,
    subject_of_file: &HashMap<String, String>,
    shown: &str,
) -> Result<Vec<(String, String)>, PlanError> {
    let value: Value = serde_json::from_str(text).map_err(|e| PlanError {
        file: shown.to_owned(),
        message: e.to_string(),
    })?;
    let mut refs = BTreeSet::new();
    let mut stack = vec![&value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let location = r.split('#').next().unwrap_or_default();
                    if !location.is_empty() {
                        refs.insert(location.to_owned());
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = Vec::new();
    for name in refs {
        let target = join(dir, &name);
        // JSON shared files are their own subjects, named by their path.
        if !subject_of_file.values().any(|subject| *subject == target) {
            return Err(PlanError {
                file: shown.to_owned(),
                message: format!(
                    "`$ref: {name}` points at `{target}`, which is not a shared file; move the referenced schema into a folder starting with `_` (`_shared/`) so it can be registered as a reference"
                ),
            });
        }
        let subject = target;
        out.push((name, subject));
    }
    Ok(out)
}

/// `a/b` + `../c.json` → `a/c.json`, as the JSON Schema loader resolves file references.
fn join(dir: &str, name: &str) -> String {
    let path = normalize_path(&Path::new(dir).join(name));
    let parts: Vec<_> = path.iter().map(|part| part.to_string_lossy()).collect();
    parts.join("/")
}

/// Gives each subject its depth (one more than the deepest subject it refers to) and sorts
/// referenced subjects first. Subjects are settled in rounds; a round that settles nothing
/// leaves a cycle.
fn order(subjects: &mut [PlannedSubject]) -> Result<(), PlanError> {
    let index: HashMap<&str, usize> = subjects
        .iter()
        .enumerate()
        .map(|(i, s)| (s.subject.as_str(), i))
        .collect();
    let refs: Vec<Vec<usize>> = subjects
        .iter()
        .map(|s| {
            s.versions
                .iter()
                .flat_map(|v| &v.references)
                .filter_map(|(_, subject)| index.get(subject.as_str()).copied())
                .collect()
        })
        .collect();
    let mut depth: Vec<Option<usize>> = vec![None; subjects.len()];
    while depth.contains(&None) {
        let settled: Vec<(usize, usize)> = (0..subjects.len())
            .filter(|&i| depth[i].is_none())
            .filter_map(|i| {
                let deepest = refs[i]
                    .iter()
                    .map(|&r| depth[r].map(|d| d + 1))
                    .collect::<Option<Vec<_>>>()?;
                Some((i, deepest.into_iter().max().unwrap_or(0)))
            })
            .collect();
        if settled.is_empty() {
            let stuck = depth.iter().position(Option::is_none).unwrap_or(0);
            return Err(PlanError {
                file: subjects[stuck].versions[0].file.clone(),
                message: format!(
                    "`{}` is part of a cycle of references",
                    subjects[stuck].subject
                ),
            });
        }
        for (i, d) in settled {
            depth[i] = Some(d);
        }
    }
    for (s, d) in subjects.iter_mut().zip(depth) {
        s.depth = d.unwrap_or(0);
    }
    subjects.sort_by(|a, b| (a.depth, &a.subject).cmp(&(b.depth, &b.subject)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(name: &str, refers_to: &[&str]) -> PlannedSubject {
        PlannedSubject {
            subject: name.into(),
            source: Source::Shared(name.into()),
            level: Level::Backward,
            depth: 0,
            versions: vec![PlannedVersion {
                number: 1,
                file: format!("{name}.avsc"),
                schema: r#""string""#.into(),
                schema_type: None,
                bundled: Vec::new(),
                references: refers_to
                    .iter()
                    .map(|r| (r.to_string(), r.to_string()))
                    .collect(),
                doc: SchemaDoc::parse_avro("s.avsc", r#""string""#).unwrap(),
            }],
        }
    }

    #[test]
    fn referenced_subjects_come_first_and_cycles_are_refused() {
        let mut subjects = vec![
            subject("a", &["b", "c"]),
            subject("b", &["c"]),
            subject("c", &[]),
        ];
        order(&mut subjects).unwrap();
        let got: Vec<(&str, usize)> = subjects
            .iter()
            .map(|s| (s.subject.as_str(), s.depth))
            .collect();
        assert_eq!(got, [("c", 0), ("b", 1), ("a", 2)]);
        let mut cycle = vec![
            subject("x", &["y"]),
            subject("y", &["x"]),
            subject("z", &[]),
        ];
        let err = order(&mut cycle).unwrap_err();
        assert!(err.message.contains("cycle"), "{err}");
    }

    #[test]
    fn relative_paths_join() {
        assert_eq!(
            join("payments/link_created", "../../_shared/money.json"),
            "_shared/money.json"
        );
        assert_eq!(join("_shared", "address.json"), "_shared/address.json");
        assert_eq!(join("", "./a.json"), "a.json");
    }
}
