//! `kozo fmt`: rewrite `.kozo` files in the canonical layout (in place and
//! atomically), check that they are in it (`--check`), or format standard
//! input to standard output (`--stdin`).
//!
//! Exit status: 0 when every file is (now) formatted; with `--check`, 1
//! when a file would change; 2 when a path is bad, the configuration is
//! malformed, or a file could not be formatted (a syntax error, not UTF-8,
//! not writable). A file that cannot be formatted is left untouched and the
//! others are still formatted.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Args;
use kozo_lang::format::{format, FormatError, FormatOptions};
use kozo_lang::line_index::ColumnUnit;
use kozo_lang::LineIndex;

use crate::workspace::{self, describe_io, LoadError};
use crate::EXIT_USAGE;

#[derive(Args)]
pub struct FmtArgs {
    /// Files or folders to format; a folder means every `.kozo` file under
    /// it. Default: the current folder.
    paths: Vec<PathBuf>,
    /// Change nothing: list the files that would change, and exit 1 if any would.
    #[arg(long)]
    check: bool,
    /// Format standard input to standard output (for editors). The
    /// `[format]` settings come from the workspace of the current folder.
    #[arg(long, conflicts_with = "paths")]
    stdin: bool,
}

pub fn run(args: FmtArgs) -> Result<u8, LoadError> {
    if args.stdin {
        return run_stdin(args.check);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let files = collect(&paths)?;
    let mut failed = false;
    let mut would_change = Vec::new();
    for (file, outcome) in files.iter().zip(format_all(&files, args.check)) {
        match outcome {
            Ok(Outcome::Unchanged) => {}
            Ok(Outcome::Changed) => would_change.push(&file.shown),
            Err(report) => {
                eprint!("{report}");
                failed = true;
            }
        }
    }
    if args.check && !would_change.is_empty() {
        let mut out = io::stdout().lock();
        for shown in &would_change {
            // A closed pipe (`kozo fmt --check | head`) ends the listing.
            if writeln!(out, "{shown}").is_err() {
                break;
            }
        }
        let count = would_change.len();
        eprintln!(
            "{count} file{} would be reformatted; run `kozo fmt` to format {}",
            if count == 1 { "" } else { "s" },
            if count == 1 { "it" } else { "them" }
        );
    }
    Ok(if failed {
        EXIT_USAGE
    } else if args.check && !would_change.is_empty() {
        1
    } else {
        0
    })
}

/// A file to format, with the options of its workspace.
struct Target {
    path: PathBuf,
    /// The path as the user would write it.
    shown: String,
    options: FormatOptions,
}

enum Outcome {
    Unchanged,
    /// Rewritten, or with `--check`, would be.
    Changed,
}

/// Every file named or under a folder named, once each, in order. Any bad
/// path or configuration stops the command before a file is touched.
fn collect(paths: &[PathBuf]) -> Result<Vec<Target>, LoadError> {
    let mut problems = Vec::new();
    let mut found = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Err(e) => problems.push(format!(
                "cannot read `{}`: {}",
                path.display(),
                describe_io(&e)
            )),
            Ok(meta) if meta.is_dir() => {
                let (files, unreadable) = workspace::collect_files_reporting(path);
                for (dir, reason) in unreadable {
                    problems.push(format!("cannot read `{}`: {reason}", dir.display()));
                }
                if files.is_empty() && problems.is_empty() {
                    problems.push(format!("no `.kozo` file in `{}`", path.display()));
                }
                found.extend(files);
            }
            Ok(_) if path.extension().is_none_or(|e| e != "kozo") => {
                problems.push(format!("`{}` is not a `.kozo` file", path.display()));
            }
            Ok(_) => found.push(path.clone()),
        }
    }
    let mut seen = BTreeSet::new();
    let mut configs: HashMap<PathBuf, FormatOptions> = HashMap::new();
    let mut targets = Vec::new();
    for path in found {
        let absolute = path.canonicalize().unwrap_or_else(|_| path.clone());
        if !seen.insert(absolute.clone()) {
            continue;
        }
        let root = workspace::find_root(&path)?;
        let options = match configs.get(&root) {
            Some(options) => *options,
            None => match workspace::read_config(&root) {
                Ok(config) => {
                    let options = FormatOptions {
                        width: config.format.width as usize,
                        indent: config.format.indent as usize,
                    };
                    configs.insert(root, options);
                    options
                }
                Err(err) => {
                    problems.push(err.0);
                    configs.insert(root, FormatOptions::default());
                    continue;
                }
            },
        };
        let shown = path.to_string_lossy();
        let shown = shown.strip_prefix("./").unwrap_or(&shown).to_string();
        targets.push(Target {
            path,
            shown,
            options,
        });
    }
    match problems.len() {
        0 => Ok(targets),
        1 => Err(LoadError(problems.remove(0))),
        _ => {
            // Each problem on its own line, `error: ` before every one.
            let last = problems.pop().unwrap_or_default();
            for problem in problems {
                eprintln!("error: {problem}");
            }
            Err(LoadError(last))
        }
    }
}

