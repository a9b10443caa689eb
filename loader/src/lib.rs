//! Reading kozo workspaces from disk, for the command line and the language
//! server alike: the root (the nearest folder upward holding `kozo.toml`),
//! the workspaces nested below a folder, the configuration, and the `.kozo`
//! files.
//!
//! Architecture invariant: this is the only crate that reads a workspace
//! from disk; the engine's analysis never touches the disk.
//!
//! What is read is bounded: only regular files are opened (never a FIFO, a
//! device or a socket, which could block or never end), a symbolic link is
//! followed only to a regular file inside the workspace root, and each file
//! and the whole workspace have a size limit (`[limits]` in `kozo.toml`).
//! Whatever is refused is reported as a [`Problem`] naming the path.

mod open;

use std::fmt;
use std::path::{Path, PathBuf};

use kozo_engine::config::LimitsConfig;
pub use kozo_engine::config::CONFIG_FILE;
use kozo_engine::{Analysis, Config};

pub use open::read_regular_file;

/// The largest `kozo.toml` read.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Why a workspace could not be loaded at all (the command line exits 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

/// A file or folder of a workspace that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.message)
    }
}

/// An IO error in the words the reports use.
pub fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    }
}

/// The nearest folder at or above `dir` holding a `kozo.toml`.
pub fn configured_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// The workspace root for a path given on the command line: the nearest
/// folder upward holding `kozo.toml`, else the folder itself (or the file's
/// folder).
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
    Ok(configured_root(&start).unwrap_or(start))
}

/// The path of `file` relative to `root`, with `/` separators.
pub fn relative(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether the walk skips a folder of this name: hidden folders and the
/// usual build and dependency folders.
fn skipped_folder(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

/// What a walk found: files and folders, and the folders it could not list.
struct Walk {
    files: Vec<PathBuf>,
    roots: Vec<PathBuf>,
    problems: Vec<Problem>,
}

/// Walks the folders below `dir` (iteratively, so depth costs no stack).
/// With `stop_at_nested`, folders holding a `kozo.toml` of their own (other
/// workspaces) are not entered; either way they are listed in `roots`.
/// Symbolic links to folders are not followed.
fn walk(dir: &Path, stop_at_nested: bool) -> Walk {
    let mut found = Walk {
        files: Vec::new(),
        roots: Vec::new(),
        problems: Vec::new(),
    };
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) => {
                found.problems.push(Problem {
                    path: current,
                    message: describe_io(&e),
                });
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    found.problems.push(Problem {
                        path: current.clone(),
                        message: describe_io(&e),
                    });
                    continue;
                }
            };
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if skipped_folder(&entry.file_name().to_string_lossy()) {
                    continue;
                }
                let nested = path.join(CONFIG_FILE).is_file();
                if nested {
                    found.roots.push(path.clone());
                }
                if !(nested && stop_at_nested) {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "kozo") {
                found.files.push(path);
            }
        }
    }
    found.files.sort();
    found.roots.sort();
    found
}

/// Every `*.kozo` path of the workspace at `root`, in path order (not read:
/// see [`read`]). Hidden folders, `target`, `node_modules` and nested
/// workspaces are skipped.
pub fn collect_files(root: &Path) -> Vec<PathBuf> {
    walk(root, true).files
}

/// [`collect_files`], and the folders that could not be read, each with the
/// reason (`kozo fmt` reports them: a folder is never skipped silently).
pub fn collect_files_reporting(root: &Path) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let found = walk(root, true);
    let unreadable = found
        .problems
        .into_iter()
        .map(|problem| (problem.path, problem.message))
        .collect();
    (found.files, unreadable)
}

/// The workspaces nested below `dir` (folders holding a `kozo.toml`), in
/// path order.
pub fn nested_roots(dir: &Path) -> Vec<PathBuf> {
    walk(dir, false).roots
}

/// Every workspace a folder holds: its own root (the nearest `kozo.toml`
/// upward, else the folder) and the workspaces nested below it.
pub fn discover(folder: &Path) -> Vec<PathBuf> {
    let mut roots = vec![configured_root(folder).unwrap_or_else(|| folder.to_path_buf())];
    for nested in nested_roots(folder) {
        if !roots.contains(&nested) {
            roots.push(nested);
        }
    }
    roots
}

