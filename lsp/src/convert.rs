//! Between engine values (byte offsets, engine types) and protocol values
//! (line/character positions in the negotiated encoding, LSP types). This
//! module and the handlers are the only places that know both.

use std::borrow::Cow;

use kozo_engine::diagnostic::{Diagnostic, Severity};
use kozo_engine::ide::{self, SymbolKind};
use kozo_lang::line_index::ColumnUnit;
use kozo_lang::{LineIndex, Span};
use tower_lsp_server::ls_types::{self as lsp, Uri};

/// A text with its line index, to turn offsets into positions and back.
pub struct Lines<'a> {
    pub text: &'a str,
    index: Cow<'a, LineIndex>,
    unit: ColumnUnit,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, unit: ColumnUnit) -> Lines<'a> {
        Lines {
            text,
            index: Cow::Owned(LineIndex::new(text)),
            unit,
        }
    }

    /// The lines of `text` with an index already built for it (a request
    /// reads its document's lines twice: for the position it was asked at
    /// and for the answer's ranges; building the index is a pass over the
    /// whole text).
    pub fn with_index(text: &'a str, index: &'a LineIndex, unit: ColumnUnit) -> Lines<'a> {
        Lines {
            text,
            index: Cow::Borrowed(index),
            unit,
        }
    }

    pub fn position(&self, offset: u32) -> lsp::Position {
        let (line, character) = self.index.position(self.text, offset as usize, self.unit);
        lsp::Position { line, character }
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        lsp::Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }

    /// The byte offset of a position; `None` when its line is past the end.
    /// A character past the end of its line means the end of the line.
    pub fn offset(&self, position: lsp::Position) -> Option<usize> {
        self.index
            .offset(self.text, position.line, position.character, self.unit)
    }

    pub fn span(&self, range: lsp::Range) -> Option<Span> {
        let start = self.offset(range.start)?;
        let end = self.offset(range.end)?;
        Some(Span::new(start.min(end), end.max(start)))
    }

    /// The length of a one-line span in the negotiated unit.
    fn units(&self, span: Span) -> u32 {
        let text = self.text.get(span.range()).unwrap_or("");
        match self.unit {
            ColumnUnit::Utf8 => text.len() as u32,
            ColumnUnit::Utf16 => text.chars().map(char::len_utf16).sum::<usize>() as u32,
            ColumnUnit::Char => text.chars().count() as u32,
        }
    }
}

pub fn encoding_kind(unit: ColumnUnit) -> lsp::PositionEncodingKind {
    match unit {
        ColumnUnit::Utf8 => lsp::PositionEncodingKind::UTF8,
        ColumnUnit::Utf16 => lsp::PositionEncodingKind::UTF16,
        ColumnUnit::Char => lsp::PositionEncodingKind::UTF32,
    }
}

// ---------------------------------------------------------------- diagnostics

/// Resolves the files a finding's related places are in to URIs.
pub trait UriOf {
    fn uri_of(&self, file: kozo_engine::db::SourceFile) -> Option<Uri>;
    fn lines_of(&self, file: kozo_engine::db::SourceFile) -> Option<Lines<'_>>;
}

/// The places findings point to ("first defined here"), with one line index
/// per file however many findings point into it: building one per finding
/// made publishing quadratic (40k duplicates took 10 s).
pub struct RelatedPlaces<'a> {
    files: &'a dyn UriOf,
    /// The places messages name, written as the CLI writes them.
    messages: kozo_engine::MessageText<'a>,
    known: std::collections::HashMap<kozo_engine::db::SourceFile, Option<(Uri, Lines<'a>)>>,
}

impl<'a> RelatedPlaces<'a> {
    pub fn new(files: &'a dyn UriOf, analysis: &'a kozo_engine::Analysis) -> RelatedPlaces<'a> {
        RelatedPlaces {
            files,
            messages: kozo_engine::MessageText::new(analysis),
            known: std::collections::HashMap::new(),
        }
    }

    fn location(&mut self, file: kozo_engine::db::SourceFile, span: Span) -> Option<lsp::Location> {
        let files = self.files;
        let (uri, lines) = self
            .known
            .entry(file)
            .or_insert_with(|| Some((files.uri_of(file)?, files.lines_of(file)?)))
            .as_ref()?;
        Some(lsp::Location::new(uri.clone(), lines.range(span)))
    }
}

