//! A view as a Mermaid flowchart, for Markdown documents and wikis: layers
//! as subgraphs top to bottom, containers and groups as nested subgraphs,
//! shapes after the kinds, notes as pale nodes, implied relationships and
//! dashed or dotted relation kinds dotted. Mermaid's flowchart has arrow,
//! circle and plain ends only: other end marks become arrows, and a tail
//! mark is drawn only as a second arrowhead. `direction right` lays each
//! layer's subgraph out left to right.
//!
//! Every text is written inside double quotes with Mermaid's entity codes
//! (`#quot;`, `#lt;`, `#35;`, …) for anything that could end the string or
//! be read as markup, so no label can inject syntax or HTML.

use std::fmt::Write as _;

use super::diagram::{Diagram, Direction, Edge, Head, LineStyle};
use super::palette;
use super::text::clean;
use crate::model::Shape;

/// Text for inside `"…"` in Mermaid.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '\n' => out.push_str("<br/>"),
            c if c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | '.'
                        | ','
                        | '-'
                        | '_'
                        | ':'
                        | '/'
                        | '('
                        | ')'
                        | '+'
                        | '?'
                        | '!'
                        | '\''
                        | '='
                        | '@'
                        | '·'
                        | '«'
                        | '»'
                        | '×'
                ) =>
            {
                out.push(c)
            }
            c => {
                let _ = write!(out, "#{};", c as u32);
            }
        }
    }
    out
}

fn node_id(index: usize) -> String {
    format!("n{index}")
}

fn shaped(shape: Shape, text: &str) -> String {
    match shape {
        Shape::Box => format!("[\"{text}\"]"),
        Shape::Rounded => format!("(\"{text}\")"),
        Shape::Cylinder => format!("[(\"{text}\")]"),
        Shape::Person => format!("([\"{text}\"])"),
        Shape::Component => format!("[[\"{text}\"]]"),
        Shape::Folder => format!("[/\"{text}\"/]"),
        Shape::Hexagon => format!("{{{{\"{text}\"}}}}"),
    }
}

fn element(out: &mut String, diagram: &Diagram, node: usize, depth: usize) {
    let n = &diagram.nodes[node];
    let indent = "  ".repeat(depth);
    let mut text = format!(
        "{}<br/>{}",
        escape(&n.label),
        escape(&n.kind_line(diagram.show))
    );
    if let Some(description) = n.shown_description(diagram.show) {
        let _ = write!(text, "<br/><small>{}</small>", escape(description.trim()));
    }
    let _ = writeln!(out, "{indent}%% {}", escape(&n.path));
    if n.is_container() {
        let _ = writeln!(out, "{indent}subgraph {}[\"{text}\"]", node_id(node));
        siblings(out, diagram, &n.children, depth + 1);
        let _ = writeln!(out, "{indent}end");
    } else {
        let _ = writeln!(out, "{indent}{}{}", node_id(node), shaped(n.shape, &text));
    }
}

/// Sibling nodes, each group's members in a subgraph of their own.
fn siblings(out: &mut String, diagram: &Diagram, nodes: &[usize], depth: usize) {
    let indent = "  ".repeat(depth);
    for run in super::diagram::sibling_runs(diagram, nodes) {
        match run {
            super::diagram::Siblings::Group(g, members) => {
                let _ = writeln!(
                    out,
                    "{indent}subgraph group{g}[\"{}\"]",
                    escape(&diagram.groups[g].label)
                );
                for member in members {
                    element(out, diagram, member, depth + 1);
                }
                let _ = writeln!(out, "{indent}end");
            }
            super::diagram::Siblings::One(node) => element(out, diagram, node, depth),
        }
    }
}

