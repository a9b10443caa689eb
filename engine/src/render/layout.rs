//! The built-in layout: pure Rust, nothing to install, made for what an
//! architecture view is rather than for general graphs.
//!
//! 1. Sizes, bottom-up: a leaf fits its wrapped label and kind (full-width
//!    characters count double); a container fits a header and its children,
//!    laid out in rows by the edges between them (longest-path layering,
//!    at most four to a row).
//! 2. Bands, top to bottom in layer order, span the whole width. A band's
//!    top-level elements are layered the same way by the edges among them
//!    and wrapped to the diagram's width.
//! 3. An edge that skips rows gets a narrow passage in each row it crosses
//!    (Sugiyama's dummy nodes), so it runs between that row's boxes.
//! 4. Order within rows: barycenter sweeps (each element or passage moves
//!    toward the mean position of what it is connected to in other rows), a
//!    few passes down and up, ties kept in order, so the result is
//!    deterministic.
//! 5. Edges: cubic curves between the facing sides of the two boxes, through
//!    their passages, or a U under both when they sit side by side with
//!    something in between. The attachment points of each side are spread
//!    in the order of the other ends (fewer crossings at the box),
//!    arrowheads are polygons, and each label goes along the curve where it
//!    hides no other label or box.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use super::diagram::{Diagram, Direction, Head};
use super::labels;
use super::route::{self, Obstacle, Request};
use super::spatial::RectIndex;
use super::text;
use crate::model::Shape;

pub const MARGIN: f64 = 24.0;
pub const LABEL_SIZE: f64 = 12.5;
pub const LABEL_LINE: f64 = 16.0;
pub const KIND_SIZE: f64 = 10.0;
pub const KIND_LINE: f64 = 14.0;
pub const EDGE_SIZE: f64 = 10.0;
pub const EDGE_LINE: f64 = 12.5;
pub const BAND_SIZE: f64 = 13.0;
pub const TITLE_SIZE: f64 = 20.0;
pub const META_SIZE: f64 = 12.0;
pub const LEGEND_SIZE: f64 = 11.0;

const LEAF_WRAP: f64 = 150.0;
/// Descriptions wrap wider than labels: they are longer, and a box of a
/// few long lines reads better than a tall narrow one.
const LEAF_DESCRIPTION_WRAP: f64 = 180.0;
pub const DESCRIPTION_SIZE: f64 = 10.0;
pub const DESCRIPTION_LINE: f64 = 13.0;
/// The room between the kind line and the description.
pub const DESCRIPTION_GAP: f64 = 4.0;
const CONTAINER_WRAP: f64 = 240.0;
const EDGE_WRAP: f64 = 130.0;
const BAND_WRAP: f64 = 104.0;
const GAP_X: f64 = 28.0;
const GAP_Y: f64 = 46.0;
const INNER_GAP_X: f64 = 18.0;
const INNER_GAP_Y: f64 = 36.0;
const INNER_PAD: f64 = 18.0;
const BAND_PAD: f64 = 28.0;
const PER_CONTAINER_ROW: usize = 4;
/// The room a long edge's passage takes in a row it crosses.
const PASSAGE_W: f64 = 8.0;
const PASSAGE_GAP: f64 = 10.0;
/// Past this many layers of edges among a band's elements, rows are
/// filled to the width in layer order rather than one row per layer.
const MAX_BAND_LAYERS: usize = 5;
const MAX_CONTAINER_LAYERS: usize = 5;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

fn pt(x: f64, y: f64) -> Point {
    Point { x, y }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
    fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }
    pub(super) fn intersects(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// Room a shape needs around its text: left, top, right, bottom.
pub fn shape_padding(shape: Shape) -> (f64, f64, f64, f64) {
    match shape {
        Shape::Box | Shape::Rounded => (12.0, 9.0, 12.0, 9.0),
        Shape::Component => (22.0, 9.0, 12.0, 9.0),
        Shape::Folder => (12.0, 15.0, 12.0, 9.0),
        Shape::Cylinder => (12.0, 17.0, 12.0, 11.0),
        Shape::Hexagon => (24.0, 9.0, 24.0, 9.0),
        Shape::Person => (34.0, 9.0, 18.0, 9.0),
    }
}

#[derive(Clone, Debug, Default)]
pub struct NodeGeom {
    pub rect: Rect,
    pub label: Vec<String>,
    pub kind: String,
    /// The description's lines, when the view shows descriptions.
    pub description: Vec<String>,
    /// A container's header height (0 for a leaf).
    pub header: f64,
}

#[derive(Clone, Debug, Default)]
pub struct BandGeom {
    pub rect: Rect,
    pub label: Vec<String>,
}

/// A piece of an edge's path, from where the previous one ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Segment {
    Cubic(Point, Point, Point),
    Line(Point),
}

/// Where an end mark goes: the point it touches and the unit direction the
/// line arrives in (toward the box).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Mark {
    pub tip: Point,
    pub dir: (f64, f64),
}

/// How far back from its tip a mark reaches, so the line stops there and
/// does not show through it.
pub fn mark_length(head: Head) -> f64 {
    match head {
        Head::Arrow => 6.0,
        Head::Triangle | Head::HollowTriangle => 10.0,
        Head::Diamond | Head::HollowDiamond => 14.0,
        Head::Circle => 8.0,
        Head::Open | Head::None => 0.0,
    }
}

#[derive(Clone, Debug, Default)]
pub struct EdgeGeom {
    pub from: Point,
    pub path: Vec<Segment>,
    /// The mark at the target end (the relation kind's `head`).
    pub head: Mark,
    /// The mark at the source end (the relation kind's `tail`).
    pub tail: Mark,
    pub label: Vec<String>,
    pub label_box: Rect,
}

#[derive(Clone, Debug, Default)]
pub struct LegendItem {
    pub at: Point,
    /// Index into the legend's kinds or relations; `None` for "implied".
    pub index: Option<usize>,
    pub text: String,
}

#[derive(Clone, Debug, Default)]
pub struct LegendGeom {
    pub rect: Rect,
    pub kinds_heading: Option<Point>,
    pub kinds: Vec<LegendItem>,
    pub relations_heading: Option<Point>,
    pub relations: Vec<LegendItem>,
}

/// One line of the header: text, size, bold, baseline.
#[derive(Clone, Debug)]
pub struct HeaderLine {
    pub text: String,
    pub size: f64,
    pub bold: bool,
    pub muted: bool,
    pub baseline: f64,
}

#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub header: Vec<HeaderLine>,
    pub gutter: f64,
    pub bands: Vec<BandGeom>,
    pub nodes: Vec<NodeGeom>,
    pub edges: Vec<EdgeGeom>,
    pub legend: Option<LegendGeom>,
    /// The view's notes, in a row under the bands.
    pub notes: Vec<NoteGeom>,
    /// The view's groups: a titled frame around their members.
    pub groups: Vec<GroupGeom>,
}

/// A note's folded-corner box and its wrapped text.
#[derive(Clone, Debug, Default)]
pub struct NoteGeom {
    pub rect: Rect,
    pub lines: Vec<String>,
}

/// A group's frame and its title.
#[derive(Clone, Debug, Default)]
pub struct GroupGeom {
    pub rect: Rect,
    pub label: Vec<String>,
}

