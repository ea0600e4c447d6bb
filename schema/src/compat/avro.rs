//! Avro reader/writer compatibility with the semantics of Apache Avro Java's
//! `SchemaCompatibility`, which Confluent Schema Registry calls: the same rules, the same
//! incompatibility types, messages and locations, in the same order, every one of them.
//!
//! Pairs of types are memoised by identity, as Java does: a pair met again returns its first
//! result, and a pair met while it is being checked (recursion) counts as compatible. Only a
//! pair with a type the schema names again ([`AvroType::is_referenced`]) can be met twice, so
//! only those pairs are memoised.
//!
//! [`AvroType::is_referenced`]: crate::avro::AvroType::is_referenced

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use super::PairHasher;
use crate::avro::{AvroSchema, Enum, Kind, TypeId};
use crate::source::Pos;

/// Avro Java's `SchemaIncompatibilityType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncompatibilityType {
    /// A named type's name differs and no reader alias matches.
    NameMismatch,
    /// Fixed types of different sizes.
    FixedSizeMismatch,
    /// The writer's enum has symbols the reader lacks, and the reader has no enum default.
    MissingEnumSymbols,
    /// A reader field is absent from the writer and has no default.
    ReaderFieldMissingDefaultValue,
    /// The types cannot be resolved (and no promotion applies).
    TypeMismatch,
    /// A writer union branch (or the writer type) matches no reader union branch.
    MissingUnionBranch,
}

impl IncompatibilityType {
    /// The stable rule id, Avro Java's spelling.
    pub fn id(self) -> &'static str {
        match self {
            IncompatibilityType::NameMismatch => "NAME_MISMATCH",
            IncompatibilityType::FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
            IncompatibilityType::MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
            IncompatibilityType::ReaderFieldMissingDefaultValue => {
                "READER_FIELD_MISSING_DEFAULT_VALUE"
            }
            IncompatibilityType::TypeMismatch => "TYPE_MISMATCH",
            IncompatibilityType::MissingUnionBranch => "MISSING_UNION_BRANCH",
        }
    }
}

/// One reason why the reader cannot read what the writer wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Incompatibility {
    /// What kind of problem.
    pub kind: IncompatibilityType,
    /// JSON pointer into the reader schema, as Avro Java spells it (`/fields/0/type`).
    pub location: String,
    /// Avro Java's message (`reader type: INT not compatible with writer type: LONG`).
    pub message: String,
    /// The reader type involved.
    pub reader: TypeId,
    /// The writer type involved.
    pub writer: TypeId,
    /// Where in the reader's file: the field itself for a field without default.
    pub reader_pos: Pos,
    /// Where in the writer's file.
    pub writer_pos: Pos,
    /// The field concerned, when the problem is about one field.
    pub field: Option<String>,
    /// The writer type the message names: for `MISSING_UNION_BRANCH` in two unions, the
    /// writer's branch; otherwise the writer type.
    pub subject: TypeId,
}

/// Every reason why data written with `writer` cannot be read with `reader`; empty when it can.
pub fn reader_writer_incompatibilities(
    reader: &AvroSchema,
    writer: &AvroSchema,
) -> Vec<Incompatibility> {
    let mut checker = Checker::new(reader, writer, false);
    let mut found = Vec::new();
    checker.fresh(reader.root(), writer.root(), &mut found);
    found.iter().map(|raw| checker.describe(raw)).collect()
}

/// Whether data written with `writer` can be read with `reader`: the verdict of
/// [`reader_writer_incompatibilities`] (empty or not), stopping at the first problem, as a
/// registry needs when it only accepts or refuses.
pub fn can_read(reader: &AvroSchema, writer: &AvroSchema) -> bool {
    let mut checker = Checker::new(reader, writer, true);
    checker.fresh(reader.root(), writer.root(), &mut Vec::new())
}

