//! The server's state: one [`Workspace`] (an engine `Analysis`) per
//! workspace root, the open documents, and what was last published.
//!
//! Open documents override the disk: their text lives in the analysis and a
//! change on disk does not replace it until the document is closed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kozo_engine::db::SourceFile;
use kozo_engine::Analysis;
use kozo_lang::line_index::ColumnUnit;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::disk::{self, Roots};

/// A document the client has open.
#[derive(Clone, Debug)]
pub struct OpenDoc {
    pub uri: Uri,
    pub version: i32,
}

/// The files under one root (the nearest `kozo.toml`, or a workspace
/// folder), merged into one model.
pub struct Workspace {
    pub root: PathBuf,
    /// Loaded from disk (`kozo.toml` found or a workspace folder); a loose
    /// workspace holds only the documents opened in its folder.
    pub from_disk: bool,
    /// False once its folder was removed: it is then empty and found by
    /// nothing (indexes stay valid, so a workspace is never moved).
    pub live: bool,
    pub analysis: Analysis,
    /// Open documents, by path relative to the root.
    pub open: HashMap<String, OpenDoc>,
    /// What each file was last published with (files with nothing
    /// published are absent).
    pub published: HashMap<String, Vec<lsp::Diagnostic>>,
    /// Bumped by every change to the analysis, and when a document is
    /// opened with the text the analysis already holds (its findings are
    /// then due, though none changed).
    pub revision: u64,
    /// The revision of the last change to what the analysis reads (a file's
    /// text, the list of files, the configuration): findings computed at
    /// this revision or later are those of the current one.
    pub inputs_revision: u64,
    /// The revision whose diagnostics were published last.
    pub published_revision: u64,
    /// One clone per live copy of the analysis (snapshots, the parse
    /// warm-up): the count says whether any reader is alive.
    pub readers: Arc<()>,
    /// The last revision whose replaced results were freed (see
    /// `diagnostics::free_replaced`).
    pub freed_revision: u64,
}

impl Workspace {
    fn new(root: PathBuf, from_disk: bool) -> Workspace {
        Workspace {
            root,
            from_disk,
            live: true,
            analysis: Analysis::default(),
            open: HashMap::new(),
            published: HashMap::new(),
            revision: 0,
            inputs_revision: 0,
            published_revision: 0,
            readers: Arc::new(()),
            freed_revision: 0,
        }
    }

    /// Takes the files read from disk (open documents keep their text).
    /// Returns the problems met, for the log.
    pub fn apply_read(&mut self, read: kozo_loader::Read) -> Vec<String> {
        let mut problems: Vec<String> = read.problems.iter().map(|p| p.to_string()).collect();
        match read.config {
            Ok(config) => self.analysis.set_config(config),
            Err(error) => problems.push(format!("{error} (using the default configuration)")),
        }
        // The server's own read-only copies are never part of a workspace.
        let support = crate::support::cache_dir().map(|d| disk::normalize(&d));
        let root = self.root.clone();
        let open = &self.open;
        let files = read.files.into_iter().filter(|(rel, _)| {
            !open.contains_key(rel)
                && !support
                    .as_ref()
                    .is_some_and(|s| root.join(rel).starts_with(s))
        });
        self.analysis.set_files_bytes(files);
        self.changed();
        problems
    }

    /// Records a change to what the analysis reads.
    pub fn changed(&mut self) {
        self.revision += 1;
        self.inputs_revision = self.revision;
    }

    /// Forgets everything (its folder was removed).
    pub fn retire(&mut self) {
        self.live = false;
        self.analysis = Analysis::default();
        self.open.clear();
        self.published.clear();
        self.changed();
    }

    /// True when no copy of the analysis is alive but this one.
    pub fn unread(&self) -> bool {
        Arc::strong_count(&self.readers) == 1
    }

    /// The URI a file of this workspace is shown under.
    pub fn uri_of(&self, rel: &str) -> Option<Uri> {
        match self.open.get(rel) {
            Some(doc) => Some(doc.uri.clone()),
            None => Uri::from_file_path(self.root.join(rel)),
        }
    }
}