pub const NOTE_SIZE: f64 = 11.5;
pub const NOTE_LINE: f64 = 15.0;
const NOTE_WRAP: f64 = 230.0;
/// The fold of a note's corner.
pub const NOTE_FOLD: f64 = 12.0;

/// The room between boxes. Widened when a label finds no free spot.
#[derive(Clone, Copy, Debug)]
struct Spacing {
    gap_x: f64,
    gap_y: f64,
    inner_gap_x: f64,
    inner_gap_y: f64,
    band_pad: f64,
    passage_gap: f64,
}

impl Spacing {
    fn scaled(f: f64) -> Spacing {
        Spacing {
            gap_x: GAP_X * f,
            gap_y: GAP_Y * f,
            inner_gap_x: INNER_GAP_X * f,
            inner_gap_y: INNER_GAP_Y * f,
            band_pad: BAND_PAD * f.sqrt(),
            passage_gap: PASSAGE_GAP * f,
        }
    }
}

/// Sizes and the positions of children relative to their container.
struct Sizing {
    sp: Spacing,
    /// The group each node is a member of.
    group_of: Vec<Option<usize>>,
    size: Vec<(f64, f64)>,
    offset: Vec<(f64, f64)>,
    label: Vec<Vec<String>>,
    kind: Vec<String>,
    description: Vec<Vec<String>>,
    header: Vec<f64>,
}

/// Longest-path layers of `count` items under `edges` (pairs of item
/// indices); cycles are broken at the earliest item still waiting.
fn layering(count: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; count];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &(a, b) in edges {
        if a != b && a < count && b < count {
            out[a].push(b);
            indegree[b] += 1;
        }
    }
    let mut layer = vec![0usize; count];
    let mut done = vec![false; count];
    // Ready items, earliest first; `waiting` only moves forward, since an
    // item once done stays done.
    let mut ready: BinaryHeap<Reverse<usize>> = (0..count)
        .filter(|&i| indegree[i] == 0)
        .map(Reverse)
        .collect();
    let mut waiting = 0;
    loop {
        // The earliest ready item; when none is ready, the earliest waiting one.
        let next = loop {
            match ready.pop() {
                Some(Reverse(i)) if done[i] => continue,
                Some(Reverse(i)) => break Some(i),
                None => {
                    while waiting < count && done[waiting] {
                        waiting += 1;
                    }
                    break (waiting < count).then_some(waiting);
                }
            }
        };
        let Some(v) = next else { break };
        done[v] = true;
        for &w in &out[v] {
            if !done[w] {
                indegree[w] = indegree[w].saturating_sub(1);
                layer[w] = layer[w].max(layer[v] + 1);
                if indegree[w] == 0 {
                    ready.push(Reverse(w));
                }
            }
        }
    }
    layer
}

/// The gap two side-by-side boxes need for a relationship label between
/// them: the label and a little air on either side of it.
fn label_room(label: &str) -> f64 {
    let lines = text::wrap(label, EDGE_WRAP, EDGE_SIZE);
    text::block_width(&lines, EDGE_SIZE) + 8.0 + 2.0 * 14.0
}

/// A group frame's padding around its members.
const GROUP_PAD: f64 = 12.0;
/// The room for a group's title above its members (inside the frame).
const GROUP_TITLE: f64 = 16.0;
pub const GROUP_SIZE: f64 = 11.0;
/// How much higher a row with a group starts: the frame's top and title.
const GROUP_TOP: f64 = GROUP_PAD + GROUP_TITLE;

/// The extra gap between two neighbours in a row for group frames: a
/// frame's padding on each side that belongs to a group the other is not in.
fn group_pads(a: Option<usize>, b: Option<usize>) -> f64 {
    if a == b {
        0.0
    } else {
        GROUP_PAD * (a.is_some() as u8 + b.is_some() as u8) as f64
    }
}

/// Puts the members of each group on one layer (the first of theirs), so
/// that they share a row and one frame holds them.
fn same_layer_for_groups(items: &[usize], layers: &mut [usize], group_of: &[Option<usize>]) {
    let mut first: BTreeMap<usize, usize> = BTreeMap::new();
    for (k, &item) in items.iter().enumerate() {
        if let Some(g) = group_of.get(item).copied().flatten() {
            let layer = first.entry(g).or_insert(layers[k]);
            *layer = (*layer).min(layers[k]);
        }
    }
    for (k, &item) in items.iter().enumerate() {
        if let Some(g) = group_of.get(item).copied().flatten() {
            layers[k] = first[&g];
        }
    }
}

/// The items in order, each group's members moved together where its first
/// member stands.
fn cluster(order: &[usize], group_of: &[Option<usize>]) -> Vec<usize> {
    let group = |k: usize| group_of.get(k).copied().flatten();
    if order.iter().all(|&k| group(k).is_none()) {
        return order.to_vec();
    }
    let mut out = Vec::with_capacity(order.len());
    let mut done: Vec<usize> = Vec::new();
    for &item in order {
        match group(item) {
            None => out.push(item),
            Some(g) if !done.contains(&g) => {
                done.push(g);
                out.extend(order.iter().copied().filter(|&k| group(k) == Some(g)));
            }
            Some(_) => {}
        }
    }
    out
}

/// Whether layers are mostly one element each: a chain (a process whose
/// steps trigger one another, data passed along) reads better left to
/// right in one row than as a stack of rows.
fn chain_like(layered: &[Vec<usize>]) -> bool {
    let items: usize = layered.iter().map(Vec::len).sum();
    layered.len() >= 2 && (items as f64) < 1.75 * layered.len() as f64
}

/// Groups items into rows by layer, keeping their order within a layer.
fn rows_by_layer(items: &[usize], layers: &[usize]) -> Vec<Vec<usize>> {
    let depth = layers.iter().copied().max().map_or(0, |m| m + 1);
    let mut rows = vec![Vec::new(); depth];
    for (i, &item) in items.iter().enumerate() {
        rows[layers[i]].push(item);
    }
    rows.retain(|r| !r.is_empty());
    rows
}

/// The edges between the children of `parent` (or between the roots of a
/// band when `parent` is `None`), each lifted to the child that holds its end.
fn lifted_edges(diagram: &Diagram, items: &[usize], parent: Option<usize>) -> Vec<(usize, usize)> {
    let index: HashMap<usize, usize> = items.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    let position = |node: usize| -> Option<usize> {
        let holder = diagram
            .ancestors_and_self(node)
            .into_iter()
            .find(|&a| diagram.nodes[a].parent == parent)?;
        index.get(&holder).copied()
    };
    let mut out = Vec::new();
    for e in &diagram.edges {
        if let (Some(a), Some(b)) = (position(e.source), position(e.target)) {
            if a != b {
                out.push((a, b));
            }
        }
    }
    out
}

