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
        // `// kozo-allow: rule-a, rule-b -- the reason` : the reason is for people.
        if let Some(reason) = list.find("--") {
            list = &list[..reason];
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
        let covers = covered_declaration(text, parse, index, line, comment.span);
        out.push(Allowance {
            comment: comment.span,
            rules,
            covers,
        });
    }
    out
}

/// The outermost statement the comment stands on or right before: one that
/// starts on the comment's line, or the first one after it when only
/// comments (such as `///` doc lines) and no blank line stand between.
fn covered_declaration(
    text: &str,
    parse: &Parse,
    index: &LineIndex,
    line: usize,
    comment: Span,
) -> Option<Span> {
    let covers = |span: Span| {
        if index.line_of(span.start as usize) == line && span.start < comment.start {
            return true;
        }
        if span.start < comment.end {
            return false;
        }
        let gap = &text[comment.end as usize..span.start as usize];
        gap_is_comments_only(gap, parse, comment.end)
    };
    fn visit(entries: &[Entry], covers: &dyn Fn(Span) -> bool) -> Option<Span> {
        for entry in entries {
            let span = entry.span();
            if covers(span) {
                return Some(span);
            }
            let nested = match entry {
                Entry::Decl(d) => d.entries(),
                Entry::Relationship(r) => r.entries(),
                _ => &[],
            };
            if let Some(found) = visit(nested, covers) {
                return Some(found);
            }
        }
        None
    }
    for item in &parse.tree.items {
        let span = item.span();
        if covers(span) {
            return Some(span);
        }
        let nested = match item {
            Item::Decl(d) => d.entries(),
            Item::Relationship(r) => r.entries(),
            _ => &[],
        };
        if let Some(found) = visit(nested, &covers) {
            return Some(found);
        }
    }
    None
}

/// True when `gap` (starting at byte `at`) holds only whitespace and whole
/// comments, and no blank line.
fn gap_is_comments_only(gap: &str, parse: &Parse, at: u32) -> bool {
    let mut rest = String::with_capacity(gap.len());
    let mut cursor = at;
    let end = at + gap.len() as u32;
    for c in &parse.comments {
        if c.span.start < at || c.span.end > end {
            continue;
        }
        rest.push_str(&gap[(cursor - at) as usize..(c.span.start - at) as usize]);
        cursor = c.span.end;
    }
    rest.push_str(&gap[(cursor - at) as usize..]);
    if !rest.trim().is_empty() {
        return false;
    }
    // A blank line between the comment and the statement ends its reach.
    !gap.split('\n')
        .skip(1)
        .collect::<Vec<_>>()
        .split_last()
        .is_some_and(|(_, middle)| middle.iter().any(|l| l.trim().is_empty()))
}

/// True when a `kozo-allow` comment silences this finding.
pub(crate) fn is_allowed(db: &dyn salsa::Database, diagnostic: &Diagnostic) -> bool {
    let name = diagnostic.rule.name();
    allowances(db, diagnostic.file).iter().any(|a| {
        a.covers.is_some_and(|covers| {
            covers.start <= diagnostic.span.start && diagnostic.span.end <= covers.end
        }) && a.rules.iter().any(|(r, _)| r == name)
            // A comment inside the declaration it covers never silences a
            // finding about itself (an unknown rule name in its own list).
            && !(a.comment.start <= diagnostic.span.start && diagnostic.span.end <= a.comment.end)
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

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    const BASE: &str = "use society5\nsystem a\nsystem b\na -> b\nview v { include a, b }\n";

    #[test]
    fn on_the_line_before_through_doc_comments_and_with_a_reason() {
        let src = format!(
            "{BASE}// kozo-allow: element-not-in-view, orphan-element -- kept for the audit\n/// Documented.\nsystem c\n/// Doc first.\n// kozo-allow: element-not-in-view, orphan-element\nsystem d\n"
        );
        assert!(fires(&src, Rule::OrphanElement).is_empty());
        assert!(fires(&src, Rule::ElementNotInView).is_empty());
        assert!(fires(&src, Rule::UndefinedReference).is_empty());
    }

    #[test]
    fn a_blank_line_ends_its_reach() {
        let src = format!("{BASE}// kozo-allow: orphan-element\n\nsystem c\n");
        assert_eq!(fires(&src, Rule::OrphanElement), ["c"]);
    }

    #[test]
    fn covers_what_a_declaration_holds() {
        let src = format!("{BASE}// kozo-allow: orphan-element\nsystem c {{\n  component d\n}}\n");
        assert!(fires(&src, Rule::OrphanElement).is_empty());
    }
}
