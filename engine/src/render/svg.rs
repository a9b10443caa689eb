//! The built-in engine's SVG: the [`layout`](super::layout) drawn with plain
//! SVG 1.1 shapes and presentation attributes (no CSS, no scripts, no
//! external resources), so it looks the same in browsers, editors and
//! converters, and prints on A4.

use std::fmt::Write as _;

use super::diagram::Diagram;
use super::diagram::{Head, LineStyle, Notation};
use super::layout::{
    self, EdgeGeom, GroupGeom, LegendGeom, Mark, NodeGeom, NoteGeom, Rect, Segment,
};
use super::palette;
use super::text::{num, xml_escape};
use super::trace;
use crate::model::Shape;

fn text_line(out: &mut String, x: f64, y: f64, size: f64, anchor: &str, style: &str, text: &str) {
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\"{style}>{}</text>",
        num(x),
        num(y),
        num(size),
        xml_escape(text)
    );
}

fn shape(out: &mut String, shape: Shape, r: &Rect, fill: &str, stroke: &str) {
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.2\"");
    match shape {
        Shape::Box => {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" {paint}/>",
                num(x),
                num(y),
                num(w),
                num(h)
            );
        }
        Shape::Rounded => {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\" {paint}/>",
                num(x),
                num(y),
                num(w),
                num(h)
            );
        }
        Shape::Person => {
            let radius = (h / 2.0).min(20.0);
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {paint}/>",
                num(x),
                num(y),
                num(w),
                num(h),
                num(radius)
            );
            if h < 24.0 {
                // A legend sample: the rounded outline alone.
                return;
            }
            // Head and shoulders.
            let (cx, cy) = (x + 18.0, r.cy());
            let _ = writeln!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{stroke}\"/>",
                num(cx),
                num(cy - 6.0)
            );
            let _ = writeln!(
                out,
                "<path d=\"M{} {} a8 7 0 0 1 16 0 z\" fill=\"{stroke}\"/>",
                num(cx - 8.0),
                num(cy + 8.0)
            );
        }
        Shape::Component => {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" {paint}/>",
                num(x),
                num(y),
                num(w),
                num(h)
            );
            // Two tabs on the left edge; smaller on a legend sample.
            let (tw, th) = if h < 24.0 { (8.0, 4.0) } else { (14.0, 8.0) };
            for f in [0.22, 0.6] {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {paint}/>",
                    num(x - tw * 0.36),
                    num(y + h * f),
                    num(tw),
                    num(th)
                );
            }
        }
        Shape::Folder => {
            let tab = (w * 0.35).min(48.0);
            let _ = writeln!(
                out,
                "<path d=\"M{} {} V{} H{} L{} {} H{} V{} Z\" {paint}/>",
                num(x),
                num(y + h),
                num(y),
                num(x + tab - 6.0),
                num(x + tab),
                num(y + 6.0),
                num(x + w),
                num(y + h)
            );
        }
        Shape::Cylinder => {
            let ry = (h * 0.2).min(6.0);
            let _ = writeln!(
                out,
                "<path d=\"M{} {} V{} A{} {} 0 0 0 {} {} V{} Z\" {paint}/>",
                num(x),
                num(y + ry),
                num(y + h - ry),
                num(w / 2.0),
                num(ry),
                num(x + w),
                num(y + h - ry),
                num(y + ry)
            );
            let _ = writeln!(
                out,
                "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {paint}/>",
                num(r.cx()),
                num(y + ry),
                num(w / 2.0),
                num(ry)
            );
        }
        Shape::Hexagon => {
            let i = (w * 0.2).min(14.0);
            let _ = writeln!(
                out,
                "<polygon points=\"{},{} {},{} {},{} {},{} {},{} {},{}\" {paint}/>",
                num(x + i),
                num(y),
                num(x + w - i),
                num(y),
                num(x + w),
                num(r.cy()),
                num(x + w - i),
                num(y + h),
                num(x + i),
                num(y + h),
                num(x),
                num(r.cy())
            );
        }
    }
}

fn group_open(out: &mut String, id: &str, t: &trace::Trace) {
    let _ = writeln!(
        out,
        "<g id=\"{id}\" class=\"{}\"{}>",
        t.class,
        t.attributes_xml()
    );
    out.push_str(&t.title_xml());
    out.push('\n');
}

