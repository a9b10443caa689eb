//! Reads a view's curation clauses: `exclude a -> b`, `implied`,
//! `direction`, `group` and `note`. Resolution errors are reported like
//! every other name's; what the view then makes of them (an exclusion that
//! matches nothing, a group that names what the view does not show) is
//! checked by the `view-curation` rule.

use kozo_lang::{self as ast, ClauseArgs, ClauseKeyword, DeclKind, Entry, Selector};

use super::super::selection;
use super::{clauses, Builder, Pending};
use crate::db::SourceFile;
use crate::model::{Direction, ElementId, Info, RelationExclusion, View, ViewGroup, ViewNote};
use crate::rules::duplicate_definition;

/// A selector as written, rebuilt from the tree (`*`, `bms`, `bms.*`, `bms.**`).
pub(super) fn written(selector: &Selector) -> String {
    match selector {
        Selector::All(_) => "*".to_string(),
        Selector::Path { path, depth, .. } => {
            let suffix = match depth {
                ast::Depth::Itself => "",
                ast::Depth::Children => ".*",
                ast::Depth::Descendants => ".**",
            };
            format!("{}{suffix}", path.to_text())
        }
    }
}

impl<'a> Builder<'a> {
    /// Fills `view`'s curation from the entries of its body.
    pub(super) fn curate_view(&mut self, file: SourceFile, entries: &'a [Entry], view: &mut View) {
        for clause in clauses(entries) {
            match (clause.keyword, &clause.args) {
                (ClauseKeyword::Exclude, ClauseArgs::Relationship(pattern)) => {
                    if let Some(exclusion) = self.relation_exclusion(file, pattern) {
                        view.relation_exclusions.push(exclusion);
                    }
                }
                (ClauseKeyword::Implied, ClauseArgs::Word(word)) => {
                    view.implied = Some(word.text == "on");
                }
                (ClauseKeyword::Direction, ClauseArgs::Word(word)) => {
                    view.direction = Direction::from_name(&word.text);
                }
                (ClauseKeyword::Note, ClauseArgs::Text(text)) => view.notes.push(ViewNote {
                    text: text.value.clone(),
                    span: clause.span,
                }),
                _ => {}
            }
        }
        let mut first_of_name: Vec<&'a ast::Ident> = Vec::new();
        for entry in entries {
            let Entry::Decl(decl) = entry else { continue };
            if decl.kind != DeclKind::Group || decl.name.text.is_empty() {
                continue;
            }
            if let Some(first) = first_of_name.iter().find(|n| n.text == decl.name.text) {
                self.model.diagnostics.push(duplicate_definition::repeated(
                    file,
                    decl.name.span,
                    &format!("the group `{}`", decl.name.text),
                    file,
                    first.span,
                ));
                continue;
            }
            first_of_name.push(&decl.name);
            self.check_repeats(file, decl.entries());
            view.groups.push(self.group(file, decl));
        }
    }

    fn relation_exclusion(
        &mut self,
        file: SourceFile,
        pattern: &ast::RelationPattern,
    ) -> Option<RelationExclusion> {
        let source = self.resolve_element(file, &pattern.source, None);
        let target = self.resolve_element(file, &pattern.target, None);
        let kind = match &pattern.relation {
            Some(ident) => Some(self.resolve_relation_kind(file, ident)?),
            None => None,
        };
        Some(RelationExclusion {
            source: source?,
            target: target?,
            kind,
            span: pattern.span,
        })
    }

    fn group(&mut self, file: SourceFile, decl: &'a ast::Decl) -> ViewGroup {
        let mut picks = Vec::new();
        let mut includes_written = false;
        for clause in clauses(decl.entries()) {
            let (ClauseKeyword::Include, ClauseArgs::Selectors(list)) =
                (clause.keyword, &clause.args)
            else {
                continue;
            };
            includes_written = true;
            for selector in list {
                let pick = match selector {
                    Selector::All(span) => Some((None::<ElementId>, ast::Depth::Itself, *span)),
                    Selector::Path { path, depth, span } => self
                        .resolve_element(file, path, None)
                        .map(|id| (Some(id), *depth, *span)),
                };
                picks.extend(pick);
            }
        }
        let mut info: Info = self.info(Pending {
            file,
            decl,
            builtin: false,
            library: false,
        });
        info.properties = self.properties(file, decl.entries(), None);
        ViewGroup {
            info,
            elements: selection::take(self.names, &picks),
            includes_written,
        }
    }
}
