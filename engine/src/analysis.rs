//! [`Analysis`]: the one entry point the command line and the language server
//! share. It owns the salsa database and the workspace input, takes file
//! changes, and answers from the tracked queries.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use salsa::Setter;
use serde::Serialize;

use crate::config::Config;
use crate::db::{self, Database, SharedParses, SourceFile, Workspace};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;

/// A workspace under analysis.
#[derive(Clone)]
pub struct Analysis {
    db: Database,
    workspace: Workspace,
    files: BTreeMap<String, SourceFile>,
}

/// Counts for the end of a `kozo check` report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub elements: usize,
    pub relationships: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis::new(Config::default())
    }
}

impl Analysis {
    pub fn new(config: Config) -> Analysis {
        Analysis::on(Database::default(), config)
    }

    /// An analysis that shares syntax trees with every other analysis made
    /// with the same `parses`: a text one of them has parsed is not parsed
    /// again. For two versions of one workspace, as `kozo diff` compares.
    pub fn with_shared_parses(config: Config, parses: SharedParses) -> Analysis {
        Analysis::on(Database::with_shared_parses(parses), config)
    }

    /// The same files and configuration in a new analysis that shares
    /// syntax trees through `parses` (see [`Analysis::with_shared_parses`]).
    pub fn sharing_parses(&self, parses: SharedParses) -> Analysis {
        let mut shared = Analysis::with_shared_parses(self.config().clone(), parses);
        for (path, &file) in &self.files {
            let copy = SourceFile::new(
                &shared.db,
                path.clone(),
                file.text(&self.db).clone(),
                *file.invalid_utf8(&self.db),
            );
            shared.files.insert(path.clone(), copy);
        }
        shared.sync_file_list();
        shared
    }

    fn on(db: Database, config: Config) -> Analysis {
        // The built-in metamodels never change: with high durability, a
        // query that reads only it (its parse) is known valid after an edit
        // without checking its inputs again.
        let constant = |path: &str, source: &str| {
            SourceFile::builder(path.to_string(), source.to_string(), None)
                .durability(salsa::Durability::HIGH)
                .new(&db)
        };
        let builtin = constant(
            crate::builtin::SOCIETY5_PATH,
            crate::builtin::SOCIETY5_SOURCE,
        );
        let archimate = constant(
            crate::builtin::ARCHIMATE_PATH,
            crate::builtin::ARCHIMATE_SOURCE,
        );
        let workspace = Workspace::new(&db, Vec::new(), builtin, archimate, config);
        Analysis {
            db,
            workspace,
            files: BTreeMap::new(),
        }
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    pub fn workspace(&self) -> Workspace {
        self.workspace
    }

    pub fn set_config(&mut self, config: Config) {
        if self.workspace.config(&self.db) != &config {
            self.workspace.set_config(&mut self.db).to(config);
        }
    }

    pub fn config(&self) -> &Config {
        self.workspace.config(&self.db)
    }

    /// Adds a file or replaces its text. `path` is relative to the workspace
    /// root, with `/` separators.
    pub fn set_file(&mut self, path: &str, text: String) -> SourceFile {
        self.set_file_contents(path, text, None)
    }

    /// Adds or replaces a file from its bytes on disk. A file that is not
    /// UTF-8 is kept (so it is reported) but not parsed.
    pub fn set_file_bytes(&mut self, path: &str, bytes: Vec<u8>) -> SourceFile {
        let (text, invalid_utf8) = decode(bytes);
        self.set_file_contents(path, text, invalid_utf8)
    }

    /// Adds or replaces many files from their bytes on disk at once: the
    /// workspace's file list is set once for the whole batch, not once per
    /// file (which made loading quadratic in the number of files).
    pub fn set_files_bytes(&mut self, files: impl IntoIterator<Item = (String, Vec<u8>)>) {
        let mut added = false;
        for (path, bytes) in files {
            let (text, invalid_utf8) = decode(bytes);
            match self.files.get(&path) {
                Some(&file) => self.update_file(file, text, invalid_utf8),
                None => {
                    let file = SourceFile::new(&self.db, path.clone(), text, invalid_utf8);
                    self.files.insert(path, file);
                    added = true;
                }
            }
        }
        if added {
            self.sync_file_list();
        }
    }

    fn update_file(&mut self, file: SourceFile, text: String, invalid_utf8: Option<u32>) {
        if file.text(&self.db) != &text {
            let old_text = file.set_text(&mut self.db).to(text);
            // After the setter: it waits for every snapshot to finish, so no
            // parse of the old text can come after this.
            file.history(&self.db).edited(old_text);
        }
        if *file.invalid_utf8(&self.db) != invalid_utf8 {
            file.set_invalid_utf8(&mut self.db).to(invalid_utf8);
        }
    }

    fn set_file_contents(
        &mut self,
        path: &str,
        text: String,
        invalid_utf8: Option<u32>,
    ) -> SourceFile {
        if let Some(&file) = self.files.get(path) {
            self.update_file(file, text, invalid_utf8);
            return file;
        }
        let file = SourceFile::new(&self.db, path.to_string(), text, invalid_utf8);
        self.files.insert(path.to_string(), file);
        self.sync_file_list();
        file
    }

    /// Removes a file; returns whether it was there.
    pub fn remove_file(&mut self, path: &str) -> bool {
        let removed = self.files.remove(path);
        if let Some(file) = removed {
            file.history(&self.db).forget();
            self.sync_file_list();
        }
        removed.is_some()
    }

    fn sync_file_list(&mut self) {
        let list: Vec<SourceFile> = self.files.values().copied().collect();
        self.workspace.set_files(&mut self.db).to(list);
    }

    /// The file at a workspace-relative path (the built-in metamodel included).
    pub fn file(&self, path: &str) -> Option<SourceFile> {
        if path == crate::builtin::SOCIETY5_PATH && !self.files.contains_key(path) {
            return Some(self.builtin());
        }
        if path == crate::builtin::ARCHIMATE_PATH && !self.files.contains_key(path) {
            return Some(self.archimate());
        }
        self.files.get(path).copied()
    }

    /// The workspace's files, in path order (the built-in metamodel excluded).
    pub fn files(&self) -> impl Iterator<Item = SourceFile> + '_ {
        self.files.values().copied()
    }

