//! JSON Schema documents to [`JsonSchema`]: keywords read and checked, `$ref` resolved to
//! `$defs`/`definitions`, JSON pointers, anchors, `$id`s and files inside the schema root.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::model::*;
use crate::error::SchemaError;
use crate::source::{self, Node, Pos, Value};

/// Reads JSON Schema documents. File references (`"$ref": "money.json#/$defs/Money"`) are
/// followed only below the schema root, and only when one is set; nothing is ever fetched from
/// the network.
#[derive(Clone, Default)]
pub struct JsonSchemaLoader {
    root: Option<PathBuf>,
    /// Reads referenced files from somewhere else than the file system (a git revision).
    reader: Option<FileReader>,
}

/// How referenced files are read when they do not come from the file system.
pub type FileReader = std::sync::Arc<dyn Fn(&Path) -> std::io::Result<String> + Send + Sync>;

impl std::fmt::Debug for JsonSchemaLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonSchemaLoader")
            .field("root", &self.root)
            .field("reader", &self.reader.as_ref().map(|_| "custom"))
            .finish()
    }
}

/// Parses one JSON Schema document that refers to no other file.
///
/// # Errors
/// See [`JsonSchemaLoader::load_str`].
pub fn parse(name: &str, text: &str) -> Result<JsonSchema, SchemaError> {
    JsonSchemaLoader::new().load_str(name, text)
}

impl JsonSchemaLoader {
    /// A loader that follows no file references.
    pub fn new() -> Self {
        JsonSchemaLoader::default()
    }

    /// Follow file references, but only to files below `root`.
    pub fn schema_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.root = Some(root.into());
        self
    }

    /// Reads referenced files with `reader` instead of from the file system (paths are still
    /// checked against the schema root).
    pub fn file_reader(mut self, reader: FileReader) -> Self {
        self.reader = Some(reader);
        self
    }

    /// Loads a document from a file; relative references are resolved from its folder.
    ///
    /// # Errors
    /// An unreadable file, or anything [`JsonSchemaLoader::load_str`] rejects.
    pub fn load_file(&self, path: &Path) -> Result<JsonSchema, SchemaError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            SchemaError::new(
                &name,
                Pos { line: 1, col: 1 },
                format!("cannot read the file: {e}"),
            )
        })?;
        self.load(&name, &text, Some(path.to_path_buf()))
    }

    /// Loads a document from text; `name` is the file name shown in messages and, when a schema
    /// root is set, the path relative references are resolved from.
    ///
    /// # Errors
    /// Malformed JSON, keywords with values of the wrong kind, unknown types, invalid patterns,
    /// unresolved, cyclic or escaping references.
    pub fn load_str(&self, name: &str, text: &str) -> Result<JsonSchema, SchemaError> {
        self.load(name, text, Some(PathBuf::from(name)))
    }

    /// Loads a document shown as `name` whose relative references resolve from `path`.
    ///
    /// # Errors
    /// See [`JsonSchemaLoader::load_str`].
    pub fn load_named(
        &self,
        name: &str,
        text: &str,
        path: PathBuf,
    ) -> Result<JsonSchema, SchemaError> {
        self.load(name, text, Some(path))
    }

    fn load(
        &self,
        name: &str,
        text: &str,
        path: Option<PathBuf>,
    ) -> Result<JsonSchema, SchemaError> {
        let json = source::parse(text).map_err(|e| SchemaError::syntax(name, e))?;
        let top = json.top_level();
        let mut b = Builder {
            loader: self,
            nodes: Vec::new(),
            docs: Vec::new(),
            refs: Vec::new(),
        };
        b.docs.push(Doc::new(name, path, json));
        let root = b.build_document(0)?;
        b.resolve_refs()?;
        b.reject_reference_cycles()?;
        b.check_depth(root)?;
        Ok(JsonSchema {
            nodes: b.nodes,
            root,
            files: b.docs.into_iter().map(|d| d.name).collect(),
            top,
        })
    }
}

struct Doc {
    name: String,
    path: Option<PathBuf>,
    json: Node,
    /// Schema nodes built so far, by JSON pointer.
    built: HashMap<String, NodeId>,
    /// `$anchor`s and `"$id": "#name"`s, by name; full `$id`s by their text.
    anchors: HashMap<String, NodeId>,
}

