//! The embedded local registry: Confluent's semantics over a folder (`.tidings/registry/` by
//! default), for laptops, tests and teams without a registry.
//!
//! - global ids, one per distinct schema (canonical form, type and references), never reused;
//! - versions per subject, registration idempotent by canonical form;
//! - compatibility levels (global and per subject) enforced by tidings' own engine;
//! - references between subjects, soft and hard deletes, `deleted=true`;
//! - every change is a record in an append-only log (`log`) shared safely by processes.
//!
//! [`server`] serves it over the Confluent REST API.

mod connections;
mod log;
mod parse;
pub mod server;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tidings_schema::compat::{check_with, is_compatible, Level, Options};
use tidings_schema::SchemaDoc;

use crate::client::Reference;
use crate::error::ApiError;
pub use connections::Limits;
use log::{Access, Log};
use parse::Resolved;

/// The folder the local registry keeps its data in, below the project.
pub const DEFAULT_DATA_DIR: &str = ".tidings/registry";

/// The level of subjects without one, as in Confluent's registry.
const DEFAULT_LEVEL: Level = Level::Backward;

/// How deep references may nest.
const MAX_REFERENCE_DEPTH: usize = 64;

/// One change, as written to the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Record {
    /// A schema got an id.
    Schema {
        id: u32,
        schema_type: String,
        schema: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        references: Vec<Reference>,
    },
    /// A subject got a version.
    Version {
        subject: String,
        version: u32,
        id: u32,
    },
    /// A version was deleted (soft, or for good).
    Delete {
        subject: String,
        version: u32,
        permanent: bool,
    },
    /// A compatibility level was set (`None`: removed); `subject` `None` is the global one.
    Config {
        subject: Option<String>,
        compatibility: Option<Level>,
    },
}

/// What makes two schemas the same schema: type, canonical form, references.
type FormKey = (String, String, Vec<Reference>);

#[derive(Debug)]
struct Stored {
    schema_type: String,
    schema: String,
    references: Vec<Reference>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    version: u32,
    id: u32,
    deleted: bool,
}

/// Everything the log says, replayed.
#[derive(Debug, Default)]
struct State {
    schemas: BTreeMap<u32, Stored>,
    ids_by_form: HashMap<FormKey, u32>,
    subjects: BTreeMap<String, Vec<Entry>>,
    global: Option<Level>,
    levels: HashMap<String, Level>,
}

/// The largest schema id and version number: Confluent's are 32-bit signed integers.
const MAX_ID: u32 = i32::MAX as u32;

impl State {
    /// Takes one record of the log; a record the log cannot hold is refused (a hand-edited id
    /// past [`MAX_ID`] would make later ids wrap, and a version return another schema).
    fn apply(&mut self, record: Record) -> Result<(), String> {
        let (id, version) = match &record {
            Record::Schema { id, .. } => (Some(*id), None),
            Record::Version { id, version, .. } => (Some(*id), Some(*version)),
            Record::Delete { version, .. } => (None, Some(*version)),
            Record::Config { .. } => (None, None),
        };
        if let Some(id) = id.filter(|id| !(1..=MAX_ID).contains(id)) {
            return Err(format!("schema id {id} is outside 1..={MAX_ID}"));
        }
        if let Some(version) = version.filter(|v| !(1..=MAX_ID).contains(v)) {
            return Err(format!("version {version} is outside 1..={MAX_ID}"));
        }
        self.take(record);
        Ok(())
    }

