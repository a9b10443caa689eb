//! The resolved model of a workspace: every declaration with its meaning,
//! names resolved to ids, and the element graph (petgraph).
//!
//! Architecture invariant: the model is plain data. It knows nothing of
//! files on disk, of the command line or of the language server; every
//! consumer (checks, renderers, hover, export) reads the same structures.

mod build;
mod chunked;
pub(crate) mod names;
mod selection;

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap as HashMap;

use kozo_lang::Span;
use petgraph::graph::DiGraph;
use smol_str::SmolStr;

use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;

pub(crate) use build::{assemble, build_metamodel, build_part, FilePart, Metamodel, THIS};
pub use chunked::Chunked;
pub use selection::{Curation, CurationProblem, ShownRelationship};

/// A place in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Loc {
    pub file: SourceFile,
    pub span: Span,
}

macro_rules! ids {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}
ids!(
    LayerId,
    KindId,
    RelationKindId,
    ElementId,
    RelationshipId,
    ConcernId,
    StakeholderId,
    ViewpointId,
    ViewId,
    DecisionId
);

/// What every declaration has: its name, labels, text and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    pub name: SmolStr,
    /// The label written after the name (`system bms "Building management"`).
    pub label: Option<String>,
    /// `label LANG "text"` translations, in source order.
    pub translations: Vec<(SmolStr, String)>,
    pub description: Option<String>,
    /// `description LANG "text"` translations, in source order.
    pub descriptions: Vec<(SmolStr, String)>,
    /// `technology "..."` (elements: what it is built with).
    pub technology: Option<String>,
    /// The `///` doc comment.
    pub doc: Option<String>,
    pub properties: Vec<Property>,
    /// Where the name is written.
    pub name_loc: Loc,
    /// The whole declaration.
    pub span: Span,
    /// Declared by the built-in `society5` metamodel.
    pub builtin: bool,
    /// Declared in a library (a file that starts with `library`, or the
    /// built-in metamodel): vocabulary offered, so never reported unused.
    pub library: bool,
}

impl Info {
    /// The name and what the declaration is (built-in, library), without
    /// where it stands or what else it says: what the rules that look at
    /// one relationship or element at a time read of the metamodel.
    pub(crate) fn bare(&self) -> Info {
        Info {
            name: self.name.clone(),
            label: None,
            translations: Vec::new(),
            description: None,
            descriptions: Vec::new(),
            technology: None,
            doc: None,
            properties: Vec::new(),
            name_loc: Loc {
                file: self.name_loc.file,
                span: Span::empty(0),
            },
            span: Span::empty(0),
            builtin: self.builtin,
            library: self.library,
        }
    }

    /// The label in `lang` when there is a translation, else the label, else the name.
    pub fn display_label(&self, lang: Option<&str>) -> &str {
        if let Some(lang) = lang {
            if let Some((_, text)) = self.translations.iter().find(|(l, _)| l == lang) {
                return text;
            }
        }
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// The description in `lang` when there is a translation, else the description.
    pub fn display_description(&self, lang: Option<&str>) -> Option<&str> {
        translated(&self.descriptions, lang).or(self.description.as_deref())
    }
}

/// The text of `translations` in `lang`, if there is one.
fn translated<'t>(translations: &'t [(SmolStr, String)], lang: Option<&str>) -> Option<&'t str> {
    let lang = lang?;
    translations
        .iter()
        .find(|(l, _)| l == lang)
        .map(|(_, text)| text.as_str())
}

/// What a viewpoint or view shows besides names and kinds:
/// `show description, technology`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Show {
    /// Descriptions inside the boxes.
    pub description: bool,
    /// Technology on boxes (after the kind) and on edges (`label [technology]`).
    pub technology: bool,
}

impl Show {
    /// The `show` clauses of a body, read in order (`none` clears what came
    /// before); `None` when the body has none.
    pub fn written(entries: &[kozo_lang::Entry]) -> Option<Show> {
        let mut show = None;
        for entry in entries {
            let kozo_lang::Entry::Clause(clause) = entry else {
                continue;
            };
            let (kozo_lang::ClauseKeyword::Show, kozo_lang::ClauseArgs::Paths(words)) =
                (clause.keyword, &clause.args)
            else {
                continue;
            };
            let current: &mut Show = show.get_or_insert_with(Show::default);
            for word in words {
                match word.to_text().as_str() {
                    "description" => current.description = true,
                    "technology" => current.technology = true,
                    _ => *current = Show::default(),
                }
            }
        }
        show
    }
}

