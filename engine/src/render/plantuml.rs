//! A view as PlantUML: layers as rectangles stacked by hidden links,
//! containers as nested rectangles and groups as dashed ones, element
//! keywords after the kinds' shapes, notes as notes, arrows after the
//! relation kinds' notation (`..|>`, `*--`; dashed and dotted kinds, and
//! implied relationships, dotted).
//!
//! Every text is written with PlantUML's `&#N;` character references for
//! anything that could end a string or be read as Creole markup or a tag,
//! so no label can inject syntax.

use std::fmt::Write as _;

use super::diagram::{Diagram, Edge, Head, LineStyle};
use super::palette;
use super::text::clean;
use crate::model::Shape;

/// Text for inside `"…"` (or after `:` on a link) in PlantUML.
pub fn escape(text: &str) -> String {
    let chars: Vec<char> = clean(text).chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let doubled = |c: char| chars.get(i + 1) == Some(&c) || (i > 0 && chars[i - 1] == c);
        match c {
            '\n' => out.push_str("\\n"),
            '"' | '<' | '>' | '&' | '\\' | '~' | '@' | '$' | '%' | '!' | '#' | '|' | '[' | ']'
            | '{' | '}' | '\'' | '^' | '`' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            '*' | '/' | '_' | '-' | '=' | '.' | ':' if doubled(c) => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn alias(index: usize) -> String {
    format!("n{index}")
}

fn keyword(shape: Shape) -> &'static str {
    match shape {
        Shape::Box => "rectangle",
        Shape::Rounded => "card",
        Shape::Cylinder => "database",
        Shape::Person => "person",
        Shape::Component => "component",
        Shape::Folder => "folder",
        Shape::Hexagon => "hexagon",
    }
}

fn stereotype(kind: &str) -> String {
    // Kind names are identifiers; keep only what a stereotype can hold.
    let safe: String = kind
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if safe.is_empty() {
        String::new()
    } else {
        format!(" <<{safe}>>")
    }
}

fn element(out: &mut String, diagram: &Diagram, node: usize, depth: usize) {
    let n = &diagram.nodes[node];
    let c = palette::layer(n.color);
    let indent = "  ".repeat(depth);
    let mut text = format!(
        "{}\\n<size:10>{}</size>",
        escape(&n.label),
        escape(&n.kind_line(diagram.show))
    );
    if let Some(description) = n.shown_description(diagram.show) {
        let _ = write!(text, "\\n<size:9>{}</size>", escape(description.trim()));
    }
    if n.is_container() {
        let _ = writeln!(
            out,
            "{indent}rectangle \"{text}\" as {}{} {}{{",
            alias(node),
            stereotype(&n.kind),
            format_args!(
                "{};line:{} ",
                palette::CONTAINER_FILL,
                c.stroke.trim_start_matches('#')
            )
        );
        siblings(out, diagram, &n.children, depth + 1);
        let _ = writeln!(out, "{indent}}}");
    } else {
        let _ = writeln!(
            out,
            "{indent}{} \"{text}\" as {}{} {};line:{}",
            keyword(n.shape),
            alias(node),
            stereotype(&n.kind),
            c.fill,
            c.stroke.trim_start_matches('#')
        );
    }
}

/// Sibling nodes, each group's members in a dashed rectangle of their own.
fn siblings(out: &mut String, diagram: &Diagram, nodes: &[usize], depth: usize) {
    let indent = "  ".repeat(depth);
    for run in super::diagram::sibling_runs(diagram, nodes) {
        match run {
            super::diagram::Siblings::Group(g, members) => {
                let _ = writeln!(
                    out,
                    "{indent}rectangle \"{}\" as group{g} #line.dashed {{",
                    escape(&diagram.groups[g].label)
                );
                for member in members {
                    element(out, diagram, member, depth + 1);
                }
                let _ = writeln!(out, "{indent}}}");
            }
            super::diagram::Siblings::One(node) => element(out, diagram, node, depth),
        }
    }
}

/// The arrow between an edge's ends, after its relation kind's notation:
/// `-->`, `..|>`, `*--`, …
fn arrow(edge: &Edge) -> String {
    let line = if edge.implied || edge.notation.line != LineStyle::Solid {
        ".."
    } else {
        "--"
    };
    let tail = match edge.notation.tail {
        Head::Arrow | Head::Open | Head::Triangle => "<",
        Head::HollowTriangle => "<|",
        Head::Diamond => "*",
        Head::HollowDiamond => "o",
        Head::Circle | Head::None => "",
    };
    let head = match edge.notation.head {
        Head::Arrow | Head::Open | Head::Triangle | Head::Circle => ">",
        Head::HollowTriangle => "|>",
        Head::Diamond => "*",
        Head::HollowDiamond => "o",
        Head::None => "",
    };
    format!("{tail}{line}{head}")
}

/// The diagram as one PlantUML document (`@startuml` … `@enduml`).
pub fn to_plantuml(diagram: &Diagram) -> String {
    let mut out = String::new();
    let name: String = diagram
        .view
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let _ = writeln!(out, "@startuml {name}");
    out.push_str("skinparam shadowing false\nskinparam defaultFontName \"Noto Sans CJK JP\"\nskinparam rectangle {\n  roundCorner 8\n}\nhide stereotype\n");
    let _ = writeln!(out, "title {}", escape(&diagram.title));
    if let Some(vp) = &diagram.viewpoint {
        let mut caption = format!("{}: {}", escape(diagram.words.viewpoint), escape(&vp.label));
        if !diagram.concerns.is_empty() {
            let list: Vec<String> = diagram.concerns.iter().map(|c| escape(&c.label)).collect();
            let _ = write!(
                caption,
                "\\n{}: {}",
                escape(diagram.words.concerns),
                list.join("; ")
            );
        }
        let _ = writeln!(out, "caption {caption}");
    }
    for (b, band) in diagram.bands.iter().enumerate() {
        let c = palette::layer(band.color);
        let _ = writeln!(
            out,
            "rectangle \"{}\" as layer{b} {};line:{} {{",
            escape(&band.label),
            c.band,
            c.band.trim_start_matches('#')
        );
        siblings(&mut out, diagram, &band.roots, 1);
        out.push_str("}\n");
    }
    for (i, note) in diagram.notes.iter().enumerate() {
        let _ = writeln!(out, "note as note{i}\n{}\nend note", escape(&note.text));
    }
    for b in 1..diagram.bands.len() {
        let _ = writeln!(out, "layer{} -[hidden]down- layer{b}", b - 1);
    }
    for e in &diagram.edges {
        let arrow = arrow(e);
        let _ = writeln!(
            out,
            "{} {arrow} {} : {}",
            alias(e.source),
            alias(e.target),
            escape(&e.label)
        );
    }
    out.push_str("@enduml\n");
    out
}
