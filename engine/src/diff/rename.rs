//! Rename detection: an element removed under one path and added under
//! another is the same element when it keeps its kind, its labels and its
//! relationships.
//!
//! Each removed and each added element gets a signature: its kind, its
//! label and translations, and its relationships (direction, relation kind,
//! and the other end). The other end is named by its path when it exists
//! on both sides, else by its kind and label, so that a parent and its
//! children renamed together still match. A removed and an added element
//! are paired only when their signature is shared by no other removed or
//! added element, and when it says something: an element with neither a
//! label nor a relationship has nothing to be recognised by.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::model::{ElementId, Model};

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
    let old_set: HashSet<usize> = removed.iter().copied().collect();
    let new_set: HashSet<usize> = added.iter().copied().collect();
    let old_sigs = signatures(old, removed, &old_set);
    let new_sigs = signatures(new, added, &new_set);
    let mut groups: HashMap<&str, (Vec<usize>, Vec<usize>)> = HashMap::default();
    for (i, sig) in removed.iter().zip(&old_sigs) {
        if let Some(sig) = sig {
            groups.entry(sig).or_default().0.push(*i);
        }
    }
    for (i, sig) in added.iter().zip(&new_sigs) {
        if let Some(sig) = sig {
            groups.entry(sig).or_default().1.push(*i);
        }
    }
    let mut pairs: Vec<(usize, usize)> = groups
        .into_values()
        .filter_map(|(o, n)| (o.len() == 1 && n.len() == 1).then(|| (o[0], n[0])))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// The signature of each element of `indexes` (`None`: nothing to match by).
fn signatures(model: &Model, indexes: &[usize], unmatched: &HashSet<usize>) -> Vec<Option<String>> {
    // The relationships of each element in question, as written from its side.
    let mut links: HashMap<usize, Vec<String>> = HashMap::default();
    let end = |id: ElementId| -> String {
        let e = model.element(id);
        if unmatched.contains(&id.index()) {
            format!("?{}:{}", e.kind_name, e.info.display_label(None))
        } else {
            e.path.clone()
        }
    };
    for r in &model.relationships {
        let kind = &model.relation_kind(r.kind).info.name;
        let label = r.label.as_deref().unwrap_or("");
        if unmatched.contains(&r.source.index()) {
            links
                .entry(r.source.index())
                .or_default()
                .push(format!("out {kind} {} {label:?}", end(r.target)));
        }
        if unmatched.contains(&r.target.index()) {
            links
                .entry(r.target.index())
                .or_default()
                .push(format!("in {kind} {} {label:?}", end(r.source)));
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
            Some(format!(
                "{}|{:?}|{}|{}",
                e.kind_name,
                e.info.label,
                translations.join(","),
                rels.join(";")
            ))
        })
        .collect()
}
