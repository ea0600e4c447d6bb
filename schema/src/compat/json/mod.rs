//! JSON Schema compatibility with Confluent Schema Registry's semantics: the differences between
//! an original and an updated schema, each compatible or not under the policy. BACKWARD compares
//! (original = old, update = new); FORWARD the other way round.

mod combined;
mod object;
mod rules;

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::rc::Rc;

pub use rules::Difference;

use super::Policy;
use crate::jsonschema::{ArraySchema, Bound, JsonSchema, Kind, NodeId, NumberSchema, StringSchema};
use crate::source::Pos;

/// One difference and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What changed.
    pub difference: Difference,
    /// Path in the schemas, as Confluent spells it (`#/properties/email`).
    pub path: String,
    /// Where in the original's file.
    pub original_pos: Pos,
    /// Where in the update's file.
    pub update_pos: Pos,
}

/// Every difference from `original` to `update`, compatible ones included.
pub fn differences(original: &JsonSchema, update: &JsonSchema, policy: Policy) -> Vec<Change> {
    compare_documents(original, update, policy, Ctx::default())
}

/// The differences from `original` to `update` that `policy` does not accept: what a
/// compatibility check reports. Compatible differences are not written at all (a schema that
/// grew compatibly has many, and each would cost its path).
pub fn incompatibilities(
    original: &JsonSchema,
    update: &JsonSchema,
    policy: Policy,
) -> Vec<Change> {
    let ctx = Ctx {
        only_incompatible: Some(policy),
        ..Ctx::default()
    };
    compare_documents(original, update, policy, ctx)
}

fn compare_documents(
    original: &JsonSchema,
    update: &JsonSchema,
    policy: Policy,
    mut ctx: Ctx,
) -> Vec<Change> {
    let mut engine = Engine {
        original,
        update,
        policy,
        memo: PairMap::default(),
        in_progress: PairSet::default(),
        swaps: 0,
    };
    engine.compare(&mut ctx, Some(original.root()), Some(update.root()));
    ctx.changes
}

type PairMap<V> = HashMap<(NodeId, NodeId), V, BuildHasherDefault<super::PairHasher>>;
type PairSet = HashSet<(NodeId, NodeId), BuildHasherDefault<super::PairHasher>>;

struct Engine<'s> {
    original: &'s JsonSchema,
    update: &'s JsonSchema,
    policy: Policy,
    /// Differences of a pair relative to the pair, so that shared and recursive definitions are
    /// compared once.
    memo: PairMap<Rc<Vec<Change>>>,
    /// Pairs being compared: met again, they are a recursion and count as compatible.
    in_progress: PairSet,
    /// How many `not`s deep the comparison is; each flips the documents' roles.
    swaps: u32,
}

/// `not` inside `not` inside a recursive schema could flip roles forever; real schemas stop far
/// below this.
const MAX_SWAPS: u32 = 16;

struct Ctx {
    /// The JSON pointer of the pair being compared, `#/` and its segments joined by `/`: one
    /// string, so that a sub-comparison copies it once and a keyword appends without allocating.
    path: String,
    /// The length of `path` before each segment entered.
    marks: Vec<usize>,
    changes: Vec<Change>,
    /// Positions of the pair being compared.
    pos: (Pos, Pos),
    /// Record only what this policy refuses (see [`incompatibilities`]).
    only_incompatible: Option<Policy>,
    /// Only the verdict of what is recorded counts, not where it is: write no paths.
    verdict_only: bool,
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx {
            path: "#/".to_owned(),
            marks: Vec::new(),
            changes: Vec::new(),
            pos: Default::default(),
            only_incompatible: None,
            verdict_only: false,
        }
    }
}

impl Ctx {
    fn sub(&self) -> Ctx {
        self.child(self.verdict_only)
    }

    /// A sub-context for a comparison whose differences decide a choice and are then dropped
    /// (which subschema of a `oneOf` an updated one stands for): when this context keeps only
    /// what is refused, such a sub-context's differences never reach the report, so it writes
    /// no paths.
    fn sub_for_verdict(&self) -> Ctx {
        self.child(self.verdict_only || self.only_incompatible.is_some())
    }