    fn take(&mut self, record: Record) {
        match record {
            Record::Schema {
                id,
                schema_type,
                schema,
                references,
            } => {
                let form = tidings_schema::form::registry_form_of(&schema_type, &schema)
                    .unwrap_or_else(|_| schema.clone());
                self.ids_by_form
                    .insert((schema_type.clone(), form, references.clone()), id);
                self.schemas.insert(
                    id,
                    Stored {
                        schema_type,
                        schema,
                        references,
                    },
                );
            }
            Record::Version {
                subject,
                version,
                id,
            } => self.subjects.entry(subject).or_default().push(Entry {
                version,
                id,
                deleted: false,
            }),
            Record::Delete {
                subject,
                version,
                permanent,
            } => {
                if let Some(entries) = self.subjects.get_mut(&subject) {
                    if permanent {
                        entries.retain(|e| e.version != version);
                        if entries.is_empty() {
                            self.subjects.remove(&subject);
                        }
                    } else if let Some(e) = entries.iter_mut().find(|e| e.version == version) {
                        e.deleted = true;
                    }
                }
            }
            Record::Config {
                subject: None,
                compatibility,
            } => self.global = compatibility,
            Record::Config {
                subject: Some(subject),
                compatibility,
            } => {
                match compatibility {
                    Some(level) => self.levels.insert(subject, level),
                    None => self.levels.remove(&subject),
                };
            }
        }
    }

    fn level_of(&self, subject: &str) -> Level {
        self.levels
            .get(subject)
            .copied()
            .or(self.global)
            .unwrap_or(DEFAULT_LEVEL)
    }

    /// The subject's versions (soft-deleted ones too with `deleted_too`); none for an unknown
    /// subject.
    fn versions_of(&self, subject: &str, deleted_too: bool) -> Vec<Entry> {
        self.subjects
            .get(subject)
            .map(|all| {
                all.iter()
                    .filter(|e| deleted_too || !e.deleted)
                    .copied()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// As [`State::versions_of`], but an unknown (or emptied) subject is 40401.
    fn entries(&self, subject: &str, deleted_too: bool) -> Result<Vec<Entry>, ApiError> {
        let entries = self.versions_of(subject, deleted_too);
        if entries.is_empty() {
            return Err(subject_not_found(subject));
        }
        Ok(entries)
    }

    fn entry(&self, subject: &str, version: &str, deleted_too: bool) -> Result<Entry, ApiError> {
        let wanted = parse_version(version)?;
        let entries = self.entries(subject, deleted_too)?;
        let found = match wanted {
            None => entries
                .iter()
                .filter(|e| !e.deleted)
                .max_by_key(|e| e.version),
            Some(n) => entries.iter().find(|e| e.version == n),
        };
        found.copied().ok_or_else(|| {
            error(
                404,
                40402,
                format!("Version {} not found.", wanted.map_or(-1, i64::from)),
            )
        })
    }

    /// The schema of an id with its references, resolved recursively.
    fn resolved(&self, id: u32, depth: usize) -> Result<Rc<Resolved<'_>>, ApiError> {
        self.resolved_once(id, depth, &mut HashMap::new())
    }

    /// As [`State::resolved`], each id resolved once per request (`memo`): a schema reached
    /// along many paths (`dL` refers twice to `dL-1`, which refers twice to ...) is shared, not
    /// resolved once per path.
    fn resolved_once<'a>(
        &'a self,
        id: u32,
        depth: usize,
        memo: &mut HashMap<u32, Rc<Resolved<'a>>>,
    ) -> Result<Rc<Resolved<'a>>, ApiError> {
        if let Some(done) = memo.get(&id) {
            return Ok(done.clone());
        }
        let stored = self.schemas.get(&id).ok_or_else(schema_not_found)?;
        let resolved = Rc::new(self.resolve_once(
            &stored.schema_type,
            &stored.schema,
            &stored.references,
            depth,
            memo,
        )?);
        memo.insert(id, resolved.clone());
        Ok(resolved)
    }