impl Doc {
    fn new(name: &str, path: Option<PathBuf>, json: Node) -> Self {
        Doc {
            name: name.to_owned(),
            path,
            json,
            built: HashMap::new(),
            anchors: HashMap::new(),
        }
    }
}

struct PendingRef {
    node: NodeId,
    doc: usize,
    reference: String,
    pos: Pos,
}

/// The effective limit of a pair: when both are given, the tighter one counts.
fn tighter(
    (inclusive, exclusive): (Option<Bound>, Option<Bound>),
    is_tighter: fn(f64, f64) -> bool,
) -> Option<Bound> {
    match (inclusive, exclusive) {
        (Some(i), Some(e)) => Some(if is_tighter(i.value, e.value) { i } else { e }),
        (i, e) => i.or(e),
    }
}

struct Builder<'l> {
    loader: &'l JsonSchemaLoader,
    nodes: Vec<SchemaNode>,
    docs: Vec<Doc>,
    refs: Vec<PendingRef>,
}

const OBJECT_KEYWORDS: [&str; 11] = [
    "properties",
    "unevaluatedProperties",
    "required",
    "additionalProperties",
    "patternProperties",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "minProperties",
    "maxProperties",
    "propertyNames",
];
const ARRAY_KEYWORDS: [&str; 10] = [
    "items",
    "unevaluatedItems",
    "minContains",
    "maxContains",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
];
const NUMBER_KEYWORDS: [&str; 5] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const STRING_KEYWORDS: [&str; 4] = ["minLength", "maxLength", "pattern", "format"];
const TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "null", "object", "array",
];

