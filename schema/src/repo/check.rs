//! `tidings check`: every version of every event against the versions before it, at the event's
//! level; and, against a baseline (a git revision), published versions that changed or vanished.

use std::collections::HashMap;

use super::lint::Linter;
use super::{Diagnostic, EventFiles, LoadedEvent, LoadedRepository, Repository, Severity};
use crate::compat::{check_with, Options};
use crate::error::SchemaError;
use crate::source::{self, Node, Pos, Value};
use crate::SchemaDoc;

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Findings, by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Events looked at.
    pub events: usize,
    /// Version pairs compared.
    pub comparisons: usize,
}

impl CheckReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Checks every event. With a `baseline`, versions that exist there are published: they must
/// be unchanged and present, and later versions are checked against their published content.
pub fn check(
    repo: &Repository,
    current: &LoadedRepository,
    baseline: Option<(&str, &LoadedRepository)>,
) -> CheckReport {
    let mut report = CheckReport::default();
    let published_events: HashMap<String, &LoadedEvent> = baseline
        .map(|(_, b)| b.events.iter().map(|e| (e.files.key(), e)).collect())
        .unwrap_or_default();
    for event in &current.events {
        let published = published_events.get(&event.files.key()).copied();
        check_event(repo, event, published, &mut report);
    }
    if let Some((rev, baseline)) = baseline {
        let current_events: HashMap<String, &LoadedEvent> =
            current.events.iter().map(|e| (e.files.key(), e)).collect();
        for old in &baseline.events {
            let now = current_events.get(&old.files.key()).copied();
            compare_published(rev, old, now, &mut report.diagnostics);
        }
    }
    sort(&mut report.diagnostics);
    report
}

/// What [`check_streamed`] found: the check (and lint) report, and the schemas that could not
/// be read (when there are any, the report is incomplete: those events were not checked).
#[derive(Debug, Default)]
pub struct StreamedCheck {
    /// Findings of the check and, when asked, of the lint rules, in file order.
    pub report: CheckReport,
    /// Every schema of the working tree (or the repository checked) that could not be read.
    pub schema_errors: Vec<SchemaError>,
}

/// [`check`] and, with `lint`, [`super::lint::lint`], one event at a time: each event is
/// parsed, checked, linted and dropped before the next, so that memory holds one event's
/// schemas, whatever the size of the repository. The findings are those of the two passes.
pub fn check_streamed(
    repo: &Repository,
    baseline: Option<(&str, &Repository)>,
    lint: bool,
) -> StreamedCheck {
    let loader = repo.loader();
    let old_loader = baseline.map(|(_, old)| old.loader());
    // The baseline's own unreadable files are not errors of this tree: a version that cannot
    // be read there is compared as it is here.
    let mut schema_errors = loader.errors.clone();
    let mut linter = lint.then(|| Linter::new(repo));
    let mut report = CheckReport::default();
    let published_files: HashMap<String, &EventFiles> = baseline
        .map(|(_, old)| old.events.iter().map(|e| (e.key(), e)).collect())
        .unwrap_or_default();
    for files in &repo.events {
        let event = loader.event(files);
        collect_errors(&event, &mut schema_errors);
        let published = match (&old_loader, published_files.get(&files.key())) {
            (Some(old), Some(old_files)) => Some(old.event(old_files)),
            _ => None,
        };
        check_event(repo, &event, published.as_ref(), &mut report);
        if let (Some((rev, _)), Some(published)) = (baseline, &published) {
            compare_published(rev, published, Some(&event), &mut report.diagnostics);
        }
        if let Some(linter) = &mut linter {
            linter.event(&event);
        }
    }
    if let (Some((rev, old)), Some(old_loader)) = (baseline, &old_loader) {
        let current: std::collections::HashSet<String> =
            repo.events.iter().map(EventFiles::key).collect();
        for gone in old.events.iter().filter(|e| !current.contains(&e.key())) {
            let published = old_loader.event(gone);
            compare_published(rev, &published, None, &mut report.diagnostics);
        }
    }
    sort(&mut report.diagnostics);
    if let Some(linter) = linter {
        merge_lint(&mut report, linter.finish());
    }
    StreamedCheck {
        report,
        schema_errors,
    }
}

