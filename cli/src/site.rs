//! `kozo site`: a static review site of the workspace (docs/site.md).
//!
//! `--out DIR` writes it (refusing a file, or a non-empty folder that an
//! earlier `kozo site` did not write); `--serve` serves it on 127.0.0.1,
//! rebuilding and reloading the open page when a `.kozo` file or
//! `kozo.toml` changes. A model with errors still gets a site, with its
//! findings page.

use std::path::{Path, PathBuf};

use clap::Args;
use kozo_engine::config::RenderEngine;
use kozo_engine::render::{self, Engine, RenderError};
use kozo_site::serve::ServeEvent;
use kozo_site::{Site, SiteOptions};

use crate::render::{warn_about_model, EngineArg};
use crate::workspace::{self, LoadError};

#[derive(Args)]
pub struct SiteArgs {
    /// A workspace folder (or a file in it).
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The folder to write the site into (required unless `--serve`).
    #[arg(long, required_unless_present = "serve")]
    out: Option<PathBuf>,
    /// The language shown first (default: `[render] lang` of kozo.toml); readers can switch.
    #[arg(long)]
    lang: Option<String>,
    /// The site's title (default: the workspace folder's name).
    #[arg(long)]
    title: Option<String>,
    /// The address the site will be published at, e.g. `https://example.org/arch/`
    /// (for canonical links; every link stays relative, so any sub-path works).
    #[arg(long)]
    base_url: Option<String>,
    /// The layout engine (default: `[render] engine` of kozo.toml, else `auto`).
    #[arg(long, value_enum)]
    engine: Option<EngineArg>,
    /// Serve the site on 127.0.0.1 and rebuild it when the model changes.
    #[arg(long)]
    serve: bool,
    /// The port `--serve` listens on (0: any free port).
    #[arg(long, default_value_t = 8040, requires = "serve")]
    port: u16,
}

pub fn run(args: SiteArgs) -> Result<u8, LoadError> {
    let root = workspace::find_root(&args.path)?;
    if let Some(base) = &args.base_url {
        if !(base.starts_with("https://") || base.starts_with("http://") || base.starts_with('/')) {
            return Err(LoadError(format!(
                "`--base-url {base}` must start with `https://`, `http://` or `/`"
            )));
        }
    }
    if let Some(out) = &args.out {
        kozo_site::output::check_out_dir(out).map_err(|e| LoadError(e.to_string()))?;
    }
    if args.serve {
        return serve(&args, &root);
    }
    let (site, _) = build(&args, &root, false, true)?;
    let Some(out) = args.out.as_deref() else {
        return Err(LoadError(
            "`kozo site` needs `--out DIR` (or `--serve`)".to_string(),
        ));
    };
    let written = kozo_site::output::write(out, &site).map_err(|e| LoadError(e.to_string()))?;
    for (view, reason) in &site.undrawn {
        eprintln!("warning: view `{view}` could not be drawn: {reason}");
    }
    eprintln!(
        "wrote the site to {} ({} files, {} changed); open {}",
        out.display(),
        written.files,
        written.changed,
        out.join("index.html").display()
    );
    Ok(0)
}

/// Loads the workspace and builds its site; also returns the engine used.
fn build(
    args: &SiteArgs,
    root: &Path,
    live_reload: bool,
    warn: bool,
) -> Result<(Site, Engine), LoadError> {
    let loaded = workspace::load(root)?;
    let analysis = &loaded.analysis;
    let config = analysis.config();
    let requested = match args.engine {
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
    if warn {
        warn_about_model(&loaded, "building the site of");
    }
    let title = args.title.clone().unwrap_or_else(|| {
        root.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "kozo".to_string())
    });
    let options = SiteOptions {
        title,
        lang: args.lang.clone(),
        base_url: args.base_url.clone(),
        engine,
        live_reload,
    };
    Ok((kozo_site::build(analysis, &options), engine))
}

fn serve(args: &SiteArgs, root: &Path) -> Result<u8, LoadError> {
    let mut first = true;
    let rebuild = || -> Result<Site, String> {
        let warn = std::mem::take(&mut first);
        let (site, _) = build(args, root, true, warn).map_err(|e| e.to_string())?;
        if let Some(out) = &args.out {
            kozo_site::output::write(out, &site).map_err(|e| e.to_string())?;
        }
        Ok(site)
    };
    let report = |event: ServeEvent| match event {
        ServeEvent::Listening(address) => {
            println!(
                "serving the site of {} at http://{address}/ (Ctrl-C stops)",
                root.display()
            );
        }
        ServeEvent::Rebuilt { build } => eprintln!("rebuilt the site (build {build})"),
        ServeEvent::Failed(message) => eprintln!("error: the site could not be rebuilt: {message}"),
    };
    kozo_site::serve::serve(root, args.port, rebuild, report)
        .map_err(|e| LoadError(e.to_string()))?;
    Ok(0)
}
