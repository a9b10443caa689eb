//! The semantic diff of two workspaces: what changed in the architecture,
//! by model identity (paths and names), not by text, and whom it concerns.
//!
//! [`diff`] compares two [`Analysis`] values: elements, relationships (by
//! their ends and kind), views (and what they show), viewpoints,
//! stakeholders, concerns, decisions and the metamodel. A formatting-only
//! change gives no change, because only the resolved model is compared. An
//! element that keeps its kind, labels and relationships under a new path is
//! reported as renamed (`rename.rs`). Every change carries its impact: the
//! views that show or showed it, their viewpoints, the concerns those frame
//! and the stakeholders that hold them (`impact.rs`). The findings delta
//! (`findings.rs`) is the same matching `kozo check --baseline` uses.
//!
//! Architecture invariant: pure. No IO, no git, no printing: the command
//! line reads the two sides and formats the result; a site generator can
//! call the same functions.

mod compare;
mod describe;
pub mod findings;
pub mod highlight;
mod impact;
mod rename;

use serde::Serialize;

use crate::analysis::Analysis;

pub use findings::{FindingKey, FindingRef, FindingsDelta};

/// The version of the JSON form of a [`ModelDiff`] (docs/review.md).
pub const SCHEMA_VERSION: u32 = 1;

/// What kind of declaration a change is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Layer,
    Kind,
    RelationKind,
    Element,
    Relationship,
    View,
    Viewpoint,
    Concern,
    Stakeholder,
    Decision,
}

impl Category {
    /// Every category, in the order reports list them (the model first, the
    /// metamodel last).
    pub const ALL: [Category; 10] = [
        Category::Element,
        Category::Relationship,
        Category::View,
        Category::Viewpoint,
        Category::Concern,
        Category::Stakeholder,
        Category::Decision,
        Category::Layer,
        Category::Kind,
        Category::RelationKind,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Layer => "layer",
            Category::Kind => "kind",
            Category::RelationKind => "relation-kind",
            Category::Element => "element",
            Category::Relationship => "relationship",
            Category::View => "view",
            Category::Viewpoint => "viewpoint",
            Category::Concern => "concern",
            Category::Stakeholder => "stakeholder",
            Category::Decision => "decision",
        }
    }

    /// The plural heading used by reports ("Elements").
    pub fn plural(self) -> &'static str {
        match self {
            Category::Layer => "Layers",
            Category::Kind => "Kinds",
            Category::RelationKind => "Relation kinds",
            Category::Element => "Elements",
            Category::Relationship => "Relationships",
            Category::View => "Views",
            Category::Viewpoint => "Viewpoints",
            Category::Concern => "Concerns",
            Category::Stakeholder => "Stakeholders",
            Category::Decision => "Decisions",
        }
    }
}

/// How a declaration changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
    /// The same declaration under a new identity (see `from`).
    Renamed,
}

impl ChangeKind {
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Renamed => "renamed",
        }
    }
}

/// One attribute that differs: its old and new value as written in the
/// canonical form (`None`: absent on that side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// `label`, `label ja`, `kind`, `description`, `doc`, `property owner`,
    /// `status`, `rationale`, `viewpoint`, `frames`, ...
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Who has to look at a change: the views that show or showed it, their
/// viewpoints, the concerns those frame and the stakeholders holding them.
/// Every list holds names (ids), sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Impact {
    pub views: Vec<String>,
    pub viewpoints: Vec<String>,
    pub concerns: Vec<String>,
    pub stakeholders: Vec<String>,
}

impl Impact {
    pub fn is_empty(&self) -> bool {
        self.views.is_empty()
            && self.viewpoints.is_empty()
            && self.concerns.is_empty()
            && self.stakeholders.is_empty()
    }
}

/// One added, removed, changed or renamed declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub category: Category,
    /// The identity: an element's path, `source->target:kind` for a
    /// relationship (with `#2`, `#3` for repeats), else the name. For a
    /// removed declaration, the old identity.
    pub id: String,
    pub change: ChangeKind,
    /// The old identity of a renamed declaration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The display label (the new side's, else the old side's).
    pub label: String,
    /// The element kind or relation kind, when the declaration has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// What changed, for `changed` and `renamed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// Elements a view shows now that it did not (views only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shows_added: Vec<String>,
    /// Elements a view no longer shows (views only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shows_removed: Vec<String>,
    pub impact: Impact,
}

/// A concern named in a review request, with its label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedRef {
    pub name: String,
    pub label: String,
}

/// "Review by: facility manager (privacy)": a stakeholder whose concerns a
/// change touches, with those concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reviewer {
    pub stakeholder: String,
    pub label: String,
    pub concerns: Vec<NamedRef>,
}

/// Counts per category.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub renamed: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.added + self.removed + self.changed + self.renamed
    }
}

/// The semantic difference between an old and a new workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ModelDiff {
    /// Every change, by category (in [`Category::ALL`] order), then by id.
    pub changes: Vec<Change>,
    /// The stakeholders to ask for a review, sorted by name.
    pub review: Vec<Reviewer>,
    pub findings: FindingsDelta,
}

impl ModelDiff {
    /// True when the two models are the same (findings aside).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn counts(&self, category: Category) -> Counts {
        let mut counts = Counts::default();
        for c in self.changes.iter().filter(|c| c.category == category) {
            match c.change {
                ChangeKind::Added => counts.added += 1,
                ChangeKind::Removed => counts.removed += 1,
                ChangeKind::Changed => counts.changed += 1,
                ChangeKind::Renamed => counts.renamed += 1,
            }
        }
        counts
    }
}

/// Compares two workspaces. Pure and deterministic: the same two models
/// give the same diff, whatever the order of their files.
pub fn diff(old: &Analysis, new: &Analysis) -> ModelDiff {
    let (old_model, new_model) = (old.model(), new.model());
    let mut located = compare::compare(old_model, new_model);
    let review = impact::assess(old_model, new_model, &mut located);
    ModelDiff {
        changes: located.into_iter().map(|l| l.change).collect(),
        review,
        findings: findings::delta(old, new),
    }
}
