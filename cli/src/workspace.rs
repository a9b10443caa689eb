//! Finding a workspace on disk: its root (the nearest folder upward holding
//! `kozo.toml`), its configuration and its `.kozo` files.

use std::fmt;
use std::path::{Path, PathBuf};

use kozo_engine::config::CONFIG_FILE;
use kozo_engine::{Analysis, Config};

/// Why a workspace could not be loaded (exit status 2).
#[derive(Debug)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// A workspace read from disk.
pub struct Loaded {
    pub root: PathBuf,
    pub analysis: Analysis,
    /// Files that could not be read, with the reason.
    pub unreadable: Vec<(String, String)>,
    /// Files that are not UTF-8 (reported as findings).
    pub not_utf8: Vec<String>,
}

/// The workspace root for a path given on the command line.
pub fn find_root(path: &Path) -> Result<PathBuf, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        LoadError(format!(
            "cannot read `{}`: {}",
            path.display(),
            describe_io(&e)
        ))
    })?;
    let start = if meta.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let start = start.canonicalize().unwrap_or(start);
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if d.join(CONFIG_FILE).is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Ok(start)
}

pub fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    }
}

/// Reads `kozo.toml` at `root` (if any) into a configuration.
pub fn read_config(root: &Path) -> Result<Config, LoadError> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| LoadError(format!("{}: not valid UTF-8", path.display())))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => {
            return Err(LoadError(format!(
                "cannot read `{}`: {}",
                path.display(),
                describe_io(&e)
            )))
        }
    };
    Config::parse(&text).map_err(|err| match err.line_column(&text) {
        Some((line, column)) => LoadError(format!(
            "{}:{line}:{column}: {}",
            path.display(),
            err.message
        )),
        None => LoadError(format!("{}: {}", path.display(), err.message)),
    })
}

/// Every `*.kozo` file of the workspace at `root`, in path order. Hidden
/// folders, `target` and `node_modules` are skipped, and so are folders that
/// hold a `kozo.toml` of their own: they are other workspaces.
pub fn collect_files(root: &Path) -> Vec<PathBuf> {
    collect_files_reporting(root).0
}

/// [`collect_files`], and the folders that could not be read, each with the
/// reason: they are reported, never skipped silently.
pub fn collect_files_reporting(root: &Path) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut out = Vec::new();
    let unreadable = walk(root, &mut |path, is_dir| {
        if is_dir {
            return !path.join(CONFIG_FILE).is_file();
        }
        if path.extension().is_some_and(|e| e == "kozo") {
            out.push(path.to_path_buf());
        }
        true
    });
    out.sort();
    (out, unreadable)
}

/// The workspaces nested below `dir` (folders holding a `kozo.toml`), in path order.
pub fn nested_roots(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut |path, is_dir| {
        if is_dir && path.join(CONFIG_FILE).is_file() {
            out.push(path.to_path_buf());
        }
        true
    });
    out.sort();
    out
}

/// Visits the files and folders below `dir`; `visit(path, is_dir)` returns
/// whether to descend into a folder. Returns the folders it could not read.
fn walk(dir: &Path, visit: &mut dyn FnMut(&Path, bool) -> bool) -> Vec<(PathBuf, String)> {
    let mut unreadable = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                unreadable.push((dir, describe_io(&e)));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                let skipped = name.starts_with('.') || name == "target" || name == "node_modules";
                if !skipped && visit(&path, true) {
                    stack.push(path);
                }
            } else {
                visit(&path, false);
            }
        }
    }
    unreadable.sort();
    unreadable
}

/// The path of `file` relative to `root`, with `/` separators.
pub fn relative(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Loads the workspace rooted at `root`.
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    let config = read_config(root)?;
    let (files, unreadable_folders) = collect_files_reporting(root);
    if let (true, Some((dir, reason))) = (files.is_empty(), unreadable_folders.first()) {
        return Err(LoadError(format!(
            "cannot read `{}`: {reason}",
            dir.display()
        )));
    }
    if files.is_empty() {
        return Err(LoadError(format!(
            "no `.kozo` file in `{}` (run `kozo init` to start a workspace)",
            root.display()
        )));
    }
    let mut analysis = Analysis::new(config);
    let mut unreadable: Vec<(String, String)> = unreadable_folders
        .iter()
        .map(|(dir, reason)| (relative(root, dir), reason.clone()))
        .collect();
    let mut not_utf8 = Vec::new();
    for path in &files {
        let rel = relative(root, path);
        match std::fs::read(path) {
            Ok(bytes) => {
                let file = analysis.set_file_bytes(&rel, bytes);
                if analysis.is_not_utf8(file) {
                    not_utf8.push(rel);
                }
            }
            Err(e) => unreadable.push((rel, describe_io(&e))),
        }
    }
    Ok(Loaded {
        root: root.to_path_buf(),
        analysis,
        unreadable,
        not_utf8,
    })
}

/// Writes an output file (a diagram, an export), creating its folder.
pub fn write_file(path: &Path, contents: &str) -> Result<(), LoadError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            LoadError(format!(
                "cannot create `{}`: {}",
                parent.display(),
                describe_io(&e)
            ))
        })?;
    }
    std::fs::write(path, contents).map_err(|e| {
        LoadError(format!(
            "cannot write `{}`: {}",
            path.display(),
            describe_io(&e)
        ))
    })
}