pub fn diagnostic(
    d: &Diagnostic,
    lines: &Lines<'_>,
    places: &mut RelatedPlaces<'_>,
    rules_url: Option<&str>,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            Some(lsp::DiagnosticRelatedInformation {
                location: places.location(r.file, r.span)?,
                message: r.message.clone(),
            })
        })
        .collect();
    let code_description = rules_url.and_then(|base| {
        let href: Uri = crate::support::rule_href(base, d.rule).parse().ok()?;
        Some(lsp::CodeDescription { href })
    });
    let tags = match d.rule {
        kozo_engine::Rule::UnusedDefinition => Some(vec![lsp::DiagnosticTag::UNNECESSARY]),
        _ => None,
    };
    lsp::Diagnostic {
        range: lines.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lsp::NumberOrString::String(d.rule.name().to_string())),
        code_description,
        source: Some("kozo".to_string()),
        message: places.messages.message(d).into_owned(),
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: None,
    }
}

// ---------------------------------------------------------------- symbols

pub fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Module => lsp::SymbolKind::MODULE,
        SymbolKind::Layer => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Kind => lsp::SymbolKind::CLASS,
        SymbolKind::RelationKind => lsp::SymbolKind::INTERFACE,
        SymbolKind::Element => lsp::SymbolKind::OBJECT,
        SymbolKind::Relationship => lsp::SymbolKind::EVENT,
        SymbolKind::Concern => lsp::SymbolKind::ENUM_MEMBER,
        SymbolKind::Stakeholder => lsp::SymbolKind::STRUCT,
        SymbolKind::Viewpoint => lsp::SymbolKind::PACKAGE,
        SymbolKind::View => lsp::SymbolKind::FILE,
        SymbolKind::Decision => lsp::SymbolKind::KEY,
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol type.
pub fn document_symbol(s: &ide::DocumentSymbol, lines: &Lines<'_>) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: lines.range(s.full_span),
        selection_range: lines.range(s.name_span),
        children: Some(
            s.children
                .iter()
                .map(|c| document_symbol(c, lines))
                .collect(),
        ),
    }
}

// ---------------------------------------------------------------- completion

/// A completion item; `range` is where it goes (the engine's `replace`
/// span, converted once for all items, which share it).
pub fn completion_item(
    item: &ide::CompletionItem,
    index: usize,
    range: lsp::Range,
) -> lsp::CompletionItem {
    use ide::CompletionKind as K;
    let kind = match item.kind {
        K::Keyword => lsp::CompletionItemKind::KEYWORD,
        K::Layer => lsp::CompletionItemKind::MODULE,
        K::Kind => lsp::CompletionItemKind::CLASS,
        K::RelationKind => lsp::CompletionItemKind::OPERATOR,
        K::Element => lsp::CompletionItemKind::VARIABLE,
        K::Concern => lsp::CompletionItemKind::ENUM_MEMBER,
        K::Viewpoint => lsp::CompletionItemKind::INTERFACE,
        K::Module => lsp::CompletionItemKind::MODULE,
        K::Value => lsp::CompletionItemKind::VALUE,
    };
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(kind),
        detail: item.detail.clone(),
        documentation: item.documentation.as_ref().map(|doc| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: doc.clone(),
            })
        }),
        preselect: item.preselect.then_some(true),
        // The engine orders items best first; keep that order.
        sort_text: Some(format!("{index:05}")),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range,
            new_text: item.insert_text.clone(),
        })),
        ..lsp::CompletionItem::default()
    }
}

// ---------------------------------------------------------------- semantic tokens

pub const TOKEN_TYPES: &[(ide::TokenType, &str)] = &[
    (ide::TokenType::Keyword, "keyword"),
    (ide::TokenType::Layer, "namespace"),
    (ide::TokenType::Kind, "type"),
    (ide::TokenType::RelationKind, "function"),
    (ide::TokenType::Element, "variable"),
    (ide::TokenType::Concern, "enum"),
    (ide::TokenType::Stakeholder, "class"),
    (ide::TokenType::Viewpoint, "interface"),
    (ide::TokenType::View, "struct"),
    (ide::TokenType::Decision, "event"),
    (ide::TokenType::Module, "macro"),
    (ide::TokenType::Property, "property"),
    (ide::TokenType::Value, "enumMember"),
    (ide::TokenType::String, "string"),
    (ide::TokenType::Number, "number"),
    (ide::TokenType::Comment, "comment"),
    (ide::TokenType::Operator, "operator"),
];

