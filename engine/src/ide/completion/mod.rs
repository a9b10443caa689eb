//! Completion that knows where it is: keywords and element kinds where a
//! statement starts, element paths after `->` and in `include`/`exclude`,
//! only the relation kinds whose `from`/`to` allow the source and target
//! after `:`, concerns after `frames`/`concerns`/`addresses`, viewpoints
//! after `of`, layers, kinds, statuses and shapes in their clauses, and
//! the words of a view's curation (`implied`, `direction`, `group`, `note`,
//! `show`) and of a relation kind's notation (`line`, `head`, `tail`) with
//! their values, and `technology` in element and relationship bodies.
//!
//! A file being edited rarely parses at the cursor, so the context is read
//! from the tokens before the cursor (see [`context`]); the names offered
//! come from the model, built from what the parser recovered.

mod context;

use std::collections::HashSet;

use kozo_lang::Span;

use crate::analysis::Analysis;
use crate::db::{self, SourceFile, Workspace};
use crate::model::{ElementId, Info, KindId, Model, Space, Target, THIS};

use context::{context, Context, Frame};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Keyword,
    Layer,
    Kind,
    RelationKind,
    Element,
    Concern,
    Viewpoint,
    Module,
    /// A fixed word: a status, a shape, a selector such as `*`.
    Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line: what the item is ("system · Building management").
    pub detail: Option<String>,
    /// Markdown: the doc comment.
    pub documentation: Option<String>,
    /// The text the item replaces (the part of the name already typed).
    pub replace: Span,
    pub insert_text: String,
    /// The item to select first (the default relation kind).
    pub preselect: bool,
}

/// A completion answer that may leave items out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompletionList {
    /// Best first.
    pub items: Vec<CompletionItem>,
    /// True when there were more items than the limit: `items` then holds
    /// only those whose label starts with what is typed (ignoring case), so
    /// an editor should ask again as the name grows.
    pub incomplete: bool,
}

/// Every completion at `offset`, best first.
pub fn completion(analysis: &Analysis, file: SourceFile, offset: usize) -> Vec<CompletionItem> {
    completion_list(analysis, file, offset, usize::MAX).items
}

