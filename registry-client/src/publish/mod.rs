//! The repository against a registry: [`Plan`] (what the repository wants there),
//! [`Snapshot`] (what the registry holds), [`reconcile`] (which versions are published, which
//! are new, what drifted), [`preflight`] (would the registry accept the new ones), [`survey`]
//! (all of that, as `check --registry` and `publish` need it) and [`publish`] (register them,
//! referenced subjects first, all or nothing up front).
//!
//! Concurrency is a bounded number of requests in flight on the caller's task
//! (`for_each`): the work between requests is small, and nothing needs to be cloned into
//! spawned tasks.

mod plan;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::StreamExt;
use serde::Serialize;
use tidings_schema::compat::{check_with, Level, Options};
use tidings_schema::repo::{Diagnostic, Severity};
use tidings_schema::SchemaDoc;
use tokio::sync::OnceCell;

pub use plan::{Plan, PlanError, PlannedSubject, PlannedVersion, Source};

use crate::client::{Client, Compatibility, NewSchema, Reference, SubjectVersion, VersionRef};
use crate::error::Error;
use tidings_schema::form::{registry_form, registry_form_of as canonical};

/// How many requests run at once unless configured.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Runs `f` on every item with at most `limit` futures in flight; results in item order.
async fn for_each<I, T, Fut>(
    limit: usize,
    items: impl IntoIterator<Item = I>,
    f: impl FnMut(I) -> Fut,
) -> Vec<T>
where
    Fut: Future<Output = T>,
{
    futures_util::stream::iter(items)
        .map(f)
        .buffered(limit.max(1))
        .collect()
        .await
}

/// What the registry holds for the plan's subjects: live versions with their schemas.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Versions by subject, oldest first; subjects the registry lacks are absent.
    pub versions: HashMap<String, Vec<SubjectVersion>>,
}

impl Snapshot {
    /// Reads every planned subject: in one request where the registry lists schemas
    /// (`GET /schemas`, Confluent 7+, the local registry), else per subject with at most
    /// `concurrency` requests at once.
    ///
    /// # Errors
    /// A failing or unreachable registry.
    pub async fn fetch(
        client: &Client,
        plan: &Plan,
        concurrency: usize,
    ) -> Result<Snapshot, Error> {
        let wanted: Vec<&str> = plan.subjects.iter().map(|s| s.subject.as_str()).collect();
        let mut versions: HashMap<String, Vec<SubjectVersion>> = HashMap::new();
        if let Some(all) = client.all_versions(common_prefix(&wanted)).await? {
            for v in all {
                if wanted.contains(&v.subject.as_str()) {
                    versions.entry(v.subject.clone()).or_default().push(v);
                }
            }
        } else {
            let found = for_each(concurrency, &wanted, |subject| {
                read_subject(client, subject)
            })
            .await;
            for (subject, list) in wanted.iter().zip(found) {
                let list = list?;
                if !list.is_empty() {
                    versions.insert((*subject).to_owned(), list);
                }
            }
        }
        for list in versions.values_mut() {
            list.sort_by_key(|v| v.version);
        }
        Ok(Snapshot { versions })
    }
}

/// Every live version of one subject, one request each (none for an unknown subject).
async fn read_subject(client: &Client, subject: &str) -> Result<Vec<SubjectVersion>, Error> {
    let numbers = match client.versions(subject, false).await {
        Ok(numbers) => numbers,
        Err(Error::Api(api)) if api.is_subject_not_found() => Vec::new(),
        Err(e) => return Err(e),
    };
    let mut out = Vec::with_capacity(numbers.len());
    for n in numbers {
        out.push(client.version(subject, VersionRef::Number(n)).await?);
    }
    Ok(out)
}

/// The longest prefix all subjects share (so `GET /schemas` returns no more than needed).
fn common_prefix<'a>(subjects: &[&'a str]) -> &'a str {
    let Some(first) = subjects.first() else {
        return "";
    };
    let mut len = first.len();
    for s in &subjects[1..] {
        len = first
            .bytes()
            .zip(s.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    while !first.is_char_boundary(len) {
        len -= 1;
    }
    &first[..len]
}

/// Where a repository version stands in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    /// The registry holds this content as `version`, with `id`.
    Published {
        /// The registry's version number.
        version: u32,
        /// The global id.
        id: u32,
    },
    /// Not in the registry yet.
    New,
}

