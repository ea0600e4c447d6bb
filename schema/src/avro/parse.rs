//! Avro schema JSON to [`AvroSchema`], with the checks of the Avro specification: names, duplicate
//! fields and symbols, unions, fixed sizes, enum defaults and field defaults against their types.
//!
//! Named types may be used before they are defined and may come from other files (Confluent's schema
//! references): references are resolved once everything has been read.

use std::collections::HashMap;

use super::model::*;
use crate::error::SchemaError;
use crate::source::{self, Member, Node, Pos, Value};

/// How to read Avro schemas.
#[derive(Debug, Clone, Default)]
pub struct AvroParser {
    allow_anonymous_records: bool,
}

/// A schema file: the name to show in messages, and its text.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// The path as the user should see it.
    pub name: &'a str,
    /// The file's content.
    pub text: &'a str,
}

impl AvroParser {
    /// The parser for schema files: every record must have a name, as the specification says.
    pub fn new() -> Self {
        AvroParser::default()
    }

    /// Accept records without a `name`, as schemas built in code (Avro Java's
    /// `Schema.createRecord(null, ...)`) serialise. Never used for files.
    pub fn allow_anonymous_records(mut self, allow: bool) -> Self {
        self.allow_anonymous_records = allow;
        self
    }

    /// Parses one schema file.
    ///
    /// # Errors
    /// The first problem found, with its file, line and column.
    pub fn parse(&self, file: SourceFile<'_>) -> Result<AvroSchema, SchemaError> {
        self.parse_with_references(file, &[])
    }

    /// Parses a schema whose named types may be defined in `references` (read first, in order,
    /// as a registry does with a schema's references).
    ///
    /// # Errors
    /// The first problem found in any of the files, with its file, line and column.
    pub fn parse_with_references(
        &self,
        file: SourceFile<'_>,
        references: &[SourceFile<'_>],
    ) -> Result<AvroSchema, SchemaError> {
        let mut builder = Builder {
            options: self,
            types: Vec::new(),
            names: HashMap::new(),
            pending: Vec::new(),
            defaults: Vec::new(),
            unions: Vec::new(),
            files: Vec::new(),
            placeholders: HashMap::new(),
        };
        for reference in references {
            let node = builder.read_file(*reference)?;
            builder.parse_type(&node, None)?;
        }
        let node = builder.read_file(file)?;
        let root = builder.parse_type(&node, None)?;
        builder.resolve()?;
        let root = builder.resolved(root);
        builder.check_unions()?;
        builder.check_depth(root)?;
        builder.check_defaults()?;
        Ok(AvroSchema {
            types: builder.types,
            root,
            file: file.name.to_owned(),
            files: builder.files,
            top: node.top_level(),
        })
    }
}

/// Parses one Avro schema file with the default options.
///
/// # Errors
/// See [`AvroParser::parse`].
pub fn parse(name: &str, text: &str) -> Result<AvroSchema, SchemaError> {
    AvroParser::new().parse(SourceFile { name, text })
}

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

struct Builder<'o> {
    options: &'o AvroParser,
    types: Vec<AvroType>,
    /// Full name of every named type defined so far.
    names: HashMap<String, TypeId>,
    /// Name references not yet resolved: the placeholder node and the full names to try.
    pending: Vec<(TypeId, Vec<String>, Pos, u32)>,
    /// Field defaults, validated once every type is known.
    defaults: Vec<(TypeId, serde_json::Value, Pos, u32, String)>,
    /// Unions, validated once every type is known.
    unions: Vec<TypeId>,
    files: Vec<String>,
    /// Placeholder of a forward reference to the type it named, once resolved.
    placeholders: HashMap<TypeId, TypeId>,
}

