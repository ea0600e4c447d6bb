//! The JSON Schema model: every schema node typed by what it constrains, in an arena so that
//! `$ref` cycles are plain indices. The shapes follow how schema registries read JSON Schema (a
//! schema with `type` and `enum` is the conjunction of a typed schema and an enum schema; a list
//! of types is a union of typed schemas), because compatibility verdicts must match theirs.

use crate::source::Pos;

/// Index of a schema node in its [`JsonSchema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

/// A loaded JSON Schema document (and the files it references).
#[derive(Debug, Clone)]
pub struct JsonSchema {
    pub(crate) nodes: Vec<SchemaNode>,
    pub(crate) root: NodeId,
    pub(crate) files: Vec<String>,
    /// The root file's top level, with the positions of its members.
    pub(crate) top: crate::source::Node,
}

impl JsonSchema {
    /// The root file's top-level value with the positions of its members (their own values
    /// stand as `null`): where a key such as `title` is written.
    pub fn top_level(&self) -> &crate::source::Node {
        &self.top
    }

    /// The root schema.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// A node.
    pub fn get(&self, id: NodeId) -> &SchemaNode {
        &self.nodes[id.0 as usize]
    }

    /// The file a node was read from.
    pub fn file_of(&self, id: NodeId) -> &str {
        &self.files[self.get(id).file as usize]
    }

    /// The file of the root.
    pub fn file(&self) -> &str {
        &self.files[0]
    }

    /// Every file read for this schema: the root's first, then those it refers to.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The node at a JSON pointer of the root file (`/properties/address`), when the loader
    /// read a schema there.
    pub fn node_at(&self, pointer: &str) -> Option<NodeId> {
        let mut current = self.resolve(self.root);
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            current = match (&self.get(current).kind, token.as_str()) {
                (Kind::Object(o), _) if o.property(&token).is_some() => o.property(&token)?,
                (Kind::Array(a), "items") => a.all_items?,
                (Kind::Combined { subschemas, .. }, index) => {
                    *subschemas.get(index.parse::<usize>().ok()?)?
                }
                _ => match token.as_str() {
                    "properties" | "$defs" | "definitions" | "allOf" | "anyOf" | "oneOf" => {
                        continue
                    }
                    _ => return None,
                },
            };
            current = self.resolve(current);
        }
        Some(current)
    }

    /// Follows `$ref` nodes to the schema they name. Cycles made only of references are
    /// rejected when loading, so this ends.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        while let Kind::Ref { target, .. } = &self.get(id).kind {
            id = *target;
        }
        id
    }
}

/// One schema: what it constrains, its annotations and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaNode {
    /// The constraint.
    pub kind: Kind,
    /// Annotations that every kind may carry.
    pub annotations: Annotations,
    /// Where it is written.
    pub pos: Pos,
    pub(crate) file: u32,
    /// Whether any annotation is present: most nodes carry none, and comparing that is cheaper
    /// than comparing four absent ones.
    pub(crate) annotated: bool,
    /// See [`Shape`].
    pub(crate) shape: Option<Shape>,
    /// A part the loader made of its parent's keywords (one type of a type list, one keyword
    /// group of an object): its annotations are the parent's, and belong to the parent.
    pub(crate) part: bool,
}

/// An exact code for the commonest nodes: a type without constraints or annotations
/// (`{"type": "string"}`), or a combination of up to twelve of them without annotations
/// (`"type": ["null", "string"]`). Two nodes with the same code accept the same values and
/// compare without a difference, which the engine then need not look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape(u64);

impl Shape {
    const MAX_BRANCHES: usize = 12;