fn element(out: &mut String, diagram: &Diagram, index: usize, g: &NodeGeom) {
    let node = &diagram.nodes[index];
    let colors = palette::layer(node.color);
    group_open(
        out,
        &trace::element_id(index),
        &trace::element(diagram, index),
    );
    let muted = format!(" fill=\"{}\"", palette::MUTED);
    if node.is_container() {
        let r = g.rect;
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"/>",
            num(r.x), num(r.y), num(r.w), num(r.h), palette::CONTAINER_FILL, colors.stroke
        );
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"6\" height=\"{}\" fill=\"{}\"/>",
            num(r.x + 1.0),
            num(r.y + 10.0),
            num((g.header - 20.0).max(8.0)),
            colors.fill
        );
        let mut y = r.y + 10.0;
        for line in &g.label {
            y += layout::LABEL_LINE;
            text_line(
                out,
                r.x + 14.0,
                y - 3.5,
                layout::LABEL_SIZE,
                "start",
                " font-weight=\"bold\"",
                line,
            );
        }
        y += layout::KIND_LINE;
        text_line(
            out,
            r.x + 14.0,
            y - 3.0,
            layout::KIND_SIZE,
            "start",
            &muted,
            &g.kind,
        );
        description(out, &g.description, r.x + 14.0, y, "start");
    } else {
        shape(out, node.shape, &g.rect, colors.fill, colors.stroke);
        let (l, t, r, b) = layout::shape_padding(node.shape);
        let rect = g.rect;
        let cx = rect.x + l + (rect.w - l - r) / 2.0;
        let block = g.label.len() as f64 * layout::LABEL_LINE
            + layout::KIND_LINE
            + layout::description_height(&g.description);
        let mut y = rect.y + t + ((rect.h - t - b) - block) / 2.0;
        for line in &g.label {
            y += layout::LABEL_LINE;
            text_line(out, cx, y - 3.5, layout::LABEL_SIZE, "middle", "", line);
        }
        y += layout::KIND_LINE;
        text_line(
            out,
            cx,
            y - 3.0,
            layout::KIND_SIZE,
            "middle",
            &muted,
            &g.kind,
        );
        description(out, &g.description, cx, y, "middle");
    }
    out.push_str("</g>\n");
}

/// A box's description, its lines below `top` (the kind line's bottom).
fn description(out: &mut String, lines: &[String], x: f64, top: f64, anchor: &str) {
    let mut y = top + layout::DESCRIPTION_GAP;
    let style = format!(" fill=\"{}\"", palette::DESCRIPTION);
    for line in lines {
        y += layout::DESCRIPTION_LINE;
        text_line(
            out,
            x,
            y - 3.0,
            layout::DESCRIPTION_SIZE,
            anchor,
            &style,
            line,
        );
    }
}

fn edge(out: &mut String, diagram: &Diagram, index: usize, g: &EdgeGeom) {
    let e = &diagram.edges[index];
    let color = palette::relation(e.color);
    group_open(out, &trace::edge_id(index), &trace::edge(diagram, index));
    let dash = line_style(e.notation.line, e.implied);
    let mut d = format!("M{} {}", num(g.from.x), num(g.from.y));
    for segment in &g.path {
        match *segment {
            Segment::Cubic(c1, c2, end) => {
                let _ = write!(
                    d,
                    " C{} {} {} {} {} {}",
                    num(c1.x),
                    num(c1.y),
                    num(c2.x),
                    num(c2.y),
                    num(end.x),
                    num(end.y)
                );
            }
            Segment::Line(end) => {
                let _ = write!(d, " L{} {}", num(end.x), num(end.y));
            }
        }
    }
    let _ = writeln!(
        out,
        "<path d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.3\"{dash}/>"
    );
    mark(out, e.notation.head, g.head, color);
    mark(out, e.notation.tail, g.tail, color);
    let r = g.label_box;
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"#FFFFFF\" fill-opacity=\"0.88\"/>",
        num(r.x), num(r.y), num(r.w), num(r.h)
    );
    let style = format!(" fill=\"{color}\"");
    let mut y = r.y + 2.0;
    for line in &g.label {
        y += layout::EDGE_LINE;
        text_line(
            out,
            r.cx(),
            y - 3.0,
            layout::EDGE_SIZE,
            "middle",
            &style,
            line,
        );
    }
    out.push_str("</g>\n");
}

