//! Orthogonal routing around boxes for the built-in layout.
//!
//! The idea is the one of orthogonal connector routers (libavoid, ELK's
//! orthogonal router): lines run horizontally and vertically in the free
//! space between boxes. Here that free space is a sparse grid: a line a
//! little outside each side of each box, lines through the attachment
//! points each box offers, and evenly spaced tracks in the wider gaps
//! (between rows, between boxes in a row, in a long edge's passage). Each
//! relationship is then a cheapest path on that grid (A*), from a point
//! just outside its source to a point just outside its target, where a step
//! costs its length, a bend costs more, running along another line costs a
//! lot and crossing one costs some. A grid point or step inside the box of
//! an element that is neither end nor an ancestor of one is never used, so
//! no line passes through an unrelated box, and a line to a container stops
//! at the container's border.
//!
//! Lines are routed one after another, shortest first, each seeing the ones
//! before it; everything is ordered, so the result is deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::layout::{Point, Rect};

/// How far outside a box its ring of grid lines runs.
const RING: f64 = 9.0;
/// The spacing of the tracks in wide gaps.
const TRACK: f64 = 11.0;
/// Grid lines closer than this are merged.
const MERGE: f64 = 2.5;
const BEND: f64 = 28.0;
/// Running along a stretch another line already uses.
const SHARE: f64 = 800.0;
/// Crossing another line.
const CROSS: f64 = 250.0;
/// The weight of the search's distance estimate.
const GREED: f64 = 1.2;
/// How far around its two ends a line's first search looks.
const WINDOW: f64 = 10000.0;
/// Beyond this many grid points the caller falls back to simpler routes.
pub const MAX_GRID: usize = 80_000;
/// Up to this many grid points, a line no window holds is searched for on
/// the whole grid.
const FULL_SEARCH: usize = 60_000;

const NONE: u32 = u32::MAX;

/// A box the router knows: its rectangle, its parent box (if any) and how
/// deep it is nested.
#[derive(Clone, Copy, Debug)]
pub struct Obstacle {
    pub rect: Rect,
    pub parent: Option<usize>,
    pub depth: usize,
    /// Where a line may end inside it when it comes from one of its own
    /// descendants (just under a container's header); `None` for a leaf.
    pub header_bottom: Option<f64>,
}

/// One relationship to route: its two boxes.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    pub source: usize,
    pub target: usize,
}

/// The grid: sorted coordinates and, for each point and for the middle of
/// each step, the innermost box that holds it.
struct Grid {
    xs: Vec<f64>,
    ys: Vec<f64>,
    point: Vec<u32>,
    /// Between point (i, j) and (i + 1, j).
    step_x: Vec<u32>,
    /// Between point (i, j) and (i, j + 1).
    step_y: Vec<u32>,
}

fn dedup(mut v: Vec<f64>) -> Vec<f64> {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::with_capacity(v.len());
    for x in v {
        match out.last() {
            Some(&last) if x - last < MERGE => {}
            _ => out.push(x),
        }
    }
    // Tracks in wide gaps.
    let mut filled = Vec::with_capacity(out.len() * 2);
    for (k, &x) in out.iter().enumerate() {
        filled.push(x);
        if let Some(&next) = out.get(k + 1) {
            let gap = next - x;
            if gap > 2.0 * TRACK {
                let count = (gap / TRACK).floor() as usize;
                let step = gap / count as f64;
                for s in 1..count {
                    filled.push(x + step * s as f64);
                }
            }
        }
    }
    filled
}

/// The index range of sorted `v` strictly between `lo` and `hi`.
fn between(v: &[f64], lo: f64, hi: f64) -> std::ops::Range<usize> {
    let start = v.partition_point(|&x| x <= lo);
    let end = v.partition_point(|&x| x < hi);
    start..end.max(start)
}

