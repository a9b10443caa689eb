//! The `kozo` command line.

mod check;
mod diff;
mod explain;
mod export;
mod fmt;
mod import;
mod init;
mod lsp;
mod output;
mod render;
mod site;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// kozo (構造): describe, check and draw digital architectures.
#[derive(Parser)]
#[command(name = "kozo", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check a workspace; exit 1 when a finding is an error.
    Check(check::CheckArgs),
    /// Explain a rule: what it means, why, and how to fix it.
    Explain(explain::ExplainArgs),
    /// Rewrite files in the canonical layout; `--check` only lists the ones that would change.
    Fmt(fmt::FmtArgs),
    /// Create a new workspace with kozo.toml and a starter model.
    Init {
        /// The folder to create the workspace in (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run the language server on stdin and stdout (for editors).
    Lsp,
    /// Draw views as SVG (or DOT): every view into a folder, or one with `--view`.
    Render(render::RenderArgs),
    /// Export the model as JSON or an ArchiMate exchange file, or views as Mermaid or PlantUML.
    Export(export::ExportArgs),
    /// Create a workspace from another tool's file (an ArchiMate exchange file).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// What changed in the architecture between two revisions or folders, and who has to review it.
    Diff(diff::DiffArgs),
    /// Write a static review site (views, elements, matrices, decisions, findings), or serve it.
    Site(site::SiteArgs),
}

/// What `--deny` can turn into errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Exit 1 when any finding is a warning.
    Warnings,
}

/// The exit status of a command that could not run.
pub const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Init { dir } => init::run(&dir),
        Command::Lsp => lsp::run(),
        Command::Render(args) => render::run(args),
        Command::Export(args) => export::run(args),
        Command::Import(command) => import::run(command),
        Command::Diff(args) => diff::run(args),
        Command::Site(args) => site::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
