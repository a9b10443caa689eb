//! What a view shows: its selected elements (SPEC §2.2 `include`/`exclude`),
//! the relationships drawn between them (implied ones lifted to the nearest
//! shown ancestor), and its curation: relationships it leaves out, its
//! groups and notes, and what is wrong with them.

use std::collections::BTreeMap;

use kozo_lang::{Depth, Span};
use rustc_hash::FxHashSet as HashSet;

use super::names::NameIndex;
use super::{
    ElementExclusion, ElementId, Model, RelationKindId, RelationshipId, Selected, View, ViewId,
};

/// A resolved selector: `None` is `*` (every top-level element).
pub(crate) type Pick = (Option<ElementId>, Depth, Span);

/// Calls `out` with each element `pick` takes, from the element tree of
/// the name index (what a selector takes depends on names alone).
pub(crate) fn expand(names: &NameIndex, pick: &Pick, out: &mut dyn FnMut(ElementId)) {
    match pick {
        (None, _, _) => {
            for (index, element) in names.elements.iter().enumerate() {
                if element.parent.is_none() {
                    out(ElementId(index as u32));
                }
            }
        }
        (Some(id), Depth::Itself, _) => out(*id),
        (Some(id), Depth::Children, _) => {
            for &child in &names.element(*id).children {
                out(child);
            }
        }
        (Some(id), Depth::Descendants, _) => {
            let mut stack: Vec<ElementId> =
                names.element(*id).children.iter().rev().copied().collect();
            while let Some(next) = stack.pop() {
                out(next);
                stack.extend(names.element(next).children.iter().rev().copied());
            }
        }
    }
}

/// The elements `picks` take, in declaration order, each with the first
/// selector that took it.
pub(crate) fn take(names: &NameIndex, picks: &[Pick]) -> Vec<Selected> {
    let mut taken: Vec<Selected> = Vec::new();
    for pick in picks {
        let selector = pick.2;
        expand(names, pick, &mut |element| {
            taken.push(Selected { element, selector })
        });
    }
    // Declaration order; the first selector that took an element wins.
    taken.sort_by_key(|s| s.element);
    taken.dedup_by_key(|s| s.element);
    taken.shrink_to_fit();
    taken
}