/// `key = value` on a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    pub key: SmolStr,
    pub value: PropertyValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyValue {
    Str(String),
    Number(SmolStr),
    Bool(bool),
    /// A path, and what it resolved to (if anything).
    Ref(String, Option<Target>),
    List(Vec<PropertyValue>),
}

/// A horizontal band of the architecture (`strategy` ... `asset`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    pub info: Info,
    /// Position from the top: 0 is the highest layer.
    pub rank: u32,
    pub order: Option<SmolStr>,
}

/// How an element of a kind is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Shape {
    #[default]
    Box,
    Rounded,
    Cylinder,
    Person,
    Component,
    Folder,
    Hexagon,
}

impl Shape {
    pub fn from_name(name: &str) -> Option<Shape> {
        Some(match name {
            "box" => Shape::Box,
            "rounded" => Shape::Rounded,
            "cylinder" => Shape::Cylinder,
            "person" => Shape::Person,
            "component" => Shape::Component,
            "folder" => Shape::Folder,
            "hexagon" => Shape::Hexagon,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Box => "box",
            Shape::Rounded => "rounded",
            Shape::Cylinder => "cylinder",
            Shape::Person => "person",
            Shape::Component => "component",
            Shape::Folder => "folder",
            Shape::Hexagon => "hexagon",
        }
    }
}

/// How a relationship's line is drawn (`line solid|dashed|dotted` on a relation kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum LineStyle {
    #[default]
    Solid,
    Dashed,
    Dotted,
}

impl LineStyle {
    /// Every style, in the order the language lists them.
    pub const ALL: [LineStyle; 3] = [LineStyle::Solid, LineStyle::Dashed, LineStyle::Dotted];

    pub fn from_name(name: &str) -> Option<LineStyle> {
        LineStyle::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LineStyle::Solid => "solid",
            LineStyle::Dashed => "dashed",
            LineStyle::Dotted => "dotted",
        }
    }
}

/// The mark at one end of a relationship's line (`head ...` and `tail ...`
/// on a relation kind): UML and ArchiMate tell relation kinds apart by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Head {
    /// A filled arrowhead.
    Arrow,
    /// Two open strokes (`-->` in UML's dependency).
    Open,
    /// A filled triangle.
    Triangle,
    /// An empty triangle (UML generalization, ArchiMate realization).
    HollowTriangle,
    /// A filled diamond (UML composition).
    Diamond,
    /// An empty diamond (UML aggregation).
    HollowDiamond,
    /// A filled circle.
    Circle,
    /// No mark.
    None,
}

impl Head {
    /// Every mark, in the order the language lists them.
    pub const ALL: [Head; 8] = [
        Head::Arrow,
        Head::Open,
        Head::Triangle,
        Head::HollowTriangle,
        Head::Diamond,
        Head::HollowDiamond,
        Head::Circle,
        Head::None,
    ];

    pub fn from_name(name: &str) -> Option<Head> {
        Head::ALL.into_iter().find(|h| h.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Head::Arrow => "arrow",
            Head::Open => "open",
            Head::Triangle => "triangle",
            Head::HollowTriangle => "hollow_triangle",
            Head::Diamond => "diamond",
            Head::HollowDiamond => "hollow_diamond",
            Head::Circle => "circle",
            Head::None => "none",
        }
    }
}

/// How the relationships of one relation kind are drawn: the line and the
/// marks at the target end (`head`) and the source end (`tail`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Notation {
    pub line: LineStyle,
    pub head: Head,
    pub tail: Head,
}

impl Default for Notation {
    /// A solid line with an arrowhead at the target: how relationships
    /// were always drawn, so a metamodel that says nothing looks the same.
    fn default() -> Self {
        Notation {
            line: LineStyle::Solid,
            head: Head::Arrow,
            tail: Head::None,
        }
    }
}

/// Which way a view's diagram reads (`direction down|right` in a view).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// Layer bands stacked top to bottom, each band's rows top to bottom.
    #[default]
    Down,
    /// Bands stay horizontal; inside each band, rows flow left to right.
    Right,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::Down, Direction::Right];

    pub fn from_name(name: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| d.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Down => "down",
            Direction::Right => "right",
        }
    }
}