/// `kozo.toml` at `root`: the configuration (the default when there is
/// none), or why it could not be used. It is read like any workspace file:
/// a regular file (or a link to one inside the root), at most
/// [`MAX_CONFIG_BYTES`].
pub fn read_config(root: &Path) -> Result<Config, LoadError> {
    let path = root.join(CONFIG_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(Config::default());
    }
    let bytes = read_regular_file(root, &path, MAX_CONFIG_BYTES)
        .map_err(|message| LoadError(format!("cannot read `{}`: {message}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| LoadError(format!("{}: not valid UTF-8", path.display())))?;
    Config::parse(&text).map_err(|err| match err.line_column(&text) {
        Some((line, column)) => LoadError(format!(
            "{}:{line}:{column}: {}",
            path.display(),
            err.message
        )),
        None => LoadError(format!("{}: {}", path.display(), err.message)),
    })
}

/// A workspace's files read from disk, not yet analysed.
pub struct Read {
    pub root: PathBuf,
    pub config: Result<Config, LoadError>,
    /// Each file's path relative to the root and its bytes, in path order.
    pub files: Vec<(String, Vec<u8>)>,
    /// Files and folders that were not read.
    pub problems: Vec<Problem>,
}

/// Reads the workspace at `root`: `kozo.toml` and every `.kozo` file for
/// which `wanted(relative path)` holds, within the configured limits (the
/// defaults when `kozo.toml` cannot be used).
pub fn read(root: &Path, wanted: &dyn Fn(&str) -> bool) -> Read {
    let config = read_config(root);
    let limits = config
        .as_ref()
        .map(|c| c.limits.clone())
        .unwrap_or_default();
    let walked = walk(root, true);
    let mut problems = walked.problems;
    let (files, mut refused) = read_files(root, &walked.files, &limits, wanted);
    problems.append(&mut refused);
    Read {
        root: root.to_path_buf(),
        config,
        files,
        problems,
    }
}

fn read_files(
    root: &Path,
    paths: &[PathBuf],
    limits: &LimitsConfig,
    wanted: &dyn Fn(&str) -> bool,
) -> (Vec<(String, Vec<u8>)>, Vec<Problem>) {
    let mut files = Vec::with_capacity(paths.len());
    let mut problems = Vec::new();
    let mut total: u64 = 0;
    for path in paths {
        let rel = relative(root, path);
        if !wanted(&rel) {
            continue;
        }
        let left = limits.max_total_bytes.saturating_sub(total);
        let limit = limits.max_file_bytes.min(left);
        match read_regular_file(root, path, limit) {
            Ok(bytes) => {
                total += bytes.len() as u64;
                files.push((rel, bytes));
            }
            Err(mut message) => {
                if limit < limits.max_file_bytes && message.starts_with("larger than") {
                    message = format!(
                        "the workspace's files are larger than {} in all (`[limits] max-total-mib` in kozo.toml)",
                        open::size(limits.max_total_bytes)
                    );
                }
                problems.push(Problem {
                    path: path.clone(),
                    message,
                });
            }
        }
    }
    (files, problems)
}

impl Read {
    /// The files as an analysis (added in one batch).
    pub fn into_analysis(self, config: Config) -> (Analysis, Vec<Problem>) {
        let mut analysis = Analysis::new(config);
        analysis.set_files_bytes(self.files);
        (analysis, self.problems)
    }
}

/// A workspace loaded for the command line.
pub struct Loaded {
    pub root: PathBuf,
    pub analysis: Analysis,
    /// Files and folders that were not read (the command line exits 2).
    pub problems: Vec<Problem>,
    /// Files that are not UTF-8 (reported as findings), relative to the root.
    pub not_utf8: Vec<String>,
}

/// Loads the workspace rooted at `root`. A `kozo.toml` that cannot be used,
/// or a workspace without a `.kozo` file, is an error.
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    let read = read(root, &|_| true);
    let config = read.config.clone()?;
    if read.files.is_empty() && read.problems.iter().all(|p| p.path == root) {
        if let Some(problem) = read.problems.first() {
            return Err(LoadError(problem.to_string()));
        }
        return Err(LoadError(format!(
            "no `.kozo` file in `{}` (run `kozo init` to start a workspace)",
            root.display()
        )));
    }
    let (analysis, problems) = read.into_analysis(config);
    let not_utf8 = analysis
        .files()
        .filter(|&f| analysis.is_not_utf8(f))
        .map(|f| analysis.path(f).to_string())
        .collect();
    Ok(Loaded {
        root: root.to_path_buf(),
        analysis,
        problems,
        not_utf8,
    })
}

#[cfg(test)]
mod tests;