/// The elements `includes` take and `excludes` do not, in declaration order,
/// each with the first selector that took it; and for each exclude (written
/// as `excludes[i].1`), how many of the included elements it took out.
pub(crate) fn select(
    names: &NameIndex,
    includes: &[Pick],
    excludes: &[(Pick, String)],
) -> (Vec<Selected>, Vec<ElementExclusion>) {
    let mut taken = take(names, includes);
    let mut exclusions = Vec::with_capacity(excludes.len());
    if !excludes.is_empty() {
        let included: HashSet<ElementId> = taken.iter().map(|s| s.element).collect();
        let mut excluded = HashSet::default();
        for (pick, written) in excludes {
            let mut removed = 0;
            expand(names, pick, &mut |element| {
                if included.contains(&element) {
                    removed += 1;
                }
                excluded.insert(element);
            });
            exclusions.push(ElementExclusion {
                span: pick.2,
                written: written.clone(),
                removed,
            });
        }
        taken.retain(|s| !excluded.contains(&s.element));
    }
    (taken, exclusions)
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

/// Which elements a view shows, by element index.
fn shown_elements(model: &Model, view: &View) -> Vec<bool> {
    let mut shown = vec![false; model.elements.len()];
    for s in &view.elements {
        shown[s.element.index()] = true;
    }
    shown
}

/// Where a relationship would be drawn in a view, before its exclusions:
/// the nearest shown ends, and whether the edge is implied. `None` when the
/// view draws it nowhere (an end not shown, both ends in one shown element,
/// a kind its viewpoint leaves out, or a lifted edge where lifting is off or
/// where it would join a container to its own child).
fn placement(
    model: &Model,
    view: &View,
    shown: &[bool],
    id: RelationshipId,
    lift: bool,
) -> Option<(ElementId, ElementId, bool)> {
    let rel = model.relationship(id);
    let viewpoint = view.viewpoint.map(|v| model.viewpoint(v));
    if viewpoint.is_some_and(|vp| !vp.allows_relation(rel.kind)) {
        return None;
    }
    let nearest = |e: ElementId| model.ancestors_and_self(e).find(|a| shown[a.index()]);
    let (source, target) = (nearest(rel.source)?, nearest(rel.target)?);
    if source == target {
        return None;
    }
    let implied = source != rel.source || target != rel.target;
    if implied {
        let contains = |outer: ElementId, inner: ElementId| {
            model.ancestors_and_self(inner).any(|a| a == outer)
        };
        // An edge from a container to its own child says nothing the
        // nesting does not already show.
        if !lift || contains(source, target) || contains(target, source) {
            return None;
        }
    }
    Some((source, target, implied))
}

pub(crate) fn view_relationships(
    model: &Model,
    view_id: ViewId,
    implied_by_default: bool,
) -> Vec<ShownRelationship> {
    let view = model.view(view_id);
    let shown = shown_elements(model, view);
    let lift = view.implied.unwrap_or(implied_by_default);
    let mut direct = Vec::new();
    let mut implied: BTreeMap<(ElementId, ElementId, RelationKindId), Vec<RelationshipId>> =
        BTreeMap::new();
    for id in model.relationship_ids() {
        let Some((source, target, is_implied)) = placement(model, view, &shown, id, lift) else {
            continue;
        };
        let rel = model.relationship(id);
        if view
            .relation_exclusions
            .iter()
            .any(|x| x.matches(model, rel))
        {
            continue;
        }
        if is_implied {
            implied
                .entry((source, target, rel.kind))
                .or_default()
                .push(id);
        } else {
            direct.push(ShownRelationship {
                source,
                target,
                kind: rel.kind,
                relationships: vec![id],
                implied: false,
            });
        }
    }
    // A lifted edge that repeats a direct one (same ends, same kind) would
    // draw the same arrow twice.
    let drawn: HashSet<(ElementId, ElementId, RelationKindId)> = direct
        .iter()
        .map(|d| (d.source, d.target, d.kind))
        .collect();
    let redundant = redundant_edges(model, &direct, &implied);
    if !redundant.is_empty() {
        direct.retain(|d| !d.relationships.iter().all(|id| redundant.contains(id)));
    }
    direct.extend(
        implied
            .into_iter()
            .filter(|(key, _)| !drawn.contains(key))
            .map(
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

/// The direct edges a more specific edge of the same kind makes redundant.
/// A view that shows a container's children draws the container as a
/// boundary; an edge to the boundary (`customer -> internet_banking`) beside
/// one of the same kind and the same label to a child it holds (`customer ->
/// internet_banking.spa`) says nothing more, and is left out. An edge with
/// no label and no technology says nothing more than any refining edge of
/// its kind. An edge whose label differs says something of its own and stays.
fn redundant_edges(
    model: &Model,
    direct: &[ShownRelationship],
    implied: &BTreeMap<(ElementId, ElementId, RelationKindId), Vec<RelationshipId>>,
) -> HashSet<RelationshipId> {
    // For each (ancestor-or-self of a source, ancestor-or-self of a target,
    // kind) other than an edge's own ends: the labels of the edges below.
    let mut below: rustc_hash::FxHashMap<
        (ElementId, ElementId, RelationKindId),
        Vec<Option<&str>>,
    > = Default::default();
    let edges = direct
        .iter()
        .map(|d| ((d.source, d.target, d.kind), d.relationships.as_slice()))
        .chain(implied.iter().map(|(key, ids)| (*key, ids.as_slice())));
    for ((source, target, kind), ids) in edges {
        if model.element(source).parent.is_none() && model.element(target).parent.is_none() {
            continue;
        }
        for a in model.ancestors_and_self(source) {
            for b in model.ancestors_and_self(target) {
                if (a, b) == (source, target) || a == b {
                    continue;
                }
                let labels = below.entry((a, b, kind)).or_default();
                labels.extend(
                    ids.iter()
                        .map(|&id| model.relationship(id).label.as_deref()),
                );
            }
        }
    }
    let mut redundant = HashSet::default();
    if below.is_empty() {
        return redundant;
    }
    for d in direct {
        let Some(labels) = below.get(&(d.source, d.target, d.kind)) else {
            continue;
        };
        let [id] = d.relationships[..] else { continue };
        let rel = model.relationship(id);
        let says_nothing_more = match rel.label.as_deref() {
            None => rel.technology.is_none(),
            Some(label) => labels.contains(&Some(label)),
        };
        if says_nothing_more {
            redundant.insert(id);
        }
    }
    redundant
}

/// What is wrong with one part of a view's curation, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurationProblem {
    /// In the view's file.
    pub span: Span,
    pub message: String,
}

/// A view's groups as drawn, and the problems found on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Curation {
    /// For each of the view's groups (same order): the shown elements it
    /// draws a box around, in declaration order. Each sits in the same
    /// container (or at top level) and on the same layer as the others, none
    /// is inside another, and none is in an earlier group.
    pub groups: Vec<Vec<ElementId>>,
    /// In source order within each kind of problem.
    pub problems: Vec<CurationProblem>,
}

pub(crate) fn curation(model: &Model, view_id: ViewId) -> Curation {
    let view = model.view(view_id);
    let name = &view.info.name;
    let mut problems = Vec::new();

    for exclusion in &view.element_exclusions {
        if exclusion.removed == 0 {
            problems.push(CurationProblem {
                span: exclusion.span,
                message: format!(
                    "`exclude {}` takes out nothing: view `{name}` does not include it",
                    exclusion.written
                ),
            });
        }
    }

    for note in &view.notes {
        if note.text.trim().is_empty() {
            problems.push(CurationProblem {
                span: note.span,
                message: format!("a note of view `{name}` says nothing"),
            });
        }
    }

    // Most views curate nothing: they cost no pass over the elements.
    if view.relation_exclusions.is_empty() && view.groups.is_empty() {
        return Curation {
            groups: Vec::new(),
            problems,
        };
    }
    let shown = shown_elements(model, view);
    let lift = view.implied.unwrap_or(true);
    for exclusion in &view.relation_exclusions {
        let pattern = format!(
            "{} -> {}{}",
            model.element(exclusion.source).path,
            model.element(exclusion.target).path,
            exclusion
                .kind
                .map(|k| format!(" : {}", model.relation_kind(k).info.name))
                .unwrap_or_default()
        );
        let matched: Vec<RelationshipId> = model
            .relationship_ids()
            .filter(|&id| exclusion.matches(model, model.relationship(id)))
            .collect();
        let message = if matched.is_empty() {
            format!("`exclude {pattern}` matches no relationship of the model")
        } else if matched
            .iter()
            .all(|&id| placement(model, view, &shown, id, lift).is_none())
        {
            format!("`exclude {pattern}` leaves out nothing: view `{name}` draws no relationship it matches")
        } else {
            continue;
        };
        problems.push(CurationProblem {
            span: exclusion.span,
            message,
        });
    }

    let mut grouped: BTreeMap<ElementId, &str> = BTreeMap::new();
    let mut groups = Vec::with_capacity(view.groups.len());
    for group in &view.groups {
        let group_name = &group.info.name;
        if !group.includes_written {
            problems.push(CurationProblem {
                span: group.info.name_loc.span,
                message: format!("group `{group_name}` holds no element: add `include ...`"),
            });
        }
        let taken: HashSet<ElementId> = group.elements.iter().map(|s| s.element).collect();
        let mut members: Vec<ElementId> = Vec::new();
        // The container and layer of the first member: the others must share them.
        let mut place: Option<(Option<ElementId>, Option<super::LayerId>, ElementId)> = None;
        for selected in &group.elements {
            let element = selected.element;
            let path = &model.element(element).path;
            if !shown[element.index()] {
                problems.push(CurationProblem {
                    span: selected.selector,
                    message: format!(
                        "group `{group_name}` takes `{path}`, which view `{name}` does not show"
                    ),
                });
                continue;
            }
            let mut shown_ancestors = model
                .ancestors_and_self(element)
                .skip(1)
                .filter(|a| shown[a.index()]);
            let container = shown_ancestors.next();
            // Drawn inside another member already.
            if model
                .ancestors_and_self(element)
                .skip(1)
                .any(|a| taken.contains(&a) && shown[a.index()])
            {
                continue;
            }
            let top = model
                .ancestors_and_self(element)
                .filter(|a| shown[a.index()])
                .last()
                .unwrap_or(element);
            let layer = model.element_layer(top);
            match place {
                None => place = Some((container, layer, element)),
                Some((first_container, _, first)) if first_container != container => {
                    let inside = |c: Option<ElementId>| match c {
                        Some(c) => format!("inside `{}`", model.element(c).path),
                        None => "at the top level".to_string(),
                    };
                    problems.push(CurationProblem {
                        span: selected.selector,
                        message: format!(
                            "group `{group_name}` would split a container's children: `{path}` is drawn {}, `{}` {}",
                            inside(container),
                            model.element(first).path,
                            inside(first_container)
                        ),
                    });
                    continue;
                }
                Some((_, first_layer, first)) if first_layer != layer => {
                    let layer_name = |l: Option<super::LayerId>| match l {
                        Some(l) => format!("layer `{}`", model.layer(l).info.name),
                        None => "no layer".to_string(),
                    };
                    problems.push(CurationProblem {
                        span: selected.selector,
                        message: format!(
                            "group `{group_name}` spans two layers: `{path}` is on {}, `{}` on {}; a group is drawn inside one layer's band",
                            layer_name(layer),
                            model.element(first).path,
                            layer_name(first_layer)
                        ),
                    });
                    continue;
                }
                Some(_) => {}
            }
            if let Some(other) = grouped.get(&element) {
                problems.push(CurationProblem {
                    span: selected.selector,
                    message: format!(
                        "`{path}` is already in group `{other}`; group boxes may not overlap"
                    ),
                });
                continue;
            }
            members.push(element);
        }
        for &member in &members {
            grouped.insert(member, group_name);
        }
        groups.push(members);
    }

    Curation { groups, problems }
}