    fn resolve<'a>(
        &'a self,
        schema_type: &'a str,
        text: &'a str,
        references: &'a [Reference],
        depth: usize,
    ) -> Result<Resolved<'a>, ApiError> {
        self.resolve_once(schema_type, text, references, depth, &mut HashMap::new())
    }

    fn resolve_once<'a>(
        &'a self,
        schema_type: &'a str,
        text: &'a str,
        references: &'a [Reference],
        depth: usize,
        memo: &mut HashMap<u32, Rc<Resolved<'a>>>,
    ) -> Result<Resolved<'a>, ApiError> {
        if depth > MAX_REFERENCE_DEPTH {
            return Err(invalid(
                schema_type,
                format!("references nest deeper than {MAX_REFERENCE_DEPTH} levels"),
            ));
        }
        let mut resolved = Vec::with_capacity(references.len());
        for reference in references {
            let entry = self
                .entry(&reference.subject, &reference.version.to_string(), true)
                .map_err(|_| {
                    invalid(
                        schema_type,
                        format!(
                            "reference `{}` names subject `{}` version {}, which does not exist; register it first",
                            reference.name, reference.subject, reference.version
                        ),
                    )
                })?;
            resolved.push((
                reference.name.as_str(),
                self.resolved_once(entry.id, depth + 1, memo)?,
            ));
        }
        Ok(Resolved {
            schema_type,
            text,
            references: resolved,
        })
    }

    fn parsed(&self, subject: &str, id: u32) -> Result<SchemaDoc, ApiError> {
        let resolved = self.resolved(id, 0)?;
        parse::parse(subject, &resolved).map_err(|e| invalid(resolved.schema_type, e))
    }
}

/// A schema in a request body (`POST /subjects/{s}/versions` and friends).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaRequest {
    /// The schema text.
    pub schema: String,
    /// `AVRO` (default) or `JSON`.
    #[serde(default)]
    pub schema_type: Option<String>,
    /// Its references.
    #[serde(default)]
    pub references: Vec<Reference>,
}

impl SchemaRequest {
    fn schema_type(&self) -> String {
        self.schema_type.as_deref().unwrap_or("AVRO").to_owned()
    }
}

/// A schema checked and ready to be compared or stored.
struct Candidate {
    key: FormKey,
    doc: SchemaDoc,
}

/// The embedded local registry over one data folder.
#[derive(Debug)]
pub struct LocalRegistry {
    log: Log,
    state: State,
    options: Options,
}

/// An answer of the local registry: a JSON body, or the API error Confluent would give.
pub type Answer = Result<Value, ApiError>;

impl LocalRegistry {
    /// Opens the registry in `dir`, creating it when needed, and replays its log.
    ///
    /// # Errors
    /// The folder cannot be created or read, or its log is damaged.
    pub fn open(dir: &Path) -> std::io::Result<LocalRegistry> {
        let mut registry = LocalRegistry {
            log: Log::open(dir)?,
            state: State::default(),
            options: Options::default(),
        };
        registry.read(|_| Ok(Value::Null))?.ok();
        Ok(registry)
    }

    /// The JSON Schema policy compatibility checks use.
    pub fn with_options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// The log file (for messages).
    pub fn data_file(&self) -> &Path {
        self.log.path()
    }

    fn read(&mut self, f: impl FnOnce(&State) -> Answer) -> std::io::Result<Answer> {
        self.locked(Access::Read, |state| Ok((Vec::new(), f(state)?)))
    }

    fn write(
        &mut self,
        f: impl FnOnce(&mut State) -> Result<(Vec<Record>, Value), ApiError>,
    ) -> std::io::Result<Answer> {
        self.locked(Access::Write, f)
    }

    /// Runs `f` under the log's lock on a state that has caught up with every process; the
    /// records it returns are appended (writes only) and applied.
    fn locked(
        &mut self,
        access: Access,
        f: impl FnOnce(&mut State) -> Result<(Vec<Record>, Value), ApiError>,
    ) -> std::io::Result<Answer> {
        // The log hands records over while it holds the lock, before and after `f`; both
        // closures need the state, one at a time.
        let state = std::cell::RefCell::new(&mut self.state);
        self.log.with_lock(
            access,
            |record: Record| state.borrow_mut().apply(record),
            || f(&mut state.borrow_mut()),
        )
    }

    /// `GET /subjects`.
    pub fn subjects(&mut self, deleted_too: bool) -> std::io::Result<Answer> {
        self.read(|state| {
            Ok(json!(state
                .subjects
                .iter()
                .filter(|(_, entries)| deleted_too || entries.iter().any(|e| !e.deleted))
                .map(|(subject, _)| subject)
                .collect::<Vec<_>>()))
        })
    }

