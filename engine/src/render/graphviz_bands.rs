//! Full-width, aligned layer bands in the SVG Graphviz wrote.
//!
//! `dot` draws each layer band as a cluster as wide as its content, so the
//! bands of one view have different widths and are staggered left and
//! right. Their rank ranges never overlap (the band separators of
//! [`super::dot`] see to that), so each band owns a horizontal strip of the
//! drawing. Once `dot` has laid the view out, the page grows to the left by
//! a column for the bands' titles (as in the built-in engine), each band's
//! background is stretched from that column across the whole drawing, the
//! gaps between neighbouring bands are split between them so that the
//! bands meet, and each band's title moves into the column. The view's
//! title moves left with the column's edge. Nothing else moves relative to
//! anything else: elements, edges, their labels and their clipping at
//! container borders stay as `dot` laid them out, so this adds no crossing
//! and hides nothing (bands are drawn first, under everything).
//!
//! The SVG is read line by line in the form Graphviz writes it (one
//! `<g id="…">` per object, its shapes each on one line), as
//! [`super::graphviz::make_traceable`] does. When the page's own lines do
//! not have that form the SVG is left as `dot` drew it; a band whose lines
//! do not is stretched but keeps its title where it was.

use super::diagram::Diagram;
use super::dot;
use super::palette;
use super::text::{self, num};
use super::trace;

/// How far the bands reach into the drawing's padding on the right
/// (points), so that an edge running along the drawing's border still
/// runs inside a band.
const OVERHANG: f64 = 8.0;
/// The space between the title column and the drawing (points).
const COLUMN_GAP: f64 = 8.0;
/// A band title's distance from the band's left edge and top (points).
const TITLE_INSET: f64 = 10.0;
/// The baseline-to-baseline distance of a band title's lines, in sizes.
const TITLE_LINE: f64 = 1.3;
/// Bold text is wider than [`text::text_width`] estimates.
const BOLD: f64 = 1.08;

/// The page as Graphviz wrote it: the lines that size and place it.
struct Page {
    /// The `<svg …>` tag's line holding `width="…"` and the one holding
    /// `viewBox="…"` (Graphviz splits the tag over lines).
    width_line: usize,
    view_box_line: usize,
    /// The root group's line, with its `translate(…)`.
    root_line: usize,
    /// The background polygon's line and its bounds.
    background: usize,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
    /// The lines of the view's title (the graph label's text).
    title: Vec<usize>,
}

/// A band's background as drawn: its lines in the SVG and its rectangle in
/// the SVG's coordinates (y grows downwards).
#[derive(Clone, Debug, PartialEq)]
struct BandBox {
    band: usize,
    /// The index of the `<polygon …>` line.
    polygon: usize,
    /// The indices of the band title's `<text …>` lines.
    texts: Vec<usize>,
    top: f64,
    bottom: f64,
}

/// The SVG `dot` wrote for `diagram`, its layer bands full width, aligned
/// and meeting one another, with their titles in a column at their left;
/// `pad` is the drawing's padding (points).
pub fn widen(svg: &str, diagram: &Diagram, pad: f64) -> String {
    let mut lines: Vec<String> = svg.split_inclusive('\n').map(str::to_string).collect();
    let Some(page) = page(&lines) else {
        return svg.to_string();
    };
    let mut boxes: Vec<BandBox> = (0..diagram.bands.len())
        .filter_map(|band| band_box(&lines, band))
        .collect();
    if boxes.is_empty() {
        return svg.to_string();
    }
    boxes.sort_by(|a, b| a.top.total_cmp(&b.top));
    // Neighbouring bands meet halfway across the gap between them; bands
    // that overlap (which the separators rule out) keep their heights.
    for i in 1..boxes.len() {
        let (above, below) = (boxes[i - 1].bottom, boxes[i].top);
        if above <= below {
            let middle = (above + below) / 2.0;
            boxes[i - 1].bottom = middle;
            boxes[i].top = middle;
        }
    }
    let column = boxes
        .iter()
        .map(|b| {
            let lines = dot::band_label_lines(&diagram.bands[b.band].label);
            text::block_width(&lines, dot::BAND_SIZE) * BOLD
        })
        .fold(0.0, f64::max)
        + 2.0 * TITLE_INSET;
    // The drawing's content starts at x = 0 (Graphviz's coordinates): the
    // column ends a gap before it, and the page grows by what the column
    // needs beyond the padding already there.
    let left = -(column + COLUMN_GAP);
    let right = page.right - pad + OVERHANG;
    let margin = pad - OVERHANG;
    let grow = page.left - (left - margin);
    if !grow.is_finite() || grow < 0.0 || !grow_page(&mut lines, &page, grow) {
        return svg.to_string();
    }
    lines[page.background] = with_attribute(
        &lines[page.background],
        "points",
        &rectangle(left - margin, page.top, page.right, page.bottom),
    );
    let title_x = left + TITLE_INSET;
    let title_shift = page
        .title
        .iter()
        .filter_map(|&t| number_attribute(&lines[t], "x"))
        .fold(f64::INFINITY, f64::min);
    if title_shift.is_finite() {
        for &t in &page.title {
            if let Some(x) = number_attribute(&lines[t], "x") {
                lines[t] = with_attribute(&lines[t], "x", &num(x - title_shift + title_x));
            }
        }
    }
    for b in &boxes {
        draw_band(&mut lines, diagram, b, left, right, column);
    }
    lines.concat()
}

