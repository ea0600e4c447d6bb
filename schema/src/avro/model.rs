//! The Avro schema model: an arena of types, so that recursive and shared named types are plain
//! indices and a reader/writer pair can be memoised by identity, as Avro Java does.

use crate::source::{Node, Pos};

/// Index of a type in its [`AvroSchema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub(crate) u32);

/// A parsed Avro schema: every type it defines or uses, and the root.
///
/// Each occurrence of a primitive, array, map or union is its own node; a named type (record,
/// enum, fixed) is one node however often it is referenced.
#[derive(Debug, Clone)]
pub struct AvroSchema {
    pub(crate) types: Vec<AvroType>,
    pub(crate) root: TypeId,
    /// The file the root was read from.
    pub file: String,
    /// Every file read: referenced files first, the root's last (`AvroType::file` indexes it).
    pub(crate) files: Vec<String>,
    /// The root file's top level, with the positions of its members.
    pub(crate) top: Node,
}

impl AvroSchema {
    /// The root file's top-level value with the positions of its members (their own values
    /// stand as `null`): where a key such as `name` or `doc` is written.
    pub fn top_level(&self) -> &Node {
        &self.top
    }

    /// The root type.
    pub fn root(&self) -> TypeId {
        self.root
    }

    /// The type behind an id.
    pub fn get(&self, id: TypeId) -> &AvroType {
        &self.types[id.0 as usize]
    }

    /// The file a type was defined in (a referenced file for shared named types).
    pub fn file_of(&self, id: TypeId) -> &str {
        self.files
            .get(self.get(id).file as usize)
            .map_or(self.file.as_str(), String::as_str)
    }

    /// The kind of the type behind an id.
    pub fn kind(&self, id: TypeId) -> &Kind {
        &self.get(id).kind
    }

    /// Every named type (record, enum, fixed) reachable in this schema, in definition order.
    pub fn named_types(&self) -> impl Iterator<Item = (TypeId, &Name)> {
        self.types
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.kind.name().map(|n| (TypeId(i as u32), n)))
    }
}

/// One node of the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct AvroType {
    /// What it is.
    pub kind: Kind,
    /// Where it is written (for a named type, where it is defined).
    pub pos: Pos,
    /// The `logicalType` annotation, when it is one this crate knows and it is valid here.
    pub logical: Option<LogicalType>,
    /// The file it was read from (named types may come from referenced files).
    pub file: u32,
    /// Whether the schema names this type besides defining it (a reference, perhaps recursive):
    /// only such a type can be reached along more than one path.
    pub(crate) referenced: bool,
}

impl AvroType {
    /// Whether the schema names this type besides defining it, so that it may be reached along
    /// more than one path (or recursively).
    pub fn is_referenced(&self) -> bool {
        self.referenced
    }
}

/// The Avro types.
// An explicit tag: the compatibility checker compares kinds at every node, and a niche-encoded
// discriminant costs several instructions to read.
#[derive(Debug, Clone, PartialEq)]
#[repr(u8)]
pub enum Kind {
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// 32-bit `int`
    Int,
    /// 64-bit `long`
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `bytes`
    Bytes,
    /// `string`
    String,
    /// `{"type": "array", "items": ...}`
    Array(TypeId),
    /// `{"type": "map", "values": ...}`
    Map(TypeId),
    /// `[...]`
    Union(Vec<TypeId>),
    /// `{"type": "record", ...}` (and `error`)
    Record(Record),
    /// `{"type": "enum", ...}`
    Enum(Enum),
    /// `{"type": "fixed", ...}`
    Fixed(Fixed),
}

impl Kind {
    /// Whether this is one of the eight primitive types.
    #[inline]
    pub fn is_primitive(&self) -> bool {
        matches!(
            self,
            Kind::Null
                | Kind::Boolean
                | Kind::Int
                | Kind::Long
                | Kind::Float
                | Kind::Double
                | Kind::Bytes
                | Kind::String
        )
    }

    /// Whether both are the same type (both records, both `long`, ...), whatever is inside.
    #[inline]
    pub(crate) fn is_same_type_as(&self, other: &Kind) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// Whether both are the same primitive type: it reads itself, with nothing inside to look at.
    #[inline]
    pub(crate) fn is_same_primitive_as(&self, other: &Kind) -> bool {
        self.is_primitive() && self.is_same_type_as(other)
    }

    /// The type's name in Avro Java's `Schema.Type` spelling, used in messages that must match it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Null => "NULL",
            Kind::Boolean => "BOOLEAN",
            Kind::Int => "INT",
            Kind::Long => "LONG",
            Kind::Float => "FLOAT",
            Kind::Double => "DOUBLE",
            Kind::Bytes => "BYTES",
            Kind::String => "STRING",
            Kind::Array(_) => "ARRAY",
            Kind::Map(_) => "MAP",
            Kind::Union(_) => "UNION",
            Kind::Record(_) => "RECORD",
            Kind::Enum(_) => "ENUM",
            Kind::Fixed(_) => "FIXED",
        }
    }

    /// The name of a named type.
    pub fn name(&self) -> Option<&Name> {
        match self {
            Kind::Record(r) => Some(&r.name),
            Kind::Enum(e) => Some(&e.name),
            Kind::Fixed(f) => Some(&f.name),
            _ => None,
        }
    }

    /// The aliases (full names) of a named type.
    pub fn aliases(&self) -> &[String] {
        match self {
            Kind::Record(r) => &r.aliases,
            Kind::Enum(e) => &e.aliases,
            Kind::Fixed(f) => &f.aliases,
            _ => &[],
        }
    }
}

