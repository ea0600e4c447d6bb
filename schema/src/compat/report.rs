//! Findings as data: the rule, where it is in both files, which old version it breaks, which way,
//! and a message worded for the person who has to fix it.

use serde::Serialize;

use super::avro::{reader_writer_incompatibilities, Incompatibility, IncompatibilityType};
use super::json::{incompatibilities, Change};
use super::{Direction, Level, Options, SchemaDoc};
use crate::avro::{AvroSchema, Kind};
use crate::jsonschema::JsonSchema;
use crate::source::Pos;

/// The finding of a change from one schema format to the other, which no reader survives.
pub(crate) const SCHEMA_TYPE_CHANGED: &str = "SCHEMA_TYPE_CHANGED";

/// A place in a schema file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file.
    pub file: String,
    /// Path in the schema: a JSON pointer into the reader schema for Avro (as Avro Java
    /// reports it), Confluent's `#/...` path for JSON Schema.
    pub path: String,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
}

impl Location {
    fn new(file: &str, path: &str, pos: Pos) -> Self {
        Location {
            file: file.to_owned(),
            path: path.to_owned(),
            line: pos.line,
            col: pos.col,
        }
    }
}

/// One reason why the new version is not compatible with an old one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id (`READER_FIELD_MISSING_DEFAULT_VALUE`, `PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`).
    pub rule: String,
    /// Which way the data flows that cannot be read.
    pub direction: Direction,
    /// Index of the broken old version among the previous versions (0 = oldest).
    pub old_version: usize,
    /// Where in the new version.
    pub new: Location,
    /// Where in the old version.
    pub old: Location,
    /// What is wrong and what it breaks.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// The checker's own wording (Avro Java's message, or the JSON Schema difference).
    pub detail: String,
}

/// The result of a check: compatible when there is no finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The level checked.
    pub level: Level,
    /// Every finding, newest old version first.
    pub findings: Vec<Finding>,
}

impl Report {
    pub(super) fn new(level: Level) -> Self {
        Report {
            level,
            findings: Vec::new(),
        }
    }

    pub(super) fn extend(&mut self, findings: Vec<Finding>) {
        self.findings.extend(findings);
    }

    /// True when nothing is broken.
    pub fn is_compatible(&self) -> bool {
        self.findings.is_empty()
    }
}

fn consequence(direction: Direction, old_file: &str) -> String {
    match direction {
        Direction::Backward => {
            format!("consumers on the new version cannot read data written with `{old_file}`")
        }
        Direction::Forward => {
            format!("consumers still on `{old_file}` cannot read data written with the new version")
        }
    }
}

/// Compares one old version with the new one in one direction.
pub(super) fn compare(
    old: &SchemaDoc,
    index: usize,
    new: &SchemaDoc,
    direction: Direction,
    options: Options,
) -> Vec<Finding> {
    match (old, new) {
        (SchemaDoc::Avro(old), SchemaDoc::Avro(new)) => avro_findings(old, index, new, direction),
        (SchemaDoc::Json(o), SchemaDoc::Json(n)) => {
            let (original, update) = original_and_update(o, n, direction);
            incompatibilities(original, update, options.policy)
                .into_iter()
                .map(|c| json_finding(c, o.file(), index, n.file(), direction))
                .collect()
        }
        _ => vec![Finding {
            rule: SCHEMA_TYPE_CHANGED.into(),
            direction,
            old_version: index,
            new: Location::new(new.file(), "", Pos { line: 1, col: 1 }),
            old: Location::new(old.file(), "", Pos { line: 1, col: 1 }),
            message: format!(
                "the schema format changed from {} to {}: {}",
                old.format(),
                new.format(),
                consequence(direction, old.file())
            ),
            hint: "keep the format of an event; publish a new event for a new format".into(),
            detail: String::new(),
        }],
    }
}

/// Whether one old version and the new one are compatible in one direction: the verdict of
/// [`compare`] without writing findings (Avro stops at the first problem).
pub(super) fn compatible(
    old: &SchemaDoc,
    new: &SchemaDoc,
    direction: Direction,
    options: Options,
) -> bool {
    match (old, new) {
        (SchemaDoc::Avro(old), SchemaDoc::Avro(new)) => match direction {
            Direction::Backward => crate::compat::avro::can_read(new, old),
            Direction::Forward => crate::compat::avro::can_read(old, new),
        },
        (SchemaDoc::Json(o), SchemaDoc::Json(n)) => {
            let (original, update) = original_and_update(o, n, direction);
            incompatibilities(original, update, options.policy).is_empty()
        }
        _ => false,
    }
}

