//! `allOf` / `anyOf` / `oneOf`: criteria, sizes, and a maximum matching of compatible subschemas.

use super::{Ctx, Difference, Engine};
use crate::jsonschema::{Criterion, Kind, NodeId};

impl<'s> Engine<'s> {
    fn doc(&self, original_side: bool) -> &'s crate::jsonschema::JsonSchema {
        if original_side {
            self.original
        } else {
            self.update
        }
    }

    /// The criterion and subschemas of a combination, borrowed from its document.
    fn combined(&self, original_side: bool, id: NodeId) -> Option<(Criterion, &'s [NodeId])> {
        match &self.doc(original_side).get(id).kind {
            Kind::Combined {
                criterion,
                subschemas,
                ..
            } => Some((*criterion, subschemas)),
            _ => None,
        }
    }

    fn is_synthetic(&self, original_side: bool, id: NodeId) -> bool {
        matches!(
            self.doc(original_side).get(id).kind,
            Kind::Combined {
                synthetic: true,
                ..
            }
        )
    }

    /// Two objects that each combine keyword groups (`type` and `enum`, say): each group is
    /// compared with the same group on the other side, so that a narrowed `enum` is reported as
    /// such rather than as a changed combination.
    fn compare_keyword_groups(&mut self, ctx: &mut Ctx, os: &[NodeId], us: &[NodeId]) {
        let (original, update) = (self.original, self.update);
        let kind =
            |doc: &'s crate::jsonschema::JsonSchema, id: NodeId| &doc.get(doc.resolve(id)).kind;
        let mut unmatched: Vec<NodeId> = us.to_vec();
        let mut left = Vec::new();
        for o in os {
            let ok = kind(original, *o);
            match unmatched
                .iter()
                .position(|u| super::same_type(ok, kind(update, *u)))
            {
                Some(i) => {
                    let u = unmatched.remove(i);
                    self.compare(ctx, Some(*o), Some(u));
                }
                None => left.push(*o),
            }
        }
        for o in left {
            // A group of another shape that still takes what the old one took: `"type":
            // "string"` against `"type": ["string", "null"]` is a union matched against the
            // single type, as Confluent matches it.
            let wider = unmatched.iter().position(|u| self.settle(ctx, o, *u, None));
            match wider {
                Some(i) => {
                    unmatched.remove(i);
                }
                // A group the update no longer has: fewer constraints.
                None => ctx.add(Difference::PRODUCT_TYPE_NARROWED),
            }
        }
        for _ in unmatched {
            ctx.add(Difference::PRODUCT_TYPE_EXTENDED);
        }
    }

    /// A combination on one side only: a single-subschema combination is its subschema; a new
    /// `anyOf`/`oneOf` is compatible if one branch is; an old `allOf` if one part is. Returns
    /// `Some(true)` when that settled the comparison.
    pub(super) fn compare_combined_with_single(
        &mut self,
        ctx: &mut Ctx,
        o: NodeId,
        u: NodeId,
    ) -> Option<bool> {
        match (self.combined(true, o), self.combined(false, u)) {
            (None, Some((criterion, subschemas))) => {
                if subschemas.len() == 1 {
                    return Some(self.settle(ctx, o, subschemas[0], None));
                }
                if matches!(criterion, Criterion::Any | Criterion::One) {
                    for &sub in subschemas {
                        if self.settle(ctx, o, sub, Some(Difference::SUM_TYPE_EXTENDED)) {
                            return Some(true);
                        }
                    }
                }
                Some(false)
            }
            (Some((criterion, subschemas)), None) => {
                if subschemas.len() == 1 && self.settle(ctx, subschemas[0], u, None) {
                    return Some(true);
                }
                if criterion == Criterion::All {
                    for &sub in subschemas {
                        if self.settle(ctx, sub, u, Some(Difference::PRODUCT_TYPE_NARROWED)) {
                            return Some(true);
                        }
                    }
                }
                Some(false)
            }
            _ => None,
        }
    }

    /// Whether each subschema compares to the one at its place in the other list with nothing
    /// recorded (in a check that records only refusals: nothing refused).
    fn unchanged_in_place(&mut self, ctx: &Ctx, os: &[NodeId], us: &[NodeId]) -> bool {
        os.iter().zip(us).all(|(o, u)| {
            let mut sub = ctx.sub_for_verdict();
            self.compare(&mut sub, Some(*o), Some(*u));
            sub.changes.is_empty()
        })
    }

    /// Compares a pair in a scratch context and keeps the result only when it is compatible.
    fn settle(&mut self, ctx: &mut Ctx, o: NodeId, u: NodeId, also: Option<Difference>) -> bool {
        let mut sub = ctx.sub();
        self.compare(&mut sub, Some(o), Some(u));
        if !self.is_compatible(&sub.changes) {
            return false;
        }
        ctx.changes.extend(sub.changes);
        if let Some(difference) = also {
            ctx.add(difference);
        }
        true
    }

    pub(super) fn compare_combined(&mut self, ctx: &mut Ctx, o: NodeId, u: NodeId) {
        let (Some((oc, os)), Some((uc, us))) = (self.combined(true, o), self.combined(false, u))
        else {
            return;
        };
        if self.is_synthetic(true, o) && self.is_synthetic(false, u) {
            return self.compare_keyword_groups(ctx, os, us);
        }
        if oc != uc {
            let extended = uc == Criterion::Any
                || (os.len() == 1 && us.len() == 1)
                || (os.len() == 1 && uc == Criterion::One)
                || (us.len() == 1 && oc == Criterion::All);
            if extended {
                ctx.add(Difference::COMBINED_TYPE_EXTENDED);
            } else {
                return ctx.add(Difference::COMBINED_TYPE_CHANGED);
            }
        }
        if os.len() < us.len() {
            ctx.add(if uc == Criterion::All {
                Difference::PRODUCT_TYPE_EXTENDED
            } else {
                Difference::SUM_TYPE_EXTENDED
            });
        } else if os.len() > us.len() {
            ctx.add(if oc == Criterion::All {
                Difference::PRODUCT_TYPE_NARROWED
            } else {
                Difference::SUM_TYPE_NARROWED
            });
        }
        // Subschemas unchanged at their place (a combination kept, or extended at its end)
        // stand for each other: that matches every subschema the shorter list has, with nothing
        // to report, which the search below would find too, at a cost quadratic in their number.
        if self.unchanged_in_place(ctx, os, us) {
            return;
        }
        // Which original subschema can each updated one stand for?
        let mut edges: Vec<Vec<(usize, Vec<super::Change>)>> = Vec::with_capacity(os.len());
        for (i, osub) in os.iter().enumerate() {
            ctx.enter(format!("{}/{i}", oc.keyword()));
            let mut row = Vec::new();
            for (j, usub) in us.iter().enumerate() {
                let mut sub = ctx.sub_for_verdict();
                self.compare(&mut sub, Some(*osub), Some(*usub));
                if self.is_compatible(&sub.changes) {
                    row.push((j, sub.changes));
                }
            }
            ctx.leave();
            edges.push(row);
        }
        let matched = maximum_matching(&edges, us.len());
        for (i, j) in matched.iter().enumerate() {
            if let Some(j) = j {
                if let Some((_, changes)) = edges[i].iter().find(|(k, _)| k == j) {
                    ctx.changes.extend(changes.iter().cloned());
                }
            }
        }
        let size = matched.iter().filter(|m| m.is_some()).count();
        if size < os.len().min(us.len()) {
            ctx.add(Difference::COMBINED_TYPE_SUBSCHEMAS_CHANGED);
        }
    }
}

