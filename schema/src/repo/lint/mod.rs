//! `tidings lint`: naming and repository rules. Each rule has a stable id, a severity and a
//! purpose in one table ([`Rule`]) and one function here that raises it; `tidings.toml` switches
//! rules off (`except`) or off for some paths (`ignore`, `ignore_only`).

mod rules;

pub use rules::Rule;

use super::config::FieldCase;
use super::{Diagnostic, Format, LoadedEvent, LoadedRepository, Repository, Severity};
use crate::avro::{AvroSchema, Kind as AvroKind};
use crate::jsonschema::{JsonSchema, Kind as JsonKind};
use crate::naming;
use crate::source::Pos;
use crate::SchemaDoc;

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
        .find(|rule| Rule::from_id(rule).is_none())
    else {
        return Ok(());
    };
    let pos = repo.config_position(rule);
    let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    let nearest = naming::nearest(rule, ids.iter().copied())
        .map(|id| format!("; did you mean `{id}`?"))
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

    /// Runs every rule on `event` (but those `except` switches off everywhere).
    pub fn event(&mut self, event: &LoadedEvent) {
        let view = EventView::new(self.repo, event);
        let except = &self.repo.config.lint.except;
        for (rule, check) in EVENT_RULES {
            if !except.iter().any(|id| id == rule.id()) {
                check(&view, &mut self.out);
            }
        }
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
        // Each event's rules ran one after the other: the findings in the order of the files.
        out.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
        LintReport { diagnostics: out }
    }
}

const START: Pos = Pos { line: 1, col: 1 };

/// A rule over one event: it pushes what it finds.
type EventRule = fn(&EventView<'_>, &mut Vec<Diagnostic>);

/// The rules that look at events, each by the function that raises it. (The layout rules,
/// `VERSION_FILE_NAME`, `FILE_OUTSIDE_LAYOUT`, `SYMLINK_OUTSIDE_ROOT` and `CONFIG_UNKNOWN_EVENT`,
/// are raised while the repository is listed: see [`Repository::layout`].)
const EVENT_RULES: &[(Rule, EventRule)] = &[
    (Rule::VERSION_SEQUENCE, version_sequence),
    (Rule::VERSION_FORMAT_MIXED, version_format_mixed),
    (Rule::JSON_OPEN_CONTENT_MODEL, json_open_content_model),
    (Rule::EVENT_NAME_MISSING, event_name_missing),
    (Rule::EVENT_NAME_PASCAL_CASE, event_name_pascal_case),
    (Rule::EVENT_NAME_PAST_TENSE, event_name_past_tense),
    (Rule::EVENT_NAME_MATCHES_FOLDER, event_name_matches_folder),
    (Rule::EVENT_DOC_MISSING, event_doc_missing),
    (Rule::FIELD_NAME_CASE, field_name_case),
    (Rule::FIELD_DOC_MISSING, field_doc_missing),
];

/// One event as the rules see it: each readable version with its top-level object and the
/// name it gives the event, read once for all rules.
struct EventView<'a> {
    repo: &'a Repository,
    event: &'a LoadedEvent,
    /// The event's name as its folder spells it.
    folder_name: String,
    versions: Vec<VersionView<'a>>,
    /// The first version whose name breaks the naming rules (its index), with what is wrong:
    /// the name rules speak once per event.
    badly_named: Option<(usize, naming::NameProblem)>,
}

struct VersionView<'a> {
    number: u32,
    file: &'a str,
    doc: &'a SchemaDoc,
    /// The event's name, where the version gives one, and where it is written.
    name: Option<String>,
    name_pos: Pos,
}

impl<'a> EventView<'a> {
    fn new(repo: &'a Repository, event: &'a LoadedEvent) -> Self {
        let versions: Vec<VersionView<'a>> = event
            .versions
            .iter()
            .filter_map(|version| {
                let doc = version.doc.as_ref().ok()?;
                let (name, name_pos) = event_name(doc);
                Some(VersionView {
                    number: version.number,
                    file: &version.file,
                    doc,
                    name,
                    name_pos,
                })
            })
            .collect();
        let badly_named = versions.iter().enumerate().find_map(|(i, version)| {
            let problem = naming::check_event_name(version.name.as_deref()?)?;
            Some((i, problem))
        });
        EventView {
            repo,
            event,
            folder_name: naming::to_pascal_case(&event.files.name),
            versions,
            badly_named,
        }
    }

    /// The first version whose name breaks the naming rules, with what is wrong.
    fn badly_named(&self) -> Option<(&VersionView<'a>, &naming::NameProblem)> {
        let (i, problem) = self.badly_named.as_ref()?;
        Some((&self.versions[*i], problem))
    }
}

