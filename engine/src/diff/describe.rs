//! Declarations described for comparison: a small table of fields in a
//! canonical form (`label ja` → the text, `property owner` → the value as
//! written, `frames` → the sorted names), and the quick check that two
//! declarations are equal as written (then their tables are equal too).

use std::collections::BTreeMap;

use super::Category;
use crate::model::{Info, KindSet, Model, PropertyValue};

/// A declaration described for comparison.
pub(super) struct Decl {
    pub label: String,
    pub kind: Option<String>,
    pub fields: BTreeMap<String, String>,
}

/// The fields every declaration has: labels, texts and properties.
fn info_fields(info: &Info) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    if let Some(label) = &info.label {
        fields.insert("label".to_string(), label.clone());
    }
    texts(
        &mut fields,
        Texts {
            translations: &info.translations,
            description: &info.description,
            descriptions: &info.descriptions,
            technology: &info.technology,
            doc: &info.doc,
        },
    );
    properties(&mut fields, &info.properties);
    fields
}

/// A declaration's words besides its label, as [`texts`] lists them.
struct Texts<'a> {
    translations: &'a [(smol_str::SmolStr, String)],
    description: &'a Option<String>,
    descriptions: &'a [(smol_str::SmolStr, String)],
    technology: &'a Option<String>,
    doc: &'a Option<String>,
}

fn texts(fields: &mut BTreeMap<String, String>, texts: Texts) {
    for (lang, text) in texts.translations {
        fields
            .entry(format!("label {lang}"))
            .or_insert_with(|| text.clone());
    }
    if let Some(d) = texts.description {
        fields.insert("description".to_string(), d.clone());
    }
    for (lang, text) in texts.descriptions {
        fields
            .entry(format!("description {lang}"))
            .or_insert_with(|| text.clone());
    }
    if let Some(t) = texts.technology {
        fields.insert("technology".to_string(), t.clone());
    }
    if let Some(d) = texts.doc {
        fields.insert("doc".to_string(), d.trim().to_string());
    }
}

/// `show` as written, in one canonical form.
fn show_text(show: crate::model::Show) -> String {
    match (show.description, show.technology) {
        (false, false) => "none",
        (true, false) => "description",
        (false, true) => "technology",
        (true, true) => "description, technology",
    }
    .to_string()
}

fn properties(fields: &mut BTreeMap<String, String>, properties: &[crate::model::Property]) {
    for p in properties {
        fields
            .entry(format!("property {}", p.key))
            .or_insert_with(|| value_text(&p.value));
    }
}

