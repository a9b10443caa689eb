//! Impact: whom a change concerns. A change reaches the views that show (or
//! showed) what changed; a view is governed by a viewpoint, which frames
//! concerns, which stakeholders hold. Both sides count: removing an element
//! concerns the views that showed it, adding one the views that show it.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use super::compare::Located;
use super::{Category, Impact, NamedRef, Reviewer};
use crate::model::{ElementId, Model, ViewId};

/// What one side knows about views and the people behind them.
struct Side<'m> {
    model: &'m Model,
    /// The views that show each element.
    element_views: Vec<Vec<ViewId>>,
}

impl<'m> Side<'m> {
    fn new(model: &'m Model) -> Side<'m> {
        let mut element_views = vec![Vec::new(); model.elements.len()];
        for view in model.view_ids() {
            for s in &model.view(view).elements {
                element_views[s.element.index()].push(view);
            }
        }
        Side {
            model,
            element_views,
        }
    }

    fn shows(&self, view: ViewId, element: ElementId) -> bool {
        self.element_views[element.index()].contains(&view)
    }

    /// The views that draw relationship `index`, directly or lifted to
    /// shown ancestors (SPEC §2.2), without computing whole views.
    fn relationship_views(&self, index: usize, out: &mut BTreeSet<String>) {
        let m = self.model;
        let r = &m.relationships[index];
        let mut candidates: Vec<ViewId> = m
            .ancestors_and_self(r.source)
            .flat_map(|a| self.element_views[a.index()].iter().copied())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        for view in candidates {
            let v = m.view(view);
            if v.viewpoint
                .is_some_and(|vp| !m.viewpoint(vp).allows_relation(r.kind))
            {
                continue;
            }
            let nearest = |e: ElementId| m.ancestors_and_self(e).find(|a| self.shows(view, *a));
            if let (Some(s), Some(t)) = (nearest(r.source), nearest(r.target)) {
                if s != t {
                    out.insert(v.info.name.to_string());
                }
            }
        }
    }

    fn element_views(&self, index: usize, out: &mut BTreeSet<String>) {
        for v in &self.element_views[index] {
            out.insert(self.model.view(*v).info.name.to_string());
        }
    }

    /// The views directly touched by the declaration at `index` of `category`.
    fn views_of(&self, category: Category, index: usize, out: &mut Impact) {
        let m = self.model;
        let mut views = BTreeSet::new();
        match category {
            Category::Element => self.element_views(index, &mut views),
            Category::Relationship => self.relationship_views(index, &mut views),
            Category::View => {
                views.insert(m.views[index].info.name.to_string());
            }
            Category::Viewpoint => {
                for v in &m.views {
                    if v.viewpoint.is_some_and(|vp| vp.index() == index) {
                        views.insert(v.info.name.to_string());
                    }
                }
            }
            Category::Decision => {
                for e in &m.decisions[index].affects {
                    self.element_views(e.index(), &mut views);
                }
                for c in &m.decisions[index].addresses {
                    out.concerns.push(m.concern(*c).info.name.to_string());
                }
            }
            Category::Kind => {
                for (i, e) in m.elements.iter().enumerate() {
                    if e.kind.is_some_and(|k| k.index() == index) {
                        self.element_views(i, &mut views);
                    }
                }
            }
            Category::Layer => {
                for (i, _) in m.elements.iter().enumerate() {
                    if m.element_layer(ElementId(i as u32))
                        .is_some_and(|l| l.index() == index)
                    {
                        self.element_views(i, &mut views);
                    }
                }
            }
            Category::RelationKind => {
                for (i, r) in m.relationships.iter().enumerate() {
                    if r.kind.index() == index {
                        self.relationship_views(i, &mut views);
                    }
                }
            }
            Category::Concern => out.concerns.push(m.concerns[index].info.name.to_string()),
            Category::Stakeholder => {
                let s = &m.stakeholders[index];
                out.stakeholders.push(s.info.name.to_string());
                for c in &s.concerns {
                    out.concerns.push(m.concern(*c).info.name.to_string());
                }
            }
        }
        out.views.extend(views);
    }
}

/// Name-level links of one side: view → viewpoint → concerns → stakeholders.
#[derive(Default)]
struct Links {
    view_viewpoint: HashMap<String, String>,
    frames: HashMap<String, Vec<String>>,
    holders: HashMap<String, Vec<String>>,
    stakeholder_concerns: HashMap<String, Vec<String>>,
    stakeholder_labels: HashMap<String, String>,
    concern_labels: HashMap<String, String>,
}

impl Links {
    fn add(&mut self, m: &Model) {
        for v in &m.views {
            if let Some(vp) = v.viewpoint {
                self.view_viewpoint
                    .entry(v.info.name.to_string())
                    .or_insert_with(|| m.viewpoint(vp).info.name.to_string());
            }
        }
        for vp in &m.viewpoints {
            let frames = self.frames.entry(vp.info.name.to_string()).or_default();
            frames.extend(
                vp.frames
                    .iter()
                    .map(|c| m.concern(*c).info.name.to_string()),
            );
        }
        for s in &m.stakeholders {
            let name = s.info.name.to_string();
            for c in &s.concerns {
                let concern = m.concern(*c).info.name.to_string();
                self.holders
                    .entry(concern.clone())
                    .or_default()
                    .push(name.clone());
                self.stakeholder_concerns
                    .entry(name.clone())
                    .or_default()
                    .push(concern);
            }
            // The new side is added first, so its labels win.
            self.stakeholder_labels
                .entry(name)
                .or_insert_with(|| s.info.display_label(None).to_string());
        }
        for c in &m.concerns {
            self.concern_labels
                .entry(c.info.name.to_string())
                .or_insert_with(|| c.info.display_label(None).to_string());
        }
    }
}

fn sorted(items: &mut Vec<String>) {
    items.sort_unstable();
    items.dedup();
}

/// Fills in every change's impact and returns the stakeholders to ask for a
/// review, each with the concerns of theirs the changes touch.
pub(super) fn assess(old: &Model, new: &Model, changes: &mut [Located]) -> Vec<Reviewer> {
    if changes.is_empty() {
        return Vec::new();
    }
    let (old_side, new_side) = (Side::new(old), Side::new(new));
    let mut links = Links::default();
    links.add(new);
    links.add(old);
    let mut review: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for located in changes.iter_mut() {
        let category = located.change.category;
        let mut impact = Impact::default();
        if let Some(i) = located.old {
            old_side.views_of(category, i, &mut impact);
        }
        if let Some(i) = located.new {
            new_side.views_of(category, i, &mut impact);
        }
        sorted(&mut impact.views);
        if category == Category::Viewpoint {
            impact.viewpoints.push(located.change.id.clone());
        }
        for v in &impact.views {
            if let Some(vp) = links.view_viewpoint.get(v) {
                impact.viewpoints.push(vp.clone());
            }
        }
        sorted(&mut impact.viewpoints);
        for vp in &impact.viewpoints {
            if let Some(frames) = links.frames.get(vp) {
                impact.concerns.extend(frames.iter().cloned());
            }
        }
        sorted(&mut impact.concerns);
        for c in &impact.concerns {
            if let Some(holders) = links.holders.get(c) {
                impact.stakeholders.extend(holders.iter().cloned());
            }
        }
        sorted(&mut impact.stakeholders);
        for s in &impact.stakeholders {
            let theirs = links.stakeholder_concerns.get(s);
            let entry = review.entry(s.clone()).or_default();
            for c in &impact.concerns {
                if theirs.is_some_and(|t| t.contains(c)) {
                    entry.insert(c.clone());
                }
            }
        }
        located.change.impact = impact;
    }
    review
        .into_iter()
        .map(|(stakeholder, concerns)| Reviewer {
            label: links
                .stakeholder_labels
                .get(&stakeholder)
                .cloned()
                .unwrap_or_else(|| stakeholder.clone()),
            concerns: concerns
                .into_iter()
                .map(|name| NamedRef {
                    label: links
                        .concern_labels
                        .get(&name)
                        .cloned()
                        .unwrap_or_else(|| name.clone()),
                    name,
                })
                .collect(),
            stakeholder,
        })
        .collect()
}