/// Where a document is.
#[derive(Clone, Debug)]
pub enum DocRef {
    /// A file of a workspace.
    File { workspace: usize, rel: String },
    /// The read-only copy of a built-in metamodel (`society5` or
    /// `archimate`).
    Builtin(&'static str),
}

pub struct State {
    pub initialized: bool,
    /// How the client counts columns.
    pub unit: ColumnUnit,
    /// Workspaces are never moved, so an index names one for good (a
    /// removed one stays as an empty, dead entry).
    pub workspaces: Vec<Workspace>,
    /// The workspace folders the client gave.
    pub folders: Vec<PathBuf>,
    pub roots: Roots,
    /// The read-only copy of the built-in metamodel, once written.
    pub builtin_path: Option<PathBuf>,
    /// The read-only copy of the built-in ArchiMate metamodel, once written.
    pub archimate_path: Option<PathBuf>,
    /// The URI the client shows the built-in metamodel under without a
    /// file (the VS Code extension's `kozo:` document); it replaces the
    /// copy's `file:` URI in every answer.
    pub builtin_uri: Option<Uri>,
    /// The same for the built-in ArchiMate metamodel
    /// (`initializationOptions.archimateUri`).
    pub archimate_uri: Option<Uri>,
    /// Each diagnostic's `codeDescription` link: `{rule}` stands for the
    /// rule's name (else the name is appended).
    pub rules_url: Option<String>,
    /// The client shows `$/progress` for tokens the server creates.
    pub work_done_progress: bool,
    /// What the client takes in completion answers.
    pub completion: crate::requests::completion::CompletionSupport,
}

impl Default for State {
    fn default() -> Self {
        State {
            initialized: false,
            unit: ColumnUnit::Utf16,
            workspaces: Vec::new(),
            folders: Vec::new(),
            roots: Roots::default(),
            builtin_path: None,
            archimate_path: None,
            builtin_uri: None,
            archimate_uri: None,
            rules_url: None,
            work_done_progress: false,
            completion: Default::default(),
        }
    }
}

impl State {
    /// Makes an (empty) workspace for each root not known yet; returns the
    /// indexes of those made, for the disk worker to fill.
    pub fn adopt_roots(&mut self, roots: Vec<PathBuf>) -> Vec<usize> {
        let mut made = Vec::new();
        for root in roots {
            if self.workspaces.iter().any(|w| w.live && w.root == root) {
                continue;
            }
            made.push(self.make_workspace(root, true));
        }
        made
    }

    /// Records a workspace folder the client gave.
    pub fn add_folder(&mut self, folder: &Path) {
        if !self.folders.iter().any(|f| f == folder) {
            self.folders.push(folder.to_path_buf());
        }
    }

    /// Forgets a workspace folder and every workspace under it that no
    /// other folder holds; returns those workspaces with the files they
    /// had published, to be cleared in the client.
    pub fn remove_folder(&mut self, folder: &Path) -> Vec<(usize, Vec<Uri>)> {
        self.folders.retain(|f| f != folder);
        let mut retired = Vec::new();
        for index in 0..self.workspaces.len() {
            let w = &self.workspaces[index];
            let held_elsewhere = self.folders.iter().any(|f| w.root.starts_with(f));
            if !w.live || !w.root.starts_with(folder) || held_elsewhere {
                continue;
            }
            let w = &mut self.workspaces[index];
            let uris = w
                .published
                .iter()
                .filter(|(_, list)| !list.is_empty())
                .filter_map(|(rel, _)| w.uri_of(rel))
                .collect();
            w.retire();
            retired.push((index, uris));
        }
        retired
    }

    fn make_workspace(&mut self, root: PathBuf, from_disk: bool) -> usize {
        self.workspaces.push(Workspace::new(root, from_disk));
        self.workspaces.len() - 1
    }

    /// The workspace folder holding `path`, if any.
    fn folder_of(&self, path: &Path) -> Option<PathBuf> {
        self.folders
            .iter()
            .filter(|f| path.starts_with(f))
            .max_by_key(|f| f.as_os_str().len())
            .cloned()
    }