fn version_sequence(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    let files = &view.event.files;
    let numbers: Vec<u32> = files.versions.iter().map(|v| v.number).collect();
    let Some((i, v)) = (files.versions.iter().enumerate()).find(|(i, v)| v.number != *i as u32 + 1)
    else {
        return;
    };
    let message = if numbers[..i].contains(&v.number) {
        format!("version {} of `{}` exists twice", v.number, files.key())
    } else {
        format!("`{}` has v{} but no v{}", files.key(), v.number, i + 1)
    };
    out.push(Rule::VERSION_SEQUENCE.at(
        &view.repo.files.display(&v.rel),
        START,
        message,
        Some("number versions v1, v2, ... without gaps; never renumber published versions".into()),
    ));
}

fn version_format_mixed(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    let files = &view.event.files;
    let Some(first) = files.versions.first() else {
        return;
    };
    if let Some(other) = files.versions.iter().find(|v| v.format != first.format) {
        out.push(Rule::VERSION_FORMAT_MIXED.at(
            &view.repo.files.display(&other.rel),
            START,
            format!("`{}` mixes Avro and JSON Schema versions", files.key()),
            Some("keep one format per event; publish a new event for a new format".into()),
        ));
    }
}

/// An open content model makes every later property addition incompatible (a producer may
/// already send a property of that name with another type): say so before v1 ships.
fn json_open_content_model(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    let files = &view.event.files;
    if files.versions.first().map(|v| v.format) != Some(Format::Json) {
        return;
    }
    // Only the latest version: it is the one a change can still fix.
    let Some(latest) = view.event.versions.last() else {
        return;
    };
    let Some(version) = view.versions.last().filter(|v| v.number == latest.number) else {
        return;
    };
    let SchemaDoc::Json(_) = version.doc else {
        return;
    };
    let raw = version.doc.top_level();
    if raw.get("additionalProperties").is_none() && raw.get("$ref").is_none() {
        out.push(Rule::JSON_OPEN_CONTENT_MODEL.at(
            version.file,
            raw.pos,
            "the content model is open (`additionalProperties` is absent): once published, no property can be added compatibly, because producers may already send one of that name with another type".into(),
            Some("add \"additionalProperties\": false before the first version ships".into()),
        ));
    }
}

fn event_name_missing(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    for version in view.versions.iter().filter(|v| v.name.is_none()) {
        out.push(Rule::EVENT_NAME_MISSING.at(
            version.file,
            START,
            format!("version {} does not name its event", version.number),
            Some(format!("add \"title\": \"{}\"", view.folder_name)),
        ));
    }
}

fn event_name_pascal_case(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    if let Some((version, problem)) = view.badly_named() {
        if !naming::is_pascal_case(version.name.as_deref().unwrap_or_default()) {
            out.push(name_finding(Rule::EVENT_NAME_PASCAL_CASE, version, problem));
        }
    }
}

fn event_name_past_tense(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    if let Some((version, problem)) = view.badly_named() {
        if naming::is_pascal_case(version.name.as_deref().unwrap_or_default()) {
            out.push(name_finding(Rule::EVENT_NAME_PAST_TENSE, version, problem));
        }
    }
}

fn name_finding(
    rule: Rule,
    version: &VersionView<'_>,
    problem: &naming::NameProblem,
) -> Diagnostic {
    let hint = problem.suggestion.as_ref().map(|s| {
        format!(
            "rename the event `{s}`: the folder `{}` and the name in every version",
            naming::to_snake_case(s)
        )
    });
    rule.at(
        version.file,
        version.name_pos,
        problem.message.clone(),
        hint,
    )
}

fn event_name_matches_folder(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    let folder_name = &view.folder_name;
    for version in &view.versions {
        let Some(name) = version.name.as_deref().filter(|name| name != folder_name) else {
            continue;
        };
        out.push(Rule::EVENT_NAME_MATCHES_FOLDER.at(
            version.file,
            version.name_pos,
            format!(
                "the event is named `{name}` but its folder `{}` says `{folder_name}`",
                view.event.files.name
            ),
            Some(format!(
                "name it `{folder_name}`, or rename the folder `{}`",
                naming::to_snake_case(name)
            )),
        ));
    }
}

fn event_doc_missing(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    for version in &view.versions {
        let raw = version.doc.top_level();
        let doc_key = match version.doc {
            SchemaDoc::Avro(_) => "doc",
            SchemaDoc::Json(_) => "description",
        };
        if raw.get(doc_key).is_none() {
            out.push(Rule::EVENT_DOC_MISSING.at(
                version.file,
                raw.pos,
                format!("the event has no `{doc_key}`"),
                Some("say what happened, in one sentence a consumer understands".into()),
            ));
        }
    }
}

