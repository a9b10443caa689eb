//! The rules that look across the whole workspace (`unused-definition`,
//! `orphan-element`, `element-not-in-view`) and `view-nonconformant`,
//! made incremental.
//!
//! Each file's part gives a summary: the metamodel names it uses, the
//! elements its relationships join and those its views show, by id. A
//! summary is equal after an edit of a label or a move, so salsa keeps the
//! workspace's answer (which names go unused, which elements are alone or
//! in no view, which relationships of acyclic kinds form cycles) without
//! computing it again; the answer holds ids, and the
//! findings are located in the current model. A file's views are checked
//! against their viewpoints apart, per file.

use crate::db::{self, Db, SourceFile, Workspace};
use crate::diagnostic::Diagnostic;
use crate::model::names::NameIndex;
use crate::model::{ElementId, ViewpointId};
use crate::rules::unused_definition::Used;
use crate::rules::{element_not_in_view, orphan_element, unused_definition, view_nonconformant};

/// For each of `len` elements, whether one of `lists` names it.
pub(crate) fn marked<'e>(
    len: usize,
    lists: impl IntoIterator<Item = &'e [ElementId]>,
) -> Vec<bool> {
    let mut marked = vec![false; len];
    for list in lists {
        for id in list {
            if let Some(slot) = marked.get_mut(id.index()) {
                *slot = true;
            }
        }
    }
    marked
}

/// What one file's part tells the workspace-wide rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    used: Used,
    /// The elements its relationships join, sorted.
    ends: Vec<ElementId>,
    /// The elements its views show, sorted.
    shown: Vec<ElementId>,
    /// It holds views (whose conformance [`view_findings`] checks).
    pub has_views: bool,
}

#[salsa::tracked(returns(ref))]
pub(crate) fn summary(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Summary {
    let part = db::file_part(db, workspace, file);
    let meta = db::rule_meta(db, workspace);
    let mut used = Used::new(
        meta.layers.len(),
        meta.kinds.len(),
        meta.relation_kinds.len(),
    );
    used.mark(part.references.iter(), part.relationships.iter(), |_| false);
    let mut ends: Vec<ElementId> = part
        .relationships
        .iter()
        .flat_map(|r| [r.source, r.target])
        .collect();
    ends.sort_unstable();
    ends.dedup();
    let mut shown: Vec<ElementId> = part
        .views
        .iter()
        .flat_map(|v| v.elements.iter().map(|s| s.element))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    Summary {
        used,
        ends,
        shown,
        has_views: !part.views.is_empty(),
    }
}

/// The workspace's answers, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Answers {
    /// The layers, kinds and relation kinds some text uses.
    pub used: Used,
    /// Elements without children that no relationship joins.
    pub orphans: Vec<ElementId>,
    /// Elements no view shows.
    pub unseen: Vec<ElementId>,
}

#[salsa::tracked(returns(ref))]
pub(crate) fn answers(db: &dyn Db, workspace: Workspace) -> Answers {
    let names = db::name_index(db, workspace);
    let summaries: Vec<&Summary> = names
        .sources
        .iter()
        .map(|source| summary(db, workspace, source.file))
        .collect();
    let meta = db::metamodel(db, workspace);
    let mut used = unused_definition::used_by_metamodel(
        &meta.layers,
        &meta.kinds,
        &meta.relation_kinds,
        &meta.extensions,
        &meta.references,
    );
    for summary in &summaries {
        used.add(&summary.used);
    }
    Answers {
        used,
        orphans: orphan_element::find(names, summaries.iter().map(|s| s.ends.as_slice())),
        unseen: element_not_in_view::find(names, summaries.iter().map(|s| s.shown.as_slice())),
    }
}

/// `view-nonconformant` for one file's views: checked again when the file,
/// the names, or a file holding one of their viewpoints changes.
#[salsa::tracked(returns(ref))]
pub(crate) fn view_findings(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
) -> Vec<Diagnostic> {
    let names = db::name_index(db, workspace);
    let part = db::file_part(db, workspace, file);
    let viewpoint = |id: ViewpointId| {
        let at = names.viewpoints.get(id.index())?;
        // A file's viewpoints are built in id order, after those of the
        // files before it.
        let (first, _) = NameIndex::of_source(&names.viewpoints, at.source);
        let holder = names.sources.get(at.source as usize)?.file;
        db::file_part(db, workspace, holder)
            .viewpoints
            .get(id.index() - first)
    };
    let mut out = Vec::new();
    view_nonconformant::check(names, &part.views, viewpoint, &mut out);
    out
}