/// The completions at `offset`, at most `limit` of them, best first. When
/// there are more, only those whose label starts with the part of the name
/// already typed (ignoring case) are kept, still at most `limit`, and the
/// list is marked incomplete. Top-level element names (tens of thousands in
/// a large workspace) are then found in a per-model index sorted by name,
/// where those that start with the typed text are one range: an answer
/// costs what it holds, not what the workspace holds.
pub fn completion_list(
    analysis: &Analysis,
    file: SourceFile,
    offset: usize,
    limit: usize,
) -> CompletionList {
    let text = analysis.text(file);
    let offset = crate::ide::clamp_offset(text, offset);
    let Some(at) = context(text, offset) else {
        return CompletionList::default();
    };
    let model = analysis.model();
    let typed = text
        .get(at.replace.start as usize..offset.max(at.replace.start as usize))
        .unwrap_or("");
    let mut out = Candidates {
        model,
        analysis,
        replace: at.replace,
        items: Vec::new(),
        seen: HashSet::new(),
        limit: limit.max(1),
        typed: lowercase(typed),
        incomplete: false,
    };
    let scope = at.scope.as_deref().and_then(|p| model.element_by_path(p));
    match &at.context {
        Context::StatementStart(frame) => statement_start(&mut out, frame, scope, &at.qualifier),
        Context::ElementPath { scope_free } => {
            let scope = if *scope_free { None } else { scope };
            element_paths(&mut out, scope, &at.qualifier, false);
        }
        Context::Selector => element_paths(&mut out, None, &at.qualifier, true),
        Context::PropertyValue => {
            element_paths(&mut out, scope, &at.qualifier, false);
            // A property may also name a stakeholder (`owner = tenant`).
            if at.qualifier.is_empty() {
                for stakeholder in &model.stakeholders {
                    out.info(CompletionKind::Value, "stakeholder", &stakeholder.info);
                }
            }
        }
        Context::RelationKind { source, target } if at.qualifier.is_empty() => {
            let kind_of = |path: &Option<Vec<String>>| {
                let path = path.as_ref()?;
                resolve(model, scope, path).and_then(|e| model.element(e).kind)
            };
            let (source, target) = (kind_of(source), kind_of(target));
            for kind in &model.relation_kinds {
                let allowed = source.is_none_or(|k| kind.from.allows(k))
                    && target.is_none_or(|k| kind.to.allows(k));
                if allowed {
                    out.info(CompletionKind::RelationKind, "relation", &kind.info);
                    if kind.default {
                        if let Some(last) = out.items.last_mut() {
                            last.preselect = true;
                        }
                    }
                }
            }
        }
        Context::Concern { listed } if at.qualifier.is_empty() => {
            for concern in &model.concerns {
                if !listed.iter().any(|l| l == concern.info.name.as_str()) {
                    out.info(CompletionKind::Concern, "concern", &concern.info);
                }
            }
        }
        Context::Viewpoint if at.qualifier.is_empty() => {
            for viewpoint in &model.viewpoints {
                out.info(CompletionKind::Viewpoint, "viewpoint", &viewpoint.info);
            }
        }
        Context::Kind { star } if at.qualifier.is_empty() => {
            for kind in &model.kinds {
                out.info(CompletionKind::Kind, "kind", &kind.info);
            }
            if *star {
                out.word(CompletionKind::Value, "*", "any kind");
            }
        }
        Context::RelationKinds if at.qualifier.is_empty() => {
            for kind in &model.relation_kinds {
                out.info(CompletionKind::RelationKind, "relation", &kind.info);
            }
        }
        Context::Layer if at.qualifier.is_empty() => {
            let mut layers: Vec<_> = model.layers.iter().collect();
            layers.sort_by_key(|l| l.rank);
            for layer in layers {
                out.info(CompletionKind::Layer, "layer", &layer.info);
            }
        }
        Context::Words(words) if at.qualifier.is_empty() => {
            for word in *words {
                out.word(CompletionKind::Value, word, "");
            }
        }
        Context::Module if at.qualifier.is_empty() => {
            for module in crate::builtin::MODULES {
                out.word(CompletionKind::Module, module, "built-in metamodel");
            }
        }
        _ => {}
    }
    if out.items.len() > out.limit {
        out.overflow();
    }
    CompletionList {
        items: out.items,
        incomplete: out.incomplete,
    }
}

struct Candidates<'a> {
    model: &'a Model,
    analysis: &'a Analysis,
    replace: Span,
    items: Vec<CompletionItem>,
    /// Labels offered, by kind: a name is offered once.
    seen: HashSet<(CompletionKind, String)>,
    /// The most items offered.
    limit: usize,
    /// The part of the name already typed, lowercased.
    typed: String,
    /// Set once the items outnumber the limit: from then on only items
    /// whose label starts with `typed` are offered.
    incomplete: bool,
}

impl Candidates<'_> {
    /// Whether `count` more items fit without passing the limit.
    fn fits(&self, count: usize) -> bool {
        !self.incomplete && self.items.len().saturating_add(count) <= self.limit
    }

    /// True once no more items are taken.
    fn full(&self) -> bool {
        self.items.len() >= self.limit
    }

    /// Past the limit: keep the items that start with what is typed, at
    /// most the limit, and take only such items from now on.
    fn overflow(&mut self) {
        if self.incomplete {
            return;
        }
        self.incomplete = true;
        let typed = &self.typed;
        self.items
            .retain(|item| starts_with_lowercase(&item.label, typed));
        self.items.truncate(self.limit);
    }

    fn push(
        &mut self,
        kind: CompletionKind,
        label: &str,
        detail: Option<String>,
        doc: Option<String>,
    ) {
        if self.incomplete && (self.full() || !starts_with_lowercase(label, &self.typed)) {
            return;
        }
        if !self.seen.insert((kind, label.to_string())) {
            return;
        }
        self.items.push(CompletionItem {
            label: label.to_string(),
            kind,
            detail,
            documentation: doc,
            replace: self.replace,
            insert_text: label.to_string(),
            preselect: false,
        });
    }

    fn word(&mut self, kind: CompletionKind, word: &str, detail: &str) {
        let detail = (!detail.is_empty()).then(|| detail.to_string());
        self.push(kind, word, detail, None);
    }

    fn info(&mut self, kind: CompletionKind, what: &str, info: &Info) {
        let detail = match &info.label {
            Some(label) => format!("{what} · {label}"),
            None => what.to_string(),
        };
        self.push(kind, &info.name, Some(detail), info.doc.clone());
    }

    fn element(&mut self, id: ElementId) {
        let element = self.model.element(id);
        let detail = match &element.info.label {
            Some(label) => format!("{} · {label}", element.kind_name),
            None => element.kind_name.to_string(),
        };
        self.push(
            CompletionKind::Element,
            &element.info.name,
            Some(detail),
            element.info.doc.clone(),
        );
    }

    fn keywords(&mut self, words: &[&str]) {
        for word in words {
            self.word(CompletionKind::Keyword, word, "");
        }
    }
}