/// The stroke attributes of a line style. An implied edge of a solid kind
/// is dashed (the legend says so); one of a dashed or dotted kind keeps
/// its kind's pattern.
fn line_style(line: LineStyle, implied: bool) -> &'static str {
    match line {
        LineStyle::Dashed => " stroke-dasharray=\"7 4\"",
        LineStyle::Dotted => " stroke-dasharray=\"1.5 3\" stroke-linecap=\"round\"",
        LineStyle::Solid if implied => " stroke-dasharray=\"6 4\"",
        LineStyle::Solid => "",
    }
}

/// Draws an end mark with its tip at `m.tip`, the line arriving along
/// `m.dir`.
fn mark(out: &mut String, head: Head, m: Mark, color: &str) {
    let (dx, dy) = m.dir;
    let tip = m.tip;
    // A point `back` behind the tip and `side` to its left.
    let at = |back: f64, side: f64| (tip.x - dx * back - dy * side, tip.y - dy * back + dx * side);
    let polygon = |out: &mut String, points: &[(f64, f64)], fill: &str| {
        let list: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            out,
            "<polygon points=\"{}\" fill=\"{fill}\" stroke=\"{color}\" stroke-width=\"1.2\" stroke-linejoin=\"round\"/>",
            list.join(" ")
        );
    };
    match head {
        Head::None => {}
        Head::Arrow => polygon(out, &[at(0.0, 0.0), at(9.0, 4.0), at(9.0, -4.0)], color),
        Head::Triangle => polygon(out, &[at(0.0, 0.0), at(11.0, 5.5), at(11.0, -5.5)], color),
        Head::HollowTriangle => polygon(
            out,
            &[at(0.0, 0.0), at(11.0, 6.0), at(11.0, -6.0)],
            "#FFFFFF",
        ),
        Head::Diamond => polygon(
            out,
            &[at(0.0, 0.0), at(7.0, 4.5), at(14.0, 0.0), at(7.0, -4.5)],
            color,
        ),
        Head::HollowDiamond => polygon(
            out,
            &[at(0.0, 0.0), at(7.0, 4.5), at(14.0, 0.0), at(7.0, -4.5)],
            "#FFFFFF",
        ),
        Head::Circle => {
            let (cx, cy) = at(4.0, 0.0);
            let _ = writeln!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{color}\"/>",
                num(cx),
                num(cy)
            );
        }
        Head::Open => {
            let (a, b) = (at(10.0, 5.0), at(10.0, -5.0));
            let _ = writeln!(
                out,
                "<polyline points=\"{},{} {},{} {},{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.3\"/>",
                num(a.0),
                num(a.1),
                num(tip.x),
                num(tip.y),
                num(b.0),
                num(b.1)
            );
        }
    }
}