    /// The built-in metamodel's file.
    pub fn builtin(&self) -> SourceFile {
        *self.workspace.builtin(&self.db)
    }

    /// The built-in ArchiMate metamodel's file.
    pub fn archimate(&self) -> SourceFile {
        *self.workspace.archimate(&self.db)
    }

    pub fn path(&self, file: SourceFile) -> &str {
        file.path(&self.db)
    }

    pub fn text(&self, file: SourceFile) -> &str {
        file.text(&self.db)
    }

    /// True when the file on disk is not UTF-8 (it is reported, not parsed).
    pub fn is_not_utf8(&self, file: SourceFile) -> bool {
        file.invalid_utf8(&self.db).is_some()
    }

    pub fn parse(&self, file: SourceFile) -> &kozo_lang::Parse {
        db::parse(&self.db, file).as_ref()
    }

    /// Parses every file and reads what it declares, on every core, so that
    /// later queries find the trees ready and the name index, which reads
    /// every file's declarations one after the other, finds them read
    /// (with what else the findings read of a tree: see `read_file`).
    /// Useful before the first full check of a large workspace.
    pub fn parse_all_in_parallel(&self) {
        let files: Vec<SourceFile> = self.files.values().copied().collect();
        self.on_every_core(&files, |db, files| {
            files.for_each(|file| read_file(db, file))
        });
    }

    /// Resolves every file's part of the model on every core, with what the
    /// workspace-wide rules read of each part (its summary, its views'
    /// findings, its edges for `cycle`), so that the model and the findings
    /// are then put together at once. Worth it when many parts are to
    /// be made (a first analysis, or an edit that changed the declared
    /// names); when they are all made already, it costs two short threads.
    /// An edit meanwhile cancels it, as it cancels any query.
    pub fn build_parts_in_parallel(&self) {
        let Some(files) = self.before_parts() else {
            return;
        };
        let workspace = self.workspace;
        self.on_every_core(&files, |db, files| make_parts(db, workspace, files));
    }

    /// What every part reads, made once before the threads start; the
    /// files whose parts make the model. `None` when an edit cancelled it.
    fn before_parts(&self) -> Option<Vec<SourceFile>> {
        salsa::Cancelled::catch(|| {
            let names = db::name_index(&self.db, self.workspace);
            db::rule_meta(&self.db, self.workspace);
            db::default_relation(&self.db, self.workspace);
            names.sources.iter().map(|s| s.file).collect::<Vec<_>>()
        })
        .ok()
    }

    /// The cold check of a command that reads the findings and the model
    /// but not the syntax trees (`kozo check`). It does what
    /// [`Analysis::parse_all_in_parallel`] and then
    /// [`Analysis::build_parts_in_parallel`] do, but makes the parts a batch
    /// of files at a time and frees each batch's trees once its parts are
    /// made, so that the trees of the whole workspace (about ten times its
    /// text) and the whole model are never held at once. A tree asked for
    /// later is parsed again. The findings and the model are the same.
    pub fn check_freeing_trees(&mut self) {
        let all: Vec<SourceFile> = self.files.values().copied().collect();
        // The order in which trees are used is recorded from now on; none
        // is freed until a batch is done.
        db::keep_trees(&mut self.db, usize::MAX);
        self.on_every_core_or_here(&all, |db, files| files.for_each(|file| read_file(db, file)));
        if let Some(files) = self.before_parts() {
            let mut left = files.as_slice();
            for size in batches(&self.db, &files) {
                let (batch, rest) = left.split_at(size);
                let workspace = self.workspace;
                self.on_every_core_or_here(batch, |db, files| make_parts(db, workspace, files));
                left = rest;
                // The files still to do are used last, so the least recently
                // used trees, those freed, are the batch's.
                for &file in left {
                    let _ = salsa::Cancelled::catch(|| {
                        db::parse(&self.db, file);
                    });
                }
                db::keep_trees(&mut self.db, left.len().max(1));
                salsa::Database::trigger_lru_eviction(&mut self.db);
            }
        }
        // Trees are kept again, as an editor needs them.
        db::keep_trees(&mut self.db, 0);
    }

