//! Where the cursor is, read from the tokens before it: the body it is
//! in (the `{` headers still open), the clause or statement it continues,
//! and the path segments already typed. Works on text that does not parse.

use kozo_lang::Span;

use crate::ide::lex::{tokenize, Token, TokenKind};

/// The body the cursor is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Frame {
    Top,
    /// An element's body: its kind and name as written.
    Element {
        kind: String,
        name: String,
    },
    /// The body of a `layer`, `kind`, `relation`, `concern`, `stakeholder`,
    /// `viewpoint`, `view`, `decision`, or of a `group` in a view.
    Decl(&'static str),
    Relationship,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Context {
    StatementStart(Frame),
    /// After `->` (or `affects`, where `scope_free`).
    ElementPath {
        scope_free: bool,
    },
    /// In `include`/`exclude`.
    Selector,
    /// After `key =`.
    PropertyValue,
    /// After `source -> target :`.
    RelationKind {
        source: Option<Vec<String>>,
        target: Option<Vec<String>>,
    },
    /// After `frames`, `concerns`, `addresses`; `listed` are already in the list.
    Concern {
        listed: Vec<String>,
    },
    Viewpoint,
    /// After `kinds`, `parents`, `from`, `to` (`star`: `*` is allowed).
    Kind {
        star: bool,
    },
    /// After `relations`.
    RelationKinds,
    /// After `layer` in a kind's body.
    Layer,
    /// After `status`, `shape`, and a view's `implied`, `direction` or a
    /// relation kind's `line`, `head`, `tail`.
    Words(&'static [&'static str]),
    Module,
}

#[derive(Debug)]
pub(super) struct At {
    pub context: Context,
    /// The path segments written before the one being completed (`bms.` ⇒ `["bms"]`).
    pub qualifier: Vec<String>,
    /// The full path of the nearest enclosing element, as written.
    pub scope: Option<String>,
    pub replace: Span,
}

const STATUSES: &[&str] = &["proposed", "accepted", "superseded", "rejected"];
const SHAPES: &[&str] = &[
    "box",
    "rounded",
    "cylinder",
    "person",
    "component",
    "folder",
    "hexagon",
];

/// What may be written at `offset`, read from the tokens before it.
pub(super) fn context(text: &str, offset: usize) -> Option<At> {
    let all = tokenize(&text[..offset]);
    if let Some(last) = all.last() {
        let inside = match last.kind {
            TokenKind::Str { closed } | TokenKind::BlockComment { closed } => !closed,
            TokenKind::LineComment | TokenKind::DocComment => true,
            _ => false,
        };
        if inside && last.span.end as usize == offset {
            return None;
        }
    }
    let mut tokens: Vec<Token> = all.into_iter().filter(|t| !t.is_trivia()).collect();

    // The part of the name already typed.
    let mut replace = Span::empty(offset);
    if let Some(last) = tokens.last() {
        if last.kind == TokenKind::Ident && last.span.end as usize == offset {
            let rest = text[offset..]
                .char_indices()
                .find(|(_, c)| !crate::ide::lex::is_ident_continue(*c))
                .map_or(text.len() - offset, |(i, _)| i);
            replace = Span::new(last.span.start as usize, offset + rest);
            tokens.pop();
        }
    }

    // The segments before it: `a.b.` (written without spaces).
    let mut qualifier = Vec::new();
    let mut edge = replace.start;
    while let Some(dot) = tokens.last().copied() {
        if dot.kind != TokenKind::Dot || dot.span.end != edge {
            break;
        }
        let ident = tokens.len().checked_sub(2).map(|i| tokens[i])?;
        if ident.kind != TokenKind::Ident || ident.span.end != dot.span.start {
            return None;
        }
        qualifier.push(ident.text(text).to_string());
        edge = ident.span.start;
        tokens.truncate(tokens.len() - 2);
    }
    qualifier.reverse();

    let frames = frames(text, &tokens);
    let frame = frames.last().cloned().unwrap_or(Frame::Top);
    let scope = element_scope(&frames);
    let context = clause_context(text, &tokens, &frame, edge)?;
    Some(At {
        context,
        qualifier,
        scope,
        replace,
    })
}

