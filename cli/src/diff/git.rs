//! Reading a workspace as it was at a git revision, with the `git` program,
//! without touching the working tree or the index: `git rev-parse` names the
//! commit, `git ls-tree` lists its files and `git cat-file --batch` reads
//! them all through one process.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::workspace::LoadError;

/// A git repository, by its top-level folder.
pub struct Repo {
    top: PathBuf,
}

/// A revision resolved to a commit.
pub struct Commit {
    /// The full object id.
    pub id: String,
    /// What the user wrote, or `merge base of A and B` for `A...B`.
    pub label: String,
}

/// The files of a workspace at a commit.
pub struct RevisionFiles {
    /// `kozo.toml` at the workspace root, if the commit has one.
    pub config: Option<Vec<u8>>,
    /// Every `.kozo` file, relative to the workspace root, in path order.
    pub files: Vec<(String, Vec<u8>)>,
}

fn run_git(dir: &Path, args: &[&str]) -> Result<std::process::Output, LoadError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(spawn_error)
}

fn spawn_error(err: std::io::Error) -> LoadError {
    if err.kind() == std::io::ErrorKind::NotFound {
        LoadError(
            "the `git` program was not found on PATH; kozo reads revisions with it \
             (install git, or compare two folders: `kozo diff OLD_DIR NEW_DIR`)"
                .to_string(),
        )
    } else {
        LoadError(format!("cannot run `git`: {err}"))
    }
}

fn stdout_line(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn stderr_text(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_string()
}

impl Repo {
    /// The repository holding `dir`.
    pub fn open(dir: &Path) -> Result<Repo, LoadError> {
        let output = run_git(dir, &["rev-parse", "--show-toplevel"])?;
        if !output.status.success() {
            return Err(LoadError(format!(
                "`{}` is not inside a git repository, so it has no revisions to compare \
                 (compare two folders instead: `kozo diff OLD_DIR NEW_DIR`)",
                dir.display()
            )));
        }
        let top = PathBuf::from(stdout_line(&output));
        Ok(Repo {
            top: top.canonicalize().unwrap_or(top),
        })
    }

    /// `root` relative to the repository's top folder, `/`-separated
    /// (empty for the top itself).
    pub fn prefix(&self, root: &Path) -> Result<String, LoadError> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        match root.strip_prefix(&self.top) {
            Ok(rel) => Ok(crate::workspace::relative(Path::new(""), rel)),
            Err(_) => Err(LoadError(format!(
                "`{}` is outside the git repository at `{}`",
                root.display(),
                self.top.display()
            ))),
        }
    }

    /// Resolves a revision (`main`, `HEAD~1`, a commit id) or `A...B` (the
    /// merge base of A and B, as `git diff A...B` means it).
    pub fn resolve(&self, revision: &str) -> Result<Commit, LoadError> {
        if let Some((a, b)) = revision.split_once("...") {
            let a = if a.is_empty() { "HEAD" } else { a };
            let b = if b.is_empty() { "HEAD" } else { b };
            let (ca, cb) = (self.commit(a)?, self.commit(b)?);
            let output = run_git(&self.top, &["merge-base", &ca, &cb])?;
            if !output.status.success() {
                let shallow = run_git(&self.top, &["rev-parse", "--is-shallow-repository"])
                    .map(|o| stdout_line(&o) == "true")
                    .unwrap_or(false);
                return Err(LoadError(if shallow {
                    format!(
                        "`{a}` and `{b}` have no merge base in this shallow clone; fetch \
                         more history (`git fetch --unshallow`, or `fetch-depth: 0` for \
                         actions/checkout)"
                    )
                } else {
                    format!("`{a}` and `{b}` have no common ancestor")
                }));
            }
            return Ok(Commit {
                id: stdout_line(&output),
                label: format!("merge base of {a} and {b}"),
            });
        }
        Ok(Commit {
            id: self.commit(revision)?,
            label: revision.to_string(),
        })
    }

    fn commit(&self, revision: &str) -> Result<String, LoadError> {
        let unknown = || {
            LoadError(format!(
                "unknown revision `{revision}` (not a branch, tag or commit of the repository at `{}`, nor a folder)",
                self.top.display()
            ))
        };
        // A revision that looks like an option would be taken as one.
        if revision.is_empty() || revision.starts_with('-') {
            return Err(unknown());
        }
        let spec = format!("{revision}^{{commit}}");
        let output = run_git(&self.top, &["rev-parse", "--verify", "--quiet", &spec])?;
        if !output.status.success() {
            return Err(unknown());
        }
        Ok(stdout_line(&output))
    }

    /// The workspace at `prefix` in `commit`: its `kozo.toml` and `.kozo`
    /// files, skipping what a folder walk skips (hidden folders, `target`,
    /// `node_modules`, nested workspaces).
    pub fn read_workspace(
        &self,
        commit: &Commit,
        prefix: &str,
    ) -> Result<RevisionFiles, LoadError> {
        let mut args = vec!["ls-tree", "-r", "-z", commit.id.as_str()];
        let pathspec = format!("{prefix}/");
        if !prefix.is_empty() {
            args.push("--");
            args.push(&pathspec);
        }
        let output = run_git(&self.top, &args)?;
        if !output.status.success() {
            return Err(LoadError(format!(
                "cannot list the files of `{}`: {}",
                commit.label,
                stderr_text(&output)
            )));
        }
        let entries = parse_ls_tree(&output.stdout, prefix);
        let nested: Vec<&str> = entries
            .iter()
            .filter_map(|(_, rel)| rel.strip_suffix("/kozo.toml"))
            .collect();
        let in_nested = |rel: &str| {
            nested
                .iter()
                .any(|n| rel.starts_with(n) && rel.as_bytes().get(n.len()) == Some(&b'/'))
        };
        let mut config = None;
        let mut wanted: Vec<(&str, &str)> = Vec::new();
        for (oid, rel) in &entries {
            if rel == "kozo.toml" {
                config = Some(oid.as_str());
            } else if rel.ends_with(".kozo") && !skipped_folder(rel) && !in_nested(rel) {
                wanted.push((oid, rel));
            }
        }
        let mut oids: Vec<&str> = wanted.iter().map(|(o, _)| *o).collect();
        oids.extend(config);
        let mut blobs = self.read_blobs(&oids)?;
        let config = config.map(|_| blobs.pop().unwrap_or_default());
        let mut files: Vec<(String, Vec<u8>)> = wanted
            .iter()
            .zip(blobs)
            .map(|((_, rel), bytes)| (rel.to_string(), bytes))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(RevisionFiles { config, files })
    }

    /// Reads blobs by id through one `git cat-file --batch`.
    fn read_blobs(&self, oids: &[&str]) -> Result<Vec<Vec<u8>>, LoadError> {
        if oids.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_error)?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(LoadError(
                "`git cat-file --batch` started without its pipes".to_string(),
            ));
        };
        let request: String = oids.iter().map(|o| format!("{o}\n")).collect();
        // Written from another thread: git answers while it reads, and a
        // full pipe on either side would otherwise stop both.
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let mut out = BufReader::new(stdout);
        let result = read_batch(&mut out, oids.len());
        drop(out);
        let _ = writer.join();
        let _ = child.wait();
        result
    }
}