fn statement_start(
    out: &mut Candidates<'_>,
    frame: &Frame,
    scope: Option<ElementId>,
    qualifier: &[String],
) {
    let model = out.model;
    if !qualifier.is_empty() {
        // `bms.` where a statement starts: the source of a relationship.
        if matches!(frame, Frame::Top | Frame::Element { .. }) {
            element_paths(out, scope, qualifier, false);
        }
        return;
    }
    let body_keywords: &[&str] = match frame {
        Frame::Top => {
            out.keywords(kozo_lang::DECLARATION_KEYWORDS);
            out.keywords(&["extend"]);
            nestable_kinds(out, None);
            element_paths(out, None, &[], false);
            return;
        }
        Frame::Element { kind, .. } => {
            out.keywords(&["label", "description", "technology"]);
            nestable_kinds(out, Some(model.kind_by_name(kind)));
            element_paths(out, scope, &[], false);
            return;
        }
        Frame::Decl(keyword) if !kozo_lang::body_words(keyword).is_empty() => {
            kozo_lang::body_words(keyword)
        }
        Frame::Relationship => &["label", "description", "technology"],
        Frame::Decl(_) | Frame::Unknown => &["label", "description"],
    };
    out.keywords(body_keywords);
}

/// Element kinds that may start a new element here: at top level (`parent`
/// is `None`) the kinds without `parents`; under an element of kind `k`
/// (`Some(Some(k))`) the kinds whose `parents` allow `k` or are absent.
fn nestable_kinds(out: &mut Candidates<'_>, parent: Option<Option<KindId>>) {
    let model = out.model;
    for kind in &model.kinds {
        let allowed = match (&kind.parents, parent) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(parents), Some(Some(p))) => parents.contains(&p),
            (Some(_), Some(None)) => true,
        };
        if allowed {
            out.info(CompletionKind::Kind, "kind", &kind.info);
        }
    }
}

/// Element names: after `qualifier.` its children; else the names visible
/// from `scope`: its children, then each ancestor's, then the top-level
/// elements (a name a nearer level has hides the farther one, as in
/// resolution), and `this` inside a body. Selectors add `*` (and `**` after
/// a qualifier).
fn element_paths(
    out: &mut Candidates<'_>,
    scope: Option<ElementId>,
    qualifier: &[String],
    selector: bool,
) {
    let model = out.model;
    if qualifier.is_empty() {
        let mut seen: HashSet<&str> = HashSet::new();
        for level in scope.into_iter().flat_map(|s| model.ancestors_and_self(s)) {
            children(out, level, &mut seen);
        }
        let top = top_level_elements(out.analysis.db(), out.analysis.workspace());
        if out.fits(top.in_order.len()) {
            for &id in &top.in_order {
                if seen.insert(model.element(id).info.name.as_str()) {
                    out.element(id);
                }
            }
        } else {
            out.overflow();
            for id in top.starting_with(&out.typed) {
                if out.full() {
                    break;
                }
                if seen.insert(model.element(id).info.name.as_str()) {
                    out.element(id);
                }
            }
        }
        if let Some(scope) = scope {
            out.word(
                CompletionKind::Value,
                THIS,
                &format!("the enclosing element, `{}`", model.element(scope).path),
            );
        }
        if selector {
            out.word(CompletionKind::Value, "*", "every top-level element");
        }
        return;
    }
    let Some(parent) = resolve(model, scope, qualifier) else {
        return;
    };
    children(out, parent, &mut HashSet::new());
    if selector {
        out.word(CompletionKind::Value, "*", "its children");
        out.word(CompletionKind::Value, "**", "all its descendants");
    }
}

