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
pub fn allowances(db: &dyn crate::db::Db, file: SourceFile) -> Vec<Allowance> {
    let text = file.text(db);
    let parse = db::parse(db, file);
    find_allowances(text, parse)
}

pub(crate) fn find_allowances(text: &str, parse: &Parse) -> Vec<Allowance> {
    let mut out = Vec::new();
    // Built on the first `kozo-allow` comment, once per file: each comment
    // then costs a binary search or two, not a walk of every declaration.
    let mut layout: Option<Layout> = None;
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
        let layout = layout.get_or_insert_with(|| Layout::new(text, parse));
        out.push(Allowance {
            comment: comment.span,
            rules,
            covers: layout.covered_declaration(comment.span),
        });
    }
    out
}

/// Where a file's statements and the ends of a comment's reach are, found once
/// per file.
struct Layout {
    index: LineIndex,
    /// Every statement a comment can cover, outermost first, in source order
    /// (so sorted by start: nested statements start inside their parent).
    statements: Vec<Span>,
    /// Offsets that end a comment's reach: a character outside comments that
    /// is not white space, and the first line break of each blank line.
    barriers: Vec<u32>,
}

impl Layout {
    fn new(text: &str, parse: &Parse) -> Layout {
        let mut statements = Vec::new();
        // Nesting is capped by the parser, so this stack stays small.
        let mut stack: Vec<std::slice::Iter<'_, Entry>> = Vec::new();
        for item in &parse.tree.items {
            statements.push(item.span());
            let nested = match item {
                Item::Decl(d) => d.entries(),
                Item::Relationship(r) => r.entries(),
                _ => &[],
            };
            stack.push(nested.iter());
            while let Some(top) = stack.last_mut() {
                let Some(entry) = top.next() else {
                    stack.pop();
                    continue;
                };
                statements.push(entry.span());
                let nested = match entry {
                    Entry::Decl(d) => d.entries(),
                    Entry::Relationship(r) => r.entries(),
                    _ => &[],
                };
                stack.push(nested.iter());
            }
        }
        Layout {
            index: LineIndex::new(text),
            statements,
            barriers: barriers(text, parse),
        }
    }

    /// The outermost statement the comment stands on or right before: one
    /// that starts on the comment's line, or the first one after it when
    /// only comments (such as `///` doc lines) and no blank line stand
    /// between.
    fn covered_declaration(&self, comment: Span) -> Option<Span> {
        let line = self.index.line_of(comment.start as usize);
        let line_start = self
            .index
            .line_start(line)
            .unwrap_or(comment.start as usize) as u32;
        let on_line = self.statements.partition_point(|s| s.start < line_start);
        if let Some(&span) = self.statements.get(on_line) {
            if span.start < comment.start {
                return Some(span);
            }
        }
        let after = self.statements.partition_point(|s| s.start < comment.end);
        let &span = self.statements.get(after)?;
        // A barrier in [comment end, statement start) ends the reach.
        let first_barrier = self.barriers.partition_point(|&b| b < comment.end);
        match self.barriers.get(first_barrier) {
            Some(&b) if b < span.start => None,
            _ => Some(span),
        }
    }
}

/// See [`Layout::barriers`]. One pass over the text, comments skipped
/// through the parse's (sorted) comment list.
fn barriers(text: &str, parse: &Parse) -> Vec<u32> {
    let mut out = Vec::new();
    let mut comments = parse.comments.iter().peekable();
    // The offset of the line break that started the current line, while
    // the line holds only white space so far.
    let mut blank_since: Option<u32> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let i = i as u32;
        while comments.peek().is_some_and(|k| k.span.end <= i) {
            comments.next();
        }
        if let Some(k) = comments.peek() {
            if k.span.start <= i && i < k.span.end {
                // Skip to the comment's end.
                while chars.peek().is_some_and(|&(j, _)| (j as u32) < k.span.end) {
                    chars.next();
                }
                blank_since = None;
                continue;
            }
        }
        match c {
            '\n' | '\r' => {
                if c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                }
                if let Some(start) = blank_since {
                    out.push(start);
                }
                blank_since = Some(i);
            }
            c if c.is_whitespace() => {}
            _ => {
                out.push(i);
                blank_since = None;
            }
        }
    }
    out.sort_unstable();
    out
}

/// The `kozo-allow` comments of one file, arranged so that asking whether a
/// finding is silenced costs a binary search and a walk up the enclosing
/// declarations (asking every comment for every finding made 100k comments
/// take seconds).
pub(crate) struct AllowIndex<'a> {
    /// Each covered span with its allowance and the nearest enclosing covered
    /// span, sorted by start (outer first). Statements nest or are disjoint,
    /// so the spans that contain a finding are one chain of enclosing ones.
    covered: Vec<(Span, &'a Allowance, Option<usize>)>,
}

impl<'a> AllowIndex<'a> {
    pub(crate) fn new(db: &'a dyn crate::db::Db, file: SourceFile) -> AllowIndex<'a> {
        let mut covered: Vec<(Span, &Allowance, Option<usize>)> = allowances(db, file)
            .iter()
            .filter_map(|a| Some((a.covers?, a, None)))
            .collect();
        covered.sort_by_key(|(span, _, _)| (span.start, std::cmp::Reverse(span.end)));
        let mut open: Vec<usize> = Vec::new();
        for i in 0..covered.len() {
            let span = covered[i].0;
            while let Some(&top) = open.last() {
                if covered[top].0.end >= span.end {
                    break;
                }
                open.pop();
            }
            covered[i].2 = open.last().copied();
            open.push(i);
        }
        AllowIndex { covered }
    }

    /// True when a `kozo-allow` comment silences this finding.
    pub(crate) fn is_allowed(&self, diagnostic: &Diagnostic) -> bool {
        let name = diagnostic.rule.name();
        let span = diagnostic.span;
        let after = self
            .covered
            .partition_point(|(s, _, _)| s.start <= span.start);
        let mut next = after.checked_sub(1);
        while let Some(i) = next {
            let (covers, a, parent) = self.covered[i];
            let silences = covers.start <= span.start
                && span.end <= covers.end
                && a.rules.iter().any(|(r, _)| r == name)
                // A comment inside the declaration it covers never silences a
                // finding about itself (an unknown rule name in its own list).
                && !(a.comment.start <= span.start && span.end <= a.comment.end);
            if silences {
                return true;
            }
            next = parent;
        }
        false
    }
}

/// A rule name in `kozo-allow` that names no rule is an undefined reference.
pub(crate) fn check_rule_names(
    db: &dyn crate::db::Db,
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

    #[test]
    fn on_the_declaration_line_and_with_each_line_break() {
        let src = format!("{BASE}system c // kozo-allow: orphan-element\n");
        assert!(fires(&src, Rule::OrphanElement).is_empty());
        for br in ["\n", "\r\n", "\r"] {
            let reach = format!("{BASE}// kozo-allow: orphan-element{br}// other{br}system c{br}");
            assert!(fires(&reach, Rule::OrphanElement).is_empty(), "{br:?}");
            let blank = format!("{BASE}// kozo-allow: orphan-element{br}{br}system c{br}");
            assert_eq!(fires(&blank, Rule::OrphanElement), ["c"], "{br:?}");
        }
    }

    #[test]
    fn text_between_ends_its_reach() {
        let src = format!("{BASE}// kozo-allow: orphan-element\nsystem c system d\n");
        assert_eq!(fires(&src, Rule::OrphanElement), ["d"]);
    }
}
