//! Semantic tokens: every token of a file classified by what it means —
//! a resolved name by the sort of thing it names, keywords, strings,
//! numbers, comments — so an editor can colour a model by meaning.

use std::collections::HashMap;

use kozo_lang::Span;

use super::lex::{tokenize, TokenKind};
use super::{all_targets, SymbolKind};
use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::model::Target;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    Keyword,
    Layer,
    Kind,
    RelationKind,
    Element,
    Concern,
    Stakeholder,
    Viewpoint,
    View,
    Decision,
    Module,
    /// The key of `key = value`.
    Property,
    /// A fixed word: a shape, a status, `true`/`false`, a language tag.
    Value,
    String,
    Number,
    Comment,
    /// `->`.
    Operator,
}

impl TokenType {
    pub const ALL: &'static [TokenType] = &[
        TokenType::Keyword,
        TokenType::Layer,
        TokenType::Kind,
        TokenType::RelationKind,
        TokenType::Element,
        TokenType::Concern,
        TokenType::Stakeholder,
        TokenType::Viewpoint,
        TokenType::View,
        TokenType::Decision,
        TokenType::Module,
        TokenType::Property,
        TokenType::Value,
        TokenType::String,
        TokenType::Number,
        TokenType::Comment,
        TokenType::Operator,
    ];

    fn of(target: Target) -> TokenType {
        match SymbolKind::of(target) {
            SymbolKind::Layer => TokenType::Layer,
            SymbolKind::Kind => TokenType::Kind,
            SymbolKind::RelationKind => TokenType::RelationKind,
            SymbolKind::Element => TokenType::Element,
            SymbolKind::Concern => TokenType::Concern,
            SymbolKind::Stakeholder => TokenType::Stakeholder,
            SymbolKind::Viewpoint => TokenType::Viewpoint,
            SymbolKind::View => TokenType::View,
            SymbolKind::Decision => TokenType::Decision,
            SymbolKind::Module | SymbolKind::Relationship => TokenType::Module,
        }
    }
}

/// Bit flags on a token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TokenModifiers(pub u32);

impl TokenModifiers {
    /// The name being declared.
    pub const DECLARATION: u32 = 1;
    /// A `///` doc comment.
    pub const DOCUMENTATION: u32 = 1 << 1;
    /// A name declared by the built-in metamodel.
    pub const BUILTIN: u32 = 1 << 2;
    /// Every modifier, in bit order, with the name editors know it by.
    pub const ALL: &'static [(u32, &'static str)] = &[
        (Self::DECLARATION, "declaration"),
        (Self::DOCUMENTATION, "documentation"),
        (Self::BUILTIN, "defaultLibrary"),
    ];

    pub fn contains(self, flag: u32) -> bool {
        self.0 & flag != 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    /// May span lines (block comments, `"""` strings).
    pub span: Span,
    pub token_type: TokenType,
    pub modifiers: TokenModifiers,
}

