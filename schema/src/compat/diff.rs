//! `tidings diff`: every difference between two versions, each with what it breaks at each
//! level. The differences are structural (a field added, a type changed, a doc edited); what
//! they break comes from the compatibility checks in both directions, attributed to the
//! difference whose path holds the finding.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::avro::reader_writer_incompatibilities;
use super::json::differences;
use super::report::{avro_path, SCHEMA_TYPE_CHANGED};
use super::{Direction, Level, Policy, SchemaDoc};
use crate::avro::{AvroSchema, AvroType, Enum, Field, Kind, Record, TypeId};
use crate::source::Pos;

macro_rules! avro_changes {
    ($( $name:ident => $meaning:literal; )*) => {
        /// A structural difference between two Avro schemas, as `tidings diff` names it. (JSON
        /// Schema differences are [`super::json::Difference`]; what a change breaks is named by
        /// the compatibility check's findings.)
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(non_camel_case_types, missing_docs)]
        pub enum AvroChange { $( $name, )* }

        impl AvroChange {
            /// Every kind of change.
            pub const ALL: &'static [AvroChange] = &[ $( AvroChange::$name, )* ];

            /// The stable id ([`Change::kind`]).
            pub fn id(self) -> &'static str {
                match self { $( AvroChange::$name => stringify!($name), )* }
            }

            /// What the kind of change means, for a person.
            pub fn meaning(self) -> &'static str {
                match self { $( AvroChange::$name => $meaning, )* }
            }
        }
    };
}

avro_changes! {
    TYPE_CHANGED => "the type changed (a record became a string, an int a long)";
    LOGICAL_TYPE_CHANGED => "the logical type changed, added or removed";
    NAME_CHANGED => "a named type was renamed";
    ALIASES_CHANGED => "a named type's aliases changed";
    FIXED_SIZE_CHANGED => "a fixed type's size changed";
    ENUM_SYMBOLS_ADDED => "an enum gained symbols";
    ENUM_SYMBOLS_REMOVED => "an enum lost symbols";
    ENUM_DEFAULT_CHANGED => "an enum's default symbol changed";
    DOC_CHANGED => "a `doc` changed";
    FIELD_ADDED => "a record gained a field";
    FIELD_RENAMED => "a field was renamed (the new name has the old one as an alias)";
    FIELD_DEFAULT_ADDED => "a field gained a default";
    FIELD_DEFAULT_REMOVED => "a field lost its default";
    FIELD_DEFAULT_CHANGED => "a field's default changed";
    FIELD_REMOVED => "a record lost a field";
    UNION_BRANCH_ADDED => "a union gained a branch";
    UNION_BRANCH_REMOVED => "a union lost a branch";
}

/// One difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What kind of change: an [`AvroChange`] or a JSON Schema [`super::json::Difference`]
    /// id (`FIELD_ADDED`, `PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`), or the compatibility
    /// finding of a change the structural comparison does not name.
    pub kind: String,
    /// Where: field names joined by dots for Avro (`address.city`), `#/...` for JSON Schema.
    pub path: String,
    /// What changed, for a person.
    pub description: String,
    /// Where in the new file, when the change is there.
    pub new_line: Option<u32>,
    /// Column in the new file.
    pub new_col: Option<u32>,
    /// Why consumers on the new version cannot read old data, if they cannot.
    pub breaks_backward: Option<String>,
    /// Why consumers on the old version cannot read new data, if they cannot.
    pub breaks_forward: Option<String>,
}

impl Change {
    /// The levels this change breaks (a two-version diff: transitive levels as the others).
    pub fn broken_levels(&self) -> Vec<Level> {
        Level::ALL
            .into_iter()
            .filter(|level| {
                level.directions().iter().any(|d| match d {
                    Direction::Backward => self.breaks_backward.is_some(),
                    Direction::Forward => self.breaks_forward.is_some(),
                })
            })
            .collect()
    }
}

