//! Matching declarations of two models by identity and listing what differs.
//!
//! Each declaration is described as a small table of fields in a canonical
//! form (`describe.rs`). Two declarations with the same identity differ
//! exactly when their tables do, so layout, comments, the order of files
//! and the order of statements never show up as changes.

use rustc_hash::FxHashMap as HashMap;

use super::describe::{
    decl, element_decl, relationship_decl, same_element, same_relationship, view_decl, Decl,
};
use super::{rename, Category, Change, ChangeKind, FieldChange, Impact};
use crate::model::{Info, Model};

/// A change with the model indexes of its two sides, for the impact.
pub(super) struct Located {
    pub change: Change,
    pub old: Option<usize>,
    pub new: Option<usize>,
}

/// Compares two models, category by category, in [`Category::ALL`] order.
pub(super) fn compare(old: &Model, new: &Model) -> Vec<Located> {
    let mut out = Vec::new();
    let renames = elements(old, new, &mut out);
    relationships(old, new, &renames, &mut out);
    views(old, new, &renames, &mut out);
    simple(Category::Viewpoint, old, new, &mut out);
    simple(Category::Concern, old, new, &mut out);
    simple(Category::Stakeholder, old, new, &mut out);
    simple(Category::Decision, old, new, &mut out);
    simple(Category::Layer, old, new, &mut out);
    simple(Category::Kind, old, new, &mut out);
    simple(Category::RelationKind, old, new, &mut out);
    out
}

fn change(category: Category, id: String, kind: ChangeKind, decl: &Decl) -> Change {
    Change {
        category,
        id,
        change: kind,
        from: None,
        label: decl.label.clone(),
        kind: decl.kind.clone(),
        fields: Vec::new(),
        shows_added: Vec::new(),
        shows_removed: Vec::new(),
        impact: Impact::default(),
    }
}

/// The fields whose values differ, in field-name order.
fn field_changes(old: &Decl, new: &Decl) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut names: Vec<&String> = old.fields.keys().chain(new.fields.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let (a, b) = (old.fields.get(name), new.fields.get(name));
        if a != b {
            out.push(FieldChange {
                field: name.clone(),
                old: a.cloned(),
                new: b.cloned(),
            });
        }
    }
    out
}

/// The first index of each identity (a duplicate definition is reported by
/// the checker; the diff compares the first declaration of a name).
fn first_by_id(ids: &[String]) -> HashMap<&str, usize> {
    let mut map = HashMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, id) in ids.iter().enumerate() {
        map.entry(id.as_str()).or_insert(i);
    }
    map
}

/// Matches `old_ids` and `new_ids` and records added, removed and changed
/// declarations; returns the unmatched indexes of each side (removed, added).
fn match_ids(
    category: Category,
    old_ids: &[String],
    new_ids: &[String],
    old_decl: &dyn Fn(usize) -> Decl,
    new_decl: &dyn Fn(usize) -> Decl,
    same: Option<&dyn Fn(usize, usize) -> bool>,
    out: &mut Vec<Located>,
) -> (Vec<usize>, Vec<usize>) {
    let old_by_id = first_by_id(old_ids);
    let new_by_id = first_by_id(new_ids);
    let mut added = Vec::new();
    let mut pairs = Vec::new();
    for (i, id) in new_ids.iter().enumerate() {
        if new_by_id.get(id.as_str()) != Some(&i) {
            continue;
        }
        match old_by_id.get(id.as_str()) {
            Some(&o) => pairs.push((o, i)),
            None => added.push(i),
        }
    }
    let removed: Vec<usize> = old_ids
        .iter()
        .enumerate()
        .filter(|(i, id)| {
            old_by_id.get(id.as_str()) == Some(i) && !new_by_id.contains_key(id.as_str())
        })
        .map(|(i, _)| i)
        .collect();
    for (o, n) in pairs {
        // Most declarations are untouched: equal as written, they are
        // equal in their canonical form, and need not be described.
        if same.is_some_and(|same| same(o, n)) {
            continue;
        }
        let (a, b) = (old_decl(o), new_decl(n));
        let fields = field_changes(&a, &b);
        if !fields.is_empty() {
            let mut c = change(category, new_ids[n].clone(), ChangeKind::Changed, &b);
            c.fields = fields;
            out.push(Located {
                change: c,
                old: Some(o),
                new: Some(n),
            });
        }
    }
    (removed, added)
}

/// One side of a category: the identities and how to describe each.
struct Table<'a> {
    ids: &'a [String],
    decl: &'a dyn Fn(usize) -> Decl,
}