impl Builder<'_> {
    /// Parses a file's JSON; its types are read next, as from this file.
    fn read_file(&mut self, file: SourceFile<'_>) -> Result<Node, SchemaError> {
        let node = source::parse(file.text).map_err(|e| SchemaError::syntax(file.name, e))?;
        self.files.push(file.name.to_owned());
        Ok(node)
    }

    fn file_index(&self) -> u32 {
        self.files.len() as u32 - 1
    }

    fn error(&self, pos: Pos, message: impl Into<String>) -> SchemaError {
        SchemaError::new(self.files.last().map_or("", String::as_str), pos, message)
    }

    fn error_in(&self, file: u32, pos: Pos, message: impl Into<String>) -> SchemaError {
        SchemaError::new(&self.files[file as usize], pos, message)
    }

    fn push(&mut self, kind: Kind, pos: Pos) -> TypeId {
        let id = TypeId(self.types.len() as u32);
        let file = self.file_index();
        self.types.push(AvroType {
            kind,
            pos,
            logical: None,
            file,
            referenced: false,
        });
        id
    }

    fn parse_type(&mut self, node: &Node, namespace: Option<&str>) -> Result<TypeId, SchemaError> {
        match &node.value {
            Value::String(name) => self.type_by_name(name, namespace, node.pos),
            Value::Array(branches) => {
                let mut ids = Vec::with_capacity(branches.len());
                for branch in branches {
                    ids.push(self.parse_type(branch, namespace)?);
                }
                let id = self.push(Kind::Union(ids), node.pos);
                self.unions.push(id);
                Ok(id)
            }
            Value::Object(_) => self.parse_object(node, namespace),
            _ => Err(self
                .error(node.pos, format!("expected an Avro schema, found {}", node.kind()))
                .with_help("a schema is a type name such as \"string\", an object such as {\"type\": \"record\", ...}, or an array (a union)")),
        }
    }

    fn type_by_name(
        &mut self,
        name: &str,
        namespace: Option<&str>,
        pos: Pos,
    ) -> Result<TypeId, SchemaError> {
        if let Some(kind) = primitive(name) {
            return Ok(self.push(kind, pos));
        }
        let candidates = if name.contains('.') {
            vec![name.to_owned()]
        } else {
            match namespace {
                Some(ns) if !ns.is_empty() => vec![format!("{ns}.{name}"), name.to_owned()],
                _ => vec![name.to_owned()],
            }
        };
        if let Some(&id) = candidates.iter().find_map(|c| self.names.get(c)) {
            self.types[id.0 as usize].referenced = true;
            return Ok(id);
        }
        for part in name.split('.') {
            if !is_valid_name(part) {
                return Err(self.unknown_type(name, pos));
            }
        }
        // Not defined yet: it may be defined later in this file or never. Decide at the end.
        let placeholder = self.push(Kind::Null, pos);
        let file = self.file_index();
        self.pending.push((placeholder, candidates, pos, file));
        Ok(placeholder)
    }

    fn unknown_type(&self, name: &str, pos: Pos) -> SchemaError {
        let err = self.error(pos, format!("unknown type `{name}`"));
        let suggestion = match name {
            "integer" | "int32" | "i32" => Some("int"),
            "int64" | "i64" => Some("long"),
            "bool" => Some("boolean"),
            "str" | "text" => Some("string"),
            "number" | "decimal" | "float64" => Some("double"),
            "binary" => Some("bytes"),
            "list" => Some("array"),
            "object" | "struct" => Some("record"),
            _ => None,
        };
        match suggestion {
            Some(s) => err.with_help(format!("Avro spells this type `{s}`")),
            None => err.with_help(
                "use a primitive type (null, boolean, int, long, float, double, bytes, string) or the name of a record, enum or fixed defined earlier",
            ),
        }
    }

    fn parse_object(
        &mut self,
        node: &Node,
        namespace: Option<&str>,
    ) -> Result<TypeId, SchemaError> {
        let Some(type_member) = node.get("type") else {
            return Err(self
                .error(node.pos, "schema object has no `type`")
                .with_help(
                    "add \"type\": \"record\" (or enum, fixed, array, map, or a primitive)",
                ));
        };
        let type_name = match &type_member.value.value {
            Value::String(s) => s.as_str(),
            // `{"type": {...}}` or `{"type": [...]}`: the nested schema is the type.
            _ => return self.parse_type(&type_member.value, namespace),
        };
        let id = match type_name {
            "record" | "error" => self.parse_record(node, namespace)?,
            "enum" => self.parse_enum(node, namespace)?,
            "fixed" => self.parse_fixed(node, namespace)?,
            "array" => {
                let items =
                    self.required(node, "items", "add \"items\": the type of the elements")?;
                let items = self.parse_type(&items.value, namespace)?;
                self.push(Kind::Array(items), node.pos)
            }
            "map" => {
                let values = self.required(
                    node,
                    "values",
                    "add \"values\": the type of the map's values",
                )?;
                let values = self.parse_type(&values.value, namespace)?;
                self.push(Kind::Map(values), node.pos)
            }
            other => {
                if let Some(kind) = primitive(other) {
                    self.push(kind, node.pos)
                } else {
                    // `{"type": "com.example.Money"}` refers to a named type.
                    return self.type_by_name(other, namespace, type_member.value.pos);
                }
            }
        };
        self.apply_logical_type(id, node);
        Ok(id)
    }

    fn required<'n>(
        &self,
        node: &'n Node,
        key: &str,
        help: &str,
    ) -> Result<&'n Member, SchemaError> {
        node.get(key).ok_or_else(|| {
            self.error(node.pos, format!("missing `{key}`"))
                .with_help(help)
        })
    }

    fn optional_string(&self, node: &Node, key: &str) -> Result<Option<String>, SchemaError> {
        match node.get(key) {
            None => Ok(None),
            Some(m) => match &m.value.value {
                Value::String(s) => Ok(Some(s.clone())),
                _ => Err(self.error(
                    m.value.pos,
                    format!("`{key}` must be a string, found {}", m.value.kind()),
                )),
            },
        }
    }

    /// Reads `name` and `namespace` of a named type as the specification says: a dotted name
    /// carries its namespace, else `namespace`, else the enclosing one.
    fn named(&self, node: &Node, namespace: Option<&str>, kind: &str) -> Result<Name, SchemaError> {
        let name = match node.get("name") {
            None if kind == "record" && self.options.allow_anonymous_records => {
                return Ok(Name {
                    name: String::new(),
                    namespace: namespace.map(str::to_owned),
                })
            }
            None => {
                return Err(self
                    .error(node.pos, format!("{kind} has no `name`"))
                    .with_help(format!("add \"name\": the {kind}'s PascalCase name")))
            }
            Some(m) => match m.value.as_str() {
                Some(s) => (s, m.value.pos),
                None => {
                    return Err(self.error(
                        m.value.pos,
                        format!("`name` must be a string, found {}", m.value.kind()),
                    ))
                }
            },
        };
        let explicit_ns = self.optional_string(node, "namespace")?;
        let (ns, short) = match name.0.rsplit_once('.') {
            Some((ns, short)) => (Some(ns.to_owned()), short.to_owned()),
            None => (
                explicit_ns.or_else(|| namespace.map(str::to_owned)),
                name.0.to_owned(),
            ),
        };
        if !is_valid_name(&short) {
            return Err(self.invalid_name(name.1, &short, "name"));
        }
        if let Some(ns) = &ns {
            if !ns.is_empty() && !ns.split('.').all(is_valid_name) {
                let pos = node.get("namespace").map_or(name.1, |m| m.value.pos);
                return Err(self
                    .error(pos, format!("invalid namespace `{ns}`"))
                    .with_help(
                        "a namespace is names separated by dots, such as `com.example.identity`",
                    ));
            }
        }
        if PRIMITIVES.contains(&short.as_str()) && ns.as_deref().unwrap_or("").is_empty() {
            return Err(self.error(
                name.1,
                format!("`{short}` is a primitive type and cannot be redefined"),
            ));
        }
        Ok(Name {
            name: short,
            namespace: ns.filter(|ns| !ns.is_empty()),
        })
    }

    fn invalid_name(&self, pos: Pos, name: &str, what: &str) -> SchemaError {
        self.error(pos, format!("invalid {what} `{name}`"))
            .with_help(
                "Avro names start with a letter or `_` and contain only letters, digits and `_`",
            )
    }

    fn aliases(&self, node: &Node, namespace: Option<&str>) -> Result<Vec<String>, SchemaError> {
        let Some(m) = node.get("aliases") else {
            return Ok(Vec::new());
        };
        let items = m.value.as_array().ok_or_else(|| {
            self.error(
                m.value.pos,
                format!(
                    "`aliases` must be an array of names, found {}",
                    m.value.kind()
                ),
            )
        })?;
        items
            .iter()
            .map(|alias| {
                let text = alias.as_str().ok_or_else(|| {
                    self.error(
                        alias.pos,
                        format!("an alias must be a string, found {}", alias.kind()),
                    )
                })?;
                if !text.split('.').all(is_valid_name) {
                    return Err(self.invalid_name(alias.pos, text, "alias"));
                }
                Ok(match namespace {
                    Some(ns) if !text.contains('.') && !ns.is_empty() => format!("{ns}.{text}"),
                    _ => text.to_owned(),
                })
            })
            .collect()
    }

    fn define(&mut self, name: &Name, kind: Kind, pos: Pos) -> Result<TypeId, SchemaError> {
        let fullname = name.fullname();
        if !name.name.is_empty() && self.names.contains_key(&fullname) {
            return Err(self
                .error(pos, format!("`{fullname}` is defined twice"))
                .with_help("define a named type once and refer to it by name afterwards"));
        }
        let id = self.push(kind, pos);
        if !name.name.is_empty() {
            self.names.insert(fullname, id);
        }
        Ok(id)
    }

    fn parse_record(
        &mut self,
        node: &Node,
        namespace: Option<&str>,
    ) -> Result<TypeId, SchemaError> {
        let name = self.named(node, namespace, "record")?;
        let aliases = self.aliases(node, name.namespace.as_deref())?;
        let doc = self.optional_string(node, "doc")?;
        // Register the record before its fields, so that a field may refer to it (recursion).
        let record = Record {
            name: name.clone(),
            aliases,
            doc,
            fields: Vec::new(),
        };
        let id = self.define(&name, Kind::Record(record), node.pos)?;
        let fields_member = self.required(
            node,
            "fields",
            "add \"fields\": [] with the record's fields",
        )?;
        let items = fields_member.value.as_array().ok_or_else(|| {
            self.error(
                fields_member.value.pos,
                format!(
                    "`fields` must be an array, found {}",
                    fields_member.value.kind()
                ),
            )
        })?;
        let mut fields: Vec<Field> = Vec::with_capacity(items.len());
        let mut names = std::collections::HashSet::with_capacity(items.len());
        for item in items {
            let field = self.parse_field(item, name.namespace.as_deref())?;
            if !names.insert(field.name.clone()) {
                return Err(self
                    .error(
                        item.pos,
                        format!(
                            "duplicate field `{}` in record `{}`",
                            field.name,
                            name.fullname()
                        ),
                    )
                    .with_help("field names must be unique within a record"));
            }
            fields.push(field);
        }
        if let Kind::Record(r) = &mut self.types[id.0 as usize].kind {
            r.fields = fields;
        }
        Ok(id)
    }

    fn parse_field(&mut self, node: &Node, namespace: Option<&str>) -> Result<Field, SchemaError> {
        if node.as_object().is_none() {
            return Err(self.error(
                node.pos,
                format!("a field must be an object, found {}", node.kind()),
            ));
        }
        let name_member = self.required(node, "name", "add \"name\": the field's name")?;
        let name = name_member.value.as_str().ok_or_else(|| {
            self.error(
                name_member.value.pos,
                format!(
                    "`name` must be a string, found {}",
                    name_member.value.kind()
                ),
            )
        })?;
        if !is_valid_name(name) {
            return Err(self.invalid_name(name_member.value.pos, name, "field name"));
        }
        let type_member = self.required(node, "type", "add \"type\": the field's type")?;
        let ty = self.parse_type(&type_member.value, namespace)?;
        let aliases = match node.get("aliases") {
            None => Vec::new(),
            Some(_) => self.aliases(node, None)?,
        };
        if let Some(order) = node.get("order") {
            if !matches!(
                order.value.as_str(),
                Some("ascending" | "descending" | "ignore")
            ) {
                return Err(self
                    .error(order.value.pos, "invalid `order`")
                    .with_help("use \"ascending\", \"descending\" or \"ignore\""));
            }
        }
        let default = node.get("default").map(|m| {
            let value = m.value.to_json();
            self.defaults.push((
                ty,
                value.clone(),
                m.value.pos,
                self.file_index(),
                name.to_owned(),
            ));
            value
        });
        Ok(Field {
            name: name.to_owned(),
            aliases,
            ty,
            default,
            doc: self.optional_string(node, "doc")?,
            pos: node.pos,
            key: NameKey::of(name),
        })
    }

    fn parse_enum(&mut self, node: &Node, namespace: Option<&str>) -> Result<TypeId, SchemaError> {
        let name = self.named(node, namespace, "enum")?;
        let aliases = self.aliases(node, name.namespace.as_deref())?;
        let doc = self.optional_string(node, "doc")?;
        let symbols_member = self.required(node, "symbols", "add \"symbols\": [\"A\", \"B\"]")?;
        let items = symbols_member.value.as_array().ok_or_else(|| {
            self.error(
                symbols_member.value.pos,
                format!(
                    "`symbols` must be an array, found {}",
                    symbols_member.value.kind()
                ),
            )
        })?;
        let mut symbols: Vec<String> = Vec::with_capacity(items.len());
        let mut seen_symbols = std::collections::HashSet::with_capacity(items.len());
        for item in items {
            let symbol = item.as_str().ok_or_else(|| {
                self.error(
                    item.pos,
                    format!("an enum symbol must be a string, found {}", item.kind()),
                )
            })?;
            if !is_valid_name(symbol) {
                return Err(self.invalid_name(item.pos, symbol, "enum symbol"));
            }
            if !seen_symbols.insert(symbol) {
                return Err(self.error(
                    item.pos,
                    format!("duplicate symbol `{symbol}` in enum `{}`", name.fullname()),
                ));
            }
            symbols.push(symbol.to_owned());
        }
        let default = self.optional_string(node, "default")?;
        if let Some(default) = &default {
            if !symbols.contains(default) {
                let pos = node.get("default").map_or(node.pos, |m| m.value.pos);
                return Err(self
                    .error(
                        pos,
                        format!("enum default `{default}` is not one of the symbols"),
                    )
                    .with_help(format!("use one of: {}", symbols.join(", "))));
            }
        }
        let kind = Kind::Enum(Enum {
            name: name.clone(),
            aliases,
            doc,
            symbols,
            default,
        });
        self.define(&name, kind, node.pos)
    }

    fn parse_fixed(&mut self, node: &Node, namespace: Option<&str>) -> Result<TypeId, SchemaError> {
        let name = self.named(node, namespace, "fixed")?;
        let aliases = self.aliases(node, name.namespace.as_deref())?;
        let size_member = self.required(node, "size", "add \"size\": the number of bytes")?;
        let size = match &size_member.value.value {
            Value::Number(n) => n.as_u64().filter(|s| *s <= i32::MAX as u64),
            _ => None,
        }
        .ok_or_else(|| {
            self.error(
                size_member.value.pos,
                "`size` must be a non-negative integer",
            )
        })?;
        let kind = Kind::Fixed(Fixed {
            name: name.clone(),
            aliases,
            size,
        });
        self.define(&name, kind, node.pos)
    }

    /// Attaches a logical type when it is valid for the underlying type. As in Avro Java, an
    /// unknown or invalid logical type is ignored and the underlying type is used.
    fn apply_logical_type(&mut self, id: TypeId, node: &Node) {
        let Some(logical) = node.get_value("logicalType").and_then(Node::as_str) else {
            return;
        };
        let number = |key: &str| {
            node.get_value(key)
                .and_then(|v| match &v.value {
                    Value::Number(n) => n.as_u64(),
                    _ => None,
                })
                .and_then(|n| u32::try_from(n).ok())
        };
        let kind = &self.types[id.0 as usize].kind;
        let parsed = match (logical, kind) {
            ("decimal", Kind::Bytes | Kind::Fixed(_)) => {
                let precision = number("precision").filter(|p| *p > 0);
                let scale = if node.get("scale").is_some() {
                    number("scale")
                } else {
                    Some(0)
                };
                match (precision, scale, kind) {
                    (Some(p), Some(s), Kind::Fixed(f))
                        if s <= p && u64::from(p) <= max_decimal_digits(f.size) =>
                    {
                        Some(LogicalType::Decimal {
                            precision: p,
                            scale: s,
                        })
                    }
                    (Some(p), Some(s), Kind::Bytes) if s <= p => Some(LogicalType::Decimal {
                        precision: p,
                        scale: s,
                    }),
                    _ => None,
                }
            }
            ("uuid", Kind::String) => Some(LogicalType::Uuid),
            ("uuid", Kind::Fixed(f)) if f.size == 16 => Some(LogicalType::Uuid),
            ("date", Kind::Int) => Some(LogicalType::Date),
            ("time-millis", Kind::Int) => Some(LogicalType::TimeMillis),
            ("time-micros", Kind::Long) => Some(LogicalType::TimeMicros),
            ("timestamp-millis", Kind::Long) => Some(LogicalType::TimestampMillis),
            ("timestamp-micros", Kind::Long) => Some(LogicalType::TimestampMicros),
            ("timestamp-nanos", Kind::Long) => Some(LogicalType::TimestampNanos),
            ("local-timestamp-millis", Kind::Long) => Some(LogicalType::LocalTimestampMillis),
            ("local-timestamp-micros", Kind::Long) => Some(LogicalType::LocalTimestampMicros),
            ("local-timestamp-nanos", Kind::Long) => Some(LogicalType::LocalTimestampNanos),
            ("duration", Kind::Fixed(f)) if f.size == 12 => Some(LogicalType::Duration),
            _ => None,
        };
        self.types[id.0 as usize].logical = parsed;
    }

    fn resolve(&mut self) -> Result<(), SchemaError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut map = HashMap::with_capacity(self.pending.len());
        for (placeholder, candidates, pos, file) in &self.pending {
            match candidates.iter().find_map(|c| self.names.get(c)) {
                Some(&id) => {
                    map.insert(*placeholder, id);
                    self.types[id.0 as usize].referenced = true;
                }
                None => {
                    let name = candidates.last().map_or("", String::as_str);
                    let mut err = self.unknown_type(name, *pos);
                    err.file = self.files[*file as usize].clone();
                    return Err(err);
                }
            }
        }
        let fix = |id: &mut TypeId| {
            if let Some(target) = map.get(id) {
                *id = *target;
            }
        };
        for ty in &mut self.types {
            match &mut ty.kind {
                Kind::Array(items) => fix(items),
                Kind::Map(values) => fix(values),
                Kind::Union(branches) => branches.iter_mut().for_each(fix),
                Kind::Record(r) => r.fields.iter_mut().for_each(|f| fix(&mut f.ty)),
                _ => {}
            }
        }
        for (ty, ..) in &mut self.defaults {
            fix(ty);
        }
        self.pending.clear();
        self.placeholders = map;
        Ok(())
    }
}