/// Every difference from `old` to `new`.
pub fn diff(old: &SchemaDoc, new: &SchemaDoc, policy: Policy) -> Vec<Change> {
    match (old, new) {
        (SchemaDoc::Avro(o), SchemaDoc::Avro(n)) => avro_diff(o, n),
        (SchemaDoc::Json(o), SchemaDoc::Json(n)) => json_diff(o, n, policy),
        _ => vec![Change {
            kind: SCHEMA_TYPE_CHANGED.into(),
            path: String::new(),
            description: format!(
                "the schema format changed from {} to {}",
                old.format(),
                new.format()
            ),
            new_line: Some(1),
            new_col: Some(1),
            breaks_backward: Some(
                "a consumer cannot read one format with a schema of the other".into(),
            ),
            breaks_forward: Some(
                "a consumer cannot read one format with a schema of the other".into(),
            ),
        }],
    }
}

fn json_diff(
    old: &crate::jsonschema::JsonSchema,
    new: &crate::jsonschema::JsonSchema,
    policy: Policy,
) -> Vec<Change> {
    let mut changes: Vec<Change> = differences(old, new, policy)
        .into_iter()
        .map(|c| Change {
            kind: c.difference.id().into(),
            path: c.path.clone(),
            description: c.difference.describe().into(),
            new_line: Some(c.update_pos.line),
            new_col: Some(c.update_pos.col),
            breaks_backward: (!c.difference.is_compatible(policy)).then(|| {
                format!(
                    "{}: the new version rejects data the old one accepted",
                    c.difference.id()
                )
            }),
            breaks_forward: None,
        })
        .collect();
    // The other direction: the old version as the update of the new one.
    for c in differences(new, old, policy) {
        if c.difference.is_compatible(policy) {
            continue;
        }
        let why = format!(
            "{}: the old version rejects data the new one accepts",
            c.difference.id()
        );
        match changes
            .iter_mut()
            .find(|ch| ch.path == c.path && ch.breaks_forward.is_none())
        {
            Some(change) => change.breaks_forward = Some(why),
            None => changes.push(Change {
                kind: c.difference.id().into(),
                path: c.path.clone(),
                description: super::report::reverse(c.difference.describe()),
                new_line: Some(c.original_pos.line),
                new_col: Some(c.original_pos.col),
                breaks_backward: None,
                breaks_forward: Some(why),
            }),
        }
    }
    changes
}

fn avro_diff(old: &AvroSchema, new: &AvroSchema) -> Vec<Change> {
    let mut walker = Walker {
        old,
        new,
        seen: HashSet::new(),
        changes: Vec::new(),
    };
    walker.walk(old.root(), new.root(), "");
    let mut changes = walker.changes;
    // Attribute every incompatibility to the change that holds it.
    for (direction, reader, writer) in [
        (Direction::Backward, new, old),
        (Direction::Forward, old, new),
    ] {
        for inc in reader_writer_incompatibilities(reader, writer) {
            let path = avro_path(reader, &inc.location);
            let why = format!("{}: {}", inc.kind.id(), inc.message);
            let holder = changes
                .iter_mut()
                .filter(|c| {
                    path == c.path
                        || path.starts_with(&format!("{}.", c.path))
                        || path.starts_with(&format!("{}[", c.path))
                        || path.starts_with(&format!("{}{{", c.path))
                        || c.path.is_empty()
                })
                .max_by_key(|c| c.path.len());
            let slot = |c: &mut Change| match direction {
                Direction::Backward => c.breaks_backward.get_or_insert(why.clone()).clone(),
                Direction::Forward => c.breaks_forward.get_or_insert(why.clone()).clone(),
            };
            match holder {
                Some(change) => {
                    slot(change);
                }
                None => {
                    let mut change = Change {
                        kind: inc.kind.id().into(),
                        path: path.clone(),
                        description: inc.message.clone(),
                        new_line: None,
                        new_col: None,
                        breaks_backward: None,
                        breaks_forward: None,
                    };
                    slot(&mut change);
                    changes.push(change);
                }
            }
        }
    }
    changes
}

struct Walker<'s> {
    old: &'s AvroSchema,
    new: &'s AvroSchema,
    seen: HashSet<(TypeId, TypeId)>,
    changes: Vec<Change>,
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn describe_type(schema: &AvroSchema, id: TypeId) -> String {
    let ty = schema.get(id);
    let base = match &ty.kind {
        Kind::Array(items) => format!("array of {}", describe_type(schema, *items)),
        Kind::Map(values) => format!("map of {}", describe_type(schema, *values)),
        Kind::Union(branches) => {
            let parts: Vec<String> = branches.iter().map(|b| describe_type(schema, *b)).collect();
            format!("union of {}", parts.join(", "))
        }
        kind => match kind.name() {
            Some(name) => format!("{} `{}`", kind.type_name().to_lowercase(), name.fullname()),
            None => kind.type_name().to_lowercase(),
        },
    };
    match &ty.logical {
        Some(logical) => format!("{base} ({})", logical.as_str()),
        None => base,
    }
}