/// Something to report about the repository and the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `REGISTRY_DRIFT`, `REGISTRY_INCOMPATIBLE`, ...
    pub rule: &'static str,
    /// The subject.
    pub subject: String,
    /// The repository file concerned.
    pub file: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Finding {
    /// The finding in the shape of the repository's findings, so that every output format has
    /// it (the whole file: a registry speaks of subjects, not lines).
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic {
            rule: self.rule.to_owned(),
            severity: Severity::Error,
            file: self.file.clone(),
            line: 1,
            col: 1,
            message: self.message.clone(),
            hint: Some(self.hint.clone()),
        }
    }
}

/// The plan matched against a snapshot.
#[derive(Debug, Clone)]
pub struct Reconciled {
    /// For each planned subject (plan order), the standing of each version.
    pub standings: Vec<Vec<Standing>>,
    /// Registry versions the repository does not have (published content changed or removed).
    pub drift: Vec<Finding>,
}

impl Reconciled {
    /// The summary rows before anything is registered (what `--dry-run` shows).
    pub fn rows(&self, plan: &Plan) -> Vec<Row> {
        subject_rows(plan, self).into_iter().flatten().collect()
    }

    /// How many versions are new.
    pub fn new_versions(&self) -> usize {
        self.standings
            .iter()
            .flatten()
            .filter(|s| **s == Standing::New)
            .count()
    }
}

/// Matches repository versions with registry versions by content (the registry form of
/// [`tidings_schema::form`]: formatting, key order and Avro's equivalent spellings do not count).
pub fn reconcile(plan: &Plan, snapshot: &Snapshot) -> Reconciled {
    let mut standings = Vec::with_capacity(plan.subjects.len());
    let mut drift = Vec::new();
    for subject in &plan.subjects {
        let registered = snapshot
            .versions
            .get(&subject.subject)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let forms: Vec<Option<String>> = registered
            .iter()
            .map(|v| canonical(&v.schema_type, &v.schema).ok())
            .collect();
        let mut matched = vec![false; registered.len()];
        let mut row = Vec::with_capacity(subject.versions.len());
        for version in &subject.versions {
            let form = registry_form(version.format, &version.schema).ok();
            let hit = registered
                .iter()
                .zip(&forms)
                .enumerate()
                .find(|(_, (r, f))| f.is_some() && *f == &form && same_type(r, version));
            row.push(match hit {
                Some((i, (r, _))) => {
                    matched[i] = true;
                    Standing::Published {
                        version: r.version,
                        id: r.id,
                    }
                }
                None => Standing::New,
            });
        }
        for (r, _) in registered.iter().zip(&matched).filter(|(_, m)| !**m) {
            let latest_file = subject
                .versions
                .last()
                .map(|v| v.file.clone())
                .unwrap_or_default();
            drift.push(Finding {
                rule: "REGISTRY_DRIFT",
                subject: subject.subject.clone(),
                file: latest_file,
                message: format!(
                    "the registry has version {} (id {}) of `{}`, and no file of {} has that content: a published version was changed or removed",
                    r.version, r.id, subject.subject, subject.source
                ),
                hint: "restore the published file from git (`tidings check --against <published ref>` shows what changed); changes go in a new version file".into(),
            });
        }
        if let Some(last_published) = row.iter().rposition(|s| *s != Standing::New) {
            if let Some(gap) = row[..last_published]
                .iter()
                .position(|s| *s == Standing::New)
            {
                drift.push(Finding {
                    rule: "REGISTRY_VERSION_GAP",
                    subject: subject.subject.clone(),
                    file: subject.versions[gap].file.clone(),
                    message: format!(
                        "v{} is not in the registry although a later version is: registering it now would make it the latest",
                        subject.versions[gap].number
                    ),
                    hint: "versions are published in order; if it was deleted from the registry on purpose, delete the file too".into(),
                });
            }
        }
        standings.push(row);
    }
    Reconciled { standings, drift }
}

