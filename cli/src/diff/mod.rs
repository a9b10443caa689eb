//! `kozo diff [OLD] [NEW] [PATH]`: the semantic difference between two
//! versions of a workspace, and whom it concerns.
//!
//! Each side is a folder (when a folder of that name exists) or a git
//! revision, read by `git.rs` without touching the working tree or the
//! index. OLD defaults to `HEAD`, NEW to the working tree; PATH (default
//! `.`) says which workspace of the repository to compare. The comparison
//! itself is `kozo_engine::diff`; this module loads the sides, says what
//! could not be read or parsed, and prints the result.

mod git;
mod human;
mod json;
mod markdown;
mod render;

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use kozo_engine::config::CONFIG_FILE;
use kozo_engine::db::SharedParses;
use kozo_engine::{Analysis, Config};

use crate::render::EngineArg;
use crate::workspace::{self, LoadError};
use crate::EXIT_USAGE;

#[derive(Args)]
pub struct DiffArgs {
    /// The old side: a git revision (`main`, `HEAD~1`, `origin/main`, a
    /// commit id; `A...B` is the merge base of A and B) or a folder (the
    /// workspace is then PATH inside it). Default: `HEAD`.
    old: Option<String>,
    /// The new side, likewise. Default: the working tree.
    new: Option<String>,
    /// The workspace to compare, relative to the working tree (for
    /// revisions: its place in the repository) and to a folder side.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// How to print the difference.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write, for every view the change touches, an SVG with the changes
    /// marked (added green, changed amber, removed as red dashed ghosts).
    #[arg(long, value_name = "DIR")]
    render: Option<PathBuf>,
    /// The layout engine of `--render` (default: `[render] engine` of kozo.toml).
    #[arg(long, value_enum)]
    engine: Option<EngineArg>,
    /// The label language of `--render` (default: `[render] lang` of kozo.toml).
    #[arg(long)]
    lang: Option<String>,
    /// Exit 1 when the models differ.
    #[arg(long)]
    exit_code: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Grouped by kind of declaration, coloured on a terminal.
    Human,
    /// One JSON object (schema in docs/review.md).
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// One side of a comparison: a loaded workspace and what could not be read.
pub struct Side {
    /// How the side is named in reports (`HEAD`, `working tree`, a folder).
    pub label: String,
    /// The commit id, for a revision.
    pub commit: Option<String>,
    pub analysis: Analysis,
    /// What was not compared: unreadable, binary or non-UTF-8 files, and
    /// syntax errors (the statements after them on the line were skipped).
    pub problems: Vec<String>,
}

/// Where revisions come from: the repository and the workspace's place in it.
struct Revisions {
    root: PathBuf,
    repo: Option<(git::Repo, String)>,
}

impl Revisions {
    fn repo(&mut self) -> Result<&(git::Repo, String), LoadError> {
        let opened = match self.repo.take() {
            Some(opened) => opened,
            None => {
                let repo = git::Repo::open(&self.root)?;
                let prefix = repo.prefix(&self.root)?;
                (repo, prefix)
            }
        };
        Ok(self.repo.insert(opened))
    }
}

/// Reads the workspace at `root` as it was at `revision`, parsed.
pub fn revision_side(root: &Path, revision: &str) -> Result<Side, LoadError> {
    let mut revisions = Revisions {
        root: root.to_path_buf(),
        repo: None,
    };
    let side = load_revision(&mut revisions, revision, &SharedParses::default())?;
    Ok(parsed(side))
}

/// Reads the earlier version of the workspace at `root`, parsed: `spec` is
/// a folder (the workspace is then `path` inside it) or a revision (`A...B`
/// included), as `kozo diff` takes its OLD side. `kozo site --since` uses it.
pub fn earlier_side(root: &Path, spec: &str, path: &Path) -> Result<Side, LoadError> {
    let mut revisions = Revisions {
        root: root.to_path_buf(),
        repo: None,
    };
    let side = load_side(
        &mut revisions,
        Some(spec),
        path,
        false,
        &SharedParses::default(),
    )?;
    Ok(parsed(side))
}

/// Parses a loaded side and lists its syntax errors.
fn parsed(mut side: Side) -> Side {
    side.analysis.parse_all_in_parallel();
    add_syntax_problems(&mut side);
    side
}

/// Parses and checks both sides, the old one on another thread: the two
/// analyses share only syntax trees (the old side parses first, and the new
/// side takes the trees of the texts it has too), so their models and
/// findings can be built at the same time.
fn analyse(old: &mut Side, new: &mut Side) {
    old.analysis.parse_all_in_parallel();
    new.analysis.parse_all_in_parallel();
    let other = old.analysis.clone();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            other.diagnostics();
        });
        new.analysis.diagnostics();
    });
    add_syntax_problems(old);
    add_syntax_problems(new);
}

