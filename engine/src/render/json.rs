//! The whole model as JSON (`kozo export --format json`): a stable,
//! versioned schema documented in docs/rendering.md. Arrays keep
//! declaration order; references are by name (elements by full path);
//! every declaration carries its source location.

use std::collections::BTreeMap;

use kozo_lang::line_index::ColumnUnit;
use kozo_lang::LineIndex;
use serde::Serialize;

use crate::analysis::Analysis;
use crate::model::{Info, KindSet, Loc, Model, PropertyValue, Target};

/// The schema version. It changes only when a field is removed or changes
/// meaning; new fields may be added within a version.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Export {
    pub version: u32,
    pub layers: Vec<LayerOut>,
    pub kinds: Vec<KindOut>,
    pub relation_kinds: Vec<RelationKindOut>,
    pub elements: Vec<ElementOut>,
    pub relationships: Vec<RelationshipOut>,
    pub stakeholders: Vec<StakeholderOut>,
    pub concerns: Vec<ConcernOut>,
    pub viewpoints: Vec<ViewpointOut>,
    pub views: Vec<ViewOut>,
    pub decisions: Vec<DecisionOut>,
}

#[derive(Serialize, Clone)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// What every declaration has.
#[derive(Serialize)]
pub struct Common {
    pub name: String,
    pub label: Option<String>,
    /// Translations: language → text.
    pub labels: BTreeMap<String, String>,
    pub description: Option<String>,
    /// Description translations: language → text (added within version 1).
    pub descriptions: BTreeMap<String, String>,
    pub doc: Option<String>,
    pub builtin: bool,
    pub location: Location,
}

#[derive(Serialize)]
pub struct LayerOut {
    #[serde(flatten)]
    pub common: Common,
    /// 0 is the top of the diagram.
    pub rank: u32,
}

#[derive(Serialize)]
pub struct KindOut {
    #[serde(flatten)]
    pub common: Common,
    pub layer: Option<String>,
    pub parents: Option<Vec<String>>,
    pub shape: &'static str,
}

#[derive(Serialize)]
pub struct RelationKindOut {
    #[serde(flatten)]
    pub common: Common,
    /// Allowed source kinds; `null` means any.
    pub from: Option<Vec<String>>,
    pub to: Option<Vec<String>>,
    /// `allow a, b -> c` pairs, each `{"from": [...], "to": [...]}` (added
    /// within version 1; empty when the relation kind lists none).
    pub allow: Vec<AllowOut>,
    pub acyclic: bool,
    pub downward: bool,
    /// Added within version 1.
    pub upward: bool,
    /// Added within version 1.
    pub same_kind: bool,
    pub default: bool,
    /// How its relationships are drawn (added in version 1: `line`, `head`, `tail`).
    pub notation: NotationOut,
}

#[derive(Serialize)]
pub struct AllowOut {
    pub from: Vec<String>,
    pub to: Vec<String>,
}

#[derive(Serialize)]
pub struct NotationOut {
    /// `solid`, `dashed` or `dotted`.
    pub line: &'static str,
    /// The mark at the target: `arrow`, `open`, `triangle`, `hollow_triangle`,
    /// `diamond`, `hollow_diamond`, `circle` or `none`.
    pub head: &'static str,
    /// The mark at the source, in the same words.
    pub tail: &'static str,
}

#[derive(Serialize)]
pub struct GroupOut {
    #[serde(flatten)]
    pub common: Common,
    /// Paths of the elements its box holds (those `view-curation` lets through).
    pub elements: Vec<String>,
}

#[derive(Serialize)]
pub struct NoteOut {
    pub text: String,
    pub location: Location,
}

