//! `kozo site`: a static review site of the workspace (docs/site.md).
//!
//! `--out DIR` writes it (refusing a file, or a non-empty folder that an
//! earlier `kozo site` did not write); `--serve` serves it on 127.0.0.1,
//! rebuilding and reloading the open page when a `.kozo` file or
//! `kozo.toml` changes. A model with errors still gets a site, with its
//! findings page.

use std::path::{Path, PathBuf};

use clap::Args;
use kozo_engine::render::Engine;
use kozo_site::serve::ServeEvent;
use kozo_site::{Since, Site, SiteOptions};

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
    /// Add a "Changes" page comparing the model with an earlier version: a
    /// git revision (`origin/main`, `HEAD~1`, `A...B`) or a folder, as
    /// `kozo diff` takes its OLD side. `--serve` compares with it on every
    /// rebuild.
    #[arg(long, value_name = "REV")]
    since: Option<String>,
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
    // The earlier version first: a revision that cannot be read stops the
    // build before anything is written.
    let since = match &args.since {
        Some(spec) => Some(since(root, spec, &args.path)?),
        None => None,
    };
    let loaded = workspace::load(root)?;
    let analysis = &loaded.analysis;
    let config = analysis.config();
    let engine = crate::render::svg_engine(args.engine, config)?;
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
        since,
    };
    Ok((kozo_site::build(analysis, &options), engine))
}

/// Reads the version `--since` names. A version that cannot be read
/// completely (syntax errors, binary or non-UTF-8 files) is refused, as
/// `kozo diff` refuses it: a partial comparison would show wrong changes.
fn since(root: &Path, spec: &str, path: &Path) -> Result<Since, LoadError> {
    let side = crate::diff::earlier_side(root, spec, path)?;
    if !side.problems.is_empty() {
        let problems: Vec<String> = side.problems.iter().map(|p| format!("  {p}")).collect();
        return Err(LoadError(format!(
            "`--since {spec}`: {} cannot be compared completely:\n{}",
            side.label,
            problems.join("\n")
        )));
    }
    Ok(Since::new(side.analysis, side.label))
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