pub fn semantic_tokens(analysis: &Analysis, file: SourceFile) -> Vec<SemanticToken> {
    let text = analysis.text(file);
    let model = analysis.model();
    let mut names: HashMap<u32, (Span, TokenType, u32)> = HashMap::new();
    let builtin = |target: Target| {
        if model.definition(target).builtin {
            TokenModifiers::BUILTIN
        } else {
            0
        }
    };
    for r in model.references.iter().filter(|r| r.loc.file == file) {
        // `this` (the enclosing element) is a keyword where it stands.
        let token_type = if text.get(r.loc.span.range()) == Some(crate::model::THIS) {
            TokenType::Keyword
        } else {
            TokenType::of(r.target)
        };
        let modifiers = match token_type {
            TokenType::Keyword => 0,
            _ => builtin(r.target),
        };
        names.insert(r.loc.span.start, (r.loc.span, token_type, modifiers));
    }
    for target in all_targets(model) {
        let loc = model.definition(target).name_loc;
        if loc.file == file {
            names.insert(
                loc.span.start,
                (
                    loc.span,
                    TokenType::of(target),
                    TokenModifiers::DECLARATION | builtin(target),
                ),
            );
        }
    }

    // Words that are keywords only in their clause (`direction` in a view,
    // `head` in a relation kind), and their values, found in the tree.
    let mut contextual: HashMap<u32, TokenType> = HashMap::new();
    contextual_words(&analysis.parse(file).tree, &mut contextual);

    let tokens = tokenize(text);
    let mut out = Vec::with_capacity(tokens.len());
    let mut previous: Option<&str> = None;
    for (i, token) in tokens.iter().enumerate() {
        let next_kind = tokens.get(i + 1).map(|t| t.kind);
        let plain = |token_type| Some((token_type, 0));
        let classified = match token.kind {
            TokenKind::LineComment | TokenKind::BlockComment { .. } => plain(TokenType::Comment),
            TokenKind::DocComment => Some((TokenType::Comment, TokenModifiers::DOCUMENTATION)),
            TokenKind::Str { .. } => plain(TokenType::String),
            TokenKind::Number => plain(TokenType::Number),
            TokenKind::Arrow => plain(TokenType::Operator),
            TokenKind::Ident => {
                let word = token.text(text);
                match names.get(&token.span.start) {
                    Some(&(span, token_type, modifiers)) if span == token.span => {
                        Some((token_type, modifiers))
                    }
                    _ if kozo_lang::is_keyword(word) => plain(TokenType::Keyword),
                    _ if contextual.contains_key(&token.span.start) => {
                        contextual.get(&token.span.start).map(|&t| (t, 0))
                    }
                    _ if next_kind == Some(TokenKind::Equals) => plain(TokenType::Property),
                    _ if matches!(word, "true" | "false") => plain(TokenType::Value),
                    _ if matches!(previous, Some("shape" | "status" | "label" | "description")) => {
                        plain(TokenType::Value)
                    }
                    _ if previous == Some("use") => plain(TokenType::Module),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some((token_type, modifiers)) = classified {
            out.push(SemanticToken {
                span: token.span,
                token_type,
                modifiers: TokenModifiers(modifiers),
            });
        }
        if !token.is_trivia() {
            previous = (token.kind == TokenKind::Ident).then(|| token.text(text));
        }
    }
    out
}

/// The contextual keywords of views, viewpoints, relation kinds, elements
/// and relationships (and a view's `group`, `extend` and `library`), by
/// where they start, with the values of their clauses.
fn contextual_words(tree: &kozo_lang::SourceFile, out: &mut HashMap<u32, TokenType>) {
    use kozo_lang::{ClauseArgs, ClauseKeyword, DeclKind, Entry, Item};
    fn visit(entries: &[Entry], out: &mut HashMap<u32, TokenType>) {
        for entry in entries {
            match entry {
                Entry::Clause(clause)
                    if matches!(
                        clause.keyword,
                        ClauseKeyword::Implied
                            | ClauseKeyword::Direction
                            | ClauseKeyword::Note
                            | ClauseKeyword::Line
                            | ClauseKeyword::Head
                            | ClauseKeyword::Tail
                            | ClauseKeyword::Technology
                            | ClauseKeyword::Show
                            | ClauseKeyword::Allow
                            | ClauseKeyword::Upward
                            | ClauseKeyword::SameKind
                    ) =>
                {
                    out.insert(clause.keyword_span.start, TokenType::Keyword);
                    match &clause.args {
                        ClauseArgs::Word(word) => {
                            out.insert(word.span.start, TokenType::Value);
                        }
                        // `show description, technology`: fixed words.
                        ClauseArgs::Paths(words) => {
                            for word in words {
                                out.insert(word.span.start, TokenType::Value);
                            }
                        }
                        _ => {}
                    }
                }
                Entry::Decl(decl) => {
                    if decl.kind == DeclKind::Group {
                        out.insert(decl.keyword_span.start, TokenType::Keyword);
                    }
                    visit(decl.entries(), out);
                }
                Entry::Relationship(r) => visit(r.entries(), out),
                _ => {}
            }
        }
    }
    if let Some(library) = tree.library {
        out.insert(library.start, TokenType::Keyword);
    }
    for item in &tree.items {
        match item {
            Item::Decl(decl) => {
                if let Some(extend) = decl.extend_keyword() {
                    out.insert(extend.start, TokenType::Keyword);
                }
                if !matches!(decl.kind, DeclKind::Layer | DeclKind::Kind) {
                    visit(decl.entries(), out);
                }
            }
            Item::Relationship(r) => visit(r.entries(), out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    #[test]
    fn tokens_are_classified_by_meaning() {
        let f = Fixture::new(
            "use society5\n/// doc\nsystem bms { owner = bms }\nbms -> bms : flows \"l\"\nkind k { shape box }\nsytem a\n",
        );
        let found: Vec<String> = semantic_tokens(&f.analysis, f.file)
            .into_iter()
            .map(|t| {
                let mut line = format!("{:?} {}", t.token_type, &f.text()[t.span.range()]);
                for (flag, name) in TokenModifiers::ALL {
                    if t.modifiers.contains(*flag) {
                        line.push_str(&format!(" +{name}"));
                    }
                }
                line
            })
            .collect();
        assert_eq!(
            found,
            [
                "Keyword use",
                "Module society5",
                "Comment /// doc +documentation",
                "Kind system +defaultLibrary",
                "Element bms +declaration",
                "Property owner",
                "Element bms",
                "Element bms",
                "Operator ->",
                "Element bms",
                "RelationKind flows +defaultLibrary",
                "String \"l\"",
                "Keyword kind",
                "Kind k +declaration",
                "Keyword shape",
                "Value box",
                "Element a +declaration",
            ]
        );
    }

    #[test]
    fn this_is_a_keyword_and_what_follows_it_an_element() {
        let f = Fixture::new(
            "use society5\nsystem bms {\n  component gw\n  this.gw -> this : flows\n}\n",
        );
        let found: Vec<String> = semantic_tokens(&f.analysis, f.file)
            .into_iter()
            .skip_while(|t| &f.text()[t.span.range()] != "this")
            .map(|t| format!("{:?} {}", t.token_type, &f.text()[t.span.range()]))
            .collect();
        assert_eq!(
            found,
            [
                "Keyword this",
                "Element gw",
                "Operator ->",
                "Keyword this",
                "RelationKind flows"
            ]
        );
    }

    #[test]
    fn technology_show_and_description_languages_are_classified() {
        let f = Fixture::new(
            "use society5
system technology {
  description ja \"説明\"
  technology \"Rust\"
  technology -> technology : uses { technology \"HTTPS\" }
}
viewpoint vp { show description, technology }
",
        );
        let found: Vec<String> = semantic_tokens(&f.analysis, f.file)
            .into_iter()
            .filter(|t| !matches!(t.token_type, TokenType::String))
            .map(|t| format!("{:?} {}", t.token_type, &f.text()[t.span.range()]))
            .collect();
        assert_eq!(
            found,
            [
                "Keyword use",
                "Module society5",
                "Kind system",
                "Element technology",
                "Keyword description",
                "Value ja",
                "Keyword technology",
                "Element technology",
                "Operator ->",
                "Element technology",
                "RelationKind uses",
                "Keyword technology",
                "Keyword viewpoint",
                "Viewpoint vp",
                "Keyword show",
                "Keyword description",
                "Value technology",
            ]
        );
    }

    #[test]
    fn contextual_keywords_are_keywords_only_in_their_clauses() {
        let f = Fixture::new(
            "relation r { line dotted  head open }
view v {
  direction right
  group g { include direction }
  note \"n\"
}
system direction
",
        );
        let found: Vec<String> = semantic_tokens(&f.analysis, f.file)
            .into_iter()
            .filter(|t| !matches!(t.token_type, TokenType::String))
            .map(|t| format!("{:?} {}", t.token_type, &f.text()[t.span.range()]))
            .collect();
        assert_eq!(
            found,
            [
                "Keyword relation",
                "RelationKind r",
                "Keyword line",
                "Value dotted",
                "Keyword head",
                "Value open",
                "Keyword view",
                "View v",
                "Keyword direction",
                "Value right",
                "Keyword group",
                "Keyword include",
                "Element direction",
                "Keyword note",
                "Element direction",
            ]
        );
    }
}
