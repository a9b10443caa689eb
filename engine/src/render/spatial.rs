//! A uniform-grid index of rectangles, so that "what does this box touch?"
//! costs what lies near the box rather than what the whole view holds.
//!
//! Layout asks that question once per label candidate and once per
//! side-by-side edge; over a slice each answer walked every box and label of
//! the view, and a view of 10,000 elements took seconds. Rectangles are
//! bucketed by the grid cells they cover; the few that cover very many cells
//! (containers, frames around everything) are kept aside and always visited.

use std::collections::HashMap;

use super::layout::Rect;

/// Cells a rectangle may cover before it is kept in the always-visited list.
const MAX_CELLS: i64 = 64;

/// Rectangles, each with the id it was inserted under.
pub struct RectIndex {
    cell: f64,
    rects: Vec<Rect>,
    cells: HashMap<(i64, i64), Vec<u32>>,
    large: Vec<u32>,
}

impl RectIndex {
    /// An empty index whose cells are `cell` units wide and high (about the
    /// size of the rectangles it will hold is best).
    pub fn new(cell: f64) -> RectIndex {
        RectIndex {
            cell: if cell.is_finite() && cell > 1.0 {
                cell
            } else {
                1.0
            },
            rects: Vec::new(),
            cells: HashMap::new(),
            large: Vec::new(),
        }
    }

    /// An index of `rects`, with ids 0, 1, … in their order.
    pub fn of(rects: impl IntoIterator<Item = Rect>, cell: f64) -> RectIndex {
        let mut index = RectIndex::new(cell);
        for r in rects {
            index.insert(r);
        }
        index
    }

    /// Adds `r` and returns its id.
    pub fn insert(&mut self, r: Rect) -> usize {
        let id = self.rects.len();
        self.rects.push(r);
        match self.span(&r) {
            Some((x0, y0, x1, y1)) if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_CELLS => {
                for cx in x0..=x1 {
                    for cy in y0..=y1 {
                        self.cells.entry((cx, cy)).or_default().push(id as u32);
                    }
                }
            }
            _ => self.large.push(id as u32),
        }
        id
    }

    /// Calls `visit` once for every rectangle that may touch `query` grown
    /// by `margin` on every side (a superset: callers test the geometry
    /// they care about). Stops early when `visit` returns `false`.
    pub fn near(&self, query: &Rect, margin: f64, mut visit: impl FnMut(usize, &Rect) -> bool) {
        let grown = Rect {
            x: query.x - margin,
            y: query.y - margin,
            w: query.w + 2.0 * margin,
            h: query.h + 2.0 * margin,
        };
        let Some((qx0, qy0, qx1, qy1)) = self.span(&grown) else {
            // A query that is not a finite rectangle: look at everything.
            for (id, r) in self.rects.iter().enumerate() {
                if !visit(id, r) {
                    return;
                }
            }
            return;
        };
        // A query larger than the grid it could meet walks the rectangles
        // instead of empty cells.
        if (qx1 - qx0 + 1).saturating_mul(qy1 - qy0 + 1) > self.rects.len() as i64 * 4 {
            for (id, r) in self.rects.iter().enumerate() {
                if !visit(id, r) {
                    return;
                }
            }
            return;
        }
        for &id in &self.large {
            if !visit(id as usize, &self.rects[id as usize]) {
                return;
            }
        }
        for cx in qx0..=qx1 {
            for cy in qy0..=qy1 {
                let Some(ids) = self.cells.get(&(cx, cy)) else {
                    continue;
                };
                for &id in ids {
                    let r = &self.rects[id as usize];
                    // A rectangle covering several of the visited cells is
                    // reported from the first of them only.
                    let Some((rx0, ry0, _, _)) = self.span(r) else {
                        continue;
                    };
                    if (rx0.max(qx0), ry0.max(qy0)) != (cx, cy) {
                        continue;
                    }
                    if !visit(id as usize, r) {
                        return;
                    }
                }
            }
        }
    }

    /// Whether any rectangle satisfies `test` among those near `query`.
    pub fn any_near(
        &self,
        query: &Rect,
        margin: f64,
        mut test: impl FnMut(usize, &Rect) -> bool,
    ) -> bool {
        let mut found = false;
        self.near(query, margin, |id, r| {
            found = test(id, r);
            !found
        });
        found
    }

    /// The cells `r` covers, or `None` when it is not finite.
    fn span(&self, r: &Rect) -> Option<(i64, i64, i64, i64)> {
        let cell = |v: f64| (v / self.cell).floor();
        let (x0, y0, x1, y1) = (
            cell(r.x),
            cell(r.y),
            cell(r.x + r.w.max(0.0)),
            cell(r.y + r.h.max(0.0)),
        );
        // Beyond ±2^40 cells a coordinate is garbage, not a diagram.
        let ok = |v: f64| v.is_finite() && v.abs() < (1u64 << 40) as f64;
        (ok(x0) && ok(y0) && ok(x1) && ok(y1))
            .then_some((x0 as i64, y0 as i64, x1 as i64, y1 as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rect(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    fn touching(index: &RectIndex, q: &Rect) -> Vec<usize> {
        let mut seen = Vec::new();
        index.near(q, 0.0, |id, r| {
            if r.intersects(q) {
                seen.push(id);
            }
            true
        });
        seen.sort_unstable();
        seen
    }

    #[test]
    fn finds_each_touching_rectangle_once() {
        let index = RectIndex::of(
            [
                rect(0.0, 0.0, 10.0, 10.0),
                rect(5.0, 5.0, 300.0, 20.0),
                rect(-5000.0, -5000.0, 10000.0, 10000.0),
                rect(500.0, 500.0, 10.0, 10.0),
            ],
            32.0,
        );
        assert_eq!(touching(&index, &rect(8.0, 8.0, 100.0, 4.0)), [0, 1, 2]);
        assert_eq!(touching(&index, &rect(600.0, 600.0, 1.0, 1.0)), [2]);
        assert!(index.any_near(&rect(501.0, 501.0, 1.0, 1.0), 0.0, |id, _| id == 3));
        assert!(!index.any_near(&rect(800.0, 800.0, 1.0, 1.0), 0.0, |id, _| id == 3));
    }

    #[test]
    fn odd_coordinates_are_answered_without_a_panic() {
        let mut index = RectIndex::new(f64::NAN);
        index.insert(rect(f64::INFINITY, 0.0, 1.0, 1.0));
        index.insert(rect(0.0, 0.0, 1.0, 1.0));
        assert_eq!(touching(&index, &rect(0.5, 0.5, 0.1, 0.1)), [1]);
        assert_eq!(touching(&index, &rect(f64::NAN, 0.0, 1.0, 1.0)).len(), 0);
    }

    proptest! {
        // The index answers exactly what a walk over every rectangle does.
        #[test]
        fn same_answers_as_a_full_walk(
            rects in proptest::collection::vec((-500.0..500.0f64, -500.0..500.0f64, 0.0..400.0f64, 0.0..120.0f64), 0..60),
            q in (-600.0..600.0f64, -600.0..600.0f64, 0.0..300.0f64, 0.0..300.0f64),
            cell in 4.0..200.0f64,
        ) {
            let rects: Vec<Rect> = rects.into_iter().map(|(x, y, w, h)| rect(x, y, w, h)).collect();
            let index = RectIndex::of(rects.iter().copied(), cell);
            let q = rect(q.0, q.1, q.2, q.3);
            let expected: Vec<usize> = (0..rects.len()).filter(|&i| rects[i].intersects(&q)).collect();
            prop_assert_eq!(touching(&index, &q), expected);
        }
    }
}
