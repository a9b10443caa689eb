//! The relationships of a few elements, the views that show them, and how
//! many elements and relationships each kind has, read from per-file
//! tables instead of the whole model.
//!
//! Hover and code lenses used to ask the model's element graph for an
//! element's relationships, and walk every view for the ones showing it.
//! The model is made again after every edit and its graph with it, on the
//! first request: at 100k elements that was most of a hover right after
//! an edit (several milliseconds for 200k edges). Here each file's part
//! gets small tables of its relationships sorted by source and by target
//! and of the elements its views show, a tracked query: an edit makes the
//! edited file's tables again and keeps every other, and a request looks
//! each file's tables up, most of them turned away by a small filter of
//! the elements they hold.

use std::ops::Range;

use crate::db::{self, SourceFile, Workspace};
use crate::model::{ElementId, KindId, RelationKindId, RelationshipId, ViewId};

/// Bits of [`Ends::filter`] per distinct element: with one hash, about one
/// element in seventeen that a table does not hold passes the filter.
const FILTER_BITS_PER_ELEMENT: usize = 16;

/// Ranges of at most this many elements are checked against
/// [`Ends::filter`] one element at a time; longer ones go to bisection.
const FILTER_RANGE: u32 = 4;

/// Pairs of an element and the index of something in a file's part (a
/// relationship it is an end of, a view that shows it), sorted.
#[derive(Debug, Default, PartialEq, Eq)]
struct Ends {
    pairs: Vec<(ElementId, u32)>,
    /// A Bloom filter (one hash) of the pairs' elements. A request for
    /// one element asks every file's tables, and most hold nothing for
    /// it; right after an edit they are out of the processor's caches,
    /// and a bisection of each cost a dozen cache misses: the filter
    /// turns most away with one. (A list of the blocks of ids held did
    /// not: every file points at a few elements of the first file.)
    filter: Vec<u64>,
    /// How far a hash is shifted to give a bit of `filter`.
    shift: u32,
}

impl Ends {
    fn new(mut pairs: Vec<(ElementId, u32)>) -> Ends {
        pairs.sort_unstable();
        let mut distinct: Vec<ElementId> = pairs.iter().map(|&(e, _)| e).collect();
        distinct.dedup();
        if distinct.is_empty() {
            return Ends::default();
        }
        let bits = (distinct.len() * FILTER_BITS_PER_ELEMENT)
            .next_power_of_two()
            .max(64);
        let shift = 64 - bits.trailing_zeros();
        let mut filter = vec![0u64; bits / 64];
        for element in distinct {
            let bit = Ends::hash(element) >> shift;
            filter[(bit >> 6) as usize] |= 1 << (bit & 63);
        }
        Ends {
            pairs,
            filter,
            shift,
        }
    }

