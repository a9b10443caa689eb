//! The server's state: one [`Workspace`] (an engine `Analysis`) per
//! workspace root, the open documents, and what was last published.
//!
//! Open documents override the disk: their text lives in the analysis and a
//! change on disk does not replace it until the document is closed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
    pub analysis: Analysis,
    /// Open documents, by path relative to the root.
    pub open: HashMap<String, OpenDoc>,
    /// What each file was last published with (files with nothing
    /// published are absent).
    pub published: HashMap<String, Vec<lsp::Diagnostic>>,
    /// Bumped by every change to the analysis.
    pub revision: u64,
    /// The revision whose diagnostics were published last.
    pub published_revision: u64,
}

impl Workspace {
    fn new(root: PathBuf, from_disk: bool, config: kozo_engine::Config) -> Workspace {
        Workspace {
            root,
            from_disk,
            analysis: Analysis::new(config),
            open: HashMap::new(),
            published: HashMap::new(),
            revision: 0,
            published_revision: 0,
        }
    }

    /// Reads every file of the root from disk (open documents keep their text).
    pub fn load(&mut self, roots: &mut Roots, folder: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        // The server's own read-only copies are never part of a workspace.
        let support = crate::support::cache_dir().map(|d| disk::normalize(&d));
        let files: Vec<PathBuf> = disk::collect_files(&self.root)
            .into_iter()
            .filter(|f| {
                !support.as_ref().is_some_and(|s| f.starts_with(s))
                    && roots.root_of(f, folder) == self.root
            })
            .collect();
        for path in files {
            let Some(rel) = disk::relative(&self.root, &path) else {
                continue;
            };
            if self.open.contains_key(&rel) {
                continue;
            }
            match std::fs::read(&path) {
                Ok(bytes) => {
                    self.analysis.set_file_bytes(&rel, bytes);
                }
                Err(e) => problems.push(format!("cannot read {}: {e}", path.display())),
            }
        }
        self.analysis.parse_all_in_parallel();
        self.revision += 1;
        problems
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
    /// The read-only copy of the built-in metamodel.
    Builtin,
}

pub struct State {
    pub initialized: bool,
    /// How the client counts columns.
    pub unit: ColumnUnit,
    /// Workspaces never go away, so an index names one for good.
    pub workspaces: Vec<Workspace>,
    /// The workspace folders the client gave.
    pub folders: Vec<PathBuf>,
    pub roots: Roots,
    /// The read-only copy of the built-in metamodel, once written.
    pub builtin_path: Option<PathBuf>,
    /// The URI the client shows the built-in metamodel under without a
    /// file (the VS Code extension's `kozo:` document); it replaces the
    /// copy's `file:` URI in every answer.
    pub builtin_uri: Option<Uri>,
    /// Each diagnostic's `codeDescription` link: `{rule}` stands for the
    /// rule's name (else the name is appended).
    pub rules_url: Option<String>,
    /// The client shows `$/progress` for tokens the server creates.
    pub work_done_progress: bool,
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
            builtin_uri: None,
            rules_url: None,
            work_done_progress: false,
        }
    }
}

impl State {
    /// Loads the workspaces of a folder: one per root found under it.
    /// Returns the indexes of the workspaces made and any problems met.
    pub fn add_folder(&mut self, folder: &Path) -> (Vec<usize>, Vec<String>) {
        let folder = disk::normalize(folder);
        if !self.folders.contains(&folder) {
            self.folders.push(folder.clone());
        }
        let mut roots: Vec<PathBuf> = Vec::new();
        let own = self
            .roots
            .configured_root(&folder)
            .unwrap_or_else(|| folder.clone());
        roots.push(own);
        for file in disk::collect_files(&folder) {
            let root = self.roots.root_of(&file, &folder);
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        let mut made = Vec::new();
        let mut problems = Vec::new();
        for root in roots {
            if self.workspaces.iter().any(|w| w.root == root) {
                continue;
            }
            let (index, mut found) = self.make_workspace(root, true, &folder);
            made.push(index);
            problems.append(&mut found);
        }
        (made, problems)
    }

    fn make_workspace(
        &mut self,
        root: PathBuf,
        from_disk: bool,
        folder: &Path,
    ) -> (usize, Vec<String>) {
        let mut problems = Vec::new();
        let config = match disk::read_config(&root) {
            Ok(config) => config,
            Err(message) => {
                problems.push(format!("{message} (using the default configuration)"));
                kozo_engine::Config::default()
            }
        };
        let mut workspace = Workspace::new(root, from_disk, config);
        if from_disk {
            problems.extend(workspace.load(&mut self.roots, folder));
        }
        self.workspaces.push(workspace);
        (self.workspaces.len() - 1, problems)
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
            return Some(DocRef::Builtin);
        }
        let (index, workspace) = self
            .workspaces
            .iter()
            .enumerate()
            .filter(|(_, w)| path.starts_with(&w.root))
            .max_by_key(|(_, w)| w.root.as_os_str().len())?;
        let rel = disk::relative(&workspace.root, path)?;
        Some(DocRef::File {
            workspace: index,
            rel,
        })
    }

    /// Where a file belongs, making its workspace when there is none yet:
    /// the root of its `kozo.toml` (loaded from disk), else a loose
    /// workspace in its folder holding only what is opened there.
    pub fn locate_or_create(&mut self, path: &Path) -> (Option<DocRef>, Vec<String>) {
        if let Some(found) = self.locate(path) {
            // A file under a workspace folder whose root is not yet known
            // (a new subfolder with its own `kozo.toml`) gets its own workspace.
            if let (DocRef::File { workspace, .. }, Some(folder)) = (&found, self.folder_of(path)) {
                let root = self.roots.root_of(path, &folder);
                if root == self.workspaces[*workspace].root {
                    return (Some(found), Vec::new());
                }
                let (_, problems) = self.make_workspace(root, true, &folder);
                return (self.locate(path), problems);
            }
            return (Some(found), Vec::new());
        }
        let Some(dir) = path.parent() else {
            return (None, Vec::new());
        };
        let problems = match (self.folder_of(path), self.roots.configured_root(dir)) {
            (Some(folder), _) => {
                let root = self.roots.root_of(path, &folder);
                self.make_workspace(root, true, &folder).1
            }
            (None, Some(root)) => self.make_workspace(root.clone(), true, &root).1,
            (None, None) => self.make_workspace(dir.to_path_buf(), false, dir).1,
        };
        (self.locate(path), problems)
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
            DocRef::Builtin => {
                let index = self
                    .workspaces
                    .iter()
                    .position(uses_builtin)
                    .or((!self.workspaces.is_empty()).then_some(0))?;
                let w = &self.workspaces[index];
                Some((index, w.analysis.builtin()))
            }
        }
    }

    pub fn builtin_uri(&self) -> Option<Uri> {
        self.builtin_uri
            .clone()
            .or_else(|| self.builtin_path.as_ref().and_then(Uri::from_file_path))
    }
}

/// True when a file of the workspace says `use society5` (read from the
/// parses, which are kept, rather than the model, which may be stale).
fn uses_builtin(workspace: &Workspace) -> bool {
    let analysis = &workspace.analysis;
    analysis.files().any(|file| {
        analysis.parse(file).tree.items.iter().any(|item| {
            matches!(item, kozo_lang::Item::Use(u) if u.module.text == kozo_engine::builtin::SOCIETY5)
        })
    })
}
