//! The quick fix for a second string after a label, as other architecture
//! languages write a description or a technology (`software_system a "A"
//! "Does things"`, `a -> b "Uses" "JSON/HTTPS"`): the string moves into a
//! body as `description "..."` (a declaration) or `technology "..."` (a
//! relationship, where the second string is the technology in C4 tools),
//! with `description` offered for a relationship too.

use kozo_lang::{Entry, Item, Span};

use super::{indentation, CodeAction, CodeActionKind};
use crate::analysis::Analysis;
use crate::diagnostic::Diagnostic;
use crate::ide::{SourceChange, TextEdit};

/// What wrote the string: a declaration or a relationship, and where it
/// ends (its label's end).
#[derive(Clone, Copy)]
enum Owner {
    Decl(Span),
    Relationship(Span),
}

/// The actions for a `syntax-error` on a second string after a label.
pub(super) fn move_into_body(analysis: &Analysis, d: &Diagnostic) -> Vec<CodeAction> {
    if d.message != kozo_lang::SECOND_STRING_MESSAGE {
        return Vec::new();
    }
    let text = analysis.text(d.file);
    let Some(string) = text.get(d.span.range()) else {
        return Vec::new();
    };
    // Only when nothing but a comment follows on the line: a body written
    // after the string was skipped with it, and would be left behind.
    let rest = text[d.span.end as usize..].lines().next().unwrap_or("");
    if !(rest.trim().is_empty() || rest.trim_start().starts_with("//")) {
        return Vec::new();
    }
    let Some(owner) = owner(analysis.parse(d.file), text, d.span) else {
        return Vec::new();
    };
    let (end, words): (Span, &[&str]) = match owner {
        Owner::Decl(span) => (span, &["description"]),
        Owner::Relationship(span) => (span, &["technology", "description"]),
    };
    let indent = indentation(text, end.start as usize);
    words
        .iter()
        .enumerate()
        .map(|(i, word)| CodeAction {
            title: format!("Move the string into `{word}`"),
            kind: CodeActionKind::QuickFix,
            diagnostic: Some(d.clone()),
            change: SourceChange::single(
                d.file,
                TextEdit {
                    span: Span::new(end.end as usize, d.span.end as usize),
                    new_text: format!(" {{\n{indent}  {word} {string}\n{indent}}}"),
                },
            ),
            preferred: i == 0,
        })
        .collect()
}

/// The body-less declaration or relationship the string follows, with
/// only spaces between them.
fn owner(parse: &kozo_lang::Parse, text: &str, string: Span) -> Option<Owner> {
    let follows = |span: Span| {
        span.end <= string.start
            && text
                .get(span.end as usize..string.start as usize)
                .is_some_and(|gap| gap.chars().all(|c| c == ' ' || c == '\t'))
    };
    fn visit(entries: &[Entry], found: &mut Vec<Owner>) {
        for entry in entries {
            match entry {
                Entry::Decl(d) => {
                    found.push(Owner::Decl(span_if_open(d.body.is_none(), d.span)));
                    visit(d.entries(), found);
                }
                Entry::Relationship(r) => {
                    found.push(Owner::Relationship(span_if_open(r.body.is_none(), r.span)))
                }
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    for item in &parse.tree.items {
        match item {
            Item::Decl(d) => {
                found.push(Owner::Decl(span_if_open(d.body.is_none(), d.span)));
                visit(d.entries(), &mut found);
            }
            Item::Relationship(r) => {
                found.push(Owner::Relationship(span_if_open(r.body.is_none(), r.span)))
            }
            _ => {}
        }
    }
    found.into_iter().find(|o| match *o {
        Owner::Decl(span) | Owner::Relationship(span) => !span.is_empty() && follows(span),
    })
}

/// The statement's span when it has no body (a string may follow its
/// label), else an empty span that matches nothing.
fn span_if_open(bodiless: bool, span: Span) -> Span {
    if bodiless {
        span
    } else {
        Span::empty(0)
    }
}