    /// `GET /schemas?subjectPrefix=P&latestOnly=B&deleted=B`: versions with their schemas.
    pub fn all_versions(
        &mut self,
        subject_prefix: &str,
        latest_only: bool,
        deleted_too: bool,
    ) -> std::io::Result<Answer> {
        self.read(|state| {
            let mut out = Vec::new();
            for (subject, entries) in state.subjects.range(subject_prefix.to_owned()..) {
                if !subject.starts_with(subject_prefix) {
                    break;
                }
                let mut chosen: Vec<Entry> = entries
                    .iter()
                    .filter(|e| deleted_too || !e.deleted)
                    .copied()
                    .collect();
                chosen.sort_by_key(|e| e.version);
                if latest_only {
                    chosen = chosen.pop().into_iter().collect();
                }
                for entry in chosen {
                    out.push(describe(state, subject, entry)?);
                }
            }
            Ok(Value::Array(out))
        })
    }

    /// `GET /subjects/{subject}/versions`.
    pub fn versions(&mut self, subject: &str, deleted_too: bool) -> std::io::Result<Answer> {
        self.read(|state| {
            let mut versions: Vec<u32> = state
                .entries(subject, deleted_too)?
                .iter()
                .map(|e| e.version)
                .collect();
            versions.sort_unstable();
            Ok(json!(versions))
        })
    }

    /// `GET /subjects/{subject}/versions/{version}` (`schema_only`: `.../schema`).
    pub fn version(
        &mut self,
        subject: &str,
        version: &str,
        deleted_too: bool,
        schema_only: bool,
    ) -> std::io::Result<Answer> {
        self.read(|state| {
            let entry = state.entry(subject, version, deleted_too)?;
            if schema_only {
                let stored = state.schemas.get(&entry.id).ok_or_else(schema_not_found)?;
                return serde_json::from_str(&stored.schema)
                    .map_err(|e| error(500, 50001, e.to_string()));
            }
            describe(state, subject, entry)
        })
    }

    /// `POST /subjects/{subject}/versions`: registers and returns `{"id": N}`.
    pub fn register(&mut self, subject: &str, request: &SchemaRequest) -> std::io::Result<Answer> {
        let options = self.options;
        self.write(|state| {
            let candidate = candidate(state, subject, request)?;
            let live = state.versions_of(subject, false);
            let existing_id = state.ids_by_form.get(&candidate.key).copied();
            if let Some(id) = existing_id {
                if live.iter().any(|e| e.id == id) {
                    return Ok((Vec::new(), json!({ "id": id })));
                }
            }
            let level = state.level_of(subject);
            let against = compared(live, level, false);
            let report = compare(state, subject, &against, &candidate.doc, level, options)?;
            if !report.is_empty() {
                return Err(error(
                    409,
                    409,
                    format!(
                        "Schema being registered is incompatible with an earlier schema for subject \"{subject}\" at level {level}; details: [{}]",
                        report.join("; ")
                    ),
                ));
            }
            let mut records = Vec::new();
            let id = match existing_id {
                Some(id) => id,
                None => {
                    let id = state.schemas.keys().next_back().map_or(1, |max| max + 1);
                    if id > MAX_ID {
                        return Err(error(
                            500,
                            50001,
                            format!("the registry has handed out every schema id up to {MAX_ID}"),
                        ));
                    }
                    records.push(Record::Schema {
                        id,
                        schema_type: candidate.key.0,
                        schema: request.schema.clone(),
                        references: request.references.clone(),
                    });
                    id
                }
            };
            let version = state
                .versions_of(subject, true)
                .iter()
                .map(|e| e.version)
                .max()
                .unwrap_or(0)
                + 1;
            if version > MAX_ID {
                return Err(error(
                    500,
                    50001,
                    format!("subject `{subject}` has every version up to {MAX_ID}"),
                ));
            }
            records.push(Record::Version {
                subject: subject.to_owned(),
                version,
                id,
            });
            Ok((records, json!({ "id": id })))
        })
    }

