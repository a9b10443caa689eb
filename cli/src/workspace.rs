//! Finding a workspace on disk: the shared loader (crate `kozo-loader`),
//! and writing the files the commands produce.

use std::path::Path;

pub use kozo_loader::{
    collect_files, collect_files_reporting, describe_io, find_root, load, nested_roots,
    read_config, relative, LoadError, Loaded,
};

/// What writing a report to standard output came to: a closed pipe
/// (`kozo explain | head`) is no error worth reporting, anything else is.
pub fn written(result: std::io::Result<()>, what: &str) -> Result<(), LoadError> {
    match result {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(LoadError(format!("cannot write {what}: {err}")))
        }
        _ => Ok(()),
    }
}

/// Writes `text` to standard output (see [`written`]).
pub fn to_stdout(text: &str) -> Result<(), LoadError> {
    use std::io::Write as _;
    written(
        std::io::stdout().lock().write_all(text.as_bytes()),
        "to standard output",
    )
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
