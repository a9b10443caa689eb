//! The names written in each file, found by offset: the index that hover,
//! go to definition, find references and highlights start from.
//!
//! Finding the name under the cursor by walking every reference and every
//! declaration of the model cost a few milliseconds per request at 100k
//! elements (hundreds of thousands of entries). The index holds one file's
//! names, sorted by where they start, made from the file's part of the
//! model (so an edit remakes only the edited file's); a request then looks
//! at the few names around its offset.

use super::navigation::NameAt;
use crate::db::{self, SourceFile, Workspace};
use crate::model::names::{DeclAt, NameIndex};
use crate::model::{
    ConcernId, DecisionId, ElementId, Info, KindId, LayerId, Loc, RelationKindId, StakeholderId,
    Target, ViewId, ViewpointId,
};

/// One name of a file, with its rank in the order the model lists names
/// (references first, then declarations): among names that fit an offset
/// equally well, the first in that order wins, as it did before the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    name: NameAt,
    rank: u32,
}

/// A file's names, sorted by start offset.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FileNames {
    entries: Vec<Entry>,
    /// The length of the longest name: a name that holds an offset starts
    /// at most this far before it.
    longest: u32,
}

impl FileNames {
    /// The names whose span holds `offset` (its end included), in the
    /// model's order.
    pub(crate) fn around(&self, offset: u32) -> Vec<NameAt> {
        let entries = &self.entries;
        let end = entries.partition_point(|e| e.name.span.start <= offset);
        let earliest = offset.saturating_sub(self.longest);
        let start = entries[..end].partition_point(|e| e.name.span.start < earliest);
        let mut found: Vec<Entry> = entries[start..end]
            .iter()
            .filter(|e| offset <= e.name.span.end)
            .copied()
            .collect();
        found.sort_by_key(|e| e.rank);
        found.into_iter().map(|e| e.name).collect()
    }

    fn add(&mut self, name: NameAt) {
        self.longest = self
            .longest
            .max(name.span.end.saturating_sub(name.span.start));
        let rank = self.entries.len() as u32;
        self.entries.push(Entry { name, rank });
    }
}

/// One top-level sort of a part: its ids in the name index, its
/// declarations' texts in the part, and how an id becomes a target.
type Sort<'p> = (&'p [DeclAt], Vec<&'p Info>, fn(u32) -> Target);

/// The names written in `file`: the references and declarations of its
/// part of the model and of the metamodel it holds. Made again when the
/// file's part (or the metamodel) is; an edit elsewhere leaves it be.
/// `no_eq`: it changes whenever the part does, and comparing would cost as
/// much as building.
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn file_names(db: &dyn db::Db, workspace: Workspace, file: SourceFile) -> FileNames {
    let meta = db::metamodel(db, workspace);
    let part = db::file_part(db, workspace, file);
    let index = db::name_index(db, workspace);
    let mut names = FileNames::default();
    // References first, in the model's order: the metamodel's, then the
    // part's.
    for r in meta.references.iter().chain(part.references.iter()) {
        if r.loc.file == file {
            names.add(NameAt {
                target: r.target,
                span: r.loc.span,
                is_definition: false,
            });
        }
    }
    // Then declarations, in the order `all_targets` lists them.
    let mut define = |target: Target, loc: Loc| {
        if loc.file == file {
            names.add(NameAt {
                target,
                span: loc.span,
                is_definition: true,
            });
        }
    };
    for (i, layer) in meta.layers.iter().enumerate() {
        define(Target::Layer(LayerId(i as u32)), layer.info.name_loc);
    }
    for (i, kind) in meta.kinds.iter().enumerate() {
        define(Target::Kind(KindId(i as u32)), kind.info.name_loc);
    }
    for (i, relation) in meta.relation_kinds.iter().enumerate() {
        define(
            Target::RelationKind(RelationKindId(i as u32)),
            relation.info.name_loc,
        );
    }
    let source = index.source_of(file);
    // A part's declarations of one sort follow those of the files before
    // it: their ids start where those end.
    let first = |list: &[DeclAt]| -> u32 {
        source.map_or(0, |source| {
            NameIndex::of_source(list, source as u32).0 as u32
        })
    };
    let first_element = source.map_or(0, |s| index.sources[s].first_element);
    for (i, element) in part.elements.iter().enumerate() {
        define(
            Target::Element(ElementId(first_element + i as u32)),
            element.info.name_loc,
        );
    }
    let sorts: [Sort; 5] = [
        (
            &index.concerns,
            part.concerns.iter().map(|c| &c.info).collect(),
            |i| Target::Concern(ConcernId(i)),
        ),
        (
            &index.stakeholders,
            part.stakeholders.iter().map(|s| &s.info).collect(),
            |i| Target::Stakeholder(StakeholderId(i)),
        ),
        (
            &index.viewpoints,
            part.viewpoints.iter().map(|v| &v.info).collect(),
            |i| Target::Viewpoint(ViewpointId(i)),
        ),
        (
            &index.views,
            part.views.iter().map(|v| &v.info).collect(),
            |i| Target::View(ViewId(i)),
        ),
        (
            &index.decisions,
            part.decisions.iter().map(|d| &d.info).collect(),
            |i| Target::Decision(DecisionId(i)),
        ),
    ];
    for (declared, infos, target) in sorts {
        let at = first(declared);
        for (i, info) in infos.into_iter().enumerate() {
            define(target(at + i as u32), info.name_loc);
        }
    }
    // Stable: names starting at one offset keep their rank order.
    names.entries.sort_by_key(|e| e.name.span.start);
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;
    use crate::ide::all_targets;

    /// What the index replaced: every reference, then every declaration,
    /// each kept when its span holds the offset.
    fn linear(analysis: &Analysis, file: SourceFile, offset: u32) -> Vec<NameAt> {
        let model = analysis.model();
        let holds = |span: kozo_lang::Span| span.start <= offset && offset <= span.end;
        let references = model
            .references
            .iter()
            .filter(|r| r.loc.file == file && holds(r.loc.span))
            .map(|r| NameAt {
                target: r.target,
                span: r.loc.span,
                is_definition: false,
            });
        let definitions = all_targets(model).filter_map(|target| {
            let loc = model.definition(target).name_loc;
            (loc.file == file && holds(loc.span)).then_some(NameAt {
                target,
                span: loc.span,
                is_definition: true,
            })
        });
        references.chain(definitions).collect()
    }

    #[test]
    fn the_index_finds_what_a_walk_of_the_whole_model_finds() {
        let mut analysis = Analysis::default();
        analysis.set_file(
            "a.kozo",
            "use society5\n/// 駅の設備\nsystem 駅 \"中央駅\" {\n  component 改札機\n}\ndataset 乗降記録\n駅.改札機 -> 乗降記録 : flows\nview v { include 駅, 駅.改札機 }\n".to_string(),
        );
        analysis.set_file(
            "b.kozo",
            "layer 層\nkind 種 { layer 層 }\n種 x\nx -> 駅\nmissing -> x\n".to_string(),
        );
        let files: Vec<SourceFile> = analysis.files().chain([analysis.builtin()]).collect();
        for file in files {
            let index = file_names(analysis.db(), analysis.workspace(), file);
            let len = analysis.text(file).len() as u32;
            for offset in 0..=len + 1 {
                assert_eq!(
                    index.around(offset),
                    linear(&analysis, file, offset),
                    "{} at {offset}",
                    analysis.path(file)
                );
            }
        }
    }
}
