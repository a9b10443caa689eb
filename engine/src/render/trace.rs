//! What makes an SVG traceable: the `id`, `<title>` and `data-kozo-*`
//! attributes every drawn element and relationship carries, so an editor
//! preview can jump from a shape to its source. Both engines use these, so
//! their SVGs can be navigated the same way.

use super::diagram::Diagram;
use super::text::xml_escape;

/// The SVG `id` of the diagram's root group.
pub const VIEW_ID: &str = "kozo_view";
/// The SVG `id` of the legend.
pub const LEGEND_ID: &str = "kozo_legend";

pub fn element_id(node: usize) -> String {
    format!("kozo_el_{node}")
}

pub fn edge_id(edge: usize) -> String {
    format!("kozo_rel_{edge}")
}

pub fn band_id(band: usize) -> String {
    format!("kozo_layer_{band}")
}

/// The `<title>` and attributes of one drawn thing.
pub struct Trace {
    pub class: &'static str,
    pub title: String,
    /// `(name, value)` pairs, values not yet escaped.
    pub attributes: Vec<(&'static str, String)>,
}

impl Trace {
    /// ` name="value"` for every attribute, escaped.
    pub fn attributes_xml(&self) -> String {
        let mut out = String::new();
        for (name, value) in &self.attributes {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            out.push_str(&xml_escape(value));
            out.push('"');
        }
        out
    }

    pub fn title_xml(&self) -> String {
        format!("<title>{}</title>", xml_escape(&self.title))
    }
}

pub fn element(diagram: &Diagram, node: usize) -> Trace {
    let n = &diagram.nodes[node];
    let mut title = format!("{}: {} «{}»", n.path, n.label, n.kind_label);
    if let Some(description) = &n.description {
        title.push('\n');
        title.push_str(description);
    }
    if let Some(source) = &n.source {
        title.push('\n');
        title.push_str(&source.to_string());
    }
    let mut attributes = vec![
        ("data-kozo-path", n.path.clone()),
        ("data-kozo-kind", n.kind.clone()),
    ];
    if let Some(source) = &n.source {
        attributes.push(("data-kozo-source", source.to_string()));
    }
    Trace {
        class: "kozo-element",
        title,
        attributes,
    }
}

pub fn edge(diagram: &Diagram, edge: usize) -> Trace {
    let e = &diagram.edges[edge];
    let mut title = format!(
        "{} -> {} : {}",
        diagram.nodes[e.source].path, diagram.nodes[e.target].path, e.kind
    );
    if e.relationships.len() == 1 {
        if let Some(label) = &e.relationships[0].label {
            title.push_str(&format!(" \"{label}\""));
        }
    }
    if e.implied {
        title.push_str("\nimplied by:");
    }
    for r in &e.relationships {
        title.push('\n');
        if e.implied {
            title.push_str("  ");
            title.push_str(&r.key);
            title.push(' ');
        }
        if let Some(source) = &r.source {
            title.push_str(&source.to_string());
        }
    }
    let keys: Vec<&str> = e.relationships.iter().map(|r| r.key.as_str()).collect();
    let sources: Vec<String> = e
        .relationships
        .iter()
        .map(|r| r.source.as_ref().map(|s| s.to_string()).unwrap_or_default())
        .collect();
    let mut attributes = vec![
        ("data-kozo-path", e.key.clone()),
        ("data-kozo-relationships", keys.join(";")),
    ];
    if let Some(first) = sources.first().filter(|s| !s.is_empty()) {
        attributes.push(("data-kozo-source", first.clone()));
    }
    if sources.len() > 1 {
        attributes.push(("data-kozo-sources", sources.join(";")));
    }
    if e.implied {
        attributes.push(("data-kozo-implied", "true".to_string()));
    }
    Trace {
        class: "kozo-relationship",
        title,
        attributes,
    }
}

pub fn band(diagram: &Diagram, band: usize) -> Trace {
    let b = &diagram.bands[band];
    let name = b.layer.clone().unwrap_or_default();
    Trace {
        class: "kozo-layer",
        title: if name.is_empty() {
            b.label.clone()
        } else {
            format!("{name}: {}", b.label)
        },
        attributes: vec![("data-kozo-layer", name)],
    }
}

pub fn view(diagram: &Diagram) -> Trace {
    let mut attributes = vec![("data-kozo-view", diagram.view.clone())];
    if let Some(source) = &diagram.source {
        attributes.push(("data-kozo-source", source.to_string()));
    }
    Trace {
        class: "kozo-view",
        title: format!("{}: {}", diagram.view, diagram.title),
        attributes,
    }
}
