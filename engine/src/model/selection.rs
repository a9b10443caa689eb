//! What a view shows: its selected elements (SPEC §2.2 `include`/`exclude`)
//! and the relationships drawn between them, implied ones lifted to the
//! nearest shown ancestor.

use std::collections::BTreeMap;

use kozo_lang::{Depth, Span};

use super::{ElementId, Model, RelationKindId, RelationshipId, Selected, ViewId};

/// A resolved selector: `None` is `*` (every top-level element).
pub(crate) type Pick = (Option<ElementId>, Depth, Span);

fn expand(model: &Model, pick: &Pick, out: &mut dyn FnMut(ElementId)) {
    match pick {
        (None, _, _) => {
            for id in model.element_ids() {
                if model.element(id).parent.is_none() {
                    out(id);
                }
            }
        }
        (Some(id), Depth::Itself, _) => out(*id),
        (Some(id), Depth::Children, _) => {
            for &child in &model.element(*id).children {
                out(child);
            }
        }
        (Some(id), Depth::Descendants, _) => {
            let mut stack: Vec<ElementId> =
                model.element(*id).children.iter().rev().copied().collect();
            while let Some(next) = stack.pop() {
                out(next);
                stack.extend(model.element(next).children.iter().rev().copied());
            }
        }
    }
}

/// The elements `includes` take and `excludes` do not, in declaration order,
/// each with the first selector that took it.
pub(crate) fn select(model: &Model, includes: &[Pick], excludes: &[Pick]) -> Vec<Selected> {
    let mut taken: Vec<Selected> = Vec::new();
    for pick in includes {
        let selector = pick.2;
        expand(model, pick, &mut |element| {
            taken.push(Selected { element, selector })
        });
    }
    // Declaration order; the first selector that took an element wins.
    taken.sort_by_key(|s| s.element);
    taken.dedup_by_key(|s| s.element);
    if !excludes.is_empty() {
        let mut excluded = rustc_hash::FxHashSet::default();
        for pick in excludes {
            expand(model, pick, &mut |element| {
                excluded.insert(element);
            });
        }
        taken.retain(|s| !excluded.contains(&s.element));
    }
    taken.shrink_to_fit();
    taken
}

/// A relationship as a view draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownRelationship {
    pub source: ElementId,
    pub target: ElementId,
    pub kind: RelationKindId,
    /// The model relationships this edge stands for: one for a direct
    /// relationship, one or more for an implied (lifted) one.
    pub relationships: Vec<RelationshipId>,
    /// Drawn between ancestors of the real ends.
    pub implied: bool,
}

pub(crate) fn view_relationships(model: &Model, view: ViewId) -> Vec<ShownRelationship> {
    let view = model.view(view);
    let mut shown = vec![false; model.elements.len()];
    for s in &view.elements {
        shown[s.element.index()] = true;
    }
    let viewpoint = view.viewpoint.map(|v| model.viewpoint(v));
    let nearest_shown = |id: ElementId| model.ancestors_and_self(id).find(|a| shown[a.index()]);
    let mut direct = Vec::new();
    let mut implied: BTreeMap<(ElementId, ElementId, RelationKindId), Vec<RelationshipId>> =
        BTreeMap::new();
    for id in model.relationship_ids() {
        let rel = model.relationship(id);
        if viewpoint.is_some_and(|vp| !vp.allows_relation(rel.kind)) {
            continue;
        }
        let (Some(source), Some(target)) = (nearest_shown(rel.source), nearest_shown(rel.target))
        else {
            continue;
        };
        if source == target {
            continue;
        }
        if source == rel.source && target == rel.target {
            direct.push(ShownRelationship {
                source,
                target,
                kind: rel.kind,
                relationships: vec![id],
                implied: false,
            });
        } else {
            implied
                .entry((source, target, rel.kind))
                .or_default()
                .push(id);
        }
    }
    direct.extend(
        implied.into_iter().map(
            |((source, target, kind), relationships)| ShownRelationship {
                source,
                target,
                kind,
                relationships,
                implied: true,
            },
        ),
    );
    direct
}
