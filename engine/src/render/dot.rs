//! A [`Diagram`] as Graphviz DOT, built with graphviz-rust's structures.
//!
//! Layers are clusters stacked top to bottom: invisible separator nodes
//! between consecutive bands, with invisible edges from every node of a
//! band to the separator below it and from the separator to every node of
//! the next band, pin each band below the one above. `dot` draws each
//! band as wide as its content; the SVG's bands are then made full width
//! and aligned by [`super::graphviz_bands`], which relies on this pinning
//! (each band owns a horizontal strip of the drawing).
//!
//! An edge that points up the layers is written from its target to its
//! source with `dir=back`, so it ranks like the bands and never fights
//! their order; its end marks swap ends with it. An element with shown
//! children is a cluster inside its band; edges to it are drawn to one of
//! its leaves and clipped at its border (`lhead`/`ltail`). A group is a
//! cluster around its members, inside their band or container; notes are
//! `note` shapes beside the legend. A view that reads `direction right`
//! puts each band's top-level elements (and each container's children) in
//! one row in reading order (edges among them left to right where they
//! can), held by invisible edges between neighbours; only the row's first
//! element is tied to the band separators (tying all of them lets `dot`
//! mirror the row).
//!
//! Every text goes through [`quoted`] or [`html`], which escape it, so no
//! label can break out of its attribute.

