//! The salsa database: inputs (files, the workspace) and the tracked queries
//! every consumer answers from.
//!
//! Architecture invariant: a query's result depends only on its inputs. The
//! command line and the language server drive the same queries; an edit is an
//! input change, and only what depends on the changed file is recomputed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use kozo_lang::Parse;

use crate::config::Config;
use crate::detached::Detached;
use crate::diagnostic::Diagnostic;
use crate::model::names::{NameIndex, Skeleton};
use crate::model::{ElementId, FilePart, Metamodel, Model, RelationKindId};
use crate::rules::cycle::PartEdges;
use crate::rules::RuleMeta;

/// One `.kozo` file of the workspace (or the built-in metamodel).
#[salsa::input(debug)]
pub struct SourceFile {
    /// Relative to the workspace root, with `/` separators.
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
    /// When the file on disk is not UTF-8: the byte offset of the first bad
    /// byte. `text` then holds the valid part before it, and is not parsed.
    pub invalid_utf8: Option<u32>,
    /// What the file's last parse leaves for the next one, so that an edit
    /// is parsed from the tree before it (see [`parse`]). Set once, when
    /// the file is made; what it holds changes without a new revision.
    #[default]
    #[returns(ref)]
    pub history: ParseHistory,
}

/// A file's tree, kept for the parse after an edit (see [`parse`]).
///
/// Memory: the tree of the current text is held weakly (salsa holds it);
/// an edit moves it, with the text it replaced, into `previous`, and the
/// next parse of the file takes them out again. So a file holds an old tree
/// only between an edit and its next parse, and none that salsa no longer
/// holds when the edit comes.
#[derive(Clone, Default)]
pub struct ParseHistory(Arc<Mutex<History>>);

#[derive(Default)]
struct History {
    /// The tree of the file's current text, once parsed.
    current: Weak<Parse>,
    /// The text an edit replaced and its tree, until the file is parsed again.
    previous: Option<(String, Arc<Parse>)>,
}

impl ParseHistory {
    /// Called once the file's text is replaced by an edit: keeps the text
    /// replaced, `old_text`, with its tree for the next parse, if the file
    /// was parsed since the edit before (if not, the text and tree kept
    /// then serve as well: a re-parse goes from any text to any other).
    pub(crate) fn edited(&self, old_text: String) {
        let mut history = self.lock();
        let current = std::mem::take(&mut history.current).upgrade();
        if let (None, Some(tree)) = (&history.previous, current) {
            history.previous = Some((old_text, tree));
        }
    }

    /// Drops what is kept (the file is gone, or not UTF-8).
    pub(crate) fn forget(&self) {
        *self.lock() = History::default();
    }

    /// Whether the tree of the file's current text is held (by salsa, or
    /// by whoever asked for it).
    #[cfg(test)]
    pub(crate) fn holds_tree(&self) -> bool {
        self.lock().current.strong_count() > 0
    }

    /// Whether an old tree waits for the next parse.
    pub fn holds_previous(&self) -> bool {
        self.lock().previous.is_some()
    }

    fn lock(&self) -> MutexGuard<'_, History> {
        // Every update is one assignment: a panic elsewhere leaves it whole.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl std::fmt::Debug for ParseHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let history = self.lock();
        f.debug_struct("ParseHistory")
            .field("parsed", &(history.current.strong_count() > 0))
            .field(
                "previous",
                &history.previous.as_ref().map(|(text, _)| text.len()),
            )
            .finish()
    }
}

/// Salsa compares input values only through this: every history is one.
impl PartialEq for ParseHistory {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl Eq for ParseHistory {}

/// The workspace: its files, in path order, and its configuration.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    /// The built-in `society5` metamodel, loaded by `use society5`.
    pub builtin: SourceFile,
    /// The built-in ArchiMate metamodel, loaded by `use archimate`.
    pub archimate: SourceFile,
    #[returns(ref)]
    pub config: Config,
}

/// The database every query runs on.
#[salsa::db]
pub trait Db: salsa::Database {
    /// The parses this database shares with others, if any.
    fn shared_parses(&self) -> Option<&SharedParses>;
}

