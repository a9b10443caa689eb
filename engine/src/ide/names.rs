//! The names written in each file, found by offset: the index that hover,
//! go to definition, find references and highlights start from.
//!
//! Finding the name under the cursor by walking every reference and every
//! declaration of the model cost a few milliseconds per request at 100k
//! elements (hundreds of thousands of entries). The index groups them by
//! file, sorted by where they start, once per model; a request then looks
//! at the few names around its offset.

use rustc_hash::FxHashMap as HashMap;

use super::all_targets;
use super::navigation::NameAt;
use crate::db::{self, SourceFile, Workspace};

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
struct FileNames {
    entries: Vec<Entry>,
    /// The length of the longest name: a name that holds an offset starts
    /// at most this far before it.
    longest: u32,
}

/// Every file's names.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct NameIndex {
    files: HashMap<SourceFile, FileNames>,
}

impl NameIndex {
    /// The names of `file` whose span holds `offset` (its end included), in
    /// the model's order.
    pub(crate) fn around(&self, file: SourceFile, offset: u32) -> Vec<NameAt> {
        let Some(names) = self.files.get(&file) else {
            return Vec::new();
        };
        let entries = &names.entries;
        let end = entries.partition_point(|e| e.name.span.start <= offset);
        let earliest = offset.saturating_sub(names.longest);
        let start = entries[..end].partition_point(|e| e.name.span.start < earliest);
        let mut found: Vec<Entry> = entries[start..end]
            .iter()
            .filter(|e| offset <= e.name.span.end)
            .copied()
            .collect();
        found.sort_by_key(|e| e.rank);
        found.into_iter().map(|e| e.name).collect()
    }
}

/// The name index of the workspace's model. `no_eq`: it changes whenever
/// the model does, and comparing would cost as much as building.
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn name_index(db: &dyn db::Db, workspace: Workspace) -> NameIndex {
    let model = db::model(db, workspace);
    let mut index = NameIndex::default();
    let mut rank = 0u32;
    let mut add = |index: &mut NameIndex, file: SourceFile, name: NameAt| {
        let names = index.files.entry(file).or_default();
        names.longest = names
            .longest
            .max(name.span.end.saturating_sub(name.span.start));
        names.entries.push(Entry { name, rank });
        rank += 1;
    };
    for r in &model.references {
        let name = NameAt {
            target: r.target,
            span: r.loc.span,
            is_definition: false,
        };
        add(&mut index, r.loc.file, name);
    }
    for target in all_targets(model) {
        let loc = model.definition(target).name_loc;
        let name = NameAt {
            target,
            span: loc.span,
            is_definition: true,
        };
        add(&mut index, loc.file, name);
    }
    for names in index.files.values_mut() {
        // Stable: names starting at one offset keep their rank order.
        names.entries.sort_by_key(|e| e.name.span.start);
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analysis;

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
        let index = name_index(analysis.db(), analysis.workspace());
        let files: Vec<SourceFile> = analysis.files().chain([analysis.builtin()]).collect();
        for file in files {
            let len = analysis.text(file).len() as u32;
            for offset in 0..=len + 1 {
                assert_eq!(
                    index.around(file, offset),
                    linear(&analysis, file, offset),
                    "{} at {offset}",
                    analysis.path(file)
                );
            }
        }
    }
}