    /// The code of a node of `kind` without annotations whose subschemas have `branch`'s codes.
    pub(crate) fn of(kind: &Kind, branch: impl Fn(NodeId) -> Option<Shape>) -> Option<Shape> {
        let leaf = match kind {
            Kind::Empty => 1,
            Kind::True => 2,
            Kind::False => 3,
            Kind::Boolean => 4,
            Kind::Null => 5,
            Kind::String(s) if *s == StringSchema::default() => 6,
            Kind::Number(n)
                if n.lower.is_none()
                    && n.upper.is_none()
                    && n.multiple_of.is_none()
                    && n.keywords == NumberKeywords::default() =>
            {
                if n.integer {
                    8
                } else {
                    7
                }
            }
            Kind::Combined {
                criterion,
                subschemas,
                synthetic,
            } if subschemas.len() <= Self::MAX_BRANCHES => {
                // A marker bit, the criterion, the flag and the count, then four bits a branch.
                let mut code = 1 << 63
                    | (*criterion as u64) << 56
                    | u64::from(*synthetic) << 55
                    | (subschemas.len() as u64) << 48;
                for (i, id) in subschemas.iter().enumerate() {
                    let Shape(leaf) = branch(*id).filter(|s| s.0 < 16)?;
                    code |= leaf << (4 * i);
                }
                return Some(Shape(code));
            }
            _ => return None,
        };
        Some(Shape(leaf))
    }
}

impl SchemaNode {
    /// Whether both carry the same annotations.
    pub(crate) fn same_annotations(&self, other: &SchemaNode) -> bool {
        (!self.annotated && !other.annotated) || self.annotations == other.annotations
    }
}

/// `$id`, `title`, `description`, `default`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annotations {
    /// `$id` (or draft-4 `id`)
    pub id: Option<String>,
    /// `title`
    pub title: Option<String>,
    /// `description`
    pub description: Option<String>,
    /// `default`
    pub default: Option<serde_json::Value>,
}

/// What a schema node constrains.
// An explicit tag: the compatibility engine compares kinds at every node, and a niche-encoded
// discriminant costs several instructions to read.
#[derive(Debug, Clone, PartialEq)]
#[repr(u8)]
pub enum Kind {
    /// `{}`: anything.
    Empty,
    /// `true`: anything.
    True,
    /// `false`: nothing.
    False,
    /// `"type": "boolean"`
    Boolean,
    /// `"type": "null"`
    Null,
    /// `"type": "string"` or string keywords.
    String(StringSchema),
    /// `"type": "number"` or `"integer"`, or numeric keywords.
    Number(NumberSchema),
    /// `"type": "object"` or object keywords.
    Object(ObjectSchema),
    /// `"type": "array"` or array keywords.
    Array(ArraySchema),
    /// `enum`: one of these values.
    Enum(Vec<serde_json::Value>),
    /// `const`: this value.
    Const(serde_json::Value),
    /// `allOf`, `anyOf`, `oneOf`, and the conjunction of several keyword groups in one object.
    Combined {
        /// How the subschemas combine.
        criterion: Criterion,
        /// The subschemas.
        subschemas: Vec<NodeId>,
        /// True for the conjunction of one object's keyword groups (`type` with `enum`, say),
        /// false for an `allOf`/`anyOf`/`oneOf` written as such (or a list of types).
        synthetic: bool,
    },
    /// `not`
    Not(NodeId),
    /// `if` / `then` / `else`.
    Conditional {
        /// `if`
        condition: Option<NodeId>,
        /// `then`
        then: Option<NodeId>,
        /// `else`
        otherwise: Option<NodeId>,
    },
    /// `$ref`, resolved.
    Ref {
        /// The reference as written.
        reference: String,
        /// The schema it names.
        target: NodeId,
    },
}

impl Kind {
    /// A short name for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::Empty | Kind::True => "any value",
            Kind::False => "no value",
            Kind::Boolean => "boolean",
            Kind::Null => "null",
            Kind::String(_) => "string",
            Kind::Number(n) if n.integer => "integer",
            Kind::Number(_) => "number",
            Kind::Object(_) => "object",
            Kind::Array(_) => "array",
            Kind::Enum(_) => "enum",
            Kind::Const(_) => "const",
            Kind::Combined { criterion, .. } => criterion.keyword(),
            Kind::Not(_) => "not",
            Kind::Conditional { .. } => "if/then/else",
            Kind::Ref { .. } => "$ref",
        }
    }
}

/// How a combined schema's subschemas combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// `allOf`: every one.
    All,
    /// `anyOf`: at least one.
    Any,
    /// `oneOf`: exactly one.
    One,
}

impl Criterion {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Criterion::All => "allOf",
            Criterion::Any => "anyOf",
            Criterion::One => "oneOf",
        }
    }
}

