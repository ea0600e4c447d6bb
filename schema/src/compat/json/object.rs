//! Objects: required properties, properties against open, closed and partially open content
//! models, dependencies, additional properties and size limits.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use super::{compare_limit, Ctx, Difference, Engine};
use crate::jsonschema::{JsonSchema, Kind, NodeId, ObjectSchema};

impl Engine<'_> {
    pub(super) fn compare_objects(&mut self, ctx: &mut Ctx, o: &ObjectSchema, u: &ObjectSchema) {
        use Difference::*;
        let members = Members::of(o, u);
        self.compare_required(ctx, &members);
        self.compare_pattern_properties(ctx, o, u);
        // A `propertyNames` that every name matches (`{}`, an unanchored `a*`) constrains
        // nothing: adding or removing it changes nothing.
        let names = |doc, id: Option<NodeId>| id.filter(|&id| !takes_every_name(doc, id));
        self.compare_optional(
            ctx,
            "propertyNames",
            names(self.original, o.property_names),
            names(self.update, u.property_names),
            [PROPERTY_NAMES_ADDED, PROPERTY_NAMES_REMOVED],
        );

        self.compare_properties(ctx, &members);
        self.compare_dependencies(ctx, o, u);
        self.compare_additional(ctx, o, u);
        compare_limit(
            ctx,
            "maxProperties",
            o.max_properties,
            u.max_properties,
            [
                MAX_PROPERTIES_ADDED,
                MAX_PROPERTIES_REMOVED,
                MAX_PROPERTIES_INCREASED,
                MAX_PROPERTIES_DECREASED,
            ],
        );
        compare_limit(
            ctx,
            "minProperties",
            o.min_properties,
            u.min_properties,
            [
                MIN_PROPERTIES_ADDED,
                MIN_PROPERTIES_REMOVED,
                MIN_PROPERTIES_INCREASED,
                MIN_PROPERTIES_DECREASED,
            ],
        );
    }

    /// `required`: a property that became required (with a default or not), or optional.
    fn compare_required(&mut self, ctx: &mut Ctx, members: &Members<'_>) {
        let (o, u, oi, ui) = (members.o.object, members.u.object, &members.o, &members.u);
        use Difference::*;
        if o.required.is_empty() && u.required.is_empty() {
            return;
        }
        ctx.enter("required");
        for (place, (name, _)) in o.properties.iter().enumerate() {
            let Some(update_schema) = members.in_update(place, name) else {
                continue;
            };
            let (was, is) = (oi.required(name), ui.required(name));
            if was && !is {
                ctx.add_at(name, REQUIRED_ATTRIBUTE_REMOVED);
            } else if !was && is {
                let kind = if self.has_default(false, update_schema) {
                    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                } else {
                    REQUIRED_ATTRIBUTE_ADDED
                };
                ctx.add_at(name, kind);
            }
        }
        // Required names that no `properties` entry declares still constrain the data.
        for name in u
            .required
            .iter()
            .filter(|n| !oi.required(n) && ui.property(n).is_none())
        {
            ctx.add_at(name, REQUIRED_ATTRIBUTE_ADDED);
        }
        for name in o
            .required
            .iter()
            .filter(|n| !ui.required(n) && oi.property(n).is_none())
        {
            ctx.add_at(name, REQUIRED_ATTRIBUTE_REMOVED);
        }
        ctx.leave();
    }

    /// Each property of either side, compared where both have it, else added or removed
    /// against the other side's content model.
    fn compare_properties(&mut self, ctx: &mut Ctx, members: &Members<'_>) {
        let (o, u) = (members.o.object, members.u.object);
        ctx.enter("properties");
        for (place, (name, os)) in o.properties.iter().enumerate() {
            let us = members.in_update(place, name);
            // Most properties of an evolving schema are unchanged leaves.
            if us.is_some_and(|us| self.same_leaves(*os, us)) {
                continue;
            }
            self.compare_property(ctx, members, name, Some(*os), us);
        }
        // The update's own properties: none among the names both sides share at their places.
        for (place, (name, us)) in u.properties.iter().enumerate().skip(members.common) {
            if members.in_original(place, name).is_none() {
                self.compare_property(ctx, members, name, None, Some(*us));
            }
        }
        ctx.leave();
    }

    /// One property that either side has.
    fn compare_property(
        &mut self,
        ctx: &mut Ctx,
        members: &Members<'_>,
        name: &str,
        os: Option<NodeId>,
        us: Option<NodeId>,
    ) {
        ctx.enter(name);
        // Point findings about one property at that property in each file that has it.
        let saved = ctx.pos;
        if let Some(os) = os {
            ctx.pos.0 = self.original.get(os).pos;
        }
        if let Some(us) = us {
            ctx.pos.1 = self.update.get(us).pos;
        }
        match (os, us) {
            (Some(os), Some(us)) => self.compare(ctx, Some(os), Some(us)),
            (Some(os), None) => self.property_removed(ctx, name, os, members.u.object),
            (None, Some(us)) => {
                let required = members.u.required(name);
                self.property_added(ctx, name, us, members.o.object, required);
            }
            (None, None) => {}
        }
        ctx.pos = saved;
        ctx.leave();
    }

    /// `dependencies`: the property arrays (extended, narrowed, changed) and the schemas.
    fn compare_dependencies(&mut self, ctx: &mut Ctx, o: &ObjectSchema, u: &ObjectSchema) {
        use Difference::*;
        let none = |s: &ObjectSchema| {
            s.property_dependencies.is_empty() && s.schema_dependencies.is_empty()
        };
        if none(o) && none(u) {
            return;
        }
        ctx.enter("dependencies");
        // Indexed by key (the first entry of a key counts), so that many dependencies cost
        // linear time.
        let (oa, ua) = (
            by_key(&o.property_dependencies),
            by_key(&u.property_dependencies),
        );
        for key in keys_of_both(&o.property_dependencies, &u.property_dependencies) {
            let kind = match (oa.get(key), ua.get(key)) {
                (_, None) => Some(DEPENDENCY_ARRAY_REMOVED),
                (None, Some(_)) => Some(DEPENDENCY_ARRAY_ADDED),
                (Some(a), Some(b)) => {
                    let (a, b): (HashSet<&str>, HashSet<&str>) = (
                        a.iter().map(String::as_str).collect(),
                        b.iter().map(String::as_str).collect(),
                    );
                    match (b.is_subset(&a), a.is_subset(&b)) {
                        (true, true) => None,
                        (false, true) => Some(DEPENDENCY_ARRAY_EXTENDED),
                        (true, false) => Some(DEPENDENCY_ARRAY_NARROWED),
                        (false, false) => Some(DEPENDENCY_ARRAY_CHANGED),
                    }
                }
            };
            if let Some(kind) = kind {
                ctx.add_at(key, kind);
            }
        }
        let (os, us) = (
            by_key(&o.schema_dependencies),
            by_key(&u.schema_dependencies),
        );
        for key in keys_of_both(&o.schema_dependencies, &u.schema_dependencies) {
            ctx.enter(key);
            match (os.get(key), us.get(key)) {
                (_, None) => ctx.add(DEPENDENCY_SCHEMA_REMOVED),
                (None, Some(_)) => ctx.add(DEPENDENCY_SCHEMA_ADDED),
                (Some(a), Some(b)) => self.compare(ctx, Some(**a), Some(**b)),
            }
            ctx.leave();
        }
        ctx.leave();
    }

    /// `additionalProperties`: permitted or not, and the schema they must match.
    fn compare_additional(&mut self, ctx: &mut Ctx, o: &ObjectSchema, u: &ObjectSchema) {
        use Difference::*;
        ctx.enter("additionalProperties");
        let (oa, ua) = (&o.additional, &u.additional);
        if oa.permitted != ua.permitted {
            ctx.add(if ua.permitted {
                ADDITIONAL_PROPERTIES_ADDED
            } else {
                ADDITIONAL_PROPERTIES_REMOVED
            });
        } else if oa.schema.is_none() && ua.schema.is_some() {
            ctx.add(ADDITIONAL_PROPERTIES_NARROWED);
        } else if oa.schema.is_some() && ua.schema.is_none() {
            ctx.add(ADDITIONAL_PROPERTIES_EXTENDED);
        } else {
            self.compare(ctx, oa.schema, ua.schema);
        }
        ctx.leave();
    }

    /// Only the update's content model matters: a property may go where the update still
    /// accepts it.
    fn property_removed(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        original_schema: NodeId,
        u: &ObjectSchema,
    ) {
        use Difference::*;
        if u.is_open() {
            return ctx.add(PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
        }
        if let Some(partial) = partially_open_schema(u, name) {
            let mut sub = ctx.sub();
            self.compare(&mut sub, Some(original_schema), Some(partial));
            let ok = self.is_compatible(&sub.changes);
            ctx.changes.extend(sub.changes);
            ctx.add(if ok {
                PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            } else {
                PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            });
        } else if matches!(
            self.original
                .get(self.original.resolve(original_schema))
                .kind,
            Kind::False
        ) {
            ctx.add(PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        } else {
            ctx.add(PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
        }
    }

    /// Only the original's content model matters: a property may be added where the original
    /// never let anything else in.
    fn property_added(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        update_schema: NodeId,
        o: &ObjectSchema,
        required: bool,
    ) {
        use Difference::*;
        if o.is_open() {
            let accepts_anything = matches!(
                self.update.get(self.update.resolve(update_schema)).kind,
                Kind::Empty | Kind::True
            );
            // Required, the property must now be sent: incompatible whatever the policy, as in
            // Confluent 8 (which splits the open-model case by whether the property is required).
            return ctx.add(match (required, accepts_anything) {
                (true, _) if self.has_default(false, update_schema) => {
                    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
                }
                (true, _) => REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
                (false, true) => PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
                (false, false) => PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
            });
        }
        if let Some(partial) = partially_open_schema(o, name) {
            let mut sub = ctx.sub();
            self.compare(&mut sub, Some(partial), Some(update_schema));
            let ok = self.is_compatible(&sub.changes);
            ctx.changes.extend(sub.changes);
            ctx.add(if ok {
                PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            } else {
                PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            });
        }
        if required {
            ctx.add(if self.has_default(false, update_schema) {
                REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
            } else {
                REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
            });
        } else {
            ctx.add(OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
        }
    }

    /// Pattern properties by pattern: the same pattern is compared as a schema; an added or
    /// removed one is judged by what the content model did with such properties before.
    fn compare_pattern_properties(&mut self, ctx: &mut Ctx, o: &ObjectSchema, u: &ObjectSchema) {
        use Difference::*;
        let find = |object: &ObjectSchema, pattern: &str| {
            object
                .pattern_properties
                .iter()
                .find(|(p, _)| p == pattern)
                .map(|(_, id)| *id)
        };
        ctx.enter("patternProperties");
        for (pattern, os) in &o.pattern_properties {
            ctx.enter(pattern);
            match find(u, pattern) {
                Some(us) => self.compare(ctx, Some(*os), Some(us)),
                None => match (u.additional.permitted, u.additional.schema) {
                    // A pattern property that took anything, in a model open to anything.
                    (true, None) if accepts_anything(self.original, *os) => {}
                    (true, None) => ctx.add(PATTERN_PROPERTY_REMOVED),
                    (true, Some(additional)) => self.compare(ctx, Some(*os), Some(additional)),
                    (false, _) => ctx.add(PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL),
                },
            }
            ctx.leave();
        }
        for (pattern, us) in &u.pattern_properties {
            if find(o, pattern).is_some() {
                continue;
            }
            ctx.enter(pattern);
            match (o.additional.permitted, o.additional.schema) {
                (true, None) if accepts_anything(self.update, *us) => {}
                (true, None) => ctx.add(PATTERN_PROPERTY_ADDED),
                (true, Some(additional)) => self.compare(ctx, Some(additional), Some(*us)),
                (false, _) => ctx.add(PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL),
            }
            ctx.leave();
        }
        ctx.leave();
    }

    fn has_default(&self, original_side: bool, id: NodeId) -> bool {
        let doc = if original_side {
            self.original
        } else {
            self.update
        };
        doc.get(id).annotations.default.is_some()
            || doc.get(doc.resolve(id)).annotations.default.is_some()
    }
}

/// Where each side's properties are on the other side. Evolving schemas keep their properties
/// where they were and add new ones at the end: the names the two sides share at the same
/// places are paired without hashing, the others through each side's index.
struct Members<'o> {
    o: Index<'o>,
    u: Index<'o>,
    /// How many leading properties have the same names on both sides.
    common: usize,
}

impl<'o> Members<'o> {
    fn of(o: &'o ObjectSchema, u: &'o ObjectSchema) -> Self {
        let common = (o.properties.iter().zip(&u.properties))
            .take_while(|((on, _), (un, _))| on == un)
            .count();
        Members {
            o: Index::of(o),
            u: Index::of(u),
            common,
        }
    }

    /// The update's schema of the original's property `name` at `place`.
    fn in_update(&self, place: usize, name: &str) -> Option<NodeId> {
        Self::on_other_side(place, name, self.common, &self.u)
    }

    /// The original's schema of the update's property `name` at `place`.
    fn in_original(&self, place: usize, name: &str) -> Option<NodeId> {
        Self::on_other_side(place, name, self.common, &self.o)
    }

    fn on_other_side(place: usize, name: &str, common: usize, other: &Index<'_>) -> Option<NodeId> {
        let properties = &other.object.properties;
        if place < common {
            return Some(properties[place].1);
        }
        if common == properties.len() {
            // Every property of the other side is one of the shared ones, and names are unique.
            return None;
        }
        match properties.get(place) {
            Some((n, id)) if n == name => Some(*id),
            _ => other.property(name),
        }
    }
}

/// An object's properties and required names by name.
/// Property names are short: the pair hasher's few operations per byte beat SipHash's setup.
type NameHasher = std::hash::BuildHasherDefault<crate::compat::PairHasher>;

struct Index<'o> {
    object: &'o ObjectSchema,
    /// Built for wide objects at the first look-up by name: a scan of a few members is cheaper
    /// than hashing, and members that keep their place are found without either.
    properties: OnceCell<HashMap<&'o str, NodeId, NameHasher>>,
    required: OnceCell<HashSet<&'o str, NameHasher>>,
}

impl<'o> Index<'o> {
    /// Up to this many members are found by a scan.
    const SCANNED: usize = 16;

    fn of(object: &'o ObjectSchema) -> Self {
        Index {
            object,
            properties: OnceCell::new(),
            required: OnceCell::new(),
        }
    }

    fn property(&self, name: &str) -> Option<NodeId> {
        let properties = &self.object.properties;
        if properties.len() <= Self::SCANNED {
            return properties
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, id)| *id);
        }
        let index = self.properties.get_or_init(|| {
            // Keys are unique: the loader refuses duplicate keys.
            properties.iter().map(|(n, id)| (n.as_str(), *id)).collect()
        });
        index.get(name).copied()
    }

    fn required(&self, name: &str) -> bool {
        let required = &self.object.required;
        if required.len() <= Self::SCANNED {
            return required.iter().any(|r| r == name);
        }
        let index = (self.required).get_or_init(|| required.iter().map(String::as_str).collect());
        index.contains(name)
    }
}

