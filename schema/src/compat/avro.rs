//! Avro reader/writer compatibility with the semantics of Apache Avro Java's
//! `SchemaCompatibility`, which Confluent Schema Registry calls: the same rules, the same
//! incompatibility types, messages and locations, in the same order, every one of them.
//!
//! Pairs of types are memoised by identity, as Java does: a pair met again returns its first
//! result, and a pair met while it is being checked (recursion) counts as compatible.

use std::collections::HashMap;
use std::rc::Rc;

use crate::avro::{AvroSchema, Kind, TypeId};
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
}

/// Every reason why data written with `writer` cannot be read with `reader`; empty when it can.
pub fn reader_writer_incompatibilities(
    reader: &AvroSchema,
    writer: &AvroSchema,
) -> Vec<Incompatibility> {
    let mut checker = Checker {
        reader,
        writer,
        memo: HashMap::new(),
    };
    let result = checker.fresh(reader.root(), writer.root());
    Rc::try_unwrap(result).unwrap_or_else(|shared| (*shared).clone())
}

type Found = Rc<Vec<Incompatibility>>;

enum Memo {
    InProgress,
    Done(Found),
}

struct Checker<'s> {
    reader: &'s AvroSchema,
    writer: &'s AvroSchema,
    memo: HashMap<(TypeId, TypeId), Memo>,
}

fn none() -> Found {
    Rc::new(Vec::new())
}

fn merge(into: &mut Vec<Incompatibility>, found: &Found) {
    into.extend(found.iter().cloned());
}