impl Walker<'_> {
    fn push(&mut self, kind: AvroChange, path: &str, description: String, pos: Option<Pos>) {
        self.changes.push(Change {
            kind: kind.id().into(),
            path: path.to_owned(),
            description,
            new_line: pos.map(|p| p.line),
            new_col: pos.map(|p| p.col),
            breaks_backward: None,
            breaks_forward: None,
        });
    }

    fn walk(&mut self, o: TypeId, n: TypeId, path: &str) {
        if !self.seen.insert((o, n)) {
            return;
        }
        let (old, new) = (self.old, self.new);
        let (ot, nt) = (old.get(o), new.get(n));
        let pos = Some(nt.pos);
        if !ot.kind.is_same_type_as(&nt.kind) {
            let what = format!(
                "the type changed from {} to {}",
                describe_type(old, o),
                describe_type(new, n)
            );
            return self.push(AvroChange::TYPE_CHANGED, path, what, pos);
        }
        self.type_attributes(ot, nt, path, pos);
        match (&ot.kind, &nt.kind) {
            (Kind::Array(oi), Kind::Array(ni)) => self.walk(*oi, *ni, &format!("{path}[]")),
            (Kind::Map(ov), Kind::Map(nv)) => self.walk(*ov, *nv, &format!("{path}{{}}")),
            (Kind::Fixed(of), Kind::Fixed(nf)) if of.size != nf.size => {
                self.push(
                    AvroChange::FIXED_SIZE_CHANGED,
                    path,
                    format!("the size changed from {} to {} bytes", of.size, nf.size),
                    pos,
                );
            }
            (Kind::Enum(oe), Kind::Enum(ne)) => self.walk_enum(oe, ne, path, pos),
            (Kind::Union(ob), Kind::Union(nb)) => self.walk_union(ob, nb, path, pos),
            (Kind::Record(or), Kind::Record(nr)) => self.walk_record(or, nr, path, pos),
            _ => {}
        }
    }

    /// What any two types of one kind may differ in: logical type, name and aliases.
    fn type_attributes(&mut self, ot: &AvroType, nt: &AvroType, path: &str, pos: Option<Pos>) {
        if ot.logical != nt.logical {
            let name = |l: &Option<crate::avro::LogicalType>| {
                l.as_ref()
                    .map_or("none".to_owned(), |l| l.as_str().to_owned())
            };
            self.push(
                AvroChange::LOGICAL_TYPE_CHANGED,
                path,
                format!(
                    "the logical type changed from {} to {}",
                    name(&ot.logical),
                    name(&nt.logical)
                ),
                pos,
            );
        }
        if let (Some(on), Some(nn)) = (ot.kind.name(), nt.kind.name()) {
            if on.fullname() != nn.fullname() {
                self.push(
                    AvroChange::NAME_CHANGED,
                    path,
                    format!(
                        "the type was renamed from `{}` to `{}`",
                        on.fullname(),
                        nn.fullname()
                    ),
                    pos,
                );
            }
            if ot.kind.aliases() != nt.kind.aliases() {
                self.push(
                    AvroChange::ALIASES_CHANGED,
                    path,
                    format!(
                        "the type's aliases changed from {:?} to {:?}",
                        ot.kind.aliases(),
                        nt.kind.aliases()
                    ),
                    pos,
                );
            }
        }
    }

    fn walk_enum(&mut self, oe: &Enum, ne: &Enum, path: &str, pos: Option<Pos>) {
        let added: Vec<&String> = ne
            .symbols
            .iter()
            .filter(|s| !oe.symbols.contains(s))
            .collect();
        let removed: Vec<&String> = oe
            .symbols
            .iter()
            .filter(|s| !ne.symbols.contains(s))
            .collect();
        if !added.is_empty() {
            self.push(
                AvroChange::ENUM_SYMBOLS_ADDED,
                path,
                format!("symbols added: {}", join_names(&added)),
                pos,
            );
        }
        if !removed.is_empty() {
            self.push(
                AvroChange::ENUM_SYMBOLS_REMOVED,
                path,
                format!("symbols removed: {}", join_names(&removed)),
                pos,
            );
        }
        if oe.default != ne.default {
            self.push(
                AvroChange::ENUM_DEFAULT_CHANGED,
                path,
                format!(
                    "the enum default changed from {:?} to {:?}",
                    oe.default, ne.default
                ),
                pos,
            );
        }
        if oe.doc != ne.doc {
            self.push(
                AvroChange::DOC_CHANGED,
                path,
                "the enum's doc changed".into(),
                pos,
            );
        }
    }

    /// Fields are matched by name, or by an alias of the new field.
    fn walk_record(&mut self, or: &Record, nr: &Record, path: &str, pos: Option<Pos>) {
        if or.doc != nr.doc {
            self.push(
                AvroChange::DOC_CHANGED,
                path,
                "the record's doc changed".into(),
                pos,
            );
        }
        for field in &nr.fields {
            let field_path = join(path, &field.name);
            let by_name = or.fields.iter().find(|f| f.name == field.name);
            let by_alias = || or.fields.iter().find(|f| field.aliases.contains(&f.name));
            match by_name.or_else(by_alias) {
                None => {
                    let how = if field.default.is_some() {
                        "with a default"
                    } else {
                        "without a default"
                    };
                    self.push(
                        AvroChange::FIELD_ADDED,
                        &field_path,
                        format!("field `{}` was added {how}", field.name),
                        Some(field.pos),
                    );
                }
                Some(of) => {
                    self.walk_field(of, field, &field_path);
                }
            }
        }
        for field in &or.fields {
            let kept = nr
                .fields
                .iter()
                .any(|f| f.name == field.name || f.aliases.contains(&field.name));
            if !kept {
                let how = if field.default.is_some() {
                    "it had a default"
                } else {
                    "it had no default"
                };
                self.push(
                    AvroChange::FIELD_REMOVED,
                    &join(path, &field.name),
                    format!("field `{}` was removed ({how})", field.name),
                    pos,
                );
            }
        }
    }

    /// A field kept (by name or alias): its name, default, doc, aliases and type.
    fn walk_field(&mut self, of: &Field, field: &Field, field_path: &str) {
        if of.name != field.name {
            self.push(
                AvroChange::FIELD_RENAMED,
                field_path,
                format!(
                    "field `{}` was renamed `{}` (the old name is an alias)",
                    of.name, field.name
                ),
                Some(field.pos),
            );
        }
        match (&of.default, &field.default) {
            (None, Some(d)) => self.push(
                AvroChange::FIELD_DEFAULT_ADDED,
                field_path,
                format!("a default ({d}) was added"),
                Some(field.pos),
            ),
            (Some(d), None) => self.push(
                AvroChange::FIELD_DEFAULT_REMOVED,
                field_path,
                format!("the default ({d}) was removed"),
                Some(field.pos),
            ),
            (Some(a), Some(b)) if a != b => self.push(
                AvroChange::FIELD_DEFAULT_CHANGED,
                field_path,
                format!("the default changed from {a} to {b}"),
                Some(field.pos),
            ),
            _ => {}
        }
        if of.doc != field.doc {
            self.push(
                AvroChange::DOC_CHANGED,
                field_path,
                format!("the doc of field `{}` changed", field.name),
                Some(field.pos),
            );
        }
        if of.aliases != field.aliases && of.name == field.name {
            self.push(
                AvroChange::ALIASES_CHANGED,
                field_path,
                format!(
                    "the field's aliases changed from {:?} to {:?}",
                    of.aliases, field.aliases
                ),
                Some(field.pos),
            );
        }
        self.walk(of.ty, field.ty, field_path);
    }

    /// Union branches are matched by type (and name for named types).
    fn walk_union(&mut self, ob: &[TypeId], nb: &[TypeId], path: &str, pos: Option<Pos>) {
        let key = |schema: &AvroSchema, id: TypeId| {
            let kind = &schema.get(id).kind;
            kind.name()
                .map_or_else(|| kind.type_name().to_owned(), |n| n.name.clone())
        };
        // Branches by key (the first of a key counts): a union of thousands of records is
        // matched in linear time.
        let mut old_branches: HashMap<String, TypeId> = HashMap::with_capacity(ob.len());
        for o in ob {
            old_branches.entry(key(self.old, *o)).or_insert(*o);
        }
        let new_keys: HashSet<String> = nb.iter().map(|n| key(self.new, *n)).collect();
        for n in nb {
            match old_branches.get(&key(self.new, *n)) {
                Some(o) => self.walk(*o, *n, path),
                None => self.push(
                    AvroChange::UNION_BRANCH_ADDED,
                    path,
                    format!("the union gained {}", describe_type(self.new, *n)),
                    pos,
                ),
            }
        }
        for o in ob {
            if !new_keys.contains(&key(self.old, *o)) {
                self.push(
                    AvroChange::UNION_BRANCH_REMOVED,
                    path,
                    format!("the union lost {}", describe_type(self.old, *o)),
                    pos,
                );
            }
        }
    }
}