/// The repository's whole gate on a loaded repository: [`check`] and, with `lint`, the lint
/// rules, as [`check_streamed`] runs them one event at a time. What `tidings check --registry`
/// and `tidings publish` run before they ask a registry.
pub fn gate(
    repo: &Repository,
    loaded: &LoadedRepository,
    baseline: Option<(&str, &LoadedRepository)>,
    lint: bool,
) -> CheckReport {
    let mut report = check(repo, loaded, baseline);
    if lint {
        merge_lint(&mut report, super::lint::lint(repo, loaded));
    }
    report
}

/// The order `tidings check` has always printed: the check's findings sorted, then the lint
/// findings merged in by position (a check finding first where both are at one place).
fn merge_lint(report: &mut CheckReport, lint: super::lint::LintReport) {
    report.diagnostics.extend(lint.diagnostics);
    report
        .diagnostics
        .sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
}

fn collect_errors(event: &LoadedEvent, out: &mut Vec<SchemaError>) {
    out.extend(
        event
            .versions
            .iter()
            .filter_map(|v| v.doc.as_ref().err().cloned()),
    );
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics
        .sort_by(|a, b| (&a.file, a.line, a.col, &a.rule).cmp(&(&b.file, b.line, b.col, &b.rule)));
}

/// Each version of `event` against the ones before it, at the event's level; the published
/// content (from the baseline) stands for a version that was published.
fn check_event(
    repo: &Repository,
    event: &LoadedEvent,
    published: Option<&LoadedEvent>,
    report: &mut CheckReport,
) {
    report.events += 1;
    let options = Options {
        policy: repo.config.policy,
    };
    // A version that cannot be read is reported as an error elsewhere; its event is not checked.
    let Some(docs) = event
        .versions
        .iter()
        .map(|v| v.doc.as_ref().ok())
        .collect::<Option<Vec<&SchemaDoc>>>()
    else {
        return;
    };
    let level = repo.config.level_of(&event.files.key());
    for (k, new) in docs.iter().enumerate().skip(1) {
        let previous: Vec<&SchemaDoc> = (0..k)
            .map(|j| published_doc(published, event.versions[j].number).unwrap_or(docs[j]))
            .collect();
        report.comparisons += previous.len();
        let found = check_with(&previous, new, level, options);
        for f in found.findings {
            report.diagnostics.push(Diagnostic {
                rule: f.rule,
                severity: Severity::Error,
                file: f.new.file,
                line: f.new.line,
                col: f.new.col,
                message: format!(
                    "v{} is not {level} compatible: {}",
                    event.versions[k].number, f.message
                ),
                hint: Some(f.hint),
            });
        }
    }
}

fn published_doc(published: Option<&LoadedEvent>, number: u32) -> Option<&SchemaDoc> {
    published?
        .versions
        .iter()
        .find(|v| v.number == number)?
        .doc
        .as_ref()
        .ok()
}

/// Published versions must stay as they were: compared as JSON, so formatting and key order do
/// not count, but every attribute does (a registry would see a new schema).
fn compare_published(
    rev: &str,
    old: &LoadedEvent,
    now: Option<&LoadedEvent>,
    out: &mut Vec<Diagnostic>,
) {
    for version in &old.versions {
        let key = old.files.key();
        let Some(current) =
            now.and_then(|e| e.versions.iter().find(|v| v.number == version.number))
        else {
            out.push(Diagnostic {
                rule: "PUBLISHED_VERSION_REMOVED".into(),
                severity: Severity::Error,
                file: version.file.clone(),
                line: 1,
                col: 1,
                message: format!("v{} of `{key}` was published at `{rev}` and has been removed: consumers may still read data written with it", version.number),
                hint: Some(format!("restore `{}`; published versions are immutable", version.file.split_once(':').map_or(version.file.as_str(), |(_, p)| p))),
            });
            continue;
        };
        let (Ok(before), Ok(after)) = (source::parse(&version.text), source::parse(&current.text))
        else {
            continue;
        };
        if before.to_json() != after.to_json() {
            let pos = first_difference(&before, &after);
            out.push(Diagnostic {
                rule: "PUBLISHED_VERSION_CHANGED".into(),
                severity: Severity::Error,
                file: current.file.clone(),
                line: pos.line,
                col: pos.col,
                message: format!("v{} of `{key}` was published at `{rev}` and has changed: producers and consumers already use the published text", version.number),
                hint: Some(format!("revert it, and make the change in a new version (v{})", next_version(now))),
            });
        }
    }
}

