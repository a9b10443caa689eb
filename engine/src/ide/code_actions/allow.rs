//! `// kozo-allow: rule`: silence a finding where it is.

use kozo_lang::{Entry, Item, Parse, Span};

use super::{indentation, CodeAction, CodeActionKind};
use crate::analysis::Analysis;
use crate::diagnostic::Diagnostic;
use crate::ide::{SourceChange, TextEdit};

const MARKER: &str = "kozo-allow:";

/// `// kozo-allow: rule` for the statement holding a finding: added to an
/// allowance that covers it already, else on a line of its own above it,
/// else (when a doc comment sits above it) at the end of its first line.
/// Offered only when re-reading the edited text shows the finding silenced.
pub(super) fn allow(analysis: &Analysis, d: &Diagnostic) -> Option<CodeAction> {
    let text = analysis.text(d.file);
    let parse = analysis.parse(d.file);
    let rule = d.rule.name();
    let statement = innermost_statement(parse, d.span)?;
    let allowances = crate::suppress::find_allowances(text, parse);

    let mut candidates = Vec::new();
    if let Some(a) = allowances.iter().find(|a| {
        a.covers
            .is_some_and(|c| c.start <= d.span.start && d.span.end <= c.end)
    }) {
        if let Some((_, last)) = a.rules.last() {
            candidates.push(TextEdit {
                span: Span::empty(last.end as usize),
                new_text: format!(", {rule}"),
            });
        }
    }
    let line_start = text[..statement.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = indentation(text, statement.start as usize);
    let documented = text[..line_start]
        .trim_end()
        .rsplit('\n')
        .next()
        .is_some_and(|l| l.trim_start().starts_with("///"));
    if !documented {
        candidates.push(TextEdit {
            span: Span::empty(line_start),
            new_text: format!("{indent}// {MARKER} {rule}\n"),
        });
    }
    let line_end = text[statement.start as usize..]
        .find('\n')
        .map_or(text.len(), |i| statement.start as usize + i);
    let line_end = if text[..line_end].ends_with('\r') {
        line_end - 1
    } else {
        line_end
    };
    candidates.push(TextEdit {
        span: Span::empty(line_end),
        new_text: format!(" // {MARKER} {rule}"),
    });

    let edit = candidates
        .into_iter()
        .find(|edit| silences(text, edit, d.span, rule))?;
    Some(CodeAction {
        title: format!("Allow `{rule}` here (kozo-allow)"),
        kind: CodeActionKind::QuickFix,
        diagnostic: Some(d.clone()),
        change: SourceChange::single(d.file, edit),
        preferred: false,
    })
}

/// True when, after `edit`, an allowance naming `rule` covers `span`
/// (shifted by the edit).
fn silences(text: &str, edit: &TextEdit, span: Span, rule: &str) -> bool {
    let edited = crate::ide::apply_edit(text, edit);
    // Text inserted where the span starts goes before it; where it ends, after it.
    let delta = edit.new_text.len() as i64 - edit.span.len() as i64;
    let shift = |offset: u32, moves: bool| {
        if moves {
            (offset as i64 + delta).max(0) as u32
        } else {
            offset
        }
    };
    let span = Span {
        start: shift(span.start, span.start >= edit.span.end),
        end: shift(span.end, span.end > edit.span.start),
    };
    let parse = kozo_lang::parse(&edited);
    if parse.errors.len() > kozo_lang::parse(text).errors.len() {
        return false;
    }
    crate::suppress::find_allowances(&edited, &parse)
        .iter()
        .any(|a| {
            a.covers
                .is_some_and(|c| c.start <= span.start && span.end <= c.end)
                && a.rules.iter().any(|(r, _)| r == rule)
        })
}

/// The smallest statement (declaration, relationship or clause) holding `span`.
fn innermost_statement(parse: &Parse, span: Span) -> Option<Span> {
    let holds = |s: Span| s.start <= span.start && span.end <= s.end;
    fn visit(entries: &[Entry], holds: &dyn Fn(Span) -> bool) -> Option<Span> {
        for entry in entries {
            if !holds(entry.span()) {
                continue;
            }
            let nested = match entry {
                Entry::Decl(d) => visit(d.entries(), holds),
                Entry::Relationship(r) => visit(r.entries(), holds),
                _ => None,
            };
            return nested.or(Some(entry.span()));
        }
        None
    }
    for item in &parse.tree.items {
        if !holds(item.span()) {
            continue;
        }
        let nested = match item {
            Item::Decl(d) => visit(d.entries(), &holds),
            Item::Relationship(r) => visit(r.entries(), &holds),
            _ => None,
        };
        return nested.or(Some(item.span()));
    }
    None
}
