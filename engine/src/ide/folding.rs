//! Folding ranges: bodies of declarations and relationships, block comments,
//! runs of line comments, and `"""` strings that span lines.

use kozo_lang::{CommentKind, Entry, Item, Span, StrLit};

use crate::analysis::Analysis;
use crate::db::SourceFile;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldingKind {
    /// A body `{ ... }` or a long string.
    Region,
    Comment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoldingRange {
    /// From the first line to fold to the last; spans more than one line.
    pub span: Span,
    pub kind: FoldingKind,
}

pub fn folding_ranges(analysis: &Analysis, file: SourceFile) -> Vec<FoldingRange> {
    let text = analysis.text(file);
    let parse = analysis.parse(file);
    let multiline = |span: Span| text.get(span.range()).is_some_and(|t| t.contains('\n'));
    let mut out = Vec::new();
    let region = |span: Span, out: &mut Vec<FoldingRange>| {
        if multiline(span) {
            out.push(FoldingRange {
                span,
                kind: FoldingKind::Region,
            });
        }
    };

    fn strings<'a>(entries: &'a [Entry], found: &mut Vec<&'a StrLit>) {
        for entry in entries {
            match entry {
                Entry::Label { text, .. } | Entry::Description { text, .. } => found.push(text),
                Entry::Clause(c) => {
                    if let kozo_lang::ClauseArgs::Text(t) = &c.args {
                        found.push(t)
                    }
                }
                Entry::Decl(d) => {
                    found.extend(d.label.as_ref());
                    strings(d.entries(), found);
                }
                Entry::Relationship(r) => {
                    found.extend(r.label.as_ref());
                    strings(r.entries(), found);
                }
                _ => {}
            }
        }
    }

    fn bodies(entries: &[Entry], found: &mut Vec<Span>) {
        for entry in entries {
            match entry {
                Entry::Decl(d) if d.body.is_some() => {
                    found.push(d.span);
                    bodies(d.entries(), found);
                }
                Entry::Relationship(r) if r.body.is_some() => {
                    found.push(r.span);
                    bodies(r.entries(), found);
                }
                _ => {}
            }
        }
    }

    let mut spans = Vec::new();
    let mut texts = Vec::new();
    for item in &parse.tree.items {
        match item {
            Item::Decl(d) => {
                if d.body.is_some() {
                    spans.push(d.span);
                }
                texts.extend(d.label.as_ref());
                bodies(d.entries(), &mut spans);
                strings(d.entries(), &mut texts);
            }
            Item::Relationship(r) => {
                if r.body.is_some() {
                    spans.push(r.span);
                }
                texts.extend(r.label.as_ref());
                bodies(r.entries(), &mut spans);
                strings(r.entries(), &mut texts);
            }
            _ => {}
        }
    }
    for span in spans {
        region(span, &mut out);
    }
    for s in texts.into_iter().filter(|s| s.triple) {
        region(s.span, &mut out);
    }

    // Comments: a block comment alone; consecutive line comments as one run.
    let mut run: Option<Span> = None;
    let flush = |run: &mut Option<Span>, out: &mut Vec<FoldingRange>| {
        if let Some(span) = run.take() {
            if multiline(span) {
                out.push(FoldingRange {
                    span,
                    kind: FoldingKind::Comment,
                });
            }
        }
    };
    for comment in &parse.comments {
        match comment.kind {
            CommentKind::Block => {
                flush(&mut run, &mut out);
                run = Some(comment.span);
                flush(&mut run, &mut out);
            }
            CommentKind::Line | CommentKind::Doc => {
                let joins = run.is_some_and(|r| {
                    let gap = text.get(r.end as usize..comment.span.start as usize);
                    gap.is_some_and(|g| g.trim().is_empty() && g.matches('\n').count() == 1)
                });
                if joins {
                    run = run.map(|r| r.cover(comment.span));
                } else {
                    flush(&mut run, &mut out);
                    run = Some(comment.span);
                }
            }
        }
    }
    flush(&mut run, &mut out);
    out.sort_by_key(|f| f.span);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    #[test]
    fn bodies_comments_and_long_strings_fold() {
        let f = Fixture::new(
            "// one\n// two\nuse society5\n/* a\n b */\nsystem a {\n  component b { }\n  component c {\n    description \"\"\"x\ny\"\"\"\n  }\n}\nsystem d { }\n// alone\n",
        );
        let found: Vec<String> = folding_ranges(&f.analysis, f.file)
            .into_iter()
            .map(|r| {
                let text = &f.text()[r.span.range()];
                format!("{:?} {}", r.kind, text.lines().next().unwrap_or(""))
            })
            .collect();
        assert_eq!(
            found,
            [
                "Comment // one",
                "Comment /* a",
                "Region system a {",
                "Region component c {",
                "Region \"\"\"x",
            ]
        );
    }
}