/// The link between an edge's ends: `-->`, `-.->`, `---`, `--o`, `<-->`, …
fn link(edge: &Edge) -> &'static str {
    let dotted = edge.implied || edge.notation.line != LineStyle::Solid;
    let head = edge.notation.head;
    let both = !matches!(
        edge.notation.tail,
        Head::None | Head::Diamond | Head::HollowDiamond | Head::Circle
    ) && head != Head::None;
    match (dotted, head, both) {
        (false, _, true) => "<-->",
        (true, _, true) => "<-.->",
        (false, Head::None, _) => "---",
        (true, Head::None, _) => "-.-",
        (false, Head::Circle, _) => "--o",
        (false, _, _) => "-->",
        (true, _, _) => "-.->",
    }
}

/// The diagram as a Mermaid flowchart (without Markdown fences).
pub fn to_mermaid(diagram: &Diagram) -> String {
    let mut out = String::new();
    let mut title = escape(&diagram.title);
    if let Some(vp) = &diagram.viewpoint {
        let _ = write!(
            title,
            " — {}: {}",
            escape(diagram.words.viewpoint),
            escape(&vp.label)
        );
    }
    let _ = writeln!(out, "---\ntitle: \"{title}\"\n---");
    out.push_str("flowchart TB\n");
    let _ = writeln!(out, "  %% kozo view {}", escape(&diagram.view));
    for (b, band) in diagram.bands.iter().enumerate() {
        let _ = writeln!(out, "  subgraph layer{b}[\"{}\"]", escape(&band.label));
        // `direction right`: the band's elements read left to right.
        out.push_str(match diagram.direction {
            Direction::Down => "    direction TB\n",
            Direction::Right => "    direction LR\n",
        });
        siblings(&mut out, diagram, &band.roots, 2);
        out.push_str("  end\n");
    }
    for (i, note) in diagram.notes.iter().enumerate() {
        let _ = writeln!(out, "  note{i}[\"{}\"]", escape(&note.text));
    }
    // Keep the layers in order, top to bottom.
    for b in 1..diagram.bands.len() {
        let _ = writeln!(out, "  layer{} ~~~ layer{b}", b - 1);
    }
    for e in &diagram.edges {
        let arrow = link(e);
        let _ = writeln!(
            out,
            "  {} {arrow}|\"{}\"| {}",
            node_id(e.source),
            escape(&e.label),
            node_id(e.target)
        );
    }
    // Colours: one class per layer colour used.
    let mut used: Vec<Option<usize>> = diagram.nodes.iter().map(|n| n.color).collect();
    used.sort();
    used.dedup();
    for color in used {
        let c = palette::layer(color);
        let name = color.map_or("nolayer".to_string(), |i| format!("layer{i}c"));
        let _ = writeln!(
            out,
            "  classDef {name} fill:{},stroke:{},color:{}",
            c.fill,
            c.stroke,
            palette::TEXT
        );
        let members: Vec<String> = (0..diagram.nodes.len())
            .filter(|&i| diagram.nodes[i].color == color && !diagram.nodes[i].is_container())
            .map(node_id)
            .collect();
        if !members.is_empty() {
            let _ = writeln!(out, "  class {} {name}", members.join(","));
        }
    }
    for (b, band) in diagram.bands.iter().enumerate() {
        let c = palette::layer(band.color);
        let _ = writeln!(out, "  style layer{b} fill:{},stroke:{}", c.band, c.band);
    }
    for g in 0..diagram.groups.len() {
        let _ = writeln!(
            out,
            "  style group{g} fill:none,stroke:{},stroke-dasharray:5 4",
            palette::MUTED
        );
    }
    if !diagram.notes.is_empty() {
        let _ = writeln!(
            out,
            "  classDef note fill:{},stroke:{},color:{}",
            palette::NOTE_FILL,
            palette::MUTED,
            palette::TEXT
        );
        let notes: Vec<String> = (0..diagram.notes.len())
            .map(|i| format!("note{i}"))
            .collect();
        let _ = writeln!(out, "  class {} note", notes.join(","));
    }
    out
}