    /// Where a file on disk belongs, without making a workspace for it.
    pub fn locate(&self, path: &Path) -> Option<DocRef> {
        if self.builtin_path.as_deref() == Some(path) {
            return Some(DocRef::Builtin(kozo_engine::builtin::SOCIETY5));
        }
        if self.archimate_path.as_deref() == Some(path) {
            return Some(DocRef::Builtin(kozo_engine::builtin::ARCHIMATE));
        }
        let (index, workspace) = self
            .workspaces
            .iter()
            .enumerate()
            .filter(|(_, w)| w.live && path.starts_with(&w.root))
            .max_by_key(|(_, w)| w.root.as_os_str().len())?;
        let rel = kozo_loader::relative(&workspace.root, path);
        if rel.is_empty() {
            return None;
        }
        Some(DocRef::File {
            workspace: index,
            rel,
        })
    }

    /// Where a file belongs, making its workspace when there is none yet:
    /// the root of its `kozo.toml`, else a loose workspace in its folder
    /// holding only what is opened there. A workspace made here is empty:
    /// its index is returned for the disk worker to load it.
    pub fn locate_or_create(&mut self, path: &Path) -> (Option<DocRef>, Option<usize>) {
        if let Some(found) = self.locate(path) {
            // A file under a workspace folder whose root is not yet known
            // (a new subfolder with its own `kozo.toml`) gets its own workspace.
            if let (DocRef::File { workspace, .. }, Some(folder)) = (&found, self.folder_of(path)) {
                let root = self.roots.root_of(path, &folder);
                if root == self.workspaces[*workspace].root {
                    return (Some(found), None);
                }
                let made = self.make_workspace(root, true);
                return (self.locate(path), Some(made));
            }
            return (Some(found), None);
        }
        let Some(dir) = path.parent() else {
            return (None, None);
        };
        let made = match (self.folder_of(path), self.roots.configured_root(dir)) {
            (Some(folder), _) => {
                let root = self.roots.root_of(path, &folder);
                Some(self.make_workspace(root, true))
            }
            (None, Some(root)) => Some(self.make_workspace(root, true)),
            (None, None) => {
                self.make_workspace(dir.to_path_buf(), false);
                None
            }
        };
        (self.locate(path), made)
    }

    /// The workspace and file a document names, for answering requests.
    /// The built-in metamodel is answered from the first workspace that
    /// uses it.
    pub fn source(&self, doc: &DocRef) -> Option<(usize, SourceFile)> {
        match doc {
            DocRef::File { workspace, rel } => {
                let w = self.workspaces.get(*workspace)?;
                Some((*workspace, w.analysis.file(rel)?))
            }
            DocRef::Builtin(module) => {
                let index = self
                    .workspaces
                    .iter()
                    .position(|w| w.live && uses_builtin(w, module))
                    .or_else(|| self.workspaces.iter().position(|w| w.live))?;
                let w = &self.workspaces[index];
                let file = if *module == kozo_engine::builtin::ARCHIMATE {
                    w.analysis.archimate()
                } else {
                    w.analysis.builtin()
                };
                Some((index, file))
            }
        }
    }

    pub fn builtin_uri(&self) -> Option<Uri> {
        self.builtin_uri
            .clone()
            .or_else(|| self.builtin_path.as_ref().and_then(Uri::from_file_path))
    }

    pub fn archimate_uri(&self) -> Option<Uri> {
        self.archimate_uri
            .clone()
            .or_else(|| self.archimate_path.as_ref().and_then(Uri::from_file_path))
    }

    /// The built-in metamodel the client shows under `uri` without a file.
    pub fn builtin_document(&self, uri: &Uri) -> Option<DocRef> {
        if self.builtin_uri.as_ref() == Some(uri) {
            Some(DocRef::Builtin(kozo_engine::builtin::SOCIETY5))
        } else if self.archimate_uri.as_ref() == Some(uri) {
            Some(DocRef::Builtin(kozo_engine::builtin::ARCHIMATE))
        } else {
            None
        }
    }
}

/// True when a file of the workspace says `use society5` (read from the
/// parses, which are kept, rather than the model, which may be stale).
fn uses_builtin(workspace: &Workspace, module: &str) -> bool {
    let analysis = &workspace.analysis;
    analysis.files().any(|file| {
        analysis
            .parse(file)
            .tree
            .items
            .iter()
            .any(|item| matches!(item, kozo_lang::Item::Use(u) if u.module.text == module))
    })
}
