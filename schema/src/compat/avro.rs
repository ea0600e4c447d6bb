//! Avro reader/writer compatibility with the semantics of Apache Avro Java's
//! `SchemaCompatibility`, which Confluent Schema Registry calls: the same rules, the same
//! incompatibility types, messages and locations, in the same order, every one of them.
//!
//! Pairs of types are memoised by identity, as Java does: a pair met again returns its first
//! result, and a pair met while it is being checked (recursion) counts as compatible.

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
    location: Rc<[Token]>,
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

/// One step of the location: a keyword or an index.
#[derive(Debug, Clone, Copy)]
enum Token {
    Key(&'static str),
    Index(usize),
}

struct Checker<'s> {
    reader: &'s AvroSchema,
    writer: &'s AvroSchema,
    memo: HashMap<(TypeId, TypeId), Memo, BuildHasherDefault<PairHasher>>,
    /// Location stacks of finished fresh checks, reused by the next ones.
    spare_locations: Vec<Vec<Token>>,
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

fn is_named(kind: &Kind) -> bool {
    matches!(kind, Kind::Record(_) | Kind::Enum(_) | Kind::Fixed(_))
}

impl<'s> Checker<'s> {
    fn new(reader: &'s AvroSchema, writer: &'s AvroSchema, first_only: bool) -> Self {
        Checker {
            reader,
            writer,
            memo: HashMap::with_capacity_and_hasher(16, BuildHasherDefault::default()),
            spare_locations: Vec::new(),
            first_only,
            unions: HashMap::new(),
        }
    }

    /// A check that starts its own location stack, as Java's two-argument `getCompatibility`.
    fn fresh(&mut self, r: TypeId, w: TypeId, out: &mut Vec<Raw>) -> bool {
        let mut location = self.spare_locations.pop().unwrap_or_default();
        let compatible = self.get(Token::Key(""), r, w, &mut location, out);
        location.clear();
        self.spare_locations.push(location);
        compatible
    }

    /// Whether a pair is compatible, checked from a fresh location; what it finds is not reported.
    fn probe(&mut self, r: TypeId, w: TypeId) -> bool {
        let mut scratch = Vec::new();
        self.fresh(r, w, &mut scratch)
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
        // Only named types can be reached twice or recursively: every other node appears once in
        // its schema, so its pairs are met once and need no memo.
        if !is_named(self.reader.kind(r)) && !is_named(self.writer.kind(w)) {
            self.calculate(r, w, location, out);
        } else {
            match self.memo.get(&(r, w)) {
                Some(Memo::InProgress) => {}
                // Met again along another path: its findings were reported where it was first
                // reached; here one finding stands for them (so the verdict holds), and the
                // report grows with the schemas, not with the paths through them.
                Some(Memo::Done(Some(found))) => {
                    if let Some(first) = found.first() {
                        out.push(Raw {
                            location: location.as_slice().into(),
                            ..first.clone()
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

    fn push(
        &self,
        out: &mut Vec<Raw>,
        kind: IncompatibilityType,
        r: TypeId,
        w: TypeId,
        location: &[Token],
    ) {
        out.push(Raw {
            kind,
            location: location.into(),
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
            we.symbols.iter().any(|s| !re.symbols.contains(s))
        } else {
            let reader_symbols: std::collections::HashSet<&str> =
                re.symbols.iter().map(String::as_str).collect();
            we.symbols
                .iter()
                .any(|s| !reader_symbols.contains(s.as_str()))
        };
        let reader_default_ok = re.default.as_ref().is_some_and(|d| re.symbols.contains(d));
        if missing && !reader_default_ok {
            location.push(Token::Key("symbols"));
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
        for (i, branch) in branches.iter().enumerate() {
            location.push(Token::Index(i));
            if !self.probe(r, *branch) {
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
        if std::mem::discriminant(rk) == std::mem::discriminant(wk) {
            match (rk, wk) {
                (Kind::Array(ri), Kind::Array(wi)) => {
                    self.get(Token::Key("items"), *ri, *wi, location, out);
                }
                (Kind::Map(rv), Kind::Map(wv)) => {
                    self.get(Token::Key("values"), *rv, *wv, location, out);
                }
                (Kind::Fixed(rf), Kind::Fixed(wf)) => {
                    self.check_names(r, w, location, out);
                    if rf.size != wf.size {
                        location.push(Token::Key("size"));
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
                // Primitives of the same type.
                _ => {}
            }
            return;
        }

        // A reader is compatible with a writer union when it can read every branch.
        if let Kind::Union(branches) = wk {
            for (i, branch) in branches.iter().enumerate() {
                self.get(Token::Index(i), r, *branch, location, out);
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
                let readable = if branches.len() <= SMALL_UNION {
                    branches.iter().any(|b| self.probe(*b, w))
                } else {
                    let reader = self.reader;
                    let candidates = (self.unions.entry(r))
                        .or_insert_with(|| UnionIndex::of(reader, branches))
                        .candidates(wk);
                    candidates.iter().any(|b| self.probe(*b, w))
                };
                if !readable {
                    self.push(out, IncompatibilityType::MissingUnionBranch, r, w, location);
                }
            }
            _ => self.push(out, IncompatibilityType::TypeMismatch, r, w, location),
        }
    }

    /// Names match on the unqualified name, or a reader alias names the writer's full name.
    fn check_names(&self, r: TypeId, w: TypeId, location: &mut Vec<Token>, out: &mut Vec<Raw>) {
        let (rk, wk) = (self.reader.kind(r), self.writer.kind(w));
        let (Some(rn), Some(wn)) = (rk.name(), wk.name()) else {
            return;
        };
        if rn.name == wn.name || rk.aliases().contains(&wn.fullname()) {
            return;
        }
        location.push(Token::Key("name"));
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
        location.push(Token::Key("fields"));
        // Built only when a field moved: fields usually keep their position.
        let mut by_name: Option<HashMap<&str, usize>> = None;
        for (index, field) in reader.fields.iter().enumerate() {
            location.push(Token::Index(index));
            let writer_field = match writer.fields.get(index).filter(|wf| wf.name == field.name) {
                Some(same_place) => Some(same_place),
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
                Some(wf) => {
                    self.get(Token::Key("type"), field.ty, wf.ty, location, out);
                }
                None if field.default.is_some() => {}
                None => {
                    if matches!(self.reader.kind(field.ty), Kind::Enum(e) if e.default.is_some()) {
                        // Java compares the field's enum with the whole writer record here.
                        self.get(Token::Key("type"), field.ty, w, location, out);
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
            IncompatibilityType::TypeMismatch => format!(
                "reader type: {} not compatible with writer type: {}",
                rk.type_name(),
                wk.type_name()
            ),
            IncompatibilityType::MissingUnionBranch => {
                format!(
                    "reader union lacking writer type: {}",
                    writer.kind(raw.subject).type_name()
                )
            }
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
                    format!("[{}]", missing.join(", "))
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
            location: pointer(&raw.location),
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

/// Java's `Incompatibility.getLocation()`: the root token dropped, the rest joined and escaped.
fn pointer(location: &[Token]) -> String {
    let tokens: Vec<String> = location
        .iter()
        .skip(1)
        .map(|t| match t {
            Token::Key(k) if k.contains(['~', '/']) => k.replace('~', "~0").replace('/', "~1"),
            Token::Key(k) => (*k).to_owned(),
            Token::Index(i) => i.to_string(),
        })
        .collect();
    format!("/{}", tokens.join("/"))
}