fn push_added_removed(
    category: Category,
    old: Table,
    new: Table,
    removed: &[usize],
    added: &[usize],
    out: &mut Vec<Located>,
) {
    let (old_ids, new_ids, old_decl, new_decl) = (old.ids, new.ids, old.decl, new.decl);
    for &n in added {
        out.push(Located {
            change: change(
                category,
                new_ids[n].clone(),
                ChangeKind::Added,
                &new_decl(n),
            ),
            old: None,
            new: Some(n),
        });
    }
    for &o in removed {
        out.push(Located {
            change: change(
                category,
                old_ids[o].clone(),
                ChangeKind::Removed,
                &old_decl(o),
            ),
            old: Some(o),
            new: None,
        });
    }
}

/// Sorts the changes pushed since `start` by id (then by kind of change).
fn sort_from(out: &mut [Located], start: usize) {
    out[start..].sort_by(|a, b| {
        (a.change.id.as_str(), a.change.change).cmp(&(b.change.id.as_str(), b.change.change))
    });
}

/// The renames found among elements: old path → new path.
pub(super) type Renames = HashMap<String, String>;

fn elements(old: &Model, new: &Model, out: &mut Vec<Located>) -> Renames {
    let start = out.len();
    let ids = |m: &Model| {
        m.elements
            .iter()
            .map(|e| e.path.clone())
            .collect::<Vec<_>>()
    };
    let (old_ids, new_ids) = (ids(old), ids(new));
    let od = |i: usize| element_decl(old, i);
    let nd = |i: usize| element_decl(new, i);
    let same = |o: usize, n: usize| same_element(old, o, new, n);
    let (removed, added) = match_ids(
        Category::Element,
        &old_ids,
        &new_ids,
        &od,
        &nd,
        Some(&same),
        out,
    );
    let matched = rename::match_elements(old, new, &removed, &added);
    let mut renames = Renames::default();
    let (mut gone, mut came) = (removed.clone(), added.clone());
    for &(o, n) in &matched {
        let (a, b) = (od(o), nd(n));
        let mut c = change(
            Category::Element,
            new_ids[n].clone(),
            ChangeKind::Renamed,
            &b,
        );
        c.from = Some(old_ids[o].clone());
        c.fields = field_changes(&a, &b);
        out.push(Located {
            change: c,
            old: Some(o),
            new: Some(n),
        });
        renames.insert(old_ids[o].clone(), new_ids[n].clone());
        gone.retain(|&x| x != o);
        came.retain(|&x| x != n);
    }
    push_added_removed(
        Category::Element,
        Table {
            ids: &old_ids,
            decl: &od,
        },
        Table {
            ids: &new_ids,
            decl: &nd,
        },
        &gone,
        &came,
        out,
    );
    sort_from(out, start);
    renames
}

fn relationship_ids(model: &Model, renames: Option<&Renames>) -> Vec<String> {
    let path = |id: crate::model::ElementId| -> &str {
        let p = &model.element(id).path;
        renames.and_then(|r| r.get(p)).unwrap_or(p)
    };
    // Repeats of one (source, target, kind) are numbered in source order.
    let mut seen: HashMap<(u32, u32, u32), u32> = HashMap::default();
    model
        .relationships
        .iter()
        .map(|r| {
            let key = format!(
                "{}->{}:{}",
                path(r.source),
                path(r.target),
                model.relation_kind(r.kind).info.name
            );
            let n = seen.entry((r.source.0, r.target.0, r.kind.0)).or_insert(0);
            *n += 1;
            if *n == 1 {
                key
            } else {
                format!("{key}#{n}")
            }
        })
        .collect()
}

fn relationships(old: &Model, new: &Model, renames: &Renames, out: &mut Vec<Located>) {
    let start = out.len();
    // Old relationships are matched under their ends' new paths, so a
    // relationship of a renamed element is renamed with it, not removed
    // and added.
    let old_written = relationship_ids(old, None);
    let old_mapped;
    let old_ids: &[String] = if renames.is_empty() {
        &old_written
    } else {
        old_mapped = relationship_ids(old, Some(renames));
        &old_mapped
    };
    let new_ids = relationship_ids(new, None);
    let od = |i: usize| relationship_decl(old, i);
    let nd = |i: usize| relationship_decl(new, i);
    let same = |o: usize, n: usize| same_relationship(old, o, new, n);
    let (removed, added) = match_ids(
        Category::Relationship,
        old_ids,
        &new_ids,
        &od,
        &nd,
        Some(&same),
        out,
    );
    // Matched under new paths but written under old ones: renamed with their ends.
    if !renames.is_empty() {
        let changed: std::collections::HashSet<usize> =
            out[start..].iter().filter_map(|l| l.old).collect();
        let old_by_id = first_by_id(old_ids);
        for (n, id) in new_ids.iter().enumerate() {
            let Some(&o) = old_by_id.get(id.as_str()) else {
                continue;
            };
            if old_written[o] != old_ids[o] && !changed.contains(&o) {
                let mut c = change(
                    Category::Relationship,
                    id.clone(),
                    ChangeKind::Renamed,
                    &nd(n),
                );
                c.from = Some(old_written[o].clone());
                out.push(Located {
                    change: c,
                    old: Some(o),
                    new: Some(n),
                });
            }
        }
        for l in &mut out[start..] {
            if let Some(o) = l.old {
                if l.change.change == ChangeKind::Changed && old_written[o] != old_ids[o] {
                    l.change.change = ChangeKind::Renamed;
                    l.change.from = Some(old_written[o].clone());
                }
            }
        }
    }
    push_added_removed(
        Category::Relationship,
        Table {
            ids: &old_written,
            decl: &od,
        },
        Table {
            ids: &new_ids,
            decl: &nd,
        },
        &removed,
        &added,
        out,
    );
    sort_from(out, start);
}

