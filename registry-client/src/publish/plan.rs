//! What the schema repository wants in the registry: one subject per event (named by the
//! project's subject strategy) and one per shared file, each with its versions in order and
//! the references Confluent needs, subjects sorted so that referenced ones come first.
//!
//! Shared files become their own subjects: an Avro file under the full name of its type
//! (`com.tidings.shared.Money`, as RecordNameStrategy names it), a JSON Schema file under its
//! path below the schema root (`_shared/money.json`). A reference's name is what the
//! referring schema writes: the Avro full name, or the JSON `$ref` without its fragment.

use std::collections::HashMap;
use std::fmt;

use tidings_schema::compat::Level;
use tidings_schema::registry::{is_shared, RegistrySchema, SharedFiles};
use tidings_schema::repo::config::JsonReferences;
use tidings_schema::repo::{Format, LoadedRepository, Repository};
use tidings_schema::SchemaDoc;

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
    /// Its format (its `schemaType`).
    pub format: Format,
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
        let json = repo.config.json_references();
        let shared = shared_files(repo)?;
        let mut subjects: Vec<PlannedSubject> = Vec::new();
        for file in shared.files() {
            if json == JsonReferences::Bundle && file.format == Format::Json {
                // Bundled into each event that uses it: not a subject of its own.
                continue;
            }
            let shown = repo.files.display(&file.rel);
            let doc = match file.format {
                Format::Avro => SchemaDoc::Avro(
                    shared
                        .parse_avro(&shown, &file.rel, &file.text)
                        .map_err(|e| plan_error(&shown, e))?,
                ),
                Format::Json => SchemaDoc::Json(
                    repo.parse_json(&file.rel, &file.text)
                        .map_err(|e| plan_error(&shown, e))?,
                ),
            };
            let form = form_of(&shared, &file.rel, &file.text, &doc, json)
                .map_err(|e| plan_error(&shown, e))?;
            subjects.push(PlannedSubject {
                subject: file.subject.clone(),
                source: Source::Shared(file.rel.clone()),
                level: repo.config.compatibility,
                depth: 0,
                versions: vec![planned(1, shown, form, doc)],
            });
        }
        for event in &loaded.events {
            let files = &event.files;
            let mut subject = None;
            let mut versions = Vec::new();
            for (version, file) in event.versions.iter().zip(&files.versions) {
                let doc = version
                    .doc
                    .clone()
                    .map_err(|e| plan_error(&version.file, e))?;
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
                let form = form_of(&shared, &file.rel, &version.text, &doc, json)
                    .map_err(|e| plan_error(&version.file, e))?;
                versions.push(planned(version.number, version.file.clone(), form, doc));
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

/// What the registry is sent for a file whose schema is parsed already (Avro is not parsed again).
fn form_of(
    shared: &SharedFiles,
    rel: &str,
    text: &str,
    doc: &SchemaDoc,
    json: JsonReferences,
) -> Result<RegistrySchema, tidings_schema::registry::RegistryFormError> {
    match doc {
        SchemaDoc::Avro(parsed) => shared.schema_of_parsed(rel, text, parsed, json),
        SchemaDoc::Json(_) => shared.schema(rel, text, json),
    }
}

fn plan_error(file: &str, error: impl fmt::Display) -> PlanError {
    PlanError {
        file: file.to_owned(),
        message: error.to_string(),
    }
}

/// A planned version from what the registry is sent for it.
fn planned(number: u32, file: String, form: RegistrySchema, doc: SchemaDoc) -> PlannedVersion {
    PlannedVersion {
        number,
        file,
        schema: form.text,
        format: form.format,
        bundled: form.bundled,
        references: form
            .references
            .into_iter()
            .map(|r| (r.name, r.subject))
            .collect(),
        doc,
    }
}

/// Every file under a folder starting with `_`, indexed as subjects.
fn shared_files(repo: &Repository) -> Result<SharedFiles, PlanError> {
    let mut texts = Vec::new();
    for rel in repo.files.files.keys() {
        if !is_shared(rel) || !(rel.ends_with(".avsc") || rel.ends_with(".json")) {
            continue;
        }
        let text = repo
            .files
            .read(&repo.project, rel)
            .map_err(|e| plan_error(&repo.files.display(rel), e))?;
        texts.push((rel.clone(), text));
    }
    SharedFiles::new(
        texts
            .iter()
            .map(|(rel, text)| (rel.as_str(), text.as_str())),
    )
    .map_err(|e| plan_error(&repo.files.display(&e.rel), e.message))
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
                format: Format::Avro,
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
}