/// An element kind: `kind dataset { layer data ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kind {
    pub info: Info,
    pub layer: Option<LayerId>,
    /// `parents ...`: the kinds an element of this kind must be nested under.
    pub parents: Option<Vec<KindId>>,
    pub shape: Shape,
}

/// Which kinds a relation kind accepts at one end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KindSet {
    Any,
    Only(Vec<KindId>),
}

impl KindSet {
    pub fn allows(&self, kind: KindId) -> bool {
        match self {
            KindSet::Any => true,
            KindSet::Only(kinds) => kinds.contains(&kind),
        }
    }
}

/// `allow a, b -> c, d`: each listed source kind may point to each listed
/// target kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedPairs {
    pub sources: Vec<KindId>,
    pub targets: Vec<KindId>,
}

/// A relation kind: `relation flows { from ... to ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationKind {
    pub info: Info,
    pub from: KindSet,
    pub to: KindSet,
    /// A `from` or a `to` clause is written (with `allow` pairs, `from`/`to`
    /// then allow their pairs too; without any, the pairs alone decide).
    pub ends_written: bool,
    /// `allow` clauses, in source order (extensions' after the declaration's).
    pub allow: Vec<AllowedPairs>,
    pub acyclic: bool,
    pub downward: bool,
    /// `upward`: the target may not sit on a lower layer than the source.
    pub upward: bool,
    /// `same_kind`: both ends are of one kind.
    pub same_kind: bool,
    pub default: bool,
    /// `line`, `head` and `tail`: how its relationships are drawn.
    pub notation: Notation,
}

impl RelationKind {
    /// Whether a relationship from an element of kind `source` to one of
    /// kind `target` is allowed by the ends this relation kind lists. With
    /// `allow` pairs, a relationship passes when a pair allows it or when
    /// written `from`/`to` clauses both allow it; without pairs, `from` and
    /// `to` decide (absent means any kind). `same_kind` is checked apart.
    pub fn allows(&self, source: KindId, target: KindId) -> bool {
        let by_ends = self.from.allows(source) && self.to.allows(target);
        if self.allow.is_empty() {
            return by_ends;
        }
        (self.ends_written && by_ends)
            || self
                .allow
                .iter()
                .any(|p| p.sources.contains(&source) && p.targets.contains(&target))
    }

    /// The target kinds `allow` pairs name for `source`, in the order written, once each.
    pub fn allowed_targets(&self, source: KindId) -> Vec<KindId> {
        let mut out = Vec::new();
        for pair in self.allow.iter().filter(|p| p.sources.contains(&source)) {
            for &target in &pair.targets {
                if !out.contains(&target) {
                    out.push(target);
                }
            }
        }
        out
    }
}

/// `extend kind device { ... }` and its kin: where an extension is written
/// and which declaration it adds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extension {
    pub target: Target,
    /// The extended name, as written after the keyword.
    pub name_loc: Loc,
    /// The whole `extend ...` declaration.
    pub span: Span,
}

/// An element of the architecture: `system bms { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    pub info: Info,
    /// The full dotted path, e.g. `bms.hvac_ctl`: the element's identity.
    pub path: String,
    /// The kind name as written.
    pub kind_name: SmolStr,
    /// Where the kind name is written.
    pub kind_loc: Loc,
    /// The resolved kind, when it exists.
    pub kind: Option<KindId>,
    pub parent: Option<ElementId>,
    pub children: Vec<ElementId>,
    /// The graph node of this element.
    pub node: petgraph::graph::NodeIndex,
}

/// An arrow between two elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relationship {
    pub source: ElementId,
    pub target: ElementId,
    /// The relation kind (named, or the default one).
    pub kind: RelationKindId,
    /// The relation kind was named with `: kind` (else the default was used).
    pub kind_written: bool,
    pub label: Option<String>,
    pub translations: Vec<(SmolStr, String)>,
    pub description: Option<String>,
    /// `description LANG "text"` translations, in source order.
    pub descriptions: Vec<(SmolStr, String)>,
    /// `technology "..."`: how it is carried (`JSON/HTTPS`).
    pub technology: Option<String>,
    pub doc: Option<String>,
    pub properties: Vec<Property>,
    /// The whole relationship statement.
    pub loc: Loc,
    pub source_span: Span,
    pub target_span: Span,
    /// The element whose body holds the statement, if any.
    pub scope: Option<ElementId>,
}