fn size_nodes(diagram: &Diagram, sp: Spacing) -> Sizing {
    let n = diagram.nodes.len();
    // `direction right`: children in layer order, left to right.
    let right = diagram.direction == Direction::Right;
    let mut group_of = vec![None; n];
    for (g, group) in diagram.groups.iter().enumerate() {
        for &m in &group.members {
            if m < n && group_of[m].is_none() {
                group_of[m] = Some(g);
            }
        }
    }
    // For each container, the room labels need between two of its
    // children: a relationship counts in the one container that holds both
    // its ends in different children (the lowest common one), found in one
    // pass over the edges.
    let mut inner_gaps: BTreeMap<usize, BTreeMap<(usize, usize), f64>> = BTreeMap::new();
    for e in &diagram.edges {
        let up = diagram.ancestors_and_self(e.source);
        let down = diagram.ancestors_and_self(e.target);
        let Some(common) = up.iter().position(|a| down.contains(a)) else {
            continue;
        };
        let lca = up[common];
        let below = |chain: &[usize]| {
            let k = chain.iter().position(|&a| a == lca)?;
            k.checked_sub(1).map(|j| chain[j])
        };
        if let (Some(a), Some(b)) = (below(&up), below(&down)) {
            let gap = inner_gaps
                .entry(lca)
                .or_default()
                .entry((a.min(b), a.max(b)))
                .or_insert(0.0);
            *gap = gap.max(label_room(&e.label));
        }
    }
    let mut s = Sizing {
        sp,
        group_of,
        size: vec![(0.0, 0.0); n],
        offset: vec![(0.0, 0.0); n],
        label: vec![Vec::new(); n],
        kind: vec![String::new(); n],
        description: vec![Vec::new(); n],
        header: vec![0.0; n],
    };
    // Children come after their parents in selection order only when they
    // are declared inside them, so size in reverse depth order instead.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(diagram.ancestors_and_self(i).len()));
    for i in order {
        let node = &diagram.nodes[i];
        s.kind[i] = node.kind_line(diagram.show);
        let kind_w = text::text_width(&s.kind[i], KIND_SIZE);
        if !node.is_container() {
            let lines = text::wrap(&node.label, LEAF_WRAP, LABEL_SIZE);
            let description = description_lines(node, diagram.show, LEAF_DESCRIPTION_WRAP);
            let (l, t, r, b) = shape_padding(node.shape);
            let w = text::block_width(&lines, LABEL_SIZE)
                .max(kind_w)
                .max(text::block_width(&description, DESCRIPTION_SIZE))
                + l
                + r;
            let h = lines.len() as f64 * LABEL_LINE
                + KIND_LINE
                + description_height(&description)
                + t
                + b;
            s.size[i] = (w.max(96.0).ceil(), h.ceil());
            s.label[i] = lines;
            s.description[i] = description;
            continue;
        }
        let lines = text::wrap(&node.label, CONTAINER_WRAP, LABEL_SIZE);
        let description = description_lines(node, diagram.show, CONTAINER_WRAP);
        let header = 10.0
            + lines.len() as f64 * LABEL_LINE
            + KIND_LINE
            + description_height(&description)
            + 8.0;
        let header_w = text::block_width(&lines, LABEL_SIZE)
            .max(kind_w)
            .max(text::block_width(&description, DESCRIPTION_SIZE))
            * 1.06
            + 2.0 * INNER_PAD;
        let children = &node.children;
        let edges = lifted_edges(diagram, children, Some(i));
        let mut layers = layering(children.len(), &edges);
        same_layer_for_groups(children, &mut layers, &s.group_of);
        let mut layered = rows_by_layer(children, &layers);
        if layered.len() > MAX_CONTAINER_LAYERS || chain_like(&layered) || right {
            layered = vec![layered.concat()];
        }
        let mut rows = Vec::new();
        for row in layered {
            let row = cluster(&row, &s.group_of);
            // At most a few to a row, a group's members counted as one and
            // never split.
            let mut current: Vec<usize> = Vec::new();
            let mut units = 0;
            for c in row {
                let joins = current
                    .last()
                    .is_some_and(|&l| s.group_of[l].is_some() && s.group_of[l] == s.group_of[c]);
                if !joins {
                    if units == PER_CONTAINER_ROW {
                        rows.push(std::mem::take(&mut current));
                        units = 0;
                    }
                    units += 1;
                }
                current.push(c);
            }
            if !current.is_empty() {
                rows.push(current);
            }
        }
        // Two children joined by a labelled relationship keep room for
        // the label between them.
        let pair_gap = inner_gaps.get(&i).cloned().unwrap_or_default();
        let group_of = &s.group_of;
        let gap = |a: usize, b: usize| -> f64 {
            let wide = pair_gap.get(&(a.min(b), a.max(b))).copied().unwrap_or(0.0);
            sp.inner_gap_x.max(wide) + group_pads(group_of[a], group_of[b])
        };
        let row_w = |row: &[usize]| -> f64 {
            row.iter().map(|&c| s.size[c].0).sum::<f64>()
                + row.windows(2).map(|w| gap(w[0], w[1])).sum::<f64>()
        };
        let content_w = rows.iter().map(|r| row_w(r)).fold(0.0, f64::max);
        let grouped = children.iter().any(|&c| s.group_of[c].is_some());
        let edge_pad = if grouped { GROUP_PAD } else { 0.0 };
        let w = (content_w + 2.0 * (INNER_PAD + edge_pad))
            .max(header_w)
            .max(120.0);
        let mut y = header;
        for row in &rows {
            if row.iter().any(|&c| s.group_of[c].is_some()) {
                y += GROUP_TOP;
            }
            let height = row.iter().map(|&c| s.size[c].1).fold(0.0, f64::max);
            let mut x = (w - row_w(row)) / 2.0;
            for (k, &c) in row.iter().enumerate() {
                s.offset[c] = (x, y + (height - s.size[c].1) / 2.0);
                x += s.size[c].0;
                if let Some(&next) = row.get(k + 1) {
                    x += gap(c, next);
                }
            }
            y += height + sp.inner_gap_y;
        }
        let last_grouped = rows
            .last()
            .is_some_and(|row| row.iter().any(|&c| s.group_of[c].is_some()));
        let h = y - sp.inner_gap_y + INNER_PAD + if last_grouped { GROUP_PAD } else { 0.0 };
        s.size[i] = (w.ceil(), h.ceil());
        s.label[i] = lines;
        s.description[i] = description;
        s.header[i] = header;
    }
    s
}

/// The description a box shows, wrapped to `width`; none when the view
/// does not show descriptions.
fn description_lines(
    node: &super::diagram::Node,
    show: super::diagram::Show,
    width: f64,
) -> Vec<String> {
    node.shown_description(show)
        .map(|d| text::wrap(d.trim(), width, DESCRIPTION_SIZE))
        .unwrap_or_default()
}

/// The height the description's lines take in a box (with the gap above them).
pub fn description_height(lines: &[String]) -> f64 {
    if lines.is_empty() {
        0.0
    } else {
        DESCRIPTION_GAP + lines.len() as f64 * DESCRIPTION_LINE
    }
}

/// Places a node and its subtree at absolute coordinates.
fn place(diagram: &Diagram, sizing: &Sizing, node: usize, x: f64, y: f64, out: &mut [NodeGeom]) {
    let (w, h) = sizing.size[node];
    out[node] = NodeGeom {
        rect: Rect { x, y, w, h },
        label: sizing.label[node].clone(),
        kind: sizing.kind[node].clone(),
        description: sizing.description[node].clone(),
        header: sizing.header[node],
    };
    for &child in &diagram.nodes[node].children {
        let (dx, dy) = sizing.offset[child];
        place(diagram, sizing, child, x + dx, y + dy, out);
    }
}

/// A band's rows of top-level elements, and for a row filled from a chain,
/// each element's step in the chain (which the ordering keeps).
struct BandRows {
    rows: Vec<Vec<usize>>,
    steps: Vec<(usize, usize)>,
}

