//! What an editor asks of a model: hover, navigation, completion, rename,
//! code actions, outlines, semantic tokens, folding, code lenses and views.
//!
//! Every function takes an [`Analysis`] (a snapshot, in the language server),
//! a file and byte offsets, and answers with this module's own types: byte
//! spans, Markdown text, plain edits. The language server (`kozo-lsp`) maps
//! them to protocol types; nothing here knows of LSP.
//!
//! Architecture invariant: these functions never panic on user input, work
//! on text that does not parse (they read what the parser recovered, and
//! completion reads the tokens before the cursor), and answer from the same
//! tracked queries as `kozo check`.

mod code_actions;
mod code_lens;
mod completion;
mod folding;
mod hover;
pub(crate) mod lex;
mod links;
mod names;
mod navigation;
mod rename;
mod semantic_tokens;
mod symbols;
mod views;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod robustness;

use kozo_lang::Span;

use crate::db::SourceFile;
use crate::model::{Model, Target};

pub use code_actions::{code_actions, CodeAction, CodeActionKind};
pub use code_lens::{code_lenses, CodeLens};
pub use completion::{completion, completion_list, CompletionItem, CompletionKind, CompletionList};
pub use folding::{folding_ranges, FoldingKind, FoldingRange};
pub use hover::{hover, Hover};
pub use navigation::{
    document_highlight, goto_definition, references, target_at, Highlight, HighlightKind, NameAt,
    NavTarget,
};
pub use rename::{prepare_rename, rename, RenameError};
pub use semantic_tokens::{semantic_tokens, SemanticToken, TokenModifiers, TokenType};
pub use symbols::{
    document_symbols, workspace_symbols, DocumentSymbol, WorkspaceSymbol, WORKSPACE_SYMBOL_LIMIT,
};
pub use views::{view_at, views, ViewSummary};

/// A span in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileSpan {
    pub file: SourceFile,
    pub span: Span,
}

/// Replace the text at `span` with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TextEdit {
    pub span: Span,
    pub new_text: String,
}

/// Edits to one or more files. The edits of one file never overlap and are
/// sorted by position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChange {
    pub edits: Vec<(SourceFile, Vec<TextEdit>)>,
}

impl SourceChange {
    fn single(file: SourceFile, edit: TextEdit) -> SourceChange {
        SourceChange {
            edits: vec![(file, vec![edit])],
        }
    }
}

/// What a declaration is, for outlines, symbols and completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Module,
    Layer,
    Kind,
    RelationKind,
    Element,
    Relationship,
    Concern,
    Stakeholder,
    Viewpoint,
    View,
    Decision,
}

impl SymbolKind {
    pub fn of(target: Target) -> SymbolKind {
        match target {
            Target::Layer(_) => SymbolKind::Layer,
            Target::Kind(_) => SymbolKind::Kind,
            Target::RelationKind(_) => SymbolKind::RelationKind,
            Target::Element(_) => SymbolKind::Element,
            Target::Concern(_) => SymbolKind::Concern,
            Target::Stakeholder(_) => SymbolKind::Stakeholder,
            Target::Viewpoint(_) => SymbolKind::Viewpoint,
            Target::View(_) => SymbolKind::View,
            Target::Decision(_) => SymbolKind::Decision,
        }
    }

    /// "element", "relation kind", ...: how messages and hovers name it.
    pub fn describe(self) -> &'static str {
        match self {
            SymbolKind::Module => "module",
            SymbolKind::Layer => "layer",
            SymbolKind::Kind => "element kind",
            SymbolKind::RelationKind => "relation kind",
            SymbolKind::Element => "element",
            SymbolKind::Relationship => "relationship",
            SymbolKind::Concern => "concern",
            SymbolKind::Stakeholder => "stakeholder",
            SymbolKind::Viewpoint => "viewpoint",
            SymbolKind::View => "view",
            SymbolKind::Decision => "decision",
        }
    }
}

/// Every declared target of the model, builtin ones included.
pub(crate) fn all_targets(model: &Model) -> impl Iterator<Item = Target> + '_ {
    use crate::model::*;
    let n = |len: usize| 0..len as u32;
    n(model.layers.len())
        .map(|i| Target::Layer(LayerId(i)))
        .chain(n(model.kinds.len()).map(|i| Target::Kind(KindId(i))))
        .chain(n(model.relation_kinds.len()).map(|i| Target::RelationKind(RelationKindId(i))))
        .chain(n(model.elements.len()).map(|i| Target::Element(ElementId(i))))
        .chain(n(model.concerns.len()).map(|i| Target::Concern(ConcernId(i))))
        .chain(n(model.stakeholders.len()).map(|i| Target::Stakeholder(StakeholderId(i))))
        .chain(n(model.viewpoints.len()).map(|i| Target::Viewpoint(ViewpointId(i))))
        .chain(n(model.views.len()).map(|i| Target::View(ViewId(i))))
        .chain(n(model.decisions.len()).map(|i| Target::Decision(DecisionId(i))))
}

/// The name a target is shown under: the full path for elements.
pub(crate) fn display_name(model: &Model, target: Target) -> &str {
    match target {
        Target::Element(id) => &model.element(id).path,
        other => &model.definition(other).name,
    }
}

/// `text` with one edit applied.
pub(crate) fn apply_edit(text: &str, edit: &TextEdit) -> String {
    let mut out = String::with_capacity(text.len() + edit.new_text.len());
    out.push_str(&text[..edit.span.start as usize]);
    out.push_str(&edit.new_text);
    out.push_str(&text[edit.span.end as usize..]);
    out
}

/// The offset clamped into the text and moved back onto a char boundary.
pub(crate) fn clamp_offset(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