impl Relationship {
    pub fn display_label(&self, lang: Option<&str>) -> Option<&str> {
        if let Some(lang) = lang {
            if let Some((_, text)) = self.translations.iter().find(|(l, _)| l == lang) {
                return Some(text);
            }
        }
        self.label.as_deref()
    }

    /// The description in `lang` when there is a translation, else the description.
    pub fn display_description(&self, lang: Option<&str>) -> Option<&str> {
        translated(&self.descriptions, lang).or(self.description.as_deref())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Concern {
    pub info: Info,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stakeholder {
    pub info: Info,
    pub concerns: Vec<ConcernId>,
    /// A `concerns` clause is written (even if its names do not resolve).
    pub concerns_written: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewpoint {
    pub info: Info,
    pub frames: Vec<ConcernId>,
    /// `kinds ...`: the element kinds its views may show (`None`: any).
    pub kinds: Option<Vec<KindId>>,
    /// `relations ...`: the relation kinds its views may show (`None`: any).
    pub relations: Option<Vec<RelationKindId>>,
    /// `show ...`: what its views' boxes and edges show (`None`: not said).
    pub show: Option<Show>,
}

impl Viewpoint {
    pub fn allows_kind(&self, kind: Option<KindId>) -> bool {
        match (&self.kinds, kind) {
            (None, _) => true,
            (Some(kinds), Some(kind)) => kinds.contains(&kind),
            (Some(_), None) => false,
        }
    }

    pub fn allows_relation(&self, kind: RelationKindId) -> bool {
        self.relations.as_ref().is_none_or(|r| r.contains(&kind))
    }
}

/// Why an element is part of a view: the `include` selector that took it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selected {
    pub element: ElementId,
    pub selector: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub info: Info,
    pub viewpoint: Option<ViewpointId>,
    /// The shown elements in declaration order, each with the selector that took it.
    pub elements: Vec<Selected>,
    /// `exclude x, y.*`: each element selector, with how many elements of
    /// the includes' selection it took out (0 is a finding).
    pub element_exclusions: Vec<ElementExclusion>,
    /// `exclude a -> b (: kind)`: relationships the view leaves out.
    pub relation_exclusions: Vec<RelationExclusion>,
    /// `implied off|on`; `None` when the view does not say (the workspace's
    /// `[render] implied` decides, on by default).
    pub implied: Option<bool>,
    /// `direction down|right`; `None` when the view does not say.
    pub direction: Option<Direction>,
    /// `group id "Label" { include ... }`, in source order.
    pub groups: Vec<ViewGroup>,
    /// `note "text"`, in source order.
    pub notes: Vec<ViewNote>,
    /// `show ...` written in the view; it replaces its viewpoint's (see
    /// [`Model::view_show`]).
    pub show: Option<Show>,
}

/// An element selector after `exclude`. Its file is its view's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementExclusion {
    pub span: Span,
    /// The selector as written (`bms.legacy`, `bms.*`).
    pub written: String,
    /// How many elements the includes took that this selector removed.
    pub removed: usize,
}

/// `exclude a -> b (: kind)` in a view: every relationship from `a` (or an
/// element inside it) to `b` (or an element inside it), of `kind` when it
/// is named. Its file is its view's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationExclusion {
    pub source: ElementId,
    pub target: ElementId,
    pub kind: Option<RelationKindId>,
    /// The pattern `a -> b : kind`.
    pub span: Span,
}

impl RelationExclusion {
    /// Whether the pattern takes `relationship`.
    pub fn matches(&self, model: &Model, relationship: &Relationship) -> bool {
        self.kind.is_none_or(|k| k == relationship.kind)
            && model
                .ancestors_and_self(relationship.source)
                .any(|a| a == self.source)
            && model
                .ancestors_and_self(relationship.target)
                .any(|a| a == self.target)
    }
}

/// A view's `group`: a titled box around elements. Its file is its view's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewGroup {
    pub info: Info,
    /// What its `include` selectors take, in declaration order, each with
    /// the selector that took it (shown by the view or not: the checks say
    /// which are not).
    pub elements: Vec<Selected>,
    /// An `include` is written (even if its names do not resolve).
    pub includes_written: bool,
}

