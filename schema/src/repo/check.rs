//! `tidings check`: every version of every event against the versions before it, at the event's
//! level; and, against a baseline (a git revision), published versions that changed or vanished.

use super::{Diagnostic, LoadedEvent, LoadedRepository, Repository, Severity};
use crate::compat::{check_with, Options, SchemaDoc};
use crate::source::{self, Node, Pos, Value};

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
    let options = Options {
        policy: repo.config.policy,
    };
    for event in &current.events {
        report.events += 1;
        let published = baseline
            .and_then(|(_, b)| b.events.iter().find(|e| e.files.key() == event.files.key()));
        // A version that cannot be read is reported as an error elsewhere; its event is not checked.
        let Some(docs) = event
            .versions
            .iter()
            .map(|v| v.doc.as_ref().ok())
            .collect::<Option<Vec<&SchemaDoc>>>()
        else {
            continue;
        };
        let level = repo.config.level_of(&event.files.key());
        for (k, new) in docs.iter().enumerate().skip(1) {
            let previous: Vec<SchemaDoc> = (0..k)
                .map(|j| {
                    let number = event.versions[j].number;
                    published_doc(published, number).unwrap_or(docs[j]).clone()
                })
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
    if let Some((rev, baseline)) = baseline {
        for old in &baseline.events {
            let now = current
                .events
                .iter()
                .find(|e| e.files.key() == old.files.key());
            compare_published(rev, old, now, &mut report.diagnostics);
        }
    }
    report
        .diagnostics
        .sort_by(|a, b| (&a.file, a.line, a.col, &a.rule).cmp(&(&b.file, b.line, b.col, &b.rule)));
    report
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
