//! `tidings lint`: naming and repository rules. Each rule has a stable id, a severity and a
//! purpose in [`RULES`]; `tidings.toml` switches rules off (`except`) or off for some paths
//! (`ignore`, `ignore_only`).

use super::config::{FieldCase, LintConfig};
use super::{Diagnostic, Format, LoadedEvent, LoadedRepository, Repository, Severity};
use crate::avro::{AvroSchema, Kind as AvroKind};
use crate::jsonschema::{JsonSchema, Kind as JsonKind};
use crate::naming;
use crate::source::{self, Node, Pos};
use crate::SchemaDoc;

/// Every lint rule: id, severity, purpose.
pub const RULES: &[(&str, Severity, &str)] = &[
    (
        "EVENT_NAME_PASCAL_CASE",
        Severity::Error,
        "event names are PascalCase",
    ),
    (
        "EVENT_NAME_PAST_TENSE",
        Severity::Error,
        "event names end in a past participle: an event is a fact that happened",
    ),
    (
        "EVENT_NAME_MISSING",
        Severity::Error,
        "every version names its event (Avro `name`, JSON Schema `title`)",
    ),
    (
        "EVENT_NAME_MATCHES_FOLDER",
        Severity::Error,
        "the name in every version is the folder's name in PascalCase",
    ),
    (
        "VERSION_SEQUENCE",
        Severity::Error,
        "versions are v1..vN with no gaps",
    ),
    (
        "VERSION_FORMAT_MIXED",
        Severity::Error,
        "all versions of an event use one schema format",
    ),
    (
        "VERSION_FILE_NAME",
        Severity::Error,
        "files in an event folder are named vN.avsc or vN.json",
    ),
    (
        "FILE_OUTSIDE_LAYOUT",
        Severity::Warning,
        "schema files live at <domain>/<event>/vN.(avsc|json), or in a folder starting with `_`",
    ),
    (
        "FIELD_NAME_CASE",
        Severity::Error,
        "field and property names follow the configured case",
    ),
    (
        "EVENT_DOC_MISSING",
        Severity::Warning,
        "every event has a doc (`doc` / `description`)",
    ),
    (
        "FIELD_DOC_MISSING",
        Severity::Warning,
        "every field and property has a doc",
    ),
    (
        "JSON_OPEN_CONTENT_MODEL",
        Severity::Warning,
        "JSON Schema events state `additionalProperties`, so that adding properties stays possible",
    ),
];

/// What `lint` found, and the configuration mistakes that stop it.
#[derive(Debug, Default)]
pub struct LintReport {
    /// Findings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl LintReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Rule names in `tidings.toml` that are not rules.
///
/// # Errors
/// The first unknown rule id, with the valid ones.
pub fn validate_config(config: &LintConfig) -> Result<(), String> {
    for rule in config.except.iter().chain(config.ignore_only.keys()) {
        if !RULES.iter().any(|(id, ..)| id == rule) {
            let ids: Vec<&str> = RULES.iter().map(|(id, ..)| *id).collect();
            return Err(format!(
                "unknown lint rule `{rule}` in tidings.toml [lint]; the rules are: {}",
                ids.join(", ")
            ));
        }
    }
    Ok(())
}

/// Rule names in the repository's `tidings.toml` that are not rules, as an error that names
/// the file, the line and the nearest rule.
///
/// # Errors
/// The first unknown rule id: where it is, the rule it was likely meant to be, the valid ones.
pub fn check_config(repo: &Repository) -> Result<(), String> {
    let config = &repo.config.lint;
    let Some(rule) = config
        .except
        .iter()
        .chain(config.ignore_only.keys())
        .find(|rule| !RULES.iter().any(|(id, ..)| id == *rule))
    else {
        return Ok(());
    };
    let text =
        std::fs::read_to_string(repo.project.join(super::config::CONFIG_FILE)).unwrap_or_default();
    let pos = super::Config::position_of(&text, &format!("\"{rule}\""))
        .or_else(|| super::Config::position_of(&text, rule))
        .unwrap_or(START);
    let ids: Vec<&str> = RULES.iter().map(|(id, ..)| *id).collect();
    let nearest = ids
        .iter()
        .map(|id| (strsim::levenshtein(id, rule), *id))
        .min()
        .filter(|(distance, _)| *distance <= rule.len() / 3 + 2)
        .map(|(_, id)| format!("; did you mean `{id}`?"))
        .unwrap_or_default();
    Err(format!(
        "{}:{}:{}: unknown lint rule `{rule}` in [lint]{nearest} (the rules are: {})",
        repo.config_file,
        pos.line,
        pos.col,
        ids.join(", ")
    ))
}

/// Runs every rule on a loaded repository.
pub fn lint(repo: &Repository, loaded: &LoadedRepository) -> LintReport {
    let mut linter = Linter::new(repo);
    for event in &loaded.events {
        linter.event(event);
    }
    linter.finish()
}

/// The rules run one event at a time (for a pass that does not hold the whole repository):
/// [`Linter::event`] for each, then [`Linter::finish`].
pub struct Linter<'r> {
    repo: &'r Repository,
    out: Vec<Diagnostic>,
}

