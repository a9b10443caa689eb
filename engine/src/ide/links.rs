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
use crate::model::{ElementId, KindId, RelationKindId, RelationshipId};

/// One file's relationships by their ends, and its counts by kind.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FileLinks {
    /// (source, the relationship's index in the file's part), sorted.
    by_source: Vec<(ElementId, u32)>,
    /// (target, the relationship's index in the file's part), sorted.
    by_target: Vec<(ElementId, u32)>,
    /// How many relationships the part has: where the next file's ids start.
    relationships: u32,
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
    by_source.sort_unstable();
    by_target.sort_unstable();
    let mut elements_by_kind: Vec<(KindId, u32)> = Vec::new();
    for element in part.elements.iter() {
        if let Some(kind) = element.kind {
            count(&mut elements_by_kind, kind);
        }
    }
    FileLinks {
        by_source,
        by_target,
        relationships: part.relationships.len() as u32,
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
/// each with the id of its first relationship.
fn all_links(db: &dyn db::Db, workspace: Workspace) -> impl Iterator<Item = (u32, &FileLinks)> {
    let names = db::name_index(db, workspace);
    let mut first = 0u32;
    names.sources.iter().map(move |source| {
        let links = file_links(db, workspace, source.file);
        let at = first;
        first += links.relationships;
        (at, links)
    })
}

/// Calls `found` with each relationship that has an element of `elements`
/// at `end`, with that element: the relationships in id order, the
/// elements of one relationship's file in id order.
pub(crate) fn relationships_at(
    db: &dyn db::Db,
    workspace: Workspace,
    elements: Range<ElementId>,
    end: End,
    mut found: impl FnMut(ElementId, RelationshipId),
) {
    for (first, links) in all_links(db, workspace) {
        let list = match end {
            End::Source => &links.by_source,
            End::Target => &links.by_target,
        };
        let from = list.partition_point(|&(e, _)| e < elements.start);
        let to = from + list[from..].partition_point(|&(e, _)| e < elements.end);
        let mut hits: Vec<(u32, ElementId)> = list[from..to].iter().map(|&(e, i)| (i, e)).collect();
        // Sorted by element, then index: put back in id order.
        hits.sort_unstable();
        for (index, element) in hits {
            found(element, RelationshipId(first + index));
        }
    }
}

/// The relationships going out of `element` and those coming into it,
/// each in id order.
pub(crate) fn relationships_of(
    db: &dyn db::Db,
    workspace: Workspace,
    element: ElementId,
) -> (Vec<RelationshipId>, Vec<RelationshipId>) {
    let one = element..ElementId(element.0 + 1);
    let mut outgoing = Vec::new();
    let mut incoming = Vec::new();
    relationships_at(db, workspace, one.clone(), End::Source, |_, r| {
        outgoing.push(r)
    });
    relationships_at(db, workspace, one, End::Target, |_, r| incoming.push(r));
    (outgoing, incoming)
}

/// How many elements of the workspace have kind `kind`.
pub(crate) fn elements_of_kind(db: &dyn db::Db, workspace: Workspace, kind: KindId) -> usize {
    all_links(db, workspace)
        .filter_map(|(_, links)| links.elements_by_kind.iter().find(|(k, _)| *k == kind))
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
        .filter_map(|(_, links)| links.relationships_by_kind.iter().find(|(k, _)| *k == kind))
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
            "system 新 \n新 -> other\nconcern privacy\n".to_string(),
        );
        check_against_the_model(&analysis);
        analysis.remove_file("a.kozo");
        check_against_the_model(&analysis);
    }
}
