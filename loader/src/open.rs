//! Opening one workspace file safely: only a regular file, never a FIFO, a
//! device or a socket (opening or reading one can block forever or never
//! end); a symbolic link only when it leads to a regular file inside the
//! workspace root; and never more than a size limit.
//!
//! The file's kind is checked on the opened handle, not only on the path,
//! so a file swapped for a FIFO between the check and the open is still
//! refused; on Unix it is opened non-blocking, so even that open returns
//! at once.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

/// A size in the words reports use.
pub(crate) fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

fn too_large(limit: u64) -> String {
    format!(
        "larger than {} (`[limits] max-file-mib` in kozo.toml)",
        size(limit)
    )
}

/// Reads the file at `path`, which lies in the workspace at `root`, when it
/// is a regular file of at most `limit` bytes; else says why not.
pub fn read_regular_file(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| super::describe_io(&e))?;
    let target = if meta.file_type().is_symlink() {
        let target = path.canonicalize().map_err(|e| {
            format!(
                "a symbolic link that leads nowhere ({})",
                super::describe_io(&e)
            )
        })?;
        let root = root.canonicalize().map_err(|e| super::describe_io(&e))?;
        if !target.starts_with(&root) {
            return Err(format!(
                "a symbolic link to `{}`, outside the workspace (not followed)",
                target.display()
            ));
        }
        target
    } else {
        path.to_path_buf()
    };
    let file = open_no_block(&target).map_err(|e| super::describe_io(&e))?;
    let meta = file.metadata().map_err(|e| super::describe_io(&e))?;
    if !meta.is_file() {
        return Err(format!(
            "{}, not a regular file (not read)",
            kind_of(&meta.file_type())
        ));
    }
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    // The length on disk may be wrong (files that the system makes up as
    // they are read report 0): the limit holds whatever the length says.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| super::describe_io(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_no_block(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_block(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(unix)]
fn kind_of(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "something"
    }
}

#[cfg(not(unix))]
fn kind_of(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a folder"
    } else {
        "something"
    }
}
