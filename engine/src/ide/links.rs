//! The relationships of a few elements, and how many elements and
//! relationships each kind has, read from per-file tables instead of the
//! whole model.
//!
//! Hover and code lenses used to ask the model's element graph for an
//! element's relationships. The model is made again after every edit and
//! its graph with it, on the first request: at 100k elements that was most
//! of a hover right after an edit (several milliseconds for 200k edges).
//! Here each file's part gets a small table of its relationships sorted by
//! source and by target, a tracked query: an edit makes the edited file's
//! table again and keeps every other, and a request looks each file's
//! table up by bisection.

use std::ops::Range;

use crate::db::{self, SourceFile, Workspace};
use crate::model::{ElementId, KindId, RelationKindId, RelationshipId, ViewId};

/// Pairs of an element and the index of something in a file's part (a
/// relationship it is an end of, a view that shows it), sorted.
#[derive(Debug, Default, PartialEq, Eq)]
struct Ends(Vec<(ElementId, u32)>);

impl Ends {
    fn new(mut pairs: Vec<(ElementId, u32)>) -> Ends {
        pairs.sort_unstable();
        Ends(pairs)
    }

    /// The pairs whose element is in `elements`. Most files have none for
    /// a given element: the first and last pairs turn them away before
    /// any bisection.
    fn within(&self, elements: &Range<ElementId>) -> &[(ElementId, u32)] {
        let list = &self.0;
        match (list.first(), list.last()) {
            (Some(&(lowest, _)), Some(&(highest, _)))
                if lowest < elements.end && elements.start <= highest =>
            {
                let from = list.partition_point(|&(e, _)| e < elements.start);
                let len = list[from..].partition_point(|&(e, _)| e < elements.end);
                &list[from..from + len]
            }
            _ => &[],
        }
    }
}

/// One file's relationships by their ends, the elements its views show,
/// and its counts by kind.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FileLinks {
    /// (source, the relationship's index in the file's part).
    by_source: Ends,
    /// (target, the relationship's index in the file's part).
    by_target: Ends,
    /// How many relationships the part has: where the next file's ids start.
    relationships: u32,
    /// (element, the index in the part of a view that shows it), once per
    /// time the view lists it.
    in_views: Ends,
    /// How many views the part has.
    views: u32,
    /// How many of the part's elements have each kind, by kind id.
    elements_by_kind: Vec<(KindId, u32)>,
    /// How many of the part's relationships have each relation kind.
    relationships_by_kind: Vec<(RelationKindId, u32)>,
}

/// The tables of one file's part. Made again when the part is; an edit of
/// another file leaves them be.
#[salsa::tracked(returns(ref))]
pub(crate) fn file_links(db: &dyn db::Db, workspace: Workspace, file: SourceFile) -> FileLinks {
    let part = db::file_part(db, workspace, file);
    let mut by_source = Vec::with_capacity(part.relationships.len());
    let mut by_target = Vec::with_capacity(part.relationships.len());
    let mut relationships_by_kind: Vec<(RelationKindId, u32)> = Vec::new();
    for (index, r) in part.relationships.iter().enumerate() {
        by_source.push((r.source, index as u32));
        by_target.push((r.target, index as u32));
        count(&mut relationships_by_kind, r.kind);
    }
    let mut elements_by_kind: Vec<(KindId, u32)> = Vec::new();
    for element in part.elements.iter() {
        if let Some(kind) = element.kind {
            count(&mut elements_by_kind, kind);
        }
    }
    let in_views = part
        .views
        .iter()
        .enumerate()
        .flat_map(|(index, view)| {
            view.elements
                .iter()
                .map(move |selected| (selected.element, index as u32))
        })
        .collect();
    FileLinks {
        by_source: Ends::new(by_source),
        by_target: Ends::new(by_target),
        relationships: part.relationships.len() as u32,
        in_views: Ends::new(in_views),
        views: part.views.len() as u32,
        elements_by_kind,
        relationships_by_kind,
    }
}

/// Adds one to `key`'s count (a workspace has few kinds: a short list).
fn count<K: PartialEq>(counts: &mut Vec<(K, u32)>, key: K) {
    match counts.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += 1,
        None => counts.push((key, 1)),
    }
}

/// Which end of a relationship an element is at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// The relationship goes out of the element.
    Source,
    /// The relationship comes into the element.
    Target,
}

