//! The intermediate description of one view's diagram: what is drawn, with
//! its words already chosen (`--lang`), its colours and its source
//! locations, and nothing yet about where things go. Every output (DOT,
//! the built-in SVG, Mermaid, PlantUML) is made from a [`Diagram`], so they
//! all show the same things (SPEC §2.2).

use std::collections::BTreeMap;

use kozo_lang::line_index::ColumnUnit;
use kozo_lang::LineIndex;

use crate::analysis::Analysis;
use crate::db::SourceFile;
pub use crate::model::Show;
pub use crate::model::{Direction, Head, LineStyle, Notation};
use crate::model::{ElementId, LayerId, Loc, Model, Shape, ViewId};

/// A place in the source: workspace-relative file, 1-based line and
/// column (in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A declaration shown by name and label (a viewpoint, a concern).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub label: String,
}

/// A horizontal band: the elements of one layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    /// The layer's name; `None` for elements whose kind has no layer.
    pub layer: Option<String>,
    pub label: String,
    /// The layer's position among the model's layers in rank order (its colour).
    pub color: Option<usize>,
    /// The band's top-level nodes, in declaration order.
    pub roots: Vec<usize>,
}

/// An element as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// The element's full dotted path: its identity.
    pub path: String,
    pub label: String,
    /// The kind's name, as written.
    pub kind: String,
    pub kind_label: String,
    pub shape: Shape,
    /// The colour of the element's own layer.
    pub color: Option<usize>,
    /// The nearest shown ancestor.
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// The band of its top-level ancestor.
    pub band: usize,
    /// The description in the chosen language (drawn in the box when the
    /// view shows descriptions; always in the tooltip).
    pub description: Option<String>,
    /// `technology "..."`.
    pub technology: Option<String>,
    pub source: Option<Source>,
}

impl Node {
    pub fn is_container(&self) -> bool {
        !self.children.is_empty()
    }

    /// The kind line of the box: `«kind»`, or `«kind: technology»` when
    /// the view shows technology and the element names one.
    pub fn kind_line(&self, show: Show) -> String {
        match &self.technology {
            Some(tech) if show.technology => format!("«{}: {tech}»", self.kind_label),
            _ => format!("«{}»", self.kind_label),
        }
    }

    /// The description drawn in the box, when the view shows descriptions.
    pub fn shown_description(&self, show: Show) -> Option<&str> {
        self.description
            .as_deref()
            .filter(|d| show.description && !d.trim().is_empty())
    }
}

/// A model relationship behind a drawn edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationshipRef {
    /// `source->target:kind` with the full paths of the real ends.
    pub key: String,
    pub label: Option<String>,
    pub technology: Option<String>,
    pub source: Option<Source>,
}

/// A relationship as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub source: usize,
    pub target: usize,
    /// The relation kind's name.
    pub kind: String,
    pub kind_label: String,
    /// What the edge says: the relationship's label, else the kind's label;
    /// for an implied edge standing for several relationships, the kind's
    /// label and their count; followed by ` [technology]` when the view
    /// shows technology and the relationships name one.
    pub label: String,
    /// The technology its relationships share, if any.
    pub technology: Option<String>,
    /// Drawn between ancestors of the real ends (dashed).
    pub implied: bool,
    /// The relation kind's position in the model (its colour).
    pub color: usize,
    /// `source->target:kind` with the paths of the shown ends.
    pub key: String,
    pub relationships: Vec<RelationshipRef>,
    /// The relation kind's line and end marks.
    pub notation: Notation,
}

/// A view's `group ID "Label" { include ... }`: a titled box drawn around
/// elements that are not one element's children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The group's id, unique within its view.
    pub name: String,
    /// The label, else the id.
    pub label: String,
    /// The grouped nodes (indices into [`Diagram::nodes`]), in node order.
    /// Each is a top-level node or a node whose parent is outside the group.
    pub members: Vec<usize>,
    pub source: Option<Source>,
}

/// A view's `note "text"`: free text drawn in a folded-corner box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub source: Option<Source>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegendKind {
    pub name: String,
    pub label: String,
    pub shape: Shape,
    pub color: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegendRelation {
    pub name: String,
    pub label: String,
    pub color: usize,
    /// How its edges are drawn (the legend draws a sample line).
    pub notation: Notation,
}

/// The kinds and relation kinds a diagram shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Legend {
    pub kinds: Vec<LegendKind>,
    pub relations: Vec<LegendRelation>,
    /// Some edge is implied (the legend explains dashes).
    pub implied: bool,
}