fn join_names(names: &[&String]) -> String {
    names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avro(text: &str) -> SchemaDoc {
        SchemaDoc::parse_avro("s.avsc", text).unwrap()
    }

    #[test]
    fn change_kinds_have_distinct_ids() {
        let mut ids: Vec<&str> = AvroChange::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), AvroChange::ALL.len());
        assert!(AvroChange::ALL.iter().all(|c| !c.meaning().is_empty()));
    }

    #[test]
    fn avro_changes_carry_what_they_break() {
        let old = avro(
            r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": "int", "doc": "x"},
            {"name": "gone", "type": "string"},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}}
        ]}"#,
        );
        let new = avro(
            r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": "long", "doc": "y"},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B", "C"]}},
            {"name": "added", "type": ["null", "string"], "default": null}
        ]}"#,
        );
        let changes = diff(&old, &new, Policy::Strict);
        let find = |kind: &str| {
            changes
                .iter()
                .find(|c| c.kind == kind)
                .unwrap_or_else(|| panic!("no {kind} in {changes:#?}"))
        };
        let widened = find("TYPE_CHANGED");
        assert_eq!(widened.path, "a");
        assert!(
            widened.breaks_backward.is_none(),
            "int to long is a promotion"
        );
        assert!(widened
            .breaks_forward
            .as_deref()
            .unwrap()
            .starts_with("TYPE_MISMATCH"));
        assert_eq!(find("DOC_CHANGED").broken_levels(), []);
        let removed = find("FIELD_REMOVED");
        assert!(removed.breaks_backward.is_none());
        assert!(removed
            .breaks_forward
            .as_deref()
            .unwrap()
            .starts_with("READER_FIELD_MISSING_DEFAULT_VALUE"));
        let symbols = find("ENUM_SYMBOLS_ADDED");
        assert!(symbols
            .breaks_forward
            .as_deref()
            .unwrap()
            .starts_with("MISSING_ENUM_SYMBOLS"));
        assert_eq!(
            symbols.broken_levels(),
            [
                Level::Forward,
                Level::ForwardTransitive,
                Level::Full,
                Level::FullTransitive
            ]
        );
        assert_eq!(find("FIELD_ADDED").broken_levels(), []);
    }

    #[test]
    fn json_changes_carry_what_they_break() {
        let old = SchemaDoc::parse_json("o.json", r#"{"type": "object", "properties": {"a": {"type": "string", "maxLength": 5}}, "additionalProperties": false}"#).unwrap();
        let new = SchemaDoc::parse_json("n.json", r#"{"type": "object", "properties": {"a": {"type": "string", "maxLength": 9}, "b": {"type": "integer"}}, "additionalProperties": false}"#).unwrap();
        let changes = diff(&old, &new, Policy::Strict);
        let length = changes
            .iter()
            .find(|c| c.kind == "MAX_LENGTH_INCREASED")
            .unwrap();
        assert!(length.breaks_backward.is_none() && length.breaks_forward.is_some());
        let added = changes.iter().find(|c| c.path == "#/properties/b").unwrap();
        assert_eq!(
            added.kind,
            "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
        );
        assert!(added.breaks_backward.is_none() && added.breaks_forward.is_some());
    }
}
