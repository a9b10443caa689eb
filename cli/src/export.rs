//! `kozo export`: the model as JSON, or views as Mermaid or PlantUML.
//!
//! - `--format json`: the whole model (docs/rendering.md has the schema).
//! - `--format mermaid`: with `--view`, one flowchart; without, a Markdown
//!   document with a heading and a fenced `mermaid` block per view.
//! - `--format plantuml`: with `--view`, one `@startuml` block; without, one
//!   block per view in one file (PlantUML draws each).
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

    if args.format == Format::Json && args.view.is_some() {
        return Err(LoadError(
            "`--view` applies to `--format mermaid` and `--format plantuml`; JSON is always the whole model"
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