use graphviz_rust::dot_structures::{
    Attribute, Edge as DotEdge, EdgeTy, Graph, GraphAttributes, Id, Node as DotNode, NodeId, Stmt,
    Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::diagram::{Diagram, Direction, Head, LineStyle, Node, Notation};
use super::palette::{self, LayerColors};
use super::text::{self, clean};
use super::trace;
use crate::model::Shape;

/// The font Graphviz lays text out with. Pango reads the comma-separated
/// families; the same list lands in the SVG's `font-family`.
pub const FONT: &str =
    "Noto Sans CJK JP,Noto Sans JP,Hiragino Sans,Yu Gothic,Meiryo,DejaVu Sans,sans-serif";
const LABEL_SIZE: f64 = 11.0;
const KIND_SIZE: f64 = 8.5;
const EDGE_SIZE: f64 = 8.5;
/// The widest a label line may get before it wraps (points).
const LABEL_WRAP: f64 = 150.0;
const DESCRIPTION_SIZE: f64 = 8.5;
const DESCRIPTION_WRAP: f64 = 170.0;
const EDGE_WRAP: f64 = 120.0;
const NOTE_SIZE: f64 = 9.5;
/// The size of a band's title (points).
pub const BAND_SIZE: f64 = 12.0;
/// The widest a band title's line may get before it wraps (points).
const BAND_WRAP: f64 = 110.0;
/// The drawing's padding on every side, in inches (Graphviz's `pad`).
const PAD_INCHES: f64 = 0.3;
/// [`PAD_INCHES`] in points, the unit of Graphviz's SVG.
pub const PAD_POINTS: f64 = PAD_INCHES * 72.0;
/// From this many elements on, edges within a band do not rank.
pub const LARGE_VIEW: usize = 100;

/// A DOT quoted string: `"` and `\` escaped, newlines as `\n`, control
/// characters dropped.
pub fn quoted(value: &str) -> Id {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in clean(value).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

/// An HTML-like label from already-escaped markup.
fn html(markup: String) -> Id {
    Id::Html(format!("<{markup}>"))
}

fn attr(name: &str, value: Id) -> Attribute {
    Attribute(Id::Plain(name.to_string()), value)
}

fn attr_str(name: &str, value: &str) -> Attribute {
    attr(name, quoted(value))
}

/// Escaped lines joined with `<BR/>`.
fn lines_markup(lines: &[String]) -> String {
    lines_markup_with(lines, "<BR/>")
}

/// Left-aligned lines: in an HTML-like label `<BR ALIGN="LEFT"/>` aligns
/// the line before it, so every line ends with one (a container's title
/// block sits at its top left, and its lines must line up under it).
const LEFT_BREAK: &str = "<BR ALIGN=\"LEFT\"/>";

fn lines_markup_with(lines: &[String], separator: &str) -> String {
    lines
        .iter()
        .map(|l| text::xml_escape(l))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The kind line, and below it the description when the view shows
/// descriptions (wrapped as the built-in engine wraps it); a container's
/// lines are left-aligned under its title.
fn kind_markup(diagram: &Diagram, node: &Node) -> String {
    let separator = if node.is_container() {
        LEFT_BREAK
    } else {
        "<BR/>"
    };
    let mut markup = format!(
        "<FONT POINT-SIZE=\"{KIND_SIZE}\" COLOR=\"{}\">{}</FONT>",
        palette::MUTED,
        text::xml_escape(&node.kind_line(diagram.show))
    );
    if let Some(description) = node.shown_description(diagram.show) {
        let width = if node.is_container() {
            LABEL_WRAP * 1.5
        } else {
            DESCRIPTION_WRAP
        };
        let lines = text::wrap(description.trim(), width, DESCRIPTION_SIZE);
        markup.push_str(&format!(
            "{separator}<FONT POINT-SIZE=\"{DESCRIPTION_SIZE}\" COLOR=\"{}\">{}</FONT>",
            palette::DESCRIPTION,
            lines_markup_with(&lines, separator)
        ));
    }
    if node.is_container() {
        markup.push_str(LEFT_BREAK);
    }
    markup
}

fn node_name(diagram: &Diagram, node: usize) -> Id {
    quoted(&diagram.nodes[node].path)
}

fn cluster_name(diagram: &Diagram, node: usize) -> Id {
    quoted(&format!("cluster:{}", diagram.nodes[node].path))
}

/// The leaf an edge to `node` is drawn to: the node itself, or for a
/// container its first leaf (avoiding `other`, the edge's other end).
fn proxy(diagram: &Diagram, node: usize, other: usize) -> usize {
    if !diagram.nodes[node].is_container() {
        return node;
    }
    let leaves: Vec<usize> = diagram
        .subtree(node)
        .into_iter()
        .filter(|&n| !diagram.nodes[n].is_container())
        .collect();
    leaves
        .iter()
        .copied()
        .find(|&l| l != other)
        .or(leaves.first().copied())
        .unwrap_or(node)
}

fn colors(node: &Node) -> LayerColors {
    palette::layer(node.color)
}

/// A person: a round head over a rounded body that holds the label, as
/// C4 and ArchiMate's actor draw one (Graphviz has no such shape).
fn person_statement(diagram: &Diagram, node: usize) -> Stmt {
    let n = &diagram.nodes[node];
    let c = colors(n);
    let lines = text::wrap(&n.label, LABEL_WRAP, LABEL_SIZE);
    let trace = trace::element(diagram, node);
    let markup = format!(
        "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">\
<TR><TD><FONT POINT-SIZE=\"24\" COLOR=\"{stroke}\">●</FONT></TD></TR>\
<TR><TD STYLE=\"ROUNDED\" BORDER=\"1\" COLOR=\"{stroke}\" BGCOLOR=\"{fill}\" CELLPADDING=\"6\">{label}<BR/>{kind}</TD></TR>\
</TABLE>",
        stroke = c.stroke,
        fill = c.fill,
        label = lines_markup(&lines),
        kind = kind_markup(diagram, n)
    );
    Stmt::Node(DotNode::new(
        NodeId(node_name(diagram, node), None),
        vec![
            attr_str("id", &trace::element_id(node)),
            attr_str("class", trace.class),
            attr("label", html(markup)),
            attr_str("shape", "plain"),
        ],
    ))
}

fn leaf_statement(diagram: &Diagram, node: usize) -> Stmt {
    let n = &diagram.nodes[node];
    if n.shape == Shape::Person {
        return person_statement(diagram, node);
    }
    let c = colors(n);
    let lines = text::wrap(&n.label, LABEL_WRAP, LABEL_SIZE);
    let (shape, style) = match n.shape {
        Shape::Box => ("box", "filled"),
        Shape::Rounded => ("box", "rounded,filled"),
        Shape::Cylinder => ("cylinder", "filled"),
        Shape::Person => ("box", "rounded,filled"),
        Shape::Component => ("component", "filled"),
        Shape::Folder => ("folder", "filled"),
        Shape::Hexagon => ("hexagon", "filled"),
    };
    let trace = trace::element(diagram, node);
    Stmt::Node(DotNode::new(
        NodeId(node_name(diagram, node), None),
        vec![
            attr_str("id", &trace::element_id(node)),
            attr_str("class", trace.class),
            attr(
                "label",
                html(format!(
                    "{}<BR/>{}",
                    lines_markup(&lines),
                    kind_markup(diagram, n)
                )),
            ),
            attr_str("shape", shape),
            attr_str("style", style),
            attr_str("fillcolor", c.fill),
            attr_str("color", c.stroke),
        ],
    ))
}

fn container_statement(diagram: &Diagram, node: usize) -> Stmt {
    let n = &diagram.nodes[node];
    let c = colors(n);
    let lines = text::wrap(&n.label, LABEL_WRAP * 1.5, LABEL_SIZE);
    let trace = trace::element(diagram, node);
    let mut stmts = vec![
        Stmt::Attribute(attr_str("id", &trace::element_id(node))),
        Stmt::Attribute(attr_str("class", trace.class)),
        Stmt::Attribute(attr(
            "label",
            html(format!(
                "<B>{}</B>{LEFT_BREAK}{}",
                lines_markup_with(&lines, LEFT_BREAK),
                kind_markup(diagram, n)
            )),
        )),
        Stmt::Attribute(attr_str("style", "rounded,filled")),
        Stmt::Attribute(attr_str("fillcolor", palette::CONTAINER_FILL)),
        Stmt::Attribute(attr_str("color", c.stroke)),
        Stmt::Attribute(attr_str("penwidth", "1.4")),
        Stmt::Attribute(attr_str("labeljust", "l")),
        Stmt::Attribute(attr_str("margin", "10")),
    ];
    stmts.extend(siblings_statements(diagram, &n.children));
    Stmt::Subgraph(Subgraph {
        id: cluster_name(diagram, node),
        stmts,
    })
}

/// The group a node is a member of, if any.
fn group_of(diagram: &Diagram, node: usize) -> Option<usize> {
    diagram
        .groups
        .iter()
        .position(|g| g.members.contains(&node))
}

/// A group's cluster: a dashed titled box around its members.
fn group_statement(diagram: &Diagram, group: usize, members: &[usize]) -> Stmt {
    let g = &diagram.groups[group];
    let mut stmts = vec![
        Stmt::Attribute(attr_str("id", &format!("kozo_group_{group}"))),
        Stmt::Attribute(attr_str("class", "kozo-group")),
        Stmt::Attribute(attr(
            "label",
            html(format!(
                "<FONT POINT-SIZE=\"10\" COLOR=\"{}\"><I>{}</I></FONT>",
                palette::MUTED,
                lines_markup(&text::wrap(&g.label, LABEL_WRAP * 1.5, 10.0))
            )),
        )),
        Stmt::Attribute(attr_str("style", "dashed,rounded")),
        Stmt::Attribute(attr_str("color", palette::MUTED)),
        Stmt::Attribute(attr_str("penwidth", "1.1")),
        Stmt::Attribute(attr_str("labeljust", "l")),
        Stmt::Attribute(attr_str("margin", "10")),
    ];
    for &member in members {
        stmts.push(element_statement(diagram, member));
    }
    Stmt::Subgraph(Subgraph {
        id: quoted(&format!("cluster:group:{}", g.name)),
        stmts,
    })
}

/// The statements of sibling nodes (a band's roots, a container's
/// children): each group's members in one cluster, written where its first
/// member stands; in a `direction right` view, the siblings that are not
/// containers in one row.
fn siblings_statements(diagram: &Diagram, siblings: &[usize]) -> Vec<Stmt> {
    let mut stmts = Vec::new();
    let mut written_groups: Vec<usize> = Vec::new();
    for &node in siblings {
        match group_of(diagram, node) {
            Some(group) if written_groups.contains(&group) => {}
            Some(group) => {
                written_groups.push(group);
                let members: Vec<usize> = siblings
                    .iter()
                    .copied()
                    .filter(|&n| group_of(diagram, n) == Some(group))
                    .collect();
                stmts.push(group_statement(diagram, group, &members));
            }
            None => stmts.push(element_statement(diagram, node)),
        }
    }
    if diagram.direction == Direction::Right {
        let row = reading_order(diagram, siblings);
        if row.len() > 1 {
            let mut same = vec![Stmt::Attribute(attr_str("rank", "same"))];
            same.extend(
                row.iter().map(|&n| {
                    Stmt::Node(DotNode::new(NodeId(node_name(diagram, n), None), vec![]))
                }),
            );
            // Invisible edges between neighbours hold the reading order
            // where the row's own edges do not say it.
            for pair in row.windows(2) {
                same.push(invisible_edge(
                    node_name(diagram, pair[0]),
                    node_name(diagram, pair[1]),
                ));
            }
            stmts.push(Stmt::Subgraph(Subgraph {
                id: Id::Anonymous(String::new()),
                stmts: same,
            }));
        }
    }
    stmts
}

/// The siblings that are not containers, ordered so that the edges among
/// them run left to right where they can: a topological order (Kahn's), the
/// earliest node first among the ready ones; a cycle is broken at its
/// earliest node.
fn reading_order(diagram: &Diagram, siblings: &[usize]) -> Vec<usize> {
    let row: Vec<usize> = siblings
        .iter()
        .copied()
        .filter(|&n| !diagram.nodes[n].is_container())
        .collect();
    let edges: Vec<(usize, usize)> = diagram
        .edges
        .iter()
        .filter(|e| row.contains(&e.source) && row.contains(&e.target))
        .map(|e| (e.source, e.target))
        .collect();
    let mut placed: Vec<usize> = Vec::with_capacity(row.len());
    while placed.len() < row.len() {
        let waiting: Vec<usize> = row
            .iter()
            .copied()
            .filter(|n| !placed.contains(n))
            .collect();
        let ready = waiting.iter().copied().find(|&n| {
            !edges
                .iter()
                .any(|&(s, t)| t == n && s != n && !placed.contains(&s))
        });
        placed.push(ready.unwrap_or(waiting[0]));
    }
    placed
}

fn element_statement(diagram: &Diagram, node: usize) -> Stmt {
    if diagram.nodes[node].is_container() {
        container_statement(diagram, node)
    } else {
        leaf_statement(diagram, node)
    }
}

/// A band title's lines: wrapped so that the titles fit the narrow column
/// at the left of the bands that the SVG gets (see
/// [`super::graphviz_bands`]).
pub fn band_label_lines(label: &str) -> Vec<String> {
    text::wrap(label, BAND_WRAP, BAND_SIZE)
}

fn band_statement(diagram: &Diagram, band: usize) -> Stmt {
    let b = &diagram.bands[band];
    let c = palette::layer(b.color);
    let mut stmts = vec![
        Stmt::Attribute(attr_str("id", &trace::band_id(band))),
        Stmt::Attribute(attr_str("class", "kozo-layer")),
        Stmt::Attribute(attr(
            "label",
            html(format!(
                "<FONT POINT-SIZE=\"{BAND_SIZE}\" COLOR=\"{}\"><B>{}</B></FONT>",
                c.band_text,
                lines_markup(&band_label_lines(&b.label))
            )),
        )),
        Stmt::Attribute(attr_str("style", "filled")),
        Stmt::Attribute(attr_str("fillcolor", c.band)),
        Stmt::Attribute(attr_str("color", c.band)),
        Stmt::Attribute(attr_str("labeljust", "l")),
        Stmt::Attribute(attr_str("margin", "14")),
    ];
    stmts.extend(siblings_statements(diagram, &b.roots));
    Stmt::Subgraph(Subgraph {
        id: quoted(&format!(
            "cluster:layer:{}",
            b.layer.as_deref().unwrap_or("none")
        )),
        stmts,
    })
}

/// Graphviz's name for an end mark.
fn arrow_name(mark: Head) -> &'static str {
    match mark {
        Head::Arrow | Head::Triangle => "normal",
        Head::Open => "vee",
        Head::HollowTriangle => "onormal",
        Head::Diamond => "diamond",
        Head::HollowDiamond => "odiamond",
        Head::Circle => "dot",
        Head::None => "none",
    }
}

/// The attributes that draw a relation kind's notation on an edge written
/// from its source to its target (`reversed`: from its target to its
/// source, so the marks swap ends).
fn notation_attributes(notation: Notation, implied: bool, reversed: bool) -> Vec<Attribute> {
    let mut attributes = Vec::new();
    let style = match notation.line {
        // An implied edge of a solid kind is dashed, as it always was.
        LineStyle::Solid if implied => Some("dashed"),
        LineStyle::Solid => None,
        LineStyle::Dashed => Some("dashed"),
        LineStyle::Dotted => Some("dotted"),
    };
    if let Some(style) = style {
        attributes.push(attr_str("style", style));
    }
    let (at_head, at_tail) = if reversed {
        (notation.tail, notation.head)
    } else {
        (notation.head, notation.tail)
    };
    let dir = match (at_head != Head::None, at_tail != Head::None) {
        (true, true) => "both",
        (true, false) => "forward",
        (false, true) => "back",
        (false, false) => "none",
    };
    if dir != "forward" {
        attributes.push(attr_str("dir", dir));
    }
    if at_head != Head::None && at_head != Head::Arrow {
        attributes.push(attr_str("arrowhead", arrow_name(at_head)));
    }
    if at_tail != Head::None {
        attributes.push(attr_str("arrowtail", arrow_name(at_tail)));
    }
    // Triangles and diamonds are read by their outline: draw them larger.
    let large = |m: Head| {
        matches!(
            m,
            Head::Triangle | Head::HollowTriangle | Head::Diamond | Head::HollowDiamond
        )
    };
    if large(notation.head) || large(notation.tail) {
        attributes.push(attr_str("arrowsize", "1.0"));
    }
    attributes
}

fn invisible_edge(from: Id, to: Id) -> Stmt {
    Stmt::Edge(DotEdge {
        ty: EdgeTy::Pair(Vertex::N(NodeId(from, None)), Vertex::N(NodeId(to, None))),
        attributes: vec![attr_str("style", "invis")],
    })
}

fn edge_statement(diagram: &Diagram, index: usize) -> Stmt {
    let e = &diagram.edges[index];
    let color = palette::relation(e.color);
    let trace = trace::edge(diagram, index);
    let lines = text::wrap(&e.label, EDGE_WRAP, EDGE_SIZE);
    let mut attributes = vec![
        attr_str("id", &trace::edge_id(index)),
        attr_str("class", trace.class),
        attr("label", html(lines_markup(&lines))),
        attr_str("color", color),
        attr_str("fontcolor", color),
    ];
    // An edge pointing up the layers is written from its target to its
    // source and drawn backwards, so that it ranks like the bands do and
    // never pulls a layer out of order.
    let upward = diagram.nodes[e.source].band > diagram.nodes[e.target].band;
    attributes.extend(notation_attributes(e.notation, e.implied, upward));
    let (first, second) = if upward {
        (e.target, e.source)
    } else {
        (e.source, e.target)
    };
    let tail = proxy(diagram, first, second);
    let head = proxy(diagram, second, first);
    if diagram.nodes[first].is_container() && tail != first {
        attributes.push(attr("ltail", cluster_name(diagram, first)));
    }
    if diagram.nodes[second].is_container() && head != second {
        attributes.push(attr("lhead", cluster_name(diagram, second)));
    }
    let nested = diagram.ancestors_and_self(e.target).contains(&e.source)
        || diagram.ancestors_and_self(e.source).contains(&e.target);
    // In a large view, long chains of elements within one band would make
    // `dot` stack dozens of ranks and spend minutes crossing edges: there,
    // edges between two top-level elements of the same band do not rank.
    let same_band = diagram.nodes[e.source].band == diagram.nodes[e.target].band;
    let same_root = diagram.root_of(e.source) == diagram.root_of(e.target);
    if nested || (same_band && !same_root && diagram.nodes.len() > LARGE_VIEW) {
        attributes.push(attr_str("constraint", "false"));
    }
    Stmt::Edge(DotEdge {
        ty: EdgeTy::Pair(
            Vertex::N(NodeId(node_name(diagram, tail), None)),
            Vertex::N(NodeId(node_name(diagram, head), None)),
        ),
        attributes,
    })
}

fn header_markup(diagram: &Diagram) -> String {
    let mut rows = format!(
        "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"18\" COLOR=\"{}\"><B>{}</B></FONT></TD></TR>",
        palette::TEXT,
        lines_markup(&text::wrap(&diagram.title, 900.0, 18.0))
    );
    if let Some(vp) = &diagram.viewpoint {
        rows.push_str(&format!(
            "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10.5\" COLOR=\"{}\">{}: <B>{}</B></FONT></TD></TR>",
            palette::MUTED,
            text::xml_escape(diagram.words.viewpoint),
            text::xml_escape(&vp.label)
        ));
    }
    if !diagram.concerns.is_empty() {
        let list: Vec<String> = diagram
            .concerns
            .iter()
            .map(|c| format!("• {}", text::xml_escape(&c.label)))
            .collect();
        rows.push_str(&format!(
            "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10.5\" COLOR=\"{}\">{}: {}</FONT></TD></TR>",
            palette::MUTED,
            text::xml_escape(diagram.words.concerns),
            list.join("  ")
        ));
    }
    if diagram.nodes.is_empty() {
        rows.push_str(&format!(
            "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10.5\" COLOR=\"{}\"><I>{}</I></FONT></TD></TR>",
            palette::MUTED,
            text::xml_escape(diagram.words.empty)
        ));
    }
    format!("<TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">{rows}</TABLE>")
}

fn shape_name(shape: Shape) -> &'static str {
    shape.as_str()
}

/// A relation kind's notation in characters, for the legend: its tail
/// mark, its line and its head mark (`◆━━━▶`, `┉┉┉▷`).
pub fn notation_sample(notation: Notation) -> String {
    let tail = match notation.tail {
        Head::Arrow | Head::Triangle => "◀",
        Head::Open => "<",
        Head::HollowTriangle => "◁",
        Head::Diamond => "◆",
        Head::HollowDiamond => "◇",
        Head::Circle => "●",
        Head::None => "",
    };
    let line = match notation.line {
        LineStyle::Solid => "━━━",
        LineStyle::Dashed => "╍╍╍",
        LineStyle::Dotted => "┉┉┉",
    };
    let head = match notation.head {
        Head::Arrow | Head::Triangle => "▶",
        Head::Open => ">",
        Head::HollowTriangle => "▷",
        Head::Diamond => "◆",
        Head::HollowDiamond => "◇",
        Head::Circle => "●",
        Head::None => "",
    };
    format!("{tail}{line}{head}")
}

/// The muted words in brackets after a legend entry's label: each of
/// `words` that says something not already said (`Person (person,
/// person)` would name one kind three times), or nothing.
fn legend_aside(said: &[&str], words: &[&str]) -> String {
    let mut said: Vec<&str> = said.to_vec();
    let mut new = Vec::new();
    for &word in words {
        if !said.iter().any(|s| super::diagram::same_words(s, word)) {
            new.push(text::xml_escape(word));
            said.push(word);
        }
    }
    if new.is_empty() {
        String::new()
    } else {
        format!(
            " <FONT COLOR=\"{}\">({})</FONT>",
            palette::MUTED,
            new.join(", ")
        )
    }
}

fn legend_markup(diagram: &Diagram) -> String {
    let legend = &diagram.legend;
    let mut kinds = format!(
        "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9.5\" COLOR=\"{}\"><B>{}</B></FONT></TD></TR>",
        palette::MUTED,
        text::xml_escape(diagram.words.kinds)
    );
    for k in &legend.kinds {
        let c = palette::layer(k.color);
        kinds.push_str(&format!(
            "<TR><TD BGCOLOR=\"{}\" COLOR=\"{}\" BORDER=\"1\" WIDTH=\"22\" HEIGHT=\"14\"></TD><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">{}{}</FONT></TD></TR>",
            c.fill,
            c.stroke,
            text::xml_escape(&k.label),
            legend_aside(&[&k.label], &[&k.name, shape_name(k.shape)]),
        ));
    }
    let mut relations = String::new();
    if !legend.relations.is_empty() {
        relations.push_str(&format!(
            "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9.5\" COLOR=\"{}\"><B>{}</B></FONT></TD></TR>",
            palette::MUTED,
            text::xml_escape(diagram.words.relations)
        ));
    }
    for r in &legend.relations {
        let color = palette::relation(r.color);
        relations.push_str(&format!(
            "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"{color}\">{}</FONT></TD><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">{}{}</FONT></TD></TR>",
            text::xml_escape(&notation_sample(r.notation)),
            text::xml_escape(&r.label),
            legend_aside(&[&r.label], &[&r.name]),
        ));
    }
    if legend.implied {
        relations.push_str(&format!(
            "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"{}\">╍╍╍▶</FONT></TD><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">{}</FONT></TD></TR>",
            palette::MUTED,
            text::xml_escape(diagram.words.implied)
        ));
    }
    let table = |rows: &str| {
        format!("<TABLE BORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"1\">{rows}</TABLE>")
    };
    let mut cells = format!("<TD VALIGN=\"TOP\">{}</TD>", table(&kinds));
    if !relations.is_empty() {
        cells.push_str(&format!("<TD VALIGN=\"TOP\">{}</TD>", table(&relations)));
    }
    format!(
        "<TABLE BORDER=\"1\" COLOR=\"#C9CED4\" CELLBORDER=\"0\" CELLSPACING=\"6\" CELLPADDING=\"0\" BGCOLOR=\"white\"><TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"10.5\"><B>{}</B></FONT></TD></TR><TR>{cells}</TR></TABLE>",
        text::xml_escape(diagram.words.legend)
    )
}

/// A large band's top-level elements in rows of about the square root of
/// its leaves each, so that the drawing is not one very long row.
fn wrap_roots(diagram: &Diagram, roots: &[usize]) -> Vec<Vec<usize>> {
    let weight = |r: usize| {
        diagram
            .subtree(r)
            .iter()
            .filter(|&&n| !diagram.nodes[n].is_container())
            .count()
    };
    let total: usize = roots.iter().map(|&r| weight(r)).sum();
    let budget = ((total as f64).sqrt() * 2.5).ceil() as usize;
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for &root in roots {
        let w = weight(root);
        if rows.is_empty() || (used > 0 && used + w > budget) {
            rows.push(Vec::new());
            used = 0;
        }
        used += w;
        if let Some(row) = rows.last_mut() {
            row.push(root);
        }
    }
    rows
}

/// The diagram as a graphviz-rust graph.
pub fn graph(diagram: &Diagram) -> Graph {
    let mut stmts = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr_str("id", trace::VIEW_ID),
            attr("label", html(header_markup(diagram))),
            attr_str("labelloc", "t"),
            attr_str("labeljust", "l"),
            attr_str("rankdir", "TB"),
            attr_str("compound", "true"),
            attr_str("newrank", "true"),
            attr_str("nodesep", "0.3"),
            attr_str("ranksep", "0.45"),
            attr_str("pad", &PAD_INCHES.to_string()),
            attr_str("bgcolor", "white"),
            attr_str("fontname", FONT),
            attr_str("fontcolor", palette::TEXT),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr_str("fontname", FONT),
            attr_str("fontsize", "11"),
            attr_str("fontcolor", palette::TEXT),
            attr_str("penwidth", "1.2"),
            attr_str("margin", "0.14,0.07"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr_str("fontname", FONT),
            attr_str("fontsize", "8.5"),
            attr_str("penwidth", "1.2"),
            attr_str("arrowsize", "0.7"),
        ])),
    ];
    for band in 0..diagram.bands.len() {
        stmts.push(band_statement(diagram, band));
    }
    // Pin the bands in layer order: a separator below each band, under
    // every leaf of the band and above every leaf of the next one. In a
    // large view, where edges between a band's elements do not rank, the
    // band's elements are also wrapped into rows the same way.
    // In a `direction right` view, a row's first element stands for the
    // whole row (they share a rank): separator edges to every element of
    // the row would let `dot` mirror the row's order.
    let mut row_followers: Vec<usize> = Vec::new();
    if diagram.direction == Direction::Right {
        let mut sets: Vec<&[usize]> = diagram.bands.iter().map(|b| b.roots.as_slice()).collect();
        sets.extend(diagram.nodes.iter().map(|n| n.children.as_slice()));
        for set in sets {
            let row = reading_order(diagram, set);
            if row.len() > 1 {
                row_followers.extend(&row[1..]);
            }
        }
    }
    let leaves_of = |roots: &[usize]| -> Vec<usize> {
        roots
            .iter()
            .flat_map(|&r| diagram.subtree(r))
            .filter(|&n| !diagram.nodes[n].is_container() && !row_followers.contains(&n))
            .collect()
    };
    let mut tiers: Vec<(String, Vec<usize>)> = Vec::new();
    for (band, b) in diagram.bands.iter().enumerate() {
        let rows = if diagram.nodes.len() > LARGE_VIEW {
            wrap_roots(diagram, &b.roots)
        } else {
            vec![b.roots.clone()]
        };
        let count = rows.len();
        for (row, roots) in rows.into_iter().enumerate() {
            let name = if row + 1 == count {
                format!("kozo:separator:{band}")
            } else {
                format!("kozo:separator:{band}:{row}")
            };
            tiers.push((name, leaves_of(&roots)));
        }
    }
    for (i, (name, leaves)) in tiers.iter().enumerate() {
        stmts.push(Stmt::Node(DotNode::new(
            NodeId(quoted(name), None),
            vec![
                attr_str("style", "invis"),
                attr_str("shape", "point"),
                attr_str("width", "0"),
                attr_str("height", "0"),
                attr_str("label", ""),
            ],
        )));
        for &leaf in leaves {
            stmts.push(invisible_edge(node_name(diagram, leaf), quoted(name)));
        }
        if let Some((_, next)) = tiers.get(i + 1) {
            for &leaf in next {
                stmts.push(invisible_edge(quoted(name), node_name(diagram, leaf)));
            }
        }
    }
    for index in 0..diagram.edges.len() {
        stmts.push(edge_statement(diagram, index));
    }
    if !diagram.nodes.is_empty() {
        let legend = quoted("kozo:legend");
        stmts.push(Stmt::Node(DotNode::new(
            NodeId(legend.clone(), None),
            vec![
                attr_str("id", trace::LEGEND_ID),
                attr_str("class", "kozo-legend"),
                attr_str("shape", "plain"),
                attr("label", html(legend_markup(diagram))),
            ],
        )));
        if let Some((last, _)) = tiers.last() {
            stmts.push(invisible_edge(quoted(last), legend));
        }
    }
    // Notes stand beside the legend, below the bands.
    for (index, note) in diagram.notes.iter().enumerate() {
        let name = quoted(&format!("kozo:note:{index}"));
        let lines = text::wrap(&note.text, LABEL_WRAP * 1.5, NOTE_SIZE);
        stmts.push(Stmt::Node(DotNode::new(
            NodeId(name.clone(), None),
            vec![
                attr_str("id", &format!("kozo_note_{index}")),
                attr_str("class", "kozo-note"),
                attr_str("shape", "note"),
                attr_str("style", "filled"),
                attr_str("fillcolor", palette::NOTE_FILL),
                attr_str("color", palette::MUTED),
                attr(
                    "label",
                    html(format!(
                        "<FONT POINT-SIZE=\"{NOTE_SIZE}\">{}</FONT>",
                        lines_markup(&lines)
                    )),
                ),
            ],
        )));
        if let Some((last, _)) = tiers.last() {
            stmts.push(invisible_edge(quoted(last), name));
        }
    }
    Graph::DiGraph {
        id: quoted(&diagram.view),
        strict: false,
        stmts,
    }
}

/// The diagram as DOT text.
pub fn to_dot(diagram: &Diagram) -> String {
    let mut ctx = PrinterContext::default();
    let mut out = graph(diagram).print(&mut ctx);
    out.push('\n');
    out
}