/// Every file's tables, in the order the model lists the files' parts,
/// each with the id of its first relationship and of its first view.
fn all_links(
    db: &dyn db::Db,
    workspace: Workspace,
) -> impl Iterator<Item = (u32, u32, &FileLinks)> {
    let names = db::name_index(db, workspace);
    let (mut relationships, mut views) = (0u32, 0u32);
    names.sources.iter().map(move |source| {
        let links = file_links(db, workspace, source.file);
        let firsts = (relationships, views);
        relationships += links.relationships;
        views += links.views;
        (firsts.0, firsts.1, links)
    })
}

/// The pairs of `ends` within `elements`, as (element, id), in id order:
/// the ids of one file's part start at `first`.
fn found_in(
    ends: &Ends,
    elements: &Range<ElementId>,
    first: u32,
    found: &mut impl FnMut(ElementId, u32),
) {
    let within = ends.within(elements);
    if within.len() == 1 || elements.end.0 - elements.start.0 == 1 {
        // One element: its pairs are already in index order.
        for &(element, index) in within {
            found(element, first + index);
        }
        return;
    }
    let mut hits: Vec<(u32, ElementId)> = within.iter().map(|&(e, i)| (i, e)).collect();
    hits.sort_unstable();
    for (index, element) in hits {
        found(element, first + index);
    }
}

/// Calls `found` with each relationship that has an element of `elements`
/// at `end`, with that element, in relationship id order.
pub(crate) fn relationships_at(
    db: &dyn db::Db,
    workspace: Workspace,
    elements: Range<ElementId>,
    end: End,
    mut found: impl FnMut(ElementId, RelationshipId),
) {
    for (first, _, links) in all_links(db, workspace) {
        let ends = match end {
            End::Source => &links.by_source,
            End::Target => &links.by_target,
        };
        found_in(ends, &elements, first, &mut |e, i| {
            found(e, RelationshipId(i))
        });
    }
}

/// Calls `found` with each view that shows an element of `elements`, with
/// that element, in view id order: once per time the view lists it.
pub(crate) fn views_showing(
    db: &dyn db::Db,
    workspace: Workspace,
    elements: Range<ElementId>,
    mut found: impl FnMut(ElementId, ViewId),
) {
    for (_, first, links) in all_links(db, workspace) {
        found_in(&links.in_views, &elements, first, &mut |e, i| {
            found(e, ViewId(i))
        });
    }
}

/// The element `element` alone, as a range.
pub(crate) fn only(element: ElementId) -> Range<ElementId> {
    element..ElementId(element.0.saturating_add(1))
}

/// The relationships going out of `element` and those coming into it,
/// each in id order.
pub(crate) fn relationships_of(
    db: &dyn db::Db,
    workspace: Workspace,
    element: ElementId,
) -> (Vec<RelationshipId>, Vec<RelationshipId>) {
    let mut outgoing = Vec::new();
    let mut incoming = Vec::new();
    relationships_at(db, workspace, only(element), End::Source, |_, r| {
        outgoing.push(r)
    });
    relationships_at(db, workspace, only(element), End::Target, |_, r| {
        incoming.push(r)
    });
    (outgoing, incoming)
}

/// The views that show `element`, in id order, each once.
pub(crate) fn views_of(db: &dyn db::Db, workspace: Workspace, element: ElementId) -> Vec<ViewId> {
    let mut views: Vec<ViewId> = Vec::new();
    views_showing(db, workspace, only(element), |_, view| {
        if views.last() != Some(&view) {
            views.push(view);
        }
    });
    views
}

/// How many elements of the workspace have kind `kind`.
pub(crate) fn elements_of_kind(db: &dyn db::Db, workspace: Workspace, kind: KindId) -> usize {
    all_links(db, workspace)
        .filter_map(|(_, _, links)| links.elements_by_kind.iter().find(|(k, _)| *k == kind))
        .map(|&(_, n)| n as usize)
        .sum()
}