fn same_type(registered: &SubjectVersion, version: &PlannedVersion) -> bool {
    registered.format() == Some(version.format)
}

/// The schema to send for a version, with its references' registry versions.
fn new_schema(
    version: &PlannedVersion,
    reference_versions: &HashMap<String, u32>,
) -> Option<NewSchema> {
    let mut references = Vec::with_capacity(version.references.len());
    for (name, subject) in &version.references {
        references.push(Reference {
            name: name.clone(),
            subject: subject.clone(),
            version: *reference_versions.get(subject)?,
        });
    }
    Some(NewSchema::of(version.format, version.schema.clone()).with_references(references))
}

/// The registry version each shared subject's current content has, where published.
fn published_reference_versions(plan: &Plan, reconciled: &Reconciled) -> HashMap<String, u32> {
    plan.subjects
        .iter()
        .zip(&reconciled.standings)
        .filter_map(|(s, row)| match row.last() {
            Some(Standing::Published { version, .. }) => Some((s.subject.clone(), *version)),
            _ => None,
        })
        .collect()
}

/// The repository against the registry: what it holds, how the files stand, and what stops a
/// publish (drift first, then versions the registry would refuse).
#[derive(Debug, Clone)]
pub struct Survey {
    /// What the registry holds.
    pub snapshot: Snapshot,
    /// Each version's standing.
    pub reconciled: Reconciled,
    /// Drift, then refusals; a publish goes ahead only when this is empty.
    pub findings: Vec<Finding>,
}

/// Reads the registry, reconciles it with the plan and runs [`preflight`]: what `tidings check
/// --registry` reports and what `tidings publish` checks before registering.
///
/// # Errors
/// A failing or unreachable registry.
pub async fn survey(
    client: &Client,
    plan: &Plan,
    options: Options,
    concurrency: usize,
) -> Result<Survey, Error> {
    let snapshot = Snapshot::fetch(client, plan, concurrency).await?;
    let reconciled = reconcile(plan, &snapshot);
    let mut findings = reconciled.drift.clone();
    findings.extend(preflight(client, plan, &snapshot, &reconciled, options, concurrency).await?);
    Ok(Survey {
        snapshot,
        reconciled,
        findings,
    })
}

/// Would the registry accept every new version? For each subject with new versions: the
/// registry's level (its own, else its global one), the registry's own verdict on the first
/// new version where its references are already registered, and tidings' engine on every new
/// version against the ones before it at that level. When the registry says "incompatible"
/// without reasons, the engine's findings explain it.
///
/// # Errors
/// A failing or unreachable registry.
pub async fn preflight(
    client: &Client,
    plan: &Plan,
    snapshot: &Snapshot,
    reconciled: &Reconciled,
    options: Options,
    concurrency: usize,
) -> Result<Vec<Finding>, Error> {
    let references = published_reference_versions(plan, reconciled);
    let global = OnceCell::new();
    let jobs = plan
        .subjects
        .iter()
        .zip(&reconciled.standings)
        .filter_map(|(subject, row)| {
            let exists = snapshot.versions.contains_key(&subject.subject);
            let new = row.iter().filter(|s| **s == Standing::New).count();
            // A subject the registry lacks, with one version to register: nothing to compare.
            (new > 1 || (new == 1 && exists)).then_some((subject, row, exists))
        });
    let results = for_each(concurrency, jobs, |(subject, row, exists)| {
        check_subject(client, subject, row, exists, &references, &global, options)
    })
    .await;
    let mut findings = Vec::new();
    for result in results {
        findings.extend(result?);
    }
    Ok(findings)
}

/// The level the registry applies to `subject`: its own, else the global one (read once).
async fn registry_level(
    client: &Client,
    subject: &str,
    global: &OnceCell<Level>,
) -> Result<Level, Error> {
    if let Some(level) = client.config(Some(subject)).await? {
        return Ok(level);
    }
    let level = global
        .get_or_try_init(|| async {
            // A registry without a global level applies Confluent's default.
            let level = client.config(None).await?;
            Ok::<_, Error>(level.unwrap_or(Level::Backward))
        })
        .await?;
    Ok(*level)
}