/// The fixed words of a diagram, in English or Japanese.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words {
    pub viewpoint: &'static str,
    pub concerns: &'static str,
    pub legend: &'static str,
    pub kinds: &'static str,
    pub relations: &'static str,
    pub implied: &'static str,
    pub no_layer: &'static str,
    pub empty: &'static str,
}

impl Words {
    pub fn for_lang(lang: Option<&str>) -> Words {
        if lang.is_some_and(|l| l == "ja" || l.starts_with("ja-") || l.starts_with("ja_")) {
            Words {
                viewpoint: "視点",
                concerns: "扱う関心事",
                legend: "凡例",
                kinds: "要素の種類",
                relations: "関係",
                implied: "集約された関係（下位要素間）",
                no_layer: "レイヤーなし",
                empty: "このビューに表示する要素はありません。",
            }
        } else {
            Words {
                viewpoint: "Viewpoint",
                concerns: "Concerns framed",
                legend: "Legend",
                kinds: "Element kinds",
                relations: "Relations",
                implied: "implied (between nested elements)",
                no_layer: "No layer",
                empty: "This view shows no element.",
            }
        }
    }
}

/// Everything one view's diagram shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    /// The view's name (its id).
    pub view: String,
    pub title: String,
    pub viewpoint: Option<Named>,
    pub concerns: Vec<Named>,
    /// Bands in layer order, top first; only layers with elements.
    pub bands: Vec<Band>,
    /// Nodes in the order the view selects them (declaration order).
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub legend: Legend,
    pub words: Words,
    pub source: Option<Source>,
    /// `direction down|right`: how rows flow inside each band.
    pub direction: Direction,
    /// The view's groups, in source order.
    pub groups: Vec<Group>,
    /// The view's notes, in source order.
    pub notes: Vec<Note>,
    /// What boxes and edges show besides names and kinds.
    pub show: Show,
}

/// Turns spans into 1-based lines and character columns, one line index per file.
struct Locator<'a> {
    analysis: &'a Analysis,
    indexes: BTreeMap<String, LineIndex>,
}

impl<'a> Locator<'a> {
    fn new(analysis: &'a Analysis) -> Self {
        Locator {
            analysis,
            indexes: BTreeMap::new(),
        }
    }

    fn source(&mut self, loc: Loc) -> Option<Source> {
        let file: SourceFile = loc.file;
        let path = self.analysis.path(file).to_string();
        let text = self.analysis.text(file);
        let offset = (loc.span.start as usize).min(text.len());
        let index = self
            .indexes
            .entry(path.clone())
            .or_insert_with(|| LineIndex::new(text));
        let (line, column) = index.position(text, offset, ColumnUnit::Char);
        Some(Source {
            file: path,
            line: line + 1,
            column: column + 1,
        })
    }
}

/// Where an element's layer stands among the model's layers in rank order.
fn layer_positions(model: &Model) -> Vec<usize> {
    let mut order: Vec<usize> = (0..model.layers.len()).collect();
    order.sort_by_key(|&i| (model.layers[i].rank, i));
    let mut position = vec![0; model.layers.len()];
    for (pos, &i) in order.iter().enumerate() {
        position[i] = pos;
    }
    position
}