impl Grid {
    fn new(obstacles: &[Obstacle], xs: Vec<f64>, ys: Vec<f64>) -> Grid {
        let xs = dedup(xs);
        let ys = dedup(ys);
        let (nx, ny) = (xs.len(), ys.len());
        let mut grid = Grid {
            point: vec![NONE; nx * ny],
            step_x: vec![NONE; nx * ny],
            step_y: vec![NONE; nx * ny],
            xs,
            ys,
        };
        // Outer boxes first, so inner ones overwrite them.
        let mut order: Vec<usize> = (0..obstacles.len()).collect();
        order.sort_by_key(|&o| (obstacles[o].depth, o));
        let mid = |v: &[f64], k: usize| (v[k] + v[k + 1]) / 2.0;
        let midpoints =
            |v: &[f64]| -> Vec<f64> { (0..v.len().saturating_sub(1)).map(|k| mid(v, k)).collect() };
        let (mx, my) = (midpoints(&grid.xs), midpoints(&grid.ys));
        for o in order {
            let r = obstacles[o].rect;
            let (x0, x1, y0, y1) = (r.x - 1.0, r.right() + 1.0, r.y - 1.0, r.bottom() + 1.0);
            let cols = between(&grid.xs, x0, x1);
            let rows = between(&grid.ys, y0, y1);
            for j in rows.clone() {
                for i in cols.clone() {
                    grid.point[j * nx + i] = o as u32;
                }
                for i in between(&mx, x0, x1) {
                    grid.step_x[j * nx + i] = o as u32;
                }
            }
            for j in between(&my, y0, y1) {
                for i in cols.clone() {
                    grid.step_y[j * nx + i] = o as u32;
                }
            }
        }
        grid
    }
}

#[derive(Clone, Copy, PartialEq)]
struct Open {
    estimate: f64,
    cost: f64,
    state: usize,
}

impl Eq for Open {}

impl Ord for Open {
    fn cmp(&self, other: &Self) -> Ordering {
        // A min-heap on the estimate; ties to the lower state, so the
        // search is deterministic.
        other
            .estimate
            .total_cmp(&self.estimate)
            .then_with(|| other.state.cmp(&self.state))
    }
}