fn load_revision(
    revisions: &mut Revisions,
    revision: &str,
    parses: &SharedParses,
) -> Result<Side, LoadError> {
    let (repo, prefix) = revisions.repo()?;
    let commit = repo.resolve(revision)?;
    let files = repo.read_workspace(&commit, prefix)?;
    let place = if prefix.is_empty() {
        "the repository's top folder".to_string()
    } else {
        format!("`{prefix}`")
    };
    if files.files.is_empty() {
        return Err(LoadError(format!(
            "`{}` has no `.kozo` file in {place}: the workspace did not exist there at that revision",
            commit.label
        )));
    }
    let config = match files.config {
        Some(bytes) => {
            let name = format!("{}:{}", commit.label, join(prefix, CONFIG_FILE));
            let text = String::from_utf8(bytes)
                .map_err(|_| LoadError(format!("{name}: not valid UTF-8")))?;
            Config::parse(&text).map_err(|e| LoadError(format!("{name}: {}", e.message)))?
        }
        None => Config::default(),
    };
    let mut analysis = Analysis::with_shared_parses(config, parses.clone());
    let mut problems = Vec::new();
    for (rel, bytes) in files.files {
        if bytes.contains(&0) {
            problems.push(format!("{rel}: a binary file, not compared"));
            continue;
        }
        let file = analysis.set_file_bytes(&rel, bytes);
        if analysis.is_not_utf8(file) {
            problems.push(format!("{rel}: not valid UTF-8, not compared"));
        }
    }
    let short: String = commit.id.chars().take(10).collect();
    let mut side = Side {
        label: commit.label,
        commit: Some(commit.id),
        analysis,
        problems,
    };
    if side.label != short {
        side.label = format!("{} ({short})", side.label);
    }
    Ok(side)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

fn load_folder(root: &Path, label: String, parses: &SharedParses) -> Result<Side, LoadError> {
    let loaded = workspace::load(root)?;
    let mut problems: Vec<String> = loaded
        .problems
        .iter()
        .map(|problem| problem.to_string())
        .collect();
    problems.extend(
        loaded
            .not_utf8
            .iter()
            .map(|path| format!("{path}: not valid UTF-8, not compared")),
    );
    Ok(Side {
        label,
        commit: None,
        analysis: loaded.analysis.sharing_parses(parses.clone()),
        problems,
    })
}

/// Lists the syntax errors of a side: what they skipped was not compared.
fn add_syntax_problems(side: &mut Side) {
    let analysis = &side.analysis;
    for file in analysis.files() {
        let errors = &analysis.parse(file).errors;
        if errors.is_empty() {
            continue;
        }
        let text = analysis.text(file);
        let index = kozo_lang::LineIndex::new(text);
        for e in errors {
            let (line, column) = index.position(
                text,
                e.span.start as usize,
                kozo_lang::line_index::ColumnUnit::Char,
            );
            side.problems.push(format!(
                "{}:{}:{}: syntax error, not compared: {}",
                analysis.path(file),
                line + 1,
                column + 1,
                e.message
            ));
        }
    }
}

/// Loads one side: a folder when one of that name exists (the workspace is
/// then at PATH inside it, as it is at PATH inside a revision), else a
/// revision.
fn load_side(
    revisions: &mut Revisions,
    spec: Option<&str>,
    path: &Path,
    default_new: bool,
    parses: &SharedParses,
) -> Result<Side, LoadError> {
    match spec {
        None if default_new => {
            let root = revisions.root.clone();
            load_folder(&root, "working tree".to_string(), parses)
        }
        None => load_revision(revisions, "HEAD", parses),
        Some(spec) if Path::new(spec).is_dir() => {
            let folder = Path::new(spec).join(path);
            let root = workspace::find_root(&folder)?;
            load_folder(&root, folder.display().to_string(), parses)
        }
        Some(spec) => load_revision(revisions, spec, parses),
    }
}

pub fn run(args: DiffArgs) -> Result<u8, LoadError> {
    // Two folders need no working-tree workspace: PATH is then only a path
    // inside each of them.
    let both_folders = [&args.old, &args.new]
        .iter()
        .all(|side| side.as_deref().is_some_and(|s| Path::new(s).is_dir()));
    let root = if args.path.exists() {
        workspace::find_root(&args.path)?
    } else if both_folders {
        args.path.clone()
    } else {
        return Err(LoadError(format!(
            "cannot read `{}`: no such file or folder",
            args.path.display()
        )));
    };
    let mut revisions = Revisions { root, repo: None };
    // One parse of each distinct file text for both sides: most files are
    // the same in the two versions.
    let parses = SharedParses::default();
    let mut old = load_side(
        &mut revisions,
        args.old.as_deref(),
        &args.path,
        false,
        &parses,
    )?;
    let mut new = load_side(
        &mut revisions,
        args.new.as_deref(),
        &args.path,
        true,
        &parses,
    )?;
    analyse(&mut old, &mut new);
    let diff = kozo_engine::diff::diff(&old.analysis, &new.analysis);

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match args.format {
        Format::Human => human::print(&mut out, &old, &new, &diff, human::use_colour()),
        Format::Json => json::print(&mut out, &old, &new, &diff),
        Format::Markdown => markdown::print(&mut out, &old, &new, &diff),
    };
    crate::workspace::written(result, "the report")?;

    if let Some(dir) = &args.render {
        let options = render::Options {
            engine: args.engine,
            lang: args.lang.clone(),
        };
        render::write(dir, &old, &new, &diff, &options)?;
    }

    let incomplete = !old.problems.is_empty() || !new.problems.is_empty();
    for (side, which) in [(&old, "old"), (&new, "new")] {
        for problem in &side.problems {
            eprintln!("error: {which} side ({}): {problem}", side.label);
        }
    }
    let code = if incomplete {
        eprintln!(
            "error: the comparison is incomplete: what could not be read or parsed was left out"
        );
        EXIT_USAGE
    } else if args.exit_code && !diff.is_empty() {
        1
    } else {
        0
    };
    // The process ends right after: leave the analyses to the operating system.
    std::mem::forget((old, new));
    Ok(code)
}