    /// Runs `work` on one thread per core (none when there is one core, or
    /// one file), each with its own handle on the database and the files it
    /// takes, one at a time, from those the threads share. Returns whether
    /// it ran.
    fn on_every_core<F>(&self, files: &[SourceFile], work: F) -> bool
    where
        F: Fn(&Database, &mut dyn Iterator<Item = SourceFile>) + Sync,
    {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(files.len().max(1));
        if threads <= 1 {
            return false;
        }
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let db = self.db.clone();
                let (next, work) = (&next, &work);
                scope.spawn(move || work(&db, &mut claimed(files, next).copied()));
            }
        });
        true
    }

    /// [`Analysis::on_every_core`], or on this thread when there is one
    /// core or one file.
    fn on_every_core_or_here<F>(&self, files: &[SourceFile], work: F)
    where
        F: Fn(&Database, &mut dyn Iterator<Item = SourceFile>) + Sync,
    {
        let work = &work;
        if !self.on_every_core(files, work) {
            work(&self.db, &mut files.iter().copied());
        }
    }

    pub fn model(&self) -> &Model {
        db::model(&self.db, self.workspace)
    }

    /// Every finding, sorted by file and position.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        db::diagnostics(&self.db, self.workspace)
    }

    /// Frees now what the last revision's computations replaced (the
    /// previous model and everything computed from it) instead of when the
    /// next change starts a new revision. salsa keeps a replaced result
    /// until then, in case a reader still holds it, so between two edits
    /// the workspace's memory held two models. No revision starts here:
    /// every result computed so far stays valid and is not computed again.
    ///
    /// Like a change, this waits until every clone of the analysis (a
    /// snapshot) is dropped, and cancels what they compute: call it when
    /// none is alive. The model itself is freed on a background thread;
    /// [`Analysis::wait_until_freed`] waits for it.
    pub fn free_replaced(&mut self) {
        salsa::Database::trigger_lru_eviction(&mut self.db);
    }

    /// Waits until the values freed in the background (models replaced by
    /// a change, or given up by [`Analysis::free_replaced`]) are gone, so
    /// that the allocator can return their memory.
    pub fn wait_until_freed() {
        crate::detached::wait_for_drops();
    }

    pub fn summary(&self) -> Summary {
        let model = self.model();
        let mut summary = Summary {
            files: self.files.len(),
            elements: model.elements.len(),
            relationships: model.relationships.len(),
            ..Summary::default()
        };
        for d in self.diagnostics() {
            match d.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}

/// How long a thread making parts goes before it waits for the models
/// replaced earlier to be freed: far longer than remaking the edited file's
/// part after an edit that declares nothing new, so that such an edit does
/// not wait, and short beside remaking every part (about 100 ms a thread at
/// 100k elements), so that little is built before the old parts are gone.
const MANY_PARTS: std::time::Duration = std::time::Duration::from_millis(25);

/// The files one thread works through, each taken from `next` when the
/// thread is ready for it: files differ in size, and on a loaded machine one
/// thread may get less of a core than another, so fixed shares would leave
/// one thread working alone at the end.
fn claimed<'a>(
    files: &'a [SourceFile],
    next: &'a AtomicUsize,
) -> impl Iterator<Item = &'a SourceFile> + 'a {
    std::iter::from_fn(move || files.get(next.fetch_add(1, Ordering::Relaxed)))
}

/// Findings' messages as text: the place a message names (a
/// [`crate::diagnostic::MessagePlace`]) written as `path:line:column`, 1-based
/// with columns in characters, relative to the workspace root. One line index
/// per file, however many messages name it.
pub struct MessageText<'a> {
    analysis: &'a Analysis,
    indexes: std::collections::HashMap<SourceFile, kozo_lang::LineIndex>,
}