impl Builder<'_> {
    fn error(&self, doc: usize, pos: Pos, message: impl Into<String>) -> SchemaError {
        SchemaError::new(&self.docs[doc].name, pos, message)
    }

    fn push(&mut self, kind: Kind, annotations: Annotations, pos: Pos, doc: usize) -> NodeId {
        let id = NodeId(self.nodes.len() as u32);
        let annotated = annotations != Annotations::default();
        let nodes = &self.nodes;
        let shape = if annotated {
            None
        } else {
            Shape::of(&kind, |branch| {
                (nodes.get(branch.0 as usize)).and_then(|node| node.shape)
            })
        };
        self.nodes.push(SchemaNode {
            kind,
            annotations,
            pos,
            file: doc as u32,
            annotated,
            shape,
            part: false,
        });
        id
    }

    /// Marks nodes made of one object's keywords that become the subschemas of a node for the
    /// whole object: their annotations are that node's.
    fn mark_parts(&mut self, parts: &[NodeId]) {
        for part in parts {
            self.nodes[part.0 as usize].part = true;
        }
    }

    fn build_document(&mut self, doc: usize) -> Result<NodeId, SchemaError> {
        let json = self.docs[doc].json.clone();
        self.build(&json, doc, String::new())
    }

    /// Builds the schema at `node`, found at JSON pointer `pointer` of document `doc`.
    fn build(&mut self, node: &Node, doc: usize, pointer: String) -> Result<NodeId, SchemaError> {
        if let Some(id) = self.docs[doc].built.get(&pointer) {
            return Ok(*id);
        }
        let id = match &node.value {
            Value::Bool(true) => self.push(Kind::True, Annotations::default(), node.pos, doc),
            Value::Bool(false) => self.push(Kind::False, Annotations::default(), node.pos, doc),
            Value::Object(_) => self.build_object(node, doc, &pointer)?,
            _ => {
                return Err(self.error(
                    doc,
                    node.pos,
                    format!(
                        "expected a schema (an object or a boolean), found {}",
                        node.kind()
                    ),
                ))
            }
        };
        self.docs[doc].built.insert(pointer, id);
        Ok(id)
    }

    fn child(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
        key: &str,
    ) -> Result<NodeId, SchemaError> {
        self.build(node, doc, format!("{pointer}/{}", escape_pointer(key)))
    }

    fn annotations(&self, node: &Node, doc: usize) -> Result<Annotations, SchemaError> {
        let text = |key: &str| -> Result<Option<String>, SchemaError> {
            match node.get_value(key) {
                None => Ok(None),
                Some(v) => v.as_str().map(|s| Some(s.to_owned())).ok_or_else(|| {
                    self.error(
                        doc,
                        v.pos,
                        format!("`{key}` must be a string, found {}", v.kind()),
                    )
                }),
            }
        };
        Ok(Annotations {
            id: match text("$id")? {
                Some(id) => Some(id),
                None => node
                    .get_value("id")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
            },
            title: text("title")?,
            description: text("description")?,
            default: node.get_value("default").map(Node::to_json),
        })
    }

    fn build_object(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
    ) -> Result<NodeId, SchemaError> {
        let annotations = self.annotations(node, doc)?;
        // Definitions are schemas of their own, reachable by pointer whether used or not.
        for key in ["$defs", "definitions"] {
            if let Some(defs) = node.get_value(key) {
                let members = defs.as_object().ok_or_else(|| {
                    self.error(
                        doc,
                        defs.pos,
                        format!(
                            "`{key}` must be an object of schemas, found {}",
                            defs.kind()
                        ),
                    )
                })?;
                for m in members {
                    let p = format!("{pointer}/{key}");
                    self.child(&m.value, doc, &p, &m.key)?;
                }
            }
        }

        let id = if let Some(reference) = node.get_value("$ref") {
            let text = reference.as_str().ok_or_else(|| {
                self.error(
                    doc,
                    reference.pos,
                    format!("`$ref` must be a string, found {}", reference.kind()),
                )
            })?;
            let id = self.push(
                Kind::Ref {
                    reference: text.to_owned(),
                    target: NodeId(u32::MAX),
                },
                annotations.clone(),
                node.pos,
                doc,
            );
            self.refs.push(PendingRef {
                node: id,
                doc,
                reference: text.to_owned(),
                pos: reference.pos,
            });
            id
        } else {
            let parts = self.parts(node, doc, pointer, &annotations)?;
            match parts.len() {
                0 => self.push(Kind::Empty, annotations.clone(), node.pos, doc),
                1 => parts[0],
                _ => {
                    self.mark_parts(&parts);
                    self.push(
                        Kind::Combined {
                            criterion: Criterion::All,
                            subschemas: parts,
                            synthetic: true,
                        },
                        annotations.clone(),
                        node.pos,
                        doc,
                    )
                }
            }
        };
        self.record_anchors(node, doc, &annotations, id);
        Ok(id)
    }

    fn record_anchors(&mut self, node: &Node, doc: usize, annotations: &Annotations, id: NodeId) {
        let anchors = &mut self.docs[doc].anchors;
        if let Some(anchor) = node.get_value("$anchor").and_then(Node::as_str) {
            anchors.insert(anchor.to_owned(), id);
        }
        if let Some(schema_id) = &annotations.id {
            match schema_id.strip_prefix('#') {
                Some(name) if !name.is_empty() => {
                    anchors.insert(name.to_owned(), id);
                }
                _ => {
                    anchors.insert(schema_id.trim_end_matches('#').to_owned(), id);
                }
            }
        }
    }

    /// The schemas that one object stands for; several of them are a conjunction.
    fn parts(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
        annotations: &Annotations,
    ) -> Result<Vec<NodeId>, SchemaError> {
        let mut parts = Vec::new();
        if let Some(values) = node.get_value("enum") {
            let items = values.as_array().ok_or_else(|| {
                self.error(
                    doc,
                    values.pos,
                    format!("`enum` must be an array, found {}", values.kind()),
                )
            })?;
            let kind = Kind::Enum(items.iter().map(Node::to_json).collect());
            parts.push(self.push(kind, annotations.clone(), node.pos, doc));
        }
        self.combination_parts(node, doc, pointer, annotations, &mut parts)?;
        if let Some(not) = node.get_value("not") {
            let inner = self.child(not, doc, pointer, "not")?;
            parts.push(self.push(Kind::Not(inner), annotations.clone(), node.pos, doc));
        }
        if let Some(value) = node.get_value("const") {
            parts.push(self.push(
                Kind::Const(value.to_json()),
                annotations.clone(),
                node.pos,
                doc,
            ));
        }
        self.type_parts(node, doc, pointer, annotations, &mut parts)?;
        if node.get("if").is_some() {
            let branch = |b: &mut Self, key: &str| match node.get_value(key) {
                Some(sub) => b.child(sub, doc, pointer, key).map(Some),
                None => Ok(None),
            };
            let kind = Kind::Conditional {
                condition: branch(self, "if")?,
                then: branch(self, "then")?,
                otherwise: branch(self, "else")?,
            };
            parts.push(self.push(kind, annotations.clone(), node.pos, doc));
        }
        Ok(parts)
    }

    /// `allOf`, `anyOf` and `oneOf`: one part each.
    fn combination_parts(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
        annotations: &Annotations,
        parts: &mut Vec<NodeId>,
    ) -> Result<(), SchemaError> {
        for criterion in [Criterion::All, Criterion::Any, Criterion::One] {
            let keyword = criterion.keyword();
            let Some(list) = node.get_value(keyword) else {
                continue;
            };
            let items = list
                .as_array()
                .filter(|items| !items.is_empty())
                .ok_or_else(|| {
                    self.error(
                        doc,
                        list.pos,
                        format!("`{keyword}` must be a non-empty array of schemas"),
                    )
                })?;
            let mut subschemas = Vec::with_capacity(items.len());
            // `allOf` and `anyOf` are sets: a branch written twice is one branch (Confluent
            // compares them so). In `oneOf` a duplicate changes what validates, so it stays.
            let mut seen = std::collections::HashSet::new();
            for (i, item) in items.iter().enumerate() {
                if criterion != Criterion::One && !seen.insert(item.to_json().to_string()) {
                    continue;
                }
                let p = format!("{pointer}/{keyword}");
                subschemas.push(self.child(item, doc, &p, &i.to_string())?);
            }
            parts.push(self.push(
                Kind::Combined {
                    criterion,
                    subschemas,
                    synthetic: false,
                },
                annotations.clone(),
                node.pos,
                doc,
            ));
        }
        Ok(())
    }

    /// The part of each type `type` names (several: their disjunction), or without `type`, of
    /// each type whose keywords the object uses.
    fn type_parts(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
        annotations: &Annotations,
        parts: &mut Vec<NodeId>,
    ) -> Result<(), SchemaError> {
        match node.get_value("type") {
            Some(t) => {
                let names = self.type_names(t, doc)?;
                let mut typed = Vec::with_capacity(names.len());
                for (name, pos) in names {
                    let kind = self.typed(node, doc, pointer, name, pos)?;
                    typed.push(self.push(kind, annotations.clone(), node.pos, doc));
                }
                if typed.len() == 1 {
                    parts.push(typed[0]);
                } else if !typed.is_empty() {
                    self.mark_parts(&typed);
                    parts.push(self.push(
                        Kind::Combined {
                            criterion: Criterion::Any,
                            subschemas: typed,
                            synthetic: false,
                        },
                        annotations.clone(),
                        node.pos,
                        doc,
                    ));
                }
            }
            None => {
                // No `type`: each group of type-specific keywords constrains values of that type only.
                let has = |keys: &[&str]| keys.iter().any(|k| node.get(k).is_some());
                for (keys, name) in [
                    (&NUMBER_KEYWORDS[..], "number"),
                    (&STRING_KEYWORDS[..], "string"),
                    (&ARRAY_KEYWORDS[..], "array"),
                    (&OBJECT_KEYWORDS[..], "object"),
                ] {
                    if has(keys) {
                        let kind = self.typed(node, doc, pointer, name, node.pos)?;
                        parts.push(self.push(kind, annotations.clone(), node.pos, doc));
                    }
                }
            }
        }
        Ok(())
    }

    /// The type names `type` lists, with where each is written.
    fn type_names<'n>(&self, t: &'n Node, doc: usize) -> Result<Vec<(&'n str, Pos)>, SchemaError> {
        match &t.value {
            Value::String(s) => Ok(vec![(s.as_str(), t.pos)]),
            Value::Array(items) => items
                .iter()
                .map(|i| {
                    i.as_str().map(|s| (s, i.pos)).ok_or_else(|| {
                        self.error(doc, i.pos, "`type` lists type names, which are strings")
                    })
                })
                .collect(),
            _ => Err(self.error(
                doc,
                t.pos,
                format!(
                    "`type` must be a string or an array of strings, found {}",
                    t.kind()
                ),
            )),
        }
    }

    fn typed(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
        name: &str,
        pos: Pos,
    ) -> Result<Kind, SchemaError> {
        Ok(match name {
            "string" => Kind::String(StringSchema {
                min_length: self.count(node, doc, "minLength")?,
                max_length: self.count(node, doc, "maxLength")?,
                pattern: self.pattern(node, doc)?,
                format: node
                    .get_value("format")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
                content_encoding: node
                    .get_value("contentEncoding")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
                content_media_type: node
                    .get_value("contentMediaType")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
            }),
            "number" | "integer" => Kind::Number(NumberSchema {
                integer: name == "integer",
                lower: self
                    .bounds(node, doc, "minimum", "exclusiveMinimum")
                    .map(|b| tighter(b, |a, b| a > b))?,
                upper: self
                    .bounds(node, doc, "maximum", "exclusiveMaximum")
                    .map(|b| tighter(b, |a, b| a < b))?,
                keywords: {
                    let (minimum, exclusive_minimum) =
                        self.bounds(node, doc, "minimum", "exclusiveMinimum")?;
                    let (maximum, exclusive_maximum) =
                        self.bounds(node, doc, "maximum", "exclusiveMaximum")?;
                    NumberKeywords {
                        minimum,
                        exclusive_minimum,
                        maximum,
                        exclusive_maximum,
                    }
                },
                multiple_of: match self.number(node, doc, "multipleOf")? {
                    Some(m) if m <= 0.0 => {
                        let at = node.get_value("multipleOf").map_or(pos, |v| v.pos);
                        return Err(self.error(doc, at, "`multipleOf` must be greater than 0"));
                    }
                    m => m,
                },
            }),
            "boolean" => Kind::Boolean,
            "null" => Kind::Null,
            "object" => Kind::Object(self.object(node, doc, pointer)?),
            "array" => Kind::Array(self.array(node, doc, pointer)?),
            other => {
                let err = self.error(doc, pos, format!("unknown type `{other}`"));
                let hint = match other {
                    "int" | "long" | "int32" | "int64" => {
                        "JSON Schema spells whole numbers `integer`".to_owned()
                    }
                    "float" | "double" | "decimal" => {
                        "JSON Schema spells numbers `number`".to_owned()
                    }
                    "bool" => "JSON Schema spells this type `boolean`".to_owned(),
                    "str" | "text" => "JSON Schema spells this type `string`".to_owned(),
                    _ => format!("use one of: {}", TYPES.join(", ")),
                };
                return Err(err.with_help(hint));
            }
        })
    }

    fn object(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
    ) -> Result<ObjectSchema, SchemaError> {
        let mut object = ObjectSchema {
            min_properties: self.count(node, doc, "minProperties")?,
            max_properties: self.count(node, doc, "maxProperties")?,
            ..ObjectSchema::default()
        };
        if let Some(props) = node.get_value("properties") {
            let members = props.as_object().ok_or_else(|| {
                self.error(
                    doc,
                    props.pos,
                    format!(
                        "`properties` must be an object of schemas, found {}",
                        props.kind()
                    ),
                )
            })?;
            let p = format!("{pointer}/properties");
            for m in members {
                let id = self.child(&m.value, doc, &p, &m.key)?;
                object.properties.push((m.key.clone(), id));
            }
        }
        if let Some(required) = node.get_value("required") {
            object.required = self.string_list(required, doc, "required")?;
        }
        if let Some(additional) = node.get_value("additionalProperties") {
            object.additional =
                self.additional(additional, doc, pointer, "additionalProperties")?;
        } else if let Some(unevaluated) = node.get_value("unevaluatedProperties") {
            // Without `additionalProperties`, what `properties` and `patternProperties` leave
            // unevaluated is every undeclared property: it closes (or constrains) the model
            // the same way. Subschemas of `allOf` may evaluate more; Confluent does not look.
            object.additional =
                self.additional(unevaluated, doc, pointer, "unevaluatedProperties")?;
        }
        self.pattern_properties(node, doc, pointer, &mut object)?;
        self.dependencies(node, doc, pointer, &mut object)?;
        if let Some(names) = node.get_value("propertyNames") {
            object.property_names = Some(self.child(names, doc, pointer, "propertyNames")?);
        }
        Ok(object)
    }

    /// `patternProperties`, each pattern checked to be a regular expression.
    fn pattern_properties(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
        object: &mut ObjectSchema,
    ) -> Result<(), SchemaError> {
        if let Some(patterns) = node.get_value("patternProperties") {
            let members = patterns.as_object().ok_or_else(|| {
                self.error(
                    doc,
                    patterns.pos,
                    "`patternProperties` must be an object of schemas",
                )
            })?;
            let p = format!("{pointer}/patternProperties");
            for m in members {
                if let Err(e) = regex::Regex::new(&m.key) {
                    return Err(self.error(
                        doc,
                        m.key_pos,
                        format!(
                            "invalid regular expression `{}`: {}",
                            m.key,
                            first_line(&e.to_string())
                        ),
                    ));
                }
                let id = self.child(&m.value, doc, &p, &m.key)?;
                object.pattern_properties.push((m.key.clone(), id));
            }
        }
        Ok(())
    }

    /// `dependencies` (either kind), `dependentRequired` and `dependentSchemas`.
    fn dependencies(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
        object: &mut ObjectSchema,
    ) -> Result<(), SchemaError> {
        for key in ["dependencies", "dependentRequired", "dependentSchemas"] {
            let Some(deps) = node.get_value(key) else {
                continue;
            };
            let members = deps.as_object().ok_or_else(|| {
                self.error(
                    doc,
                    deps.pos,
                    format!("`{key}` must be an object, found {}", deps.kind()),
                )
            })?;
            let p = format!("{pointer}/{key}");
            for m in members {
                if m.value.as_array().is_some() && key != "dependentSchemas" {
                    let names = self.string_list(&m.value, doc, key)?;
                    object.property_dependencies.push((m.key.clone(), names));
                } else {
                    let id = self.child(&m.value, doc, &p, &m.key)?;
                    object.schema_dependencies.push((m.key.clone(), id));
                }
            }
        }
        Ok(())
    }

    fn array(
        &mut self,
        node: &Node,
        doc: usize,
        pointer: &str,
    ) -> Result<ArraySchema, SchemaError> {
        let mut array = ArraySchema {
            min_items: self.count(node, doc, "minItems")?,
            max_items: self.count(node, doc, "maxItems")?,
            unique_items: match node.get_value("uniqueItems") {
                None => false,
                Some(Node {
                    value: Value::Bool(b),
                    ..
                }) => *b,
                Some(v) => {
                    return Err(self.error(
                        doc,
                        v.pos,
                        format!("`uniqueItems` must be a boolean, found {}", v.kind()),
                    ))
                }
            },
            ..ArraySchema::default()
        };
        let tuple = |b: &mut Self, list: &Node, key: &str| -> Result<Vec<NodeId>, SchemaError> {
            let items = list.as_array().unwrap_or_default();
            let p = format!("{pointer}/{key}");
            items
                .iter()
                .enumerate()
                .map(|(i, item)| b.child(item, doc, &p, &i.to_string()))
                .collect()
        };
        if let Some(prefix) = node.get_value("prefixItems") {
            if prefix.as_array().is_none() {
                return Err(self.error(
                    doc,
                    prefix.pos,
                    "`prefixItems` must be an array of schemas",
                ));
            }
            array.item_schemas = Some(tuple(self, prefix, "prefixItems")?);
            if let Some(items) = node.get_value("items") {
                array.additional = self.additional(items, doc, pointer, "items")?;
            }
        } else if let Some(items) = node.get_value("items") {
            if items.as_array().is_some() {
                array.item_schemas = Some(tuple(self, items, "items")?);
            } else {
                array.all_items = Some(self.child(items, doc, pointer, "items")?);
            }
            // Beside a single `items` schema, `additionalItems` has no effect on validation,
            // but Confluent's registry still compares it: so do we, to give its verdict.
            if let Some(additional) = node.get_value("additionalItems") {
                array.additional = self.additional(additional, doc, pointer, "additionalItems")?;
            }
        }
        let additional_given = node.get_value("additionalItems").is_some()
            || (node.get_value("prefixItems").is_some() && node.get_value("items").is_some());
        if let Some(unevaluated) = node.get_value("unevaluatedItems") {
            if !additional_given && array.all_items.is_none() {
                // Items no positional schema evaluates: with none listed, every item.
                array.item_schemas.get_or_insert_with(Vec::new);
                array.additional =
                    self.additional(unevaluated, doc, pointer, "unevaluatedItems")?;
            }
        }
        if let Some(contains) = node.get_value("contains") {
            array.contains = Some(self.child(contains, doc, pointer, "contains")?);
        }
        array.min_contains = self.count(node, doc, "minContains")?;
        array.max_contains = self.count(node, doc, "maxContains")?;
        Ok(array)
    }

    fn additional(
        &mut self,
        value: &Node,
        doc: usize,
        pointer: &str,
        key: &str,
    ) -> Result<Additional, SchemaError> {
        Ok(match value.value {
            Value::Bool(permitted) => Additional {
                permitted,
                schema: None,
            },
            _ => Additional {
                permitted: true,
                schema: Some(self.child(value, doc, pointer, key)?),
            },
        })
    }

    fn string_list(&self, value: &Node, doc: usize, key: &str) -> Result<Vec<String>, SchemaError> {
        let items = value.as_array().ok_or_else(|| {
            self.error(
                doc,
                value.pos,
                format!(
                    "`{key}` must be an array of property names, found {}",
                    value.kind()
                ),
            )
        })?;
        items
            .iter()
            .map(|i| {
                i.as_str().map(str::to_owned).ok_or_else(|| {
                    self.error(
                        doc,
                        i.pos,
                        format!("`{key}` lists property names, which are strings"),
                    )
                })
            })
            .collect()
    }

    fn count(&self, node: &Node, doc: usize, key: &str) -> Result<Option<u64>, SchemaError> {
        match node.get_value(key) {
            None => Ok(None),
            Some(v) => match &v.value {
                Value::Number(n) => n
                    .as_u64()
                    .or_else(|| {
                        n.as_f64()
                            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                            .map(|f| f as u64)
                    })
                    .map(Some)
                    .ok_or_else(|| {
                        self.error(
                            doc,
                            v.pos,
                            format!("`{key}` must be a non-negative integer"),
                        )
                    }),
                _ => Err(self.error(
                    doc,
                    v.pos,
                    format!("`{key}` must be a non-negative integer, found {}", v.kind()),
                )),
            },
        }
    }

    fn number(&self, node: &Node, doc: usize, key: &str) -> Result<Option<f64>, SchemaError> {
        match node.get_value(key) {
            None => Ok(None),
            Some(Node {
                value: Value::Number(n),
                ..
            }) => Ok(n.as_f64()),
            Some(v) => Err(self.error(
                doc,
                v.pos,
                format!("`{key}` must be a number, found {}", v.kind()),
            )),
        }
    }

    /// The effective limit of `minimum`/`exclusiveMinimum` (or the maximum pair). Draft 4 makes
    /// `minimum` exclusive with `"exclusiveMinimum": true`; draft 6 and later give
    /// `exclusiveMinimum` its own number. When both limits are given, the tighter one counts.
    /// The inclusive and the exclusive limit of a pair (`minimum`/`exclusiveMinimum`). Draft 4
    /// makes `minimum` exclusive with `"exclusiveMinimum": true`; draft 6 and later give
    /// `exclusiveMinimum` its own number.
    fn bounds(
        &self,
        node: &Node,
        doc: usize,
        inclusive_key: &str,
        exclusive_key: &str,
    ) -> Result<(Option<Bound>, Option<Bound>), SchemaError> {
        let draft4_exclusive = matches!(
            node.get_value(exclusive_key),
            Some(Node {
                value: Value::Bool(true),
                ..
            })
        );
        let inclusive = self.number(node, doc, inclusive_key)?.map(|value| Bound {
            value,
            exclusive: draft4_exclusive,
        });
        let exclusive = match node.get_value(exclusive_key) {
            Some(Node {
                value: Value::Bool(_),
                ..
            }) => None,
            _ => self.number(node, doc, exclusive_key)?.map(|value| Bound {
                value,
                exclusive: true,
            }),
        };
        Ok((inclusive, exclusive))
    }

    fn pattern(&self, node: &Node, doc: usize) -> Result<Option<String>, SchemaError> {
        let Some(v) = node.get_value("pattern") else {
            return Ok(None);
        };
        let text = v.as_str().ok_or_else(|| {
            self.error(
                doc,
                v.pos,
                format!("`pattern` must be a string, found {}", v.kind()),
            )
        })?;
        if let Err(e) = regex::Regex::new(text) {
            return Err(self.error(
                doc,
                v.pos,
                format!(
                    "invalid regular expression in `pattern`: {}",
                    first_line(&e.to_string())
                ),
            ));
        }
        Ok(Some(text.to_owned()))
    }
}

fn first_line(text: &str) -> &str {
    text.lines().last().unwrap_or(text).trim()
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

mod resolve;

pub use resolve::normalize_path;

#[cfg(test)]
mod tests;