#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
    parses: Option<SharedParses>,
}

impl Database {
    /// A database that takes the syntax tree of a text another database
    /// sharing `parses` has already parsed, instead of parsing it again.
    pub fn with_shared_parses(parses: SharedParses) -> Database {
        Database {
            storage: salsa::Storage::default(),
            parses: Some(parses),
        }
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {
    fn shared_parses(&self) -> Option<&SharedParses> {
        self.parses.as_ref()
    }
}

/// Syntax trees shared by several databases, by the text they were parsed
/// from. Two versions of a workspace (the sides of `kozo diff`) live in two
/// databases, since a salsa database holds one revision at a time; most of
/// their files are the same, and this lets each distinct text be parsed
/// once. A tree depends on nothing but its text, so sharing it cannot change
/// a result.
#[derive(Clone, Default)]
pub struct SharedParses(Arc<Mutex<HashMap<Box<str>, Arc<Parse>>>>);

impl SharedParses {
    /// The tree of `text`: the one already made, or a new one. The lock is
    /// not held while parsing, so threads parse different texts at once; two
    /// threads that parse the same text at once both get the first tree kept.
    fn get_or_parse(&self, text: &str) -> Arc<Parse> {
        if let Some(parse) = self.lock().get(text) {
            return Arc::clone(parse);
        }
        let parse = Arc::new(kozo_lang::parse(text));
        Arc::clone(self.lock().entry(text.into()).or_insert(parse))
    }

    /// How many distinct texts have been parsed.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Box<str>, Arc<Parse>>> {
        // A thread that panicked while holding the lock left the map whole:
        // entries are inserted in one step.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The syntax tree of a file. A file that is not UTF-8 has an empty tree.
///
/// After an edit, the file is re-parsed from the tree of the text the edit
/// replaced (kept in [`SourceFile::history`] by [`Analysis`]'s edit; see
/// [`kozo_lang::reparse`]): only the statements the edit touched are read
/// again. That tree is not an input salsa tracks, yet the architecture
/// invariant holds in value terms: `reparse` equals `parse` of the new text
/// whatever the old one was, so the result depends only on the text.
///
/// [`Analysis`]: crate::analysis::Analysis
#[salsa::tracked(returns(ref), lru = 0)]
pub fn parse(db: &dyn Db, file: SourceFile) -> Arc<Parse> {
    let history = file.history(db);
    if file.invalid_utf8(db).is_some() {
        history.forget();
        return Arc::default();
    }
    let text = file.text(db);
    let previous = history.lock().previous.take();
    if let Some(parses) = db.shared_parses() {
        return parses.get_or_parse(text);
    }
    let tree = Arc::new(match previous {
        Some((old_text, old)) => kozo_lang::reparse(&old, &old_text, text),
        None => kozo_lang::parse(text),
    });
    history.lock().current = Arc::downgrade(&tree);
    tree
}

/// How many files' trees [`parse`] keeps once the next eviction
/// (`trigger_lru_eviction`) runs: the least recently used are freed and
/// parsed again when asked for. `0` keeps every tree and records nothing,
/// as an editor wants.
pub(crate) fn keep_trees(db: &mut Database, files: usize) {
    parse::set_lru_capacity(db, files);
}

/// What a file declares, without where: equal after an edit that moves
/// text or changes anything but a declaration, so that the name index (and
/// with it every other file's part) is kept.
#[salsa::tracked(returns(ref))]
pub(crate) fn skeleton(db: &dyn Db, file: SourceFile) -> Skeleton {
    Skeleton::of(parse(db, file))
}

/// A file's `use` statements (the module's name as written): what the
/// model reads of them, apart from the tree, so that a check that frees
/// the trees as it goes does not parse every file again for them.
#[salsa::tracked(returns(ref))]
pub(crate) fn module_uses(db: &dyn Db, file: SourceFile) -> Vec<kozo_lang::ast::Ident> {
    parse(db, file)
        .tree
        .items
        .iter()
        .filter_map(|item| match item {
            kozo_lang::ast::Item::Use(u) => Some(u.module.clone()),
            _ => None,
        })
        .collect()
}

/// Every declared name of the workspace and the id the model gives it.
#[salsa::tracked(returns(ref))]
pub(crate) fn name_index(db: &dyn Db, workspace: Workspace) -> Arc<NameIndex> {
    let files: Vec<(SourceFile, &Skeleton)> = workspace
        .files(db)
        .iter()
        .map(|&f| (f, skeleton(db, f)))
        .collect();
    let builtin = match NameIndex::module(&files).as_deref() {
        Some(crate::builtin::SOCIETY5) => Some(*workspace.builtin(db)),
        Some(crate::builtin::ARCHIMATE) => Some(*workspace.archimate(db)),
        _ => None,
    };
    let builtin = builtin.map(|file| (file, skeleton(db, file)));
    Arc::new(NameIndex::new(&files, builtin))
}

/// The layers, kinds and relation kinds.
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn metamodel(db: &dyn Db, workspace: Workspace) -> Arc<Metamodel> {
    let names = name_index(db, workspace);
    Arc::new(crate::model::build_metamodel(db, workspace, names))
}

/// The relation kind of relationships that name none: what the parts read
/// of the metamodel, so that an edit of a kind's label rebuilds no part.
#[salsa::tracked]
pub(crate) fn default_relation(db: &dyn Db, workspace: Workspace) -> Option<RelationKindId> {
    metamodel(db, workspace).default_relation
}

/// The metamodel as the rules that look at one relationship or element at
/// a time read it: equal after an edit of a label or a move, so that no
/// part is checked again for it.
#[salsa::tracked(returns(ref))]
pub(crate) fn rule_meta(db: &dyn Db, workspace: Workspace) -> Arc<RuleMeta> {
    let meta = metamodel(db, workspace);
    Arc::new(RuleMeta::new(
        &meta.layers,
        &meta.kinds,
        &meta.relation_kinds,
    ))
}

/// One file's elements and relationships, resolved and checked.
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn file_part(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Arc<FilePart> {
    let names = name_index(db, workspace);
    let default = *default_relation(db, workspace);
    let meta = rule_meta(db, workspace);
    Arc::new(crate::model::build_part(
        db, workspace, names, default, meta, file,
    ))
}

/// The files whose parts make the model, in the name index's order (the
/// built-in module first when one is used): equal after any edit that
/// neither adds nor removes a file nor changes the `use` of a module.
#[salsa::tracked(returns(ref))]
pub(crate) fn part_files(db: &dyn Db, workspace: Workspace) -> Vec<SourceFile> {
    name_index(db, workspace)
        .sources
        .iter()
        .map(|source| source.file)
        .collect()
}

/// A file's relationships of acyclic kinds, for `cycle`, by where their
/// ends stand in their parts: equal after an edit elsewhere that only adds
/// or removes elements, which renumbers the model's ids.
#[salsa::tracked(returns(ref))]
pub(crate) fn part_edges(db: &dyn Db, workspace: Workspace, file: SourceFile) -> PartEdges {
    PartEdges::new(
        rule_meta(db, workspace),
        name_index(db, workspace),
        &file_part(db, workspace, file).relationships,
    )
}

/// The cycles of acyclic relation kinds: searched again only when some
/// file's edges of those kinds (or its count of relationships) change.
#[salsa::tracked(returns(ref))]
pub(crate) fn cycles(db: &dyn Db, workspace: Workspace) -> Vec<crate::rules::cycle::Found> {
    let parts: Vec<&PartEdges> = part_files(db, workspace)
        .iter()
        .map(|&file| part_edges(db, workspace, file))
        .collect();
    let kinds = rule_meta(db, workspace).relation_kinds.len();
    crate::rules::cycle::find(kinds, &parts, &|| db.unwind_if_revision_cancelled())
}

/// The resolved model of the whole workspace.
pub fn model(db: &dyn Db, workspace: Workspace) -> &Model {
    model_memo(db, workspace)
}

/// The model as salsa keeps it: freed on a background thread once an edit
/// replaced it (see [`Detached`]). It is put together from the metamodel
/// and the files' parts, which it shares with the model before it.
///
/// `no_eq`: an edit almost always changes some span or text, so comparing
/// the new model with the old one (to spare what depends on it) would cost
/// a deep walk of the whole model and rarely spare anything.
#[salsa::tracked(returns(ref), no_eq)]
fn model_memo(db: &dyn Db, workspace: Workspace) -> Detached<Model> {
    // Models replaced before are freed meanwhile, one at a time; a build of
    // every part waits for them (`Analysis::build_parts_in_parallel`).
    crate::detached::wait_for_backlog();
    let names = name_index(db, workspace);
    let meta = metamodel(db, workspace);
    let parts: Vec<&FilePart> = names
        .sources
        .iter()
        .map(|source| &**file_part(db, workspace, source.file))
        .collect();
    Detached::new(crate::model::assemble(db, workspace, names, meta, &parts))
}

/// Every finding of the workspace, configured, filtered by `kozo-allow` and
/// sorted by file and position: each file's list of
/// [`findings_by_file`], one after the other.
#[salsa::tracked(returns(ref))]
pub fn diagnostics(db: &dyn Db, workspace: Workspace) -> Vec<Diagnostic> {
    let by_file = findings_by_file(db, workspace);
    match &by_file.at_once {
        Some(all) => all.clone(),
        None => by_file
            .files
            .iter()
            .flat_map(|(_, list)| list.iter().cloned())
            .collect(),
    }
}

/// Every finding of the workspace gathered and sorted in one go, the way
/// [`diagnostics`] is defined: for tests that compare the two.
#[doc(hidden)]
pub fn diagnostics_at_once(db: &dyn Db, workspace: Workspace) -> Vec<Diagnostic> {
    crate::check::collect_at_once(db, workspace)
}

/// The workspace's findings file by file: the lists of [`diagnostics`],
/// each shared with the revisions before for as long as it is unchanged.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FindingsByFile {
    /// The files that have findings, in path order, each with its list.
    files: Vec<(SourceFile, Arc<[Diagnostic]>)>,
    /// Every finding, when the lists could not be made file by file (see
    /// [`findings_by_file`]); `files` is then cut from it.
    at_once: Option<Vec<Diagnostic>>,
}

impl FindingsByFile {
    /// The files that have findings, in path order, each with its list.
    /// A list an edit left alone is the very list of the revision before.
    pub fn files(&self) -> impl Iterator<Item = (SourceFile, &Arc<[Diagnostic]>)> + '_ {
        self.files.iter().map(|(file, list)| (*file, list))
    }
}

/// The workspace's findings file by file. Each file's list is made by a
/// query of its own ([`file_findings`]), from what that file changes (its
/// text, its part, the workspace-wide answers about its elements) and the
/// few findings found over the whole model that lie in it; so an edit makes
/// again the lists of the files it touched, and the others stay the same
/// objects. Put together in path order they are what gathering everything
/// at once gives ([`diagnostics_at_once`]), which is what this falls back
/// to where the lists cannot be shown to give it: two files of one path (a
/// workspace file named like a built-in one), or a finding gathered for a
/// file that lies in another.
#[salsa::tracked(returns(ref))]
pub fn findings_by_file(db: &dyn Db, workspace: Workspace) -> FindingsByFile {
    let order = file_order(db, workspace);
    let global = global_findings(db, workspace);
    let exact = !order.shared_paths && global.runs.iter().all(|run| order.files.contains(&run.0));
    if exact {
        let mut files = Vec::new();
        let mut foreign = false;
        for &file in &order.files {
            db.unwind_if_revision_cancelled();
            if own_findings(db, workspace, file).foreign {
                foreign = true;
                break;
            }
            let list = file_findings(db, workspace, file);
            if !list.is_empty() {
                files.push((file, Arc::clone(list)));
            }
        }
        if !foreign {
            return FindingsByFile {
                files,
                at_once: None,
            };
        }
    }
    let all = crate::check::collect_at_once(db, workspace);
    let mut files: Vec<(SourceFile, Vec<Diagnostic>)> = Vec::new();
    let mut at: HashMap<SourceFile, usize> = HashMap::new();
    for d in &all {
        let index = *at.entry(d.file).or_insert_with(|| {
            files.push((d.file, Vec::new()));
            files.len() - 1
        });
        files[index].1.push(d.clone());
    }
    FindingsByFile {
        files: files
            .into_iter()
            .map(|(file, list)| (file, list.into()))
            .collect(),
        at_once: Some(all),
    }
}

/// The files that can hold findings (the workspace's and the built-in
/// ones), in path order.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FileOrder {
    pub files: Vec<SourceFile>,
    /// Two of them have one path.
    pub shared_paths: bool,
}

#[salsa::tracked(returns(ref))]
pub(crate) fn file_order(db: &dyn Db, workspace: Workspace) -> FileOrder {
    let mut files: Vec<(&str, SourceFile)> = workspace
        .files(db)
        .iter()
        .chain([workspace.builtin(db), workspace.archimate(db)])
        .map(|&file| (file.path(db).as_str(), file))
        .collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    FileOrder {
        shared_paths: files.windows(2).any(|pair| pair[0].0 == pair[1].0),
        files: files.into_iter().map(|(_, file)| file).collect(),
    }
}

/// One file's list of findings: its own and the global ones that lie in it
/// (see [`crate::check`]). Made again only when one of the two changes.
#[salsa::tracked(returns(ref))]
pub(crate) fn file_findings(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
) -> Arc<[Diagnostic]> {
    crate::check::merge(
        db,
        own_findings(db, workspace, file),
        global_in(db, workspace, file),
    )
}

/// The findings that lie in `file` and come from it alone, configured,
/// filtered and sorted.
#[salsa::tracked(returns(ref))]
pub(crate) fn own_findings(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
) -> crate::check::Own {
    crate::check::own(db, workspace, file)
}

/// The findings found over the whole model: few, made again on every
/// revision that changes the model, and equal after most edits.
#[salsa::tracked(returns(ref))]
pub(crate) fn global_findings(db: &dyn Db, workspace: Workspace) -> crate::check::Global {
    crate::check::global(db, workspace)
}

/// The global findings that lie in `file`: equal, so that the file's list
/// is kept, when the global findings changed elsewhere.
#[salsa::tracked(returns(ref))]
pub(crate) fn global_in(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
) -> Vec<(Diagnostic, crate::check::Stage)> {
    global_findings(db, workspace).of(file).to_vec()
}

/// The elements of `file` that the workspace-wide rules report, by index
/// in its part: equal after an edit elsewhere that changed none of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FileAnswers {
    /// Elements without children that no relationship joins.
    pub orphans: Vec<u32>,
    /// Elements no view shows.
    pub unseen: Vec<u32>,
}

