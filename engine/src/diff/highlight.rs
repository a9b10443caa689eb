//! Change-highlighted diagrams: a view drawn as it is now, with what the
//! change added marked green, what it changed marked amber, and what it
//! removed drawn as red dashed ghosts where it stood.
//!
//! [`highlight`] merges the view's old and new diagrams into one
//! [`Diagram`]: the new diagram, plus a ghost for every element and edge the
//! old one drew that the new one does not (under renamed paths where an
//! element was renamed). A ghost goes into its old parent when that is still
//! drawn, else into its layer's band, so the layout places it near where it
//! was. [`mark_svg`] then adds the marks to the SVG either engine drew from
//! that diagram: a class on each marked group (found by its traceable `id`,
//! see `render::trace`), a small style sheet, and a legend under the
//! picture. The renderers themselves know nothing of changes.

use rustc_hash::FxHashMap as HashMap;

use super::{Category, ChangeKind, ModelDiff};
use crate::analysis::Analysis;
use crate::render::diagram::{Band, Diagram, Edge};
use crate::render::text::xml_escape;
use crate::render::trace;

/// How a drawn thing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mark {
    Added,
    Changed,
    Removed,
}

impl Mark {
    /// The SVG class that carries the mark.
    pub fn class(self) -> &'static str {
        match self {
            Mark::Added => "kozo-diff-added",
            Mark::Changed => "kozo-diff-changed",
            Mark::Removed => "kozo-diff-removed",
        }
    }
}

/// A merged diagram and the mark of each node and edge (by index).
#[derive(Clone, Debug)]
pub struct Highlighted {
    pub diagram: Diagram,
    pub nodes: Vec<Option<Mark>>,
    pub edges: Vec<Option<Mark>>,
}

impl Highlighted {
    /// True when nothing in the picture is marked.
    pub fn is_unmarked(&self) -> bool {
        self.nodes.iter().chain(&self.edges).all(Option::is_none)
    }
}

/// The views a diff touches, by name, sorted: every view named in an
/// impact (which includes added, removed and changed views).
pub fn touched_views(diff: &ModelDiff) -> Vec<String> {
    let mut views: Vec<String> = diff
        .changes
        .iter()
        .flat_map(|c| c.impact.views.iter().cloned())
        .collect();
    views.sort();
    views.dedup();
    views
}

/// A relationship id without its `#n` repeat counter: the key diagrams use.
fn relationship_key(id: &str) -> &str {
    match id.rfind('#') {
        Some(i) if id[i + 1..].bytes().all(|b| b.is_ascii_digit()) && i + 1 < id.len() => &id[..i],
        _ => id,
    }
}

/// The view named `view` drawn with the changes of `diff` marked, or `None`
/// when neither side has that view.
pub fn highlight(
    old: &Analysis,
    new: &Analysis,
    diff: &ModelDiff,
    view: &str,
    lang: Option<&str>,
) -> Option<Highlighted> {
    let old_view = old.model().view_by_name(view);
    let Some(new_view) = new.model().view_by_name(view) else {
        // The view is gone: its old diagram, all of it a ghost.
        let diagram = crate::render::diagram(old, old_view?, lang);
        return Some(Highlighted {
            nodes: vec![Some(Mark::Removed); diagram.nodes.len()],
            edges: vec![Some(Mark::Removed); diagram.edges.len()],
            diagram,
        });
    };
    let mut diagram = crate::render::diagram(new, new_view, lang);
    let mut element_marks: HashMap<&str, Mark> = HashMap::default();
    let mut relationship_marks: HashMap<&str, Mark> = HashMap::default();
    let mut renamed: HashMap<&str, &str> = HashMap::default();
    for c in &diff.changes {
        let mark = match c.change {
            ChangeKind::Added => Mark::Added,
            ChangeKind::Changed | ChangeKind::Renamed => Mark::Changed,
            ChangeKind::Removed => continue,
        };
        match c.category {
            Category::Element => {
                element_marks.insert(&c.id, mark);
                if let Some(from) = &c.from {
                    renamed.insert(from, &c.id);
                }
            }
            Category::Relationship => {
                let key = relationship_key(&c.id);
                let entry = relationship_marks.entry(key).or_insert(mark);
                if *entry != mark {
                    *entry = Mark::Changed;
                }
            }
            _ => {}
        }
    }
    let mut nodes: Vec<Option<Mark>> = diagram
        .nodes
        .iter()
        .map(|n| element_marks.get(n.path.as_str()).copied())
        .collect();
    let mut edges: Vec<Option<Mark>> = diagram
        .edges
        .iter()
        .map(|e| {
            let marks: Vec<Option<Mark>> = e
                .relationships
                .iter()
                .map(|r| relationship_marks.get(r.key.as_str()).copied())
                .collect();
            if !marks.is_empty() && marks.iter().all(|m| *m == Some(Mark::Added)) {
                Some(Mark::Added)
            } else if marks.iter().any(Option::is_some) {
                Some(Mark::Changed)
            } else {
                None
            }
        })
        .collect();
    if let Some(old_view) = old_view {
        let before = crate::render::diagram(old, old_view, lang);
        add_ghosts(&mut diagram, &before, &renamed, &mut nodes, &mut edges);
    }
    Some(Highlighted {
        diagram,
        nodes,
        edges,
    })
}