fn read_batch(out: &mut impl BufRead, count: usize) -> Result<Vec<Vec<u8>>, LoadError> {
    let broken = |what: &str| LoadError(format!("`git cat-file` answered unexpectedly: {what}"));
    let mut blobs = Vec::with_capacity(count);
    let mut header = String::new();
    for _ in 0..count {
        header.clear();
        out.read_line(&mut header)
            .map_err(|e| broken(&e.to_string()))?;
        let mut parts = header.split_whitespace();
        let (_, kind, size) = (parts.next(), parts.next(), parts.next());
        let size: usize = match (kind, size.and_then(|s| s.parse().ok())) {
            (Some("blob"), Some(size)) => size,
            _ => return Err(broken(header.trim())),
        };
        let mut bytes = vec![0; size];
        out.read_exact(&mut bytes)
            .map_err(|e| broken(&e.to_string()))?;
        let mut newline = [0u8; 1];
        out.read_exact(&mut newline)
            .map_err(|e| broken(&e.to_string()))?;
        blobs.push(bytes);
    }
    Ok(blobs)
}

/// `(object id, path relative to prefix)` of each blob `git ls-tree -r -z`
/// listed under `prefix`. Symbolic links and submodules are left out.
fn parse_ls_tree(output: &[u8], prefix: &str) -> Vec<(String, String)> {
    let mut entries = Vec::new();
    for record in output.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let Some(tab) = record.iter().position(|b| *b == b'\t') else {
            continue;
        };
        let meta = String::from_utf8_lossy(&record[..tab]);
        let mut meta = meta.split(' ');
        let (Some(mode), Some(kind), Some(oid)) = (meta.next(), meta.next(), meta.next()) else {
            continue;
        };
        if kind != "blob" || mode == "120000" {
            continue;
        }
        // A path that is not UTF-8 cannot name a `.kozo` file kozo would read.
        let Ok(path) = std::str::from_utf8(&record[tab + 1..]) else {
            continue;
        };
        let rel = if prefix.is_empty() {
            path
        } else {
            match path.strip_prefix(prefix).and_then(|p| p.strip_prefix('/')) {
                Some(rel) => rel,
                None => continue,
            }
        };
        entries.push((oid.to_string(), rel.to_string()));
    }
    entries
}

/// Whether a relative path runs through a folder a workspace walk skips.
fn skipped_folder(rel: &str) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    parts
        .iter()
        .any(|p| p.starts_with('.') || *p == "target" || *p == "node_modules")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_tree_records_under_a_prefix() {
        let out = b"100644 blob aaa\tws/a.kozo\x00120000 blob bbb\tws/link.kozo\x00160000 commit ccc\tws/sub\x00100644 blob ddd\tother/b.kozo\x00100644 blob eee\tws/kozo.toml\x00";
        let entries = parse_ls_tree(out, "ws");
        assert_eq!(
            entries,
            vec![
                ("aaa".to_string(), "a.kozo".to_string()),
                ("eee".to_string(), "kozo.toml".to_string())
            ]
        );
    }

    #[test]
    fn hidden_and_build_folders_are_skipped() {
        assert!(skipped_folder(".git/x.kozo"));
        assert!(skipped_folder("a/target/x.kozo"));
        assert!(!skipped_folder("a/.x.kozo"));
        assert!(!skipped_folder("x.kozo"));
    }

    #[test]
    fn a_short_batch_answer_is_an_error() {
        let mut input: &[u8] = b"abc blob 10\nshort";
        assert!(read_batch(&mut input, 1).is_err());
        let mut input: &[u8] = b"abc missing\n";
        assert!(read_batch(&mut input, 1).is_err());
        let mut input: &[u8] = b"abc blob 3\nxyz\n";
        assert_eq!(read_batch(&mut input, 1).unwrap(), vec![b"xyz".to_vec()]);
    }
}