fn next_version(event: Option<&LoadedEvent>) -> u32 {
    event
        .and_then(|e| e.versions.last())
        .map_or(1, |v| v.number + 1)
}

/// Where `after` first differs from `before`, in `after`'s file.
fn first_difference(before: &Node, after: &Node) -> Pos {
    match (&before.value, &after.value) {
        (Value::Object(b), Value::Object(a)) => {
            for member in a {
                match b.iter().find(|m| m.key == member.key) {
                    None => return member.key_pos,
                    Some(old) if old.value.to_json() != member.value.to_json() => {
                        return first_difference(&old.value, &member.value)
                    }
                    Some(_) => {}
                }
            }
            after.pos
        }
        (Value::Array(b), Value::Array(a)) => {
            for (old, new) in b.iter().zip(a) {
                if old.to_json() != new.to_json() {
                    return first_difference(old, new);
                }
            }
            a.get(b.len()).map_or(after.pos, |n| n.pos)
        }
        _ => after.pos,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;
    use crate::repo::lint;

    /// Writes `text` at `rel` below `dir`, making the folders.
    pub(crate) fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    const V1: &str = r#"{"type": "record", "name": "OrderPaid", "doc": "Paid.", "fields": [{"name": "id", "type": "string", "doc": "Which."}]}"#;

    /// One event at a time finds exactly what the two whole-repository passes find, in the
    /// same order: incompatible versions, lint findings, a published version edited in place and
    /// a published event removed.
    #[test]
    fn the_streamed_pass_finds_what_check_and_lint_find() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        write(
            dir,
            "tidings.toml",
            "schema_root = \"schemas\"\ncompatibility = \"FULL_TRANSITIVE\"\n",
        );
        write(dir, "schemas/orders/order_paid/v1.avsc", V1);
        write(
            dir,
            "schemas/orders/order_shipped/v1.avsc",
            &V1.replace("OrderPaid", "OrderShipped"),
        );
        write(
            dir,
            "schemas/orders/order_lost/v1.avsc",
            &V1.replace("OrderPaid", "OrderLost"),
        );
        git(dir, &["init", "-q"]);
        git(dir, &["add", "."]);
        git(dir, &["commit", "-qm", "v1"]);
        // After the baseline: an incompatible v2, a present-tense name, a field not in snake
        // case, v1 of order_shipped edited, order_lost removed.
        write(
            dir,
            "schemas/orders/order_paid/v2.avsc",
            &V1.replace("\"string\"", "\"int\""),
        );
        write(
            dir,
            "schemas/orders/order_ships/v1.avsc",
            &V1.replace("OrderPaid", "OrderShips")
                .replace("\"id\"", "\"orderId\""),
        );
        write(
            dir,
            "schemas/orders/order_shipped/v1.avsc",
            &V1.replace("OrderPaid", "OrderShipped")
                .replace("Paid.", "Shipped."),
        );
        std::fs::remove_dir_all(dir.join("schemas/orders/order_lost")).unwrap();

        let repo = Repository::open(dir).unwrap();
        let old = repo.at_revision("HEAD").unwrap();
        let (loaded, old_loaded) = (repo.load(), old.load());
        let mut whole = check(&repo, &loaded, Some(("HEAD", &old_loaded)));
        whole
            .diagnostics
            .extend(lint::lint(&repo, &loaded).diagnostics);
        whole
            .diagnostics
            .sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
        let streamed = check_streamed(&repo, Some(("HEAD", &old)), true);
        assert!(
            streamed.schema_errors.is_empty(),
            "{:?}",
            streamed.schema_errors
        );
        let rules = |d: &[Diagnostic]| d.iter().map(|d| d.rule.clone()).collect::<Vec<_>>();
        for rule in [
            "TYPE_MISMATCH",
            "EVENT_NAME_PAST_TENSE",
            "FIELD_NAME_CASE",
            "PUBLISHED_VERSION_CHANGED",
            "PUBLISHED_VERSION_REMOVED",
        ] {
            assert!(
                rules(&whole.diagnostics).iter().any(|r| r == rule),
                "{rule}: {:?}",
                rules(&whole.diagnostics)
            );
        }
        assert_eq!(
            format!("{:?}", streamed.report.diagnostics),
            format!("{:?}", whole.diagnostics)
        );
        assert_eq!(
            (streamed.report.events, streamed.report.comparisons),
            (whole.events, whole.comparisons)
        );
    }
}