    /// `POST /subjects/{subject}`: the version of `subject` that holds the schema.
    pub fn lookup(
        &mut self,
        subject: &str,
        request: &SchemaRequest,
        deleted_too: bool,
    ) -> std::io::Result<Answer> {
        self.read(|state| {
            let entries = state.entries(subject, deleted_too)?;
            let candidate = candidate(state, subject, request)?;
            let id = state.ids_by_form.get(&candidate.key).copied();
            let entry = entries
                .iter()
                .filter(|e| Some(e.id) == id)
                .max_by_key(|e| e.version)
                .ok_or_else(schema_not_found)?;
            describe(state, subject, *entry)
        })
    }

    /// `GET /schemas/ids/{id}`.
    pub fn schema_by_id(&mut self, id: u32) -> std::io::Result<Answer> {
        self.read(|state| {
            let stored = state.schemas.get(&id).ok_or_else(schema_not_found)?;
            let mut body = json!({ "schema": stored.schema });
            decorate(&mut body, stored);
            Ok(body)
        })
    }

    /// `GET /schemas/ids/{id}/versions` (soft-deleted versions too with `deleted_too`).
    pub fn id_versions(&mut self, id: u32, deleted_too: bool) -> std::io::Result<Answer> {
        self.read(|state| {
            if !state.schemas.contains_key(&id) {
                return Err(schema_not_found());
            }
            Ok(json!(state
                .subjects
                .iter()
                .flat_map(|(subject, entries)| entries
                    .iter()
                    .filter(move |e| e.id == id && (deleted_too || !e.deleted))
                    .map(move |e| json!({ "subject": subject, "version": e.version })))
                .collect::<Vec<_>>()))
        })
    }

    /// `POST /compatibility/subjects/{subject}/versions[/{version}]`: `version` `None` checks
    /// every live version, whatever the level says.
    pub fn test_compatibility(
        &mut self,
        subject: &str,
        version: Option<&str>,
        request: &SchemaRequest,
        verbose: bool,
    ) -> std::io::Result<Answer> {
        let options = self.options;
        self.read(|state| {
            let level = state.level_of(subject);
            let live = state.versions_of(subject, false);
            let against: Vec<Entry> = match version {
                None => live,
                // Confluent: `latest` of a subject with nothing in it is compatible.
                Some(v) if live.is_empty() && parse_version(v)?.is_none() => Vec::new(),
                Some(v) => vec![state.entry(subject, v, false)?],
            };
            let candidate = candidate(state, subject, request)?;
            let against = compared(against, level, version.is_none());
            if !verbose {
                // The verdict alone: stop at the first problem, write no messages.
                for entry in &against {
                    let old = state.parsed(subject, entry.id)?;
                    let old = std::slice::from_ref(&old);
                    if !is_compatible(old, &candidate.doc, level, options) {
                        return Ok(json!({ "is_compatible": false }));
                    }
                }
                return Ok(json!({ "is_compatible": true }));
            }
            let messages = compare(state, subject, &against, &candidate.doc, level, options)?;
            let mut body = json!({ "is_compatible": messages.is_empty() });
            if !messages.is_empty() {
                body["messages"] = json!(messages);
            }
            Ok(body)
        })
    }

    /// `GET /config[/{subject}]`: `{"compatibilityLevel": L}`; 40408 for a subject without a
    /// level of its own unless `default_to_global`.
    pub fn config(
        &mut self,
        subject: Option<&str>,
        default_to_global: bool,
    ) -> std::io::Result<Answer> {
        self.read(|state| {
            let level = match subject {
                None => state.global.unwrap_or(DEFAULT_LEVEL),
                Some(s) => match state.levels.get(s) {
                    Some(level) => *level,
                    None if default_to_global => state.level_of(s),
                    None => {
                        return Err(error(
                            404,
                            40408,
                            format!(
                            "Subject '{s}' does not have subject-level compatibility configured"
                        ),
                        ))
                    }
                },
            };
            Ok(json!({ "compatibilityLevel": level }))
        })
    }

