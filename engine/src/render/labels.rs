//! Where relationship labels go: on or beside the straight runs of their
//! line, at the first spot that covers no element box, no container header
//! (where its text is) and no label placed before. Runs are tried from the
//! middle of the line outward, positions along a run from its middle, and
//! on the line before beside it; every list is fixed, so placement is
//! deterministic.

use super::layout::{Point, Rect};
use super::spatial::RectIndex;

/// Free spots are looked for this far beside a run, in label sizes.
const SHIFTS: [f64; 7] = [0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0];
const ALONG: [f64; 9] = [0.5, 0.38, 0.62, 0.26, 0.74, 0.16, 0.84, 0.08, 0.92];

/// What labels must keep clear of.
#[derive(Clone, Copy)]
pub struct Room<'a> {
    /// Boxes and text a label may not cover.
    pub obstacles: &'a RectIndex,
    /// Containers, whose borders a label may not straddle.
    pub frames: &'a [Rect],
    /// Where labels may go at all.
    pub bounds: Rect,
}

/// The spot for a `w` × `h` label on `route`, and whether it is free: it
/// overlaps none of the room's `obstacles` and `placed`, and lies either wholly inside
/// or wholly outside each of its `frames` (the containers, whose borders a label
/// must not straddle). When no spot is free, the one that overlaps least.
/// `far` lets the search go further from the line.
pub fn place(
    route: &[Point],
    w: f64,
    h: f64,
    room: &Room<'_>,
    placed: &RectIndex,
    far: bool,
) -> (Rect, bool) {
    let Room {
        obstacles,
        frames,
        bounds,
    } = *room;
    let runs: Vec<(Point, Point)> = route.windows(2).map(|s| (s[0], s[1])).collect();
    if runs.is_empty() {
        let p = route.first().copied().unwrap_or_default();
        return (centred(p, w, h), false);
    }
    // The middle run first, then outward; long runs before short ones at
    // the same distance.
    let middle = runs.len() / 2;
    let length = |k: usize| (runs[k].1.x - runs[k].0.x).abs() + (runs[k].1.y - runs[k].0.y).abs();
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| {
        a.abs_diff(middle)
            .cmp(&b.abs_diff(middle))
            .then(length(b).total_cmp(&length(a)))
            .then(a.cmp(&b))
    });
    // Runs long enough to hold the label come first.
    order.sort_by_key(|&k| {
        let (a, b) = runs[k];
        let vertical = (b.x - a.x).abs() < 1e-9;
        let room = if vertical {
            (b.y - a.y).abs() >= h + 8.0
        } else {
            (b.x - a.x).abs() >= w + 8.0
        };
        !room
    });
    let overlap = |r: &Rect| -> f64 {
        let mut covered = 0.0;
        for index in [obstacles, placed] {
            index.near(r, AIR, |_, o| {
                covered += area(r, o);
                true
            });
        }
        covered
            + frames
                .iter()
                .filter(|f| !holds(f, r))
                .map(|f| area(r, f))
                .sum::<f64>()
            + if holds(&bounds, r) { 0.0 } else { r.w * r.h }
    };
    let mut best: Option<(f64, Rect)> = None;
    for shift in SHIFTS {
        for &k in &order {
            let (a, b) = runs[k];
            let vertical = (b.x - a.x).abs() < (b.y - a.y).abs();
            for t in ALONG {
                let c = Point {
                    x: a.x + (b.x - a.x) * t,
                    y: a.y + (b.y - a.y) * t,
                };
                let c = if vertical {
                    Point {
                        x: c.x + shift * (w / 2.0 + 3.0),
                        y: c.y,
                    }
                } else {
                    Point {
                        x: c.x,
                        y: c.y + shift * (h / 2.0 + 3.0),
                    }
                };
                let r = centred(c, w, h);
                let o = overlap(&r);
                if o <= 0.0 {
                    return (r, true);
                }
                if best.is_none_or(|(b, _)| o < b) {
                    best = Some((o, r));
                }
            }
        }
    }
    // Nothing next to the line: look further out around its middle, in
    // rings, nearest first.
    let (a, b) = runs[order[0]];
    let c = Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    // Near the line only, unless `far`: a label far from its line reads
    // as another line's, so the caller rather widens the gaps first.
    let rings = if far { 14 } else { 4 };
    for ring in 1..=rings {
        let d = ring as f64 * 10.0;
        let steps = 8 * ring;
        for k in 0..steps {
            let angle = std::f64::consts::TAU * k as f64 / steps as f64;
            let r = centred(
                Point {
                    x: c.x + d * angle.cos() * (w / h).sqrt(),
                    y: c.y + d * angle.sin(),
                },
                w,
                h,
            );
            let o = overlap(&r);
            if o <= 0.0 {
                return (r, true);
            }
        }
    }
    let (_, r) = best.unwrap_or((0.0, centred(route[0], w, h)));
    (r, false)
}

fn centred(c: Point, w: f64, h: f64) -> Rect {
    Rect {
        x: c.x - w / 2.0,
        y: c.y - h / 2.0,
        w,
        h,
    }
}

/// Whether `outer` holds `inner` with a pixel of air.
fn holds(outer: &Rect, inner: &Rect) -> bool {
    inner.x >= outer.x + 1.0
        && inner.y >= outer.y + 1.0
        && inner.right() <= outer.right() - 1.0
        && inner.bottom() <= outer.bottom() - 1.0
}

/// The air kept around each rectangle by [`area`].
const AIR: f64 = 1.5;

/// The area two rectangles share, with a pixel of air around each.
fn area(a: &Rect, b: &Rect) -> f64 {
    let air = AIR;
    let w = (a.right() + air).min(b.right() + air) - (a.x - air).max(b.x - air);
    let h = (a.bottom() + air).min(b.bottom() + air) - (a.y - air).max(b.y - air);
    if w > 0.0 && h > 0.0 {
        w * h
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIG: Rect = Rect {
        x: -1000.0,
        y: -1000.0,
        w: 3000.0,
        h: 3000.0,
    };

    fn room(obstacles: &RectIndex) -> Room<'_> {
        Room {
            obstacles,
            frames: &[],
            bounds: BIG,
        }
    }

    fn p(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    #[test]
    fn takes_the_middle_when_free_and_moves_aside_when_not() {
        let route = [p(0.0, 0.0), p(0.0, 200.0)];
        let none = RectIndex::new(50.0);
        let (r, free) = place(&route, 40.0, 14.0, &room(&none), &none, false);
        assert!(free);
        assert_eq!((r.cx(), r.cy()), (0.0, 100.0));
        let placed = RectIndex::of([r], 50.0);
        let (r2, free) = place(&route, 40.0, 14.0, &room(&none), &placed, false);
        assert!(free);
        assert!(area(&r, &r2) == 0.0, "{r:?} {r2:?}");
        let wall = Rect {
            x: -1000.0,
            y: -1000.0,
            w: 3000.0,
            h: 3000.0,
        };
        let (_, free) = place(
            &route,
            40.0,
            14.0,
            &room(&RectIndex::of([wall], 50.0)),
            &none,
            false,
        );
        assert!(!free);
    }
}