/// The new versions of one subject that the registry would refuse.
async fn check_subject(
    client: &Client,
    subject: &PlannedSubject,
    row: &[Standing],
    exists: bool,
    references: &HashMap<String, u32>,
    global: &OnceCell<Level>,
    options: Options,
) -> Result<Vec<Finding>, Error> {
    let level = registry_level(client, &subject.subject, global).await?;
    let docs: Vec<SchemaDoc> = subject.versions.iter().map(|v| v.doc.clone()).collect();
    // The registry can judge the first new version only: later ones follow versions it
    // has not got yet.
    let mut ask_registry = exists;
    let mut findings = Vec::new();
    for (i, (version, standing)) in subject.versions.iter().zip(row).enumerate() {
        if *standing != Standing::New {
            continue;
        }
        let ours: Vec<String> = check_with(&docs[..i], &version.doc, level, options)
            .findings
            .iter()
            .map(|f| format!("{} at {}: {}", f.rule, f.new.path, f.message))
            .collect();
        let verdict = if std::mem::take(&mut ask_registry) {
            match registry_verdict(client, &subject.subject, version, references).await {
                Ok(verdict) => verdict,
                Err(e)
                    if e.api()
                        .is_some_and(|api| api.error_code == JSON_REFERENCES_UNSUPPORTED) =>
                {
                    findings.push(Finding {
                        rule: "REGISTRY_JSON_REFERENCES_UNSUPPORTED",
                        subject: subject.subject.clone(),
                        file: version.file.clone(),
                        message: explain(&e, subject, version),
                        hint:
                            "set `json_references = \"bundle\"` under `[registry]` in tidings.toml"
                                .into(),
                    });
                    continue;
                }
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        let reasons = match verdict {
            Some(v) if v.is_compatible => Vec::new(),
            Some(v) if !v.messages.is_empty() => v.messages,
            Some(_) if ours.is_empty() => vec![
                "the registry gave no reason, and tidings' engine finds none at this level".into(),
            ],
            _ => ours,
        };
        if !reasons.is_empty() {
            findings.push(Finding {
                rule: "REGISTRY_INCOMPATIBLE",
                subject: subject.subject.clone(),
                file: version.file.clone(),
                message: format!(
                    "v{} would be refused by the registry, whose level for `{}` is {level}: {}",
                    version.number,
                    subject.subject,
                    reasons.join("; ")
                ),
                hint: "make the change compatible (a default, an optional field), or agree a new subject for a breaking change".into(),
            });
        }
    }
    Ok(findings)
}

/// The registry's verdict on a version, against all its versions where it can (else the
/// latest); `None` when a schema it refers to is not registered yet.
async fn registry_verdict(
    client: &Client,
    subject: &str,
    version: &PlannedVersion,
    references: &HashMap<String, u32>,
) -> Result<Option<Compatibility>, Error> {
    let Some(schema) = new_schema(version, references) else {
        return Ok(None);
    };
    let verdict = match client
        .test_compatibility_all(subject, &schema, true)
        .await?
    {
        Some(verdict) => verdict,
        None => {
            client
                .test_compatibility(subject, VersionRef::Latest, &schema, true)
                .await?
        }
    };
    Ok(Some(verdict))
}

/// A callback told about each version as it is settled.
pub type Progress = Arc<dyn Fn(&Row) + Send + Sync>;

/// How `publish` runs.
#[derive(Clone)]
pub struct PublishOptions {
    /// Requests at once (default 8).
    pub concurrency: usize,
    /// Before registering, set each subject's level to the configured one where it differs.
    pub set_levels: bool,
    /// Called after each version is registered (or found already there).
    pub progress: Option<Progress>,
}

impl Default for PublishOptions {
    fn default() -> Self {
        PublishOptions {
            concurrency: DEFAULT_CONCURRENCY,
            set_levels: false,
            progress: None,
        }
    }
}

impl std::fmt::Debug for PublishOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublishOptions")
            .field("concurrency", &self.concurrency)
            .field("set_levels", &self.set_levels)
            .finish_non_exhaustive()
    }
}

