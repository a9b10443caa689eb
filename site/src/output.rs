//! Writing a site to a folder. The folder is marked with a stamp file that
//! lists what `kozo site` wrote; a folder that is not empty and has no
//! stamp is refused (its files are the user's), and a later build removes
//! only files the stamp lists. A file a previous build wrote is replaced
//! through a temporary file renamed over it (and left alone when its bytes
//! did not change); a new file is created afresh, never over an existing one.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::Site;

/// The stamp file's name, in the output folder.
pub const STAMP: &str = ".kozo-site";
/// The stamp's first line.
const STAMP_HEADER: &str = "# Written by `kozo site`; the files it wrote, one a line.";

/// Why a site could not be written.
#[derive(Debug)]
pub struct WriteError(pub String);

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

/// What a write did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub changed: usize,
    pub removed: usize,
}

/// Checks that `out` can take a site: a new or empty folder, or one that
/// `kozo site` wrote before. Returns the files the previous build wrote.
pub fn check_out_dir(out: &Path) -> Result<BTreeSet<String>, WriteError> {
    let meta = match std::fs::metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(WriteError(format!("cannot read `{}`: {e}", out.display()))),
    };
    if !meta.is_dir() {
        return Err(WriteError(format!(
            "`{}` is a file; `--out` needs a folder for the site",
            out.display()
        )));
    }
    let stamp = out.join(STAMP);
    match std::fs::read_to_string(&stamp) {
        Ok(text) => Ok(text
            .lines()
            .skip(1)
            .filter(|l| is_site_path(l))
            .map(str::to_string)
            .collect()),
        Err(_) => {
            let empty = std::fs::read_dir(out)
                .map_err(|e| WriteError(format!("cannot read `{}`: {e}", out.display())))?
                .next()
                .is_none();
            if empty {
                Ok(BTreeSet::new())
            } else {
                Err(WriteError(format!(
                    "`{}` is not empty and was not written by `kozo site` (it has no `{STAMP}` file); \
                     choose a new or empty folder: kozo never overwrites or deletes files it did not write",
                    out.display()
                )))
            }
        }
    }
}

/// Whether a stamp line names a file a site can hold: relative, `/`
/// separated, no `..`, no hidden or empty segment. A stamp edited by hand
/// can therefore never make a later build delete something outside the site.
fn is_site_path(line: &str) -> bool {
    !line.is_empty()
        && line.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('.')
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        })
}

/// Writes a site into `out` (see the module's documentation). The files
/// are written on every core (creating thousands of files is most of the
/// time of a large site).
pub fn write(out: &Path, site: &Site) -> Result<Written, WriteError> {
    let previous = check_out_dir(out)?;
    create_dir(out)?;
    let folders: BTreeSet<&str> = site
        .files
        .keys()
        .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for folder in folders {
        create_dir(&out.join(folder))?;
    }
    let files: Vec<(&String, &Vec<u8>)> = site.files.iter().collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = files.len().div_ceil(threads).max(1);
    let results: Vec<Result<usize, WriteError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                let previous = &previous;
                scope.spawn(move || {
                    let mut changed = 0;
                    for (path, bytes) in part {
                        let target = out.join(path);
                        if !previous.contains(*path) {
                            // A file no earlier build wrote: created afresh
                            // (never over an existing file), which costs half
                            // the directory updates of a rename.
                            if write_new(&target, bytes) {
                                changed += 1;
                                continue;
                            }
                        } else if std::fs::read(&target).is_ok_and(|old| &old == *bytes) {
                            continue;
                        }
                        write_atomic(&target, bytes)?;
                        changed += 1;
                    }
                    Ok(changed)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut written = Written {
        files: files.len(),
        ..Written::default()
    };
    for result in results {
        written.changed += result?;
    }
    for old in previous.iter().filter(|p| !site.files.contains_key(*p)) {
        let target = out.join(old);
        if target.is_file() && std::fs::remove_file(&target).is_ok() {
            written.removed += 1;
        }
    }
    let mut stamp = String::from(STAMP_HEADER);
    stamp.push('\n');
    for path in site.files.keys() {
        stamp.push_str(path);
        stamp.push('\n');
    }
    write_atomic(&out.join(STAMP), stamp.as_bytes())?;
    Ok(written)
}

fn create_dir(dir: &Path) -> Result<(), WriteError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| WriteError(format!("cannot create `{}`: {e}", dir.display())))
}

/// Creates a file that does not exist yet; false when it exists or cannot
/// be created (the caller then writes through a temporary file). A file
/// left half-written by a crash is one the stamp does not list yet, so the
/// next build writes it again.
fn write_new(target: &Path, bytes: &[u8]) -> bool {
    use std::io::Write as _;
    let Ok(mut file) = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
    else {
        return false;
    };
    if file.write_all(bytes).is_ok() {
        return true;
    }
    drop(file);
    let _ = std::fs::remove_file(target);
    false
}

/// Writes through a temporary file beside the target, renamed over it.
fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp: PathBuf = target.with_file_name(format!(".{name}.kozo-tmp"));
    std::fs::write(&temp, bytes)
        .and_then(|()| std::fs::rename(&temp, target))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            WriteError(format!("cannot write `{}`: {e}", target.display()))
        })
}

#[cfg(test)]
mod tests {
    use super::is_site_path;

    #[test]
    fn stamp_lines_cannot_escape_the_site() {
        assert!(is_site_path("elements/bms.html"));
        assert!(is_site_path("views/a.en.svg"));
        for bad in [
            "",
            "../x",
            "/etc/passwd",
            "a//b",
            ".kozo-site",
            "a/../b",
            "a\\b",
            "C:x",
        ] {
            assert!(!is_site_path(bad), "{bad}");
        }
    }
}
