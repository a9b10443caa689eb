//! Measures how readable a built-in SVG is, on the SVG itself: lines through
//! unrelated boxes, overlapping labels, labels on boxes, overlapping boxes
//! and line crossings. The definitions follow the project's diagram quality
//! measure, so the counts a test holds match what a reader of the SVG finds:
//! an element's box is its group's first shape, a relationship's line is its
//! group's `path` and its label the group's `rect`, and a box is "related" to
//! a relationship when it is one of its ends or an ancestor of one.

use std::collections::BTreeMap;

/// The counts for one diagram (or a sum of them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quality {
    pub elements: usize,
    pub relationships: usize,
    /// Relationship lines passing through the box of an unrelated element.
    pub through: usize,
    /// Pairs of relationship labels that overlap.
    pub label_label: usize,
    /// Labels overlapping an unrelated element's box they are not inside.
    pub label_box: usize,
    /// Pairs of element boxes that overlap without one holding the other.
    pub box_box: usize,
    /// Pairs of relationship lines (with no end in common) that cross.
    pub crossings: usize,
}

impl std::ops::AddAssign for Quality {
    fn add_assign(&mut self, o: Quality) {
        self.elements += o.elements;
        self.relationships += o.relationships;
        self.through += o.through;
        self.label_label += o.label_label;
        self.label_box += o.label_box;
        self.box_box += o.box_box;
        self.crossings += o.crossings;
    }
}

type P = (f64, f64);
/// x, y, width, height.
type R = (f64, f64, f64, f64);

fn tokens(d: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    for c in d.chars() {
        if c.is_ascii_alphabetic() && c != 'e' {
            flush(&mut cur, &mut out);
            out.push(c.to_string());
        } else if c == '-' && !cur.ends_with('e') {
            flush(&mut cur, &mut out);
            cur.push(c);
        } else if c.is_ascii_digit() || c == '.' || c == 'e' || c == '-' {
            cur.push(c);
        } else {
            flush(&mut cur, &mut out);
        }
    }
    flush(&mut cur, &mut out);
    out
}

fn cubic(p0: P, p1: P, p2: P, p3: P, out: &mut Vec<P>) {
    let span = (p3.0 - p0.0).abs()
        + (p3.1 - p0.1).abs()
        + (p1.0 - p0.0).abs()
        + (p1.1 - p0.1).abs()
        + (p2.0 - p3.0).abs()
        + (p2.1 - p3.1).abs();
    let n = ((span / 3.0) as usize).max(16);
    for i in 1..=n {
        let t = i as f64 / n as f64;
        let u = 1.0 - t;
        out.push((
            u * u * u * p0.0 + 3.0 * u * u * t * p1.0 + 3.0 * u * t * t * p2.0 + t * t * t * p3.0,
            u * u * u * p0.1 + 3.0 * u * u * t * p1.1 + 3.0 * u * t * t * p2.1 + t * t * t * p3.1,
        ));
    }
}

fn line(from: P, to: P, out: &mut Vec<P>) {
    let n = (((to.0 - from.0).abs() + (to.1 - from.1).abs()) / 3.0) as usize;
    let n = n.max(1);
    for k in 1..=n {
        let f = k as f64 / n as f64;
        out.push((from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f));
    }
}

/// Points along a path's absolute `M L H V C Q A` commands, about 3 px apart.
fn path_points(d: &str) -> Vec<P> {
    let toks = tokens(d);
    let mut pts = Vec::new();
    let mut cur = (0.0, 0.0);
    let mut i = 0;
    let mut cmd = ' ';
    let num = |i: &mut usize| -> f64 {
        let v = toks.get(*i).and_then(|t| t.parse().ok()).unwrap_or(0.0);
        *i += 1;
        v
    };
    while i < toks.len() {
        if let Some(c) = toks[i].chars().next().filter(|c| c.is_ascii_alphabetic()) {
            cmd = c;
            i += 1;
            if matches!(cmd, 'Z' | 'z') {
                continue;
            }
        }
        match cmd {
            'M' => {
                cur = (num(&mut i), num(&mut i));
                pts.push(cur);
            }
            'L' => {
                let next = (num(&mut i), num(&mut i));
                line(cur, next, &mut pts);
                cur = next;
            }
            'H' => {
                let next = (num(&mut i), cur.1);
                line(cur, next, &mut pts);
                cur = next;
            }
            'V' => {
                let next = (cur.0, num(&mut i));
                line(cur, next, &mut pts);
                cur = next;
            }
            'C' => {
                let p1 = (num(&mut i), num(&mut i));
                let p2 = (num(&mut i), num(&mut i));
                let p3 = (num(&mut i), num(&mut i));
                cubic(cur, p1, p2, p3, &mut pts);
                cur = p3;
            }
            'Q' => {
                let q = (num(&mut i), num(&mut i));
                let p3 = (num(&mut i), num(&mut i));
                let c1 = (
                    cur.0 + 2.0 / 3.0 * (q.0 - cur.0),
                    cur.1 + 2.0 / 3.0 * (q.1 - cur.1),
                );
                let c2 = (
                    p3.0 + 2.0 / 3.0 * (q.0 - p3.0),
                    p3.1 + 2.0 / 3.0 * (q.1 - p3.1),
                );
                cubic(cur, c1, c2, p3, &mut pts);
                cur = p3;
            }
            'A' => {
                // Radii, rotation and flags, then the end point.
                i += 5;
                cur = (num(&mut i), num(&mut i));
                pts.push(cur);
            }
            _ => i += 1,
        }
    }
    pts
}

