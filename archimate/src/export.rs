//! A kozo workspace as an exchange model.
//!
//! A workspace that uses `use archimate` maps one to one: each element of an
//! ArchiMate kind, each relationship of an ArchiMate relation kind, each
//! view. The properties the import wrote (`archimate_id`, `folder`,
//! `access`, `strength`, `directed`, `archimate_viewpoint`, `documentation_LANG`) go
//! back where they came from, and `archimate.toml` (when the workspace has
//! one) gives back the model's own identifier, names, properties, property
//! definitions and folders. A `society5` workspace is mapped through
//! [`SOCIETY5_KINDS`] and [`SOCIETY5_RELATIONS`]. Views are drawn by kozo's
//! built-in layout, so each node has bounds and each connection its
//! bendpoints.

use std::collections::{BTreeMap, HashMap, HashSet};

use kozo_engine::model::{ElementId, Model, PropertyValue, ViewId};
use kozo_engine::render::{self, layout};
use kozo_engine::Analysis;

use crate::model::*;
use crate::types;

/// How `society5` kinds become ArchiMate element types.
pub const SOCIETY5_KINDS: &[(&str, &str)] = &[
    ("goal", "Goal"),
    ("policy", "Principle"),
    ("regulation", "Constraint"),
    ("standard", "Principle"),
    ("agreement", "Contract"),
    ("actor", "BusinessActor"),
    ("organization", "BusinessActor"),
    ("service", "BusinessService"),
    ("process", "BusinessProcess"),
    ("system", "ApplicationComponent"),
    ("application", "ApplicationComponent"),
    ("component", "ApplicationComponent"),
    ("dataset", "DataObject"),
    ("data_model", "DataObject"),
    ("platform", "Node"),
    ("api", "ApplicationInterface"),
    ("device", "Device"),
    ("sensor", "Device"),
    ("network", "CommunicationNetwork"),
    ("facility", "Facility"),
];

/// How `society5` relation kinds become ArchiMate relationship types, and
/// whether the ends swap (`a uses b` is `b` serving `a`).
pub const SOCIETY5_RELATIONS: &[(&str, &str, bool)] = &[
    ("uses", "Serving", true),
    ("depends", "Serving", true),
    ("flows", "Flow", false),
    ("realizes", "Realization", false),
    ("governs", "Influence", false),
    ("owns", "Association", false),
    ("complies", "Association", false),
];

/// The properties the mapping gives a meaning of its own: export reads
/// them as mapping data, import never names a property of the file's after
/// one of them.
pub(crate) const MAPPED_KEYS: &[&str] = &[
    "archimate_id",
    "folder",
    "access",
    "strength",
    "directed",
    "archimate_viewpoint",
];

