//! What the server knows of the disk beside the shared loader (crate
//! `kozo-loader`, which reads the workspaces): workspace roots (the
//! nearest folder upward holding `kozo.toml`, remembered), canonical
//! paths. The read-only support files live in `support.rs`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kozo_engine::config::CONFIG_FILE;

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