fn band_rows(diagram: &Diagram, sizing: &Sizing, band: usize, width: f64) -> BandRows {
    let roots = &diagram.bands[band].roots;
    let edges = lifted_edges(diagram, roots, None);
    let mut layers = layering(roots.len(), &edges);
    same_layer_for_groups(roots, &mut layers, &sizing.group_of);
    let mut layered = rows_by_layer(roots, &layers);
    for row in layered.iter_mut() {
        *row = cluster(row, &sizing.group_of);
    }
    // A long chain would stack one element per row: past a few layers,
    // fill rows to the width in layer order instead.
    let mut steps = Vec::new();
    let right = diagram.direction == Direction::Right;
    if layered.len() > MAX_BAND_LAYERS || chain_like(&layered) || right {
        for (step, layer) in layered.iter().enumerate() {
            steps.extend(layer.iter().map(|&root| (root, step + 1)));
        }
        layered = vec![layered.concat()];
    }
    let mut rows = Vec::new();
    for row in layered {
        let mut current = Vec::new();
        let mut used = 0.0;
        for root in row {
            let w = sizing.size[root].0;
            let joins = current.last().is_some_and(|&l: &usize| {
                sizing.group_of[l].is_some() && sizing.group_of[l] == sizing.group_of[root]
            });
            if !current.is_empty() && !joins && used + sizing.sp.gap_x + w > width {
                rows.push(std::mem::take(&mut current));
                used = 0.0;
            }
            if !current.is_empty() {
                used += sizing.sp.gap_x;
            }
            used += w;
            current.push(root);
        }
        if !current.is_empty() {
            rows.push(current);
        }
    }
    BandRows { rows, steps }
}

/// The items of the rows: top-level elements (`< n`), and passages (`n +
/// k`): where a long edge crosses a row in between its ends, it gets a
/// narrow slot of its own (Sugiyama's dummy nodes), so it runs between the
/// boxes of that row rather than through them.
struct Items<'a> {
    n: usize,
    sizing: &'a Sizing,
    /// Wider gaps between two top-level elements of one band joined by a
    /// relationship, so that its label fits between them.
    pair_gap: BTreeMap<(usize, usize), f64>,
}

impl Items<'_> {
    fn width(&self, item: usize) -> f64 {
        if item < self.n {
            self.sizing.size[item].0
        } else {
            PASSAGE_W
        }
    }

    fn gap(&self, a: usize, b: usize) -> f64 {
        if a >= self.n || b >= self.n {
            self.sizing.sp.passage_gap
        } else {
            self.sizing.sp.gap_x
        }
    }

    /// Each item's left edge from the row's start, and the row's width.
    /// Two elements joined by a labelled relationship keep room for the
    /// label between them, even with passages in between.
    fn offsets(&self, row: &[usize]) -> (Vec<f64>, f64) {
        let mut out = Vec::with_capacity(row.len());
        let mut x = 0.0;
        let mut last_element: Option<(usize, f64)> = None;
        for (i, &item) in row.iter().enumerate() {
            if i > 0 {
                x += self.gap(row[i - 1], item);
                let group = |k: usize| self.sizing.group_of.get(k).copied().flatten();
                x += group_pads(group(row[i - 1]), group(item));
            }
            if item < self.n {
                if let Some((prev, right)) = last_element {
                    if let Some(&wide) = self.pair_gap.get(&(prev.min(item), prev.max(item))) {
                        x = x.max(right + wide);
                    }
                }
            }
            out.push(x);
            x += self.width(item);
            if item < self.n {
                last_element = Some((item, x));
            }
        }
        (out, x)
    }

    fn row_width(&self, row: &[usize]) -> f64 {
        self.offsets(row).1
    }

    /// The left edge of each item of a row centred in `width` from `left`.
    fn lefts(&self, row: &[usize], left: f64, width: f64) -> Vec<f64> {
        let (offsets, total) = self.offsets(row);
        let start = left + (width - total) / 2.0;
        offsets.into_iter().map(|x| start + x).collect()
    }
}

/// Where the long edges cross rows: for each edge, its passages in order
/// from source to target, as `(x, top, bottom)` of the row crossed.
type Passages = Vec<Vec<(f64, f64, f64)>>;

/// Lays a diagram out.
pub fn layout(diagram: &Diagram) -> Layout {
    // When some label finds no free spot, widen the gaps and lay out again.
    let mut last = None;
    for (attempt, f) in [1.0, 1.3, 1.6].into_iter().enumerate() {
        let (l, misplaced) = layout_with(diagram, Spacing::scaled(f), attempt == 2);
        if misplaced == 0 {
            return l;
        }
        last = Some(l);
    }
    last.unwrap_or_default()
}