/// Stretches one band, puts a tinted title column and a top rule on it,
/// and moves its title into the column.
fn draw_band(
    lines: &mut [String],
    diagram: &Diagram,
    b: &BandBox,
    left: f64,
    right: f64,
    column: f64,
) {
    let colors = palette::layer(diagram.bands[b.band].color);
    let polygon = &lines[b.polygon];
    let mut drawn = with_attribute(polygon, "points", &rectangle(left, b.top, right, b.bottom));
    drawn.push_str(&format!(
        "<polygon fill=\"{}\" fill-opacity=\"0.55\" stroke=\"transparent\" points=\"{}\"/>\n",
        colors.fill,
        rectangle(left, b.top, left + column, b.bottom)
    ));
    drawn.push_str(&format!(
        "<path fill=\"none\" stroke=\"{}\" stroke-opacity=\"0.35\" d=\"M{},{} L{},{}\"/>\n",
        colors.band_text,
        num(left),
        num(b.top),
        num(right),
        num(b.top)
    ));
    lines[b.polygon] = drawn;
    let mut baseline = b.top + TITLE_INSET;
    for &t in &b.texts {
        baseline += dot::BAND_SIZE * TITLE_LINE;
        let line = with_attribute(&lines[t], "text-anchor", "start");
        let line = with_attribute(&line, "x", &num(left + TITLE_INSET));
        lines[t] = with_attribute(&line, "y", &num(baseline));
    }
}

/// The lines that size and place the page, if they have the form Graphviz
/// writes.
fn page(lines: &[String]) -> Option<Page> {
    let width_line = lines.iter().position(|l| l.starts_with("<svg "))?;
    let view_box_line = (width_line..lines.len().min(width_line + 3))
        .find(|&i| lines[i].contains(" viewBox=\""))?;
    let root_line = lines
        .iter()
        .position(|l| l.starts_with("<g id=\"") && l.contains(" transform=\""))?;
    let background = root_line
        + lines[root_line..]
            .iter()
            .position(|l| l.starts_with("<polygon "))?;
    let (left, top, right, bottom) = bounds(&attribute(&lines[background], "points")?)?;
    let title = lines[background + 1..]
        .iter()
        .take_while(|l| !l.starts_with("<g ") && !l.starts_with("</g>"))
        .enumerate()
        .filter(|(_, l)| l.starts_with("<text "))
        .map(|(i, _)| background + 1 + i)
        .collect();
    Some(Page {
        width_line,
        view_box_line,
        root_line,
        background,
        left,
        top,
        right,
        bottom,
        title,
    })
}

/// Widens the page by `grow` points on the left: the `<svg>` width and
/// view box, and the root group's translation. False, with nothing
/// changed, when a value cannot be read.
fn grow_page(lines: &mut [String], page: &Page, grow: f64) -> bool {
    let Some(width) = attribute(&lines[page.width_line], "width")
        .and_then(|w| w.strip_suffix("pt").and_then(|w| w.parse::<f64>().ok()))
    else {
        return false;
    };
    let Some(view_box) = attribute(&lines[page.view_box_line], "viewBox") else {
        return false;
    };
    let values: Vec<f64> = view_box
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let Some(transform) = attribute(&lines[page.root_line], "transform") else {
        return false;
    };
    let Some(translated) = shift_translate(&transform, grow) else {
        return false;
    };
    if values.len() != 4 {
        return false;
    }
    lines[page.width_line] = with_attribute(
        &lines[page.width_line],
        "width",
        &format!("{}pt", (width + grow).ceil()),
    );
    lines[page.view_box_line] = with_attribute(
        &lines[page.view_box_line],
        "viewBox",
        &format!(
            "{:.2} {:.2} {:.2} {:.2}",
            values[0],
            values[1],
            values[2] + grow,
            values[3]
        ),
    );
    lines[page.root_line] = with_attribute(&lines[page.root_line], "transform", &translated);
    true
}

