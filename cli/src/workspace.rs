//! Finding a workspace on disk: the shared loader (crate `kozo-loader`),
//! and writing the files the commands produce.

use std::path::Path;

pub use kozo_loader::{
    collect_files, collect_files_reporting, describe_io, find_root, load, nested_roots,
    read_config, relative, LoadError, Loaded,
};

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
