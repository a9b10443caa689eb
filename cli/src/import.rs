//! `kozo import archimate FILE.xml [--out DIR]`: an ArchiMate exchange file
//! as a new kozo workspace.
//!
//! The file is read whole (refused above the reader's size limit before it
//! is read), checked, and mapped; the workspace is written into a temporary
//! folder beside the destination and renamed into place, so an import that
//! fails leaves nothing behind and one that succeeds appears at once. The
//! report is printed and written as `IMPORT.md`.

use std::fs;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use kozo_archimate::read::MAX_BYTES;

use crate::workspace::{describe_io, LoadError};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// An ArchiMate Model Exchange File (3.0/3.1) as a workspace that uses `use archimate`.
    Archimate(ArchimateArgs),
}

#[derive(Args)]
pub struct ArchimateArgs {
    /// The exchange file (`.xml`).
    file: PathBuf,
    /// The folder to create (default: the file's name without `.xml`, in
    /// the current folder). It must not exist, or be empty.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(command: ImportCommand) -> Result<u8, LoadError> {
    let ImportCommand::Archimate(args) = command;
    let bytes = read_limited(&args.file)?;
    let name = args.file.display().to_string();
    let model = match kozo_archimate::read(&bytes) {
        Ok(model) => model,
        Err(errors) => {
            for e in &errors {
                if e.line == 0 {
                    eprintln!("{name}: error: {}", e.message);
                } else {
                    eprintln!("{name}:{}:{}: error: {}", e.line, e.column, e.message);
                }
            }
            return Err(LoadError(format!(
                "`{name}` was not imported ({} problem{}); nothing was written",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            )));
        }
    };
    let source = args
        .file
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    let imported = kozo_archimate::import(&model, &source);
    let out = match args.out {
        Some(out) => out,
        None => PathBuf::from(
            args.file
                .file_stem()
                .map_or_else(|| "archimate".into(), |s| s.to_string_lossy().into_owned()),
        ),
    };
    write_workspace(&out, &imported.files)?;
    print!("{}", imported.report.to_markdown());
    eprintln!("wrote {} ({} files)", out.display(), imported.files.len());
    Ok(0)
}

/// Reads a file, refusing it when it is larger than the reader accepts
/// (without reading it all).
fn read_limited(path: &Path) -> Result<Vec<u8>, LoadError> {
    let fail = |e: io::Error| {
        LoadError(format!(
            "cannot read `{}`: {}",
            path.display(),
            describe_io(&e)
        ))
    };
    let file = fs::File::open(path).map_err(fail)?;
    let meta = file.metadata().map_err(fail)?;
    if !meta.is_file() {
        return Err(LoadError(format!("`{}` is not a file", path.display())));
    }
    let too_big = || {
        LoadError(format!(
            "`{}` is larger than {} MiB; exchange files above that are refused",
            path.display(),
            MAX_BYTES / (1024 * 1024)
        ))
    };
    if meta.len() > MAX_BYTES as u64 {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() > MAX_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Writes the files into a fresh temporary folder beside `out`, then
/// renames it to `out` (which must not exist, or be an empty folder).
fn write_workspace(out: &Path, files: &[(String, String)]) -> Result<(), LoadError> {
    let fail = |what: &Path, e: io::Error| {
        LoadError(format!(
            "cannot write `{}`: {}",
            what.display(),
            describe_io(&e)
        ))
    };
    if let Ok(mut entries) = fs::read_dir(out) {
        if entries.next().is_some() {
            return Err(LoadError(format!(
                "`{}` exists and is not empty; choose another folder with --out",
                out.display()
            )));
        }
    } else if out.exists() {
        return Err(LoadError(format!(
            "`{}` exists and is not a folder",
            out.display()
        )));
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
    let stem = out
        .file_name()
        .map_or_else(|| "workspace".into(), |n| n.to_string_lossy().into_owned());
    let pid = std::process::id();
    let mut temp = None;
    for attempt in 0..100u32 {
        let candidate = parent.join(format!(".{stem}.kozo-import-{pid}-{attempt}"));
        match fs::create_dir(&candidate) {
            Ok(()) => {
                temp = Some(candidate);
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(fail(&candidate, e)),
        }
    }
    let Some(temp) = temp else {
        return Err(LoadError(format!(
            "no free name for a temporary folder in `{}`",
            parent.display()
        )));
    };
    let result = (|| {
        for (path, text) in files {
            let target = temp.join(path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
            }
            let mut file = fs::File::create(&target).map_err(|e| fail(&target, e))?;
            io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| fail(&target, e))?;
            file.sync_all().map_err(|e| fail(&target, e))?;
        }
        if out.is_dir() {
            // An empty folder is replaced; `rename` does that on Unix, and
            // elsewhere the empty folder is removed first.
            #[cfg(not(unix))]
            fs::remove_dir(out).map_err(|e| fail(out, e))?;
        }
        fs::rename(&temp, out).map_err(|e| fail(out, e))
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_empty_destination_is_refused_and_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("ws");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("keep.txt"), "mine").unwrap();
        let err =
            write_workspace(&out, &[("a.kozo".into(), "use archimate\n".into())]).unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("ws")]);
    }

    #[test]
    fn the_workspace_appears_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("ws");
        fs::create_dir(&out).unwrap();
        write_workspace(
            &out,
            &[
                ("a.kozo".into(), "x".into()),
                ("IMPORT.md".into(), "y".into()),
            ],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("a.kozo")).unwrap(), "x");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary folder left: {names:?}");
    }
}