/// String constraints.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StringSchema {
    /// `minLength`
    pub min_length: Option<u64>,
    /// `maxLength`
    pub max_length: Option<u64>,
    /// `pattern`
    pub pattern: Option<String>,
    /// `format`
    pub format: Option<String>,
    /// `contentEncoding`
    pub content_encoding: Option<String>,
    /// `contentMediaType`
    pub content_media_type: Option<String>,
}

/// Numeric constraints.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NumberSchema {
    /// `"type": "integer"`
    pub integer: bool,
    /// The tighter of `minimum` and `exclusiveMinimum` (either draft's spelling).
    pub lower: Option<Bound>,
    /// The tighter of `maximum` and `exclusiveMaximum` (either draft's spelling).
    pub upper: Option<Bound>,
    /// `multipleOf`
    pub multiple_of: Option<f64>,
    /// The limits keyword by keyword, as written: Confluent compares each keyword on its own.
    pub keywords: NumberKeywords,
}

/// `minimum`, `exclusiveMinimum`, `maximum` and `exclusiveMaximum` as written (draft 4's
/// boolean `exclusiveMinimum` makes `minimum` exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NumberKeywords {
    /// `minimum`
    pub minimum: Option<Bound>,
    /// `exclusiveMinimum` with a number (draft 6 and later)
    pub exclusive_minimum: Option<Bound>,
    /// `maximum`
    pub maximum: Option<Bound>,
    /// `exclusiveMaximum` with a number (draft 6 and later)
    pub exclusive_maximum: Option<Bound>,
}

/// A numeric limit. `minimum: 10` and `exclusiveMinimum: 10` differ only in `exclusive`, so
/// moving from one to the other is judged by what it lets through, not by which keyword is used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: f64,
    /// Whether the limit itself is excluded.
    pub exclusive: bool,
}

/// Whether, and with what schema, members or items beyond the listed ones are allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Additional {
    /// False for `additionalProperties: false` / `additionalItems: false`.
    pub permitted: bool,
    /// The schema they must match, when one is given.
    pub schema: Option<NodeId>,
}

impl Default for Additional {
    fn default() -> Self {
        Additional {
            permitted: true,
            schema: None,
        }
    }
}

/// Object constraints.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectSchema {
    /// `properties`, in document order.
    pub properties: Vec<(String, NodeId)>,
    /// `required`
    pub required: Vec<String>,
    /// `additionalProperties`, or `unevaluatedProperties` without it.
    pub additional: Additional,
    /// `patternProperties`: the pattern as written and its schema.
    pub pattern_properties: Vec<(String, NodeId)>,
    /// `dependencies` with arrays, or `dependentRequired`.
    pub property_dependencies: Vec<(String, Vec<String>)>,
    /// `dependencies` with schemas, or `dependentSchemas`.
    pub schema_dependencies: Vec<(String, NodeId)>,
    /// `minProperties`
    pub min_properties: Option<u64>,
    /// `maxProperties`
    pub max_properties: Option<u64>,
    /// `propertyNames`
    pub property_names: Option<NodeId>,
}

impl ObjectSchema {
    /// The schema of a declared property.
    pub fn property(&self, name: &str) -> Option<NodeId> {
        self.properties
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }

    /// True when undeclared properties are allowed without any constraint.
    pub fn is_open(&self) -> bool {
        self.pattern_properties.is_empty()
            && self.additional.schema.is_none()
            && self.additional.permitted
    }
}

/// Array constraints.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArraySchema {
    /// `items` as one schema: every element.
    pub all_items: Option<NodeId>,
    /// `items` as an array (draft 7) or `prefixItems` (2020-12): positional schemas.
    pub item_schemas: Option<Vec<NodeId>>,
    /// `additionalItems`, or `items` next to `prefixItems`, or `unevaluatedItems` without either.
    pub additional: Additional,
    /// `minItems`
    pub min_items: Option<u64>,
    /// `maxItems`
    pub max_items: Option<u64>,
    /// `uniqueItems`
    pub unique_items: bool,
    /// `contains`
    pub contains: Option<NodeId>,
    /// `minContains`
    pub min_contains: Option<u64>,
    /// `maxContains`
    pub max_contains: Option<u64>,
}