impl<'r> Linter<'r> {
    /// A linter with the repository's layout findings.
    pub fn new(repo: &'r Repository) -> Self {
        Linter {
            repo,
            out: repo.layout.clone(),
        }
    }

    /// Runs every rule on `event`.
    pub fn event(&mut self, event: &LoadedEvent) {
        lint_event(self.repo, event, &mut self.out);
    }

    /// The findings, without those the configuration turns off.
    pub fn finish(self) -> LintReport {
        let Linter { repo, mut out } = self;
        let config = &repo.config.lint;
        let root = format!("{}/", repo.files.display_root);
        out.retain(|d| {
            let rel = d.file.strip_prefix(&root).unwrap_or(&d.file);
            let under = |prefix: &String| {
                rel == prefix.trim_end_matches('/')
                    || rel.starts_with(&format!("{}/", prefix.trim_end_matches('/')))
            };
            !config.except.contains(&d.rule)
                && !config.ignore.iter().any(under)
                && !config
                    .ignore_only
                    .get(&d.rule)
                    .is_some_and(|paths| paths.iter().any(under))
        });
        LintReport { diagnostics: out }
    }
}

fn severity(rule: &str) -> Severity {
    RULES
        .iter()
        .find(|(id, ..)| *id == rule)
        .map_or(Severity::Error, |(_, s, _)| *s)
}

fn diag(rule: &str, file: &str, pos: Pos, message: String, hint: Option<String>) -> Diagnostic {
    Diagnostic {
        rule: rule.to_owned(),
        severity: severity(rule),
        file: file.to_owned(),
        line: pos.line,
        col: pos.col,
        message,
        hint,
    }
}

const START: Pos = Pos { line: 1, col: 1 };

fn lint_event(repo: &Repository, event: &LoadedEvent, out: &mut Vec<Diagnostic>) {
    let files = &event.files;
    // Versions: 1..N, one format.
    let numbers: Vec<u32> = files.versions.iter().map(|v| v.number).collect();
    for (i, v) in files.versions.iter().enumerate() {
        let expected = i as u32 + 1;
        if v.number != expected {
            let message = if numbers[..i].contains(&v.number) {
                format!("version {} of `{}` exists twice", v.number, files.key())
            } else {
                format!("`{}` has v{} but no v{expected}", files.key(), v.number)
            };
            out.push(diag(
                "VERSION_SEQUENCE",
                &repo.files.display(&v.rel),
                START,
                message,
                Some(
                    "number versions v1, v2, ... without gaps; never renumber published versions"
                        .into(),
                ),
            ));
            break;
        }
    }
    if let Some(first) = files.versions.first() {
        if let Some(other) = files.versions.iter().find(|v| v.format != first.format) {
            out.push(diag(
                "VERSION_FORMAT_MIXED",
                &repo.files.display(&other.rel),
                START,
                format!("`{}` mixes Avro and JSON Schema versions", files.key()),
                Some("keep one format per event; publish a new event for a new format".into()),
            ));
        }
        if first.format == Format::Json {
            lint_open_content_model(event, out);
        }
    }
    let folder_name = naming::to_pascal_case(&files.name);
    let mut reported_name = false;
    for version in &event.versions {
        let Ok(doc) = &version.doc else { continue };
        let raw = source::parse_top_level(&version.text).ok();
        let (name, name_pos) = event_name(doc, raw.as_ref());
        match name {
            None => out.push(diag(
                "EVENT_NAME_MISSING",
                &version.file,
                START,
                format!("version {} does not name its event", version.number),
                Some(format!("add \"title\": \"{folder_name}\"")),
            )),
            Some(name) => {
                // The name rules speak once per event, at the latest version that breaks them.
                if !reported_name {
                    if let Some(problem) = naming::check_event_name(&name) {
                        let rule = if naming::is_pascal_case(&name) {
                            "EVENT_NAME_PAST_TENSE"
                        } else {
                            "EVENT_NAME_PASCAL_CASE"
                        };
                        let hint = problem.suggestion.map(|s| {
                            format!("rename the event `{s}`: the folder `{}` and the name in every version", naming::to_snake_case(&s))
                        });
                        out.push(diag(rule, &version.file, name_pos, problem.message, hint));
                        reported_name = true;
                    }
                }
                if name != folder_name {
                    out.push(diag(
                        "EVENT_NAME_MATCHES_FOLDER",
                        &version.file,
                        name_pos,
                        format!(
                            "the event is named `{name}` but its folder `{}` says `{folder_name}`",
                            files.name
                        ),
                        Some(format!(
                            "name it `{folder_name}`, or rename the folder `{}`",
                            naming::to_snake_case(&name)
                        )),
                    ));
                }
            }
        }
        if let Some(raw) = &raw {
            let doc_key = if matches!(doc, SchemaDoc::Avro(_)) {
                "doc"
            } else {
                "description"
            };
            if raw.get(doc_key).is_none() {
                out.push(diag(
                    "EVENT_DOC_MISSING",
                    &version.file,
                    raw.pos,
                    format!("the event has no `{doc_key}`"),
                    Some("say what happened, in one sentence a consumer understands".into()),
                ));
            }
        }
        match doc {
            SchemaDoc::Avro(schema) => {
                lint_avro_fields(schema, &version.file, repo.config.lint.field_case, out)
            }
            SchemaDoc::Json(schema) => {
                lint_json_properties(schema, &version.file, repo.config.lint.field_case, out)
            }
        }
    }
}

