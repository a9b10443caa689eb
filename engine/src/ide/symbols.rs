//! Outlines: the declarations of one file as a tree (document symbols), and
//! a search over every declaration of the workspace (workspace symbols).

use kozo_lang::{DeclKind, Entry, Item, Span};

use super::{all_targets, display_name, SymbolKind};
use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::model::Target;

/// One node of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    /// The label, or the relation kind of a relationship.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole declaration.
    pub full_span: Span,
    /// What to select: the name.
    pub name_span: Span,
    pub children: Vec<DocumentSymbol>,
}

/// The outline of a file, as written (duplicates and unresolved names included).
pub fn document_symbols(analysis: &Analysis, file: SourceFile) -> Vec<DocumentSymbol> {
    let parse = analysis.parse(file);
    parse
        .tree
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Use(u) => Some(DocumentSymbol {
                name: u.module.text.to_string(),
                detail: Some("use".to_string()),
                kind: SymbolKind::Module,
                full_span: u.span,
                name_span: u.module.span,
                children: Vec::new(),
            }),
            Item::Decl(d) => decl_symbol(d),
            Item::Relationship(r) => Some(relationship_symbol(r)),
            Item::Error(_) => None,
        })
        .collect()
}

fn decl_symbol(decl: &kozo_lang::Decl) -> Option<DocumentSymbol> {
    if decl.name.text.is_empty() {
        return None;
    }
    let kind = match &decl.kind {
        DeclKind::Layer => SymbolKind::Layer,
        DeclKind::Kind => SymbolKind::Kind,
        DeclKind::Relation => SymbolKind::RelationKind,
        DeclKind::Concern => SymbolKind::Concern,
        DeclKind::Stakeholder => SymbolKind::Stakeholder,
        DeclKind::Viewpoint => SymbolKind::Viewpoint,
        // A view's group is a part of the view (its detail says `group`).
        DeclKind::View | DeclKind::Group => SymbolKind::View,
        DeclKind::Decision => SymbolKind::Decision,
        DeclKind::Element(_) => SymbolKind::Element,
    };
    let children = decl
        .entries()
        .iter()
        .filter_map(|entry| match entry {
            Entry::Decl(d) => decl_symbol(d),
            Entry::Relationship(r) => Some(relationship_symbol(r)),
            _ => None,
        })
        .collect();
    let keyword = decl.kind.keyword();
    let detail = match &decl.label {
        Some(label) => format!("{keyword} · {}", label.value),
        None => keyword.to_string(),
    };
    Some(DocumentSymbol {
        name: decl.name.text.to_string(),
        detail: Some(detail),
        kind,
        full_span: decl.span,
        name_span: decl.name.span,
        children,
    })
}

fn relationship_symbol(rel: &kozo_lang::Relationship) -> DocumentSymbol {
    let mut name = format!("{} -> {}", rel.source.to_text(), rel.target.to_text());
    if let Some(label) = &rel.label {
        name.push_str(&format!(" \"{}\"", label.value));
    }
    DocumentSymbol {
        name,
        detail: rel.relation.as_ref().map(|r| r.text.to_string()),
        kind: SymbolKind::Relationship,
        full_span: rel.span,
        name_span: rel.source.span.cover(rel.target.span),
        children: Vec::new(),
    }
}

/// A declaration found by a workspace-wide search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// The full path of an element, else the name.
    pub name: String,
    pub kind: SymbolKind,
    pub file: SourceFile,
    pub name_span: Span,
    /// The label, if any.
    pub detail: Option<String>,
    /// The parent element's path, or the module (`society5`, `archimate`)
    /// for a built-in declaration.
    pub container: Option<String>,
}

/// At most this many symbols answer one search.
pub const WORKSPACE_SYMBOL_LIMIT: usize = 256;