/// A `… translate(x y)` transform with `x` moved by `by`.
fn shift_translate(transform: &str, by: f64) -> Option<String> {
    let start = transform.find("translate(")? + "translate(".len();
    let end = transform[start..].find(')')? + start;
    let mut parts = transform[start..end].split_whitespace();
    let x: f64 = parts.next()?.parse().ok()?;
    let y = parts.next()?;
    Some(format!(
        "{}{} {}{}",
        &transform[..start],
        num(x + by),
        y,
        &transform[end..]
    ))
}

/// The band `band`'s group: its background polygon (the first shape after
/// the group's title) and its title's text lines.
fn band_box(lines: &[String], band: usize) -> Option<BandBox> {
    let opening = format!("<g id=\"{}\" ", trace::band_id(band));
    let start = lines.iter().position(|l| l.starts_with(&opening))?;
    let mut polygon = None;
    let mut texts = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if line.starts_with("</g>") || line.starts_with("<g ") {
            break;
        }
        if line.starts_with("<polygon ") && polygon.is_none() {
            polygon = Some(i);
        } else if line.starts_with("<text ") && polygon.is_some() {
            texts.push(i);
        }
    }
    let polygon = polygon?;
    let (_, top, _, bottom) = bounds(&attribute(&lines[polygon], "points")?)?;
    Some(BandBox {
        band,
        polygon,
        texts,
        top,
        bottom,
    })
}

/// The value of `name="…"` in one SVG tag line.
fn attribute(line: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = line.find(&key)? + key.len();
    let end = line[start..].find('"')? + start;
    Some(line[start..end].to_string())
}

fn number_attribute(line: &str, name: &str) -> Option<f64> {
    attribute(line, name)?.parse().ok()
}

/// The line with the value of its `name="…"` replaced.
fn with_attribute(line: &str, name: &str, value: &str) -> String {
    let key = format!(" {name}=\"");
    let Some(start) = line.find(&key).map(|s| s + key.len()) else {
        return line.to_string();
    };
    let Some(end) = line[start..].find('"').map(|e| e + start) else {
        return line.to_string();
    };
    format!("{}{value}{}", &line[..start], &line[end..])
}

/// The bounding box `(left, top, right, bottom)` of an SVG point list
/// (`x,y x,y …`).
fn bounds(points: &str) -> Option<(f64, f64, f64, f64)> {
    let mut b = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for pair in points.split_whitespace() {
        let (x, y) = pair.split_once(',')?;
        let (x, y): (f64, f64) = (x.parse().ok()?, y.parse().ok()?);
        b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
    }
    (b.0 <= b.2 && b.1 <= b.3).then_some(b)
}

/// A rectangle as Graphviz writes a cluster's: from the bottom-left corner,
/// up, right, down and back.
fn rectangle(left: f64, top: f64, right: f64, bottom: f64) -> String {
    let (l, t, r, b) = (num(left), num(top), num(right), num(bottom));
    format!("{l},{b} {l},{t} {r},{t} {r},{b} {l},{b}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_and_replaced_in_place() {
        let line = "<text text-anchor=\"middle\" x=\"12.5\" y=\"-3\">a</text>\n";
        assert_eq!(attribute(line, "x").as_deref(), Some("12.5"));
        assert_eq!(number_attribute(line, "y"), Some(-3.0));
        assert_eq!(
            with_attribute(line, "x", "7"),
            "<text text-anchor=\"middle\" x=\"7\" y=\"-3\">a</text>\n"
        );
        assert_eq!(with_attribute(line, "missing", "7"), line);
    }

    #[test]
    fn rectangles_and_translations_round_trip() {
        let points = rectangle(-10.0, -200.5, 300.0, -100.0);
        assert_eq!(points, "-10,-100 -10,-200.5 300,-200.5 300,-100 -10,-100");
        assert_eq!(bounds(&points), Some((-10.0, -200.5, 300.0, -100.0)));
        assert_eq!(bounds("1,2 x"), None);
        assert_eq!(bounds(""), None);
        assert_eq!(
            shift_translate("scale(1 1) rotate(0) translate(21.6 1452.22)", 100.0).as_deref(),
            Some("scale(1 1) rotate(0) translate(121.6 1452.22)")
        );
        assert_eq!(shift_translate("scale(1 1)", 1.0), None);
    }

    #[test]
    fn text_that_is_not_graphviz_svg_is_left_alone() {
        let diagram = Diagram {
            view: "v".to_string(),
            title: "v".to_string(),
            viewpoint: None,
            concerns: Vec::new(),
            bands: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
            legend: Default::default(),
            words: super::super::diagram::Words::for_lang(None),
            source: None,
            direction: super::super::diagram::Direction::Down,
            groups: Vec::new(),
            notes: Vec::new(),
            show: Default::default(),
        };
        for svg in ["", "<svg>", "not svg at all\n<g id=\"kozo_layer_0\" >\n"] {
            assert_eq!(widen(svg, &diagram, 21.6), svg);
        }
    }
}