/// A maximum bipartite matching (augmenting paths): for each left node, its right partner.
fn maximum_matching<T>(edges: &[Vec<(usize, T)>], right: usize) -> Vec<Option<usize>> {
    fn augment<T>(
        i: usize,
        edges: &[Vec<(usize, T)>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for (j, _) in &edges[i] {
            if seen[*j] {
                continue;
            }
            seen[*j] = true;
            if owner[*j].is_none_or(|k| augment(k, edges, seen, owner)) {
                owner[*j] = Some(i);
                return true;
            }
        }
        false
    }
    let mut owner: Vec<Option<usize>> = vec![None; right];
    for i in 0..edges.len() {
        let mut seen = vec![false; right];
        augment(i, edges, &mut seen, &mut owner);
    }
    let mut partner = vec![None; edges.len()];
    for (j, i) in owner.iter().enumerate() {
        if let Some(i) = i {
            partner[*i] = Some(j);
        }
    }
    partner
}

#[cfg(test)]
mod tests {
    use super::maximum_matching;

    #[test]
    fn matching_finds_augmenting_paths() {
        // 0 can take a or b, 1 only a: the maximum matching is 0-b, 1-a.
        let edges = vec![vec![(0, ()), (1, ())], vec![(0, ())]];
        assert_eq!(maximum_matching(&edges, 2), [Some(1), Some(0)]);
    }
}