fn legend(out: &mut String, diagram: &Diagram, g: &LegendGeom) {
    let _ = writeln!(out, "<g id=\"{}\" class=\"kozo-legend\">", trace::LEGEND_ID);
    let _ = writeln!(out, "<title>{}</title>", xml_escape(diagram.words.legend));
    let r = g.rect;
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#FFFFFF\" stroke=\"#C9CED4\"/>",
        num(r.x), num(r.y), num(r.w), num(r.h)
    );
    text_line(
        out,
        r.x + 14.0,
        r.y + 14.0 + layout::LEGEND_SIZE,
        layout::LEGEND_SIZE + 1.0,
        "start",
        " font-weight=\"bold\"",
        diagram.words.legend,
    );
    let muted = format!(" fill=\"{}\" font-weight=\"bold\"", palette::MUTED);
    if let Some(p) = g.kinds_heading {
        text_line(
            out,
            p.x,
            p.y,
            layout::LEGEND_SIZE - 0.5,
            "start",
            &muted,
            diagram.words.kinds,
        );
    }
    for item in &g.kinds {
        let Some(kind) = item.index.and_then(|i| diagram.legend.kinds.get(i)) else {
            continue;
        };
        let c = palette::layer(kind.color);
        let sample = Rect {
            x: item.at.x + 3.0,
            y: item.at.y - 8.0,
            w: 26.0,
            h: 16.0,
        };
        shape(out, kind.shape, &sample, c.fill, c.stroke);
        text_line(
            out,
            item.at.x + 36.0,
            item.at.y + 4.0,
            layout::LEGEND_SIZE,
            "start",
            "",
            &item.text,
        );
    }
    if let Some(p) = g.relations_heading {
        text_line(
            out,
            p.x,
            p.y,
            layout::LEGEND_SIZE - 0.5,
            "start",
            &muted,
            diagram.words.relations,
        );
    }
    for item in &g.relations {
        let (color, notation, implied) =
            match item.index.and_then(|i| diagram.legend.relations.get(i)) {
                Some(rel) => (palette::relation(rel.color), rel.notation, false),
                None => (palette::MUTED, Notation::default(), true),
            };
        let dash = line_style(notation.line, implied);
        let (x, y) = (item.at.x, item.at.y);
        let (start, end) = (x + 2.0, x + 36.0);
        let _ = writeln!(
            out,
            "<path d=\"M{} {} H{}\" stroke=\"{color}\" stroke-width=\"1.3\"{dash}/>",
            num(start + layout::mark_length(notation.tail)),
            num(y),
            num(end - layout::mark_length(notation.head))
        );
        let tip = |x: f64| layout::Point { x, y };
        mark(
            out,
            notation.head,
            Mark {
                tip: tip(end),
                dir: (1.0, 0.0),
            },
            color,
        );
        mark(
            out,
            notation.tail,
            Mark {
                tip: tip(start),
                dir: (-1.0, 0.0),
            },
            color,
        );
        text_line(
            out,
            x + 44.0,
            y + 4.0,
            layout::LEGEND_SIZE,
            "start",
            "",
            &item.text,
        );
    }
    out.push_str("</g>\n");
}

/// A view's `group`: a dashed frame with its title in the top-left corner.
fn group_frame(out: &mut String, diagram: &Diagram, index: usize, g: &GroupGeom) {
    let Some(group) = diagram.groups.get(index) else {
        return;
    };
    let _ = write!(
        out,
        "<g id=\"kozo-group-{index}\" class=\"kozo-group\" data-kozo-group=\"{}\"",
        xml_escape(&group.name)
    );
    if let Some(source) = &group.source {
        let _ = write!(
            out,
            " data-kozo-source=\"{}\"",
            xml_escape(&source.to_string())
        );
    }
    out.push_str(">\n");
    let _ = writeln!(out, "<title>{}</title>", xml_escape(&group.label));
    let r = g.rect;
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>",
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h),
        palette::GROUP_STROKE
    );
    let style = format!(" font-weight=\"bold\" fill=\"{}\"", palette::GROUP_STROKE);
    for line in &g.label {
        text_line(
            out,
            r.x + 8.0,
            r.y + 13.0,
            layout::GROUP_SIZE,
            "start",
            &style,
            line,
        );
    }
    out.push_str("</g>\n");
}

/// A `note`: a folded-corner box with its text.
fn note_box(out: &mut String, diagram: &Diagram, index: usize, g: &NoteGeom) {
    let _ = write!(out, "<g id=\"kozo-note-{index}\" class=\"kozo-note\"");
    if let Some(source) = diagram.notes.get(index).and_then(|n| n.source.as_ref()) {
        let _ = write!(
            out,
            " data-kozo-source=\"{}\"",
            xml_escape(&source.to_string())
        );
    }
    out.push_str(">\n");
    let r = g.rect;
    let fold = layout::NOTE_FOLD;
    let _ = writeln!(
        out,
        "<path d=\"M{} {} H{} L{} {} V{} H{} Z\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>",
        num(r.x),
        num(r.y),
        num(r.right() - fold),
        num(r.right()),
        num(r.y + fold),
        num(r.bottom()),
        num(r.x),
        palette::NOTE_FILL,
        palette::NOTE_STROKE
    );
    let _ = writeln!(
        out,
        "<path d=\"M{} {} V{} H{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\"/>",
        num(r.right() - fold),
        num(r.y),
        num(r.y + fold),
        num(r.right()),
        palette::NOTE_STROKE
    );
    let mut y = r.y + 9.0;
    for line in &g.lines {
        y += layout::NOTE_LINE;
        text_line(
            out,
            r.x + 10.0,
            y - 3.5,
            layout::NOTE_SIZE,
            "start",
            "",
            line,
        );
    }
    out.push_str("</g>\n");
}