/// How many relationships of the workspace have relation kind `kind`.
pub(crate) fn relationships_of_kind(
    db: &dyn db::Db,
    workspace: Workspace,
    kind: RelationKindId,
) -> usize {
    all_links(db, workspace)
        .filter_map(|(_, _, links)| links.relationships_by_kind.iter().find(|(k, _)| *k == kind))
        .map(|&(_, n)| n as usize)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::ide::fixture::Fixture;
    use crate::model::Model;

    /// What the tables must answer, read from the whole model: each
    /// element's relationships from the model's graph, the counts by kind
    /// from a walk of every element and relationship.
    fn check_against_the_model(analysis: &Analysis) {
        let (db, workspace) = (analysis.db(), analysis.workspace());
        let model: &Model = analysis.model();
        let graph = &model.graph().0;
        for id in model.element_ids() {
            let node = model.element(id).node;
            let edges = |direction| {
                let mut ids: Vec<RelationshipId> = graph
                    .edges_directed(node, direction)
                    .map(|e| *e.weight())
                    .collect();
                ids.sort();
                ids
            };
            let (outgoing, incoming) = relationships_of(db, workspace, id);
            let path = &model.element(id).path;
            assert_eq!(outgoing, edges(petgraph::Direction::Outgoing), "{path}");
            assert_eq!(incoming, edges(petgraph::Direction::Incoming), "{path}");
        }
        // A range of elements: every relationship with an end in it.
        let all = ElementId(0)..ElementId(model.elements.len() as u32);
        for end in [End::Source, End::Target] {
            let mut found = Vec::new();
            relationships_at(db, workspace, all.clone(), end, |e, r| found.push((e, r)));
            let expected: Vec<(ElementId, RelationshipId)> = model
                .relationship_ids()
                .map(|r| {
                    let rel = model.relationship(r);
                    (
                        if end == End::Source {
                            rel.source
                        } else {
                            rel.target
                        },
                        r,
                    )
                })
                .collect();
            assert_eq!(found, expected, "{end:?}");
        }
        for id in model.element_ids() {
            let expected: Vec<ViewId> = model
                .view_ids()
                .filter(|&v| model.view(v).elements.iter().any(|s| s.element == id))
                .collect();
            assert_eq!(views_of(db, workspace, id), expected);
        }
        let mut found = Vec::new();
        views_showing(db, workspace, all.clone(), |e, v| found.push((v, e)));
        let expected: Vec<(ViewId, ElementId)> = model
            .view_ids()
            .flat_map(|v| model.view(v).elements.iter().map(move |s| (v, s.element)))
            .collect();
        found.sort();
        let mut sorted = expected.clone();
        sorted.sort();
        assert_eq!(found, sorted);
        for (i, _) in model.kinds.iter().enumerate() {
            let kind = KindId(i as u32);
            let expected = model
                .elements
                .iter()
                .filter(|e| e.kind == Some(kind))
                .count();
            assert_eq!(elements_of_kind(db, workspace, kind), expected);
        }
        for (i, _) in model.relation_kinds.iter().enumerate() {
            let kind = RelationKindId(i as u32);
            let expected = model
                .relationships
                .iter()
                .filter(|r| r.kind == kind)
                .count();
            assert_eq!(relationships_of_kind(db, workspace, kind), expected);
        }
    }

    const FILES: &str = r#"
//- a.kozo
use society5
system 駅 "中央駅" {
  component 改札機
  component 券売機
}
dataset 乗降記録
駅.改札機 -> 乗降記録 : flows
駅.券売機 -> 駅.改札機
駅 -> 駅
//- b.kozo
concern privacy
view 全体 { include 駅, 駅.*, other.inner }
view 駅だけ { include 駅 }
//- c.kozo
system other { component inner }
other.inner -> 乗降記録 : flows
other -> 駅.改札機
乗降記録 -> missing
駅.改札機 -> other.inner
"#;

    #[test]
    fn the_tables_answer_what_the_whole_model_answers() {
        let f = Fixture::new(FILES);
        check_against_the_model(&f.analysis);
    }

    #[test]
    fn after_edits_the_tables_still_answer_what_the_model_answers() {
        let mut analysis = Fixture::new(FILES).analysis;
        // A relationship added in one file moves the ids of the files after it.
        analysis.set_file(
            "a.kozo",
            analysis.text(analysis.file("a.kozo").unwrap()).to_string() + "乗降記録 -> 駅\n",
        );
        check_against_the_model(&analysis);
        // A new element moves every element id after it.
        analysis.set_file(
            "b.kozo",
            "system 新\n新 -> other\nconcern privacy\nview v { include 新, other, 新 }\n"
                .to_string(),
        );
        check_against_the_model(&analysis);
        analysis.remove_file("a.kozo");
        check_against_the_model(&analysis);
    }
}
