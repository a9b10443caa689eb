//! "Create ...": the element, concern or viewpoint an undefined reference
//! names, of a kind its place allows, where it belongs (a child inside its
//! parent's body, anything else at the end of the file).

use kozo_lang::{ClauseArgs, ClauseKeyword, DeclKind, Entry, Item, Parse, Path, Selector, Span};

use super::{find_decl, insert_entry, CodeAction, CodeActionKind};
use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;
use crate::ide::{SourceChange, TextEdit};
use crate::model::{ElementId, KindId, KindSet, Model, Space, Target};

/// What sort of declaration an unresolved name asks for.
enum Missing<'a> {
    Element {
        /// The segments before the missing one (empty: a top-level element).
        parent: &'a [kozo_lang::Ident],
        /// The kinds the relation kind allows there (`None`: any).
        required: Option<Vec<KindId>>,
        /// The kind of the relationship's other end.
        hint: Option<KindId>,
    },
    Concern,
    Viewpoint,
}

pub(super) fn create_missing(analysis: &Analysis, d: &Diagnostic) -> Option<CodeAction> {
    let text = analysis.text(d.file);
    let name = text.get(d.span.range())?;
    if !kozo_lang::is_valid_name(name) {
        return None;
    }
    let model = analysis.model();
    let parse = analysis.parse(d.file);
    let missing = find_missing(model, parse, d.span)?;
    let (title, change) = match missing {
        Missing::Concern => (
            format!("Create concern `{name}`"),
            append_declaration(analysis, d.file, &format!("concern {name}")),
        ),
        Missing::Viewpoint => (
            format!("Create viewpoint `{name}`"),
            append_declaration(analysis, d.file, &format!("viewpoint {name}")),
        ),
        Missing::Element {
            parent,
            required,
            hint,
        } => {
            let parent_id = match parent {
                [] => None,
                segments => {
                    let path: Vec<&str> = segments.iter().map(|s| s.text.as_str()).collect();
                    Some(resolve_written(model, &path)?)
                }
            };
            let kind = choose_kind(model, required.as_deref(), hint, parent_id)?;
            let kind_name = &model.kind(kind).info.name;
            let statement = format!("{kind_name} {name}");
            match parent_id {
                None => (
                    format!("Create {kind_name} `{name}`"),
                    append_declaration(analysis, d.file, &statement),
                ),
                Some(p) => {
                    let info = &model.element(p).info;
                    let file = info.name_loc.file;
                    let decl = find_decl(analysis.parse(file), info.name_loc.span)?;
                    let edit = insert_entry(analysis.text(file), decl, &statement)?;
                    (
                        format!("Create {kind_name} `{name}` in `{}`", model.element(p).path),
                        SourceChange::single(file, edit),
                    )
                }
            }
        }
    };
    Some(CodeAction {
        title,
        kind: CodeActionKind::QuickFix,
        diagnostic: Some(d.clone()),
        change,
        preferred: false,
    })
}

/// The element an already-resolved path prefix names (the unresolved name
/// is its child); a path's first segment may also be a child of the scope,
/// which the tree walk does not know, so look the segments up both ways.
fn resolve_written(model: &Model, path: &[&str]) -> Option<ElementId> {
    if let Some(id) = model.element_by_path(&path.join(".")) {
        return Some(id);
    }
    // `child.x` written inside `parent`: find an element whose path ends so.
    let suffix = format!(".{}", path.join("."));
    model
        .element_ids()
        .find(|&id| model.element(id).path.ends_with(&suffix))
}