/// A view's `note "text"`. Its file is its view's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewNote {
    pub text: String,
    /// The whole `note "..."` clause.
    pub span: Span,
}

/// A decision's `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Proposed,
    Accepted,
    Superseded,
    Rejected,
}

impl Status {
    pub fn from_name(name: &str) -> Option<Status> {
        Some(match name {
            "proposed" => Status::Proposed,
            "accepted" => Status::Accepted,
            "superseded" => Status::Superseded,
            "rejected" => Status::Rejected,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Proposed => "proposed",
            Status::Accepted => "accepted",
            Status::Superseded => "superseded",
            Status::Rejected => "rejected",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub info: Info,
    pub status: Option<Status>,
    pub addresses: Vec<ConcernId>,
    pub affects: Vec<ElementId>,
    pub rationale: Option<String>,
}

/// The element graph: elements as nodes, relationships as edges, the
/// weights being their ids.
#[derive(Clone, Debug, Default)]
pub struct ElementGraph(pub DiGraph<ElementId, RelationshipId>);

impl PartialEq for ElementGraph {
    fn eq(&self, other: &Self) -> bool {
        let edges = |g: &DiGraph<ElementId, RelationshipId>| {
            g.raw_edges()
                .iter()
                .map(|e| (e.source(), e.target(), e.weight))
                .collect::<Vec<_>>()
        };
        self.0.node_weights().eq(other.0.node_weights()) && edges(&self.0) == edges(&other.0)
    }
}

impl Eq for ElementGraph {}

/// The graph once made. Not part of a model's equality: it follows from
/// the elements and relationships, whether made yet or not.
#[derive(Clone, Debug, Default)]
struct LazyGraph(OnceLock<ElementGraph>);

impl PartialEq for LazyGraph {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LazyGraph {}

/// What a name in the source refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Layer(LayerId),
    Kind(KindId),
    RelationKind(RelationKindId),
    Element(ElementId),
    Concern(ConcernId),
    Stakeholder(StakeholderId),
    Viewpoint(ViewpointId),
    View(ViewId),
    Decision(DecisionId),
}

/// A resolved name in the source: where it is written and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    pub loc: Loc,
    pub target: Target,
}

/// The whole resolved model of a workspace.
///
/// Elements, relationships, references and the other declarations are
/// kept one piece per file ([`Chunked`]): the model made after an edit
/// shares the pieces of every file the edit left alone with the model
/// before it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Model {
    pub layers: Vec<Layer>,
    pub kinds: Vec<Kind>,
    pub relation_kinds: Vec<RelationKind>,
    pub elements: Chunked<Element>,
    pub relationships: Chunked<Relationship>,
    pub concerns: Chunked<Concern>,
    pub stakeholders: Chunked<Stakeholder>,
    pub viewpoints: Chunked<Viewpoint>,
    pub views: Chunked<View>,
    pub decisions: Chunked<Decision>,
    /// Elements as nodes, relationships as edges (weights are the ids):
    /// made the first time [`Model::graph`] is asked for.
    graph: LazyGraph,
    /// Every resolved name, in the order resolution met them (not sorted:
    /// consumers that list them sort what they keep).
    pub references: Chunked<Reference>,
    /// `use` modules that loaded (`society5`).
    pub modules: Vec<SmolStr>,
    /// `extend layer|kind|relation NAME { ... }` declarations that found
    /// what they extend.
    pub extensions: Vec<Extension>,
    /// Findings made while resolving names (undefined and duplicate names).
    pub diagnostics: Vec<Diagnostic>,
    /// Where the parts' findings stand in `diagnostics`: those of the `use`
    /// statements and the metamodel come before, the duplicates and the
    /// rest after (the findings file by file tell them apart by it).
    pub(crate) part_findings: std::ops::Range<usize>,
    /// The workspace writes names of the built-in metamodel without `use
    /// society5` (reported once): relationships of its relation kinds are
    /// missing from the model, so rules that count them stay quiet.
    pub builtin_missing: bool,
    /// Every declared name (element paths, children by name, top-level
    /// names by space), shared with the analysis that made the model.
    pub(crate) names: Arc<names::NameIndex>,
    pub(crate) layer_by_name: HashMap<SmolStr, LayerId>,
    pub(crate) kind_by_name: HashMap<SmolStr, KindId>,
    pub(crate) relation_kind_by_name: HashMap<SmolStr, RelationKindId>,
}

/// The name spaces of top-level declarations. Each clause says which one
/// its names come from (`concerns` takes concerns, `of` a viewpoint,
/// `include` elements), so one name may stand in several without ambiguity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Space {
    Element,
    Concern,
    Stakeholder,
    Viewpoint,
    View,
    Decision,
}

