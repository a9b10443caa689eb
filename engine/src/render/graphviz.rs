//! The Graphviz engine: DOT through `dot -Tsvg` (graphviz-rust's exec),
//! then the SVG made traceable: each element's and relationship's group
//! gets its `<title>` and `data-kozo-*` attributes (see [`super::trace`]).

use std::collections::BTreeMap;

use graphviz_rust::cmd::{CommandArg, Format};

use super::diagram::Diagram;
use super::text::xml_escape;
use super::trace::{self, Trace};
use super::RenderError;

/// Whether Graphviz `dot` can be run.
pub fn available() -> bool {
    graphviz_rust::exec_dot(
        "digraph{}".to_string(),
        vec![CommandArg::Custom("-V".to_string())],
    )
    .is_ok()
}

/// Runs `dot -Tsvg` on DOT text.
pub fn run_dot(dot: String) -> Result<String, RenderError> {
    match graphviz_rust::exec_dot(dot, vec![CommandArg::Format(Format::Svg)]) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(RenderError::GraphvizMissing),
        Err(err) => Err(RenderError::GraphvizFailed(
            err.to_string().trim().to_string(),
        )),
    }
}

/// The traces of everything in the diagram, by SVG id.
fn traces(diagram: &Diagram) -> BTreeMap<String, Trace> {
    let mut map = BTreeMap::new();
    map.insert(trace::VIEW_ID.to_string(), trace::view(diagram));
    for n in 0..diagram.nodes.len() {
        map.insert(trace::element_id(n), trace::element(diagram, n));
    }
    for e in 0..diagram.edges.len() {
        map.insert(trace::edge_id(e), trace::edge(diagram, e));
    }
    for b in 0..diagram.bands.len() {
        map.insert(trace::band_id(b), trace::band(diagram, b));
    }
    map
}

/// Adds titles and `data-kozo-*` attributes to the groups Graphviz wrote
/// for the ids kozo gave. Graphviz writes each object as `<g id="…"
/// class="…">` on its own line, followed by a `<title>` line; lines that do
/// not have that form are left as they are.
pub fn make_traceable(svg: &str, diagram: &Diagram) -> String {
    let traces = traces(diagram);
    let mut out = String::with_capacity(svg.len() + svg.len() / 4);
    let mut pending: Option<&Trace> = None;
    let mut in_svg_tag = false;
    for line in svg.split_inclusive('\n') {
        let content = line.trim_end_matches('\n');
        if content.starts_with("<svg ") {
            in_svg_tag = true;
        }
        if in_svg_tag {
            if let Some(stripped) = content.strip_suffix('>') {
                in_svg_tag = false;
                out.push_str(stripped);
                out.push_str(&format!(
                    " data-kozo-view=\"{}\">\n",
                    xml_escape(&diagram.view)
                ));
            } else {
                out.push_str(line);
            }
            continue;
        }
        if let Some(trace) = pending.take() {
            if content.starts_with("<title>") && content.ends_with("</title>") {
                out.push_str(&trace.title_xml());
                out.push('\n');
                continue;
            }
        }
        if let Some(rest) = content.strip_prefix("<g id=\"") {
            if let Some(end) = rest.find('"') {
                if let Some(trace) = traces.get(&rest[..end]) {
                    if let Some(stripped) = content.strip_suffix('>') {
                        out.push_str(stripped);
                        out.push_str(&trace.attributes_xml());
                        out.push_str(">\n");
                        pending = Some(trace);
                        continue;
                    }
                }
            }
        }
        out.push_str(line);
    }
    out
}

/// The diagram as SVG laid out by Graphviz.
pub fn render(diagram: &Diagram) -> Result<String, RenderError> {
    let dot = super::dot::to_dot(diagram);
    let svg = run_dot(dot)?;
    Ok(make_traceable(&svg, diagram))
}