/// The exchange model of a workspace, with the things that could not be
/// exported (elements of kinds with no ArchiMate type, …), one line each.
pub fn export(analysis: &Analysis, sidecar: Option<&str>) -> (ExchangeModel, Vec<String>) {
    let model = analysis.model();
    let side = Sidecar::parse(sidecar.unwrap_or(""));
    let archimate = model.modules.iter().any(|m| m == "archimate");
    let mut warnings = Vec::new();
    let mut ids = Ids::default();
    let lang = side.lang.clone();

    let mut out = ExchangeModel {
        identifier: side.identifier.clone().unwrap_or_else(|| "id-model".into()),
        names: if side.names.is_empty() {
            vec![LangString::new(None, "kozo model")]
        } else {
            side.names.clone()
        },
        documentation: side.documentation.clone(),
        ..ExchangeModel::default()
    };
    ids.taken.insert(out.identifier.clone());

    // Property definitions: those `archimate.toml` lists, then one per other key used.
    let mut definitions: BTreeMap<String, String> = BTreeMap::new();
    for d in &side.definitions {
        definitions.insert(d.0.clone(), d.1.identifier.clone());
        ids.taken.insert(d.1.identifier.clone());
        out.property_definitions.push(d.1.clone());
    }
    out.properties = side
        .properties
        .iter()
        .filter_map(|(key, value)| {
            let definition = definitions.get(key)?.clone();
            Some(Property {
                definition,
                values: vec![value.clone()],
            })
        })
        .collect();

    // Reserve every identifier the workspace states, so generated ones never clash.
    for id in model.element_ids() {
        if let Some(v) = string_property(&model.element(id).info.properties, "archimate_id") {
            ids.taken.insert(v);
        }
    }
    for r in &model.relationships {
        if let Some(v) = string_property(&r.properties, "archimate_id") {
            ids.taken.insert(v);
        }
    }

    let mut element_ids: HashMap<ElementId, String> = HashMap::new();
    let mut folders: Vec<(Vec<String>, String)> = Vec::new();
    for id in model.element_ids() {
        let e = model.element(id);
        let xsi = element_type(&e.kind_name, archimate);
        let Some(xsi) = xsi else {
            warnings.push(format!(
                "element `{}` of kind `{}` has no ArchiMate type and is left out",
                e.path, e.kind_name
            ));
            continue;
        };
        let identifier = string_property(&e.info.properties, "archimate_id")
            .unwrap_or_else(|| ids.fresh(&format!("id-{}", e.path)));
        let mut element = Element {
            identifier: identifier.clone(),
            xsi_type: xsi.to_string(),
            names: names(
                e.info.label.as_deref(),
                &e.info.translations,
                lang.as_deref(),
            ),
            documentation: documentation(
                e.info.doc.as_deref(),
                e.info.description.as_deref(),
                &e.info.properties,
                lang.as_deref(),
            ),
            ..Element::default()
        };
        element.properties = properties(
            &e.info.properties,
            &mut definitions,
            &mut out.property_definitions,
            &mut ids,
            lang.as_deref(),
        );
        folders.push((folder_of(analysis, model, id, &side), identifier.clone()));
        element_ids.insert(id, identifier);
        out.elements.push(element);
    }

    let mut relationship_ids: HashMap<usize, String> = HashMap::new();
    for (index, r) in model.relationships.iter().enumerate() {
        let (Some(source), Some(target)) = (element_ids.get(&r.source), element_ids.get(&r.target))
        else {
            continue;
        };
        let kind = &model.relation_kind(r.kind).info.name;
        let Some((xsi, swap)) = relationship_type(kind, archimate) else {
            warnings.push(format!(
                "a relationship `{} -> {}` of kind `{kind}` has no ArchiMate type and is left out",
                model.element(r.source).path,
                model.element(r.target).path
            ));
            continue;
        };
        let (source, target) = if swap {
            (target, source)
        } else {
            (source, target)
        };
        let identifier = string_property(&r.properties, "archimate_id").unwrap_or_else(|| {
            ids.fresh(&format!(
                "id-{}-{kind}-{}",
                model.element(r.source).path,
                model.element(r.target).path
            ))
        });
        let mut names = names(r.label.as_deref(), &r.translations, lang.as_deref());
        if names.is_empty() && !archimate && xsi == "Association" {
            names.push(LangString::new(
                lang.as_deref(),
                model.relation_kind(r.kind).info.display_label(None),
            ));
        }
        out.relationships.push(Relationship {
            identifier: identifier.clone(),
            xsi_type: xsi.to_string(),
            source: source.clone(),
            target: target.clone(),
            names,
            documentation: documentation(
                r.doc.as_deref(),
                r.description.as_deref(),
                &r.properties,
                lang.as_deref(),
            ),
            properties: properties(
                &r.properties,
                &mut definitions,
                &mut out.property_definitions,
                &mut ids,
                lang.as_deref(),
            ),
            access_type: string_property(&r.properties, "access").filter(|_| xsi == "Access"),
            modifier: string_property(&r.properties, "strength").filter(|_| xsi == "Influence"),
            is_directed: string_property(&r.properties, "directed")
                .filter(|_| xsi == "Association")
                .map(|d| d == "true"),
            ..Relationship::default()
        });
        if let Some(f) = string_property(&r.properties, "folder") {
            folders.push((split_folder(&f), identifier.clone()));
        } else if let Some(label) = side.folder_label(analysis.path(r.loc.file)) {
            folders.push((vec![label.to_string()], identifier.clone()));
        }
        relationship_ids.insert(index, identifier);
    }

    for view_id in model.view_ids() {
        let view = export_view(
            analysis,
            model,
            view_id,
            &element_ids,
            &relationship_ids,
            &mut ids,
            lang.as_deref(),
            &side,
        );
        if let Some(f) = &view.1 {
            folders.push((f.clone(), view.0.identifier.clone()));
        }
        out.views.push(view.0);
    }
    out.organizations = organizations(&folders);
    (out, warnings)
}

