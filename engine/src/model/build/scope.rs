//! Where a path's first segment is looked up from inside an element body:
//! the enclosing element's children, then each ancestor's in turn, then the
//! top level; the nearest level that has the name wins. Also the "did you
//! mean" for a name found at no level, which searches nested elements and
//! offers the shortest path that resolves from where the name is written.

use kozo_lang::Span;
use smol_str::SmolStr;

use super::Builder;
use crate::db::SourceFile;
use crate::model::{ElementId, Space, Target};
use crate::rules::ambiguous_reference;

/// The word that names the enclosing element in a path's first segment.
pub(crate) const THIS: &str = "this";

impl Builder<'_> {
    /// The nearest of `scope` and its ancestors that has a child named
    /// `name`, with that child.
    pub(super) fn ancestor_child(
        &self,
        scope: Option<ElementId>,
        name: &SmolStr,
    ) -> Option<(ElementId, ElementId)> {
        let mut level = scope;
        while let Some(s) = level {
            if let Some(child) = self.child(s, name) {
                return Some((s, child));
            }
            level = self.names.element(s).parent;
        }
        None
    }

    /// The element `name` names from `scope`, without reporting anything.
    fn visible_element(&self, scope: Option<ElementId>, name: &SmolStr) -> Option<ElementId> {
        match self.ancestor_child(scope, name) {
            Some((_, child)) => Some(child),
            None => match self.names.top_level(Space::Element, name) {
                Some(Target::Element(id)) => Some(id),
                _ => None,
            },
        }
    }

    /// `name` resolved to `found`, a child of `level`: when a farther level
    /// (an ancestor of `level`, or the top level) also has an element of
    /// that name, the nearest still wins, and an `ambiguous-reference`
    /// finding names both so that a reader is not misled.
    pub(super) fn report_shadowed(
        &mut self,
        scope: Option<ElementId>,
        file: SourceFile,
        span: Span,
        name: &SmolStr,
        level: ElementId,
        found: ElementId,
    ) {
        let parent = self.names.element(level).parent;
        let Some(farther) = self.visible_element(parent, name) else {
            return;
        };
        if farther == found {
            return;
        }
        let reach = self.shortest_path_from(scope, farther);
        let names = self.names;
        let Some(farther_loc) = self.name_loc(names.element(farther).at) else {
            return;
        };
        let diagnostic = ambiguous_reference::shadowed(
            file,
            span,
            name,
            &names.element(found).path,
            &names.element(farther).path,
            reach.as_deref(),
            farther_loc,
        );
        self.model.diagnostics.push(diagnostic);
    }

    /// The shortest path that names `target` from `scope`: its own name
    /// when that resolves to it, else its parent's name and its own, and so
    /// on up to its full path. None when even the full path is shadowed
    /// from here (a nearer element has its first segment's name).
    fn shortest_path_from(&self, scope: Option<ElementId>, target: ElementId) -> Option<String> {
        let names = self.names;
        let chain: Vec<ElementId> =
            std::iter::successors(Some(target), |&e| names.element(e).parent).collect();
        let head = chain
            .iter()
            .position(|&e| self.visible_element(scope, &names.element(e).name) == Some(e))?;
        Some(
            chain[..=head]
                .iter()
                .rev()
                .map(|&e| names.element(e).name.as_str())
                .collect::<Vec<_>>()
                .join("."),
        )
    }

    /// Of the elements named `name` anywhere, the one with the shortest
    /// path from `scope`, and that path.
    fn nearest_named(&self, scope: Option<ElementId>, name: &str) -> Option<String> {
        let candidates = self.names.elements_by_name().get(name)?;
        candidates
            .iter()
            .filter_map(|&e| self.shortest_path_from(scope, e))
            .min_by_key(|path| (path.matches('.').count(), path.len()))
    }

    /// "Did you mean" for an element name found at no level from `scope`:
    /// an element of exactly that name nested elsewhere (by its shortest
    /// path from here), else a close name at a visible level, else a close
    /// name nested anywhere. The second value is true when the name itself
    /// exists, nested out of sight.
    pub(super) fn suggest_element(
        &mut self,
        scope: Option<ElementId>,
        name: &str,
    ) -> (Option<String>, bool) {
        if !self.suggester.has_budget() {
            return (None, false);
        }
        if let Some(path) = self.nearest_named(scope, name) {
            return (Some(path), true);
        }
        let names = self.names;
        let mut visible: Vec<&str> = Vec::new();
        let mut level = scope;
        while let Some(s) = level {
            let element = names.element(s);
            visible.extend(
                element
                    .children
                    .iter()
                    .map(|&c| names.element(c).name.as_str()),
            );
            level = element.parent;
        }
        visible.extend(self.names.top_level_names(Space::Element));
        if let Some(close) = self.suggester.closest(name, visible) {
            return (Some(close.to_string()), false);
        }
        let index = self.names.elements_by_name();
        let close = self
            .suggester
            .closest(name, index.keys().map(SmolStr::as_str))
            .map(str::to_string);
        (close.and_then(|c| self.nearest_named(scope, &c)), false)
    }
}
