//! The consistency rules (docs/rules.md). One module per rule holds its check, its
//! explanation and its tests; this module names them and runs them.
//!
//! Three rules are found while the model is built, not over the finished
//! model: `syntax-error` (parsing), `undefined-reference` and
//! `duplicate-definition` (name resolution, in `model::build`). Their modules
//! hold their explanations and the constructors of their findings.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::names::{NameIndex, NamedElement};
use crate::model::{
    Element, ElementId, Kind, KindId, Layer, LayerId, Model, RelationKind, RelationKindId,
    Relationship,
};

pub mod ambiguous_reference;
pub mod concern_not_framed;
pub mod concern_without_stakeholder;
pub mod cycle;
pub mod duplicate_definition;
pub mod element_not_in_view;
pub mod empty_view;
pub mod invalid_nesting;
pub mod layer_violation;
pub mod missing_rationale;
pub mod orphan_element;
pub mod redefined_builtin;
pub mod relation_not_allowed;
pub mod self_relationship;
pub mod stakeholder_without_concern;
pub mod syntax_error;
pub mod undefined_reference;
pub mod unused_definition;
pub mod view_curation;
pub mod view_nonconformant;
pub mod viewpoint_without_view;
pub(crate) mod workspace;

/// A rule's stable name, summary and explanation.
pub struct RuleDoc {
    /// One line: when the rule fires.
    pub summary: &'static str,
    /// Markdown: what it means, why it matters in ISO/IEC/IEEE 42010 terms,
    /// an example, and how to fix it.
    pub explanation: &'static str,
}

macro_rules! rules {
    ($($variant:ident => $module:ident, $name:literal, $severity:ident;)*) => {
        /// Every rule kozo checks. Names are stable; see `kozo explain RULE`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(into = "&'static str")]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// All rules, in the order docs/rules.md lists them.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule's stable name, e.g. `undefined-reference`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)*
                }
            }

            pub fn default_severity(self) -> Severity {
                match self {
                    $(Rule::$variant => Severity::$severity,)*
                }
            }

            pub fn doc(self) -> &'static RuleDoc {
                match self {
                    $(Rule::$variant => &$module::DOC,)*
                }
            }
        }
    };
}

rules! {
    SyntaxError => syntax_error, "syntax-error", Error;
    UndefinedReference => undefined_reference, "undefined-reference", Error;
    DuplicateDefinition => duplicate_definition, "duplicate-definition", Error;
    RelationNotAllowed => relation_not_allowed, "relation-not-allowed", Error;
    InvalidNesting => invalid_nesting, "invalid-nesting", Error;
    Cycle => cycle, "cycle", Error;
    LayerViolation => layer_violation, "layer-violation", Warning;
    ViewNonconformant => view_nonconformant, "view-nonconformant", Error;
    EmptyView => empty_view, "empty-view", Warning;
    StakeholderWithoutConcern => stakeholder_without_concern, "stakeholder-without-concern", Warning;
    ConcernWithoutStakeholder => concern_without_stakeholder, "concern-without-stakeholder", Warning;
    ConcernNotFramed => concern_not_framed, "concern-not-framed", Warning;
    ViewpointWithoutView => viewpoint_without_view, "viewpoint-without-view", Warning;
    ElementNotInView => element_not_in_view, "element-not-in-view", Warning;
    OrphanElement => orphan_element, "orphan-element", Info;
    SelfRelationship => self_relationship, "self-relationship", Warning;
    UnusedDefinition => unused_definition, "unused-definition", Warning;
    MissingRationale => missing_rationale, "missing-rationale", Warning;
    ViewCuration => view_curation, "view-curation", Warning;
    RedefinedBuiltin => redefined_builtin, "redefined-builtin", Warning;
    AmbiguousReference => ambiguous_reference, "ambiguous-reference", Info;
}

impl Rule {
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }
}

impl From<Rule> for &'static str {
    fn from(rule: Rule) -> &'static str {
        rule.name()
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What the rules that look at one relationship or one element at a time
/// read: the metamodel without its texts and places (so that editing a
/// kind's label or moving it changes nothing here), and what the name
/// index knows of every element.
pub(crate) struct Facts<'a> {
    pub meta: &'a RuleMeta,
    pub names: &'a NameIndex,
}

/// The metamodel as [`Facts`] reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RuleMeta {
    pub layers: Vec<Layer>,
    pub kinds: Vec<Kind>,
    pub relation_kinds: Vec<RelationKind>,
}

impl RuleMeta {
    pub(crate) fn new(layers: &[Layer], kinds: &[Kind], relation_kinds: &[RelationKind]) -> Self {
        RuleMeta {
            layers: layers
                .iter()
                .map(|l| Layer {
                    info: l.info.bare(),
                    ..l.clone()
                })
                .collect(),
            kinds: kinds
                .iter()
                .map(|k| Kind {
                    info: k.info.bare(),
                    ..k.clone()
                })
                .collect(),
            relation_kinds: relation_kinds
                .iter()
                .map(|r| RelationKind {
                    info: r.info.bare(),
                    ..r.clone()
                })
                .collect(),
        }
    }
}

impl Facts<'_> {
    pub(crate) fn relation_kind(&self, id: RelationKindId) -> &RelationKind {
        &self.meta.relation_kinds[id.index()]
    }
    pub(crate) fn kind(&self, id: KindId) -> &Kind {
        &self.meta.kinds[id.index()]
    }
    pub(crate) fn layer(&self, id: LayerId) -> &Layer {
        &self.meta.layers[id.index()]
    }
    pub(crate) fn element(&self, id: ElementId) -> &NamedElement {
        self.names.element(id)
    }
    /// The layer an element sits on (through its kind).
    pub(crate) fn element_layer(&self, id: ElementId) -> Option<LayerId> {
        self.element(id).kind.and_then(|k| self.kind(k).layer)
    }
}

/// Runs the rules that look at one relationship or element at a time over
/// one file's part (its findings are kept with the part).
pub(crate) fn check_part(
    facts: &Facts,
    elements: &[Element],
    relationships: &[Relationship],
    out: &mut Vec<Diagnostic>,
) {
    relation_not_allowed::check(facts, relationships, out);
    invalid_nesting::check(facts, elements, out);
    layer_violation::check(facts, relationships, out);
    self_relationship::check(facts, relationships, out);
}

/// A rule that looks at the finished model.
type ModelRule = fn(&Model, &mut Vec<Diagnostic>);

/// Every rule that looks at the finished model, in the order their
/// findings are gathered (the order is kept whichever finishes first). The
/// rules that look at one relationship or element at a time run with each
/// file's part instead ([`check_part`]); `cycle`, `orphan-element`,
/// `element-not-in-view` and `unused-definition` answer from summaries of
/// the parts, and `view-nonconformant` checks each file's views apart
/// (see [`workspace`]).
const MODEL_RULES: [ModelRule; 7] = [
    empty_view::check,
    stakeholder_without_concern::check,
    concern_without_stakeholder::check,
    concern_not_framed::check,
    viewpoint_without_view::check,
    missing_rationale::check,
    view_curation::check,
];

/// Runs every rule that looks at the finished model. The rules only read
/// the model, so they run on every core; each gathers its own findings,
/// appended here in the fixed order of [`MODEL_RULES`].
pub(crate) fn check_model(model: &Model, out: &mut Vec<Diagnostic>) {
    use rayon::prelude::*;
    let found: Vec<Vec<Diagnostic>> = MODEL_RULES
        .par_iter()
        .map(|rule| {
            let mut found = Vec::new();
            rule(model, &mut found);
            found
        })
        .collect();
    out.extend(found.into_iter().flatten());
}