/// The name of a named type. Anonymous records are tolerated only when the parser is told to
/// (schemas built in code, as in some upstream test suites).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    /// The unqualified name (empty for an anonymous record).
    pub name: String,
    /// The namespace, if any.
    pub namespace: Option<String>,
}

impl Name {
    /// `namespace.name`, or `name` when there is no namespace.
    pub fn fullname(&self) -> String {
        match &self.namespace {
            Some(ns) if !ns.is_empty() => format!("{ns}.{}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// A record (or error) type.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Its name.
    pub name: Name,
    /// Other full names it answers to when it is the reader.
    pub aliases: Vec<String>,
    /// `doc`
    pub doc: Option<String>,
    /// The fields, in order.
    pub fields: Vec<Field>,
}

/// A field of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Other names it answers to when it is the reader.
    pub aliases: Vec<String>,
    /// Its type.
    pub ty: TypeId,
    /// Its default value, already checked against its type.
    pub default: Option<serde_json::Value>,
    /// `doc`
    pub doc: Option<String>,
    /// Where the field's object starts.
    pub pos: Pos,
    /// See [`NameKey`].
    pub(crate) key: NameKey,
}

impl Field {
    /// Whether both fields have the same name.
    #[inline]
    pub fn has_name_of(&self, other: &Field) -> bool {
        self.key == other.key && (self.name.len() <= NameKey::EXACT || self.name == other.name)
    }
}

/// A name's length and first sixteen bytes, kept beside it: different keys mean different names,
/// and equal keys equal names of up to sixteen bytes. A record's check compares one name per
/// field, and the key spares most of them a look at bytes stored elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameKey {
    len: usize,
    prefix: [u8; NameKey::EXACT],
}

impl NameKey {
    const EXACT: usize = 16;

    pub(crate) fn of(name: &str) -> Self {
        let mut prefix = [0; Self::EXACT];
        let head = &name.as_bytes()[..name.len().min(Self::EXACT)];
        prefix[..head.len()].copy_from_slice(head);
        NameKey {
            len: name.len(),
            prefix,
        }
    }
}

/// An enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// Its name.
    pub name: Name,
    /// Other full names it answers to when it is the reader.
    pub aliases: Vec<String>,
    /// `doc`
    pub doc: Option<String>,
    /// The symbols, in order.
    pub symbols: Vec<String>,
    /// The symbol a reader uses for a writer symbol it does not know.
    pub default: Option<String>,
}

/// A fixed type.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    /// Its name.
    pub name: Name,
    /// Other full names it answers to when it is the reader.
    pub aliases: Vec<String>,
    /// Its size in bytes.
    pub size: u64,
}

/// The logical types of the Avro 1.11/1.12 specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogicalType {
    /// `decimal` on `bytes` or `fixed`.
    Decimal {
        /// Total digits.
        precision: u32,
        /// Digits after the point.
        scale: u32,
    },
    /// `uuid` on `string` or `fixed(16)`.
    Uuid,
    /// `date` on `int`.
    Date,
    /// `time-millis` on `int`.
    TimeMillis,
    /// `time-micros` on `long`.
    TimeMicros,
    /// `timestamp-millis` on `long`.
    TimestampMillis,
    /// `timestamp-micros` on `long`.
    TimestampMicros,
    /// `timestamp-nanos` on `long`.
    TimestampNanos,
    /// `local-timestamp-millis` on `long`.
    LocalTimestampMillis,
    /// `local-timestamp-micros` on `long`.
    LocalTimestampMicros,
    /// `local-timestamp-nanos` on `long`.
    LocalTimestampNanos,
    /// `duration` on `fixed(12)`.
    Duration,
}

impl LogicalType {
    /// The spelling in `logicalType`.
    pub fn as_str(&self) -> &'static str {
        match self {
            LogicalType::Decimal { .. } => "decimal",
            LogicalType::Uuid => "uuid",
            LogicalType::Date => "date",
            LogicalType::TimeMillis => "time-millis",
            LogicalType::TimeMicros => "time-micros",
            LogicalType::TimestampMillis => "timestamp-millis",
            LogicalType::TimestampMicros => "timestamp-micros",
            LogicalType::TimestampNanos => "timestamp-nanos",
            LogicalType::LocalTimestampMillis => "local-timestamp-millis",
            LogicalType::LocalTimestampMicros => "local-timestamp-micros",
            LogicalType::LocalTimestampNanos => "local-timestamp-nanos",
            LogicalType::Duration => "duration",
        }
    }
}