/// The context given by the tokens before the name being completed.
fn clause_context(text: &str, tokens: &[Token], frame: &Frame, edge: u32) -> Option<Context> {
    let Some(prev) = tokens.last().copied() else {
        return Some(Context::StatementStart(Frame::Top));
    };
    let word = |t: Token| (t.kind == TokenKind::Ident).then(|| t.text(text));
    match prev.kind {
        TokenKind::LBrace | TokenKind::RBrace => Some(Context::StatementStart(frame.clone())),
        TokenKind::Arrow => Some(Context::ElementPath { scope_free: false }),
        TokenKind::Equals => Some(Context::PropertyValue),
        TokenKind::Colon => {
            let before = &tokens[..tokens.len() - 1];
            let (target, before) = path_before(text, before);
            let source = match before.last() {
                Some(t) if t.kind == TokenKind::Arrow => {
                    path_before(text, &before[..before.len() - 1]).0
                }
                _ => None,
            };
            Some(Context::RelationKind { source, target })
        }
        TokenKind::Comma if show_list_before(text, tokens) => {
            clause_words("show", frame).map(Context::Words)
        }
        TokenKind::Comma => {
            // Walk back over the list to the clause keyword that starts it.
            let mut listed = Vec::new();
            let mut i = tokens.len() - 1;
            while i > 0 && tokens[i].kind == TokenKind::Comma {
                let mut j = i;
                while j > 0
                    && matches!(
                        tokens[j - 1].kind,
                        TokenKind::Ident | TokenKind::Dot | TokenKind::Star
                    )
                    && !word(tokens[j - 1]).is_some_and(kozo_lang::is_keyword)
                {
                    j -= 1;
                }
                if j == i || j == 0 {
                    return None;
                }
                listed.push(
                    tokens[j..i]
                        .iter()
                        .map(|t| t.text(text))
                        .collect::<String>(),
                );
                i = j - 1;
            }
            let keyword = word(tokens[i])?;
            keyword_context(keyword, frame, listed)
        }
        TokenKind::Ident if kozo_lang::is_keyword(prev.text(text)) => {
            keyword_context(prev.text(text), frame, Vec::new())
        }
        // `allow` is a word only in a relation kind's body.
        TokenKind::Ident if prev.text(text) == "allow" && *frame == Frame::Decl("relation") => {
            keyword_context("allow", frame, Vec::new())
        }
        // `upward` and `same_kind` end a clause, as `acyclic` does.
        TokenKind::Ident
            if matches!(prev.text(text), "upward" | "same_kind")
                && *frame == Frame::Decl("relation") =>
        {
            Some(Context::StatementStart(frame.clone()))
        }
        TokenKind::Ident if clause_words(prev.text(text), frame).is_some() => {
            clause_words(prev.text(text), frame).map(Context::Words)
        }
        _ => {
            // A complete statement before: a new one starts on a new line.
            let gap = text.get(prev.span.end as usize..edge as usize)?;
            gap.contains('\n')
                .then(|| Context::StatementStart(frame.clone()))
        }
    }
}

fn keyword_context(keyword: &str, frame: &Frame, listed: Vec<String>) -> Option<Context> {
    Some(match keyword {
        "frames" | "concerns" | "addresses" => Context::Concern { listed },
        "include" | "exclude" => Context::Selector,
        "affects" => Context::ElementPath { scope_free: true },
        "kinds" | "parents" => Context::Kind { star: false },
        "from" | "to" => Context::Kind { star: true },
        "allow" if *frame == Frame::Decl("relation") => Context::Kind { star: false },
        "relations" => Context::RelationKinds,
        "layer" if *frame == Frame::Decl("kind") => Context::Layer,
        "status" => Context::Words(STATUSES),
        "shape" => Context::Words(SHAPES),
        "use" => Context::Module,
        "of" => Context::Viewpoint,
        // `acyclic`, `downward`, `default` end a clause: a new one may start.
        "acyclic" | "downward" | "default" => Context::StatementStart(frame.clone()),
        _ => return None,
    })
}

/// Whether `tokens` end in `show WORD, (WORD,)*`: `description` is a
/// keyword, so the general walk over a list stops at it.
fn show_list_before(text: &str, tokens: &[Token]) -> bool {
    let mut i = tokens.len();
    while i >= 2 && tokens[i - 1].kind == TokenKind::Comma {
        let item = tokens[i - 2];
        if item.kind != TokenKind::Ident || !kozo_lang::SHOW_ITEMS.contains(&item.text(text)) {
            return false;
        }
        i -= 2;
    }
    i < tokens.len()
        && i >= 1
        && tokens[i - 1].kind == TokenKind::Ident
        && tokens[i - 1].text(text) == kozo_lang::SHOW_WORD
}