    /// `PUT /config[/{subject}]` with `{"compatibility": L}`.
    pub fn set_config(&mut self, subject: Option<&str>, level: &str) -> std::io::Result<Answer> {
        self.write(|_| {
            let level: Level = level
                .parse()
                .map_err(|_| error(422, 42203, "Invalid compatibility level".into()))?;
            Ok((
                vec![Record::Config {
                    subject: subject.map(str::to_owned),
                    compatibility: Some(level),
                }],
                json!({ "compatibility": level }),
            ))
        })
    }

    /// `DELETE /config/{subject}`: back to the global level; answers the level it had.
    pub fn delete_config(&mut self, subject: &str) -> std::io::Result<Answer> {
        self.write(|state| {
            let Some(level) = state.levels.get(subject).copied() else {
                return Err(subject_not_found(subject));
            };
            Ok((
                vec![Record::Config {
                    subject: Some(subject.to_owned()),
                    compatibility: None,
                }],
                json!({ "compatibility": level }),
            ))
        })
    }

    /// `DELETE /subjects/{subject}`: soft (then hard, with `permanent`) deletion of every
    /// version; answers the versions deleted.
    pub fn delete_subject(&mut self, subject: &str, permanent: bool) -> std::io::Result<Answer> {
        self.write(|state| {
            let entries = state.entries(subject, true)?;
            if !permanent && entries.iter().all(|e| e.deleted) {
                return Err(error(404, 40404, format!("Subject '{subject}' was soft deleted. Set permanent=true to delete permanently")));
            }
            if permanent && entries.iter().any(|e| !e.deleted) {
                return Err(error(404, 40405, format!("Subject '{subject}' was not deleted first before being permanently deleted")));
            }
            for entry in &entries {
                refuse_if_referenced(state, subject, entry.version)?;
            }
            let chosen: Vec<&Entry> = entries.iter().filter(|e| permanent || !e.deleted).collect();
            let versions: Vec<u32> = chosen.iter().map(|e| e.version).collect();
            let records = chosen
                .into_iter()
                .map(|e| Record::Delete {
                    subject: subject.to_owned(),
                    version: e.version,
                    permanent,
                })
                .collect();
            Ok((records, json!(versions)))
        })
    }

    /// `DELETE /subjects/{subject}/versions/{version}`.
    pub fn delete_version(
        &mut self,
        subject: &str,
        version: &str,
        permanent: bool,
    ) -> std::io::Result<Answer> {
        self.write(|state| {
            let entry = state.entry(subject, version, true)?;
            if !permanent && entry.deleted {
                return Err(error(404, 40406, format!("Subject '{subject}' Version {} was soft deleted. Set permanent=true to delete permanently", entry.version)));
            }
            if permanent && !entry.deleted {
                return Err(error(404, 40407, format!("Subject '{subject}' Version {} was not deleted first before being permanently deleted", entry.version)));
            }
            refuse_if_referenced(state, subject, entry.version)?;
            Ok((
                vec![Record::Delete {
                    subject: subject.to_owned(),
                    version: entry.version,
                    permanent,
                }],
                json!(entry.version),
            ))
        })
    }

    /// `GET /subjects/{subject}/versions/{version}/referencedby`.
    pub fn referenced_by(&mut self, subject: &str, version: &str) -> std::io::Result<Answer> {
        self.read(|state| {
            let entry = state.entry(subject, version, false)?;
            Ok(json!(referrers(state, subject, entry.version)))
        })
    }
}

/// Parses a request's schema (with its references) into a candidate.
fn candidate(state: &State, subject: &str, request: &SchemaRequest) -> Result<Candidate, ApiError> {
    let schema_type = request.schema_type();
    if !matches!(schema_type.as_str(), "AVRO" | "JSON") {
        return Err(invalid(
            &schema_type,
            format!("schema type `{schema_type}` is not supported here: use AVRO or JSON"),
        ));
    }
    let form = tidings_schema::form::registry_form_of(&schema_type, &request.schema)
        .map_err(|e| invalid(&schema_type, e))?;
    let resolved = state.resolve(&schema_type, &request.schema, &request.references, 0)?;
    let doc = parse::parse(subject, &resolved).map_err(|e| invalid(&schema_type, e))?;
    Ok(Candidate {
        key: (schema_type, form, request.references.clone()),
        doc,
    })
}