/// The children of `parent` whose names are not in `seen` (which takes
/// them). A parent with more children than fit is filtered by what is
/// typed.
fn children<'m>(out: &mut Candidates<'m>, parent: ElementId, seen: &mut HashSet<&'m str>) {
    let model = out.model;
    let children = &model.element(parent).children;
    if !out.fits(children.len()) {
        out.overflow();
    }
    for &child in children {
        if out.incomplete && out.full() {
            break;
        }
        if seen.insert(model.element(child).info.name.as_str()) {
            out.element(child);
        }
    }
}

/// The top-level elements of a model, for completion: one per name.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TopLevelElements {
    /// In the order the model lists them (the order offered when all fit).
    in_order: Vec<ElementId>,
    /// Every name lowercased, one after the other: two allocations for
    /// the whole index, so that building and freeing it cost little.
    keys: String,
    /// Each name's range in `keys`, sorted by that key: the names that
    /// start with a text are one range of this list.
    by_name: Vec<(u32, u32, ElementId)>,
}

impl TopLevelElements {
    fn key(&self, &(start, end, _): &(u32, u32, ElementId)) -> &str {
        self.keys.get(start as usize..end as usize).unwrap_or("")
    }

    /// The elements whose lowercased name starts with `typed` (lowercased),
    /// in name order.
    fn starting_with(&self, typed: &str) -> impl Iterator<Item = ElementId> + '_ {
        let start = self.by_name.partition_point(|e| self.key(e) < typed);
        let len = self.by_name[start..].partition_point(|e| self.key(e).starts_with(typed));
        self.by_name[start..start + len]
            .iter()
            .map(|&(_, _, id)| id)
    }
}

/// The top-level elements of the workspace, built from its declared names
/// (so an edit that declares nothing new keeps it). `no_eq`: it changes
/// whenever the names do, and comparing would cost as much as building.
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn top_level_elements(db: &dyn db::Db, workspace: Workspace) -> TopLevelElements {
    let names = db::name_index(db, workspace);
    let mut seen: HashSet<&str> = HashSet::new();
    let in_order: Vec<ElementId> = names
        .elements
        .iter()
        .enumerate()
        .filter(|(_, element)| element.parent.is_none() && seen.insert(element.name.as_str()))
        .map(|(index, _)| ElementId(index as u32))
        .collect();
    let mut index = TopLevelElements {
        by_name: Vec::with_capacity(in_order.len()),
        in_order,
        keys: String::new(),
    };
    for &id in &index.in_order {
        let start = index.keys.len() as u32;
        index
            .keys
            .extend(names.element(id).name.chars().flat_map(char::to_lowercase));
        index.by_name.push((start, index.keys.len() as u32, id));
    }
    let keys = &index.keys;
    let key = |&(start, end, _): &(u32, u32, ElementId)| {
        keys.get(start as usize..end as usize).unwrap_or("")
    };
    index
        .by_name
        .sort_unstable_by(|a, b| key(a).cmp(key(b)).then(a.2.cmp(&b.2)));
    index
}