    fn child(&self, verdict_only: bool) -> Ctx {
        // A context that writes no paths keeps none: nor do its sub-contexts.
        let (path, marks) = if verdict_only {
            (String::new(), Vec::new())
        } else {
            (self.path.clone(), self.marks.clone())
        };
        Ctx {
            path,
            marks,
            changes: Vec::new(),
            pos: self.pos,
            only_incompatible: self.only_incompatible,
            verdict_only,
        }
    }

    /// A sub-context that records every difference, whatever this one keeps: for comparisons
    /// whose verdict depends on compatible differences too.
    fn sub_recording_all(&self) -> Ctx {
        Ctx {
            only_incompatible: None,
            ..self.sub()
        }
    }

    fn path_string(&self) -> String {
        self.path.clone()
    }

    /// Whether the pair compared is the root pair (no segment entered).
    fn at_root(&self) -> bool {
        self.marks.is_empty()
    }

    fn add(&mut self, difference: Difference) {
        if self
            .only_incompatible
            .is_some_and(|policy| difference.is_compatible(policy))
        {
            return;
        }
        let path = if self.verdict_only {
            String::new()
        } else {
            self.path_string()
        };
        self.changes.push(Change {
            difference,
            path,
            original_pos: self.pos.0,
            update_pos: self.pos.1,
        });
    }

    fn add_at(&mut self, keyword: &str, difference: Difference) {
        self.enter(keyword);
        self.add(difference);
        self.leave();
    }

    /// Whether `difference` is already reported at `keyword` of the current path.
    fn has_at(&self, keyword: &str, difference: Difference) -> bool {
        let separator = if self.at_root() { "" } else { "/" };
        let path = format!("{}{separator}{keyword}", self.path);
        self.changes
            .iter()
            .any(|c| c.difference == difference && c.path == path)
    }

    fn enter(&mut self, segment: impl AsRef<str>) {
        if self.verdict_only {
            return;
        }
        self.marks.push(self.path.len());
        if self.marks.len() > 1 {
            self.path.push('/');
        }
        self.path.push_str(segment.as_ref());
    }

    fn leave(&mut self) {
        if self.verdict_only {
            return;
        }
        if let Some(mark) = self.marks.pop() {
            self.path.truncate(mark);
        }
    }
}