impl Checker<'_> {
    /// A check that starts its own location stack, as Java's two-argument `getCompatibility`.
    fn fresh(&mut self, r: TypeId, w: TypeId) -> Found {
        let mut location = Vec::new();
        self.get("", r, w, &mut location)
    }

    fn get(&mut self, token: &str, r: TypeId, w: TypeId, location: &mut Vec<String>) -> Found {
        location.push(token.to_owned());
        let result = match self.memo.get(&(r, w)) {
            Some(Memo::InProgress) => none(),
            Some(Memo::Done(found)) => found.clone(),
            None => {
                self.memo.insert((r, w), Memo::InProgress);
                let found = Rc::new(self.calculate(r, w, location));
                self.memo.insert((r, w), Memo::Done(found.clone()));
                found
            }
        };
        location.pop();
        result
    }

    fn incompatible(
        &self,
        kind: IncompatibilityType,
        r: TypeId,
        w: TypeId,
        message: String,
        location: &[String],
    ) -> Incompatibility {
        Incompatibility {
            kind,
            location: pointer(location),
            message,
            reader: r,
            writer: w,
            reader_pos: self.reader.get(r).pos,
            writer_pos: self.writer.get(w).pos,
            field: None,
        }
    }

    fn type_mismatch(&self, r: TypeId, w: TypeId, location: &[String]) -> Vec<Incompatibility> {
        let message = format!(
            "reader type: {} not compatible with writer type: {}",
            self.reader.kind(r).type_name(),
            self.writer.kind(w).type_name()
        );
        vec![self.incompatible(IncompatibilityType::TypeMismatch, r, w, message, location)]
    }

    fn calculate(
        &mut self,
        r: TypeId,
        w: TypeId,
        location: &mut Vec<String>,
    ) -> Vec<Incompatibility> {
        let (reader, writer) = (self.reader, self.writer);
        let (rk, wk) = (reader.kind(r), writer.kind(w));
        let mut result = Vec::new();
        if std::mem::discriminant(rk) == std::mem::discriminant(wk) {
            match (rk, wk) {
                (Kind::Array(ri), Kind::Array(wi)) => {
                    merge(&mut result, &self.get("items", *ri, *wi, location))
                }
                (Kind::Map(rv), Kind::Map(wv)) => {
                    merge(&mut result, &self.get("values", *rv, *wv, location))
                }
                (Kind::Fixed(rf), Kind::Fixed(wf)) => {
                    result.extend(self.check_names(r, w, location));
                    if rf.size != wf.size {
                        location.push("size".into());
                        let message = format!("expected: {}, found: {}", wf.size, rf.size);
                        result.push(self.incompatible(
                            IncompatibilityType::FixedSizeMismatch,
                            r,
                            w,
                            message,
                            location,
                        ));
                        location.pop();
                    }
                }
                (Kind::Enum(re), Kind::Enum(we)) => {
                    result.extend(self.check_names(r, w, location));
                    location.push("symbols".into());
                    let mut missing: Vec<&String> = we
                        .symbols
                        .iter()
                        .filter(|s| !re.symbols.contains(s))
                        .collect();
                    let reader_default_ok =
                        re.default.as_ref().is_some_and(|d| re.symbols.contains(d));
                    if !missing.is_empty() && !reader_default_ok {
                        // Java prints a TreeSet: sorted, `[A, B]`.
                        missing.sort();
                        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                        let message = format!("[{}]", names.join(", "));
                        result.push(self.incompatible(
                            IncompatibilityType::MissingEnumSymbols,
                            r,
                            w,
                            message,
                            location,
                        ));
                    }
                    location.pop();
                }
                (Kind::Record(_), Kind::Record(_)) => {
                    result.extend(self.check_names(r, w, location));
                    self.check_fields(r, w, location, &mut result);
                }
                (Kind::Union(_), Kind::Union(branches)) => {
                    for (i, branch) in branches.iter().enumerate() {
                        location.push(i.to_string());
                        if !self.fresh(r, *branch).is_empty() {
                            let message = format!(
                                "reader union lacking writer type: {}",
                                writer.kind(*branch).type_name()
                            );
                            result.push(self.incompatible(
                                IncompatibilityType::MissingUnionBranch,
                                r,
                                w,
                                message,
                                location,
                            ));
                        }
                        location.pop();
                    }
                }
                // Primitives of the same type.
                _ => {}
            }
            return result;
        }

        // A reader is compatible with a writer union when it can read every branch.
        if let Kind::Union(branches) = wk {
            for (i, branch) in branches.iter().enumerate() {
                merge(&mut result, &self.get(&i.to_string(), r, *branch, location));
            }
            return result;
        }

        match (rk, wk) {
            (Kind::Long, Kind::Int)
            | (Kind::Float, Kind::Int | Kind::Long)
            | (Kind::Double, Kind::Int | Kind::Long | Kind::Float)
            | (Kind::Bytes, Kind::String)
            | (Kind::String, Kind::Bytes) => {}
            (Kind::Union(branches), _) => {
                let readable = branches.iter().any(|b| self.fresh(*b, w).is_empty());
                if !readable {
                    let message = format!("reader union lacking writer type: {}", wk.type_name());
                    result.push(self.incompatible(
                        IncompatibilityType::MissingUnionBranch,
                        r,
                        w,
                        message,
                        location,
                    ));
                }
            }
            _ => result.extend(self.type_mismatch(r, w, location)),
        }
        result
    }

    /// Names match on the unqualified name, or a reader alias names the writer's full name.
    fn check_names(
        &self,
        r: TypeId,
        w: TypeId,
        location: &mut Vec<String>,
    ) -> Option<Incompatibility> {
        let (rk, wk) = (self.reader.kind(r), self.writer.kind(w));
        let (rn, wn) = (rk.name()?, wk.name()?);
        let writer_full = wn.fullname();
        if rn.name == wn.name || rk.aliases().contains(&writer_full) {
            return None;
        }
        location.push("name".into());
        let message = format!("expected: {writer_full}");
        let found = self.incompatible(IncompatibilityType::NameMismatch, r, w, message, location);
        location.pop();
        Some(found)
    }

    fn check_fields(
        &mut self,
        r: TypeId,
        w: TypeId,
        location: &mut Vec<String>,
        result: &mut Vec<Incompatibility>,
    ) {
        let (Kind::Record(reader), Kind::Record(writer)) =
            (self.reader.kind(r), self.writer.kind(w))
        else {
            return;
        };
        location.push("fields".into());
        for (index, field) in reader.fields.iter().enumerate() {
            location.push(index.to_string());
            let writer_field = writer
                .fields
                .iter()
                .find(|wf| wf.name == field.name)
                .or_else(|| {
                    field
                        .aliases
                        .iter()
                        .find_map(|alias| writer.fields.iter().find(|wf| &wf.name == alias))
                });
            match writer_field {
                Some(wf) => merge(result, &self.get("type", field.ty, wf.ty, location)),
                None if field.default.is_some() => {}
                None => {
                    let reader_enum_default = match self.reader.kind(field.ty) {
                        Kind::Enum(e) => e.default.is_some(),
                        _ => false,
                    };
                    if reader_enum_default {
                        // Java compares the field's enum with the whole writer record here.
                        merge(result, &self.get("type", field.ty, w, location));
                    } else {
                        let mut found = self.incompatible(
                            IncompatibilityType::ReaderFieldMissingDefaultValue,
                            r,
                            w,
                            field.name.clone(),
                            location,
                        );
                        found.reader_pos = field.pos;
                        found.field = Some(field.name.clone());
                        result.push(found);
                    }
                }
            }
            location.pop();
        }
        location.pop();
    }
}

/// Java's `Incompatibility.getLocation()`: the root token dropped, the rest joined and escaped.
fn pointer(location: &[String]) -> String {
    let tokens: Vec<String> = location
        .iter()
        .skip(1)
        .map(|t| t.replace('~', "~0").replace('/', "~1"))
        .collect();
    format!("/{}", tokens.join("/"))
}