/// `text` lowercased, as names are compared when filtering.
fn lowercase(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// True when `label` starts with `typed` (already lowercased), ignoring
/// case.
fn starts_with_lowercase(label: &str, typed: &str) -> bool {
    if typed.is_empty() {
        return true;
    }
    let mut label = label.chars().flat_map(char::to_lowercase);
    typed.chars().all(|t| label.next() == Some(t))
}

/// Resolves a path as the model does: the first segment is `this` (the
/// enclosing element), a child of the nearest of `scope` and its ancestors
/// that has one so named, else a top-level element.
fn resolve(model: &Model, scope: Option<ElementId>, path: &[String]) -> Option<ElementId> {
    let (first, rest) = path.split_first()?;
    let child = |parent: ElementId, name: &str| {
        model
            .element(parent)
            .children
            .iter()
            .copied()
            .find(|c| model.element(*c).info.name == name)
    };
    let nearest = scope
        .into_iter()
        .flat_map(|s| model.ancestors_and_self(s))
        .find_map(|level| child(level, first));
    let mut current = if first == THIS {
        scope?
    } else {
        match nearest {
            Some(id) => id,
            None => match model.top_level(Space::Element, first) {
                Some(Target::Element(id)) => id,
                _ => return None,
            },
        }
    };
    for segment in rest {
        current = child(current, segment)?;
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    fn labels(fixture: &str) -> Vec<String> {
        let f = Fixture::new(fixture);
        completion(&f.analysis, f.file, f.offset)
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    /// The labels, as one line, for compact expectations.
    fn check(fixture: &str, expected: &str) {
        assert_eq!(labels(fixture).join(" "), expected, "{fixture}");
    }

    const META: &str = r#"kind system { layer function }
kind component { parents system }
kind dataset
layer function
relation flows { from system, component to dataset }
relation calls { from component to component }
relation uses { default }
system bms "Building management" {
  component hvac
  component edge_gw
}
dataset occupancy
concern privacy
concern cost
viewpoint data_flow
"#;

    #[test]
    fn statement_start_at_top_level_offers_keywords_kinds_and_elements() {
        check(
            &format!("{META}$0"),
            "use layer kind relation concern stakeholder viewpoint view decision extend system dataset bms occupancy",
        );
        check(&format!("{META}sys$0"), "use layer kind relation concern stakeholder viewpoint view decision extend system dataset bms occupancy");
        check(&format!("{META}extend $0"), "layer kind relation");
    }

    #[test]
    fn statement_start_in_an_element_body_offers_nestable_kinds_and_children() {
        check(
            &format!("{META}system other {{\n  component a\n  $0\n}}"),
            "label description technology system component dataset a bms occupancy other this",
        );
    }

    #[test]
    fn statement_start_in_other_bodies_offers_their_clauses() {
        check(
            &format!("{META}viewpoint vp \"x\" {{\n  $0\n}}"),
            "label description frames kinds relations show",
        );
        check(
            &format!("{META}decision d {{ status accepted\n $0 }}"),
            "label description status addresses affects rationale",
        );
        check(
            &format!("{META}relation r {{ acyclic $0 }}"),
            "label description from to allow acyclic downward upward same_kind default line head tail",
        );
        check(
            &format!("{META}relation r {{ allow $0 }}"),
            "system component dataset",
        );
        check(
            &format!("{META}view v {{\n  $0\n}}"),
            "label description include exclude implied direction group note show",
        );
        check(
            &format!("{META}bms -> occupancy {{\n  $0\n}}"),
            "label description technology",
        );
        check(
            &format!("{META}view v {{\n  group g \"G\" {{\n    $0\n  }}\n}}"),
            "label description include",
        );
    }

    #[test]
    fn curation_and_notation_clauses_offer_their_values() {
        check(&format!("{META}view v {{ implied $0 }}"), "off on");
        check(
            &format!("{META}view v {{ show $0 }}"),
            "description technology none",
        );
        check(
            &format!("{META}viewpoint vp {{\n  show $0\n}}"),
            "description technology none",
        );
        check(
            &format!("{META}viewpoint vp {{\n  show description, $0\n}}"),
            "description technology none",
        );
        check(
            &format!("{META}view v {{\n  direction r$0\n}}"),
            "down right",
        );
        check(
            &format!("{META}relation r {{ line $0 }}"),
            "solid dashed dotted",
        );
        check(
            &format!("{META}relation r {{ head $0 }}"),
            "arrow open triangle hollow_triangle diamond hollow_diamond circle none",
        );
        check(
            &format!("{META}relation r {{ line dotted\n  tail $0 }}"),
            "arrow open triangle hollow_triangle diamond hollow_diamond circle none",
        );
        // Outside their bodies these words are names, not clauses.
        check(
            &format!("{META}system direction {{ }}\ndirection -> $0"),
            "bms occupancy direction",
        );
        check(
            &format!("{META}view v {{ group g {{ include bms.$0 }} }}"),
            "hvac edge_gw * **",
        );
        check(
            &format!("{META}view v {{\n  exclude bms -> $0\n}}"),
            "bms occupancy",
        );
        check(
            &format!("{META}view v {{\n  exclude bms -> occupancy : $0\n}}"),
            "flows uses",
        );
    }

    #[test]
    fn element_paths_after_an_arrow_even_in_broken_text() {
        check(&format!("{META}bms -> $0"), "bms occupancy");
        check(
            &format!("{META}bms -> oc$0\nsystem later"),
            "bms occupancy later",
        );
        check(&format!("{META}bms.hvac -> bms.$0"), "hvac edge_gw");
        check(
            &format!("{META}system bms2 {{ component inner\n  inner -> $0 }}"),
            "inner bms occupancy bms2 this",
        );
        // Names visible from the cursor: each ancestor's children in turn
        // (a nearer name hides a farther one), then the top level.
        check(
            &format!("{META}system bms2 {{ component bms\n  component mid {{ component 葉\n    葉 -> $0 }} }}"),
            "葉 bms mid occupancy bms2 this",
        );
        check(
            &format!("{META}system bms2 {{ component mid {{ component 葉\n    葉 -> this.$0 }} }}"),
            "葉",
        );
    }

    #[test]
    fn relation_kinds_after_a_colon_are_only_those_allowed() {
        check(&format!("{META}bms -> occupancy : $0"), "flows uses");
        check(&format!("{META}bms.hvac -> bms.edge_gw : $0"), "calls uses");
        check(&format!("{META}bms -> bms.hvac : f$0 \"x\""), "uses");
        // An end that does not resolve does not narrow the list.
        check(&format!("{META}nothing -> occupancy : $0"), "flows uses");
        let f = Fixture::new(&format!("{META}bms -> occupancy : $0"));
        let items = completion(&f.analysis, f.file, f.offset);
        let preselected: Vec<&str> = items
            .iter()
            .filter(|i| i.preselect)
            .map(|i| i.label.as_str())
            .collect();
        assert_eq!(preselected, ["uses"]);
    }

    #[test]
    fn concerns_viewpoints_kinds_layers_and_words_in_their_clauses() {
        check(
            &format!("{META}viewpoint vp {{ frames $0 }}"),
            "privacy cost",
        );
        check(
            &format!("{META}viewpoint vp {{ frames privacy, $0 }}"),
            "cost",
        );
        check(
            &format!("{META}stakeholder s {{ concerns c$0"),
            "privacy cost",
        );
        check(&format!("{META}decision d {{ addresses $0"), "privacy cost");
        check(&format!("{META}view v of $0"), "data_flow");
        check(&format!("{META}kind k {{ layer $0 }}"), "function");
        check(
            &format!("{META}kind k {{ parents $0 }}"),
            "system component dataset k",
        );
        check(
            &format!("{META}relation r {{ from system, $0 }}"),
            "system component dataset *",
        );
        check(
            &format!("{META}viewpoint v {{ relations $0 }}"),
            "flows calls uses",
        );
        check(
            &format!("{META}decision d {{ status $0 }}"),
            "proposed accepted superseded rejected",
        );
        check("use $0", "society5 archimate");
    }

    #[test]
    fn include_offers_paths_and_selectors() {
        check(&format!("{META}view v {{ include $0 }}"), "bms occupancy *");
        check(
            &format!("{META}view v {{ include occupancy, bms.$0 }}"),
            "hvac edge_gw * **",
        );
        check(
            &format!("{META}view v {{\n  exclude bms.h$0\n}}"),
            "hvac edge_gw * **",
        );
        check(
            &format!("{META}decision d {{ affects bms.$0 }}"),
            "hvac edge_gw",
        );
    }

    #[test]
    fn nothing_inside_strings_comments_or_new_names() {
        check(&format!("{META}system x \"a $0"), "");
        check(&format!("{META}// bms -> $0"), "");
        check(&format!("{META}/* bms -> $0 */"), "");
        check(&format!("{META}system $0"), "");
        check(&format!("{META}concern $0"), "");
        check(&format!("{META}bms -> occupancy $0"), "");
        check("a, $0", "");
        check(", $0", "");
    }

    #[test]
    fn the_typed_part_of_the_name_is_replaced() {
        let f = Fixture::new(&format!("{META}bms -> occ$0upa : flows"));
        let items = completion(&f.analysis, f.file, f.offset);
        let occupancy = items.iter().find(|i| i.label == "occupancy").unwrap();
        assert_eq!(&f.text()[occupancy.replace.range()], "occupa");
        assert_eq!(occupancy.detail.as_deref(), Some("dataset"));
        let bms = items.iter().find(|i| i.label == "bms").unwrap();
        assert_eq!(bms.detail.as_deref(), Some("system · Building management"));
    }

    /// The labels of a list limited to `limit` items, and whether it is
    /// incomplete.
    fn limited(fixture: &str, limit: usize) -> (String, bool) {
        let f = Fixture::new(fixture);
        let list = completion_list(&f.analysis, f.file, f.offset, limit);
        let labels: Vec<String> = list.items.into_iter().map(|i| i.label).collect();
        (labels.join(" "), list.incomplete)
    }

    /// Many top-level elements: `Alpha_0` … and `駅_0` …, and one with
    /// children.
    fn many() -> String {
        let mut text = String::from("kind system\nkind part { parents system }\n");
        for i in 0..12 {
            text.push_str(&format!(
                "system Alpha_{i}\nsystem beta_{i}\nsystem 駅_{i}\n"
            ));
        }
        text.push_str("system hub {\n");
        for i in 0..8 {
            text.push_str(&format!("  part p{i}\n"));
        }
        text.push_str("  part q\n}\n");
        text
    }

    #[test]
    fn a_list_within_the_limit_is_whole_and_in_model_order() {
        let (all, incomplete) = limited(&format!("{META}bms -> oc$0"), 100);
        assert_eq!(all, "bms occupancy");
        assert!(!incomplete);
        assert_eq!(labels(&format!("{META}bms -> oc$0")).join(" "), all);
    }

    #[test]
    fn past_the_limit_only_names_starting_with_what_is_typed_are_kept() {
        let text = many();
        // Nothing typed: the first names in name order, cut at the limit.
        let (first, incomplete) = limited(&format!("{text}hub -> $0"), 5);
        assert!(incomplete);
        assert_eq!(first, "Alpha_0 Alpha_1 Alpha_10 Alpha_11 Alpha_2");
        // A prefix, in any case: one range of the sorted names.
        let (alpha, incomplete) = limited(&format!("{text}hub -> aLPha_1$0"), 5);
        assert!(incomplete);
        assert_eq!(alpha, "Alpha_1 Alpha_10 Alpha_11");
        let (beta, _) = limited(&format!("{text}hub -> BETA_1$0"), 5);
        assert_eq!(beta, "beta_1 beta_10 beta_11");
        // Japanese names.
        let (station, incomplete) = limited(&format!("{text}hub -> 駅_1$0"), 5);
        assert!(incomplete);
        assert_eq!(station, "駅_1 駅_10 駅_11");
        // Nothing starts so: an empty, incomplete list.
        assert_eq!(
            limited(&format!("{text}hub -> zz$0"), 5),
            (String::new(), true)
        );
        // The same prefix within the limit: every name, unfiltered (the
        // editor filters).
        let (whole, incomplete) = limited(&format!("{text}hub -> 駅_1$0"), 1000);
        assert!(!incomplete);
        assert!(
            whole.contains("Alpha_0") && whole.contains("駅_9"),
            "{whole}"
        );
    }

    #[test]
    fn past_the_limit_the_nearer_names_and_keywords_are_filtered_too() {
        let text = many();
        // In a body: the children of the enclosing element first.
        let (near, incomplete) = limited(
            &format!("{text}system other {{\n  part pa\n  part pb\n  p$0\n}}"),
            4,
        );
        assert!(incomplete);
        assert_eq!(near, "part pa pb");
        // At the start of a statement: keywords and kinds as well.
        let (top, _) = limited(&format!("{text}s$0"), 3);
        assert_eq!(top, "stakeholder system");
    }

    #[test]
    fn children_after_a_qualifier_are_filtered_past_the_limit() {
        let text = many();
        let (all, incomplete) = limited(&format!("{text}hub.$0"), 100);
        assert!(!incomplete);
        assert_eq!(all, "p0 p1 p2 p3 p4 p5 p6 p7 q");
        let (q, incomplete) = limited(&format!("{text}hub.Q$0"), 4);
        assert!(incomplete);
        assert_eq!(q, "q");
        let (p, _) = limited(&format!("{text}view v {{ include hub.p$0 }}"), 3);
        assert_eq!(p, "p0 p1 p2");
    }

    #[test]
    fn japanese_names_complete() {
        check("kind system\nsystem 建物 { system 設備 }\n建物.$0", "設備");
    }
}