impl Space {
    /// Every space, in the order a bare property value looks them up.
    pub const ALL: [Space; 6] = [
        Space::Element,
        Space::Concern,
        Space::Stakeholder,
        Space::Viewpoint,
        Space::View,
        Space::Decision,
    ];

    /// The space a target's name lives in; `None` for the metamodel's
    /// layers, kinds and relation kinds, which have name spaces of their own.
    pub fn of(target: Target) -> Option<Space> {
        Some(match target {
            Target::Element(_) => Space::Element,
            Target::Concern(_) => Space::Concern,
            Target::Stakeholder(_) => Space::Stakeholder,
            Target::Viewpoint(_) => Space::Viewpoint,
            Target::View(_) => Space::View,
            Target::Decision(_) => Space::Decision,
            Target::Layer(_) | Target::Kind(_) | Target::RelationKind(_) => return None,
        })
    }

    /// The word for one declaration of this space, as messages say it.
    pub fn noun(self) -> &'static str {
        match self {
            Space::Element => "element",
            Space::Concern => "concern",
            Space::Stakeholder => "stakeholder",
            Space::Viewpoint => "viewpoint",
            Space::View => "view",
            Space::Decision => "decision",
        }
    }

    /// The noun with its article, as in "`concerns` expects a concern".
    pub fn with_article(self) -> &'static str {
        match self {
            Space::Element => "an element",
            Space::Concern => "a concern",
            Space::Stakeholder => "a stakeholder",
            Space::Viewpoint => "a viewpoint",
            Space::View => "a view",
            Space::Decision => "a decision",
        }
    }
}

impl Model {
    /// Elements as nodes, relationships as edges, the weights being their
    /// ids; a node's index is its element's id. Made at the first call (few
    /// consumers need it, and an edit makes a new model). Editor requests
    /// do not use it: building it for 200k relationships was most of a
    /// hover right after an edit, so hover and code lenses read per-file
    /// tables instead (`ide::links`).
    pub fn graph(&self) -> &ElementGraph {
        self.graph.0.get_or_init(|| {
            let mut graph = DiGraph::with_capacity(self.elements.len(), self.relationships.len());
            for index in 0..self.elements.len() {
                graph.add_node(ElementId(index as u32));
            }
            for (index, rel) in self.relationships.iter().enumerate() {
                graph.add_edge(
                    petgraph::graph::NodeIndex::new(rel.source.index()),
                    petgraph::graph::NodeIndex::new(rel.target.index()),
                    RelationshipId(index as u32),
                );
            }
            ElementGraph(graph)
        })
    }

    pub fn layer(&self, id: LayerId) -> &Layer {
        &self.layers[id.index()]
    }
    pub fn kind(&self, id: KindId) -> &Kind {
        &self.kinds[id.index()]
    }
    pub fn relation_kind(&self, id: RelationKindId) -> &RelationKind {
        &self.relation_kinds[id.index()]
    }
    pub fn element(&self, id: ElementId) -> &Element {
        &self.elements[id.index()]
    }
    pub fn relationship(&self, id: RelationshipId) -> &Relationship {
        &self.relationships[id.index()]
    }
    pub fn concern(&self, id: ConcernId) -> &Concern {
        &self.concerns[id.index()]
    }
    pub fn viewpoint(&self, id: ViewpointId) -> &Viewpoint {
        &self.viewpoints[id.index()]
    }
    /// What a view's boxes and edges show: the view's own `show` when it
    /// writes one, else its viewpoint's, else names and kinds only.
    pub fn view_show(&self, id: ViewId) -> Show {
        let view = self.view(id);
        view.show
            .or_else(|| view.viewpoint.and_then(|vp| self.viewpoint(vp).show))
            .unwrap_or_default()
    }

