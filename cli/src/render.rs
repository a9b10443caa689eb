//! `kozo render`: draw views as SVG or DOT files.
//!
//! Without `--view`, every view is written to a folder as `<view>.<ext>`
//! (`--out`, by default `diagrams/` in the workspace root). With `--view`,
//! one view is written to `--out` (a file, a folder, or `-` for standard
//! output), by default `diagrams/<view>.<ext>` in the workspace root.
//!
//! A model with errors is still drawn, as far as it resolves: the diagram
//! helps find the mistake. A note on standard error says how many errors
//! there are; `kozo check` lists them.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use kozo_engine::config::RenderEngine;
use kozo_engine::model::ViewId;
use kozo_engine::render::{self, Engine, RenderError};
use kozo_engine::{Config, Severity};

use crate::workspace::{self, LoadError};

#[derive(Args)]
pub struct RenderArgs {
    /// A workspace folder (or a file in it).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Draw only this view (its name).
    #[arg(long)]
    view: Option<String>,
    /// What to write.
    #[arg(long, value_enum, default_value_t = Format::Svg)]
    format: Format,
    /// Where to write: a folder for all views; a file, a folder or `-`
    /// (standard output) with `--view`. Default: `diagrams/` in the workspace root.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The layout engine (default: `[render] engine` of kozo.toml, else `auto`).
    #[arg(long, value_enum)]
    engine: Option<EngineArg>,
    /// The label language (default: `[render] lang` of kozo.toml).
    #[arg(long)]
    lang: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An SVG picture, traceable back to the model.
    Svg,
    /// Graphviz DOT source.
    Dot,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Dot => "dot",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// Graphviz `dot` when it is on PATH, else the built-in layout.
    Auto,
    /// Graphviz `dot` (an error when it is not installed).
    Graphviz,
    /// The built-in layout; needs nothing installed.
    Builtin,
}

/// The engine that draws SVG: the one asked for on the command line, else
/// the workspace's `[render] engine`. Asking for Graphviz by name when `dot`
/// is not installed is an error (`auto` falls back to the built-in engine).
pub fn svg_engine(arg: Option<EngineArg>, config: &Config) -> Result<Engine, LoadError> {
    let requested = match arg {
        Some(EngineArg::Auto) => RenderEngine::Auto,
        Some(EngineArg::Graphviz) => RenderEngine::Graphviz,
        Some(EngineArg::Builtin) => RenderEngine::Builtin,
        None => config.render.engine,
    };
    let engine = render::choose_engine(requested);
    if engine == Engine::Graphviz
        && requested == RenderEngine::Graphviz
        && !render::graphviz_available()
    {
        return Err(LoadError(RenderError::GraphvizMissing.to_string()));
    }
    Ok(engine)
}

/// The default output folder, relative to the workspace root.
pub const DEFAULT_OUT: &str = "diagrams";

/// Finds a view by name, or explains which names exist.
pub fn find_view(model: &kozo_engine::model::Model, name: &str) -> Result<ViewId, LoadError> {
    if let Some(id) = model.view_by_name(name) {
        return Ok(id);
    }
    let names: Vec<&str> = model.views.iter().map(|v| v.info.name.as_str()).collect();
    let hint = match kozo_engine::suggest::closest(name, names.iter().copied()) {
        Some(close) => format!("; did you mean `{close}`?"),
        None if names.is_empty() => "; the workspace declares no view".to_string(),
        None => format!("; the views are: {}", names.join(", ")),
    };
    Err(LoadError(format!("no view named `{name}`{hint}")))
}

/// Warns (on standard error) about what could not be read or resolved.
pub fn warn_about_model(loaded: &workspace::Loaded, verb: &str) {
    for problem in &loaded.problems {
        eprintln!("warning: {problem}");
    }
    let errors = loaded
        .analysis
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        let s = if errors == 1 { "" } else { "s" };
        eprintln!(
            "warning: the model has {errors} error{s}; {verb} what resolves (run `kozo check` to see them)"
        );
    }
}

pub fn run(args: RenderArgs) -> Result<u8, LoadError> {
    let root = workspace::find_root(&args.path)?;
    let loaded = workspace::load(&root)?;
    let analysis = &loaded.analysis;
    let model = analysis.model();
    let config = analysis.config();

    let views: Vec<ViewId> = match &args.view {
        Some(name) => vec![find_view(model, name)?],
        None => model.view_ids().collect(),
    };
    let engine = match args.format {
        Format::Dot => None,
        Format::Svg => Some(svg_engine(args.engine, config)?),
    };
    let lang = args.lang.clone().or_else(|| config.render.lang.clone());

    warn_about_model(&loaded, "drawing");
    if views.is_empty() {
        eprintln!("note: the workspace declares no view; nothing to draw");
        return Ok(0);
    }

    let ext = args.format.extension();
    let to_stdout = args.out.as_deref() == Some(Path::new("-"));
    if to_stdout && args.view.is_none() {
        return Err(LoadError(
            "`--out -` (standard output) needs `--view`: without it every view is written to a folder"
                .to_string(),
        ));
    }
    let destination = |name: &str| -> PathBuf {
        match &args.out {
            None => root.join(DEFAULT_OUT).join(format!("{name}.{ext}")),
            Some(out)
                if args.view.is_none() || out.is_dir() || out.to_string_lossy().ends_with('/') =>
            {
                out.join(format!("{name}.{ext}"))
            }
            Some(out) => out.clone(),
        }
    };
    if args.view.is_none() {
        if let Some(out) = &args.out {
            if out.is_file() {
                return Err(LoadError(format!(
                    "`{}` is a file; without `--view` every view is written to a folder",
                    out.display()
                )));
            }
        }
    }

    let dot_limit = std::time::Duration::from_secs(config.render.dot_timeout_secs);
    let mut written = Vec::new();
    for view in views {
        let diagram = render::diagram(analysis, view, lang.as_deref());
        let contents = match engine {
            None => render::to_dot(&diagram),
            Some(engine) => render::to_svg_within(&diagram, engine, dot_limit)
                .map_err(|e| LoadError(e.to_string()))?,
        };
        if to_stdout {
            workspace::to_stdout(&contents)?;
            continue;
        }
        let path = destination(&diagram.view);
        workspace::write_file(&path, &contents)?;
        written.push(path);
    }
    if !written.is_empty() {
        let how = engine
            .map(|e| format!(" ({} engine)", e.name()))
            .unwrap_or_default();
        if let [one] = written.as_slice() {
            eprintln!("wrote {}{how}", one.display());
        } else {
            let folder = written[0].parent().unwrap_or(Path::new("."));
            eprintln!(
                "wrote {} diagrams to {}{how}",
                written.len(),
                folder.display()
            );
        }
    }
    Ok(0)
}