/// What happened to one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// The registry already held it.
    AlreadyThere {
        /// Registry version.
        version: u32,
        /// Global id.
        id: u32,
    },
    /// Registered now.
    Registered {
        /// Registry version.
        version: u32,
        /// Global id.
        id: u32,
    },
    /// Registered as `id`, but which version it became could not be read back (the registry
    /// failed right after). It is in the registry; the next run finds its version.
    RegisteredUnconfirmed {
        /// Global id.
        id: u32,
        /// Why the version is unknown.
        error: String,
    },
    /// Registering it failed.
    Failed {
        /// Why.
        error: String,
    },
    /// Not tried, because something failed before it.
    NotAttempted,
}

/// One line of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The subject.
    pub subject: String,
    /// The repository file.
    pub file: String,
    /// `N` of `vN`.
    pub repository_version: u32,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The summary of a publish.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublishReport {
    /// One row per version, in plan order.
    pub rows: Vec<Row>,
    /// Levels set before registering: `(subject, level)`.
    pub levels_set: Vec<(String, String)>,
    /// Why the run stopped before registering anything, when it did.
    pub failure: Option<String>,
}

impl PublishReport {
    /// Whether every version is in the registry now.
    pub fn is_complete(&self) -> bool {
        self.failure.is_none()
            && self.rows.iter().all(|r| {
                matches!(
                    r.outcome,
                    Outcome::AlreadyThere { .. }
                        | Outcome::Registered { .. }
                        | Outcome::RegisteredUnconfirmed { .. }
                )
            })
    }

    /// How many versions were registered by this run (with their version read back or not).
    pub fn registered(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| {
                matches!(
                    r.outcome,
                    Outcome::Registered { .. } | Outcome::RegisteredUnconfirmed { .. }
                )
            })
            .count()
    }
}

/// One row per version, per subject: already there, or not attempted yet.
fn subject_rows(plan: &Plan, reconciled: &Reconciled) -> Vec<Vec<Row>> {
    plan.subjects
        .iter()
        .zip(&reconciled.standings)
        .map(|(s, row)| {
            s.versions
                .iter()
                .zip(row)
                .map(|(v, standing)| Row {
                    subject: s.subject.clone(),
                    file: v.file.clone(),
                    repository_version: v.number,
                    outcome: match *standing {
                        Standing::Published { version, id } => {
                            Outcome::AlreadyThere { version, id }
                        }
                        Standing::New => Outcome::NotAttempted,
                    },
                })
                .collect()
        })
        .collect()
}

/// Registers every new version, tier by tier (a subject after those it refers to), subjects of
/// a tier concurrently, each subject's versions in order. The caller has run [`preflight`]
/// and checked that nothing drifted (see [`survey`]). After a failure nothing more is
/// started; in-flight registrations finish, and the report says what was registered and what
/// was not. Running it again completes the job: what is already there is recognised by content.
pub async fn publish(
    client: &Client,
    plan: &Plan,
    reconciled: &Reconciled,
    options: &PublishOptions,
) -> PublishReport {
    let mut report = PublishReport::default();
    let mut rows = subject_rows(plan, reconciled);
    let progress = options.progress.as_deref();
    if let Some(progress) = progress {
        rows.iter()
            .flatten()
            .filter(|r| r.outcome != Outcome::NotAttempted)
            .for_each(progress);
    }
    if options.set_levels {
        match set_levels(client, plan, options.concurrency).await {
            Ok(set) => report.levels_set = set,
            Err(e) => {
                report.failure = Some(format!(
                    "setting compatibility levels failed, so nothing was registered: {e}"
                ));
            }
        }
    }
    let references = Mutex::new(published_reference_versions(plan, reconciled));
    let failed = AtomicBool::new(report.failure.is_some());
    let max_depth = plan.subjects.iter().map(|s| s.depth).max().unwrap_or(0);
    for depth in 0..=max_depth {
        if failed.load(Ordering::SeqCst) {
            break;
        }
        let tier = plan
            .subjects
            .iter()
            .zip(rows.iter_mut())
            .filter(|(s, row)| {
                s.depth == depth && row.iter().any(|r| r.outcome == Outcome::NotAttempted)
            });
        for_each(options.concurrency, tier, |(subject, row)| {
            register_subject(client, subject, row, &references, &failed, progress)
        })
        .await;
    }
    report.rows = rows.into_iter().flatten().collect();
    report
}