impl<'a> MessageText<'a> {
    pub fn new(analysis: &'a Analysis) -> MessageText<'a> {
        MessageText {
            analysis,
            indexes: std::collections::HashMap::new(),
        }
    }

    /// `path:line:column` of the start of `span` in `file`.
    pub fn place(&mut self, file: SourceFile, span: kozo_lang::Span) -> String {
        let text = self.analysis.text(file);
        let index = self
            .indexes
            .entry(file)
            .or_insert_with(|| kozo_lang::LineIndex::new(text));
        let (line, column) = index.position(
            text,
            span.start as usize,
            kozo_lang::line_index::ColumnUnit::Char,
        );
        format!("{}:{}:{}", self.analysis.path(file), line + 1, column + 1)
    }

    /// The whole message of `d`.
    pub fn message<'d>(&mut self, d: &'d Diagnostic) -> std::borrow::Cow<'d, str> {
        d.message_with(|file, span| self.place(file, span))
    }
}

/// A file's bytes as text: a UTF-8 byte-order mark dropped (editors do not
/// count it as a column), and for a file that is not UTF-8 the valid prefix
/// with the offset of the first invalid byte.
fn decode(mut bytes: Vec<u8>) -> (String, Option<u32>) {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let mut bytes = err.into_bytes();
            bytes.truncate(valid);
            let text = String::from_utf8(bytes).unwrap_or_default();
            (text, Some(valid as u32))
        }
    }
}

/// Parses a file and reads from its tree what the checks read besides its
/// part: its declarations, `kozo-allow` comments, syntax errors and `use`
/// statements.
fn read_file(db: &Database, file: SourceFile) {
    db::parse(db, file);
    db::skeleton(db, file);
    crate::suppress::allowances(db, file);
    crate::rules::syntax_error::findings(db, file);
    db::module_uses(db, file);
}

/// Makes the parts of the files `files` yields, with what the
/// workspace-wide rules read of each (its summary, its views' findings,
/// its edges for `cycle`).
fn make_parts(db: &Database, workspace: Workspace, files: &mut dyn Iterator<Item = SourceFile>) {
    // A cancelled part is made again by whoever asks next; the files
    // left are taken by the other threads, or by nobody.
    let files = std::panic::AssertUnwindSafe(files);
    let _ = salsa::Cancelled::catch(move || {
        let files = files;
        let started = std::time::Instant::now();
        let mut waited = false;
        for file in files.0 {
            db::file_part(db, workspace, file);
            // What the findings read of each part, made here too
            // rather than one file after another.
            let summary = crate::rules::workspace::summary(db, workspace, file);
            if summary.has_views {
                crate::rules::workspace::view_findings(db, workspace, file);
            }
            db::part_edges(db, workspace, file);
            if !waited && started.elapsed() >= MANY_PARTS {
                // Many parts are being made anew (an edit changed
                // the declared names): the model replaced before
                // must be gone first, so that two models at most
                // are held.
                crate::detached::wait_for_drops();
                waited = true;
            }
        }
    });
}

