//! Rename detection: an element removed under one path and added under
//! another is the same element when it keeps its kind, its labels and its
//! relationships.
//!
//! Removed and added elements are grouped by kind, label and translations,
//! which must be equal. Within a group, an added element is a candidate for
//! a removed one when it still has every relationship the removed one had
//! (direction, relation kind, label and other end); it may have gained
//! more, since a rename often comes with new relationships, and it may have
//! lost those whose other end was removed too. The other end
//! is named by its path when it exists on both sides, else by its kind and
//! label, so that a parent and its children renamed together still match.
//! A pair is taken only when each is the other's only candidate, and when
//! the element says something: one with neither a label nor a
//! relationship has nothing to be recognised by.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::model::{ElementId, Model};

/// Groups larger than this are matched on equal relationships only (a hash
/// lookup) instead of by comparing every pair.
const PAIRWISE_LIMIT: usize = 64;

/// What an element is recognised by.
struct Signature {
    /// Kind, label and translations: must be equal.
    identity: String,
    /// Its relationships, sorted.
    links: Vec<String>,
}

/// Pairs (old index, new index) of renamed elements, among the `removed`
/// elements of `old` and the `added` elements of `new`.
pub(super) fn match_elements(
    old: &Model,
    new: &Model,
    removed: &[usize],
    added: &[usize],
) -> Vec<(usize, usize)> {
    if removed.is_empty() || added.is_empty() {
        return Vec::new();
    }
    let old_sigs = signatures(old, removed);
    let new_sigs = signatures(new, added);
    let mut groups: HashMap<&str, (Vec<usize>, Vec<usize>)> = HashMap::default();
    for (k, sig) in old_sigs.iter().enumerate() {
        if let Some(sig) = sig {
            groups.entry(&sig.identity).or_default().0.push(k);
        }
    }
    for (k, sig) in new_sigs.iter().enumerate() {
        if let Some(sig) = sig {
            groups.entry(&sig.identity).or_default().1.push(k);
        }
    }
    let mut pairs = Vec::new();
    for (olds, news) in groups.into_values() {
        if olds.is_empty() || news.is_empty() {
            continue;
        }
        let kept = |o: usize, n: usize| {
            if olds.len() > PAIRWISE_LIMIT || news.len() > PAIRWISE_LIMIT {
                links(&old_sigs, o) == links(&new_sigs, n)
            } else {
                is_sub_multiset(required(links(&old_sigs, o)), links(&new_sigs, n))
            }
        };
        let candidates: Vec<(usize, usize)> =
            if olds.len() > PAIRWISE_LIMIT || news.len() > PAIRWISE_LIMIT {
                let mut by_links: HashMap<&[String], Vec<usize>> = HashMap::default();
                for &n in &news {
                    by_links.entry(links(&new_sigs, n)).or_default().push(n);
                }
                olds.iter()
                    .flat_map(|&o| {
                        by_links
                            .get(links(&old_sigs, o))
                            .into_iter()
                            .flatten()
                            .map(move |&n| (o, n))
                    })
                    .collect()
            } else {
                olds.iter()
                    .flat_map(|&o| news.iter().map(move |&n| (o, n)))
                    .filter(|&(o, n)| kept(o, n))
                    .collect()
            };
        let mut old_count: HashMap<usize, usize> = HashMap::default();
        let mut new_count: HashMap<usize, usize> = HashMap::default();
        for &(o, n) in &candidates {
            *old_count.entry(o).or_default() += 1;
            *new_count.entry(n).or_default() += 1;
        }
        for (o, n) in candidates {
            if old_count[&o] == 1 && new_count[&n] == 1 {
                pairs.push((removed[o], added[n]));
            }
        }
    }
    pairs.sort_unstable();
    pairs
}

fn links(sigs: &[Option<Signature>], k: usize) -> &[String] {
    sigs[k].as_ref().map_or(&[], |s| &s.links)
}

/// The links an old element must keep: those whose other end is on both
/// sides (the ones not marked with `~`), still sorted.
fn required(links: &[String]) -> Vec<String> {
    links
        .iter()
        .filter(|l| !l.starts_with('~'))
        .cloned()
        .collect()
}

/// Whether every item of sorted `a` is in sorted `b`, counting repeats.
fn is_sub_multiset(a: Vec<String>, b: &[String]) -> bool {
    let mut b = b.iter().peekable();
    'outer: for x in &a {
        for y in b.by_ref() {
            match y.cmp(x) {
                std::cmp::Ordering::Less => continue,
                std::cmp::Ordering::Equal => continue 'outer,
                std::cmp::Ordering::Greater => return false,
            }
        }
        return false;
    }
    true
}

/// The signature of each element of `indexes` (`None`: nothing to match by).
fn signatures(model: &Model, indexes: &[usize]) -> Vec<Option<Signature>> {
    let unmatched: HashSet<usize> = indexes.iter().copied().collect();
    // The relationships of each element in question, as written from its side.
    let mut links: HashMap<usize, Vec<String>> = HashMap::default();
    // A link to another unmatched element starts with `~`: it is compared
    // when both sides have it, but an old one may be missing on the new
    // side, since its other end may be gone.
    let end = |id: ElementId| -> (bool, String) {
        let e = model.element(id);
        if unmatched.contains(&id.index()) {
            (
                true,
                format!("{}:{}", e.kind_name, e.info.display_label(None)),
            )
        } else {
            (false, e.path.clone())
        }
    };
    let link = |dir: &str, kind: &str, (loose, end): (bool, String), label: &str| {
        format!(
            "{}{dir} {kind} {end} {label:?}",
            if loose { "~" } else { "" }
        )
    };
    for r in &model.relationships {
        let (from, to) = (
            unmatched.contains(&r.source.index()),
            unmatched.contains(&r.target.index()),
        );
        if !from && !to {
            continue;
        }
        let kind = &model.relation_kind(r.kind).info.name;
        let label = r.label.as_deref().unwrap_or("");
        if from {
            links.entry(r.source.index()).or_default().push(link(
                "out",
                kind,
                end(r.target),
                label,
            ));
        }
        if to {
            links
                .entry(r.target.index())
                .or_default()
                .push(link("in", kind, end(r.source), label));
        }
    }
    indexes
        .iter()
        .map(|&i| {
            let e = &model.elements[i];
            let mut rels = links.remove(&i).unwrap_or_default();
            if e.info.label.is_none() && e.info.translations.is_empty() && rels.is_empty() {
                return None;
            }
            rels.sort_unstable();
            let mut translations: Vec<String> = e
                .info
                .translations
                .iter()
                .map(|(lang, text)| format!("{lang}={text:?}"))
                .collect();
            translations.sort_unstable();
            Some(Signature {
                identity: format!(
                    "{}|{:?}|{}",
                    e.kind_name,
                    e.info.label,
                    translations.join(",")
                ),
                links: rels,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_sub_multiset;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sub_multisets_count_repeats() {
        assert!(is_sub_multiset(v(&[]), &v(&["a"])));
        assert!(is_sub_multiset(v(&["a", "c"]), &v(&["a", "b", "c"])));
        assert!(!is_sub_multiset(v(&["a", "a"]), &v(&["a", "b"])));
        assert!(!is_sub_multiset(v(&["d"]), &v(&["a", "b"])));
    }
}
