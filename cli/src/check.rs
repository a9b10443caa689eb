//! `kozo check`: parse and check workspaces, report findings, set the exit status.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kozo_engine::{Severity, Summary};

use crate::output::{self, Finding, Positions, Report};
use crate::workspace::{self, LoadError};
use crate::{Deny, EXIT_USAGE};

#[derive(Args)]
pub struct CheckArgs {
    /// Files or folders to check. A folder checks its whole workspace; a file
    /// is checked within its workspace and only its findings are reported.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also fail (exit 1) on warnings.
    #[arg(long, value_enum)]
    deny: Vec<Deny>,
    /// Report (and fail on) only the findings that this git revision did
    /// not have. Findings are matched by rule, file, message and the text
    /// of their line, so edits that move them do not make them new.
    #[arg(long, value_name = "REV")]
    baseline: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style reports with the source line underlined.
    Human,
    /// One JSON object: diagnostics and a summary.
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// What one root on the command line asks for: the whole workspace, or some files.
#[derive(Default)]
struct Request {
    whole: bool,
    files: Vec<String>,
}

pub fn run(args: CheckArgs) -> Result<u8, LoadError> {
    let mut requests: BTreeMap<PathBuf, Request> = BTreeMap::new();
    for path in &args.paths {
        let root = workspace::find_root(path)?;
        if path.is_dir() {
            // A folder also checks the workspaces nested in it.
            let nested = workspace::nested_roots(path);
            // A folder that only groups workspaces is not one itself.
            let only_groups =
                nested.iter().any(|_| true) && workspace::collect_files(&root).is_empty();
            if !only_groups {
                requests.entry(root.clone()).or_default().whole = true;
            }
            for nested in nested {
                let nested = nested.canonicalize().unwrap_or(nested);
                requests.entry(nested).or_default().whole = true;
            }
        } else {
            let request = requests.entry(root.clone()).or_default();
            if path.extension().is_none_or(|e| e != "kozo") {
                return Err(LoadError(format!(
                    "`{}` is not a `.kozo` file",
                    path.display()
                )));
            }
            let absolute = path.canonicalize().unwrap_or_else(|_| path.clone());
            request.files.push(workspace::relative(&root, &absolute));
        }
    }

    let mut loaded = Vec::new();
    let mut baselines = Vec::new();
    for (root, request) in requests {
        let mut workspace = workspace::load(&root)?;
        // A check needs the findings, not the syntax trees: each file's tree
        // is freed once its part of the model is made.
        workspace.analysis.check_freeing_trees();
        if let Some(revision) = &args.baseline {
            let side = crate::diff::revision_side(&root, revision)?;
            baselines.push(side.analysis);
        }
        loaded.push((workspace, request));
    }

    let mut reports = Vec::new();
    let mut summary = Summary::default();
    let mut could_not_read = false;
    for (i, (workspace, request)) in loaded.iter().enumerate() {
        for problem in &workspace.problems {
            eprintln!("error: {problem}");
            could_not_read = true;
        }
        if !workspace.not_utf8.is_empty() {
            could_not_read = true;
        }
        let analysis = &workspace.analysis;
        let mut positions = Positions::new(analysis);
        let wanted = |path: &str| request.whole || request.files.iter().any(|f| f == path);
        let diagnostics: Vec<&kozo_engine::Diagnostic> = match baselines.get(i) {
            Some(baseline) => kozo_engine::diff::findings::not_in_baseline(baseline, analysis),
            None => analysis.diagnostics().iter().collect(),
        };
        let findings: Vec<Finding> = diagnostics
            .into_iter()
            .filter(|d| wanted(analysis.path(d.file)))
            .map(|d| Finding::new(&workspace.root, &mut positions, d))
            .collect();
        let s = analysis.summary();
        summary.files += s.files;
        summary.elements += s.elements;
        summary.relationships += s.relationships;
        for f in &findings {
            match f.diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        reports.push(Report {
            root: workspace.root.clone(),
            analysis,
            findings,
        });
    }

    let stdout = std::io::stdout();
    let result = match args.format {
        Format::Human => output::human::print(&reports, &summary),
        Format::Json => output::json::print(&mut stdout.lock(), &reports, &summary),
        Format::Sarif => output::sarif::print(&mut stdout.lock(), &reports),
        Format::Github => output::github::print(&mut stdout.lock(), &reports),
    };
    workspace::written(result, "the report")?;

    let deny_warnings = args.deny.contains(&Deny::Warnings);
    // The process ends right after: leave the analyses to the operating
    // system instead of freeing a large model piece by piece (~80 ms at
    // 100k elements).
    drop(reports);
    std::mem::forget(loaded);
    std::mem::forget(baselines);
    Ok(if could_not_read {
        EXIT_USAGE
    } else if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        1
    } else {
        0
    })
}