#[derive(Serialize)]
pub struct ElementOut {
    pub path: String,
    #[serde(flatten)]
    pub common: Common,
    pub kind: String,
    /// `technology "..."` (added within version 1).
    pub technology: Option<String>,
    pub layer: Option<String>,
    pub parent: Option<String>,
    pub children: Vec<String>,
    pub properties: BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
pub struct RelationshipOut {
    /// `source->target:kind`; not unique when two relationships share it.
    pub key: String,
    pub source: String,
    pub target: String,
    pub kind: String,
    pub label: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub description: Option<String>,
    /// Description translations (added within version 1).
    pub descriptions: BTreeMap<String, String>,
    /// `technology "..."` (added within version 1).
    pub technology: Option<String>,
    pub doc: Option<String>,
    pub properties: BTreeMap<String, serde_json::Value>,
    pub location: Location,
}

#[derive(Serialize)]
pub struct StakeholderOut {
    #[serde(flatten)]
    pub common: Common,
    pub concerns: Vec<String>,
}

#[derive(Serialize)]
pub struct ConcernOut {
    #[serde(flatten)]
    pub common: Common,
    /// The stakeholders that hold it.
    pub stakeholders: Vec<String>,
    /// The viewpoints that frame it.
    pub viewpoints: Vec<String>,
}

#[derive(Serialize)]
pub struct ViewpointOut {
    #[serde(flatten)]
    pub common: Common,
    pub frames: Vec<String>,
    /// Element kinds its views may show; `null` means any.
    pub kinds: Option<Vec<String>>,
    pub relations: Option<Vec<String>>,
    /// `show ...` as written; `null` when it does not say (added within version 1).
    pub show: Option<Vec<&'static str>>,
}

#[derive(Serialize)]
pub struct ShownOut {
    pub source: String,
    pub target: String,
    pub kind: String,
    pub implied: bool,
    /// Indexes into the top-level `relationships` array.
    pub relationships: Vec<u32>,
}

#[derive(Serialize)]
pub struct ViewOut {
    #[serde(flatten)]
    pub common: Common,
    pub viewpoint: Option<String>,
    /// Paths of the shown elements, in declaration order.
    pub elements: Vec<String>,
    /// The relationships drawn (SPEC §2.2), implied ones lifted unless the
    /// view (or `[render] implied` in kozo.toml) turns lifting off.
    pub relationships: Vec<ShownOut>,
    /// `implied on|off` as written; `null` when the view does not say.
    pub implied: Option<bool>,
    /// `direction down|right` as written; `null` when the view does not say.
    pub direction: Option<&'static str>,
    /// `show ...` as written; `null` when the view does not say (its
    /// viewpoint's then holds; added within version 1).
    pub show: Option<Vec<&'static str>>,
    pub groups: Vec<GroupOut>,
    pub notes: Vec<NoteOut>,
}

#[derive(Serialize)]
pub struct DecisionOut {
    #[serde(flatten)]
    pub common: Common,
    pub status: Option<&'static str>,
    pub addresses: Vec<String>,
    pub affects: Vec<String>,
    pub rationale: Option<String>,
}

struct Locator<'a> {
    analysis: &'a Analysis,
    indexes: BTreeMap<String, LineIndex>,
}

impl Locator<'_> {
    fn at(&mut self, loc: Loc, end: u32) -> Location {
        let path = self.analysis.path(loc.file).to_string();
        let text = self.analysis.text(loc.file);
        let index = self
            .indexes
            .entry(path.clone())
            .or_insert_with(|| LineIndex::new(text));
        let start = (loc.span.start as usize).min(text.len());
        let end = (end as usize).clamp(start, text.len());
        let (line, column) = index.position(text, start, ColumnUnit::Char);
        let (end_line, end_column) = index.position(text, end, ColumnUnit::Char);
        Location {
            file: path,
            line: line + 1,
            column: column + 1,
            end_line: end_line + 1,
            end_column: end_column + 1,
        }
    }

    fn common(&mut self, info: &Info) -> Common {
        Common {
            name: info.name.to_string(),
            label: info.label.clone(),
            labels: info
                .translations
                .iter()
                .map(|(l, t)| (l.to_string(), t.clone()))
                .collect(),
            description: info.description.clone(),
            descriptions: translations(&info.descriptions),
            doc: info.doc.clone(),
            builtin: info.builtin,
            location: self.at(info.name_loc, info.name_loc.span.end),
        }
    }
}

fn value(model: &Model, v: &PropertyValue) -> serde_json::Value {
    use serde_json::Value;
    match v {
        PropertyValue::Str(s) => Value::String(s.clone()),
        PropertyValue::Number(n) => n
            .parse::<i64>()
            .map(Value::from)
            .ok()
            .or_else(|| {
                n.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
            })
            .unwrap_or_else(|| Value::String(n.to_string())),
        PropertyValue::Bool(b) => Value::Bool(*b),
        PropertyValue::Ref(path, target) => {
            let mut map = serde_json::Map::new();
            map.insert("ref".to_string(), Value::String(path.clone()));
            if let Some(target) = target {
                let (kind, name) = match *target {
                    Target::Element(id) => ("element", model.element(id).path.clone()),
                    other => {
                        let kind = match other {
                            Target::Layer(_) => "layer",
                            Target::Kind(_) => "kind",
                            Target::RelationKind(_) => "relation_kind",
                            Target::Concern(_) => "concern",
                            Target::Stakeholder(_) => "stakeholder",
                            Target::Viewpoint(_) => "viewpoint",
                            Target::View(_) => "view",
                            Target::Decision(_) => "decision",
                            Target::Element(_) => "element",
                        };
                        (kind, model.definition(other).name.to_string())
                    }
                };
                map.insert("target_kind".to_string(), Value::String(kind.to_string()));
                map.insert("target".to_string(), Value::String(name));
            }
            Value::Object(map)
        }
        PropertyValue::List(items) => Value::Array(items.iter().map(|i| value(model, i)).collect()),
    }
}