pub fn semantic_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES
            .iter()
            .map(|(_, name)| lsp::SemanticTokenType::new(name))
            .collect(),
        token_modifiers: ide::TokenModifiers::ALL
            .iter()
            .map(|(_, name)| lsp::SemanticTokenModifier::new(name))
            .collect(),
    }
}

/// Encodes tokens as the protocol's relative quintuples; a token spanning
/// lines becomes one token per line.
pub fn semantic_tokens(
    tokens: &[ide::SemanticToken],
    lines: &Lines<'_>,
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for token in tokens {
        let Some(type_index) = TOKEN_TYPES.iter().position(|(t, _)| *t == token.token_type) else {
            continue;
        };
        let modifiers = ide::TokenModifiers::ALL
            .iter()
            .enumerate()
            .filter(|(_, (flag, _))| token.modifiers.contains(*flag))
            .fold(0u32, |bits, (i, _)| bits | (1 << i));
        let text = lines.text.get(token.span.range()).unwrap_or("");
        let mut start = token.span.start;
        for piece in text.split('\n') {
            let piece_span = Span {
                start,
                end: start + piece.trim_end_matches('\r').len() as u32,
            };
            start += piece.len() as u32 + 1;
            let length = lines.units(piece_span);
            if length == 0 {
                continue;
            }
            let position = lines.position(piece_span.start);
            let delta_line = position.line.saturating_sub(last_line);
            let delta_start = if delta_line == 0 {
                position.character.saturating_sub(last_start)
            } else {
                position.character
            };
            out.push(lsp::SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: type_index as u32,
                token_modifiers_bitset: modifiers,
            });
            last_line = position.line;
            last_start = position.character;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_in_both_units() {
        let text = "system 建物 \"𝒳\"\nx -> y\n";
        for unit in [ColumnUnit::Utf16, ColumnUnit::Utf8] {
            let lines = Lines::new(text, unit);
            for (offset, _) in text.char_indices() {
                let position = lines.position(offset as u32);
                assert_eq!(lines.offset(position), Some(offset), "{unit:?} {offset}");
            }
        }
        let utf16 = Lines::new(text, ColumnUnit::Utf16);
        let quote = text.find('"').unwrap() as u32;
        assert_eq!(utf16.position(quote), lsp::Position::new(0, 10));
        let utf8 = Lines::new(text, ColumnUnit::Utf8);
        assert_eq!(utf8.position(quote), lsp::Position::new(0, 14));
        // A line past the end has no offset.
        assert_eq!(utf16.offset(lsp::Position::new(9, 0)), None);
    }

    #[test]
    fn multiline_tokens_are_split_per_line_with_relative_positions() {
        let text = "a /* one\n二つ */ b";
        let lines = Lines::new(text, ColumnUnit::Utf16);
        let comment = text.find("/*").unwrap();
        let end = text.find(" b").unwrap();
        let b = text.rfind('b').unwrap();
        let tokens = [
            ide::SemanticToken {
                span: Span::new(comment, end),
                token_type: ide::TokenType::Comment,
                modifiers: ide::TokenModifiers::default(),
            },
            ide::SemanticToken {
                span: Span::new(b, b + 1),
                token_type: ide::TokenType::Element,
                modifiers: ide::TokenModifiers(ide::TokenModifiers::DECLARATION),
            },
        ];
        let encoded: Vec<(u32, u32, u32, u32, u32)> = semantic_tokens(&tokens, &lines)
            .into_iter()
            .map(|t| {
                (
                    t.delta_line,
                    t.delta_start,
                    t.length,
                    t.token_type,
                    t.token_modifiers_bitset,
                )
            })
            .collect();
        let comment_type = TOKEN_TYPES
            .iter()
            .position(|(t, _)| *t == ide::TokenType::Comment)
            .unwrap() as u32;
        let element_type = TOKEN_TYPES
            .iter()
            .position(|(t, _)| *t == ide::TokenType::Element)
            .unwrap() as u32;
        assert_eq!(
            encoded,
            [
                (0, 2, 6, comment_type, 0),
                (1, 0, 5, comment_type, 0),
                (0, 6, 1, element_type, 1),
            ]
        );
    }
}