fn field_name_case(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    let case = view.repo.config.lint.field_case;
    for version in &view.versions {
        for_each_field(version.doc, |field| {
            if let Some(problem) = case_problem(field.name, case) {
                out.push(Rule::FIELD_NAME_CASE.at(
                    version.file,
                    field.pos,
                    format!("{} {problem}", field.noun()),
                    Some(
                        "set `field_case` in tidings.toml [lint] if the project uses another case"
                            .into(),
                    ),
                ));
            }
        });
    }
}

fn field_doc_missing(view: &EventView<'_>, out: &mut Vec<Diagnostic>) {
    for version in &view.versions {
        for_each_field(version.doc, |field| {
            if field.documented {
                return;
            }
            let (message, hint) = match field.record {
                Some(record) => (
                    format!("field `{}` of `{record}` has no `doc`", field.name),
                    "say what the field holds and in which unit",
                ),
                None => (
                    format!("property `{}` has no `description`", field.name),
                    "say what the property holds and in which unit",
                ),
            };
            out.push(Rule::FIELD_DOC_MISSING.at(
                version.file,
                field.pos,
                message,
                Some(hint.into()),
            ));
        });
    }
}

/// The event's name and where it is written.
fn event_name(doc: &SchemaDoc) -> (Option<String>, Pos) {
    let key = match doc {
        SchemaDoc::Avro(_) => "name",
        SchemaDoc::Json(_) => "title",
    };
    let pos = doc.top_level().get_value(key).map_or(START, |v| v.pos);
    let name = match doc {
        SchemaDoc::Avro(s) => s.kind(s.root()).name().map(|n| n.name.clone()),
        SchemaDoc::Json(s) => s.get(s.root()).annotations.title.clone(),
    };
    (name.filter(|n| !n.is_empty()), pos)
}

fn case_problem(name: &str, case: FieldCase) -> Option<String> {
    // The spelling to suggest is only worked out for a name that breaks the rule.
    let (fixed, spelled) = match case {
        FieldCase::Any => return None,
        FieldCase::Snake if naming::is_snake_case(name) => return None,
        FieldCase::Camel if naming::is_camel_case(name) => return None,
        FieldCase::Snake => (naming::to_snake_case(name), "snake_case"),
        FieldCase::Camel => {
            let pascal = naming::to_pascal_case(&naming::to_snake_case(name));
            let camel = pascal
                .chars()
                .next()
                .map(|c| c.to_ascii_lowercase().to_string() + &pascal[1..])
                .unwrap_or_default();
            (camel, "camelCase")
        }
    };
    Some(format!("`{name}` is not {spelled}; write `{fixed}`"))
}

/// A field of an Avro record or a property of a JSON Schema object, as the field rules see it.
struct Field<'s> {
    name: &'s str,
    pos: Pos,
    /// The Avro record that holds it (none for a JSON Schema property).
    record: Option<&'s str>,
    documented: bool,
}

impl Field<'_> {
    fn noun(&self) -> &'static str {
        if self.record.is_some() {
            "field"
        } else {
            "property"
        }
    }
}

/// Every field and property the version defines itself: shared types are linted where they are
/// defined, not in every event that uses them.
fn for_each_field<'s>(doc: &'s SchemaDoc, mut visit: impl FnMut(Field<'s>)) {
    match doc {
        SchemaDoc::Avro(schema) => avro_fields(schema, &mut visit),
        SchemaDoc::Json(schema) => json_properties(schema, &mut visit),
    }
}

fn avro_fields<'s>(schema: &'s AvroSchema, visit: &mut impl FnMut(Field<'s>)) {
    let file_index = schema.get(schema.root()).file;
    for (id, _) in schema.named_types() {
        let ty = schema.get(id);
        let AvroKind::Record(record) = &ty.kind else {
            continue;
        };
        if ty.file != file_index {
            continue;
        }
        for field in &record.fields {
            visit(Field {
                name: &field.name,
                pos: field.pos,
                record: Some(&record.name.name),
                documented: field.doc.is_some(),
            });
        }
    }
}

fn json_properties<'s>(schema: &'s JsonSchema, visit: &mut impl FnMut(Field<'s>)) {
    for node in schema.nodes.iter().filter(|node| node.file == 0) {
        let JsonKind::Object(object) = &node.kind else {
            continue;
        };
        for (name, id) in &object.properties {
            let property = schema.get(*id);
            let resolved = schema.get(schema.resolve(*id));
            visit(Field {
                name,
                pos: property.pos,
                record: None,
                documented: property.annotations.description.is_some()
                    || resolved.annotations.description.is_some(),
            });
        }
    }
}