impl PartialOrd for Open {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Directions: +x, -x, +y, -y.
const DX: [i64; 4] = [1, -1, 0, 0];
const DY: [i64; 4] = [0, 0, 1, -1];

fn opposite(d: usize) -> usize {
    d ^ 1
}

/// Where a line leaves or enters an end: a grid point, the direction away
/// from the box, and the point on the box's border it is drawn from.
#[derive(Clone, Copy)]
struct Port {
    point: usize,
    outward: usize,
    border: Point,
}

/// Routes every request; each route is a polyline from the source's border
/// to the target's border (or under a container's header for a line between
/// a container and something inside it). `None` when the grid would be too
/// large: the caller then draws its own lines.
pub fn route(
    obstacles: &[Obstacle],
    requests: &[Request],
    bounds: Rect,
) -> Option<Vec<Vec<Point>>> {
    // Attachment points: as many per side as the box has lines, plus one.
    let mut degree = vec![0usize; obstacles.len()];
    for r in requests {
        degree[r.source] += 1;
        degree[r.target] += 1;
    }
    let mut xs = vec![bounds.x, bounds.right()];
    let mut ys = vec![bounds.y, bounds.bottom()];
    for (o, ob) in obstacles.iter().enumerate() {
        let r = ob.rect;
        xs.extend([r.x - RING, r.right() + RING]);
        ys.extend([r.y - RING, r.bottom() + RING]);
        if let Some(h) = ob.header_bottom {
            ys.push(h - 5.0);
        }
        let k = degree[o].clamp(1, 8);
        for s in 1..=k {
            let f = s as f64 / (k + 1) as f64;
            xs.push(r.x + r.w * (0.1 + 0.8 * f));
            ys.push(r.y + r.h * (0.15 + 0.7 * f));
        }
    }
    xs.retain(|&x| x >= bounds.x && x <= bounds.right());
    ys.retain(|&y| y >= bounds.y && y <= bounds.bottom());
    let (nx, ny) = {
        let (a, b) = (dedup(xs.clone()).len(), dedup(ys.clone()).len());
        (a, b)
    };
    if nx.saturating_mul(ny) > MAX_GRID {
        return None;
    }
    let grid = Grid::new(obstacles, xs, ys);
    let (nx, ny) = (grid.xs.len(), grid.ys.len());
    let total = nx * ny;

    // Which lines already use each step, and each point, by orientation.
    let mut used_x = vec![0u16; total];
    let mut used_y = vec![0u16; total];
    let mut through_x = vec![0u16; total];
    let mut through_y = vec![0u16; total];

    let ancestors = |mut o: usize| {
        let mut out = Vec::new();
        while let Some(p) = obstacles[o].parent {
            out.push(p);
            o = p;
        }
        out
    };

    // Shortest first.
    let centre = |o: usize| (obstacles[o].rect.cx(), obstacles[o].rect.cy());
    let mut order: Vec<usize> = (0..requests.len()).collect();
    let length = |k: usize| {
        let (a, b) = (centre(requests[k].source), centre(requests[k].target));
        (a.0 - b.0).abs() + (a.1 - b.1).abs()
    };
    order.sort_by(|&a, &b| length(a).total_cmp(&length(b)).then(a.cmp(&b)));

    let mut routes: Vec<Vec<Point>> = vec![Vec::new(); requests.len()];
    let mut cost = vec![f64::INFINITY; total * 4];
    let mut from = vec![usize::MAX; total * 4];
    let mut touched: Vec<usize> = Vec::new();
    // Which points end the current line: those marked with its stamp.
    let mut goal_mark = vec![0u32; total];
    let mut stamp = 0u32;
    for k in order {
        let Request { source, target } = requests[k];
        if source == target {
            routes[k] = self_loop(obstacles[source].rect);
            continue;
        }
        let mut allowed = ancestors(source);
        allowed.extend(ancestors(target));
        allowed.sort_unstable();
        allowed.dedup();
        let free = |o: u32| o == NONE || allowed.binary_search(&(o as usize)).is_ok();
        let starts = ports(&grid, obstacles, source, target, &free);
        let goals = ports(&grid, obstacles, target, source, &free);
        if starts.is_empty() || goals.is_empty() {
            routes[k] = straight(obstacles, source, target);
            continue;
        }
        stamp += 1;
        for port in &goals {
            goal_mark[port.point] = stamp;
        }
        let goal_rect = {
            let mut r = obstacles[target].rect;
            r.x -= RING;
            r.y -= RING;
            r.w += 2.0 * RING;
            r.h += 2.0 * RING;
            r
        };
        let heuristic = |p: usize| {
            let (x, y) = (grid.xs[p % nx], grid.ys[p / nx]);
            let dx = (goal_rect.x - x).max(0.0).max(x - goal_rect.right());
            let dy = (goal_rect.y - y).max(0.0).max(y - goal_rect.bottom());
            // Off in both directions, the line needs at least one bend.
            // Weighted (a greedier search): much faster, and the lines it
            // finds cost at most a little more than the cheapest.
            GREED * (dx + dy + if dx > 0.0 && dy > 0.0 { BEND } else { 0.0 })
        };
        // First within a window around both ends (most lines need no
        // more, and the search stays small); then, if that finds nothing,
        // over the whole grid.
        let window = |margin: f64| {
            let (a, b) = (obstacles[source].rect, obstacles[target].rect);
            let (x0, x1) = (a.x.min(b.x) - margin, a.right().max(b.right()) + margin);
            let (y0, y1) = (a.y.min(b.y) - margin, a.bottom().max(b.bottom()) + margin);
            (
                grid.xs.partition_point(|&v| v < x0) as i64,
                grid.xs.partition_point(|&v| v <= x1) as i64,
                grid.ys.partition_point(|&v| v < y0) as i64,
                grid.ys.partition_point(|&v| v <= y1) as i64,
            )
        };
        let mut windows = vec![window(WINDOW), window(4.0 * WINDOW)];
        if total <= FULL_SEARCH {
            windows.push((0, nx as i64, 0, ny as i64));
        }
        let mut best: Option<(f64, usize, usize)> = None;
        for (i0, i1, j0, j1) in windows {
            for &s in &touched {
                cost[s] = f64::INFINITY;
                from[s] = usize::MAX;
            }
            touched.clear();
            let mut heap = BinaryHeap::new();
            for port in &starts {
                let state = port.point * 4 + port.outward;
                let c = RING;
                if c < cost[state] {
                    cost[state] = c;
                    from[state] = usize::MAX;
                    touched.push(state);
                    heap.push(Open {
                        estimate: c + heuristic(port.point),
                        cost: c,
                        state,
                    });
                }
            }
            while let Some(Open { cost: c, state, .. }) = heap.pop() {
                if c > cost[state] {
                    continue;
                }
                if let Some((b, _, _)) = best {
                    if c + heuristic(state / 4) >= b {
                        break;
                    }
                }
                let (p, d) = (state / 4, state % 4);
                if goal_mark[p] == stamp {
                    for g in goals
                        .iter()
                        .enumerate()
                        .filter(|(_, g)| g.point == p)
                        .map(|(g, _)| g)
                    {
                        let inward = opposite(goals[g].outward);
                        let finish = c + RING + if d == inward { 0.0 } else { BEND };
                        if best.is_none_or(|(b, _, _)| finish < b) {
                            best = Some((finish, state, g));
                        }
                    }
                }
                let (i, j) = ((p % nx) as i64, (p / nx) as i64);
                for nd in 0..4 {
                    if nd == opposite(d) {
                        continue;
                    }
                    let (ni, nj) = (i + DX[nd], j + DY[nd]);
                    if ni < i0 || nj < j0 || ni >= i1 || nj >= j1 {
                        continue;
                    }
                    let q = nj as usize * nx + ni as usize;
                    let step = match nd {
                        0 => p,
                        1 => q,
                        2 => p,
                        _ => q,
                    };
                    let horizontal = nd < 2;
                    let blocker = if horizontal {
                        grid.step_x[step]
                    } else {
                        grid.step_y[step]
                    };
                    if !free(grid.point[q]) || !free(blocker) {
                        continue;
                    }
                    let len = if horizontal {
                        (grid.xs[ni as usize] - grid.xs[i as usize]).abs()
                    } else {
                        (grid.ys[nj as usize] - grid.ys[j as usize]).abs()
                    };
                    let mut nc = c + len;
                    if nd != d {
                        nc += BEND;
                    }
                    let shared = if horizontal {
                        used_x[step]
                    } else {
                        used_y[step]
                    };
                    nc += SHARE * shared as f64;
                    let crossed = if horizontal {
                        through_y[q]
                    } else {
                        through_x[q]
                    };
                    if crossed > 0 {
                        nc += CROSS;
                    }
                    let ns = q * 4 + nd;
                    if nc < cost[ns] {
                        if cost[ns].is_infinite() {
                            touched.push(ns);
                        }
                        cost[ns] = nc;
                        from[ns] = state;
                        heap.push(Open {
                            estimate: nc + heuristic(q),
                            cost: nc,
                            state: ns,
                        });
                    }
                }
            }
            if best.is_some() {
                break;
            }
        }
        let Some((_, last, g)) = best else {
            routes[k] = straight(obstacles, source, target);
            continue;
        };
        // Walk back, mark what the line uses, and keep the corners.
        let mut states = vec![last];
        while let Some(&s) = states.last() {
            let prev = from[s];
            if prev == usize::MAX {
                break;
            }
            states.push(prev);
        }
        states.reverse();
        let first = states[0] / 4;
        let start_port = starts
            .iter()
            .find(|p| p.point * 4 + p.outward == states[0])
            .or_else(|| starts.iter().find(|p| p.point == first))
            .copied()
            .unwrap_or(starts[0]);
        let mut points = vec![start_port.border];
        for pair in states.windows(2) {
            let (p, q, d) = (pair[0] / 4, pair[1] / 4, pair[1] % 4);
            let step = match d {
                0 | 2 => p,
                _ => q,
            };
            if d < 2 {
                used_x[step] += 1;
                through_x[p] += 1;
                through_x[q] += 1;
            } else {
                used_y[step] += 1;
                through_y[p] += 1;
                through_y[q] += 1;
            }
        }
        for &s in &states {
            let p = s / 4;
            points.push(Point {
                x: grid.xs[p % nx],
                y: grid.ys[p / nx],
            });
        }
        points.push(goals[g].border);
        routes[k] = simplify(points);
    }
    Some(routes)
}

/// The ports of `end` toward `other`: points of the grid on the ring around
/// the box, between its corners, that the line may use. For a container
/// that holds `other`, the points just under its header instead.
fn ports(
    grid: &Grid,
    obstacles: &[Obstacle],
    end: usize,
    other: usize,
    free: &dyn Fn(u32) -> bool,
) -> Vec<Port> {
    let nx = grid.xs.len();
    let r = obstacles[end].rect;
    let mut out = Vec::new();
    let holds_other = {
        let mut o = other;
        let mut found = false;
        while let Some(p) = obstacles[o].parent {
            if p == end {
                found = true;
                break;
            }
            o = p;
        }
        found
    };
    if holds_other {
        let Some(h) = obstacles[end].header_bottom else {
            return out;
        };
        let y = h - 5.0;
        let j = grid.ys.partition_point(|&v| v < y - MERGE);
        if j >= grid.ys.len() || (grid.ys[j] - y).abs() > MERGE {
            return out;
        }
        for i in between(&grid.xs, r.x + 12.0, r.right() - 12.0) {
            let p = j * nx + i;
            if grid.point[p] == end as u32 {
                // Entered (or left) from below, ending under the header.
                out.push(Port {
                    point: p,
                    outward: 2,
                    border: Point {
                        x: grid.xs[i],
                        y: grid.ys[j],
                    },
                });
            }
        }
        return out;
    }
    let sides = [
        // (fixed coordinate, outward direction, horizontal side?)
        (r.y - RING, 3usize, true),
        (r.bottom() + RING, 2, true),
        (r.x - RING, 1, false),
        (r.right() + RING, 0, false),
    ];
    for (fixed, outward, horizontal) in sides {
        if horizontal {
            let Some(j) = find(&grid.ys, fixed) else {
                continue;
            };
            let inset = (r.w * 0.08).min(14.0);
            for i in between(&grid.xs, r.x + inset, r.right() - inset) {
                let p = j * nx + i;
                if free(grid.point[p]) {
                    let y = if outward == 3 { r.y } else { r.bottom() };
                    out.push(Port {
                        point: p,
                        outward,
                        border: Point { x: grid.xs[i], y },
                    });
                }
            }
        } else {
            let Some(i) = find(&grid.xs, fixed) else {
                continue;
            };
            let inset = (r.h * 0.15).min(10.0);
            for j in between(&grid.ys, r.y + inset, r.bottom() - inset) {
                let p = j * nx + i;
                if free(grid.point[p]) {
                    let x = if outward == 1 { r.x } else { r.right() };
                    out.push(Port {
                        point: p,
                        outward,
                        border: Point { x, y: grid.ys[j] },
                    });
                }
            }
        }
    }
    out
}

/// The index of the grid line at `v` (within the merge distance).
fn find(v: &[f64], x: f64) -> Option<usize> {
    let k = v.partition_point(|&a| a < x - MERGE);
    (k < v.len() && (v[k] - x).abs() <= MERGE).then_some(k)
}

/// Drops points in the middle of straight runs.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out
            .last()
            .is_some_and(|l: &Point| (l.x - p.x).abs() < 1e-9 && (l.y - p.y).abs() < 1e-9)
        {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let collinear = ((a.x - b.x).abs() < 1e-9 && (b.x - p.x).abs() < 1e-9)
                || ((a.y - b.y).abs() < 1e-9 && (b.y - p.y).abs() < 1e-9);
            if collinear {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// A small loop off a box's right side (a relationship from an element to
/// itself).
fn self_loop(r: Rect) -> Vec<Point> {
    let (x, y0, y1) = (r.right(), r.y + r.h * 0.3, r.y + r.h * 0.7);
    vec![
        Point { x, y: y0 },
        Point { x: x + 18.0, y: y0 },
        Point { x: x + 18.0, y: y1 },
        Point { x, y: y1 },
    ]
}

/// The straight line between the centres' facing borders: only when no
/// route exists on the grid (which the layout's gaps make rare).
fn straight(obstacles: &[Obstacle], source: usize, target: usize) -> Vec<Point> {
    let (a, b) = (obstacles[source].rect, obstacles[target].rect);
    let from = Point {
        x: a.cx(),
        y: if b.cy() >= a.cy() { a.bottom() } else { a.y },
    };
    let to = Point {
        x: b.cx(),
        y: if b.cy() >= a.cy() { b.y } else { b.bottom() },
    };
    vec![from, to]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    fn leaf(r: Rect) -> Obstacle {
        Obstacle {
            rect: r,
            parent: None,
            depth: 0,
            header_bottom: None,
        }
    }

    fn hits(route: &[Point], r: Rect) -> bool {
        route.windows(2).any(|s| {
            let steps = 50;
            (0..=steps).any(|k| {
                let f = k as f64 / steps as f64;
                let (x, y) = (
                    s[0].x + (s[1].x - s[0].x) * f,
                    s[0].y + (s[1].y - s[0].y) * f,
                );
                x > r.x + 1.0 && x < r.right() - 1.0 && y > r.y + 1.0 && y < r.bottom() - 1.0
            })
        })
    }

    #[test]
    fn goes_around_a_box_in_the_way() {
        let boxes = [
            leaf(rect(0.0, 0.0, 100.0, 40.0)),
            leaf(rect(0.0, 100.0, 100.0, 40.0)),
            leaf(rect(0.0, 200.0, 100.0, 40.0)),
        ];
        let routes = route(
            &boxes,
            &[Request {
                source: 0,
                target: 2,
            }],
            rect(-60.0, -30.0, 220.0, 300.0),
        )
        .unwrap();
        let r = &routes[0];
        assert!(!hits(r, boxes[1].rect), "{r:?}");
        // From the border of the first box to the border of the last.
        let (a, b) = (r.first().unwrap(), r.last().unwrap());
        assert!(a.y == 40.0 || a.x == 0.0 || a.x == 100.0, "{r:?}");
        assert!(b.y == 200.0 || b.x == 0.0 || b.x == 100.0, "{r:?}");
        // Orthogonal: every step is horizontal or vertical.
        assert!(r.windows(2).all(|s| s[0].x == s[1].x || s[0].y == s[1].y));
    }

    #[test]
    fn a_line_to_a_container_stops_at_its_border_and_lines_do_not_share() {
        let boxes = [
            Obstacle {
                rect: rect(0.0, 0.0, 300.0, 120.0),
                parent: None,
                depth: 0,
                header_bottom: Some(40.0),
            },
            Obstacle {
                rect: rect(20.0, 50.0, 100.0, 40.0),
                parent: Some(0),
                depth: 1,
                header_bottom: None,
            },
            leaf(rect(0.0, 220.0, 100.0, 40.0)),
            leaf(rect(200.0, 220.0, 100.0, 40.0)),
        ];
        let requests = [
            Request {
                source: 2,
                target: 0,
            },
            Request {
                source: 3,
                target: 0,
            },
            Request {
                source: 1,
                target: 2,
            },
        ];
        let routes = route(&boxes, &requests, rect(-40.0, -40.0, 400.0, 340.0)).unwrap();
        for r in &routes[..2] {
            let end = r.last().unwrap();
            assert_eq!(end.y, 120.0, "{r:?}");
        }
        assert!(!hits(&routes[2], boxes[3].rect));
        assert_eq!(routes[2].first().unwrap().y, 90.0, "{:?}", routes[2]);
    }

    #[test]
    fn too_large_grids_are_refused() {
        // Boxes whose sides all fall on different grid lines.
        let boxes: Vec<Obstacle> = (0..3000)
            .map(|k| {
                leaf(rect(
                    k as f64 * 7.3,
                    (k * 37 % 3000) as f64 * 5.1,
                    100.0,
                    40.0,
                ))
            })
            .collect();
        assert!(route(&boxes, &[], rect(-20.0, -20.0, 22000.0, 15400.0)).is_none());
    }
}