/// Lays a diagram out with the given gaps; also how many labels found no
/// free spot.
fn layout_with(diagram: &Diagram, sp: Spacing, far_labels: bool) -> (Layout, usize) {
    let sizing = size_nodes(diagram, sp);
    let n = diagram.nodes.len();

    // The width rows wrap at: wide enough for the widest element, and
    // roughly a landscape page for the total area.
    let area: f64 = diagram
        .bands
        .iter()
        .flat_map(|b| b.roots.iter())
        .map(|&r| (sizing.size[r].0 + sp.gap_x) * (sizing.size[r].1 + sp.gap_y))
        .sum();
    let widest = (0..n).map(|i| sizing.size[i].0).fold(0.0, f64::max);
    let wrap_width = (area * 1.6).sqrt().max(900.0).max(widest);

    let band_labels: Vec<Vec<String>> = diagram
        .bands
        .iter()
        .map(|b| text::wrap(&b.label, BAND_WRAP, BAND_SIZE))
        .collect();
    let gutter = band_labels
        .iter()
        .map(|l| text::block_width(l, BAND_SIZE) * 1.08)
        .fold(60.0, f64::max)
        + 28.0;

    let mut rows: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut chain_step = vec![0usize; n];
    for band in 0..diagram.bands.len() {
        let band_rows = band_rows(diagram, &sizing, band, wrap_width);
        for (root, step) in band_rows.steps {
            chain_step[root] = step;
        }
        for row in band_rows.rows {
            rows.push((band, row));
        }
    }
    // Passages for the edges that skip rows, and the chains they make.
    let mut pair_gap: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for e in &diagram.edges {
        let (a, b) = (diagram.root_of(e.source), diagram.root_of(e.target));
        if a != b && diagram.nodes[a].band == diagram.nodes[b].band {
            let gap = pair_gap.entry((a.min(b), a.max(b))).or_insert(0.0);
            *gap = gap.max(label_room(&e.label));
        }
    }
    let items = Items {
        n,
        sizing: &sizing,
        pair_gap,
    };
    let mut row_of = vec![usize::MAX; n];
    for (i, (_, row)) in rows.iter().enumerate() {
        for &root in row {
            row_of[root] = i;
        }
    }
    let mut passage_edge: Vec<usize> = Vec::new();
    let mut edge_passages: Vec<Vec<usize>> = vec![Vec::new(); diagram.edges.len()];
    let mut chains: Vec<Vec<usize>> = Vec::new();
    for (index, e) in diagram.edges.iter().enumerate() {
        let (a, b) = (diagram.root_of(e.source), diagram.root_of(e.target));
        if a == b || row_of[a] == usize::MAX || row_of[b] == usize::MAX {
            continue;
        }
        let (ra, rb) = (row_of[a], row_of[b]);
        let crossed: Vec<usize> = if ra + 1 < rb {
            (ra + 1..rb).collect()
        } else if rb + 1 < ra {
            (rb + 1..ra).rev().collect()
        } else {
            Vec::new()
        };
        let mut chain = vec![a];
        for r in crossed {
            let item = n + passage_edge.len();
            passage_edge.push(index);
            edge_passages[index].push(item);
            rows[r].1.push(item);
            chain.push(item);
        }
        chain.push(b);
        chains.push(chain);
    }
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n + passage_edge.len()];
    for chain in &chains {
        for pair in chain.windows(2) {
            neighbours[pair[0]].push(pair[1]);
            neighbours[pair[1]].push(pair[0]);
        }
    }
    let content_w = rows
        .iter()
        .map(|(_, r)| items.row_width(r))
        .fold(0.0, f64::max)
        .max(360.0);

    order_rows(&items, &neighbours, &chain_step, &mut rows, content_w);

    // Header.
    let content_left = MARGIN + gutter;
    let mut width = content_left + content_w + 2.0 * sp.band_pad / 2.0 + MARGIN;
    let header_wrap = (width - 2.0 * MARGIN).max(560.0);
    let mut header = Vec::new();
    let mut y = MARGIN;
    for line in text::wrap(&diagram.title, header_wrap, TITLE_SIZE) {
        y += TITLE_SIZE * 1.25;
        header.push(HeaderLine {
            text: line,
            size: TITLE_SIZE,
            bold: true,
            muted: false,
            baseline: y,
        });
    }
    // The viewpoint and the concerns it frames: muted lines under the title.
    let mut meta = |text: &str, y: &mut f64| {
        for line in text::wrap(text, header_wrap, META_SIZE) {
            *y += META_SIZE * 1.45;
            header.push(HeaderLine {
                text: line,
                size: META_SIZE,
                bold: false,
                muted: true,
                baseline: *y,
            });
        }
    };
    if let Some(vp) = &diagram.viewpoint {
        meta(
            &format!("{}: {}", diagram.words.viewpoint, vp.label),
            &mut y,
        );
    }
    if !diagram.concerns.is_empty() {
        let list: Vec<String> = diagram
            .concerns
            .iter()
            .map(|c| format!("• {}", c.label))
            .collect();
        meta(
            &format!("{}: {}", diagram.words.concerns, list.join("   ")),
            &mut y,
        );
    }
    if n == 0 {
        y += META_SIZE * 2.0;
        header.push(HeaderLine {
            text: diagram.words.empty.to_string(),
            size: META_SIZE,
            bold: false,
            muted: true,
            baseline: y,
        });
    }
    for line in &header {
        let needed = text::text_width(&line.text, line.size) * if line.bold { 1.08 } else { 1.0 };
        width = width.max(needed + 2.0 * MARGIN);
    }
    y += 18.0;

    // Bands and elements.
    let band_right = width - MARGIN;
    let inner_w = band_right - content_left;
    let mut nodes = vec![NodeGeom::default(); n];
    let mut passage_at = vec![(0.0, 0.0, 0.0); passage_edge.len()];
    let mut bands = Vec::with_capacity(diagram.bands.len());
    let mut r = 0;
    for (band, label) in band_labels.into_iter().enumerate() {
        let top = y;
        let mut cursor = top + sp.band_pad;
        let mut first = true;
        while r < rows.len() && rows[r].0 == band {
            let row = &rows[r].1;
            if !first {
                cursor += sp.gap_y;
            }
            first = false;
            if row.iter().any(|&x| x < n && sizing.group_of[x].is_some()) {
                cursor += GROUP_TOP;
            }
            let height = row
                .iter()
                .filter(|&&x| x < n)
                .map(|&x| sizing.size[x].1)
                .fold(0.0, f64::max);
            let lefts = items.lefts(row, content_left, inner_w);
            for (&item, &x) in row.iter().zip(&lefts) {
                if item < n {
                    let h = sizing.size[item].1;
                    place(
                        diagram,
                        &sizing,
                        item,
                        x,
                        cursor + (height - h) / 2.0,
                        &mut nodes,
                    );
                } else {
                    passage_at[item - n] = (x + PASSAGE_W / 2.0, cursor, cursor + height);
                }
            }
            cursor += height;
            if row.iter().any(|&x| x < n && sizing.group_of[x].is_some()) {
                cursor += GROUP_PAD;
            }
            r += 1;
        }
        let label_h = label.len() as f64 * BAND_SIZE * 1.3 + 2.0 * 14.0;
        let bottom = (cursor + sp.band_pad).max(top + label_h);
        bands.push(BandGeom {
            rect: Rect {
                x: MARGIN,
                y: top,
                w: band_right - MARGIN,
                h: bottom - top,
            },
            label,
        });
        y = bottom;
    }

    let passages: Passages = edge_passages
        .iter()
        .map(|list| list.iter().map(|&item| passage_at[item - n]).collect())
        .collect();
    let bounds = Rect {
        x: content_left - 6.0,
        y: bands.first().map_or(0.0, |b| b.rect.y + 4.0),
        w: band_right - content_left + 2.0,
        h: bands.last().map_or(0.0, |b| b.rect.bottom() - 4.0)
            - bands.first().map_or(0.0, |b| b.rect.y + 4.0),
    };
    // Group frames around their members, titles on top.
    let groups: Vec<GroupGeom> = diagram
        .groups
        .iter()
        .enumerate()
        .filter_map(|(g, group)| {
            let members: Vec<Rect> = (0..n)
                .filter(|&m| sizing.group_of[m] == Some(g))
                .map(|m| nodes[m].rect)
                .collect();
            let first = members.first()?;
            let (mut x0, mut y0, mut x1, mut y1) =
                (first.x, first.y, first.right(), first.bottom());
            for r in &members {
                x0 = x0.min(r.x);
                y0 = y0.min(r.y);
                x1 = x1.max(r.right());
                y1 = y1.max(r.bottom());
            }
            let rect = Rect {
                x: x0 - GROUP_PAD,
                y: y0 - GROUP_TOP,
                w: x1 - x0 + 2.0 * GROUP_PAD,
                h: y1 - y0 + GROUP_TOP + GROUP_PAD,
            };
            let label = text::wrap(&group.label, (rect.w - 12.0).max(60.0), GROUP_SIZE);
            let label = vec![label.first().cloned().unwrap_or_default()];
            Some(GroupGeom { rect, label })
        })
        .collect();
    let titles: Vec<Rect> = groups
        .iter()
        .map(|g| Rect {
            x: g.rect.x + 4.0,
            y: g.rect.y + 1.0,
            w: (text::text_width(&g.label[0], GROUP_SIZE) + 8.0).min(g.rect.w - 8.0),
            h: GROUP_TITLE - 1.0,
        })
        .collect();
    let (edges, misplaced) = route_orthogonal(diagram, &nodes, &titles, bounds, far_labels)
        .unwrap_or_else(|| (route_edges(diagram, &nodes, &passages), 0));

    // Notes: a row (wrapping) of folded-corner boxes under the bands.
    let mut notes = Vec::with_capacity(diagram.notes.len());
    if !diagram.notes.is_empty() {
        y += 16.0;
        let (mut x, mut row_h) = (MARGIN, 0.0f64);
        for note in &diagram.notes {
            let lines = text::wrap(&note.text, NOTE_WRAP, NOTE_SIZE);
            let w = (text::block_width(&lines, NOTE_SIZE) + 2.0 * 10.0 + NOTE_FOLD).ceil();
            let h = (lines.len() as f64 * NOTE_LINE + 2.0 * 9.0).ceil();
            if x > MARGIN && x + w > width - MARGIN {
                x = MARGIN;
                y += row_h + 12.0;
                row_h = 0.0;
            }
            notes.push(NoteGeom {
                rect: Rect { x, y, w, h },
                lines,
            });
            x += w + 14.0;
            row_h = row_h.max(h);
            width = width.max(x - 14.0 + MARGIN);
        }
        y += row_h;
    }

    let legend = if n == 0 {
        None
    } else {
        let legend = legend_geometry(diagram, MARGIN, y + 20.0, width - 2.0 * MARGIN);
        y = legend.rect.bottom();
        Some(legend)
    };

    let layout = Layout {
        width: width.ceil(),
        height: (y + MARGIN).ceil(),
        header,
        gutter,
        bands,
        nodes,
        edges,
        legend,
        notes,
        groups,
    };
    (layout, misplaced)
}

