//! `// kozo-allow: rule-a, rule-b`: on a declaration's line or the line right
//! before it, silences those rules for that declaration (and what it holds).

use kozo_lang::{CommentKind, Entry, Item, LineIndex, Parse, Span};

use crate::db::{self, SourceFile};
use crate::diagnostic::Diagnostic;
use crate::rules::{undefined_reference, Rule};

/// One `kozo-allow` comment, and the declaration it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// Where the comment is.
    pub comment: Span,
    /// The rule names as written, each with its span.
    pub rules: Vec<(String, Span)>,
    /// The declaration it silences, when one starts on its line or the next.
    pub covers: Option<Span>,
}

const MARKER: &str = "kozo-allow:";

/// The `kozo-allow` comments of a file.
#[salsa::tracked(returns(ref))]
pub fn allowances(db: &dyn salsa::Database, file: SourceFile) -> Vec<Allowance> {
    let text = file.text(db);
    let parse = db::parse(db, file);
    find_allowances(text, parse)
}

pub(crate) fn find_allowances(text: &str, parse: &Parse) -> Vec<Allowance> {
    let mut out = Vec::new();
    let mut index = None;
    for comment in &parse.comments {
        if comment.kind == CommentKind::Doc {
            continue;
        }
        let body = &text[comment.span.range()];
        let Some(at) = body.find(MARKER) else {
            continue;
        };
        let list_start = comment.span.start as usize + at + MARKER.len();
        let mut list = &text[list_start..comment.span.end as usize];
        if comment.kind == CommentKind::Block {
            list = list.trim_end_matches("*/");
        }
        let mut rules = Vec::new();
        let mut offset = list_start;
        for part in list.split(',') {
            let name = part.trim();
            if !name.is_empty() {
                let start = offset + (part.len() - part.trim_start().len());
                rules.push((name.to_string(), Span::new(start, start + name.len())));
            }
            offset += part.len() + 1;
        }
        let index = index.get_or_insert_with(|| LineIndex::new(text));
        let line = index.line_of(comment.span.start as usize);
        let covers = covered_declaration(parse, index, line, comment.span);
        out.push(Allowance {
            comment: comment.span,
            rules,
            covers,
        });
    }
    out
}

/// The outermost statement that starts on `line` or `line + 1` (not the
/// comment itself).
fn covered_declaration(
    parse: &Parse,
    index: &LineIndex,
    line: usize,
    comment: Span,
) -> Option<Span> {
    let starts_here = |span: Span| {
        let l = index.line_of(span.start as usize);
        (l == line && span.start < comment.start)
            || (l == line + 1)
            || (l == line && span.start > comment.end)
    };
    fn visit(entries: &[Entry], starts_here: &dyn Fn(Span) -> bool) -> Option<Span> {
        for entry in entries {
            let span = entry.span();
            if starts_here(span) {
                return Some(span);
            }
            let nested = match entry {
                Entry::Decl(d) => d.entries(),
                Entry::Relationship(r) => r.entries(),
                _ => &[],
            };
            if let Some(found) = visit(nested, starts_here) {
                return Some(found);
            }
        }
        None
    }
    for item in &parse.tree.items {
        let span = item.span();
        if starts_here(span) {
            return Some(span);
        }
        let nested = match item {
            Item::Decl(d) => d.entries(),
            Item::Relationship(r) => r.entries(),
            _ => &[],
        };
        if let Some(found) = visit(nested, &starts_here) {
            return Some(found);
        }
    }
    None
}

/// True when a `kozo-allow` comment silences this finding.
pub(crate) fn is_allowed(db: &dyn salsa::Database, diagnostic: &Diagnostic) -> bool {
    let name = diagnostic.rule.name();
    allowances(db, diagnostic.file).iter().any(|a| {
        a.covers.is_some_and(|covers| {
            covers.start <= diagnostic.span.start && diagnostic.span.end <= covers.end
        }) && a.rules.iter().any(|(r, _)| r == name)
    })
}

/// A rule name in `kozo-allow` that names no rule is an undefined reference.
pub(crate) fn check_rule_names(
    db: &dyn salsa::Database,
    file: SourceFile,
    out: &mut Vec<Diagnostic>,
) {
    for allowance in allowances(db, file) {
        for (name, span) in &allowance.rules {
            if Rule::from_name(name).is_none() {
                out.push(undefined_reference::unknown_rule(file, *span, name));
            }
        }
    }
}
