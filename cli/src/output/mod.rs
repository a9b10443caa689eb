//! Report formats of `kozo check`. Positions are converted here, at the
//! edge: 1-based lines, and columns counted in characters.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::path::{Path, PathBuf};

use kozo_engine::{Analysis, Diagnostic};
use kozo_lang::line_index::ColumnUnit;
use kozo_lang::LineIndex;

/// The findings of one workspace.
pub struct Report<'a> {
    pub root: PathBuf,
    pub analysis: &'a Analysis,
    pub findings: Vec<Finding<'a>>,
}

/// A 1-based line and character column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A diagnostic with its positions resolved.
pub struct Finding<'a> {
    pub diagnostic: &'a Diagnostic,
    /// Relative to the workspace root, `/`-separated.
    pub path: String,
    /// Relative to the current folder when the file is under it (what
    /// terminals, GitHub and code-scanning services want), else `path`.
    pub display_path: String,
    pub start: Position,
    pub end: Position,
}

impl<'a> Finding<'a> {
    pub fn new(root: &Path, analysis: &'a Analysis, diagnostic: &'a Diagnostic) -> Finding<'a> {
        let path = analysis.path(diagnostic.file).to_string();
        let text = analysis.text(diagnostic.file);
        let index = LineIndex::new(text);
        let position = |offset: u32| {
            let (line, column) = index.position(text, offset as usize, ColumnUnit::Char);
            Position {
                line: line as usize + 1,
                column: column as usize + 1,
            }
        };
        Finding {
            diagnostic,
            display_path: display_path(root, &path),
            start: position(diagnostic.span.start),
            end: position(diagnostic.span.end),
            path,
        }
    }
}

/// `path` (relative to `root`) as seen from the current folder.
pub fn display_path(root: &Path, path: &str) -> String {
    let absolute = root.join(path);
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_string();
    };
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    match absolute.strip_prefix(&cwd) {
        Ok(rel) => crate::workspace::relative(Path::new(""), rel),
        Err(_) => path.to_string(),
    }
}

/// A workspace root as seen from the current folder: `.` for the current
/// folder, a relative path below it, else the absolute path.
pub fn display_root(root: &Path) -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return root.display().to_string();
    };
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    match root.strip_prefix(&cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => crate::workspace::relative(Path::new(""), rel),
        Err(_) => root.display().to_string(),
    }
}