/// How many files each batch of [`Analysis::check_freeing_trees`] takes,
/// in order: batches of about a sixteenth of the workspace's text each (a
/// batch's trees are what is held beside the parts made so far), and at
/// least as many files as there are cores.
fn batches(db: &Database, files: &[SourceFile]) -> Vec<usize> {
    const BATCHES: usize = 16;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let sizes: Vec<usize> = files.iter().map(|f| f.text(db).len()).collect();
    let goal = (sizes.iter().sum::<usize>() / BATCHES).max(1);
    let mut out = Vec::new();
    let (mut count, mut bytes) = (0, 0);
    for size in sizes {
        count += 1;
        bytes += size;
        if bytes >= goal && count >= cores {
            out.push(count);
            (count, bytes) = (0, 0);
        }
    }
    if count > 0 {
        out.push(count);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn threads_taking_files_from_one_counter_take_each_file_once() {
        let mut analysis = Analysis::default();
        for i in 0..5 {
            analysis.set_file(&format!("f{i}.kozo"), format!("system s{i}\n"));
        }
        let files: Vec<SourceFile> = analysis.files().collect();
        let next = AtomicUsize::new(0);
        let (mut a, mut b) = (claimed(&files, &next), claimed(&files, &next));
        let mut taken: Vec<SourceFile> = Vec::new();
        taken.extend(a.next());
        taken.extend(b.next());
        taken.extend(a.next());
        taken.extend(b.by_ref());
        taken.extend(a.by_ref());
        assert_eq!(taken, files);
    }

    #[test]
    fn a_batch_reads_like_files_added_one_by_one() {
        let files = vec![
            ("b.kozo".to_string(), b"\xEF\xBB\xBFsystem b\n".to_vec()),
            ("a.kozo".to_string(), b"system a\n".to_vec()),
            ("bad.kozo".to_string(), b"system \xff\n".to_vec()),
        ];
        let mut batch = Analysis::default();
        batch.set_files_bytes(files.clone());
        let mut single = Analysis::default();
        for (path, bytes) in files {
            single.set_file_bytes(&path, bytes);
        }
        let describe = |analysis: &Analysis| -> Vec<(String, String, bool)> {
            analysis
                .files()
                .map(|f| {
                    let path = analysis.path(f).to_string();
                    (path, analysis.text(f).to_string(), analysis.is_not_utf8(f))
                })
                .collect()
        };
        assert_eq!(describe(&batch), describe(&single));
        assert_eq!(
            describe(&batch),
            [
                ("a.kozo".to_string(), "system a\n".to_string(), false),
                ("b.kozo".to_string(), "system b\n".to_string(), false),
                ("bad.kozo".to_string(), "system ".to_string(), true),
            ]
        );
        assert_eq!(batch.summary(), single.summary());
        // A second batch replaces texts and adds files.
        batch.set_files_bytes(vec![
            ("a.kozo".to_string(), b"system a2\n".to_vec()),
            ("c.kozo".to_string(), b"system c\n".to_vec()),
        ]);
        assert_eq!(batch.files().count(), 4);
        // `a2`, `b` and `c`: the file that is not UTF-8 declares nothing whole.
        assert_eq!(batch.summary().elements, 3);
    }

    /// An edit is parsed from the tree of the text it replaced, which the
    /// file holds only until that parse.
    #[test]
    fn an_edit_is_parsed_from_the_tree_before_it() {
        let text = |label: &str| format!("system a \"A\"\n\nsystem b \"{label}\"\n\nsystem c\n");
        let mut analysis = Analysis::default();
        let file = analysis.set_file("m.kozo", text("B"));
        let holds = |analysis: &Analysis| file.history(analysis.db()).holds_previous();
        // Never parsed: there is no tree to keep.
        analysis.set_file("m.kozo", text("B1"));
        assert!(!holds(&analysis));
        let first = Arc::downgrade(db::parse(analysis.db(), file));
        analysis.set_file("m.kozo", text("B2"));
        assert!(holds(&analysis));
        // A second edit before the next parse: the first tree still serves.
        analysis.set_file("m.kozo", text("ビー"));
        assert!(holds(&analysis));
        assert_eq!(
            **db::parse(analysis.db(), file),
            kozo_lang::parse(&text("ビー"))
        );
        assert!(!holds(&analysis));
        analysis.free_replaced();
        assert!(first.upgrade().is_none());
        // A file removed, or no longer UTF-8, lets its tree go.
        analysis.set_file("m.kozo", text("B3"));
        assert!(holds(&analysis));
        analysis.remove_file("m.kozo");
        assert!(!holds(&analysis));
        let file = analysis.set_file("n.kozo", text("N"));
        db::parse(analysis.db(), file);
        analysis.set_file_bytes("n.kozo", b"system \xff\n".to_vec());
        assert!(file.history(analysis.db()).holds_previous());
        assert!(db::parse(analysis.db(), file).tree.items.is_empty());
        assert!(!file.history(analysis.db()).holds_previous());
    }

    #[test]
    fn freeing_what_an_edit_replaced_keeps_every_result_valid() {
        let mut analysis = Analysis::default();
        let file = analysis.set_file("m.kozo", "system a\n".to_string());
        let first = Arc::downgrade(db::parse(analysis.db(), file));
        analysis.set_file("m.kozo", "system b\n".to_string());
        let second = Arc::downgrade(db::parse(analysis.db(), file));
        let model: *const Model = analysis.model();
        // salsa keeps the replaced parse until something frees it: a new
        // revision, or this.
        assert!(first.upgrade().is_some());
        analysis.free_replaced();
        assert!(first.upgrade().is_none());
        // Nothing was computed again: the same results, still valid.
        assert!(second.upgrade().is_some());
        assert!(std::ptr::eq(model, analysis.model()));
        assert!(std::ptr::eq(
            second.as_ptr(),
            Arc::as_ptr(db::parse(analysis.db(), file))
        ));
        assert_eq!(analysis.summary().elements, 1);
        Analysis::wait_until_freed();
    }

    /// The pieces of the model's elements and relationships, kept alive
    /// (so that no later piece can take the address of one of them).
    fn pieces(analysis: &Analysis) -> Vec<Arc<dyn std::any::Any>> {
        let model = analysis.model();
        let elements = model
            .elements
            .chunks()
            .map(|c| -> Arc<dyn std::any::Any> { Arc::clone(c) as _ });
        let relationships = model
            .relationships
            .chunks()
            .map(|c| -> Arc<dyn std::any::Any> { Arc::clone(c) as _ });
        elements.chain(relationships).collect()
    }

    fn same(a: &Arc<dyn std::any::Any>, b: &Arc<dyn std::any::Any>) -> bool {
        Arc::as_ptr(a).cast::<()>() == Arc::as_ptr(b).cast::<()>()
    }

    #[test]
    fn an_edit_that_declares_nothing_new_rebuilds_only_its_files_part() {
        let mut analysis = Analysis::default();
        let a = "use society5\nsystem hub \"拠点\" {\n  device gate\n  gate -> station\n}\n";
        let b = "system station \"駅\"\nstation -> hub : flows \"データ\"\n";
        analysis.set_file("a.kozo", a.to_string());
        analysis.set_file("b.kozo", b.to_string());
        let before = pieces(&analysis);
        assert_eq!(before.len(), 4, "elements and relationships of two files");
        let findings = analysis.diagnostics().to_vec();

        // A longer label moves every span after it, and declares nothing.
        let edited = a.replace("拠点", "拠点（中央）");
        analysis.set_file("a.kozo", edited.clone());
        let after = pieces(&analysis);
        assert!(
            !same(&after[0], &before[0]),
            "a.kozo's elements are made again"
        );
        assert!(same(&after[1], &before[1]), "b.kozo's elements are kept");
        assert!(!same(&after[2], &before[2]));
        assert!(
            same(&after[3], &before[3]),
            "b.kozo's relationships are kept"
        );
        let mut fresh = Analysis::default();
        fresh.set_file("a.kozo", edited);
        fresh.set_file("b.kozo", b.to_string());
        assert_eq!(outcome(&analysis), outcome(&fresh));
        assert_eq!(analysis.diagnostics().len(), findings.len());

        // A new element changes the ids: every part is made again.
        analysis.set_file("a.kozo", format!("system first\n{a}"));
        let renumbered = pieces(&analysis);
        assert!(renumbered
            .iter()
            .all(|p| before.iter().chain(&after).all(|q| !same(p, q))));
        assert_eq!(
            analysis.model().element_by_path("station").map(|e| e.0),
            Some(3)
        );
    }

    #[test]
    fn children_of_an_element_with_many_are_found_like_those_of_one_with_few() {
        // Past a handful of children, an element's children are also kept
        // by name: lookups, paths and duplicates behave the same either way.
        let wide: String = (0..40).map(|i| format!("  k c{i}\n")).collect();
        let text = format!(
            "layer l\nkind k {{ layer l }}\nrelation uses {{ default }}\n\
             k wide {{\n{wide}  k c7\n  c39 -> c0\n}}\nk narrow {{\n  k c1\n  k c1\n}}\n\
             wide.c12 -> narrow.c1\nwide.c40 -> wide.c3\n"
        );
        let mut analysis = Analysis::default();
        analysis.set_file("a.kozo", text);
        let model = analysis.model();
        for i in 0..40 {
            let path = format!("wide.c{i}");
            let id = model.element_by_path(&path);
            assert_eq!(
                id.map(|e| model.element(e).path.as_str()),
                Some(path.as_str())
            );
        }
        assert_eq!(model.element_by_path("wide.c40"), None);
        assert_eq!(
            model
                .element_by_path("narrow.c1")
                .map(|e| model.element(e).info.name.to_string()),
            Some("c1".to_string())
        );
        assert_eq!(model.element_by_path("wide.c1.x"), None);
        assert_eq!(model.element_by_path(""), None);
        assert_eq!(model.relationships.len(), 2);
        let messages: Vec<String> = analysis
            .diagnostics()
            .iter()
            .map(|d| format!("{}: {}", d.rule.name(), d.message))
            .collect();
        let duplicates = messages
            .iter()
            .filter(|m| m.starts_with("duplicate-definition"))
            .count();
        assert_eq!(duplicates, 2, "{messages:#?}");
        assert!(messages.iter().any(|m| m.contains("c40")), "{messages:#?}");
    }

    #[test]
    fn a_cycle_across_files_follows_edits_that_move_or_renumber_it() {
        let meta = "layer l\nkind k { layer l }\nrelation depends { acyclic }\nrelation uses { default }\nk a\nk b\n";
        let mut analysis = Analysis::default();
        analysis.set_file("a.kozo", format!("{meta}a -> b : depends\n"));
        analysis.set_file("b.kozo", "b -> a : depends\n".to_string());
        let cycle = |analysis: &Analysis| -> Vec<String> {
            analysis
                .diagnostics()
                .iter()
                .filter(|d| d.rule == crate::Rule::Cycle)
                .map(|d| {
                    let text = analysis.text(d.file);
                    format!("{}: {}", &text[d.span.range()], d.message)
                })
                .collect()
        };
        let message = "relationships of kind `depends` form a cycle: a -> b -> a";
        assert_eq!(cycle(&analysis), [format!("a -> b : depends: {message}")]);
        // Moved by a comment, then renumbered by a relationship of another
        // kind before it: the finding follows the relationship.
        for text in [
            format!("// 依存\n{meta}a -> b : depends\n"),
            format!("{meta}b -> a\na -> b : depends\n"),
        ] {
            analysis.set_file("a.kozo", text.clone());
            assert_eq!(cycle(&analysis), [format!("a -> b : depends: {message}")]);
            let mut fresh = Analysis::default();
            fresh.set_file("a.kozo", text);
            fresh.set_file("b.kozo", "b -> a : depends\n".to_string());
            assert_eq!(outcome(&analysis), outcome(&fresh));
        }
        // Elements added in a file before the cycle's renumber its elements:
        // the search is not made again (its answer is the same one), and
        // the finding still names the cycle.
        let mut renumbered = Analysis::default();
        renumbered.set_file("a.kozo", meta.to_string());
        let loop_text = "k x\nk y\nx -> y : depends\ny -> x : depends\n";
        renumbered.set_file("b.kozo", loop_text.to_string());
        let search = |analysis: &Analysis| {
            let found = crate::db::cycles(analysis.db(), analysis.workspace);
            (found.as_ptr(), found.len())
        };
        let before = search(&renumbered);
        assert_eq!(before.1, 1);
        let x_to_y = "x -> y : depends: relationships of kind `depends` form a cycle: x -> y -> x";
        for text in [
            format!("k first\nk second\n{meta}"),
            format!("{meta}k third\n"),
        ] {
            renumbered.set_file("a.kozo", text.clone());
            assert_eq!(cycle(&renumbered), [x_to_y]);
            assert_eq!(search(&renumbered), before);
            let mut fresh = Analysis::default();
            fresh.set_file("a.kozo", text);
            fresh.set_file("b.kozo", loop_text.to_string());
            assert_eq!(outcome(&renumbered), outcome(&fresh));
        }
        analysis.set_file("b.kozo", "b -> a\n".to_string());
        assert!(cycle(&analysis).is_empty());
    }

    /// Every finding with its file and place, and every element's path:
    /// what two analyses of the same files must agree on.
    fn findings_and_paths(analysis: &Analysis) -> (Vec<String>, Vec<String>) {
        let mut text = MessageText::new(analysis);
        let findings = analysis
            .diagnostics()
            .iter()
            .map(|d| {
                format!(
                    "{} {:?} {:?}: {} {:?}",
                    analysis.path(d.file),
                    d.span,
                    d.rule,
                    text.message(d),
                    d.place.as_ref().map(|p| (analysis.path(p.file), p.span))
                )
            })
            .collect();
        let paths = analysis
            .model()
            .elements
            .iter()
            .map(|e| e.path.clone())
            .collect();
        (findings, paths)
    }

    #[test]
    fn a_check_that_frees_the_trees_finds_what_one_that_keeps_them_finds() {
        let mut files: Vec<(String, String)> = (0..40)
            .map(|i| {
                let next = (i + 1) % 40;
                (
                    format!("part_{i:02}.kozo"),
                    format!(
                        "/// 部品 {i}\nsystem s{i} \"システム {i}\" {{\n  component c {{ label ja \"構成 {i}\" }}\n}}\ns{i} -> s{next}.c\ns{i}.c -> s{next} : flows \"データ\"\n"
                    ),
                )
            })
            .collect();
        files.push((
            "head.kozo".into(),
            "use society5\nuse societyy5\nuse archimate\nsystem s3\n// kozo-allow: orphan-element, no-such-rule\nsystem quiet\nview all { include s1, s2.*, nowhere }\ns1 -> s2 : depends\n".into(),
        ));
        files.push(("broken.kozo".into(), "system half {\n  component\n".into()));
        files.push(("back.kozo".into(), "s2 -> s1 : depends\n".into()));
        let analysis = |free: bool| {
            let mut analysis = Analysis::default();
            for (path, text) in &files {
                analysis.set_file(path, text.clone());
            }
            if free {
                analysis.check_freeing_trees();
            } else {
                analysis.parse_all_in_parallel();
                analysis.build_parts_in_parallel();
            }
            analysis
        };
        let kept = analysis(false);
        let mut freed = analysis(true);
        // Each batch's trees were freed once its parts were made; the last
        // one used may stay.
        let held = |a: &Analysis| {
            a.files()
                .filter(|&f| f.history(a.db()).holds_tree())
                .count()
        };
        assert!(held(&freed) <= 1, "{} trees held", held(&freed));
        assert_eq!(held(&kept), files.len());
        // The findings and the model parse no file again, but for the two
        // that declare `s3`: the duplicate's finding reads where each
        // declaration writes its name from their trees.
        let (findings, paths) = findings_and_paths(&freed);
        let again: Vec<&str> = freed
            .files()
            .filter(|&f| f.history(freed.db()).holds_tree())
            .map(|f| freed.path(f))
            .filter(|path| !["head.kozo", "part_03.kozo"].contains(path))
            .collect();
        assert!(again.len() <= 1, "{again:?}");
        assert_eq!((findings.clone(), paths), findings_and_paths(&kept));
        for rule in [
            "SyntaxError",
            "UndefinedReference",
            "DuplicateDefinition",
            "Cycle",
        ] {
            assert!(
                findings.iter().any(|f| f.contains(rule)),
                "{rule}: {findings:#?}"
            );
        }
        // Trees are kept again afterwards, and an edit reads like a fresh
        // analysis of the edited files.
        freed.set_file("part_07.kozo", "system s7\nsystem added\n".into());
        freed.set_file("part_08.kozo", "system s8 {\n".into());
        let mut fresh = Analysis::default();
        for (path, text) in &files {
            fresh.set_file(path, text.clone());
        }
        fresh.set_file("part_07.kozo", "system s7\nsystem added\n".into());
        fresh.set_file("part_08.kozo", "system s8 {\n".into());
        assert_eq!(findings_and_paths(&freed), findings_and_paths(&fresh));
        assert_eq!(held(&freed), files.len());
    }

    #[test]
    fn batches_take_every_file_once_in_order_and_at_least_a_core_each() {
        let mut analysis = Analysis::default();
        for i in 0..50 {
            analysis.set_file(&format!("f{i:02}.kozo"), "x".repeat(1 + i * 37));
        }
        let files: Vec<SourceFile> = analysis.files().collect();
        let sizes = batches(analysis.db(), &files);
        assert_eq!(sizes.iter().sum::<usize>(), files.len());
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert!(sizes[..sizes.len() - 1].iter().all(|&n| n >= cores));
        assert!((8..=17).contains(&sizes.len()), "{sizes:?}");
        assert!(batches(analysis.db(), &[]).is_empty());
    }

    /// The texts of `analysis`'s files, and a digest of what was made of them.
    fn outcome(analysis: &Analysis) -> (Vec<(String, String)>, Summary, Vec<String>) {
        let texts = analysis
            .files()
            .map(|f| (analysis.path(f).to_string(), analysis.text(f).to_string()))
            .collect();
        let mut text = MessageText::new(analysis);
        let messages = analysis
            .diagnostics()
            .iter()
            .map(|d| format!("{:?}: {}", d.rule, text.message(d)))
            .collect();
        (texts, analysis.summary(), messages)
    }

    #[test]
    fn analyses_sharing_parses_parse_a_text_once_and_agree_with_a_fresh_one() {
        let same = "use society5\n\ndevice station \"Station\" {\n  label ja \"中央駅\"\n}\ndevice gate\ngate -> station\n";
        let old_text = "device ticket_gate \"改札（旧）\"\n";
        let new_text = "device ticket_gate \"改札（新）\"\ndevice broken {\n";
        let parses = SharedParses::default();
        let mut old = Analysis::with_shared_parses(Config::default(), parses.clone());
        old.set_file("same.kozo", same.to_string());
        old.set_file("edited.kozo", old_text.to_string());
        old.set_file("gone.kozo", "system gone\n".to_string());
        old.parse_all_in_parallel();
        old.diagnostics();
        // The three files and the built-in metamodel `use society5` brings.
        assert_eq!(parses.len(), 4);

        let mut new = old.sharing_parses(parses.clone());
        new.set_file("edited.kozo", new_text.to_string());
        assert!(new.remove_file("gone.kozo"));
        new.set_file_bytes("bad.kozo", b"system \xff\n".to_vec());
        let mut fresh = Analysis::default();
        fresh.set_file("same.kozo", same.to_string());
        fresh.set_file("edited.kozo", new_text.to_string());
        fresh.set_file_bytes("bad.kozo", b"system \xff\n".to_vec());

        // The unchanged file's tree is the old side's, not a second parse;
        // the edited one is parsed anew; a file that is not UTF-8 is not
        // parsed at all.
        let tree = |a: &Analysis, path: &str| Arc::clone(db::parse(a.db(), a.file(path).unwrap()));
        assert!(Arc::ptr_eq(
            &tree(&old, "same.kozo"),
            &tree(&new, "same.kozo")
        ));
        assert!(!Arc::ptr_eq(
            &tree(&old, "edited.kozo"),
            &tree(&new, "edited.kozo")
        ));
        assert_eq!(parses.len(), 5);
        // Both sides still answer as analyses of their own files would.
        assert_eq!(outcome(&new), outcome(&fresh));
        assert!(!new
            .parse(new.file("edited.kozo").unwrap())
            .errors
            .is_empty());
        assert!(old
            .parse(old.file("edited.kozo").unwrap())
            .errors
            .is_empty());
        let mut old_fresh = Analysis::default();
        old_fresh.set_file("same.kozo", same.to_string());
        old_fresh.set_file("edited.kozo", old_text.to_string());
        old_fresh.set_file("gone.kozo", "system gone\n".to_string());
        assert_eq!(outcome(&old), outcome(&old_fresh));
        assert_eq!(old.summary().elements, 4);
    }
}
