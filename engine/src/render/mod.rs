//! Diagrams of views, and exports of the model.
//!
//! A view becomes a [`Diagram`] (what is shown, in which words, with which
//! colours and source locations), and a diagram becomes DOT
//! ([`dot::to_dot`], built with graphviz-rust's structures), SVG laid out by
//! Graphviz ([`Engine::Graphviz`], `dot` under a time limit) or by
//! the built-in pure-Rust layout ([`Engine::Builtin`]), Mermaid or PlantUML.
//! [`json::export`] writes the whole model as JSON.
//!
//! Architecture invariant: nothing here prints or touches the terminal; the
//! only outside program is Graphviz `dot`, run with a time limit. The
//! same model gives byte-identical output (no hash-map order reaches it).

pub mod diagram;
pub mod dot;
mod graphviz;
mod graphviz_bands;
pub mod json;
mod labels;
pub mod layout;
pub mod mermaid;
mod palette;
pub mod plantuml;
#[cfg(test)]
mod quality;
mod route;
mod spatial;
mod svg;
pub mod text;
pub mod trace;

#[cfg(test)]
mod c4_tests;
#[cfg(test)]
mod curation_tests;
#[cfg(test)]
mod tests;

use std::fmt;

pub use diagram::Diagram;

use crate::analysis::Analysis;
use crate::config::RenderEngine;
use crate::model::ViewId;

/// The program that lays a diagram out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Graphviz `dot`, found on PATH.
    Graphviz,
    /// kozo's own layout: needs nothing installed.
    Builtin,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Graphviz => "graphviz",
            Engine::Builtin => "builtin",
        }
    }
}

/// Why a diagram could not be drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// `dot` is not on PATH.
    GraphvizMissing,
    /// `dot` ran and failed; its message.
    GraphvizFailed(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::GraphvizMissing => f.write_str(
                "Graphviz `dot` was not found on PATH; install Graphviz (e.g. `apt-get install graphviz`, `brew install graphviz`) or use the built-in engine (`--engine builtin`)",
            ),
            RenderError::GraphvizFailed(message) => write!(f, "Graphviz `dot` failed: {message}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// Whether Graphviz `dot` can be run (asked once per process).
pub fn graphviz_available() -> bool {
    graphviz::available()
}

/// The engine a configured choice means on this machine: `auto` is Graphviz
/// when `dot` runs, else the built-in layout.
pub fn choose_engine(requested: RenderEngine) -> Engine {
    match requested {
        RenderEngine::Graphviz => Engine::Graphviz,
        RenderEngine::Builtin => Engine::Builtin,
        RenderEngine::Auto => {
            if graphviz_available() {
                Engine::Graphviz
            } else {
                Engine::Builtin
            }
        }
    }
}

/// The diagram of a view, labels in `lang` where translated.
pub fn diagram(analysis: &Analysis, view: ViewId, lang: Option<&str>) -> Diagram {
    Diagram::of_view(analysis, view, lang)
}

/// A diagram as DOT text.
pub fn to_dot(diagram: &Diagram) -> String {
    dot::to_dot(diagram)
}

/// A diagram as SVG, laid out by `engine` (Graphviz under its default
/// time limit of 30 s).
pub fn to_svg(diagram: &Diagram, engine: Engine) -> Result<String, RenderError> {
    to_svg_within(diagram, engine, graphviz::DEFAULT_TIMEOUT)
}

/// A diagram as SVG, laid out by `engine`; Graphviz is stopped after
/// `limit` (`[render] dot-timeout-secs`).
pub fn to_svg_within(
    diagram: &Diagram,
    engine: Engine,
    limit: std::time::Duration,
) -> Result<String, RenderError> {
    match engine {
        Engine::Graphviz => graphviz::render(diagram, limit),
        Engine::Builtin => Ok(svg::render(diagram)),
    }
}

/// The SVG Graphviz wrote for a diagram's DOT, its layer bands made full
/// width and the whole made traceable. Exposed so that the time `dot` takes
/// can be measured apart from kozo's own work.
pub fn graphviz_postprocess(svg: &str, diagram: &Diagram) -> String {
    graphviz::postprocess(svg, diagram)
}

/// Runs `dot -Tsvg` on DOT text (under the default time limit).
pub fn run_dot(dot: String) -> Result<String, RenderError> {
    graphviz::run_dot(&dot, graphviz::DEFAULT_TIMEOUT)
}