/// `{}` or `true`.
fn accepts_anything(doc: &JsonSchema, id: NodeId) -> bool {
    matches!(doc.get(doc.resolve(id)).kind, Kind::Empty | Kind::True)
}

/// Whether a `propertyNames` schema takes every name: anything, or strings whose only
/// constraint is a pattern that matches somewhere in any string (it matches the empty one).
fn takes_every_name(doc: &JsonSchema, id: NodeId) -> bool {
    match &doc.get(doc.resolve(id)).kind {
        Kind::Empty | Kind::True => true,
        Kind::String(s) => {
            s.min_length.is_none()
                && s.max_length.is_none()
                && s.format.is_none()
                && s.content_encoding.is_none()
                && s.content_media_type.is_none()
                && s.pattern.as_deref().is_none_or(|p| {
                    // Patterns were validated when the schema was loaded.
                    regex::Regex::new(p).is_ok_and(|re| re.is_match(""))
                })
        }
        _ => false,
    }
}

/// The schema that covers an undeclared property: the first matching pattern property, else
/// the schema of additional properties.
fn partially_open_schema(object: &ObjectSchema, name: &str) -> Option<NodeId> {
    for (pattern, schema) in &object.pattern_properties {
        // Patterns were validated when the schema was loaded.
        if regex::Regex::new(pattern).is_ok_and(|re| re.is_match(name)) {
            return Some(*schema);
        }
    }
    object.additional.schema
}

/// Entries by key; the first entry of a key counts.
fn by_key<T>(entries: &[(String, T)]) -> HashMap<&str, &T> {
    let mut map = HashMap::with_capacity(entries.len());
    for (key, value) in entries {
        map.entry(key.as_str()).or_insert(value);
    }
    map
}

/// The keys of `original`, then those only `update` has, each once.
fn keys_of_both<'k, T>(original: &'k [(String, T)], update: &'k [(String, T)]) -> Vec<&'k str> {
    let mut seen = HashSet::with_capacity(original.len() + update.len());
    (original.iter().chain(update))
        .map(|(key, _)| key.as_str())
        .filter(|key| seen.insert(*key))
        .collect()
}