impl Builder<'_> {
    fn resolved(&self, id: TypeId) -> TypeId {
        self.placeholders.get(&id).copied().unwrap_or(id)
    }

    /// A union may not directly contain a union, nor two branches of the same type (two named
    /// types of the same kind are fine when their names differ).
    fn check_unions(&self) -> Result<(), SchemaError> {
        for &union in &self.unions {
            let Kind::Union(branches) = &self.types[union.0 as usize].kind else {
                continue;
            };
            let mut seen: Vec<String> = Vec::with_capacity(branches.len());
            for &branch in branches {
                let ty = &self.types[branch.0 as usize];
                let file = self.types[union.0 as usize].file;
                let key = match &ty.kind {
                    Kind::Union(_) => {
                        return Err(self
                            .error_in(
                                file,
                                self.types[union.0 as usize].pos,
                                "a union may not contain a union",
                            )
                            .with_help("list the inner union's branches in the outer union"))
                    }
                    kind => kind
                        .name()
                        .map_or_else(|| kind.type_name().to_owned(), Name::fullname),
                };
                if seen.contains(&key) {
                    return Err(self
                        .error_in(
                            file,
                            self.types[union.0 as usize].pos,
                            format!("the union has `{}` twice", key.to_lowercase()),
                        )
                        .with_help("each type may appear once in a union"));
                }
                seen.push(key);
            }
        }
        Ok(())
    }

    fn check_depth(&self, root: TypeId) -> Result<(), SchemaError> {
        let depth = crate::depth::nesting_depth(self.types.len(), root.0 as usize, |i| match &self
            .types[i]
            .kind
        {
            Kind::Array(t) | Kind::Map(t) => vec![t.0 as usize],
            Kind::Union(branches) => branches.iter().map(|b| b.0 as usize).collect(),
            Kind::Record(r) => r.fields.iter().map(|f| f.ty.0 as usize).collect(),
            _ => Vec::new(),
        });
        if depth > crate::depth::MAX_TYPE_DEPTH {
            let root_type = &self.types[root.0 as usize];
            return Err(self
                .error_in(root_type.file, root_type.pos, format!("types nest {depth} levels deep through named references, more than the {} tidings checks", crate::depth::MAX_TYPE_DEPTH))
                .with_help("flatten the structure; no event needs records nested this deep"));
        }
        Ok(())
    }

    fn check_defaults(&self) -> Result<(), SchemaError> {
        for (ty, value, pos, file, field) in &self.defaults {
            if let Err(why) = self.check_default(*ty, value) {
                let mut err = self.error_in(
                    *file,
                    *pos,
                    format!("default of field `{field}` is invalid: {why}"),
                );
                if matches!(self.types[ty.0 as usize].kind, Kind::Union(_)) {
                    err = err.with_help("the default of a union must match its first branch: put the branch of the default first (\"null\" first for a null default)");
                }
                return Err(err);
            }
        }
        Ok(())
    }

    /// Whether `value` is a valid default for the type, per the specification's table of
    /// default values. Recursion follows the value, whose depth is bounded by the JSON parser.
    fn check_default(&self, ty: TypeId, value: &serde_json::Value) -> Result<(), String> {
        use serde_json::Value as J;
        let kind = &self.types[ty.0 as usize].kind;
        let ok = match (kind, value) {
            (Kind::Null, J::Null) => true,
            (Kind::Boolean, J::Bool(_)) => true,
            (Kind::Int, J::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            (Kind::Long, J::Number(n)) => n.as_i64().is_some(),
            (Kind::Float | Kind::Double, J::Number(_)) => true,
            (Kind::Float | Kind::Double, J::String(s)) => {
                matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity")
            }
            (Kind::Bytes | Kind::String, J::String(_)) => true,
            (Kind::Fixed(f), J::String(s)) => s.chars().count() as u64 == f.size,
            (Kind::Enum(e), J::String(s)) => e.symbols.contains(s),
            (Kind::Array(items), J::Array(values)) => {
                for v in values {
                    self.check_default(*items, v)?;
                }
                true
            }
            (Kind::Map(values), J::Object(entries)) => {
                for v in entries.values() {
                    self.check_default(*values, v)?;
                }
                true
            }
            (Kind::Union(branches), _) => {
                return match branches.first() {
                    Some(first) => self.check_default(*first, value),
                    None => Err("an empty union has no valid default".into()),
                }
            }
            (Kind::Record(r), J::Object(entries)) => {
                for field in &r.fields {
                    match entries.get(&field.name) {
                        Some(v) => self.check_default(field.ty, v)?,
                        None if field.default.is_some() => {}
                        None => return Err(format!("the record value has no `{}`", field.name)),
                    }
                }
                true
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "expected {}, found `{}`",
                describe_default(kind),
                short_json(value)
            ))
        }
    }
}

