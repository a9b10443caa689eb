//! `kozo diff --render DIR`: for every view the change touches, an SVG with
//! the changes marked (`kozo_engine::diff::highlight`), by either engine.

use std::path::Path;

use kozo_engine::diff::{highlight, ModelDiff};
use kozo_engine::render;

use super::Side;
use crate::render::EngineArg;
use crate::workspace::{self, LoadError};

pub struct Options {
    pub engine: Option<EngineArg>,
    pub lang: Option<String>,
}

/// Writes `DIR/<view>.svg` for every touched view; returns how many.
pub fn write(
    dir: &Path,
    old: &Side,
    new: &Side,
    diff: &ModelDiff,
    options: &Options,
) -> Result<usize, LoadError> {
    let config = new.analysis.config();
    let engine = crate::render::svg_engine(options.engine, config)?;
    let lang = options.lang.clone().or_else(|| config.render.lang.clone());
    let compared = format!("changes from {} to {}", old.label, new.label);
    let mut written = 0;
    for view in highlight::touched_views(diff) {
        let Some(marked) =
            highlight::highlight(&old.analysis, &new.analysis, diff, &view, lang.as_deref())
        else {
            continue;
        };
        let svg = render::to_svg(&marked.diagram, engine).map_err(|e| LoadError(e.to_string()))?;
        let svg = highlight::mark_svg(&svg, &marked, &compared);
        workspace::write_file(&dir.join(format!("{view}.svg")), &svg)?;
        written += 1;
    }
    if written > 0 {
        eprintln!(
            "wrote {written} highlighted diagram(s) to {} ({} engine)",
            dir.display(),
            engine.name()
        );
    }
    Ok(written)
}