/// The versions a check at `level` compares with: every one for a transitive level or with
/// `all_versions`, else the latest; oldest first.
fn compared(mut against: Vec<Entry>, level: Level, all_versions: bool) -> Vec<Entry> {
    against.sort_by_key(|e| e.version);
    if !(level.is_transitive() || all_versions) {
        against = against.pop().into_iter().collect();
    }
    against
}

/// The findings of `doc` against each of `against` at `level`, as messages.
fn compare(
    state: &State,
    subject: &str,
    against: &[Entry],
    doc: &SchemaDoc,
    level: Level,
    options: Options,
) -> Result<Vec<String>, ApiError> {
    let mut messages = Vec::new();
    // `check_with` reads a non-transitive level as "the latest only": ask it pair by pair so
    // that an explicit list of versions is honoured.
    for entry in against {
        let old = state.parsed(subject, entry.id)?;
        let report = check_with(std::slice::from_ref(&old), doc, level, options);
        for finding in report.findings {
            messages.push(format!(
                "{} against version {} ({:?}) at {}: {}",
                finding.rule, entry.version, finding.direction, finding.new.path, finding.message
            ));
        }
    }
    Ok(messages)
}

/// `{"subject", "version", "id", "schema", "schemaType"?, "references"?}`.
fn describe(state: &State, subject: &str, entry: Entry) -> Answer {
    let stored = state.schemas.get(&entry.id).ok_or_else(schema_not_found)?;
    let mut body = json!({
        "subject": subject,
        "version": entry.version,
        "id": entry.id,
        "schema": stored.schema,
    });
    decorate(&mut body, stored);
    Ok(body)
}

/// Confluent leaves `schemaType` out for Avro, and `references` out when there are none.
fn decorate(body: &mut Value, stored: &Stored) {
    if stored.schema_type != "AVRO" {
        body["schemaType"] = json!(stored.schema_type);
    }
    if !stored.references.is_empty() {
        body["references"] = json!(stored.references);
    }
}

fn referrers(state: &State, subject: &str, version: u32) -> Vec<u32> {
    let mut ids: Vec<u32> = state
        .subjects
        .values()
        .flatten()
        .filter(|e| {
            state.schemas.get(&e.id).is_some_and(|s| {
                s.references
                    .iter()
                    .any(|r| r.subject == subject && r.version == version)
            })
        })
        .map(|e| e.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn refuse_if_referenced(state: &State, subject: &str, version: u32) -> Result<(), ApiError> {
    if referrers(state, subject, version).is_empty() {
        Ok(())
    } else {
        Err(error(
            422,
            42206,
            format!("One or more references exist to the schema {{subject={subject},version={version}}}."),
        ))
    }
}

/// `latest` (or `-1`) → `None`; a number from 1 to 2^31-1 → `Some`; anything else 42202.
fn parse_version(text: &str) -> Result<Option<u32>, ApiError> {
    if text == "latest" || text == "-1" {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) if (1..=i32::MAX as u32).contains(&n) => Ok(Some(n)),
        _ => Err(error(
            422,
            42202,
            format!("The specified version '{text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""),
        )),
    }
}

pub(crate) fn error(status: u16, error_code: u32, message: String) -> ApiError {
    ApiError {
        status,
        error_code,
        message,
        raw_body: None,
    }
}

fn subject_not_found(subject: &str) -> ApiError {
    error(404, 40401, format!("Subject '{subject}' not found."))
}

fn schema_not_found() -> ApiError {
    error(404, 40403, "Schema not found".into())
}

fn invalid(schema_type: &str, why: String) -> ApiError {
    error(
        422,
        42201,
        format!("Invalid {schema_type} schema. Error: {why}"),
    )
}