    pub fn view(&self, id: ViewId) -> &View {
        &self.views[id.index()]
    }

    pub fn element_ids(&self) -> impl Iterator<Item = ElementId> {
        (0..self.elements.len() as u32).map(ElementId)
    }
    pub fn relationship_ids(&self) -> impl Iterator<Item = RelationshipId> {
        (0..self.relationships.len() as u32).map(RelationshipId)
    }
    pub fn view_ids(&self) -> impl Iterator<Item = ViewId> {
        (0..self.views.len() as u32).map(ViewId)
    }

    /// The element at a full dotted path (`bms.hvac_ctl`).
    pub fn element_by_path(&self, path: &str) -> Option<ElementId> {
        self.names.element_by_path(path)
    }
    pub fn layer_by_name(&self, name: &str) -> Option<LayerId> {
        self.layer_by_name.get(name).copied()
    }
    pub fn kind_by_name(&self, name: &str) -> Option<KindId> {
        self.kind_by_name.get(name).copied()
    }
    pub fn relation_kind_by_name(&self, name: &str) -> Option<RelationKindId> {
        self.relation_kind_by_name.get(name).copied()
    }
    /// The top-level declaration of one space (element, concern,
    /// stakeholder, viewpoint, view or decision) with this name.
    pub fn top_level(&self, space: Space, name: &str) -> Option<Target> {
        self.names.top_level(space, name)
    }
    /// Every top-level declaration with this name, one per space at most,
    /// in [`Space::ALL`] order.
    pub fn top_level_any<'m>(&'m self, name: &'m str) -> impl Iterator<Item = Target> + 'm {
        self.names
            .top_level
            .iter()
            .filter_map(move |m| m.get(name).copied())
    }
    /// The first top-level declaration with this name in [`Space::ALL`]
    /// order: an element's before any other.
    pub fn first_top_level(&self, name: &str) -> Option<Target> {
        self.top_level_any(name).next()
    }
    /// The names of one space.
    pub fn top_level_names(&self, space: Space) -> impl Iterator<Item = &str> {
        self.names.top_level_names(space)
    }
    pub fn view_by_name(&self, name: &str) -> Option<ViewId> {
        match self.top_level(Space::View, name) {
            Some(Target::View(id)) => Some(id),
            _ => None,
        }
    }

    /// The layer an element sits on (through its kind).
    pub fn element_layer(&self, id: ElementId) -> Option<LayerId> {
        self.element(id).kind.and_then(|k| self.kind(k).layer)
    }

    /// The element and its ancestors, nearest first.
    pub fn ancestors_and_self(&self, id: ElementId) -> impl Iterator<Item = ElementId> + '_ {
        std::iter::successors(Some(id), |e| self.element(*e).parent)
    }

    /// Where a target's name is declared.
    pub fn definition(&self, target: Target) -> &Info {
        match target {
            Target::Layer(id) => &self.layers[id.index()].info,
            Target::Kind(id) => &self.kinds[id.index()].info,
            Target::RelationKind(id) => &self.relation_kinds[id.index()].info,
            Target::Element(id) => &self.elements[id.index()].info,
            Target::Concern(id) => &self.concerns[id.index()].info,
            Target::Stakeholder(id) => &self.stakeholders[id.index()].info,
            Target::Viewpoint(id) => &self.viewpoints[id.index()].info,
            Target::View(id) => &self.views[id.index()].info,
            Target::Decision(id) => &self.decisions[id.index()].info,
        }
    }

    /// The relationships a view shows, with implied ones lifted to shown
    /// ancestors unless the view says `implied off`.
    pub fn view_relationships(&self, view: ViewId) -> Vec<ShownRelationship> {
        selection::view_relationships(self, view, true)
    }

    /// [`Model::view_relationships`], with the workspace's default for views
    /// that do not say `implied on|off` (`[render] implied` in `kozo.toml`).
    pub fn view_relationships_with(
        &self,
        view: ViewId,
        implied_by_default: bool,
    ) -> Vec<ShownRelationship> {
        selection::view_relationships(self, view, implied_by_default)
    }

    /// What a view's groups hold once drawn, and what is wrong with its
    /// groups, notes and exclusions.
    pub fn view_curation(&self, view: ViewId) -> Curation {
        selection::curation(self, view)
    }
}