/// Adds to `diagram` what `before` drew and it does not, marked removed.
fn add_ghosts(
    diagram: &mut Diagram,
    before: &Diagram,
    renamed: &HashMap<&str, &str>,
    nodes: &mut Vec<Option<Mark>>,
    edges: &mut Vec<Option<Mark>>,
) {
    let now = |p: &str| {
        renamed
            .get(p)
            .map_or_else(|| p.to_string(), |n| n.to_string())
    };
    let mut index: HashMap<String, usize> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.path.clone(), i))
        .collect();
    // Old nodes come parents first (declaration order), so a ghost's
    // parent is placed before the ghost.
    for old in &before.nodes {
        let path = now(&old.path);
        if index.contains_key(&path) {
            continue;
        }
        let parent = old
            .parent
            .and_then(|p| index.get(&now(&before.nodes[p].path)).copied());
        let at = diagram.nodes.len();
        let band = match parent {
            Some(p) => diagram.nodes[p].band,
            None => band_for(diagram, &before.bands[old.band]),
        };
        let mut ghost = old.clone();
        ghost.parent = parent;
        ghost.children = Vec::new();
        ghost.band = band;
        match parent {
            Some(p) => diagram.nodes[p].children.push(at),
            None => diagram.bands[band].roots.push(at),
        }
        diagram.nodes.push(ghost);
        nodes.push(Some(Mark::Removed));
        index.insert(path, at);
    }
    let mut drawn: std::collections::HashSet<(usize, usize, String)> = diagram
        .edges
        .iter()
        .map(|e| (e.source, e.target, e.kind.clone()))
        .collect();
    for old in &before.edges {
        let end = |i: usize| index.get(&now(&before.nodes[i].path)).copied();
        let (Some(source), Some(target)) = (end(old.source), end(old.target)) else {
            continue;
        };
        if source == target || !drawn.insert((source, target, old.kind.clone())) {
            continue;
        }
        let key = format!(
            "{}->{}:{}",
            diagram.nodes[source].path, diagram.nodes[target].path, old.kind
        );
        diagram.edges.push(Edge {
            source,
            target,
            key,
            ..old.clone()
        });
        edges.push(Some(Mark::Removed));
    }
}

/// The band of the merged diagram for a ghost from `old_band`: the band of
/// the same layer, else a new one at the bottom.
fn band_for(diagram: &mut Diagram, old_band: &Band) -> usize {
    if let Some(i) = diagram.bands.iter().position(|b| b.layer == old_band.layer) {
        return i;
    }
    diagram.bands.push(Band {
        roots: Vec::new(),
        ..old_band.clone()
    });
    diagram.bands.len() - 1
}

/// The colours of the marks: green, amber and red that read on white and
/// for the common forms of colour blindness (the ghost is also dashed).
const ADDED: &str = "#1A7F37";
const CHANGED: &str = "#BF8700";
const REMOVED: &str = "#CF222E";