/// Registers a subject's new versions in order, until one fails (here or elsewhere).
async fn register_subject(
    client: &Client,
    subject: &PlannedSubject,
    row: &mut [Row],
    references: &Mutex<HashMap<String, u32>>,
    failed: &AtomicBool,
    progress: Option<&(dyn Fn(&Row) + Send + Sync)>,
) {
    for (version, line) in subject.versions.iter().zip(row) {
        if line.outcome != Outcome::NotAttempted {
            continue;
        }
        if failed.load(Ordering::SeqCst) {
            break;
        }
        let schema = new_schema(
            version,
            &references.lock().unwrap_or_else(PoisonError::into_inner),
        );
        line.outcome = match schema {
            None => Outcome::Failed {
                error: "a schema it refers to is not registered".into(),
            },
            Some(schema) => register_one(client, subject, version, &schema).await,
        };
        if let Outcome::Registered { version: v, .. } = line.outcome {
            references
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(subject.subject.clone(), v);
        } else {
            failed.store(true, Ordering::SeqCst);
        }
        if let Some(progress) = progress {
            progress(line);
        }
    }
}

/// Registers a schema, then asks which version it became (the registration answer has only
/// the id).
async fn register_one(
    client: &Client,
    planned: &PlannedSubject,
    version: &PlannedVersion,
    schema: &NewSchema,
) -> Outcome {
    let subject = planned.subject.as_str();
    let id = match client.register(subject, schema, false).await {
        Ok(id) => id,
        Err(e) => {
            return Outcome::Failed {
                error: explain(&e, planned, version),
            }
        }
    };
    match client.lookup(subject, schema, false).await {
        Ok(found) => Outcome::Registered {
            version: found.version,
            id,
        },
        Err(e) => Outcome::RegisteredUnconfirmed {
            id,
            error: format!("its version could not be read back: {e}"),
        },
    }
}

/// Confluent's code for "this registry takes no JSON Schema references" (Karapace).
const JSON_REFERENCES_UNSUPPORTED: u32 = 44302;

/// A registry error as the user needs it: what the registry said, and for a refusal of JSON
/// Schema references, which event and shared files it concerns and the way out.
fn explain(error: &Error, subject: &PlannedSubject, version: &PlannedVersion) -> String {
    match error.api() {
        Some(api) if api.error_code == JSON_REFERENCES_UNSUPPORTED => {
            let shared: Vec<String> = version
                .references
                .iter()
                .map(|(_, subject)| format!("`{subject}`"))
                .collect();
            format!(
                "{error}. This registry does not take JSON Schema references: `{}` v{} ({}) refers to {}. \
                 Set `json_references = \"bundle\"` under `[registry]` in tidings.toml to register JSON \
                 Schema events with their shared files bundled into `$defs`, or use a registry \
                 with JSON Schema references (Confluent 5.5+, Apicurio)",
                subject.source,
                version.number,
                version.file,
                shared.join(", ")
            )
        }
        _ => error.to_string(),
    }
}

/// Sets each subject's level to the configured one where the registry's differs.
async fn set_levels(
    client: &Client,
    plan: &Plan,
    concurrency: usize,
) -> Result<Vec<(String, String)>, Error> {
    let results = for_each(concurrency, &plan.subjects, |subject| async move {
        let level = subject.level;
        if client.config(Some(&subject.subject)).await? == Some(level) {
            return Ok(None);
        }
        client.set_config(Some(&subject.subject), level).await?;
        Ok::<_, Error>(Some((subject.subject.clone(), level.to_string())))
    })
    .await;
    let mut set = Vec::new();
    for result in results {
        set.extend(result?);
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefixes() {
        assert_eq!(
            common_prefix(&["orders.a-value", "orders.b-value"]),
            "orders."
        );
        assert_eq!(common_prefix(&["a"]), "a");
        assert_eq!(common_prefix(&["x", "y"]), "");
        assert_eq!(common_prefix(&[]), "");
        assert_eq!(common_prefix(&["é1", "é2"]), "é");
    }
}