/// Where the unresolved name at `span` stands, and what it asks for.
fn find_missing<'a>(model: &Model, parse: &'a Parse, span: Span) -> Option<Missing<'a>> {
    fn in_path(path: &Path, span: Span) -> Option<usize> {
        path.segments.iter().position(|s| s.span == span)
    }
    fn visit<'a>(model: &Model, entries: &'a [Entry], span: Span) -> Option<Missing<'a>> {
        for entry in entries {
            if !entry.span().contains(span.start as usize) {
                continue;
            }
            match entry {
                Entry::Decl(d) => return visit(model, d.entries(), span),
                Entry::Relationship(r) => return relationship(model, r, span),
                Entry::Clause(c) => return clause(c, span),
                _ => {}
            }
        }
        None
    }
    fn relationship<'a>(
        model: &Model,
        r: &'a kozo_lang::Relationship,
        span: Span,
    ) -> Option<Missing<'a>> {
        let relation = match &r.relation {
            Some(ident) => model.relation_kind_by_name(&ident.text),
            None => model
                .relation_kinds
                .iter()
                .position(|k| k.default)
                .map(|i| crate::model::RelationKindId(i as u32)),
        };
        let (path, other, is_target) = if let Some(i) = in_path(&r.source, span) {
            (&r.source.segments[..i], &r.target, false)
        } else if let Some(i) = in_path(&r.target, span) {
            (&r.target.segments[..i], &r.source, true)
        } else {
            return None;
        };
        let required = relation.and_then(|id| {
            let kind = model.relation_kind(id);
            match if is_target { &kind.to } else { &kind.from } {
                KindSet::Only(list) => Some(list.clone()),
                KindSet::Any => None,
            }
        });
        let other: Vec<&str> = other.segments.iter().map(|s| s.text.as_str()).collect();
        let hint = resolve_written(model, &other).and_then(|e| model.element(e).kind);
        Some(Missing::Element {
            parent: path,
            required,
            hint,
        })
    }
    fn clause(c: &kozo_lang::Clause, span: Span) -> Option<Missing<'_>> {
        match (&c.keyword, &c.args) {
            (
                ClauseKeyword::Frames | ClauseKeyword::Concerns | ClauseKeyword::Addresses,
                ClauseArgs::Paths(paths),
            ) => paths
                .iter()
                .any(|p| in_path(p, span) == Some(0))
                .then_some(Missing::Concern),
            (ClauseKeyword::Affects, ClauseArgs::Paths(paths)) => paths.iter().find_map(|p| {
                in_path(p, span).map(|i| Missing::Element {
                    parent: &p.segments[..i],
                    required: None,
                    hint: None,
                })
            }),
            (ClauseKeyword::Include | ClauseKeyword::Exclude, ClauseArgs::Selectors(list)) => {
                list.iter().find_map(|s| match s {
                    Selector::Path { path, .. } => in_path(path, span).map(|i| Missing::Element {
                        parent: &path.segments[..i],
                        required: None,
                        hint: None,
                    }),
                    Selector::All(_) => None,
                })
            }
            _ => None,
        }
    }
    for item in &parse.tree.items {
        if !item.span().contains(span.start as usize) {
            continue;
        }
        match item {
            Item::Relationship(r) => return relationship(model, r, span),
            Item::Decl(d) => {
                if let (DeclKind::View, Some(vp)) = (&d.kind, &d.viewpoint) {
                    if in_path(vp, span) == Some(0) {
                        return Some(Missing::Viewpoint);
                    }
                }
                let found = visit(model, d.entries(), span);
                // A view's viewpoint kinds say what may be included.
                if let (DeclKind::View, Some(Missing::Element { parent, .. })) = (&d.kind, &found) {
                    let required = d.viewpoint.as_ref().and_then(|vp| {
                        match model.top_level(Space::Viewpoint, &vp.to_text()) {
                            Some(Target::Viewpoint(id)) => model.viewpoint(id).kinds.clone(),
                            _ => None,
                        }
                    });
                    return Some(Missing::Element {
                        parent,
                        required,
                        hint: None,
                    });
                }
                return found;
            }
            _ => {}
        }
    }
    None
}

/// A kind for a new element: among the kinds that may stand there (and
/// that `required` allows, when given), prefer those whose `parents` name
/// the parent's kind, then the kind most used beside it, then `hint`, then
/// the first declared.
fn choose_kind(
    model: &Model,
    required: Option<&[KindId]>,
    hint: Option<KindId>,
    parent: Option<ElementId>,
) -> Option<KindId> {
    let parent_kind = parent.map(|p| model.element(p).kind);
    let fits = |kind: KindId| match (&model.kind(kind).parents, parent_kind) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(parents), Some(Some(p))) => parents.contains(&p),
        (Some(_), Some(None)) => false,
    };
    let mut beside = vec![0usize; model.kinds.len()];
    for element in &model.elements {
        if element.parent == parent {
            if let Some(kind) = element.kind {
                beside[kind.index()] += 1;
            }
        }
    }
    (0..model.kinds.len() as u32)
        .map(KindId)
        .filter(|&k| fits(k) && required.is_none_or(|r| r.contains(&k)))
        .max_by_key(|&k| {
            let nests = model.kind(k).parents.is_some() && parent.is_some();
            (
                nests,
                beside[k.index()],
                hint == Some(k),
                std::cmp::Reverse(k.0),
            )
        })
}

/// A new top-level statement at the end of a file, after a blank line.
fn append_declaration(analysis: &Analysis, file: SourceFile, statement: &str) -> SourceChange {
    let text = analysis.text(file);
    let lead = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    SourceChange::single(
        file,
        TextEdit {
            span: Span::empty(text.len()),
            new_text: format!("{lead}{statement}\n"),
        },
    )
}