/// Reorders each row's items toward the mean position of their
/// neighbours in other rows (barycenter sweeps, down then up; ties keep
/// their order, so the result is deterministic).
fn order_rows(
    items: &Items<'_>,
    neighbours: &[Vec<usize>],
    chain_step: &[usize],
    rows: &mut [(usize, Vec<usize>)],
    width: f64,
) {
    let total = neighbours.len();
    let mut row_of = vec![usize::MAX; total];
    for (i, (_, row)) in rows.iter().enumerate() {
        for &item in row {
            row_of[item] = i;
        }
    }
    let mut center = vec![0.0; total];
    let pack = |row: &[usize], center: &mut [f64]| {
        for (&item, x) in row.iter().zip(items.lefts(row, 0.0, width)) {
            center[item] = x + items.width(item) / 2.0;
        }
    };
    for (_, row) in rows.iter() {
        pack(row, &mut center);
    }
    if rows.len() < 2 {
        return;
    }
    let count = rows.len();
    for pass in 0..8 {
        let sequence: Vec<usize> = if pass % 2 == 0 {
            (0..count).collect()
        } else {
            (0..count).rev().collect()
        };
        for i in sequence {
            let row = &rows[i].1;
            let mut keyed: Vec<(f64, usize, usize)> = row
                .iter()
                .enumerate()
                .map(|(position, &item)| {
                    let others: Vec<f64> = neighbours[item]
                        .iter()
                        .filter(|&&o| row_of[o] != i && row_of[o] != usize::MAX)
                        .map(|&o| center[o])
                        .collect();
                    let key = if others.is_empty() {
                        center[item]
                    } else {
                        others.iter().sum::<f64>() / others.len() as f64
                    };
                    (key, position, item)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut ordered: Vec<usize> = keyed.into_iter().map(|(_, _, item)| item).collect();
            // The steps of a chain stay in order, left to right: the
            // elements take the elements' places in step order, passages
            // keep theirs.
            let step = |item: usize| chain_step.get(item).copied().unwrap_or(0);
            let slots: Vec<usize> = (0..ordered.len())
                .filter(|&k| step(ordered[k]) > 0)
                .collect();
            let mut chained: Vec<usize> = slots.iter().map(|&k| ordered[k]).collect();
            chained.sort_by_key(|&item| step(item));
            for (&k, item) in slots.iter().zip(chained) {
                ordered[k] = item;
            }
            let ordered = cluster(&ordered, &items.sizing.group_of);
            pack(&ordered, &mut center);
            rows[i].1 = ordered;
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

fn normal(side: Side) -> (f64, f64) {
    match side {
        Side::Top => (0.0, -1.0),
        Side::Bottom => (0.0, 1.0),
        Side::Left => (-1.0, 0.0),
        Side::Right => (1.0, 0.0),
    }
}

/// The sides an edge leaves its source and enters its target by.
fn sides(from: &Rect, to: &Rect) -> (Side, Side) {
    if to.y >= from.bottom() + 4.0 {
        (Side::Bottom, Side::Top)
    } else if to.bottom() <= from.y - 4.0 {
        (Side::Top, Side::Bottom)
    } else if to.cx() >= from.cx() {
        (Side::Right, Side::Left)
    } else {
        (Side::Left, Side::Right)
    }
}

/// Whether a box other than the two ends (and their ancestors) stands
/// between two boxes that sit side by side. `boxes` indexes the rectangles
/// of the view's nodes that are not containers, by node.
fn blocked_sideways(
    diagram: &Diagram,
    nodes: &[NodeGeom],
    boxes: &BoxIndex,
    a: usize,
    b: usize,
) -> bool {
    let (ra, rb) = (nodes[a].rect, nodes[b].rect);
    let (left, right) = if ra.cx() <= rb.cx() {
        (ra, rb)
    } else {
        (rb, ra)
    };
    let corridor = Rect {
        x: left.right(),
        y: ra.cy().min(rb.cy()) - 12.0,
        w: (right.x - left.right()).max(0.0),
        h: (ra.cy() - rb.cy()).abs() + 24.0,
    };
    if corridor.w <= 0.0 {
        return false;
    }
    let skip_a = diagram.ancestors_and_self(a);
    let skip_b = diagram.ancestors_and_self(b);
    boxes.index.any_near(&corridor, 0.0, |k, r| {
        let n = boxes.node[k];
        !skip_a.contains(&n) && !skip_b.contains(&n) && r.intersects(&corridor)
    })
}

/// The boxes of a view's nodes that are not containers, indexed by place.
struct BoxIndex {
    index: RectIndex,
    /// The node of each rectangle of `index`.
    node: Vec<usize>,
}

impl BoxIndex {
    fn new(diagram: &Diagram, nodes: &[NodeGeom]) -> BoxIndex {
        let node: Vec<usize> = (0..nodes.len())
            .filter(|&n| !diagram.nodes[n].is_container())
            .collect();
        let index = RectIndex::of(node.iter().map(|&n| nodes[n].rect), CELL);
        BoxIndex { index, node }
    }
}

/// The cell size of the layout's spatial indexes: about one element box.
const CELL: f64 = 160.0;

fn bezier(p0: Point, c1: Point, c2: Point, p3: Point, t: f64) -> Point {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    pt(
        a * p0.x + b * c1.x + c * c2.x + d * p3.x,
        a * p0.y + b * c1.y + c * c2.y + d * p3.y,
    )
}

/// An edge meeting a side of a box: the other end's position along that
/// side, the edge, and whether it leaves (true) or enters the box.
type Port = (f64, usize, bool);

/// What a label must not hide: leaves, and the headers of containers
/// (where their text is).
fn label_obstacles(diagram: &Diagram, nodes: &[NodeGeom]) -> Vec<Rect> {
    diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let r = nodes[i].rect;
            if node.is_container() {
                Rect {
                    h: nodes[i].header,
                    ..r
                }
            } else {
                r
            }
        })
        .collect()
}

/// The unit vector from `a` to `b`, or `fallback` when they coincide.
fn unit(a: Point, b: Point, fallback: (f64, f64)) -> ((f64, f64), f64) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-6 {
        (fallback, 0.0)
    } else {
        ((dx / len, dy / len), len)
    }
}

/// Edges as orthogonal lines around the boxes (see [`route`]), with their
/// labels; `None` when the view is too large for the router's grid.
fn route_orthogonal(
    diagram: &Diagram,
    nodes: &[NodeGeom],
    titles: &[Rect],
    bounds: Rect,
    far_labels: bool,
) -> Option<(Vec<EdgeGeom>, usize)> {
    let mut obstacles: Vec<Obstacle> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| Obstacle {
            rect: nodes[i].rect,
            parent: node.parent,
            depth: diagram.ancestors_and_self(i).len(),
            header_bottom: node
                .is_container()
                .then(|| nodes[i].rect.y + nodes[i].header),
        })
        .collect();
    // Lines keep off group titles too.
    obstacles.extend(titles.iter().map(|&rect| Obstacle {
        rect,
        parent: None,
        // Above everything, titles inside containers included.
        depth: usize::MAX,
        header_bottom: None,
    }));
    let requests: Vec<Request> = diagram
        .edges
        .iter()
        .map(|e| Request {
            source: e.source,
            target: e.target,
        })
        .collect();
    let routes = route::route(&obstacles, &requests, bounds)?;
    let mut blocking = label_obstacles(diagram, nodes);
    blocking.extend_from_slice(titles);
    let frames: Vec<Rect> = (0..nodes.len())
        .filter(|&i| diagram.nodes[i].is_container())
        .map(|i| nodes[i].rect)
        .collect();
    let blocking = RectIndex::of(blocking, CELL);
    let mut placed = RectIndex::new(CELL);
    let mut misplaced = 0;
    let mut out = Vec::with_capacity(routes.len());
    for (i, points) in routes.into_iter().enumerate() {
        let notation = diagram.edges[i].notation;
        let start = points.first().copied().unwrap_or_default();
        let tip = points.last().copied().unwrap_or_default();
        let before = points.len().checked_sub(2).map_or(start, |k| points[k]);
        let after = points.get(1).copied().unwrap_or(tip);
        let (head_dir, last_len) = unit(before, tip, (0.0, 1.0));
        let (tail_dir, first_len) = unit(after, start, (0.0, -1.0));
        let head = Mark { tip, dir: head_dir };
        let tail = Mark {
            tip: start,
            dir: tail_dir,
        };
        // The line stops short of the marks so it does not show through.
        let back = mark_length(notation.head).min((last_len - 2.0).max(0.0));
        let front = mark_length(notation.tail).min((first_len - 2.0).max(0.0));
        let from = pt(start.x - tail_dir.0 * front, start.y - tail_dir.1 * front);
        let mut path: Vec<Segment> = points.iter().skip(1).map(|&p| Segment::Line(p)).collect();
        if let Some(Segment::Line(end)) = path.last_mut() {
            *end = pt(tip.x - head_dir.0 * back, tip.y - head_dir.1 * back);
        }
        let label = text::wrap(&diagram.edges[i].label, EDGE_WRAP, EDGE_SIZE);
        let lw = text::block_width(&label, EDGE_SIZE) + 8.0;
        let lh = label.len() as f64 * EDGE_LINE + 4.0;
        let room = labels::Room {
            obstacles: &blocking,
            frames: &frames,
            bounds,
        };
        let (label_box, free) = labels::place(&points, lw, lh, &room, &placed, far_labels);
        if !free {
            misplaced += 1;
        }
        placed.insert(label_box);
        out.push(EdgeGeom {
            from,
            path,
            head,
            tail,
            label,
            label_box,
        });
    }
    Some((out, misplaced))
}

fn route_edges(diagram: &Diagram, nodes: &[NodeGeom], passages: &Passages) -> Vec<EdgeGeom> {
    struct Plan {
        from_side: Side,
        to_side: Side,
        inner: bool,
        from: Point,
        to: Point,
    }
    let mut plans: Vec<Plan> = Vec::with_capacity(diagram.edges.len());
    let boxes = BoxIndex::new(diagram, nodes);
    for e in &diagram.edges {
        let (a, b) = (&nodes[e.source], &nodes[e.target]);
        if a.rect.contains(&b.rect) || b.rect.contains(&a.rect) {
            // Between a container and something inside it: a short drop
            // from the container's header.
            let (outer, inner, down) = if a.rect.contains(&b.rect) {
                (a, b, true)
            } else {
                (b, a, false)
            };
            let top = pt(inner.rect.cx(), outer.rect.y + outer.header - 2.0);
            let bottom = pt(inner.rect.cx(), inner.rect.y);
            let (from, to) = if down { (top, bottom) } else { (bottom, top) };
            plans.push(Plan {
                from_side: Side::Bottom,
                to_side: Side::Top,
                inner: true,
                from,
                to,
            });
            continue;
        }
        let (mut from_side, mut to_side) = sides(&a.rect, &b.rect);
        if matches!(from_side, Side::Left | Side::Right)
            && blocked_sideways(diagram, nodes, &boxes, e.source, e.target)
        {
            // Side by side with something in between: go under it.
            from_side = Side::Bottom;
            to_side = Side::Bottom;
        }
        plans.push(Plan {
            from_side,
            to_side,
            inner: false,
            from: Point::default(),
            to: Point::default(),
        });
    }

    // Spread the attachment points of each side of each box in the order
    // of the other ends.
    let mut ports: BTreeMap<(usize, Side), Vec<Port>> = BTreeMap::new();
    for (i, e) in diagram.edges.iter().enumerate() {
        if plans[i].inner {
            continue;
        }
        let (a, b) = (&nodes[e.source].rect, &nodes[e.target].rect);
        let along = |side: Side, other: &Rect| match side {
            Side::Top | Side::Bottom => other.cx(),
            Side::Left | Side::Right => other.cy(),
        };
        // Toward the first passage of a long edge, not its far end.
        let (toward_target, toward_source) = match (passages[i].first(), passages[i].last()) {
            (Some(first), Some(last)) => (first.0, last.0),
            _ => (along(plans[i].from_side, b), along(plans[i].to_side, a)),
        };
        ports
            .entry((e.source, plans[i].from_side))
            .or_default()
            .push((toward_target, i, true));
        ports
            .entry((e.target, plans[i].to_side))
            .or_default()
            .push((toward_source, i, false));
    }
    for ((node, side), mut list) in ports {
        list.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let r = nodes[node].rect;
        let k = list.len() as f64;
        for (j, &(_, edge, outgoing)) in list.iter().enumerate() {
            let f = (j as f64 + 1.0) / (k + 1.0);
            let p = match side {
                Side::Top => pt(r.x + r.w * (0.15 + 0.7 * f), r.y),
                Side::Bottom => pt(r.x + r.w * (0.15 + 0.7 * f), r.bottom()),
                Side::Left => pt(r.x, r.y + r.h * (0.2 + 0.6 * f)),
                Side::Right => pt(r.right(), r.y + r.h * (0.2 + 0.6 * f)),
            };
            if outgoing {
                plans[edge].from = p;
            } else {
                plans[edge].to = p;
            }
        }
    }

    let obstacles = RectIndex::of(label_obstacles(diagram, nodes), CELL);
    let mut placed = RectIndex::new(CELL);
    let mut out = Vec::with_capacity(plans.len());
    for (i, plan) in plans.iter().enumerate() {
        let (p0, p3) = (plan.from, plan.to);
        let n3 = normal(plan.to_side);
        // The path: out of the source, through the passages of the rows it
        // crosses (a straight run through each), into the target.
        let mut path = Vec::new();
        let mut at = p0;
        let mut out_normal = normal(plan.from_side);
        let down = plan.from_side == Side::Bottom;
        let curve = |from: Point, from_n: (f64, f64), to: Point, to_n: (f64, f64), d: f64| {
            Segment::Cubic(
                pt(from.x + from_n.0 * d, from.y + from_n.1 * d),
                pt(to.x + to_n.0 * d, to.y + to_n.1 * d),
                to,
            )
        };
        for &(x, top, bottom) in &passages[i] {
            let (entry, exit) = if down {
                (pt(x, top), pt(x, bottom))
            } else {
                (pt(x, bottom), pt(x, top))
            };
            let back = if down { (0.0, -1.0) } else { (0.0, 1.0) };
            let d = ((entry.y - at.y).abs() * 0.45).clamp(12.0, 140.0);
            path.push(curve(at, out_normal, entry, back, d));
            path.push(Segment::Line(exit));
            at = exit;
            out_normal = (-back.0, -back.1);
        }
        let d = if plan.from_side == plan.to_side {
            // A U under both boxes, kept within the gap below the row.
            (18.0 + (p3.x - at.x).abs() * 0.1).min(44.0)
        } else {
            let span = match plan.from_side {
                Side::Top | Side::Bottom => (p3.y - at.y).abs(),
                Side::Left | Side::Right => (p3.x - at.x).abs(),
            };
            (span * 0.45).clamp(18.0, 140.0)
        };
        path.push(curve(at, out_normal, p3, n3, d));
        // The arrowhead follows the last curve's direction; the line stops
        // short of the tip so it does not show through.
        let c2 = match path.last() {
            Some(Segment::Cubic(_, c2, _)) => *c2,
            _ => at,
        };
        let (mut dx, mut dy) = (p3.x - c2.x, p3.y - c2.y);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1e-6 {
            dx = -n3.0;
            dy = -n3.1;
        } else {
            dx /= len;
            dy /= len;
        }
        let head = Mark {
            tip: p3,
            dir: (dx, dy),
        };
        let out_n = normal(plan.from_side);
        let tail = Mark {
            tip: p0,
            dir: (-out_n.0, -out_n.1),
        };
        let back = mark_length(diagram.edges[i].notation.head);
        if let Some(Segment::Cubic(_, _, end)) = path.last_mut() {
            *end = pt(p3.x - dx * back, p3.y - dy * back);
        }

        // The label: along the curves, the middle one first; beside the
        // curve rather than on it when the middle is taken (sideways for an
        // edge that runs up or down, up or down for one that runs sideways).
        let label = text::wrap(&diagram.edges[i].label, EDGE_WRAP, EDGE_SIZE);
        let lw = text::block_width(&label, EDGE_SIZE) + 8.0;
        let lh = label.len() as f64 * EDGE_LINE + 4.0;
        let mut curves: Vec<(Point, Point, Point, Point)> = Vec::new();
        let mut start = p0;
        for segment in &path {
            match *segment {
                Segment::Cubic(c1, c2, end) => {
                    curves.push((start, c1, c2, end));
                    start = end;
                }
                Segment::Line(end) => start = end,
            }
        }
        let middle = curves.len() / 2;
        let mut order: Vec<usize> = (0..curves.len()).collect();
        order.sort_by_key(|&k| (k.abs_diff(middle), k));
        let boxed = |k: usize, t: f64, shift: f64| {
            let (a, c1, c2, b) = curves[k];
            let c = bezier(a, c1, c2, b, t);
            let vertical = (b.y - a.y).abs() >= (b.x - a.x).abs();
            let (sx, sy) = if vertical {
                (shift * (lw / 2.0 + 3.0), 0.0)
            } else {
                (0.0, shift * (lh / 2.0 + 3.0))
            };
            Rect {
                x: c.x + sx - lw / 2.0,
                y: c.y + sy - lh / 2.0,
                w: lw,
                h: lh,
            }
        };
        let free = |r: &Rect| {
            !placed.any_near(r, 0.0, |_, p| p.intersects(r))
                && !obstacles.any_near(r, 0.0, |_, o| o.intersects(r))
        };
        let candidates = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.12, 0.88];
        let mut spots: Vec<Rect> = Vec::with_capacity(5 * order.len() * candidates.len());
        for shift in [0.0, 1.0, -1.0, 2.0, -2.0] {
            for &k in &order {
                spots.extend(candidates.iter().map(|&t| boxed(k, t, shift)));
            }
        }
        // Best: a spot that hides nothing; else one that at least hides no
        // element (labels may touch); else the middle.
        let label_box = spots
            .iter()
            .find(|r| free(r))
            .or_else(|| {
                spots
                    .iter()
                    .find(|r| !obstacles.any_near(r, 0.0, |_, o| o.intersects(r)))
            })
            .copied()
            .unwrap_or_else(|| boxed(middle.min(curves.len().saturating_sub(1)), 0.5, 0.0));
        placed.insert(label_box);
        out.push(EdgeGeom {
            from: p0,
            path,
            head,
            tail,
            label,
            label_box,
        });
    }
    out
}