fn describe_default(kind: &Kind) -> String {
    match kind {
        Kind::Null => "null".into(),
        Kind::Boolean => "true or false".into(),
        Kind::Int => "an integer that fits in 32 bits".into(),
        Kind::Long => "an integer that fits in 64 bits".into(),
        Kind::Float | Kind::Double => "a number".into(),
        Kind::Bytes | Kind::String => "a string".into(),
        Kind::Fixed(f) => format!("a string of {} bytes", f.size),
        Kind::Enum(e) => format!("one of the symbols {}", e.symbols.join(", ")),
        Kind::Array(_) => "an array".into(),
        Kind::Map(_) => "an object".into(),
        Kind::Record(_) => "an object with the record's fields".into(),
        Kind::Union(_) => "a value of the union's first branch".into(),
    }
}

fn short_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

fn primitive(name: &str) -> Option<Kind> {
    Some(match name {
        "null" => Kind::Null,
        "boolean" => Kind::Boolean,
        "int" => Kind::Int,
        "long" => Kind::Long,
        "float" => Kind::Float,
        "double" => Kind::Double,
        "bytes" => Kind::Bytes,
        "string" => Kind::String,
        _ => return None,
    })
}

/// `[A-Za-z_][A-Za-z0-9_]*`, the specification's rule for names, symbols and namespace parts.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The most decimal digits a two's-complement number of `size` bytes can hold.
fn max_decimal_digits(size: u64) -> u64 {
    if size == 0 {
        return 0;
    }
    // floor(log10(2^(8*size - 1) - 1))
    ((8 * size - 1) as f64 * std::f64::consts::LOG10_2).floor() as u64
}

#[cfg(test)]
mod tests;