/// Declarations whose name (or element path) contains the query's characters
/// in order, ignoring case; best matches first: exact, then prefix, then
/// substring, then scattered, shorter names first.
pub fn workspace_symbols(analysis: &Analysis, query: &str) -> Vec<WorkspaceSymbol> {
    let model = analysis.model();
    let query = query.to_lowercase();
    let mut found: Vec<(u8, usize, WorkspaceSymbol)> = Vec::new();
    for target in all_targets(model) {
        let name = display_name(model, target);
        let lower = name.to_lowercase();
        let short = model.definition(target).name.to_lowercase();
        let rank = if query.is_empty() || short == query {
            0
        } else if short.starts_with(&query) {
            1
        } else if lower.contains(&query) {
            2
        } else if is_subsequence(&query, &lower) {
            3
        } else {
            continue;
        };
        let info = model.definition(target);
        let container = match target {
            _ if info.builtin => Some(
                if analysis.path(info.name_loc.file) == crate::builtin::ARCHIMATE_PATH {
                    crate::builtin::ARCHIMATE
                } else {
                    crate::builtin::SOCIETY5
                }
                .to_string(),
            ),
            Target::Element(id) => model
                .element(id)
                .parent
                .map(|p| model.element(p).path.clone()),
            _ => None,
        };
        found.push((
            rank,
            name.len(),
            WorkspaceSymbol {
                name: name.to_string(),
                kind: SymbolKind::of(target),
                file: info.name_loc.file,
                name_span: info.name_loc.span,
                detail: info.label.clone(),
                container,
            },
        ));
    }
    found.sort_by(|a, b| (a.0, a.1, &a.2.name).cmp(&(b.0, b.1, &b.2.name)));
    found
        .into_iter()
        .take(WORKSPACE_SYMBOL_LIMIT)
        .map(|(_, _, s)| s)
        .collect()
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut chars = haystack.chars();
    needle.chars().all(|n| chars.any(|h| h == n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    fn outline(symbols: &[DocumentSymbol], depth: usize, out: &mut String) {
        for s in symbols {
            out.push_str(&format!(
                "{}{:?} {} ({})\n",
                "  ".repeat(depth),
                s.kind,
                s.name,
                s.detail.as_deref().unwrap_or("-")
            ));
            outline(&s.children, depth + 1, out);
        }
    }

    #[test]
    fn outline_is_hierarchical_and_keeps_what_does_not_resolve() {
        let f = Fixture::new(
            "use society5\nsystem bms \"BMS\" {\n  component hvac\n  component gw { component x }\n  hvac -> gw : flows\n}\nconcern privacy\nview v of vp { include bms }\nsytem typo\n",
        );
        let mut out = String::new();
        outline(&document_symbols(&f.analysis, f.file), 0, &mut out);
        assert_eq!(
            out,
            "Module society5 (use)
Element bms (system · BMS)
  Element hvac (component)
  Element gw (component)
    Element x (component)
  Relationship hvac -> gw (flows)
Concern privacy (concern)
View v (view)
Element typo (sytem)
"
        );
    }

    #[test]
    fn symbols_are_ranked_and_include_paths_and_builtins() {
        let f = Fixture::new(
            "use society5\nsystem bms { component data_hub }\ndataset data\nconcern data_privacy\n",
        );
        let names: Vec<(String, Option<String>)> = workspace_symbols(&f.analysis, "data")
            .into_iter()
            .map(|s| (s.name, s.container))
            .collect();
        assert_eq!(
            names,
            [
                ("data".to_string(), Some("society5".to_string())),
                ("data".to_string(), None),
                ("dataset".to_string(), Some("society5".to_string())),
                ("data_link".to_string(), Some("society5".to_string())),
                ("data_model".to_string(), Some("society5".to_string())),
                ("bms.data_hub".to_string(), Some("bms".to_string())),
                ("data_privacy".to_string(), None),
            ]
        );
        let scattered: Vec<String> = workspace_symbols(&f.analysis, "bdh")
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(scattered, ["bms.data_hub"]);
    }
}