fn legend_geometry(diagram: &Diagram, x: f64, y: f64, width: f64) -> LegendGeom {
    let legend = &diagram.legend;
    let mut geom = LegendGeom::default();
    let left = x + 14.0;
    let right = x + width - 14.0;
    let mut cursor = y + 14.0 + LEGEND_SIZE * 1.3; // below the "Legend" heading
    let row_h = 22.0;
    let flow = |items: Vec<(Option<usize>, String, f64)>, cursor: &mut f64| -> Vec<LegendItem> {
        let mut out = Vec::new();
        let mut cx = left;
        *cursor += 6.0;
        for (index, label, sample) in items {
            let w = sample + 8.0 + text::text_width(&label, LEGEND_SIZE) + 22.0;
            if cx > left && cx + w > right {
                cx = left;
                *cursor += row_h;
            }
            out.push(LegendItem {
                at: pt(cx, *cursor),
                index,
                text: label,
            });
            cx += w;
        }
        *cursor += row_h;
        out
    };
    if !legend.kinds.is_empty() {
        cursor += 8.0;
        geom.kinds_heading = Some(pt(left, cursor + LEGEND_SIZE));
        cursor += LEGEND_SIZE * 1.4;
        let items = legend
            .kinds
            .iter()
            .enumerate()
            .map(|(i, k)| {
                (
                    Some(i),
                    super::diagram::legend_text(&k.label, &k.name),
                    28.0,
                )
            })
            .collect();
        geom.kinds = flow(items, &mut cursor);
    }
    if !legend.relations.is_empty() || legend.implied {
        cursor += 4.0;
        geom.relations_heading = Some(pt(left, cursor + LEGEND_SIZE));
        cursor += LEGEND_SIZE * 1.4;
        let mut items: Vec<(Option<usize>, String, f64)> = legend
            .relations
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    Some(i),
                    super::diagram::legend_text(&r.label, &r.name),
                    36.0,
                )
            })
            .collect();
        if legend.implied {
            items.push((None, diagram.words.implied.to_string(), 36.0));
        }
        geom.relations = flow(items, &mut cursor);
    }
    geom.rect = Rect {
        x,
        y,
        w: width,
        h: cursor - y + 6.0,
    };
    geom
}