fn style_sheet() -> String {
    let shapes = |class: &str| {
        ["rect", "path", "polygon", "ellipse", "circle"]
            .iter()
            .map(|s| format!(".{class} {s}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "<style>\n{} {{ stroke: {ADDED}; stroke-width: 3px; }}\n{} {{ stroke: {CHANGED}; stroke-width: 3px; }}\n{} {{ stroke: {REMOVED}; stroke-width: 2px; stroke-dasharray: 6 4; }}\n.kozo-diff-removed {{ opacity: 0.6; }}\n.kozo-diff-removed text {{ fill: {REMOVED}; text-decoration: line-through; }}\n</style>\n",
        shapes(Mark::Added.class()),
        shapes(Mark::Changed.class()),
        shapes(Mark::Removed.class())
    )
}

/// The value of attribute `name` in an XML start tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let needle = format!("{name}=\"");
    let mut from = 0;
    while let Some(i) = tag[from..].find(&needle) {
        let at = from + i;
        // A whole attribute name: preceded by white space.
        if tag[..at].ends_with(char::is_whitespace) {
            let start = at + needle.len();
            let end = tag[start..].find('"')? + start;
            return Some(&tag[start..end]);
        }
        from = at + needle.len();
    }
    None
}

/// Replaces the value of attribute `name` in `tag` (which has it).
fn set_attribute(tag: &str, name: &str, value: &str) -> String {
    let needle = format!(" {name}=\"");
    let Some(i) = tag
        .find(&needle)
        .or_else(|| tag.find(&format!("\n{name}=\"")))
    else {
        return tag.to_string();
    };
    let start = i + needle.len();
    let Some(len) = tag[start..].find('"') else {
        return tag.to_string();
    };
    format!("{}{value}{}", &tag[..start], &tag[start + len..])
}

/// A length with its unit (`948pt`): the number and the unit.
fn split_length(text: &str) -> Option<(f64, &str)> {
    let unit_at = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    Some((text[..unit_at].parse().ok()?, &text[unit_at..]))
}

fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The SVG an engine drew from `h.diagram`, with the marks added and a
/// legend under the picture saying what they mean and what was compared.
pub fn mark_svg(svg: &str, h: &Highlighted, compared: &str) -> String {
    let mut out = svg.to_string();
    let marked = |id: String, mark: Option<Mark>, out: &mut String| {
        let Some(mark) = mark else { return };
        let needle = format!("id=\"{id}\" class=\"");
        if let Some(i) = out.find(&needle) {
            out.insert_str(i + needle.len(), &format!("{} ", mark.class()));
        }
    };
    for (i, mark) in h.nodes.iter().enumerate() {
        marked(trace::element_id(i), *mark, &mut out);
    }
    for (i, mark) in h.edges.iter().enumerate() {
        marked(trace::edge_id(i), *mark, &mut out);
    }
    // The root element: grown at the bottom to make room for the legend.
    let Some(open) = out.find("<svg") else {
        return out;
    };
    let Some(close) = out[open..].find('>').map(|i| open + i) else {
        return out;
    };
    let tag = out[open..close].to_string();
    let view_box: Vec<f64> = attribute(&tag, "viewBox")
        .map(|v| {
            v.split(|c: char| c.is_whitespace() || c == ',')
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let [x, y, w, h_box] = view_box[..] else {
        return out;
    };
    const LEGEND: f64 = 44.0;
    let mut new_tag = set_attribute(
        &tag,
        "viewBox",
        &format!("{} {} {} {}", num(x), num(y), num(w), num(h_box + LEGEND)),
    );
    if let Some((height, unit)) = attribute(&tag, "height").and_then(split_length) {
        let grown = height * (h_box + LEGEND) / h_box.max(1.0);
        new_tag = set_attribute(&new_tag, "height", &format!("{}{unit}", num(grown)));
    }
    let mut legend = String::new();
    let top = y + h_box;
    legend.push_str(&format!(
        "<g class=\"kozo-diff-legend\" font-family=\"sans-serif\">\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{LEGEND}\" fill=\"#FFFFFF\"/>\n",
        num(x),
        num(top),
        num(w)
    ));
    let mut cx = x + 12.0;
    let row = top + 26.0;
    for (mark, word, colour, dash) in [
        (Mark::Added, "added", ADDED, ""),
        (Mark::Changed, "changed", CHANGED, ""),
        (
            Mark::Removed,
            "removed",
            REMOVED,
            " stroke-dasharray=\"6 4\"",
        ),
    ] {
        legend.push_str(&format!(
            "<g class=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"22\" height=\"14\" rx=\"2\" fill=\"#FFFFFF\" stroke=\"{colour}\" stroke-width=\"3\"{dash}/></g>\n<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#1F2328\">{word}</text>\n",
            mark.class(),
            num(cx),
            num(row - 11.0),
            num(cx + 28.0),
            num(row)
        ));
        cx += 100.0;
    }
    legend.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#57606A\">{}</text>\n</g>\n",
        num(cx + 10.0),
        num(row),
        xml_escape(compared)
    ));
    let Some(end) = out.rfind("</svg>") else {
        return out;
    };
    out.insert_str(end, &legend);
    out.replace_range(open..close, &new_tag);
    // The style sheet goes first inside the root, before anything it styles.
    let after_root = open + new_tag.len() + 1;
    out.insert_str(after_root, &format!("\n{}", style_sheet()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_counters_are_not_part_of_the_key() {
        assert_eq!(relationship_key("a->b:uses#2"), "a->b:uses");
        assert_eq!(relationship_key("a->b:uses"), "a->b:uses");
        assert_eq!(relationship_key("a->b:uses#"), "a->b:uses#");
    }

    #[test]
    fn attributes_are_read_and_replaced_whole() {
        let tag = "<svg width=\"10pt\" height=\"20pt\"\n viewBox=\"0 0 10 20\" data-height=\"3\"";
        assert_eq!(attribute(tag, "height"), Some("20pt"));
        assert_eq!(attribute(tag, "viewBox"), Some("0 0 10 20"));
        let grown = set_attribute(tag, "viewBox", "0 0 10 64");
        assert!(grown.contains("viewBox=\"0 0 10 64\""), "{grown}");
        assert_eq!(split_length("948pt"), Some((948.0, "pt")));
        assert_eq!(split_length("948"), Some((948.0, "")));
    }
}
