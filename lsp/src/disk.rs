//! What the server reads from and writes to disk: workspace roots (the
//! nearest folder upward holding `kozo.toml`), `.kozo` files, `kozo.toml`,
//! and the read-only copies of the built-in metamodel and of the rules'
//! explanations that go-to-definition and diagnostics link to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kozo_engine::config::CONFIG_FILE;
use kozo_engine::Config;

/// Finds workspace roots, remembering which folders hold a `kozo.toml`.
#[derive(Default)]
pub struct Roots {
    has_config: HashMap<PathBuf, bool>,
}

impl Roots {
    /// The nearest folder at or above `dir` holding `kozo.toml`.
    pub fn configured_root(&mut self, dir: &Path) -> Option<PathBuf> {
        let mut current = Some(dir);
        while let Some(d) = current {
            let has = *self
                .has_config
                .entry(d.to_path_buf())
                .or_insert_with(|| d.join(CONFIG_FILE).is_file());
            if has {
                return Some(d.to_path_buf());
            }
            current = d.parent();
        }
        None
    }

    /// The root of a file found under a workspace folder: its configured
    /// root, else the folder.
    pub fn root_of(&mut self, file: &Path, folder: &Path) -> PathBuf {
        file.parent()
            .and_then(|dir| self.configured_root(dir))
            .unwrap_or_else(|| folder.to_path_buf())
    }
}

/// Every `*.kozo` file under `root`, in path order. Hidden folders,
/// `target` and `node_modules` are skipped (as `kozo check` does).
pub fn collect_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    stack.push(entry.path());
                }
            } else if name.ends_with(".kozo") {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

/// The path of `file` relative to `root`, with `/` separators.
pub fn relative(root: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A path made absolute and canonical when it exists (symlinks resolved),
/// so that the same file always has the same key.
pub fn normalize(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    // A file that does not exist (any more): canonicalize its folder.
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => match parent.canonicalize() {
            Ok(parent) => parent.join(name),
            Err(_) => path.to_path_buf(),
        },
        _ => path.to_path_buf(),
    }
}

/// `kozo.toml` at `root`: the configuration, or why it could not be read
/// (the default configuration is used then).
pub fn read_config(root: &Path) -> Result<Config, String> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => {
            String::from_utf8(bytes).map_err(|_| format!("{}: not valid UTF-8", path.display()))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    Config::parse(&text).map_err(|err| match err.line_column(&text) {
        Some((line, column)) => format!("{}:{line}:{column}: {}", path.display(), err.message),
        None => format!("{}: {}", path.display(), err.message),
    })
}