/// A finding as the checker records it: cheap to make and to copy. Messages and pointers are
/// written only for the findings that are returned.
#[derive(Debug, Clone)]
struct Raw {
    kind: IncompatibilityType,
    /// Where in [`Checker::locations`]: empty for findings that are never reported.
    location: std::ops::Range<u32>,
    reader: TypeId,
    writer: TypeId,
    /// The writer type the message names (a union branch for `MISSING_UNION_BRANCH`).
    subject: TypeId,
    /// The reader field, for `READER_FIELD_MISSING_DEFAULT_VALUE`.
    field: Option<usize>,
}

enum Memo {
    InProgress,
    /// What the pair found where it was first reached; `None` when compatible, so that the
    /// common case allocates nothing.
    Done(Option<Rc<[Raw]>>),
}

/// One step of the location: a keyword or an index (eight bytes: findings copy their
/// location).
#[derive(Debug, Clone, Copy)]
enum Token {
    Key(Key),
    Index(u32),
}

/// The keywords of a location: Avro's, which need no escaping in a JSON pointer.
#[derive(Debug, Clone, Copy)]
enum Key {
    /// The root, which Java's location starts with and drops.
    Root,
    Fields,
    Items,
    Name,
    Size,
    Symbols,
    Type,
    Values,
}

impl Key {
    fn as_str(self) -> &'static str {
        match self {
            Key::Root => "",
            Key::Fields => "fields",
            Key::Items => "items",
            Key::Name => "name",
            Key::Size => "size",
            Key::Symbols => "symbols",
            Key::Type => "type",
            Key::Values => "values",
        }
    }
}

struct Checker<'s> {
    reader: &'s AvroSchema,
    writer: &'s AvroSchema,
    memo: HashMap<(TypeId, TypeId), Memo, BuildHasherDefault<PairHasher>>,
    /// The locations of reported findings, one after another (one allocation, not one per
    /// finding).
    locations: Vec<Token>,
    /// Whether what is found now may be reported: not inside a probe.
    reporting: bool,
    /// Stop at the first problem: only the verdict is wanted.
    first_only: bool,
    /// Reader unions' branches by name, built when a union is first met as a reader.
    unions: HashMap<TypeId, UnionIndex>,
}

/// Unions up to this many branches are searched by probing each branch.
const SMALL_UNION: usize = 8;

/// The branches of a reader union that can read a writer type: a named writer is read only by a
/// named branch of its (unqualified) name or with an alias of its full name, any other writer
/// only by an unnamed branch. Probing just those keeps a union of thousands of records linear
/// (probing every branch for every writer branch was quadratic in time and memory).
#[derive(Default)]
struct UnionIndex {
    by_name: HashMap<String, Vec<TypeId>>,
    by_alias: HashMap<String, Vec<TypeId>>,
    unnamed: Vec<TypeId>,
}

impl UnionIndex {
    fn of(schema: &AvroSchema, branches: &[TypeId]) -> Self {
        let mut index = UnionIndex::default();
        for &branch in branches {
            let kind = schema.kind(branch);
            let Some(name) = kind.name() else {
                index.unnamed.push(branch);
                continue;
            };
            index
                .by_name
                .entry(name.name.clone())
                .or_default()
                .push(branch);
            for alias in kind.aliases() {
                index
                    .by_alias
                    .entry(alias.clone())
                    .or_default()
                    .push(branch);
            }
        }
        index
    }