/// Formats the files on every core, and returns their outcomes in order.
fn format_all(files: &[Target], check: bool) -> Vec<Result<Outcome, String>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len());
    if workers <= 1 {
        return files.iter().map(|file| format_file(file, check)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut outcomes: Vec<Option<Result<Outcome, String>>> = files.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else {
                            return done;
                        };
                        done.push((i, format_file(file, check)));
                    }
                })
            })
            .collect();
        for worker in workers {
            // A worker that panicked (a bug) leaves its files' outcomes
            // empty; they are reported below. Writes are atomic, so no file
            // is left half-written.
            if let Ok(done) = worker.join() {
                for (i, outcome) in done {
                    outcomes[i] = Some(outcome);
                }
            }
        }
    });
    outcomes
        .into_iter()
        .zip(files)
        .map(|(outcome, file)| {
            outcome.unwrap_or_else(|| {
                Err(format!(
                    "error: `{}`: the formatter stopped unexpectedly (please report it)\n",
                    file.shown
                ))
            })
        })
        .collect()
}

/// Formats one file; `Err` is the report to print.
fn format_file(target: &Target, check: bool) -> Result<Outcome, String> {
    let shown = &target.shown;
    let bytes = fs::read(&target.path)
        .map_err(|e| format!("error: cannot read `{shown}`: {}\n", describe_io(&e)))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("error: `{shown}` is not valid UTF-8; it is left untouched\n"))?;
    let formatted = format(&text, &target.options).map_err(|e| describe(shown, &text, &e))?;
    if formatted == text {
        return Ok(Outcome::Unchanged);
    }
    if !check {
        write_atomically(&target.path, &formatted).map_err(|e| {
            format!(
                "error: cannot write `{shown}`: {}; it is left untouched\n",
                describe_io(&e)
            )
        })?;
    }
    Ok(Outcome::Changed)
}

/// Why a text was not formatted, one `file:line:column` per syntax error.
fn describe(shown: &str, text: &str, err: &FormatError) -> String {
    match err {
        FormatError::Syntax(errors) => {
            let index = LineIndex::new(text);
            let mut report = String::new();
            for error in errors {
                let (line, column) =
                    index.position(text, error.span.start as usize, ColumnUnit::Char);
                report.push_str(&format!(
                    "error: {shown}:{}:{}: {}\n",
                    line + 1,
                    column + 1,
                    error.message
                ));
            }
            let count = if errors.len() == 1 {
                "a syntax error".to_string()
            } else {
                format!("{} syntax errors", errors.len())
            };
            report.push_str(&if shown == STDIN {
                format!("error: standard input has {count}; nothing is written\n")
            } else {
                format!("error: `{shown}` has {count} and is left untouched\n")
            });
            report
        }
        FormatError::Internal(_) if shown == STDIN => {
            format!("error: standard input: {err}; nothing is written\n")
        }
        FormatError::Internal(_) => format!("error: {shown}: {err}; it is left untouched\n"),
    }
}

/// How standard input is named in messages.
const STDIN: &str = "<stdin>";

/// `--stdin`: standard input to standard output.
fn run_stdin(check: bool) -> Result<u8, LoadError> {
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError(format!("cannot read standard input: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| LoadError("standard input is not valid UTF-8".to_string()))?;
    let root = workspace::find_root(Path::new("."))?;
    let config = workspace::read_config(&root)?;
    let options = FormatOptions {
        width: config.format.width as usize,
        indent: config.format.indent as usize,
    };
    let formatted = match format(&text, &options) {
        Ok(formatted) => formatted,
        Err(err) => {
            eprint!("{}", describe(STDIN, &text, &err));
            return Ok(EXIT_USAGE);
        }
    };
    if check {
        return Ok(u8::from(formatted != text));
    }
    let mut out = io::stdout().lock();
    match out
        .write_all(formatted.as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => Ok(0),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(LoadError(format!("cannot write standard output: {e}"))),
    }
}

/// Replaces the contents of `path`: writes a temporary file in the same
/// folder, then renames it over the file, so that an interrupted run leaves
/// either the old text or the new one, never a mix. The new file keeps the
/// old one's permissions, owner and group; a symbolic link stays a link to
/// the new text. A file with several hard links is refused: renaming would
/// cut it from its other names, and writing in place is not atomic.
fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    let target = fs::canonicalize(path)?;
    let metadata = fs::metadata(&target)?;
    let permissions = metadata.permissions();
    if permissions.readonly() {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            return Err(io::Error::other(format!(
                "it has {} hard links, which replacing it would break \
                 (`kozo fmt --stdin` formats a copy)",
                metadata.nlink()
            )));
        }
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy());
    let (temp, mut file) = create_temporary(dir, &name)?;
    let written = keep_owner(&file, &metadata)
        .and_then(|()| file.set_permissions(permissions))
        .and_then(|()| file.write_all(contents.as_bytes()))
        .and_then(|()| file.sync_all());
    drop(file);
    let result = written.and_then(|()| fs::rename(&temp, &target));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Gives the new file the old one's owner and group. Changing the owner
/// takes privileges; when they are missing and the owner or group would
/// change, the file is not replaced.
#[cfg(unix)]
fn keep_owner(file: &fs::File, old: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let new = file.metadata()?;
    if (new.uid(), new.gid()) == (old.uid(), old.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).map_err(|e| {
        io::Error::other(format!(
            "it could not keep its owner and group ({})",
            crate::workspace::describe_io(&e)
        ))
    })
}

#[cfg(not(unix))]
fn keep_owner(_file: &fs::File, _old: &fs::Metadata) -> io::Result<()> {
    Ok(())
}

/// A new, hidden file beside the one being replaced (named so that no
/// `.kozo` file walk picks it up).
fn create_temporary(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let temp = dir.join(format!(".{name}.kozo-fmt-{pid}-{attempt}.tmp"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free name for a temporary file",
    ))
}