/// The values of a clause whose keyword is a word only in its body
/// (`direction` in a view, `head` in a relation kind).
fn clause_words(word: &str, frame: &Frame) -> Option<&'static [&'static str]> {
    Some(match (frame, word) {
        (Frame::Decl("view"), "implied") => kozo_lang::IMPLIED_VALUES,
        (Frame::Decl("view"), "direction") => kozo_lang::DIRECTION_VALUES,
        (Frame::Decl("relation"), "line") => kozo_lang::LINE_STYLES,
        (Frame::Decl("relation"), "head" | "tail") => kozo_lang::END_MARKS,
        (Frame::Decl("view" | "viewpoint"), "show") => kozo_lang::SHOW_ITEMS,
        (Frame::Top, "extend") => &["layer", "kind", "relation"],
        _ => return None,
    })
}

/// A path (`a.b.c`) ending the tokens, and the tokens before it.
fn path_before<'t>(text: &str, tokens: &'t [Token]) -> (Option<Vec<String>>, &'t [Token]) {
    let mut i = tokens.len();
    let mut segments = Vec::new();
    loop {
        match i.checked_sub(1).map(|j| tokens[j]) {
            Some(t) if t.kind == TokenKind::Ident && !kozo_lang::is_keyword(t.text(text)) => {
                segments.push(t.text(text).to_string());
                i -= 1;
            }
            _ => break,
        }
        match i.checked_sub(1).map(|j| tokens[j]) {
            Some(t) if t.kind == TokenKind::Dot => i -= 1,
            _ => break,
        }
    }
    if segments.is_empty() {
        return (None, tokens);
    }
    segments.reverse();
    (Some(segments), &tokens[..i])
}

/// The bodies open at the end of `tokens`, outermost first.
fn frames(text: &str, tokens: &[Token]) -> Vec<Frame> {
    let mut stack = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            TokenKind::LBrace => {
                let opened = match header(text, &tokens[..i]) {
                    // `group g {` in a view opens a group, not an element.
                    Frame::Element { kind, .. }
                        if kind == "group" && stack.last() == Some(&Frame::Decl("view")) =>
                    {
                        Frame::Decl("group")
                    }
                    other => other,
                };
                stack.push(opened);
            }
            TokenKind::RBrace => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack
}

/// What a `{` opens, from the tokens before it.
fn header(text: &str, before: &[Token]) -> Frame {
    let mut end = before.len();
    if end > 0 && matches!(before[end - 1].kind, TokenKind::Str { .. }) {
        end -= 1;
    }
    let word = |i: usize| {
        before
            .get(i)
            .filter(|t| t.kind == TokenKind::Ident)
            .map(|t| t.text(text))
    };
    let (Some(name_at), Some(keyword_at)) = (end.checked_sub(1), end.checked_sub(2)) else {
        return Frame::Unknown;
    };
    if let (Some(name), Some(first)) = (word(name_at), word(keyword_at)) {
        // Any declaration keyword but `use`, which never opens a body.
        if let Some(keyword) = kozo_lang::DECLARATION_KEYWORDS
            .iter()
            .find(|k| **k == first && **k != "use")
        {
            return Frame::Decl(keyword);
        }
        if !kozo_lang::is_keyword(first) && !kozo_lang::is_keyword(name) {
            // `kind name {` — unless `kind` ends a path (`a -> b.c {`).
            let after_dot = keyword_at
                .checked_sub(1)
                .is_some_and(|i| before[i].kind == TokenKind::Dot);
            if !after_dot {
                return Frame::Element {
                    kind: first.to_string(),
                    name: name.to_string(),
                };
            }
        }
    }
    // `view v of vp.x {`: a path after `of`.
    let (path, rest) = path_before(text, &before[..end]);
    if path.is_some() {
        if let [.., view, _, of] = rest {
            if of.text(text) == "of" && view.text(text) == "view" {
                return Frame::Decl("view");
            }
        }
        if rest.last().is_some_and(|t| t.kind == TokenKind::Arrow) {
            return Frame::Relationship;
        }
    }
    if before[..end]
        .last()
        .is_some_and(|t| t.kind == TokenKind::Ident)
        && before[..end].iter().rev().nth(1).map(|t| t.kind) == Some(TokenKind::Colon)
    {
        return Frame::Relationship;
    }
    Frame::Unknown
}

/// The path of the nearest enclosing element, when every open body from
/// the top is an element's.
fn element_scope(frames: &[Frame]) -> Option<String> {
    let mut path: Option<String> = None;
    for frame in frames {
        match frame {
            Frame::Element { name, .. } => {
                path = Some(match path {
                    Some(p) => format!("{p}.{name}"),
                    None => name.clone(),
                })
            }
            // A relationship's body keeps the element scope around it.
            Frame::Relationship => {}
            _ => return None,
        }
    }
    path
}