fn attr(node: &roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

fn rect_of(node: &roxmltree::Node) -> R {
    (
        attr(node, "x"),
        attr(node, "y"),
        attr(node, "width"),
        attr(node, "height"),
    )
}

fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// The bounding box of an element group's first shape.
fn shape_box(g: &roxmltree::Node) -> Option<R> {
    if let Some(r) = g.children().find(|c| c.has_tag_name("rect")) {
        return Some(rect_of(&r));
    }
    for shape in g.children().filter(|c| c.is_element()) {
        let coords: Vec<f64> = match shape.tag_name().name() {
            "path" => path_points(shape.attribute("d").unwrap_or(""))
                .into_iter()
                .flat_map(|(x, y)| [x, y])
                .collect(),
            "polygon" => numbers(shape.attribute("points").unwrap_or("")),
            "ellipse" => {
                let (cx, cy) = (attr(&shape, "cx"), attr(&shape, "cy"));
                let (rx, ry) = (attr(&shape, "rx"), attr(&shape, "ry"));
                vec![cx - rx, cy - ry, cx + rx, cy + ry]
            }
            _ => Vec::new(),
        };
        if coords.len() >= 4 {
            let xs = coords.iter().step_by(2);
            let ys = coords.iter().skip(1).step_by(2);
            let (x0, x1) = xs.fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
            let (y0, y1) = ys.fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
            return Some((x0, y0, x1 - x0, y1 - y0));
        }
    }
    None
}

fn inside(p: P, r: R) -> bool {
    let m = 3.0;
    r.0 + m < p.0 && p.0 < r.0 + r.2 - m && r.1 + m < p.1 && p.1 < r.1 + r.3 - m
}

fn overlap(a: R, b: R) -> bool {
    let m = 1.0;
    a.0 + m < b.0 + b.2 && b.0 + m < a.0 + a.2 && a.1 + m < b.1 + b.3 && b.1 + m < a.1 + a.3
}

fn contains(a: R, b: R) -> bool {
    a.0 <= b.0 + 0.5
        && a.1 <= b.1 + 0.5
        && b.0 + b.2 <= a.0 + a.2 + 0.5
        && b.1 + b.3 <= a.1 + a.3 + 0.5
}

fn segments_cross(p1: P, p2: P, p3: P, p4: P) -> bool {
    let o = |a: P, b: P, c: P| (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
    let (d1, d2, d3, d4) = (o(p3, p4, p1), o(p3, p4, p2), o(p1, p2, p3), o(p1, p2, p4));
    (d1 > 0.0) != (d2 > 0.0)
        && (d3 > 0.0) != (d4 > 0.0)
        && d1.abs().min(d2.abs()).min(d3.abs()).min(d4.abs()) > 1e-6
}

/// A relationship as read from the SVG: its ends, line and label box.
struct Line {
    source: String,
    target: String,
    points: Vec<P>,
    label: Option<R>,
}

fn ends(key: &str) -> (String, String) {
    // `source->target:kind`; paths hold no `->` or `:`.
    let (source, rest) = key.split_once("->").unwrap_or(("", ""));
    let target = rest.split(':').next().unwrap_or("");
    (source.to_string(), target.to_string())
}

fn related(name: &str, end: &str) -> bool {
    end == name || (end.starts_with(name) && end[name.len()..].starts_with('.'))
}

/// Measures one built-in SVG.
pub fn measure(svg: &str) -> Quality {
    let Ok(doc) = roxmltree::Document::parse(svg) else {
        return Quality::default();
    };
    let mut boxes: BTreeMap<String, R> = BTreeMap::new();
    let mut lines: Vec<Line> = Vec::new();
    for g in doc.descendants().filter(|n| n.has_tag_name("g")) {
        let class = g.attribute("class").unwrap_or("");
        let path = g.attribute("data-kozo-path").unwrap_or("");
        if class.split(' ').any(|c| c == "kozo-element") {
            if let Some(r) = shape_box(&g) {
                boxes.insert(path.to_string(), r);
            }
        } else if class.split(' ').any(|c| c == "kozo-relationship") {
            let (source, target) = ends(path);
            let points = g
                .children()
                .find(|c| c.has_tag_name("path"))
                .map(|p| path_points(p.attribute("d").unwrap_or("")))
                .unwrap_or_default();
            let label = g
                .children()
                .find(|c| c.has_tag_name("rect"))
                .map(|r| rect_of(&r));
            lines.push(Line {
                source,
                target,
                points,
                label,
            });
        }
    }
    let unrelated = |name: &str, l: &Line| !related(name, &l.source) && !related(name, &l.target);
    let mut q = Quality {
        elements: boxes.len(),
        relationships: lines.len(),
        ..Quality::default()
    };
    for l in &lines {
        for (name, &r) in &boxes {
            if unrelated(name, l) && l.points.iter().any(|&p| inside(p, r)) {
                q.through += 1;
            }
        }
    }
    let labelled: Vec<(&Line, R)> = lines.iter().filter_map(|l| Some((l, l.label?))).collect();
    for (i, &(l, a)) in labelled.iter().enumerate() {
        q.label_label += labelled[i + 1..]
            .iter()
            .filter(|(_, b)| overlap(a, *b))
            .count();
        for (name, &r) in &boxes {
            if unrelated(name, l) && overlap(a, r) && !contains(r, a) {
                q.label_box += 1;
            }
        }
    }
    let rects: Vec<R> = boxes.values().copied().collect();
    for (i, &a) in rects.iter().enumerate() {
        for &b in &rects[i + 1..] {
            if overlap(a, b) && !contains(a, b) && !contains(b, a) {
                q.box_box += 1;
            }
        }
    }
    // Crossings on a coarser polyline (every fifth sample, about 15 px).
    let coarse: Vec<Vec<P>> = lines
        .iter()
        .map(|l| {
            let mut c: Vec<P> = l.points.iter().step_by(5).copied().collect();
            if let Some(&last) = l.points.last() {
                c.push(last);
            }
            c
        })
        .collect();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            let (a, b) = (&lines[i], &lines[j]);
            if [&b.source, &b.target].contains(&&a.source)
                || [&b.source, &b.target].contains(&&a.target)
            {
                continue;
            }
            let hit = coarse[i].windows(2).any(|s| {
                coarse[j]
                    .windows(2)
                    .any(|t| segments_cross(s[0], s[1], t[0], t[1]))
            });
            if hit {
                q.crossings += 1;
            }
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg">
<g class="kozo-element" data-kozo-path="a"><rect x="0" y="0" width="100" height="40"/></g>
<g class="kozo-element" data-kozo-path="b"><rect x="0" y="200" width="100" height="40"/></g>
<g class="kozo-element" data-kozo-path="c"><rect x="0" y="100" width="100" height="40"/></g>
<g class="kozo-element" data-kozo-path="d"><rect x="300" y="100" width="100" height="40"/></g>
<g class="kozo-relationship" data-kozo-path="a-&gt;b:flows"><path d="M50 40 L50 200"/><rect x="40" y="60" width="30" height="12"/></g>
<g class="kozo-relationship" data-kozo-path="c-&gt;d:flows"><path d="M0 160 H400"/><rect x="45" y="64" width="30" height="12"/></g>
</svg>"##;

    #[test]
    fn counts_lines_through_boxes_crossings_and_label_overlaps() {
        let q = measure(SVG);
        assert_eq!(q.elements, 4);
        assert_eq!(q.relationships, 2);
        // a->b runs straight through c.
        assert_eq!(q.through, 1);
        assert_eq!(q.crossings, 1);
        assert_eq!(q.label_label, 1);
        assert_eq!(q.label_box, 0);
        assert_eq!(q.box_box, 0);
    }

    #[test]
    fn reads_curves_and_ancestors() {
        assert!(related("bms", "bms.edge_gw"));
        assert!(!related("bms", "bms2"));
        let pts = path_points("M0 0 C10 0 20 10 30 10 L30 40 V50 H60");
        assert_eq!(pts.first(), Some(&(0.0, 0.0)));
        assert_eq!(pts.last(), Some(&(60.0, 50.0)));
        assert_eq!(
            tokens("M-1.5e-3 2L3-4"),
            ["M", "-1.5e-3", "2", "L", "3", "-4"]
        );
    }
}