#[salsa::tracked(returns(ref))]
pub(crate) fn file_answers(db: &dyn Db, workspace: Workspace, file: SourceFile) -> FileAnswers {
    let names = name_index(db, workspace);
    let Some(index) = names.source_of(file) else {
        return FileAnswers::default();
    };
    // A file's elements are one run of ids (see `NameIndex`), and so is
    // its share of each answer, which lists ids in order.
    let first = names.sources[index].first_element;
    let end = names
        .sources
        .get(index + 1)
        .map_or(names.elements.len() as u32, |next| next.first_element);
    let answers = crate::rules::workspace::answers(db, workspace);
    let local = |ids: &[ElementId]| -> Vec<u32> {
        let from = ids.partition_point(|id| id.0 < first);
        let to = ids.partition_point(|id| id.0 < end);
        ids[from..to].iter().map(|id| id.0 - first).collect()
    };
    FileAnswers {
        orphans: local(&answers.orphans),
        unseen: local(&answers.unseen),
    }
}

/// The model's `builtin_missing`, which `orphan-element` reads: equal after
/// almost every edit, so that no file's list is made again for it.
#[salsa::tracked]
pub(crate) fn builtin_missing(db: &dyn Db, workspace: Workspace) -> bool {
    model(db, workspace).builtin_missing
}

/// The example syntax errors give, in the workspace's own words (see
/// `syntax_error::in_workspace_words`).
#[salsa::tracked(returns(ref))]
pub(crate) fn element_example(db: &dyn Db, workspace: Workspace) -> Option<String> {
    crate::rules::syntax_error::element_example(model(db, workspace))
}