/// The diagram as SVG, laid out by the built-in engine.
pub fn render(diagram: &Diagram) -> String {
    let l = layout::layout(diagram);
    let mut out = String::with_capacity(4096 + diagram.nodes.len() * 900);
    let view = trace::view(diagram);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" font-family=\"{}\" fill=\"{}\" role=\"img\" data-kozo-view=\"{}\">",
        num(l.width), num(l.height), num(l.width), num(l.height),
        xml_escape(palette::FONT_FAMILY), palette::TEXT, xml_escape(&diagram.view)
    );
    let _ = writeln!(
        out,
        "<g id=\"{}\" class=\"{}\"{}>",
        trace::VIEW_ID,
        view.class,
        view.attributes_xml()
    );
    out.push_str(&view.title_xml());
    out.push('\n');
    let _ = writeln!(
        out,
        "<rect width=\"{}\" height=\"{}\" fill=\"#FFFFFF\"/>",
        num(l.width),
        num(l.height)
    );

    out.push_str("<g class=\"kozo-header\">\n");
    for line in &l.header {
        let mut style = String::new();
        if line.bold {
            style.push_str(" font-weight=\"bold\"");
        }
        if line.muted {
            let _ = write!(style, " fill=\"{}\"", palette::MUTED);
        }
        text_line(
            &mut out,
            layout::MARGIN,
            line.baseline,
            line.size,
            "start",
            &style,
            &line.text,
        );
    }
    out.push_str("</g>\n");

    for (b, band) in l.bands.iter().enumerate() {
        let c = palette::layer(diagram.bands[b].color);
        group_open(&mut out, &trace::band_id(b), &trace::band(diagram, b));
        let r = band.rect;
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h),
            c.band
        );
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"0.55\"/>",
            num(r.x), num(r.y), num(l.gutter - 8.0), num(r.h), c.fill
        );
        let _ = writeln!(
            out,
            "<path d=\"M{} {} H{}\" stroke=\"{}\" stroke-opacity=\"0.35\"/>",
            num(r.x),
            num(r.y),
            num(r.right()),
            c.band_text
        );
        let style = format!(" font-weight=\"bold\" fill=\"{}\"", c.band_text);
        let mut y = r.y + 14.0;
        for line in &band.label {
            y += layout::BAND_SIZE * 1.3;
            text_line(
                &mut out,
                r.x + 12.0,
                y,
                layout::BAND_SIZE,
                "start",
                &style,
                line,
            );
        }
        out.push_str("</g>\n");
    }

    // Containers first (outermost first), then group frames (over a
    // container's fill), then leaves, then edges on top.
    let mut containers: Vec<usize> = (0..diagram.nodes.len())
        .filter(|&i| diagram.nodes[i].is_container())
        .collect();
    containers.sort_by_key(|&i| (diagram.ancestors_and_self(i).len(), i));
    for i in containers {
        element(&mut out, diagram, i, &l.nodes[i]);
    }
    for (index, g) in l.groups.iter().enumerate() {
        group_frame(&mut out, diagram, index, g);
    }
    for i in (0..diagram.nodes.len()).filter(|&i| !diagram.nodes[i].is_container()) {
        element(&mut out, diagram, i, &l.nodes[i]);
    }
    for (i, g) in l.edges.iter().enumerate() {
        edge(&mut out, diagram, i, g);
    }
    for (index, note) in l.notes.iter().enumerate() {
        note_box(&mut out, diagram, index, note);
    }
    if let Some(g) = &l.legend {
        legend(&mut out, diagram, g);
    }
    out.push_str("</g>\n</svg>\n");
    out
}