/// The ArchiMate type of a kozo kind.
fn element_type(kind: &str, archimate: bool) -> Option<&'static str> {
    let own = types::element_by_kind(kind).map(|t| t.xsi);
    let society5 = SOCIETY5_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, x)| *x);
    if archimate {
        own.or(society5)
    } else {
        society5.or(own)
    }
}

fn relationship_type(kind: &str, archimate: bool) -> Option<(&'static str, bool)> {
    let own = types::relationship_by_relation(kind).map(|t| (t.xsi, false));
    let society5 = SOCIETY5_RELATIONS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, x, swap)| (*x, *swap));
    if archimate {
        own.or(society5)
    } else {
        society5.or(own)
    }
}

#[derive(Default)]
struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    /// A new identifier (an XML NCName) made from `base`.
    fn fresh(&mut self, base: &str) -> String {
        let mut clean: String = base
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !clean.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            clean.insert(0, '_');
        }
        let mut candidate = clean.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{clean}-{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

fn string_property(properties: &[kozo_engine::model::Property], key: &str) -> Option<String> {
    properties
        .iter()
        .find(|p| p.key == key)
        .map(|p| value_text(&p.value))
}

fn value_text(value: &PropertyValue) -> String {
    match value {
        PropertyValue::Str(s) => s.clone(),
        PropertyValue::Number(n) => n.to_string(),
        PropertyValue::Bool(b) => b.to_string(),
        PropertyValue::Ref(path, _) => path.clone(),
        PropertyValue::List(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
    }
}

fn lang_tag(lang: &str) -> String {
    lang.replace('_', "-")
}

fn names(
    label: Option<&str>,
    translations: &[(smol_str::SmolStr, String)],
    lang: Option<&str>,
) -> Vec<LangString> {
    let mut out = Vec::new();
    if let Some(l) = label {
        out.push(LangString::new(lang, l));
    }
    for (l, text) in translations {
        out.push(LangString::new(Some(&lang_tag(l)), text));
    }
    out
}

fn documentation(
    doc: Option<&str>,
    description: Option<&str>,
    properties: &[kozo_engine::model::Property],
    lang: Option<&str>,
) -> Vec<LangString> {
    let mut out = Vec::new();
    if let Some(d) = doc.or(description) {
        out.push(LangString::new(lang, d));
    }
    for p in properties {
        if let Some(l) = p.key.strip_prefix("documentation_") {
            out.push(LangString::new(Some(&lang_tag(l)), &value_text(&p.value)));
        }
    }
    out
}

fn properties(
    props: &[kozo_engine::model::Property],
    definitions: &mut BTreeMap<String, String>,
    list: &mut Vec<PropertyDefinition>,
    ids: &mut Ids,
    lang: Option<&str>,
) -> Vec<Property> {
    let mut out = Vec::new();
    for p in props {
        let key = p.key.as_str();
        if MAPPED_KEYS.contains(&key) || key.starts_with("documentation_") {
            continue;
        }
        let definition = match definitions.get(key) {
            Some(d) => d.clone(),
            None => {
                let id = ids.fresh(&format!("propid-{key}"));
                definitions.insert(key.to_string(), id.clone());
                list.push(PropertyDefinition {
                    identifier: id.clone(),
                    names: vec![LangString::new(lang, key)],
                    data_type: "string".into(),
                });
                id
            }
        };
        out.push(Property {
            definition,
            values: vec![LangString::new(lang, &value_text(&p.value))],
        });
    }
    out
}

fn split_folder(f: &str) -> Vec<String> {
    f.split('/').map(|s| s.replace('∕', "/")).collect()
}

/// An element's folder: its `folder` property, else the folder its file
/// stands for (the file of its top-level ancestor).
fn folder_of(analysis: &Analysis, model: &Model, id: ElementId, side: &Sidecar) -> Vec<String> {
    let e = model.element(id);
    if let Some(f) = string_property(&e.info.properties, "folder") {
        return split_folder(&f);
    }
    let root = model.ancestors_and_self(id).last().unwrap_or(id);
    let file = analysis.path(model.element(root).info.name_loc.file);
    side.folder_label(file)
        .map(|l| vec![l.to_string()])
        .unwrap_or_default()
}

/// The folder tree of the concepts with a folder.
fn organizations(folders: &[(Vec<String>, String)]) -> Vec<Item> {
    #[derive(Default)]
    struct Folder {
        children: BTreeMap<String, Folder>,
        order: Vec<String>,
        refs: Vec<String>,
    }
    let mut root = Folder::default();
    for (path, id) in folders {
        if path.is_empty() {
            continue;
        }
        let mut at = &mut root;
        for label in path {
            if !at.children.contains_key(label) {
                at.order.push(label.clone());
            }
            at = at.children.entry(label.clone()).or_default();
        }
        at.refs.push(id.clone());
    }
    fn items(f: &Folder) -> Vec<Item> {
        let mut out = Vec::new();
        for label in &f.order {
            let child = &f.children[label];
            let mut inner = items(child);
            inner.extend(child.refs.iter().map(|r| Item {
                identifier_ref: Some(r.clone()),
                ..Item::default()
            }));
            out.push(Item {
                labels: vec![LangString::new(None, label)],
                items: inner,
                ..Item::default()
            });
        }
        out
    }
    items(&root)
}

#[allow(clippy::too_many_arguments)]
fn export_view(
    analysis: &Analysis,
    model: &Model,
    view_id: ViewId,
    element_ids: &HashMap<ElementId, String>,
    relationship_ids: &HashMap<usize, String>,
    ids: &mut Ids,
    lang: Option<&str>,
    side: &Sidecar,
) -> (View, Option<Vec<String>>) {
    let view = model.view(view_id);
    let archimate = model.modules.iter().any(|m| m == "archimate");
    let identifier = string_property(&view.info.properties, "archimate_id")
        .unwrap_or_else(|| ids.fresh(&format!("id-view-{}", view.info.name)));
    let folder = string_property(&view.info.properties, "folder")
        .map(|f| split_folder(&f))
        .or_else(|| {
            side.folder_label(analysis.path(view.info.name_loc.file))
                .map(|l| vec![l.to_string()])
        });
    let diagram = render::diagram(analysis, view_id, lang);
    let geometry = layout::layout(&diagram);
    let mut out = View {
        identifier: identifier.clone(),
        names: names(view.info.label.as_deref(), &view.info.translations, lang),
        documentation: documentation(
            view.info.doc.as_deref(),
            view.info.description.as_deref(),
            &view.info.properties,
            lang,
        ),
        viewpoint: string_property(&view.info.properties, "archimate_viewpoint"),
        ..View::default()
    };
    if out.names.is_empty() {
        out.names.push(LangString::new(lang, &view.info.name));
    }
    let rect = |r: layout::Rect| {
        (
            r.x.round() as i64,
            r.y.round() as i64,
            r.w.round() as i64,
            r.h.round() as i64,
        )
    };
    // Element nodes, nested as the diagram nests them.
    // Identifiers for every node up front, unique in the whole file.
    let fresh_ids: Vec<String> = (0..diagram.nodes.len())
        .map(|i| ids.fresh(&format!("{identifier}-n{i}")))
        .collect();
    let mut node_ids: Vec<Option<String>> = vec![None; diagram.nodes.len()];
    let mut by_path: HashMap<&str, usize> = HashMap::new();
    for (i, n) in diagram.nodes.iter().enumerate() {
        by_path.insert(n.path.as_str(), i);
    }
    fn build(
        i: usize,
        diagram: &render::Diagram,
        geometry: &layout::Layout,
        model: &Model,
        element_ids: &HashMap<ElementId, String>,
        fresh_ids: &[String],
        node_ids: &mut Vec<Option<String>>,
        rect: &dyn Fn(layout::Rect) -> (i64, i64, i64, i64),
    ) -> Option<ViewNode> {
        let n = &diagram.nodes[i];
        let element = model.element_by_path(&n.path)?;
        let element_ref = element_ids.get(&element)?.clone();
        let id = fresh_ids[i].clone();
        node_ids[i] = Some(id.clone());
        let (x, y, w, h) = rect(geometry.nodes.get(i).map(|g| g.rect).unwrap_or_default());
        let children = n
            .children
            .iter()
            .filter_map(|&c| {
                build(
                    c,
                    diagram,
                    geometry,
                    model,
                    element_ids,
                    fresh_ids,
                    node_ids,
                    rect,
                )
            })
            .collect();
        Some(ViewNode {
            identifier: id,
            content: NodeContent::Element(element_ref),
            x,
            y,
            w,
            h,
            children,
            at: (0, 0),
        })
    }
    let mut top: Vec<(usize, ViewNode)> = Vec::new();
    for (i, n) in diagram.nodes.iter().enumerate() {
        if n.parent.is_none() {
            if let Some(node) = build(
                i,
                &diagram,
                &geometry,
                model,
                element_ids,
                &fresh_ids,
                &mut node_ids,
                &rect,
            ) {
                top.push((i, node));
            }
        }
    }
    // Groups become containers holding their (top-level) members.
    let mut placed: HashSet<usize> = HashSet::new();
    for (g, group) in diagram.groups.iter().enumerate() {
        let (x, y, w, h) = rect(geometry.groups.get(g).map(|g| g.rect).unwrap_or_default());
        let mut children = Vec::new();
        for &m in &group.members {
            if placed.contains(&m) {
                continue;
            }
            if let Some(pos) = top.iter().position(|(i, _)| *i == m) {
                placed.insert(m);
                children.push(top.remove(pos).1);
            }
        }
        out.nodes.push(ViewNode {
            identifier: ids.fresh(&format!("{identifier}-g{g}")),
            content: NodeContent::Container(vec![LangString::new(lang, &group.label)]),
            x,
            y,
            w,
            h,
            children,
            at: (0, 0),
        });
    }
    out.nodes.extend(top.into_iter().map(|(_, n)| n));
    for (k, note) in diagram.notes.iter().enumerate() {
        let (x, y, w, h) = rect(geometry.notes.get(k).map(|g| g.rect).unwrap_or_default());
        out.nodes.push(ViewNode {
            identifier: ids.fresh(&format!("{identifier}-note{k}")),
            content: NodeContent::Label(vec![LangString::new(lang, &note.text)]),
            x,
            y,
            w,
            h,
            children: Vec::new(),
            at: (0, 0),
        });
    }
    // Connections: every direct relationship the view shows, with the
    // bendpoints of the edge drawn for it.
    let mut edge_by_key: HashMap<&str, usize> = HashMap::new();
    for (i, e) in diagram.edges.iter().enumerate() {
        if !e.implied {
            edge_by_key.insert(e.key.as_str(), i);
        }
    }
    for shown in model.view_relationships(view_id) {
        if shown.implied {
            continue;
        }
        for &r in &shown.relationships {
            let rel = model.relationship(r);
            let Some(rel_id) = relationship_ids.get(&r.index()) else {
                continue;
            };
            let sp = model.element(rel.source).path.as_str();
            let tp = model.element(rel.target).path.as_str();
            let (Some(&si), Some(&ti)) = (by_path.get(sp), by_path.get(tp)) else {
                continue;
            };
            let (Some(s), Some(t)) = (node_ids[si].clone(), node_ids[ti].clone()) else {
                continue;
            };
            let key = format!("{sp}->{tp}:{}", model.relation_kind(rel.kind).info.name);
            let bendpoints = edge_by_key
                .get(key.as_str())
                .and_then(|&e| geometry.edges.get(e))
                .map(bendpoints)
                .unwrap_or_default();
            let kind = &model.relation_kind(rel.kind).info.name;
            let swap = relationship_type(kind, archimate).is_some_and(|(_, swap)| swap);
            let (source, target, bendpoints) = if swap {
                (t, s, bendpoints.into_iter().rev().collect())
            } else {
                (s, t, bendpoints)
            };
            out.connections.push(Connection {
                identifier: ids.fresh(&format!("{identifier}-c{}", out.connections.len())),
                relationship: Some(rel_id.clone()),
                source,
                target,
                bendpoints,
                at: (0, 0),
            });
        }
    }
    (out, folder)
}

/// The points an edge's path bends at (every segment end but the last).
fn bendpoints(edge: &layout::EdgeGeom) -> Vec<(i64, i64)> {
    let ends: Vec<layout::Point> = edge
        .path
        .iter()
        .map(|s| match s {
            layout::Segment::Line(p) => *p,
            layout::Segment::Cubic(_, _, p) => *p,
        })
        .collect();
    ends.iter()
        .take(ends.len().saturating_sub(1))
        .map(|p| (p.x.round() as i64, p.y.round() as i64))
        .collect()
}

/// `archimate.toml`, as far as it is readable.
#[derive(Default)]
struct Sidecar {
    identifier: Option<String>,
    lang: Option<String>,
    names: Vec<LangString>,
    documentation: Vec<LangString>,
    properties: Vec<(String, LangString)>,
    definitions: Vec<(String, PropertyDefinition)>,
    folders: Vec<(String, String)>,
}

impl Sidecar {
    fn parse(text: &str) -> Sidecar {
        let Ok(table) = text.parse::<toml::Table>() else {
            return Sidecar::default();
        };
        let s = |v: Option<&toml::Value>| v.and_then(|v| v.as_str()).map(str::to_string);
        let texts = |v: Option<&toml::Value>| -> Vec<LangString> {
            v.and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|t| {
                            Some(LangString {
                                lang: s(t.get("lang")),
                                text: s(t.get("text"))?,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let array = |name: &str| {
            table
                .get(name)
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default()
        };
        Sidecar {
            identifier: s(table.get("identifier")),
            lang: s(table.get("lang")),
            names: texts(table.get("name")),
            documentation: texts(table.get("documentation")),
            properties: array("property")
                .iter()
                .filter_map(|p| {
                    Some((
                        s(p.get("key"))?,
                        LangString {
                            lang: s(p.get("lang")),
                            text: s(p.get("value"))?,
                        },
                    ))
                })
                .collect(),
            definitions: array("property_definition")
                .iter()
                .filter_map(|d| {
                    Some((
                        s(d.get("key"))?,
                        PropertyDefinition {
                            identifier: s(d.get("identifier"))?,
                            names: texts(d.get("name")),
                            data_type: s(d.get("type")).unwrap_or_else(|| "string".into()),
                        },
                    ))
                })
                .collect(),
            folders: array("folder")
                .iter()
                .filter_map(|f| Some((s(f.get("file"))?, s(f.get("label"))?)))
                .collect(),
        }
    }

    fn folder_label(&self, file: &str) -> Option<&str> {
        self.folders
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, l)| l.as_str())
    }
}