    /// A multiplicative (Fibonacci) hash: its high bits are well mixed.
    fn hash(element: ElementId) -> u64 {
        u64::from(element.0).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    /// False when no pair has `element` (true may be wrong).
    fn may_hold(&self, element: ElementId) -> bool {
        if self.filter.is_empty() {
            return false;
        }
        let bit = Ends::hash(element) >> self.shift;
        self.filter[(bit >> 6) as usize] & (1 << (bit & 63)) != 0
    }

    /// The pairs whose element is in `elements`.
    fn within(&self, elements: &Range<ElementId>) -> &[(ElementId, u32)] {
        if elements.start >= elements.end {
            return &[];
        }
        if elements.end.0 - elements.start.0 <= FILTER_RANGE
            && !(elements.start.0..elements.end.0).any(|e| self.may_hold(ElementId(e)))
        {
            return &[];
        }
        let list = &self.pairs;
        let from = list.partition_point(|&(e, _)| e < elements.start);
        let len = list[from..].partition_point(|&(e, _)| e < elements.end);
        &list[from..from + len]
    }

    /// The pairs within `elements`, as (element, id), in id order: the
    /// ids of the file's part start at `first`.
    fn found(
        &self,
        elements: &Range<ElementId>,
        first: u32,
        found: &mut impl FnMut(ElementId, u32),
    ) {
        let within = self.within(elements);
        if within.len() <= 1 || elements.end.0 - elements.start.0 == 1 {
            // One element: its pairs are in index order already.
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

/// One file's tables and the ids its relationships and views start at.
struct FileAt<'db> {
    first_relationship: u32,
    first_view: u32,
    links: &'db FileLinks,
}

/// Every file's tables, in the order the model lists the files' parts:
/// fetched once for a request that asks several questions of them.
pub(crate) struct Links<'db> {
    files: Vec<FileAt<'db>>,
}

impl<'db> Links<'db> {
    pub(crate) fn new(db: &'db dyn db::Db, workspace: Workspace) -> Links<'db> {
        let names = db::name_index(db, workspace);
        let (mut relationships, mut views) = (0u32, 0u32);
        let files = names
            .sources
            .iter()
            .map(|source| {
                let links = file_links(db, workspace, source.file);
                let at = FileAt {
                    first_relationship: relationships,
                    first_view: views,
                    links,
                };
                relationships += links.relationships;
                views += links.views;
                at
            })
            .collect();
        Links { files }
    }

    /// Calls `found` with each relationship that has an element of
    /// `elements` at `end`, with that element, in relationship id order.
    pub(crate) fn relationships_at(
        &self,
        elements: Range<ElementId>,
        end: End,
        mut found: impl FnMut(ElementId, RelationshipId),
    ) {
        for file in &self.files {
            let ends = match end {
                End::Source => &file.links.by_source,
                End::Target => &file.links.by_target,
            };
            ends.found(&elements, file.first_relationship, &mut |e, i| {
                found(e, RelationshipId(i))
            });
        }
    }

    /// Calls `found` with each view that shows an element of `elements`,
    /// with that element, in view id order: once per time the view lists it.
    pub(crate) fn views_showing(
        &self,
        elements: Range<ElementId>,
        mut found: impl FnMut(ElementId, ViewId),
    ) {
        for file in &self.files {
            file.links
                .in_views
                .found(&elements, file.first_view, &mut |e, i| found(e, ViewId(i)));
        }
    }

    /// The relationships going out of `element` and those coming into it,
    /// each in id order.
    pub(crate) fn relationships_of(
        &self,
        element: ElementId,
    ) -> (Vec<RelationshipId>, Vec<RelationshipId>) {
        let mut outgoing = Vec::new();
        let mut incoming = Vec::new();
        self.relationships_at(only(element), End::Source, |_, r| outgoing.push(r));
        self.relationships_at(only(element), End::Target, |_, r| incoming.push(r));
        (outgoing, incoming)
    }

    /// The views that show `element`, in id order, each once.
    pub(crate) fn views_of(&self, element: ElementId) -> Vec<ViewId> {
        let mut views: Vec<ViewId> = Vec::new();
        self.views_showing(only(element), |_, view| {
            if views.last() != Some(&view) {
                views.push(view);
            }
        });
        views
    }

    /// How many elements of the workspace have kind `kind`.
    pub(crate) fn elements_of_kind(&self, kind: KindId) -> usize {
        self.files
            .iter()
            .filter_map(|f| f.links.elements_by_kind.iter().find(|(k, _)| *k == kind))
            .map(|&(_, n)| n as usize)
            .sum()
    }

    /// How many relationships of the workspace have relation kind `kind`.
    pub(crate) fn relationships_of_kind(&self, kind: RelationKindId) -> usize {
        self.files
            .iter()
            .filter_map(|f| {
                f.links
                    .relationships_by_kind
                    .iter()
                    .find(|(k, _)| *k == kind)
            })
            .map(|&(_, n)| n as usize)
            .sum()
    }
}

/// The element `element` alone, as a range.
fn only(element: ElementId) -> Range<ElementId> {
    element..ElementId(element.0.saturating_add(1))
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
        let links = Links::new(analysis.db(), analysis.workspace());
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
            let (outgoing, incoming) = links.relationships_of(id);
            let path = &model.element(id).path;
            assert_eq!(outgoing, edges(petgraph::Direction::Outgoing), "{path}");
            assert_eq!(incoming, edges(petgraph::Direction::Incoming), "{path}");
        }
        // A range of elements: every relationship with an end in it.
        let all = ElementId(0)..ElementId(model.elements.len() as u32);
        for end in [End::Source, End::Target] {
            let mut found = Vec::new();
            links.relationships_at(all.clone(), end, |e, r| found.push((e, r)));
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
            assert_eq!(links.views_of(id), expected);
        }
        let mut found = Vec::new();
        links.views_showing(all.clone(), |e, v| found.push((v, e)));
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
            assert_eq!(links.elements_of_kind(kind), expected);
        }
        for (i, _) in model.relation_kinds.iter().enumerate() {
            let kind = RelationKindId(i as u32);
            let expected = model
                .relationships
                .iter()
                .filter(|r| r.kind == kind)
                .count();
            assert_eq!(links.relationships_of_kind(kind), expected);
        }
    }

    /// `within` finds what a walk of every pair finds, for short ranges
    /// (checked against the filter) and long ones, empty ones, and ranges
    /// past every element: the filter never turns a held element away.
    #[test]
    fn ends_within_a_range_are_those_a_walk_finds() {
        let ids = [0u32, 3, 3, 63, 64, 65, 200, 640, 641, 5000];
        let pairs: Vec<(ElementId, u32)> = ids
            .iter()
            .enumerate()
            .map(|(i, &e)| (ElementId(e), (ids.len() - i) as u32))
            .collect();
        let ends = Ends::new(pairs.clone());
        for start in (0..700).chain([4999, 5000, 5001, u32::MAX - 1]) {
            for len in [0u32, 1, 2, 5, 64, 130, 1000] {
                let range = ElementId(start)..ElementId(start.saturating_add(len));
                let mut expected: Vec<(ElementId, u32)> = pairs
                    .iter()
                    .filter(|(e, _)| range.contains(e))
                    .copied()
                    .collect();
                expected.sort();
                assert_eq!(ends.within(&range), expected.as_slice(), "{range:?}");
            }
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
