//! `kozo export`: the model as JSON, or views as Mermaid or PlantUML.
//!
//! - `--format json`: the whole model (docs/rendering.md has the schema).
//! - `--format mermaid`: with `--view`, one flowchart; without, a Markdown
//!   document with a heading and a fenced `mermaid` block per view.
//! - `--format plantuml`: with `--view`, one `@startuml` block; without, one
//!   block per view in one file (PlantUML draws each).
//!
//! - `--format archimate`: the whole model as an ArchiMate exchange file
//!   (docs/archimate.md), views laid out by the built-in engine; the
//!   workspace's `archimate.toml`, when there is one, gives back what an
//!   import kept there.
//!
//! Output goes to standard output, or to `--out FILE`. Like `kozo render`,
//! a model with errors is exported as far as it resolves, with a warning.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kozo_engine::model::ViewId;
use kozo_engine::render::{self, json, mermaid, plantuml};

use crate::render::{find_view, warn_about_model};
use crate::workspace::{self, LoadError};

#[derive(Args)]
pub struct ExportArgs {
    /// A workspace folder (or a file in it).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// What to write.
    #[arg(long, value_enum)]
    format: Format,
    /// Only this view (Mermaid and PlantUML).
    #[arg(long)]
    view: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The label language (default: `[render] lang` of kozo.toml).
    #[arg(long)]
    lang: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The whole model, with source locations (schema version 1).
    Json,
    /// Views as Mermaid flowcharts.
    Mermaid,
    /// Views as PlantUML diagrams.
    Plantuml,
    /// The whole model as an ArchiMate Model Exchange File (3.1).
    Archimate,
}

pub fn run(args: ExportArgs) -> Result<u8, LoadError> {
    let root = workspace::find_root(&args.path)?;
    let loaded = workspace::load(&root)?;
    let analysis = &loaded.analysis;
    let model = analysis.model();
    let lang = args
        .lang
        .clone()
        .or_else(|| analysis.config().render.lang.clone());

    if matches!(args.format, Format::Json | Format::Archimate) && args.view.is_some() {
        return Err(LoadError(
            "`--view` applies to `--format mermaid` and `--format plantuml`; JSON and ArchiMate are always the whole model"
                .to_string(),
        ));
    }
    let views: Vec<ViewId> = match &args.view {
        Some(name) => vec![find_view(model, name)?],
        None => model.view_ids().collect(),
    };
    warn_about_model(&loaded, "exporting");

    let single = args.view.is_some();
    let diagrams = || {
        views
            .iter()
            .map(|&v| render::diagram(analysis, v, lang.as_deref()))
    };
    let text = match args.format {
        Format::Json => json::export(analysis),
        Format::Archimate => {
            let sidecar = read_sidecar(&loaded.root)?;
            let (model, warnings) = kozo_archimate::export(analysis, sidecar.as_deref());
            for w in &warnings {
                eprintln!("warning: {w}");
            }
            let xml = kozo_archimate::write(&model);
            if let Some(path) = args.out.as_ref().filter(|p| p.as_os_str() != "-") {
                write_replacing(path, &xml)?;
                eprintln!("wrote {}", path.display());
                return Ok(0);
            }
            xml
        }
        Format::Mermaid if single => diagrams().map(|d| mermaid::to_mermaid(&d)).collect(),
        Format::Mermaid => {
            let mut doc = String::new();
            for d in diagrams() {
                doc.push_str(&format!(
                    "## {}\n\n```mermaid\n{}```\n\n",
                    markdown_heading(&d.title),
                    mermaid::to_mermaid(&d)
                ));
            }
            doc
        }
        Format::Plantuml => {
            let blocks: Vec<String> = diagrams().map(|d| plantuml::to_plantuml(&d)).collect();
            blocks.join("\n")
        }
    };

    match &args.out {
        Some(path) if path.as_os_str() != "-" => {
            workspace::write_file(path, &text)?;
            eprintln!("wrote {}", path.display());
        }
        _ => workspace::to_stdout(&text)?,
    }
    Ok(0)
}

/// A view title as Markdown heading text: characters that Markdown would
/// read as markup are backslash-escaped, and `<` `>` `&` become entities.
fn markdown_heading(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' | '{' | '}' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// The workspace's `archimate.toml`, if it has one (a regular file).
fn read_sidecar(root: &std::path::Path) -> Result<Option<String>, LoadError> {
    let path = root.join("archimate.toml");
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() => std::fs::read_to_string(&path).map(Some).map_err(|e| {
            LoadError(format!(
                "cannot read `{}`: {}",
                path.display(),
                workspace::describe_io(&e)
            ))
        }),
        _ => Ok(None),
    }
}

/// Writes a file through a temporary file in the same folder renamed over
/// it, so a reader never sees half an exchange file.
fn write_replacing(path: &std::path::Path, text: &str) -> Result<(), LoadError> {
    let fail = |e: std::io::Error| {
        LoadError(format!(
            "cannot write `{}`: {}",
            path.display(),
            workspace::describe_io(&e)
        ))
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let name = path
        .file_name()
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.kozo-export-{}.tmp", std::process::id()));
    let result = (|| {
        // `create_new`: never through a link or into a file already there.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        std::io::Write::write_all(&mut file, text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = &result {
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            let _ = std::fs::remove_file(&temp);
        }
    }
    result.map_err(fail)
}
