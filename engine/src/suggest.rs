//! "Did you mean ...?": the closest known name to a misspelt one.
//!
//! Names and candidate lists come from the user, so every step is bounded:
//! a name longer than [`MAX_NAME_CHARS`] gets no suggestion, candidates whose
//! length alone rules them out are skipped before any distance is computed,
//! at most [`MAX_SCANNED`] candidates are looked at and at most
//! [`MAX_COMPARED`] distances computed per name, and each distance stops as
//! soon as it exceeds the limit. A [`Suggester`] adds a budget shared by all
//! the names one file's part of the model resolves (the model's budget
//! shared out between its files, at least a fiftieth of it each), so that
//! a million misspelt references cost a bounded amount of work in total,
//! not a million times the candidate list, and a file's suggestions do not
//! depend on the other files' mistakes.

/// Longer names are not typos anyone hopes to see corrected.
pub const MAX_NAME_CHARS: usize = 64;
/// Candidates looked at per name (length filter included).
pub const MAX_SCANNED: usize = 20_000;
/// Edit distances computed per name.
pub const MAX_COMPARED: usize = 2_000;

/// The candidate closest to `name`, if one is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_with_cost(name, candidates).0
}

/// Suggestions under a shared budget of work.
#[derive(Debug)]
pub struct Suggester {
    budget: u64,
}

impl Default for Suggester {
    /// About a second of work in a release build, whatever the model.
    fn default() -> Suggester {
        Suggester::new(100_000_000)
    }
}

impl Suggester {
    /// A suggester that stops suggesting once `budget` units of work (one per
    /// candidate looked at, one per cell of an edit distance) are spent.
    pub fn new(budget: u64) -> Suggester {
        Suggester { budget }
    }

    /// True while suggestions are still being made: callers skip building
    /// candidate lists once it is false.
    pub fn has_budget(&self) -> bool {
        self.budget > 0
    }

    /// [`closest`], charged to the budget; `None` once it is spent.
    pub fn closest<'a>(
        &mut self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        if self.budget == 0 {
            return None;
        }
        let (best, cost) = closest_with_cost(name, candidates);
        self.budget = self.budget.saturating_sub(cost);
        best
    }
}

/// The closest candidate and the work spent finding it.
fn closest_with_cost<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> (Option<&'a str>, u64) {
    let chars: Vec<char> = name.chars().take(MAX_NAME_CHARS + 1).collect();
    if chars.len() > MAX_NAME_CHARS || chars.is_empty() {
        return (None, 1);
    }
    let length = chars.len();
    let limit = (length / 3).max(1);
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    let mut cost = 0u64;
    let mut compared = 0;
    let mut row = Vec::new();
    for candidate in candidates.into_iter().take(MAX_SCANNED) {
        cost += 1;
        if candidate == name {
            continue;
        }
        // Length filter: each edit changes the length by at most one.
        let other: Vec<char> = candidate.chars().take(length + limit + 1).collect();
        if other.len().abs_diff(length) > limit {
            continue;
        }
        if compared == MAX_COMPARED {
            break;
        }
        compared += 1;
        let distance = if candidate.to_lowercase() == lower {
            Some(0)
        } else {
            cost += (length * other.len()) as u64;
            bounded_distance(&chars, &other, limit, &mut row)
        };
        let Some(distance) = distance else {
            continue;
        };
        let better = match best {
            None => true,
            Some((d, c)) => distance < d || (distance == d && candidate < c),
        };
        if better {
            best = Some((distance, candidate));
        }
    }
    (best.map(|(_, c)| c), cost)
}

/// The optimal string alignment distance (insertions, deletions,
/// substitutions and transpositions of neighbours) between `a` and `b`, or
/// `None` as soon as it must exceed `limit`. `rows` is reused scratch space.
fn bounded_distance(a: &[char], b: &[char], limit: usize, rows: &mut Vec<usize>) -> Option<usize> {
    let width = b.len() + 1;
    // Three rows: the one before the previous (for transpositions), the
    // previous and the current.
    rows.clear();
    rows.resize(3 * width, 0);
    let (mut two_back, mut prev, mut cur) = (0, width, 2 * width);
    for (j, cell) in rows[prev..prev + width].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[cur] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let substitution = rows[prev + j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution
                .min(rows[prev + j] + 1)
                .min(rows[cur + j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[two_back + j - 2] + 1);
            }
            rows[cur + j] = best;
            row_min = row_min.min(best);
        }
        // Every later cell is at least the smallest of this row.
        if row_min > limit {
            return None;
        }
        (two_back, prev, cur) = (prev, cur, two_back);
    }
    let distance = rows[prev + b.len()];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::{bounded_distance, closest, Suggester, MAX_NAME_CHARS};

    #[test]
    fn finds_typos_only() {
        let names = ["occupancy", "bms", "privacy", "データ基盤"];
        assert_eq!(closest("ocupancy", names), Some("occupancy"));
        assert_eq!(closest("BMS", names), Some("bms"));
        assert_eq!(closest("データ基板", names), Some("データ基盤"));
        assert_eq!(closest("zzz", names), None);
        assert_eq!(closest("bms", names), None);
        // A transposition is one edit.
        assert_eq!(closest("ocucpancy", names), Some("occupancy"));
        assert_eq!(closest("privcay", names), Some("privacy"));
    }

    #[test]
    fn distances_match_the_textbook_and_stop_at_the_limit() {
        let d = |a: &str, b: &str, limit| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            bounded_distance(&a, &b, limit, &mut Vec::new())
        };
        assert_eq!(d("kitten", "sitting", 5), Some(3));
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(d("ab", "ba", 1), Some(1));
        assert_eq!(d("", "abc", 3), Some(3));
        assert_eq!(d("abc", "abc", 0), Some(0));
        assert_eq!(d("ca", "abc", 3), Some(3));
    }

    #[test]
    fn a_huge_name_or_candidate_is_cheap() {
        // A megabyte name once took over an hour against a few thousand names.
        let huge = "a".repeat(1 << 20);
        let names: Vec<String> = (0..5_000).map(|i| format!("name{i}")).collect();
        assert_eq!(closest(&huge, names.iter().map(String::as_str)), None);
        let long = "b".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(closest(&long, [long.as_str(), "b"]), None);
        // A huge candidate is ruled out by its length after a few characters.
        assert_eq!(closest("name", [huge.as_str(), "nme"]), Some("nme"));
    }

    #[test]
    fn the_budget_ends_suggestions() {
        let names = ["occupancy", "privacy"];
        let mut suggester = Suggester::new(3);
        assert!(suggester.has_budget());
        assert_eq!(suggester.closest("ocupancy", names), Some("occupancy"));
        assert!(!suggester.has_budget());
        assert_eq!(suggester.closest("ocupancy", names), None);
    }
}