/// The event's name and where it is written.
fn event_name(doc: &SchemaDoc, raw: Option<&Node>) -> (Option<String>, Pos) {
    let key = match doc {
        SchemaDoc::Avro(_) => "name",
        SchemaDoc::Json(_) => "title",
    };
    let pos = raw.and_then(|r| r.get_value(key)).map_or(START, |v| v.pos);
    let name = match doc {
        SchemaDoc::Avro(s) => s.kind(s.root()).name().map(|n| n.name.clone()),
        SchemaDoc::Json(s) => s.get(s.root()).annotations.title.clone(),
    };
    (name.filter(|n| !n.is_empty()), pos)
}

fn case_problem(name: &str, case: FieldCase) -> Option<String> {
    let (ok, fixed, spelled) = match case {
        FieldCase::Any => return None,
        FieldCase::Snake => (
            naming::is_snake_case(name),
            naming::to_snake_case(name),
            "snake_case",
        ),
        FieldCase::Camel => {
            let pascal = naming::to_pascal_case(&naming::to_snake_case(name));
            let camel = pascal
                .chars()
                .next()
                .map(|c| c.to_ascii_lowercase().to_string() + &pascal[1..])
                .unwrap_or_default();
            (naming::is_camel_case(name), camel, "camelCase")
        }
    };
    (!ok).then(|| format!("`{name}` is not {spelled}; write `{fixed}`"))
}

fn lint_avro_fields(schema: &AvroSchema, file: &str, case: FieldCase, out: &mut Vec<Diagnostic>) {
    let file_index = schema.get(schema.root()).file;
    for (id, _) in schema.named_types() {
        let ty = schema.get(id);
        // Shared types are linted where they are defined, not in every event that uses them.
        if ty.file != file_index {
            continue;
        }
        let AvroKind::Record(record) = &ty.kind else {
            continue;
        };
        for field in &record.fields {
            if let Some(problem) = case_problem(&field.name, case) {
                out.push(diag(
                    "FIELD_NAME_CASE",
                    file,
                    field.pos,
                    format!("field {problem}"),
                    Some(
                        "set `field_case` in tidings.toml [lint] if the project uses another case"
                            .into(),
                    ),
                ));
            }
            if field.doc.is_none() {
                out.push(diag(
                    "FIELD_DOC_MISSING",
                    file,
                    field.pos,
                    format!(
                        "field `{}` of `{}` has no `doc`",
                        field.name, record.name.name
                    ),
                    Some("say what the field holds and in which unit".into()),
                ));
            }
        }
    }
}

fn lint_json_properties(
    schema: &JsonSchema,
    file: &str,
    case: FieldCase,
    out: &mut Vec<Diagnostic>,
) {
    for index in 0..schema.nodes.len() {
        let node = &schema.nodes[index];
        if node.file != 0 {
            continue;
        }
        let JsonKind::Object(object) = &node.kind else {
            continue;
        };
        for (name, id) in &object.properties {
            let property = schema.get(*id);
            if let Some(problem) = case_problem(name, case) {
                out.push(diag(
                    "FIELD_NAME_CASE",
                    file,
                    property.pos,
                    format!("property {problem}"),
                    Some(
                        "set `field_case` in tidings.toml [lint] if the project uses another case"
                            .into(),
                    ),
                ));
            }
            let resolved = schema.get(schema.resolve(*id));
            if property.annotations.description.is_none()
                && resolved.annotations.description.is_none()
            {
                out.push(diag(
                    "FIELD_DOC_MISSING",
                    file,
                    property.pos,
                    format!("property `{name}` has no `description`"),
                    Some("say what the property holds and in which unit".into()),
                ));
            }
        }
    }
}

/// An open content model makes every later property addition incompatible (a producer may
/// already send a property of that name with another type): say so before v1 ships.
fn lint_open_content_model(event: &LoadedEvent, out: &mut Vec<Diagnostic>) {
    let Some(latest) = event.versions.last() else {
        return;
    };
    if !matches!(latest.doc, Ok(SchemaDoc::Json(_))) {
        return;
    }
    let Ok(raw) = source::parse_top_level(&latest.text) else {
        return;
    };
    if raw.get("additionalProperties").is_none() && raw.get("$ref").is_none() {
        out.push(diag(
            "JSON_OPEN_CONTENT_MODEL",
            &latest.file,
            raw.pos,
            "the content model is open (`additionalProperties` is absent): once published, no property can be added compatibly, because producers may already send one of that name with another type".into(),
            Some("add \"additionalProperties\": false before the first version ships".into()),
        ));
    }
}