/// A property value in one canonical form.
fn value_text(value: &PropertyValue) -> String {
    match value {
        PropertyValue::Str(s) => format!("{s:?}"),
        PropertyValue::Number(n) => n.to_string(),
        PropertyValue::Bool(b) => b.to_string(),
        PropertyValue::Ref(path, _) => path.clone(),
        PropertyValue::List(items) => {
            let items: Vec<String> = items.iter().map(value_text).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// Sorted, comma-separated names: a list whose order carries no meaning.
fn name_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names.dedup();
    names.join(", ")
}

pub(super) fn element_decl(model: &Model, i: usize) -> Decl {
    let e = &model.elements[i];
    let mut fields = info_fields(&e.info);
    fields.insert("kind".to_string(), e.kind_name.to_string());
    if let Some(parent) = e.parent {
        fields.insert("parent".to_string(), model.element(parent).path.clone());
    }
    Decl {
        label: e.info.display_label(None).to_string(),
        kind: Some(e.kind_name.to_string()),
        fields,
    }
}

pub(super) fn relationship_decl(model: &Model, i: usize) -> Decl {
    let r = &model.relationships[i];
    let mut fields = BTreeMap::new();
    if let Some(label) = &r.label {
        fields.insert("label".to_string(), label.clone());
    }
    texts(
        &mut fields,
        Texts {
            translations: &r.translations,
            description: &r.description,
            descriptions: &r.descriptions,
            technology: &r.technology,
            doc: &r.doc,
        },
    );
    properties(&mut fields, &r.properties);
    let kind = &model.relation_kind(r.kind).info;
    Decl {
        label: r
            .label
            .clone()
            .unwrap_or_else(|| kind.display_label(None).to_string()),
        kind: Some(kind.name.to_string()),
        fields,
    }
}

pub(super) fn view_decl(model: &Model, i: usize) -> Decl {
    let v = &model.views[i];
    let mut fields = info_fields(&v.info);
    if let Some(vp) = v.viewpoint {
        fields.insert(
            "viewpoint".to_string(),
            model.viewpoint(vp).info.name.to_string(),
        );
    }
    if let Some(show) = v.show {
        fields.insert("show".to_string(), show_text(show));
    }
    Decl {
        label: v.info.display_label(None).to_string(),
        kind: None,
        fields,
    }
}

pub(super) fn decl(model: &Model, category: Category, i: usize) -> Decl {
    let concern_names = |ids: &[crate::model::ConcernId]| {
        name_list(ids.iter().map(|c| model.concern(*c).info.name.as_str()))
    };
    let kind_names = |ids: &[crate::model::KindId]| {
        name_list(ids.iter().map(|k| model.kind(*k).info.name.as_str()))
    };
    let kind_set = |set: &KindSet| match set {
        KindSet::Any => "*".to_string(),
        KindSet::Only(ids) => kind_names(ids),
    };
    let (info, extra): (&Info, Vec<(&str, String)>) = match category {
        Category::Layer => {
            let l = &model.layers[i];
            let order = l.order.iter().map(|o| ("order", o.to_string())).collect();
            (&l.info, order)
        }
        Category::Kind => {
            let k = &model.kinds[i];
            let mut extra = vec![("shape", k.shape.as_str().to_string())];
            if let Some(layer) = k.layer {
                extra.push(("layer", model.layer(layer).info.name.to_string()));
            }
            if let Some(parents) = &k.parents {
                extra.push(("parents", kind_names(parents)));
            }
            (&k.info, extra)
        }
        Category::RelationKind => {
            let r = &model.relation_kinds[i];
            let flag = |on: bool| if on { "yes" } else { "no" }.to_string();
            let extra = vec![
                ("from", kind_set(&r.from)),
                ("to", kind_set(&r.to)),
                ("allow", allowed_pairs(model, &r.allow)),
                ("acyclic", flag(r.acyclic)),
                ("downward", flag(r.downward)),
                ("upward", flag(r.upward)),
                ("same_kind", flag(r.same_kind)),
                ("default", flag(r.default)),
            ];
            (&r.info, extra)
        }
        Category::Concern => (&model.concerns[i].info, Vec::new()),
        Category::Stakeholder => {
            let s = &model.stakeholders[i];
            (&s.info, vec![("concerns", concern_names(&s.concerns))])
        }
        Category::Viewpoint => {
            let v = &model.viewpoints[i];
            let mut extra = vec![("frames", concern_names(&v.frames))];
            if let Some(kinds) = &v.kinds {
                extra.push(("kinds", kind_names(kinds)));
            }
            if let Some(relations) = &v.relations {
                let names = relations
                    .iter()
                    .map(|r| model.relation_kind(*r).info.name.as_str());
                extra.push(("relations", name_list(names)));
            }
            if let Some(show) = v.show {
                extra.push(("show", show_text(show)));
            }
            (&v.info, extra)
        }
        Category::Decision => {
            let d = &model.decisions[i];
            let mut extra = vec![
                ("addresses", concern_names(&d.addresses)),
                (
                    "affects",
                    name_list(d.affects.iter().map(|e| model.element(*e).path.as_str())),
                ),
            ];
            if let Some(status) = d.status {
                extra.push(("status", status.as_str().to_string()));
            }
            if let Some(r) = &d.rationale {
                extra.push(("rationale", r.clone()));
            }
            (&d.info, extra)
        }
        Category::Element | Category::Relationship | Category::View => {
            unreachable!("elements, relationships and views have their own descriptions")
        }
    };
    let mut fields = info_fields(info);
    for (name, value) in extra {
        if !value.is_empty() {
            fields.insert(name.to_string(), value);
        }
    }
    Decl {
        label: info.display_label(None).to_string(),
        kind: None,
        fields,
    }
}

/// Property values equal as written (what a path resolved to aside).
fn same_value(a: &PropertyValue, b: &PropertyValue) -> bool {
    match (a, b) {
        (PropertyValue::Ref(x, _), PropertyValue::Ref(y, _)) => x == y,
        (PropertyValue::List(x), PropertyValue::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        _ => a == b,
    }
}

fn same_properties(a: &[crate::model::Property], b: &[crate::model::Property]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.key == y.key && same_value(&x.value, &y.value))
}

/// Two elements of the same path, equal as written: then their
/// descriptions are equal too.
pub(super) fn same_element(old: &Model, o: usize, new: &Model, n: usize) -> bool {
    let (a, b) = (&old.elements[o], &new.elements[n]);
    let (x, y) = (&a.info, &b.info);
    a.kind_name == b.kind_name
        && x.label == y.label
        && x.translations == y.translations
        && x.description == y.description
        && x.descriptions == y.descriptions
        && x.technology == y.technology
        && x.doc == y.doc
        && same_properties(&x.properties, &y.properties)
}

pub(super) fn same_relationship(old: &Model, o: usize, new: &Model, n: usize) -> bool {
    let (a, b) = (&old.relationships[o], &new.relationships[n]);
    a.label == b.label
        && a.translations == b.translations
        && a.description == b.description
        && a.descriptions == b.descriptions
        && a.technology == b.technology
        && a.doc == b.doc
        && same_properties(&a.properties, &b.properties)
}

/// `allow` pairs as written (`a, b -> c; d -> e`), or "none".
fn allowed_pairs(model: &Model, pairs: &[crate::model::AllowedPairs]) -> String {
    if pairs.is_empty() {
        return "none".to_string();
    }
    let names = |kinds: &[crate::model::KindId]| {
        kinds
            .iter()
            .map(|k| model.kind(*k).info.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    pairs
        .iter()
        .map(|p| format!("{} -> {}", names(&p.sources), names(&p.targets)))
        .collect::<Vec<_>>()
        .join("; ")
}