/// The JSON Schema diff's two sides for a direction. BACKWARD: the update (new) must accept
/// everything the original (old) accepted; FORWARD the other way round.
fn original_and_update<'a>(
    old: &'a JsonSchema,
    new: &'a JsonSchema,
    direction: Direction,
) -> (&'a JsonSchema, &'a JsonSchema) {
    match direction {
        Direction::Backward => (old, new),
        Direction::Forward => (new, old),
    }
}

fn json_finding(
    change: Change,
    old_file: &str,
    index: usize,
    new_file: &str,
    direction: Direction,
) -> Finding {
    let (old_pos, new_pos) = match direction {
        Direction::Backward => (change.original_pos, change.update_pos),
        Direction::Forward => (change.update_pos, change.original_pos),
    };
    let difference = change.difference;
    // FORWARD compares the new version (as the original) with the old one (as the update), so
    // the difference reads from new to old: turn it round to read from old to new.
    let what = match direction {
        Direction::Backward => difference.describe().to_owned(),
        Direction::Forward => reverse(difference.describe()),
    };
    Finding {
        rule: difference.id().into(),
        direction,
        old_version: index,
        new: Location::new(new_file, &change.path, new_pos),
        old: Location::new(old_file, &change.path, old_pos),
        message: format!(
            "{what} at `{}`: {}",
            change.path,
            consequence(direction, old_file)
        ),
        hint: difference.hint().into(),
        detail: format!("{} {}", difference.id(), change.path),
    }
}

/// A change description read the other way round: `a property was removed from a closed
/// content model` becomes `a property was added to a closed content model`.
pub(crate) fn reverse(text: &str) -> String {
    const PAIRS: [(&str, &str); 9] = [
        ("added", "removed"),
        ("increased", "decreased"),
        ("raised", "lowered"),
        ("widened", "narrowed"),
        ("gained", "lost"),
        ("more", "less"),
        ("inclusive", "exclusive"),
        ("to", "from"),
        ("became", "stopped being"),
    ];
    let mut out = Vec::new();
    let words: Vec<&str> = text.split(' ').collect();
    let mut i = 0;
    while i < words.len() {
        if words[i] == "no" && words.get(i + 1) == Some(&"longer") {
            out.push("now".to_owned());
            i += 2;
            continue;
        }
        let word = words[i];
        let swapped = PAIRS.iter().find_map(|(a, b)| {
            if word == *a {
                Some((*b).to_owned())
            } else if word == *b && !b.contains(' ') {
                Some((*a).to_owned())
            } else {
                None
            }
        });
        out.push(swapped.unwrap_or_else(|| word.to_owned()));
        i += 1;
    }
    out.join(" ")
}

fn avro_findings(
    old: &AvroSchema,
    index: usize,
    new: &AvroSchema,
    direction: Direction,
) -> Vec<Finding> {
    let (reader, writer) = match direction {
        Direction::Backward => (new, old),
        Direction::Forward => (old, new),
    };
    reader_writer_incompatibilities(reader, writer)
        .into_iter()
        .map(|inc| {
            let (new_pos, old_pos) = match direction {
                Direction::Backward => (inc.reader_pos, inc.writer_pos),
                Direction::Forward => (inc.writer_pos, inc.reader_pos),
            };
            let (message, hint) = explain_avro(&inc, reader, writer, direction);
            Finding {
                rule: inc.kind.id().into(),
                direction,
                old_version: index,
                new: Location::new(&new.file, &inc.location, new_pos),
                old: Location::new(&old.file, &inc.location, old_pos),
                message: format!("{message}: {}", consequence(direction, &old.file)),
                hint: hint.into(),
                detail: inc.message.clone(),
            }
        })
        .collect()
}

fn type_name(schema: &AvroSchema, id: crate::avro::TypeId) -> String {
    let kind = schema.kind(id);
    match kind.name() {
        Some(name) => format!("{} `{}`", kind.type_name().to_lowercase(), name.fullname()),
        None => kind.type_name().to_lowercase(),
    }
}