fn properties(
    model: &Model,
    props: &[crate::model::Property],
) -> BTreeMap<String, serde_json::Value> {
    props
        .iter()
        .map(|p| (p.key.to_string(), value(model, &p.value)))
        .collect()
}

/// The model of `analysis` in the export schema.
pub fn export_model(analysis: &Analysis) -> Export {
    let model = analysis.model();
    let mut loc = Locator {
        analysis,
        indexes: BTreeMap::new(),
    };
    let kind_name = |id: crate::model::KindId| model.kind(id).info.name.to_string();
    let kind_set = |set: &KindSet| match set {
        KindSet::Any => None,
        KindSet::Only(kinds) => Some(kinds.iter().map(|&k| kind_name(k)).collect()),
    };
    let concern_name = |id: crate::model::ConcernId| model.concern(id).info.name.to_string();

    let layers = model
        .layers
        .iter()
        .map(|l| LayerOut {
            common: loc.common(&l.info),
            rank: l.rank,
        })
        .collect();
    let kinds = model
        .kinds
        .iter()
        .map(|k| KindOut {
            common: loc.common(&k.info),
            layer: k.layer.map(|l| model.layer(l).info.name.to_string()),
            parents: k
                .parents
                .as_ref()
                .map(|p| p.iter().map(|&k| kind_name(k)).collect()),
            shape: k.shape.as_str(),
        })
        .collect();
    let relation_kinds = model
        .relation_kinds
        .iter()
        .map(|r| RelationKindOut {
            common: loc.common(&r.info),
            from: kind_set(&r.from),
            to: kind_set(&r.to),
            allow: r
                .allow
                .iter()
                .map(|p| AllowOut {
                    from: p.sources.iter().map(|&k| kind_name(k)).collect(),
                    to: p.targets.iter().map(|&k| kind_name(k)).collect(),
                })
                .collect(),
            acyclic: r.acyclic,
            downward: r.downward,
            upward: r.upward,
            same_kind: r.same_kind,
            default: r.default,
            notation: NotationOut {
                line: r.notation.line.as_str(),
                head: r.notation.head.as_str(),
                tail: r.notation.tail.as_str(),
            },
        })
        .collect();
    let elements = model
        .element_ids()
        .map(|id| {
            let e = model.element(id);
            ElementOut {
                path: e.path.clone(),
                common: loc.common(&e.info),
                kind: e.kind_name.to_string(),
                technology: e.info.technology.clone(),
                layer: model
                    .element_layer(id)
                    .map(|l| model.layer(l).info.name.to_string()),
                parent: e.parent.map(|p| model.element(p).path.clone()),
                children: e
                    .children
                    .iter()
                    .map(|&c| model.element(c).path.clone())
                    .collect(),
                properties: properties(model, &e.info.properties),
            }
        })
        .collect();
    let relationships = model
        .relationships
        .iter()
        .map(|r| {
            let (source, target) = (
                model.element(r.source).path.clone(),
                model.element(r.target).path.clone(),
            );
            let kind = model.relation_kind(r.kind).info.name.to_string();
            RelationshipOut {
                key: format!("{source}->{target}:{kind}"),
                source,
                target,
                kind,
                label: r.label.clone(),
                labels: r
                    .translations
                    .iter()
                    .map(|(l, t)| (l.to_string(), t.clone()))
                    .collect(),
                description: r.description.clone(),
                descriptions: translations(&r.descriptions),
                technology: r.technology.clone(),
                doc: r.doc.clone(),
                properties: properties(model, &r.properties),
                location: loc.at(r.loc, r.loc.span.end),
            }
        })
        .collect();
    let stakeholders = model
        .stakeholders
        .iter()
        .map(|s| StakeholderOut {
            common: loc.common(&s.info),
            concerns: s.concerns.iter().map(|&c| concern_name(c)).collect(),
        })
        .collect();
    let concerns = model
        .concerns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = crate::model::ConcernId(i as u32);
            ConcernOut {
                common: loc.common(&c.info),
                stakeholders: model
                    .stakeholders
                    .iter()
                    .filter(|s| s.concerns.contains(&id))
                    .map(|s| s.info.name.to_string())
                    .collect(),
                viewpoints: model
                    .viewpoints
                    .iter()
                    .filter(|v| v.frames.contains(&id))
                    .map(|v| v.info.name.to_string())
                    .collect(),
            }
        })
        .collect();
    let viewpoints = model
        .viewpoints
        .iter()
        .map(|v| ViewpointOut {
            common: loc.common(&v.info),
            frames: v.frames.iter().map(|&c| concern_name(c)).collect(),
            kinds: v
                .kinds
                .as_ref()
                .map(|k| k.iter().map(|&k| kind_name(k)).collect()),
            relations: v.relations.as_ref().map(|r| {
                r.iter()
                    .map(|&r| model.relation_kind(r).info.name.to_string())
                    .collect()
            }),
            show: v.show.map(show_words),
        })
        .collect();
    let views = model
        .view_ids()
        .map(|id| {
            let v = model.view(id);
            ViewOut {
                common: loc.common(&v.info),
                viewpoint: v
                    .viewpoint
                    .map(|vp| model.viewpoint(vp).info.name.to_string()),
                elements: v
                    .elements
                    .iter()
                    .map(|s| model.element(s.element).path.clone())
                    .collect(),
                relationships: model
                    .view_relationships_with(id, analysis.config().render.implied)
                    .into_iter()
                    .map(|s| ShownOut {
                        source: model.element(s.source).path.clone(),
                        target: model.element(s.target).path.clone(),
                        kind: model.relation_kind(s.kind).info.name.to_string(),
                        implied: s.implied,
                        relationships: s.relationships.iter().map(|r| r.0).collect(),
                    })
                    .collect(),
                implied: v.implied,
                direction: v.direction.map(|d| d.as_str()),
                show: v.show.map(show_words),
                groups: v
                    .groups
                    .iter()
                    .zip(model.view_curation(id).groups)
                    .map(|(g, members)| GroupOut {
                        common: loc.common(&g.info),
                        elements: members
                            .iter()
                            .map(|&e| model.element(e).path.clone())
                            .collect(),
                    })
                    .collect(),
                notes: v
                    .notes
                    .iter()
                    .map(|n| NoteOut {
                        text: n.text.clone(),
                        location: loc.at(
                            Loc {
                                file: v.info.name_loc.file,
                                span: n.span,
                            },
                            n.span.end,
                        ),
                    })
                    .collect(),
            }
        })
        .collect();
    let decisions = model
        .decisions
        .iter()
        .map(|d| DecisionOut {
            common: loc.common(&d.info),
            status: d.status.map(|s| s.as_str()),
            addresses: d.addresses.iter().map(|&c| concern_name(c)).collect(),
            affects: d
                .affects
                .iter()
                .map(|&e| model.element(e).path.clone())
                .collect(),
            rationale: d.rationale.clone(),
        })
        .collect();
    Export {
        version: SCHEMA_VERSION,
        layers,
        kinds,
        relation_kinds,
        elements,
        relationships,
        stakeholders,
        concerns,
        viewpoints,
        views,
        decisions,
    }
}

/// The model of `analysis` as pretty-printed JSON, ending with a newline.
pub fn export(analysis: &Analysis) -> String {
    let mut out = serde_json::to_string_pretty(&export_model(analysis)).unwrap_or_else(|e| {
        // Serialising these plain structures cannot fail; keep the output JSON anyway.
        serde_json::json!({ "version": SCHEMA_VERSION, "error": e.to_string() }).to_string()
    });
    out.push('\n');
    out
}

/// Translations as a sorted object: language → text.
fn translations(texts: &[(smol_str::SmolStr, String)]) -> BTreeMap<String, String> {
    texts
        .iter()
        .map(|(l, t)| (l.to_string(), t.clone()))
        .collect()
}

/// `show` as the words it sets (`[]` for `show none`).
fn show_words(show: crate::model::Show) -> Vec<&'static str> {
    let mut words = Vec::new();
    if show.description {
        words.push("description");
    }
    if show.technology {
        words.push("technology");
    }
    words
}