fn views(old: &Model, new: &Model, renames: &Renames, out: &mut Vec<Located>) {
    let start = out.len();
    let ids = |m: &Model| {
        m.views
            .iter()
            .map(|v| v.info.name.to_string())
            .collect::<Vec<_>>()
    };
    let (old_ids, new_ids) = (ids(old), ids(new));
    let od = |i: usize| view_decl(old, i);
    let nd = |i: usize| view_decl(new, i);
    let (removed, added) = match_ids(Category::View, &old_ids, &new_ids, &od, &nd, None, out);
    // What each view shows, compared under the new paths of renamed elements.
    let shown = |m: &Model, i: usize, map: Option<&Renames>| -> Vec<String> {
        let mut paths: Vec<String> = m.views[i]
            .elements
            .iter()
            .map(|s| {
                let p = &m.element(s.element).path;
                map.and_then(|r| r.get(p)).unwrap_or(p).clone()
            })
            .collect();
        paths.sort();
        paths.dedup();
        paths
    };
    let changed: std::collections::HashMap<usize, usize> = out[start..]
        .iter()
        .enumerate()
        .filter_map(|(k, l)| l.new.map(|n| (n, start + k)))
        .collect();
    let old_by_id = first_by_id(&old_ids);
    for (n, id) in new_ids.iter().enumerate() {
        let Some(&o) = old_by_id.get(id.as_str()) else {
            continue;
        };
        let (before, after) = (shown(old, o, Some(renames)), shown(new, n, None));
        if before == after {
            continue;
        }
        let shows_added: Vec<String> = after
            .iter()
            .filter(|p| before.binary_search(p).is_err())
            .cloned()
            .collect();
        let shows_removed: Vec<String> = before
            .iter()
            .filter(|p| after.binary_search(p).is_err())
            .map(|p| {
                // Name what the view no longer shows by its old path.
                renames
                    .iter()
                    .find(|(_, to)| *to == p)
                    .map_or_else(|| p.clone(), |(from, _)| from.clone())
            })
            .collect();
        let index = match changed.get(&n) {
            Some(&k) => k,
            None => {
                out.push(Located {
                    change: change(Category::View, id.clone(), ChangeKind::Changed, &nd(n)),
                    old: Some(o),
                    new: Some(n),
                });
                out.len() - 1
            }
        };
        out[index].change.shows_added = shows_added;
        out[index].change.shows_removed = shows_removed;
    }
    push_added_removed(
        Category::View,
        Table {
            ids: &old_ids,
            decl: &od,
        },
        Table {
            ids: &new_ids,
            decl: &nd,
        },
        &removed,
        &added,
        out,
    );
    sort_from(out, start);
}

/// Viewpoints, concerns, stakeholders, decisions and the metamodel: matched
/// by name, no renames.
fn simple(category: Category, old: &Model, new: &Model, out: &mut Vec<Located>) {
    let start = out.len();
    let (old_ids, new_ids) = (names(old, category), names(new, category));
    let od = |i: usize| decl(old, category, i);
    let nd = |i: usize| decl(new, category, i);
    let (removed, added) = match_ids(category, &old_ids, &new_ids, &od, &nd, None, out);
    push_added_removed(
        category,
        Table {
            ids: &old_ids,
            decl: &od,
        },
        Table {
            ids: &new_ids,
            decl: &nd,
        },
        &removed,
        &added,
        out,
    );
    sort_from(out, start);
}

fn names(model: &Model, category: Category) -> Vec<String> {
    fn collect<'a>(infos: impl Iterator<Item = &'a Info>) -> Vec<String> {
        infos.map(|i| i.name.to_string()).collect()
    }
    match category {
        Category::Layer => collect(model.layers.iter().map(|x| &x.info)),
        Category::Kind => collect(model.kinds.iter().map(|x| &x.info)),
        Category::RelationKind => collect(model.relation_kinds.iter().map(|x| &x.info)),
        Category::Concern => collect(model.concerns.iter().map(|x| &x.info)),
        Category::Stakeholder => collect(model.stakeholders.iter().map(|x| &x.info)),
        Category::Viewpoint => collect(model.viewpoints.iter().map(|x| &x.info)),
        Category::Decision => collect(model.decisions.iter().map(|x| &x.info)),
        Category::Element | Category::Relationship | Category::View => Vec::new(),
    }
}