/// A reader-schema pointer (`/fields/1/type/items`) as a person reads it (`amount[]`): field
/// names joined by dots, `[]` for array items, `{}` for map values.
pub(crate) fn avro_path(schema: &AvroSchema, pointer: &str) -> String {
    let mut current = schema.root();
    let mut out = String::new();
    let mut tokens = pointer.split('/').skip(1).peekable();
    while let Some(token) = tokens.next() {
        match (schema.kind(current), token) {
            (Kind::Record(r), "fields") => {
                let Some(field) = tokens
                    .next()
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| r.fields.get(i))
                else {
                    break;
                };
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&field.name);
                current = field.ty;
                if tokens.peek() == Some(&"type") {
                    tokens.next();
                }
            }
            (Kind::Array(items), "items") => {
                out.push_str("[]");
                current = *items;
            }
            (Kind::Map(values), "values") => {
                out.push_str("{}");
                current = *values;
            }
            (Kind::Union(branches), index) => {
                match index.parse::<usize>().ok().and_then(|i| branches.get(i)) {
                    Some(branch) => current = *branch,
                    None => break,
                }
            }
            _ => break,
        }
    }
    out
}

/// A human path in a message: `` `amount` ``, or the root.
fn quoted_path(path: &str) -> String {
    if path.is_empty() {
        "the schema's root".to_owned()
    } else {
        format!("`{path}`")
    }
}

/// Words an Avro incompatibility from the point of view of the person changing the schema.
fn explain_avro(
    inc: &Incompatibility,
    reader: &AvroSchema,
    writer: &AvroSchema,
    direction: Direction,
) -> (String, &'static str) {
    // Old and new, whichever is reader or writer.
    let (old_type, new_type) = match direction {
        Direction::Backward => (type_name(writer, inc.writer), type_name(reader, inc.reader)),
        Direction::Forward => (type_name(reader, inc.reader), type_name(writer, inc.writer)),
    };
    let at = quoted_path(&avro_path(reader, &inc.location));
    match (inc.kind, direction) {
        (IncompatibilityType::ReaderFieldMissingDefaultValue, Direction::Backward) => (
            format!("field {at} was added without a default"),
            "give the new field a default, e.g. a union with \"null\" first and \"default\": null",
        ),
        (IncompatibilityType::ReaderFieldMissingDefaultValue, Direction::Forward) => (
            format!("field {at} was removed, and the old version declares it without a default"),
            "keep the field; to drop it later, first publish a version where it has a default",
        ),
        (IncompatibilityType::TypeMismatch, _) => (
            format!("the type of {at} changed from {old_type} to {new_type}"),
            "keep the old type, use a promotion Avro allows (int to long, float or double; long to float or double; float to double; string and bytes), or add a new field",
        ),
        (IncompatibilityType::NameMismatch, _) => (
            format!("the type of {at} was renamed from {old_type} to {new_type}"),
            "keep the name, or list the old full name in the new type's `aliases`",
        ),
        (IncompatibilityType::FixedSizeMismatch, _) => {
            let size = |schema: &AvroSchema, id| match schema.kind(id) {
                Kind::Fixed(f) => f.size,
                _ => 0,
            };
            let (old_size, new_size) = match direction {
                Direction::Backward => (size(writer, inc.writer), size(reader, inc.reader)),
                Direction::Forward => (size(reader, inc.reader), size(writer, inc.writer)),
            };
            (
                format!("the size of {at} changed from {old_size} to {new_size} bytes"),
                "a fixed type keeps its size; define a new type for the new size",
            )
        }
        (IncompatibilityType::MissingEnumSymbols, Direction::Backward) => (
            format!("symbols {} were removed from the enum of {at}", inc.message),
            "keep the symbols, or give the enum a `default` symbol that readers use for unknown ones",
        ),
        (IncompatibilityType::MissingEnumSymbols, Direction::Forward) => (
            format!("symbols {} were added to the enum of {at}, and the old enum has no `default`", inc.message),
            "publish an enum `default` first, then add symbols in a later version",
        ),
        (IncompatibilityType::MissingUnionBranch, Direction::Backward) => (
            format!("{at} no longer accepts {}, which the old version may hold", type_name(writer, inc.subject)),
            "keep every branch the old version may write; add branches instead of removing them",
        ),
        (IncompatibilityType::MissingUnionBranch, Direction::Forward) => (
            format!("{at} now accepts {}, which the old version cannot read", type_name(writer, inc.subject)),
            "add the branch to the old version's union first, or write it to a new field",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::reverse;

    #[test]
    fn reversed_descriptions_read_from_old_to_new() {
        assert_eq!(
            reverse("a property was removed from a closed content model"),
            "a property was added to a closed content model"
        );
        assert_eq!(
            reverse("additional properties are no longer allowed"),
            "additional properties are now allowed"
        );
        assert_eq!(
            reverse("`maxLength` was decreased"),
            "`maxLength` was increased"
        );
        assert_eq!(
            reverse("values were added to `enum`"),
            "values were removed from `enum`"
        );
    }
}