impl Diagram {
    /// The diagram of `view`, with labels in `lang` where a translation exists.
    pub fn of_view(analysis: &Analysis, view_id: ViewId, lang: Option<&str>) -> Diagram {
        let model = analysis.model();
        let view = model.view(view_id);
        let mut locator = Locator::new(analysis);
        let positions = layer_positions(model);

        let viewpoint = view.viewpoint.map(|v| model.viewpoint(v));
        let concerns = viewpoint
            .map(|vp| {
                vp.frames
                    .iter()
                    .map(|&c| {
                        let info = &model.concern(c).info;
                        Named {
                            name: info.name.to_string(),
                            label: info.display_label(lang).to_string(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();

        // Nodes, in selection order, each nested under its nearest shown ancestor.
        let mut node_of: BTreeMap<ElementId, usize> = BTreeMap::new();
        for (i, selected) in view.elements.iter().enumerate() {
            node_of.insert(selected.element, i);
        }
        let mut nodes = Vec::with_capacity(view.elements.len());
        for selected in &view.elements {
            let element = model.element(selected.element);
            let kind = element.kind.map(|k| model.kind(k));
            let parent = model
                .ancestors_and_self(selected.element)
                .skip(1)
                .find_map(|a| node_of.get(&a).copied());
            nodes.push(Node {
                path: element.path.clone(),
                label: element.info.display_label(lang).to_string(),
                kind: element.kind_name.to_string(),
                kind_label: kind
                    .map(|k| k.info.display_label(lang).to_string())
                    .unwrap_or_else(|| element.kind_name.to_string()),
                shape: kind.map(|k| k.shape).unwrap_or_default(),
                color: model
                    .element_layer(selected.element)
                    .map(|l| positions[l.index()]),
                parent,
                children: Vec::new(),
                band: 0,
                description: element.info.display_description(lang).map(str::to_string),
                technology: element.info.technology.clone(),
                source: locator.source(element.info.name_loc),
            });
        }
        for i in 0..nodes.len() {
            if let Some(p) = nodes[i].parent {
                nodes[p].children.push(i);
            }
        }

        // Bands: the top-level nodes grouped by their layer, in rank order.
        let mut by_layer: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for (i, selected) in view.elements.iter().enumerate() {
            if nodes[i].parent.is_some() {
                continue;
            }
            let key = match model.element_layer(selected.element) {
                Some(l) => (positions[l.index()], l.index()),
                None => (usize::MAX, usize::MAX),
            };
            by_layer.entry(key).or_default().push(i);
        }
        let mut bands = Vec::new();
        for ((position, layer), roots) in by_layer {
            let layer = (layer != usize::MAX).then(|| model.layer(LayerId(layer as u32)));
            bands.push(Band {
                layer: layer.map(|l| l.info.name.to_string()),
                label: layer
                    .map(|l| l.info.display_label(lang).to_string())
                    .unwrap_or_else(|| Words::for_lang(lang).no_layer.to_string()),
                color: (position != usize::MAX).then_some(position),
                roots,
            });
        }
        for (b, band) in bands.iter().enumerate() {
            let mut stack = band.roots.clone();
            while let Some(n) = stack.pop() {
                nodes[n].band = b;
                stack.extend(nodes[n].children.iter().copied());
            }
        }

        // Edges: SPEC §2.2's shown and implied relationships.
        let mut edges = Vec::new();
        let render = &analysis.config().render;
        let show = model.view_show(view_id);
        for shown in model.view_relationships_with(view_id, render.implied) {
            let (Some(&source), Some(&target)) =
                (node_of.get(&shown.source), node_of.get(&shown.target))
            else {
                continue;
            };
            let kind = model.relation_kind(shown.kind);
            let kind_label = kind.info.display_label(lang).to_string();
            let relationships: Vec<RelationshipRef> = shown
                .relationships
                .iter()
                .map(|&r| {
                    let rel = model.relationship(r);
                    RelationshipRef {
                        key: format!(
                            "{}->{}:{}",
                            model.element(rel.source).path,
                            model.element(rel.target).path,
                            kind.info.name
                        ),
                        label: rel.display_label(lang).map(str::to_string),
                        technology: rel.technology.clone(),
                        source: locator.source(rel.loc),
                    }
                })
                .collect();
            let technology = relationships.first().and_then(|r| r.technology.clone());
            let technology = technology.filter(|t| {
                relationships
                    .iter()
                    .all(|r| r.technology.as_deref() == Some(t.as_str()))
            });
            let label = match relationships.as_slice() {
                [one] => one.label.clone().unwrap_or_else(|| kind_label.clone()),
                many => {
                    let first = many.first().and_then(|r| r.label.clone());
                    if first.is_some() && many.iter().all(|r| r.label == first) {
                        format!("{} ×{}", first.unwrap_or_default(), many.len())
                    } else {
                        format!("{kind_label} ×{}", many.len())
                    }
                }
            };
            let label = match &technology {
                Some(tech) if show.technology => format!("{label} [{tech}]"),
                _ => label,
            };
            edges.push(Edge {
                source,
                target,
                kind: kind.info.name.to_string(),
                kind_label,
                label,
                technology,
                implied: shown.implied,
                color: shown.kind.index(),
                key: format!(
                    "{}->{}:{}",
                    nodes[source].path, nodes[target].path, kind.info.name
                ),
                relationships,
                notation: kind.notation,
            });
        }

        // Groups and notes: what `view-curation` lets through.
        let curation = model.view_curation(view_id);
        let groups = view
            .groups
            .iter()
            .zip(curation.groups)
            .map(|(group, members)| Group {
                name: group.info.name.to_string(),
                label: group.info.display_label(lang).to_string(),
                members: members
                    .iter()
                    .filter_map(|e| node_of.get(e).copied())
                    .collect(),
                source: locator.source(group.info.name_loc),
            })
            .filter(|group| !group.members.is_empty())
            .collect();
        let file = view.info.name_loc.file;
        let notes = view
            .notes
            .iter()
            .filter(|note| !note.text.trim().is_empty())
            .map(|note| Note {
                text: note.text.clone(),
                source: locator.source(Loc {
                    file,
                    span: note.span,
                }),
            })
            .collect();

        let legend = legend(&nodes, &edges);
        Diagram {
            view: view.info.name.to_string(),
            title: view.info.display_label(lang).to_string(),
            viewpoint: viewpoint.map(|vp| Named {
                name: vp.info.name.to_string(),
                label: vp.info.display_label(lang).to_string(),
            }),
            concerns,
            bands,
            nodes,
            edges,
            legend,
            words: Words::for_lang(lang),
            source: locator.source(view.info.name_loc),
            direction: view.direction.unwrap_or(render.direction),
            groups,
            notes,
            show,
        }
    }

    /// The nodes of a band's subtree (containers and leaves), depth first.
    pub fn subtree(&self, root: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(self.nodes[n].children.iter().rev().copied());
        }
        out
    }

    /// The top-level ancestor of a node (itself when it is top level).
    pub fn root_of(&self, mut node: usize) -> usize {
        while let Some(p) = self.nodes[node].parent {
            node = p;
        }
        node
    }

    /// The node and its shown ancestors, nearest first.
    pub fn ancestors_and_self(&self, node: usize) -> Vec<usize> {
        std::iter::successors(Some(node), |&n| self.nodes[n].parent).collect()
    }
}

/// Whether a label and a name say the same words (`Software system` and
/// `software_system`): compared without case, `_` and `-` read as spaces.
pub fn same_words(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.split(|c: char| c.is_whitespace() || c == '_' || c == '-')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    words(a) == words(b)
}

/// A legend entry's text: the label, and the name in brackets when it says
/// something the label does not.
pub fn legend_text(label: &str, name: &str) -> String {
    if same_words(label, name) {
        label.to_string()
    } else {
        format!("{label} ({name})")
    }
}

fn legend(nodes: &[Node], edges: &[Edge]) -> Legend {
    let mut kinds: BTreeMap<(usize, String), LegendKind> = BTreeMap::new();
    for node in nodes {
        kinds
            .entry((node.color.unwrap_or(usize::MAX), node.kind.clone()))
            .or_insert_with(|| LegendKind {
                name: node.kind.clone(),
                label: node.kind_label.clone(),
                shape: node.shape,
                color: node.color,
            });
    }
    let mut relations: BTreeMap<(usize, String), LegendRelation> = BTreeMap::new();
    for edge in edges {
        relations
            .entry((edge.color, edge.kind.clone()))
            .or_insert_with(|| LegendRelation {
                name: edge.kind.clone(),
                label: edge.kind_label.clone(),
                color: edge.color,
                notation: edge.notation,
            });
    }
    Legend {
        kinds: kinds.into_values().collect(),
        relations: relations.into_values().collect(),
        implied: edges.iter().any(|e| e.implied),
    }
}

/// Sibling nodes in the order text outputs (Mermaid, PlantUML) write them:
/// each group's members together where its first member stands, every
/// other node on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Siblings {
    One(usize),
    /// A group (index into [`Diagram::groups`]) and its members among the siblings.
    Group(usize, Vec<usize>),
}

/// [`Siblings`] runs of `nodes`, in order.
pub fn sibling_runs(diagram: &Diagram, nodes: &[usize]) -> Vec<Siblings> {
    let mut written: Vec<usize> = Vec::new();
    let mut runs = Vec::new();
    for &node in nodes {
        match diagram
            .groups
            .iter()
            .position(|g| g.members.contains(&node))
        {
            Some(g) if written.contains(&g) => {}
            Some(g) => {
                written.push(g);
                let members = nodes
                    .iter()
                    .copied()
                    .filter(|m| diagram.groups[g].members.contains(m))
                    .collect();
                runs.push(Siblings::Group(g, members));
            }
            None => runs.push(Siblings::One(node)),
        }
    }
    runs
}