    /// The branches worth probing for `writer`, each once.
    fn candidates(&self, writer: &Kind) -> Vec<TypeId> {
        let Some(name) = writer.name() else {
            return self.unnamed.clone();
        };
        let mut found: Vec<TypeId> = (self.by_name.get(&name.name).into_iter().flatten())
            .chain(self.by_alias.get(&name.fullname()).into_iter().flatten())
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

impl<'s> Checker<'s> {
    fn new(reader: &'s AvroSchema, writer: &'s AvroSchema, first_only: bool) -> Self {
        Checker {
            reader,
            writer,
            memo: HashMap::default(),
            locations: Vec::new(),
            reporting: !first_only,
            first_only,
            unions: HashMap::new(),
        }
    }

    /// A check that starts its own location stack, as Java's two-argument `getCompatibility`.
    fn fresh(&mut self, r: TypeId, w: TypeId, out: &mut Vec<Raw>) -> bool {
        // Deep enough for most schemas without growing.
        let mut location = Vec::with_capacity(32);
        self.get(Token::Key(Key::Root), r, w, &mut location, out)
    }

    /// Whether a pair is compatible; what it finds is not reported. Java starts a fresh location
    /// here; as a probe's locations are never read, it goes on on the caller's stack (which
    /// `get` leaves as it found it).
    fn probe(&mut self, r: TypeId, w: TypeId, location: &mut Vec<Token>) -> bool {
        let mut scratch = Vec::new();
        let reporting = std::mem::replace(&mut self.reporting, false);
        let compatible = self.get(Token::Key(Key::Root), r, w, location, &mut scratch);
        self.reporting = reporting;
        compatible
    }

    /// Checks a pair and appends what it finds to `out`; returns whether it found nothing.
    fn get(
        &mut self,
        token: Token,
        r: TypeId,
        w: TypeId,
        location: &mut Vec<Token>,
        out: &mut Vec<Raw>,
    ) -> bool {
        // The verdict is known once anything was found (a probe has its own `out`). A pair cut
        // short this way is never memoised as compatible: only what it found is recorded.
        if self.first_only && !out.is_empty() {
            return false;
        }
        location.push(token);
        let before = out.len();
        // Only a type its schema names besides defining it can be reached twice or
        // recursively: every other node has one parent, so its pairs are met once (below a
        // pair that is memoised) and need no memo, which would cost a map entry and a copy of
        // its findings for every nested record.
        if !self.reader.get(r).is_referenced() && !self.writer.get(w).is_referenced() {
            self.calculate(r, w, location, out);
        } else {
            match self.memo.get(&(r, w)) {
                Some(Memo::InProgress) => {}
                // Met again along another path: its findings were reported where it was first
                // reached; here one finding stands for them (so the verdict holds), and the
                // report grows with the schemas, not with the paths through them.
                Some(Memo::Done(Some(found))) => {
                    if let Some(first) = found.first().cloned() {
                        out.push(Raw {
                            location: self.record(location),
                            ..first
                        });
                    }
                }
                Some(Memo::Done(None)) => {}
                None => {
                    self.memo.insert((r, w), Memo::InProgress);
                    self.calculate(r, w, location, out);
                    let found = (out.len() > before).then(|| out[before..].into());
                    self.memo.insert((r, w), Memo::Done(found));
                }
            }
        }
        location.pop();
        out.len() == before
    }

    /// Keeps a reported finding's location; a probe's findings are never reported.
    fn record(&mut self, location: &[Token]) -> std::ops::Range<u32> {
        if !self.reporting {
            return 0..0;
        }
        if self.locations.is_empty() {
            // Room for the locations of a few findings at once, rather than growing by doubling.
            self.locations.reserve(16 * location.len());
        }
        let start = self.locations.len() as u32;
        self.locations.extend_from_slice(location);
        start..self.locations.len() as u32
    }

    fn push(
        &mut self,
        out: &mut Vec<Raw>,
        kind: IncompatibilityType,
        r: TypeId,
        w: TypeId,
        location: &[Token],
    ) {
        if out.capacity() == 0 {
            // An incompatible pair seldom has just one finding.
            out.reserve(8);
        }
        out.push(Raw {
            kind,
            location: self.record(location),
            reader: r,
            writer: w,
            subject: w,
            field: None,
        });
    }

    /// Every symbol the writer may write is the reader's, or the reader has a default.
    fn check_symbols(
        &mut self,
        re: &Enum,
        we: &Enum,
        (r, w): (TypeId, TypeId),
        location: &mut Vec<Token>,
        out: &mut Vec<Raw>,
    ) {
        // A set for wide enums: a scan per symbol is quadratic in an enum of
        // 100,000 symbols, and cheaper than hashing in one of a few.
        let missing = if re.symbols.len() <= 16 {
            // Symbols usually keep their place: looked for there first.
            (we.symbols.iter().enumerate())
                .any(|(i, s)| re.symbols.get(i) != Some(s) && !re.symbols.contains(s))
        } else {
            let reader_symbols: std::collections::HashSet<&str> =
                re.symbols.iter().map(String::as_str).collect();
            we.symbols
                .iter()
                .any(|s| !reader_symbols.contains(s.as_str()))
        };
        let reader_default_ok = re.default.as_ref().is_some_and(|d| re.symbols.contains(d));
        if missing && !reader_default_ok {
            location.push(Token::Key(Key::Symbols));
            self.push(out, IncompatibilityType::MissingEnumSymbols, r, w, location);
            location.pop();
        }
    }

    /// Every branch of the writer's union is readable by the reader's union.
    fn check_branches(
        &mut self,
        branches: &[TypeId],
        (r, w): (TypeId, TypeId),
        location: &mut Vec<Token>,
        out: &mut Vec<Raw>,
    ) {
        let Kind::Union(reader_branches) = self.reader.kind(r) else {
            return;
        };
        for (i, branch) in branches.iter().enumerate() {
            location.push(Token::Index(i as u32));
            let readable = self.has_primitive_of(reader_branches, self.writer.kind(*branch))
                || self.probe(r, *branch, location);
            if !readable {
                self.push(out, IncompatibilityType::MissingUnionBranch, r, w, location);
                if let Some(last) = out.last_mut() {
                    last.subject = *branch;
                }
            }
            location.pop();
        }
    }

    fn calculate(&mut self, r: TypeId, w: TypeId, location: &mut Vec<Token>, out: &mut Vec<Raw>) {
        let (reader, writer) = (self.reader, self.writer);
        let (rk, wk) = (reader.kind(r), writer.kind(w));
        if rk.is_same_type_as(wk) {
            match (rk, wk) {
                (Kind::Array(ri), Kind::Array(wi)) if !self.same_primitive(*ri, *wi) => {
                    self.get(Token::Key(Key::Items), *ri, *wi, location, out);
                }
                (Kind::Map(rv), Kind::Map(wv)) if !self.same_primitive(*rv, *wv) => {
                    self.get(Token::Key(Key::Values), *rv, *wv, location, out);
                }
                (Kind::Fixed(rf), Kind::Fixed(wf)) => {
                    self.check_names(r, w, location, out);
                    if rf.size != wf.size {
                        location.push(Token::Key(Key::Size));
                        self.push(out, IncompatibilityType::FixedSizeMismatch, r, w, location);
                        location.pop();
                    }
                }
                (Kind::Enum(re), Kind::Enum(we)) => {
                    self.check_names(r, w, location, out);
                    self.check_symbols(re, we, (r, w), location, out);
                }
                (Kind::Record(_), Kind::Record(_)) => {
                    self.check_names(r, w, location, out);
                    self.check_fields(r, w, location, out);
                }
                (Kind::Union(_), Kind::Union(branches)) => {
                    self.check_branches(branches, (r, w), location, out);
                }
                // Primitives of the same type, arrays and maps of the same primitive.
                _ => {}
            }
            return;
        }

        // A reader is compatible with a writer union when it can read every branch.
        if let Kind::Union(branches) = wk {
            for (i, branch) in branches.iter().enumerate() {
                self.get(Token::Index(i as u32), r, *branch, location, out);
            }
            return;
        }

        match (rk, wk) {
            (Kind::Long, Kind::Int)
            | (Kind::Float, Kind::Int | Kind::Long)
            | (Kind::Double, Kind::Int | Kind::Long | Kind::Float)
            | (Kind::Bytes, Kind::String)
            | (Kind::String, Kind::Bytes) => {}
            (Kind::Union(branches), _) => {
                // A few branches are probed in turn; an index pays for itself only in wide unions.
                let readable = if self.has_primitive_of(branches, wk) {
                    true
                } else if branches.len() <= SMALL_UNION {
                    branches.iter().any(|b| self.probe(*b, w, location))
                } else {
                    let reader = self.reader;
                    let candidates = (self.unions.entry(r))
                        .or_insert_with(|| UnionIndex::of(reader, branches))
                        .candidates(wk);
                    candidates.iter().any(|b| self.probe(*b, w, location))
                };
                if !readable {
                    self.push(out, IncompatibilityType::MissingUnionBranch, r, w, location);
                }
            }
            _ => self.push(out, IncompatibilityType::TypeMismatch, r, w, location),
        }
    }

    /// Whether both are the same primitive type, or unions of the same primitives in the same
    /// order (`["null", "string"]`): compatible, with nothing to look into.
    #[inline]
    fn same_primitive(&self, r: TypeId, w: TypeId) -> bool {
        let (rk, wk) = (self.reader.kind(r), self.writer.kind(w));
        match (rk, wk) {
            (Kind::Union(rb), Kind::Union(wb)) => {
                rb.len() == wb.len()
                    && (rb.iter().zip(wb)).all(|(r, w)| {
                        (self.reader.kind(*r)).is_same_primitive_as(self.writer.kind(*w))
                    })
            }
            _ => rk.is_same_primitive_as(wk),
        }
    }

    /// Whether `writer` is a primitive type and one of the reader union's `branches` is the
    /// same primitive: that branch reads it, so the union does, without probing the others
    /// (`["null", "string"]` read by itself is the most common union of all).
    fn has_primitive_of(&self, branches: &[TypeId], writer: &Kind) -> bool {
        writer.is_primitive()
            && (branches.iter()).any(|b| self.reader.kind(*b).is_same_type_as(writer))
    }

    /// Names match on the unqualified name, or a reader alias names the writer's full name.
    fn check_names(&mut self, r: TypeId, w: TypeId, location: &mut Vec<Token>, out: &mut Vec<Raw>) {
        let (rk, wk) = (self.reader.kind(r), self.writer.kind(w));
        let (Some(rn), Some(wn)) = (rk.name(), wk.name()) else {
            return;
        };
        if rn.name == wn.name || rk.aliases().contains(&wn.fullname()) {
            return;
        }
        location.push(Token::Key(Key::Name));
        self.push(out, IncompatibilityType::NameMismatch, r, w, location);
        location.pop();
    }

    fn check_fields(
        &mut self,
        r: TypeId,
        w: TypeId,
        location: &mut Vec<Token>,
        out: &mut Vec<Raw>,
    ) {
        let (Kind::Record(reader), Kind::Record(writer)) =
            (self.reader.kind(r), self.writer.kind(w))
        else {
            return;
        };
        location.push(Token::Key(Key::Fields));
        // Built only when a field moved: fields usually keep their position.
        let mut by_name: Option<HashMap<&str, usize>> = None;
        // How many leading fields have the same names on both sides.
        let mut in_place = 0;
        for (index, field) in reader.fields.iter().enumerate() {
            location.push(Token::Index(index as u32));
            let writer_field = match writer.fields.get(index).filter(|wf| wf.has_name_of(field)) {
                Some(same_place) => {
                    in_place += usize::from(in_place == index);
                    Some(same_place)
                }
                // Every writer field is a reader field before this one (names are unique), and
                // no alias may name one of them again: a field added at the end.
                None if in_place == writer.fields.len() && field.aliases.is_empty() => None,
                None => {
                    let by_name = by_name.get_or_insert_with(|| {
                        writer
                            .fields
                            .iter()
                            .enumerate()
                            .map(|(i, wf)| (wf.name.as_str(), i))
                            .collect()
                    });
                    by_name
                        .get(field.name.as_str())
                        .or_else(|| {
                            field
                                .aliases
                                .iter()
                                .find_map(|alias| by_name.get(alias.as_str()))
                        })
                        .map(|&i| &writer.fields[i])
                }
            };
            match writer_field {
                // The same primitive reads itself: most fields, not worth a visit.
                Some(wf) if self.same_primitive(field.ty, wf.ty) => {}
                Some(wf) => {
                    self.get(Token::Key(Key::Type), field.ty, wf.ty, location, out);
                }
                None if field.default.is_some() => {}
                None => {
                    if matches!(self.reader.kind(field.ty), Kind::Enum(e) if e.default.is_some()) {
                        // Java compares the field's enum with the whole writer record here.
                        self.get(Token::Key(Key::Type), field.ty, w, location, out);
                    } else {
                        self.push(
                            out,
                            IncompatibilityType::ReaderFieldMissingDefaultValue,
                            r,
                            w,
                            location,
                        );
                        if let Some(last) = out.last_mut() {
                            last.field = Some(index);
                        }
                    }
                }
            }
            location.pop();
        }
        location.pop();
    }

    /// The public form of a finding, with Avro Java's message and location.
    fn describe(&self, raw: &Raw) -> Incompatibility {
        let (reader, writer) = (self.reader, self.writer);
        let (rk, wk) = (reader.kind(raw.reader), writer.kind(raw.writer));
        let mut reader_pos = reader.get(raw.reader).pos;
        let mut field_name = None;
        let message = match raw.kind {
            // Joined rather than formatted: these two are most of the findings of an
            // incompatible pair, and `format!` cost more than finding them.
            IncompatibilityType::TypeMismatch => [
                "reader type: ",
                rk.type_name(),
                " not compatible with writer type: ",
                wk.type_name(),
            ]
            .concat(),
            IncompatibilityType::MissingUnionBranch => [
                "reader union lacking writer type: ",
                writer.kind(raw.subject).type_name(),
            ]
            .concat(),
            IncompatibilityType::NameMismatch => {
                format!(
                    "expected: {}",
                    wk.name().map(|n| n.fullname()).unwrap_or_default()
                )
            }
            IncompatibilityType::FixedSizeMismatch => match (rk, wk) {
                (Kind::Fixed(rf), Kind::Fixed(wf)) => {
                    format!("expected: {}, found: {}", wf.size, rf.size)
                }
                _ => String::new(),
            },
            IncompatibilityType::MissingEnumSymbols => match (rk, wk) {
                // Java prints a TreeSet: sorted, `[A, B]`.
                (Kind::Enum(re), Kind::Enum(we)) => {
                    let mut missing: Vec<&str> = we
                        .symbols
                        .iter()
                        .filter(|s| !re.symbols.contains(s))
                        .map(String::as_str)
                        .collect();
                    missing.sort_unstable();
                    // Written out: `format!` or `join` here made the all-findings bench run 1.8%
                    // more instructions (callgrind).
                    let mut message = String::from("[");
                    for (i, symbol) in missing.iter().enumerate() {
                        if i > 0 {
                            message.push_str(", ");
                        }
                        message.push_str(symbol);
                    }
                    message.push(']');
                    message
                }
                _ => String::new(),
            },
            IncompatibilityType::ReaderFieldMissingDefaultValue => match (rk, raw.field) {
                (Kind::Record(record), Some(index)) => {
                    let field = &record.fields[index];
                    reader_pos = field.pos;
                    field_name = Some(field.name.clone());
                    field.name.clone()
                }
                _ => String::new(),
            },
        };
        Incompatibility {
            kind: raw.kind,
            location: pointer(
                &self.locations[raw.location.start as usize..raw.location.end as usize],
            ),
            message,
            reader: raw.reader,
            writer: raw.writer,
            reader_pos,
            writer_pos: writer.get(raw.writer).pos,
            field: field_name,
            subject: raw.subject,
        }
    }
}

/// Java's `Incompatibility.getLocation()`: the root token dropped, the rest joined.
fn pointer(location: &[Token]) -> String {
    let mut out = String::with_capacity(8 * location.len());
    for token in location.iter().skip(1) {
        out.push('/');
        match token {
            Token::Key(k) => out.push_str(k.as_str()),
            Token::Index(i) => out.push_str(itoa::Buffer::new().format(*i)),
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::avro::parse;

    fn findings(reader: &str, writer: &str) -> Vec<(&'static str, String)> {
        let (reader, writer) = (
            parse("r.avsc", reader).unwrap(),
            parse("w.avsc", writer).unwrap(),
        );
        let found = reader_writer_incompatibilities(&reader, &writer);
        assert_eq!(can_read(&reader, &writer), found.is_empty());
        found
            .into_iter()
            .map(|i| (i.kind.id(), i.location))
            .collect()
    }

    fn record(fields: &str) -> String {
        format!(r#"{{"type": "record", "name": "R", "fields": [{fields}]}}"#)
    }

    #[test]
    fn a_field_after_the_shared_ones_is_read_through_its_alias() {
        let writer = record(r#"{"name": "a", "type": "int"}"#);
        let aliased = record(
            r#"{"name": "a", "type": "int"}, {"name": "b", "type": "string", "aliases": ["a"]}"#,
        );
        assert_eq!(
            findings(&aliased, &writer),
            [("TYPE_MISMATCH", "/fields/1/type".to_owned())],
            "b reads the writer's a"
        );
        let plain = record(r#"{"name": "a", "type": "int"}, {"name": "b", "type": "string"}"#);
        assert_eq!(
            findings(&plain, &writer),
            [("READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1".to_owned())]
        );
    }

    #[test]
    fn long_names_that_share_their_first_sixteen_bytes_are_different_fields() {
        let writer = record(r#"{"name": "customer_address_line1", "type": "string"}"#);
        let reader = record(r#"{"name": "customer_address_line2", "type": "string"}"#);
        assert_eq!(
            findings(&reader, &writer),
            [("READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/0".to_owned())]
        );
        assert!(findings(&writer, &writer).is_empty());
        let short = |name: &str| record(&format!(r#"{{"name": "{name}", "type": "int"}}"#));
        assert!(!findings(&short("ab"), &short("abc")).is_empty());
        assert!(findings(&short("abc"), &short("abc")).is_empty());
    }

    #[test]
    fn unions_of_primitives_are_compared_branch_by_branch_unless_equal() {
        let field = |ty: &str| record(&format!(r#"{{"name": "a", "type": {ty}}}"#));
        let nullable = field(r#"["null", "string"]"#);
        assert!(findings(&nullable, &nullable).is_empty());
        assert!(findings(&nullable, &field(r#"["string", "null"]"#)).is_empty());
        assert_eq!(
            findings(&nullable, &field(r#"["null", "long"]"#)),
            [("MISSING_UNION_BRANCH", "/fields/0/type/1".to_owned())]
        );
        assert!(findings(&field(r#"["null", "long"]"#), &field(r#"["null", "int"]"#)).is_empty());
        assert_eq!(
            findings(
                &field(r#"{"type": "array", "items": "int"}"#),
                &field(r#"{"type": "array", "items": "long"}"#)
            ),
            [("TYPE_MISMATCH", "/fields/0/type/items".to_owned())]
        );
    }

    #[test]
    fn nested_records_named_once_are_checked_where_they_are() {
        let nested = |ty: &str| {
            record(&format!(
                r#"{{"name": "n", "type": {{"type": "record", "name": "N", "fields": [{{"name": "x", "type": "{ty}"}}]}}}}"#
            ))
        };
        assert_eq!(
            findings(&nested("int"), &nested("long")),
            [("TYPE_MISMATCH", "/fields/0/type/fields/0/type".to_owned())]
        );
        assert!(findings(&nested("long"), &nested("int")).is_empty());
    }
}