impl Engine<'_> {
    fn is_compatible(&self, changes: &[Change]) -> bool {
        changes
            .iter()
            .all(|c| c.difference.is_compatible(self.policy))
    }

    fn compare(&mut self, ctx: &mut Ctx, original: Option<NodeId>, update: Option<NodeId>) {
        let (o, u) = match (original, update) {
            (None, None) => return,
            (None, Some(_)) => return ctx.add(Difference::SCHEMA_ADDED),
            (Some(_), None) => return ctx.add(Difference::SCHEMA_REMOVED),
            (Some(o), Some(u)) => (self.original.resolve(o), self.update.resolve(u)),
        };
        if Some(o) == original && Some(u) == update {
            if self.same_leaves(o, u) {
                return;
            }
            // Neither side came through a `$ref`: a node written in place has one parent, so
            // this pair is met once and needs no memo (which would cost a map entry and a copy
            // of its findings for every property of a wide object).
            let saved = ctx.pos;
            ctx.pos = (self.original.get(o).pos, self.update.get(u).pos);
            self.compare_pair(ctx, o, u);
            ctx.pos = saved;
            return;
        }
        let key = (o, u);
        let relative = if let Some(found) = self.memo.get(&key) {
            // Met again along another path: its differences were given where it was first
            // reached; here its first incompatible one stands for them (so the verdict holds),
            // and the report grows with the schemas, not with the paths through them.
            let policy = self.policy;
            match found.iter().find(|c| !c.difference.is_compatible(policy)) {
                Some(first) => Rc::new(vec![first.clone()]),
                None => return,
            }
        } else if !self.in_progress.insert(key) {
            return;
        } else {
            let mut sub = Ctx {
                pos: (self.original.get(o).pos, self.update.get(u).pos),
                only_incompatible: ctx.only_incompatible,
                ..Ctx::default()
            };
            self.compare_pair(&mut sub, o, u);
            self.in_progress.remove(&key);
            let found = Rc::new(sub.changes);
            self.memo.insert(key, found.clone());
            found
        };
        let prefix = ctx.path_string();
        for change in relative.iter() {
            let path = if change.path.len() <= 2 {
                prefix.clone()
            } else if ctx.at_root() {
                change.path.clone()
            } else {
                format!("{prefix}/{}", &change.path[2..])
            };
            ctx.changes.push(Change {
                path,
                ..change.clone()
            });
        }
    }

    /// Whether two nodes are the same leaf (no subschemas: `true`, `null`, a string with the
    /// same constraints, an enum of the same values), with the same annotations, or the same
    /// combination of such leaves in the same order (`"type": ["null", "string"]`): nothing
    /// differs, and most properties of an evolving schema are such pairs.
    fn same_leaves(&self, o: NodeId, u: NodeId) -> bool {
        let (on, un) = (self.original.get(o), self.update.get(u));
        if let (Some(os), Some(us)) = (on.shape, un.shape) {
            return os == us;
        }
        let same_leaf = |ok: &Kind, uk: &Kind| match (ok, uk) {
            (Kind::Empty, Kind::Empty)
            | (Kind::True, Kind::True)
            | (Kind::False, Kind::False)
            | (Kind::Boolean, Kind::Boolean)
            | (Kind::Null, Kind::Null) => true,
            (Kind::String(o), Kind::String(u)) => o == u,
            (Kind::Number(o), Kind::Number(u)) => o == u,
            (Kind::Enum(o), Kind::Enum(u)) => o == u,
            (Kind::Const(o), Kind::Const(u)) => o == u,
            _ => false,
        };
        let same = match (&on.kind, &un.kind) {
            (
                Kind::Combined {
                    criterion: oc,
                    subschemas: os,
                    synthetic: osyn,
                },
                Kind::Combined {
                    criterion: uc,
                    subschemas: us,
                    synthetic: usyn,
                },
            ) => {
                (oc, osyn) == (uc, usyn)
                    && os.len() == us.len()
                    && os.iter().zip(us).all(|(o, u)| {
                        let (on, un) = (self.original.get(*o), self.update.get(*u));
                        same_leaf(&on.kind, &un.kind) && on.same_annotations(un)
                    })
            }
            (ok, uk) => same_leaf(ok, uk),
        };
        same && on.same_annotations(un)
    }

    fn compare_pair(&mut self, ctx: &mut Ctx, o: NodeId, u: NodeId) {
        let (on, un) = (self.original.get(o), self.update.get(u));
        if let Some(done) = self.compare_combined_with_single(ctx, o, u) {
            if done {
                return;
            }
        }
        if !same_type(&on.kind, &un.kind) {
            if matches!(on.kind, Kind::False) || matches!(un.kind, Kind::Empty | Kind::True) {
                return;
            }
            return ctx.add(Difference::TYPE_CHANGED);
        }
        // Two parts of objects (`"type": ["null", "string"]` read as two types) carry their
        // objects' annotations, which are compared, once, with the objects: as Confluent's
        // library reads such an object, its parts have none.
        if !(on.part && un.part) {
            let (oa, ua) = (&on.annotations, &un.annotations);
            if oa.id != ua.id {
                ctx.add(Difference::ID_CHANGED);
            }
            if oa.title != ua.title {
                ctx.add(Difference::TITLE_CHANGED);
            }
            if oa.description != ua.description {
                ctx.add(Difference::DESCRIPTION_CHANGED);
            }
            if oa.default != ua.default {
                ctx.add(Difference::DEFAULT_CHANGED);
            }
        }
        match (&on.kind, &un.kind) {
            (Kind::String(os), Kind::String(us)) => compare_strings(ctx, os, us),
            (Kind::Number(on), Kind::Number(un)) => compare_numbers(ctx, on, un, self.policy),
            (Kind::Const(ov), Kind::Const(uv)) if ov != uv => {
                ctx.add_at("const", Difference::ENUM_ARRAY_CHANGED);
            }
            // `const: x` accepts exactly what `enum: [x]` accepts.
            (Kind::Const(ov), Kind::Enum(uv)) => compare_enums(ctx, std::slice::from_ref(ov), uv),
            (Kind::Enum(ov), Kind::Const(uv)) => compare_enums(ctx, ov, std::slice::from_ref(uv)),
            (Kind::Enum(ov), Kind::Enum(uv)) => compare_enums(ctx, ov, uv),
            (
                Kind::Conditional {
                    condition: oc,
                    then: ot,
                    otherwise: oe,
                },
                Kind::Conditional {
                    condition: uc,
                    then: ut,
                    otherwise: ue,
                },
            ) => {
                self.compare_conditionals(ctx, [*oc, *ot, *oe], [*uc, *ut, *ue]);
            }
            (Kind::Combined { .. }, Kind::Combined { .. }) => self.compare_combined(ctx, o, u),
            (Kind::Not(oi), Kind::Not(ui)) => {
                ctx.enter("not");
                let mut sub = ctx.sub();
                // `not` flips the direction: excluding less accepts more.
                self.compare_swapped(&mut sub, *ui, *oi);
                ctx.add(if self.is_compatible(&sub.changes) {
                    Difference::NOT_TYPE_NARROWED
                } else {
                    Difference::NOT_TYPE_EXTENDED
                });
                ctx.leave();
            }
            (Kind::Object(oo), Kind::Object(uo)) => self.compare_objects(ctx, oo, uo),
            (Kind::Array(oa), Kind::Array(ua)) => self.compare_arrays(ctx, oa, ua),
            _ => {}
        }
    }

    /// A keyword whose subschema constrains values when present: adding it narrows, removing it
    /// widens, and a change is compared as a schema.
    fn compare_optional(
        &mut self,
        ctx: &mut Ctx,
        keyword: &str,
        o: Option<NodeId>,
        u: Option<NodeId>,
        kinds: [Difference; 2],
    ) {
        ctx.enter(keyword);
        match (o, u) {
            (None, Some(_)) => ctx.add(kinds[0]),
            (Some(_), None) => ctx.add(kinds[1]),
            _ => self.compare(ctx, o, u),
        }
        ctx.leave();
    }

    /// `if` must stay the same (either way round a change moves values between `then` and
    /// `else`); `then` and `else` are compared like any subschema.
    fn compare_conditionals(
        &mut self,
        ctx: &mut Ctx,
        o: [Option<NodeId>; 3],
        u: [Option<NodeId>; 3],
    ) {
        ctx.enter("if");
        match (o[0], u[0]) {
            (Some(oc), Some(uc)) => {
                // Any change but an annotation's counts here, compatible or not.
                let mut forward = ctx.sub_recording_all();
                self.compare(&mut forward, Some(oc), Some(uc));
                let mut backward = ctx.sub_recording_all();
                self.compare_swapped(&mut backward, uc, oc);
                let unchanged = |changes: &[Change]| {
                    changes.iter().all(|c| {
                        matches!(
                            c.difference,
                            Difference::ID_CHANGED
                                | Difference::TITLE_CHANGED
                                | Difference::DESCRIPTION_CHANGED
                                | Difference::DEFAULT_CHANGED
                        )
                    })
                };
                if !unchanged(&forward.changes) || !unchanged(&backward.changes) {
                    ctx.add(Difference::CONDITION_CHANGED);
                }
            }
            (None, None) => {}
            _ => ctx.add(Difference::CONDITION_CHANGED),
        }
        ctx.leave();
        for (keyword, index) in [("then", 1), ("else", 2)] {
            self.compare_optional(
                ctx,
                keyword,
                o[index],
                u[index],
                [Difference::CONDITION_ADDED, Difference::CONDITION_REMOVED],
            );
        }
    }

    /// Compares with the roles of the two documents exchanged (for `not`).
    fn compare_swapped(&mut self, ctx: &mut Ctx, update_side: NodeId, original_side: NodeId) {
        if self.swaps >= MAX_SWAPS {
            return;
        }
        let mut swapped = Engine {
            original: self.update,
            update: self.original,
            policy: self.policy,
            memo: PairMap::default(),
            in_progress: PairSet::default(),
            swaps: self.swaps + 1,
        };
        swapped.compare(ctx, Some(update_side), Some(original_side));
    }

    fn compare_arrays(&mut self, ctx: &mut Ctx, o: &ArraySchema, u: &ArraySchema) {
        ctx.enter("items");
        self.compare(ctx, o.all_items, u.all_items);
        ctx.leave();

        self.compare_item_schemas(ctx, o, u);
        self.compare_optional(
            ctx,
            "contains",
            o.contains,
            u.contains,
            [Difference::CONTAINS_ADDED, Difference::CONTAINS_REMOVED],
        );
        self.compare_additional_items(ctx, o, u);
        use Difference::*;
        compare_limit(
            ctx,
            "maxItems",
            o.max_items,
            u.max_items,
            [
                MAX_ITEMS_ADDED,
                MAX_ITEMS_REMOVED,
                MAX_ITEMS_INCREASED,
                MAX_ITEMS_DECREASED,
            ],
        );
        compare_limit(
            ctx,
            "minItems",
            o.min_items,
            u.min_items,
            [
                MIN_ITEMS_ADDED,
                MIN_ITEMS_REMOVED,
                MIN_ITEMS_INCREASED,
                MIN_ITEMS_DECREASED,
            ],
        );
        compare_limit(
            ctx,
            "minContains",
            o.min_contains,
            u.min_contains,
            [
                MIN_CONTAINS_ADDED,
                MIN_CONTAINS_REMOVED,
                MIN_CONTAINS_INCREASED,
                MIN_CONTAINS_DECREASED,
            ],
        );
        compare_limit(
            ctx,
            "maxContains",
            o.max_contains,
            u.max_contains,
            [
                MAX_CONTAINS_ADDED,
                MAX_CONTAINS_REMOVED,
                MAX_CONTAINS_INCREASED,
                MAX_CONTAINS_DECREASED,
            ],
        );
        if o.unique_items != u.unique_items {
            ctx.add_at(
                "uniqueItems",
                if o.unique_items {
                    UNIQUE_ITEMS_REMOVED
                } else {
                    UNIQUE_ITEMS_ADDED
                },
            );
        }
    }

    /// Positional `items` (`prefixItems`): each position compared, or added or removed against
    /// the other side's content model.
    fn compare_item_schemas(&mut self, ctx: &mut Ctx, o: &ArraySchema, u: &ArraySchema) {
        let empty = Vec::new();
        let (os, us) = (
            o.item_schemas.as_ref().unwrap_or(&empty),
            u.item_schemas.as_ref().unwrap_or(&empty),
        );
        for index in 0..os.len().max(us.len()) {
            ctx.enter(format!("items/{index}"));
            match (os.get(index), us.get(index)) {
                (Some(oi), Some(ui)) => self.compare(ctx, Some(*oi), Some(*ui)),
                (Some(oi), None) => self.item_removed(ctx, *oi, u),
                (None, Some(ui)) => self.item_added(ctx, *ui, o),
                (None, None) => {}
            }
            ctx.leave();
        }
    }

    /// A position the update no longer lists: where its content model still takes the item.
    fn item_removed(&mut self, ctx: &mut Ctx, oi: NodeId, u: &ArraySchema) {
        if is_open(u) {
            ctx.add(Difference::ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
        } else if let Some(partial) = u.additional.schema {
            let mut sub = ctx.sub();
            self.compare(&mut sub, Some(oi), Some(partial));
            let ok = self.is_compatible(&sub.changes);
            ctx.changes.extend(sub.changes);
            ctx.add(if ok {
                Difference::ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            } else {
                Difference::ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            });
        } else if matches!(
            self.original.get(self.original.resolve(oi)).kind,
            Kind::False
        ) {
            ctx.add(Difference::ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        } else {
            ctx.add(Difference::ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        }
    }

    /// A position the original did not list: whether its content model took such an item.
    fn item_added(&mut self, ctx: &mut Ctx, ui: NodeId, o: &ArraySchema) {
        if is_open(o) {
            if matches!(
                self.update.get(self.update.resolve(ui)).kind,
                Kind::Empty | Kind::True
            ) {
                ctx.add(Difference::ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL);
            } else {
                ctx.add(Difference::ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
            }
        } else if let Some(partial) = o.additional.schema {
            let mut sub = ctx.sub();
            self.compare(&mut sub, Some(partial), Some(ui));
            let ok = self.is_compatible(&sub.changes);
            ctx.changes.extend(sub.changes);
            ctx.add(if ok {
                Difference::ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            } else {
                Difference::ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            });
        } else {
            ctx.add(Difference::ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
        }
    }

    /// `additionalItems`: permitted or not, and the schema they must match.
    fn compare_additional_items(&mut self, ctx: &mut Ctx, o: &ArraySchema, u: &ArraySchema) {
        ctx.enter("additionalItems");
        let (oa, ua) = (&o.additional, &u.additional);
        if oa.permitted != ua.permitted {
            ctx.add(if oa.permitted {
                Difference::ADDITIONAL_ITEMS_REMOVED
            } else {
                Difference::ADDITIONAL_ITEMS_ADDED
            });
        } else if oa.schema.is_none() && ua.schema.is_some() {
            ctx.add(Difference::ADDITIONAL_ITEMS_NARROWED);
        } else if oa.schema.is_some() && ua.schema.is_none() {
            ctx.add(Difference::ADDITIONAL_ITEMS_EXTENDED);
        } else {
            self.compare(ctx, oa.schema, ua.schema);
        }
        ctx.leave();
    }
}

/// Whether an array takes any item past its positional ones.
fn is_open(a: &ArraySchema) -> bool {
    a.additional.schema.is_none() && a.additional.permitted
}

/// Whether two nodes are schemas of the same type (any two combinations are; numbers and
/// integers are; `{}` and `true` are).
fn same_type(a: &Kind, b: &Kind) -> bool {
    match (a, b) {
        (Kind::Const(_) | Kind::Enum(_), Kind::Const(_) | Kind::Enum(_)) => true,
        (Kind::Combined { .. }, Kind::Combined { .. })
        | (Kind::Number(_), Kind::Number(_))
        | (Kind::Empty | Kind::True, Kind::Empty | Kind::True) => true,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// `added`, `removed`, `increased`, `decreased`, in that order.
fn compare_limit<T: PartialOrd + Copy>(
    ctx: &mut Ctx,
    keyword: &str,
    o: Option<T>,
    u: Option<T>,
    kinds: [Difference; 4],
) {
    let kind = match (o, u) {
        (None, Some(_)) => kinds[0],
        (Some(_), None) => kinds[1],
        (Some(o), Some(u)) if o < u => kinds[2],
        (Some(o), Some(u)) if o > u => kinds[3],
        _ => return,
    };
    ctx.add_at(keyword, kind);
}

fn compare_strings(ctx: &mut Ctx, o: &StringSchema, u: &StringSchema) {
    use Difference::*;
    compare_limit(
        ctx,
        "maxLength",
        o.max_length,
        u.max_length,
        [
            MAX_LENGTH_ADDED,
            MAX_LENGTH_REMOVED,
            MAX_LENGTH_INCREASED,
            MAX_LENGTH_DECREASED,
        ],
    );
    compare_limit(
        ctx,
        "minLength",
        o.min_length,
        u.min_length,
        [
            MIN_LENGTH_ADDED,
            MIN_LENGTH_REMOVED,
            MIN_LENGTH_INCREASED,
            MIN_LENGTH_DECREASED,
        ],
    );
    compare_keyword(
        ctx,
        "pattern",
        &o.pattern,
        &u.pattern,
        [PATTERN_ADDED, PATTERN_REMOVED, PATTERN_CHANGED],
    );
    // Confluent ignores these three; a registry that checks them (Apicurio) rejects the same
    // changes, and they do reject data that was valid before.
    compare_keyword(
        ctx,
        "format",
        &o.format,
        &u.format,
        [FORMAT_ADDED, FORMAT_REMOVED, FORMAT_CHANGED],
    );
    compare_keyword(
        ctx,
        "contentEncoding",
        &o.content_encoding,
        &u.content_encoding,
        [
            CONTENT_ENCODING_ADDED,
            CONTENT_ENCODING_REMOVED,
            CONTENT_ENCODING_CHANGED,
        ],
    );
    compare_keyword(
        ctx,
        "contentMediaType",
        &o.content_media_type,
        &u.content_media_type,
        [
            CONTENT_MEDIA_TYPE_ADDED,
            CONTENT_MEDIA_TYPE_REMOVED,
            CONTENT_MEDIA_TYPE_CHANGED,
        ],
    );
}

/// Strict policy: where the update writes a bound with both keywords (`minimum` and
/// `exclusiveMinimum`), each keyword the original did not have is reported as added.
fn keywords_added_beside(ctx: &mut Ctx, o: &NumberSchema, u: &NumberSchema) {
    use Difference::*;
    let (ok, uk) = (&o.keywords, &u.keywords);
    let pairs = [
        (
            (ok.minimum, ok.exclusive_minimum),
            (uk.minimum, uk.exclusive_minimum),
            [
                ("minimum", MINIMUM_ADDED),
                ("exclusiveMinimum", EXCLUSIVE_MINIMUM_ADDED),
            ],
        ),
        (
            (ok.maximum, ok.exclusive_maximum),
            (uk.maximum, uk.exclusive_maximum),
            [
                ("maximum", MAXIMUM_ADDED),
                ("exclusiveMaximum", EXCLUSIVE_MAXIMUM_ADDED),
            ],
        ),
    ];
    for ((o_inclusive, o_exclusive), (u_inclusive, u_exclusive), added) in pairs {
        if u_inclusive.is_none() || u_exclusive.is_none() {
            continue;
        }
        for (was, (keyword, difference)) in [o_inclusive, o_exclusive].into_iter().zip(added) {
            if was.is_none() && !ctx.has_at(keyword, difference) {
                ctx.add_at(keyword, difference);
            }
        }
    }
}

/// Limits by the effective limit each pair (`minimum`/`exclusiveMinimum`) sets, which is what
/// data can pass. Under the strict policy, a keyword added beside its partner is also reported
/// as Confluent reports it (Confluent compares keyword by keyword, so it refuses an
/// `exclusiveMinimum` added next to a `minimum` that already implies it); a keyword that
/// replaces its partner is judged by the effective limit, as Apicurio judges it.
fn compare_numbers(ctx: &mut Ctx, o: &NumberSchema, u: &NumberSchema, policy: Policy) {
    use Difference::*;
    compare_bound(
        ctx,
        "minimum",
        o.lower,
        u.lower,
        |o, u| u.value < o.value,
        [
            MINIMUM_ADDED,
            MINIMUM_REMOVED,
            MINIMUM_DECREASED,
            MINIMUM_INCREASED,
        ],
    );
    compare_bound(
        ctx,
        "maximum",
        o.upper,
        u.upper,
        |o, u| u.value > o.value,
        [
            MAXIMUM_ADDED,
            MAXIMUM_REMOVED,
            MAXIMUM_INCREASED,
            MAXIMUM_DECREASED,
        ],
    );
    if policy == Policy::Strict {
        keywords_added_beside(ctx, o, u);
    }
    match (o.multiple_of, u.multiple_of) {
        (None, Some(_)) => ctx.add_at("multipleOf", MULTIPLE_OF_ADDED),
        (Some(_), None) => ctx.add_at("multipleOf", MULTIPLE_OF_REMOVED),
        (Some(a), Some(b)) if a != b => {
            let kind = if is_multiple(b, a) {
                MULTIPLE_OF_EXPANDED
            } else if is_multiple(a, b) {
                MULTIPLE_OF_REDUCED
            } else {
                MULTIPLE_OF_CHANGED
            };
            ctx.add_at("multipleOf", kind);
        }
        _ => {}
    }
    if o.integer != u.integer {
        ctx.add(if o.integer {
            TYPE_EXTENDED
        } else {
            TYPE_NARROWED
        });
    }
}

/// `added`, `removed`, `relaxed`, `tightened`, in that order. `looser_value` says whether the
/// update's value lets more through; at equal values, an inclusive limit is the looser.
fn compare_bound(
    ctx: &mut Ctx,
    keyword: &str,
    o: Option<Bound>,
    u: Option<Bound>,
    looser_value: fn(Bound, Bound) -> bool,
    kinds: [Difference; 4],
) {
    let kind = match (o, u) {
        (None, Some(_)) => kinds[0],
        (Some(_), None) => kinds[1],
        (Some(o), Some(u)) if o == u => return,
        (Some(o), Some(u))
            if looser_value(o, u) || (o.value == u.value && o.exclusive && !u.exclusive) =>
        {
            kinds[2]
        }
        (Some(_), Some(_)) => kinds[3],
        (None, None) => return,
    };
    ctx.add_at(keyword, kind);
}

/// An annotation-like string keyword that restricts values: adding or changing it narrows.
fn compare_keyword(
    ctx: &mut Ctx,
    keyword: &str,
    o: &Option<String>,
    u: &Option<String>,
    kinds: [Difference; 3],
) {
    match (o, u) {
        (None, Some(_)) => ctx.add_at(keyword, kinds[0]),
        (Some(_), None) => ctx.add_at(keyword, kinds[1]),
        (Some(a), Some(b)) if a != b => ctx.add_at(keyword, kinds[2]),
        _ => {}
    }
}

/// Whether `a` is a whole multiple of `b` (both positive).
fn is_multiple(a: f64, b: f64) -> bool {
    let ratio = a / b;
    ratio.is_finite() && (ratio - ratio.round()).abs() < 1e-9
}

fn compare_enums(ctx: &mut Ctx, o: &[serde_json::Value], u: &[serde_json::Value]) {
    if o == u {
        return;
    }
    // Small enums by a scan; wide ones by their values' JSON texts in sets, as a scan per value
    // is quadratic in an enum of 100,000 values. (Values are equal exactly when their texts
    // are: objects print their keys sorted.)
    let (kept_all, added_none) = if o.len().max(u.len()) <= 16 {
        (
            o.iter().all(|v| u.contains(v)),
            u.iter().all(|v| o.contains(v)),
        )
    } else {
        let texts = |values: &[serde_json::Value]| -> std::collections::HashSet<String> {
            values.iter().map(serde_json::Value::to_string).collect()
        };
        let (original, update) = (texts(o), texts(u));
        (original.is_subset(&update), update.is_subset(&original))
    };
    if kept_all && added_none {
        return;
    }
    let kind = if kept_all {
        Difference::ENUM_ARRAY_EXTENDED
    } else if added_none {
        Difference::ENUM_ARRAY_NARROWED
    } else {
        Difference::ENUM_ARRAY_CHANGED
    };
    ctx.add_at("enum", kind);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonschema::parse;

    /// (difference, path) of every difference from `original` to `update` in a property `a`.
    fn property_differences(original: &str, update: &str) -> Vec<(Difference, String)> {
        let object = |schema: &str| {
            let text = format!(r#"{{"type": "object", "properties": {{"a": {schema}}}}}"#);
            parse("s.json", &text).unwrap()
        };
        differences(&object(original), &object(update), Policy::Strict)
            .into_iter()
            .map(|c| (c.difference, c.path))
            .collect()
    }

    #[test]
    fn equal_leaves_are_skipped_and_anything_else_compared() {
        let nullable = r#"{"type": ["null", "string"]}"#;
        assert!(property_differences(nullable, nullable).is_empty());
        assert!(property_differences(nullable, r#"{"type": ["string", "null"]}"#).is_empty());
        // Once, where it is written: not again for each of the two types.
        assert_eq!(
            property_differences(nullable, r#"{"type": ["null", "string"], "title": "A"}"#),
            [(Difference::TITLE_CHANGED, "#/properties/a".to_owned())]
        );
        // A type that became a list of types: the list's part compared with the type.
        assert_eq!(
            property_differences(
                r#"{"type": "string", "title": "A"}"#,
                r#"{"type": ["null", "string"], "title": "B"}"#
            ),
            [
                (Difference::TITLE_CHANGED, "#/properties/a".to_owned()),
                (Difference::SUM_TYPE_EXTENDED, "#/properties/a".to_owned())
            ]
        );
        assert!(
            property_differences(nullable, r#"{"type": ["null", "integer"]}"#)
                .iter()
                .any(|(d, _)| !d.is_compatible(Policy::Strict))
        );
        assert_eq!(
            property_differences(
                r#"{"type": "string"}"#,
                r#"{"type": "string", "maxLength": 3}"#
            ),
            [(
                Difference::MAX_LENGTH_ADDED,
                "#/properties/a/maxLength".to_owned()
            )]
        );
    }
}
