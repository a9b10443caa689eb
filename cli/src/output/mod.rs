//! Report formats of `kozo check`. Positions are converted here, at the
//! edge: 1-based lines, and columns counted in characters.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kozo_engine::db::SourceFile;
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
    /// The message, with the place it names (if any) written as
    /// `path:line:column` relative to the workspace root.
    pub message: std::borrow::Cow<'a, str>,
}

/// Byte offsets to positions, with one line index per file shared by every
/// finding in it (building one per finding made reports quadratic).
pub struct Positions<'a> {
    analysis: &'a Analysis,
    indexes: HashMap<SourceFile, LineIndex>,
}

impl<'a> Positions<'a> {
    /// Positions in the files of one workspace's analysis.
    pub fn new(analysis: &'a Analysis) -> Positions<'a> {
        Positions {
            analysis,
            indexes: HashMap::new(),
        }
    }

    /// The 1-based line and character column of `offset` in `file`.
    pub fn position(&mut self, file: SourceFile, offset: u32) -> Position {
        let text = self.analysis.text(file);
        let index = self
            .indexes
            .entry(file)
            .or_insert_with(|| LineIndex::new(text));
        let (line, column) = index.position(text, offset as usize, ColumnUnit::Char);
        Position {
            line: line as usize + 1,
            column: column as usize + 1,
        }
    }
}

impl<'a> Finding<'a> {
    pub fn new(
        root: &Path,
        positions: &mut Positions<'a>,
        diagnostic: &'a Diagnostic,
    ) -> Finding<'a> {
        let path = positions.analysis.path(diagnostic.file).to_string();
        let message = diagnostic.message_with(|file, span| {
            let at = positions.position(file, span.start);
            format!(
                "{}:{}:{}",
                positions.analysis.path(file),
                at.line,
                at.column
            )
        });
        Finding {
            message,
            diagnostic,
            display_path: display_path(root, &path),
            start: positions.position(diagnostic.file, diagnostic.span.start),
            end: positions.position(diagnostic.file, diagnostic.span.end),
            path,
        }
    }
}

/// `path` (relative to `root`) as seen from the current folder.
pub fn display_path(root: &Path, path: &str) -> String {
    // The current folder, found once per process rather than per finding.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let absolute = root.join(path);
    let Some(cwd) = CWD.get_or_init(|| {
        let cwd = std::env::current_dir().ok()?;
        Some(cwd.canonicalize().unwrap_or(cwd))
    }) else {
        return path.to_string();
    };
    match absolute.strip_prefix(cwd) {
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
