//! The layout: walks the syntax tree in source order and tells the printer
//! where each token goes.
//!
//! - Every statement starts a line, indented one level per enclosing body.
//! - A body with statements or comments opens with `{` at the end of its
//!   declaration's line and closes with `}` on a line of its own; an empty
//!   one is written `{}` (or `{ /* comment */ }` when that is all it holds
//!   on one line).
//! - A clause's list (`include a, b.*, c`) fills its lines: an item that
//!   would pass the width goes to the next line, aligned under the first
//!   item.
//! - A property's `[list]` stays on one line when it fits and holds no
//!   comment; otherwise every item gets a line of its own, one level deeper
//!   than the line of `[`, each followed by a comma, and `]` gets its own line.
//!
//! Nothing else is ever wrapped: a long label stays on its line. And what
//! stands before a `kozo-allow` comment on a statement's first line stays on
//! that line, so that the comment keeps silencing the same statement.

use crate::ast::*;
use crate::parser::Parse;
use crate::parser::LINE_BREAKS;

use super::printer::{display_width, Printer, Sep};
use super::{FormatError, FormatOptions};

/// Lays `text` out again. `parse` is its parse, without errors.
pub(super) fn layout(
    text: &str,
    parse: &Parse,
    options: &FormatOptions,
) -> Result<String, FormatError> {
    let mut layout = Layout {
        p: Printer::new(text, &parse.comments, options.width),
        text,
        comments: &parse.comments,
        step: options.indent,
        width: options.width,
    };
    if let Some(library) = parse.tree.library {
        layout.start(library, 0, library)?;
        if let Some(semicolon) = semicolon_after(text, library) {
            layout.p.token(semicolon, Sep::Glue)?;
        }
    }
    for item in &parse.tree.items {
        layout.item(item)?;
    }
    Ok(layout.p.finish())
}

struct Layout<'t> {
    p: Printer<'t>,
    text: &'t str,
    comments: &'t [Comment],
    /// Spaces per level.
    step: usize,
    width: usize,
}

/// What starts a `kozo-allow` comment's list of rules.
const ALLOW_MARKER: &str = "kozo-allow:";

/// The span of `keyword` at the start of `statement`.
fn keyword_span(statement: Span, keyword: &str) -> Span {
    let start = statement.start as usize;
    Span::new(start, start + keyword.len())
}

/// The `;` written right after `library` (on its line), if any.
fn semicolon_after(text: &str, keyword: Span) -> Option<Span> {
    let end = keyword.end as usize;
    let rest = text.get(end..)?;
    let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    rest[gap..]
        .starts_with(';')
        .then(|| Span::new(end + gap, end + gap + 1))
}

fn unparsed(span: Span) -> FormatError {
    FormatError::Internal(format!(
        "text that did not parse at {}..{}",
        span.start, span.end
    ))
}

impl Layout<'_> {
    /// Writes the first token of `statement`, which starts a line at
    /// `indent`. When a `kozo-allow` comment ends the statement's first
    /// line, everything before the comment stays on that line: the comment
    /// silences what starts on its line or the next, so moved to a later
    /// line of the statement (after a `}`, say) it would silence another
    /// statement.
    fn start(&mut self, first: Span, indent: usize, statement: Span) -> Result<(), FormatError> {
        self.p.token(first, Sep::statement(indent))?;
        self.p.cont = indent + self.step;
        if let Some(until) = self.allowance_on_first_line(statement) {
            self.p.keep_line_until(until);
        }
        Ok(())
    }

    /// Where a `kozo-allow` comment starts that stands on the first line of
    /// `statement`, inside it or right after it.
    fn allowance_on_first_line(&self, statement: Span) -> Option<usize> {
        let start = statement.start as usize;
        let end = statement.end as usize;
        let first = self
            .comments
            .partition_point(|c| (c.span.start as usize) < start);
        for comment in &self.comments[first..] {
            let at = comment.span.start as usize;
            if self.text.get(start..at)?.contains(LINE_BREAKS) {
                return None;
            }
            let allows = comment.kind != CommentKind::Doc
                && self.text.get(comment.span.range())?.contains(ALLOW_MARKER);
            let follows = at < end
                || self
                    .text
                    .get(end..at)
                    .is_some_and(|gap| gap.trim_matches([' ', '\t']).is_empty());
            if allows && follows {
                return Some(at);
            }
        }
        None
    }

    fn item(&mut self, item: &Item) -> Result<(), FormatError> {
        match item {
            Item::Use(u) => {
                self.start(u.keyword, 0, u.span)?;
                self.p.token(u.module.span, Sep::Space)
            }
            Item::Decl(d) => self.decl(d, 0),
            Item::Relationship(r) => self.relationship(r, 0),
            Item::Error(span) => Err(unparsed(*span)),
        }
    }

    /// `KEYWORD id "Label" { ... }`, `view id of viewpoint ...`.
    fn decl(&mut self, d: &Decl, indent: usize) -> Result<(), FormatError> {
        match d.extend_keyword() {
            Some(extend) => {
                self.start(extend, indent, d.span)?;
                self.p.token(d.keyword_span, Sep::Space)?;
            }
            None => self.start(d.keyword_span, indent, d.span)?,
        }
        self.p.token(d.name.span, Sep::Space)?;
        if let Some(viewpoint) = &d.viewpoint {
            self.p.next_word("of", Sep::Space)?;
            self.p.token(viewpoint.span, Sep::Space)?;
        }
        if let Some(label) = &d.label {
            self.p.token(label.span, Sep::Space)?;
        }
        match &d.body {
            Some(body) => self.body(body, indent),
            None => Ok(()),
        }
    }

    /// `source -> target : kind "Label" { ... }`.
    fn relationship(&mut self, r: &Relationship, indent: usize) -> Result<(), FormatError> {
        self.start(r.source.span, indent, r.span)?;
        self.p.token(r.arrow, Sep::Space)?;
        self.p.token(r.target.span, Sep::Space)?;
        if let Some(kind) = &r.relation {
            self.p.next_word(":", Sep::Space)?;
            self.p.token(kind.span, Sep::Space)?;
        }
        if let Some(label) = &r.label {
            self.p.token(label.span, Sep::Space)?;
        }
        match &r.body {
            Some(body) => self.body(body, indent),
            None => Ok(()),
        }
    }

    /// `{ entries }` of a statement at `indent`.
    fn body(&mut self, body: &Body, indent: usize) -> Result<(), FormatError> {
        let open = body.span.start as usize;
        let close = match (body.closed, (body.span.end as usize).checked_sub(1)) {
            (true, Some(close)) if close > open => close,
            _ => return Err(unparsed(body.span)),
        };
        // A `{` pushed to a new line by a comment goes under the statement.
        self.p.cont = indent;
        self.p.word_at(open, "{", Sep::Space)?;
        if body.entries.is_empty() {
            if !self.p.has_comment_in(Span::new(open, close)) {
                return self.p.word_at(close, "}", Sep::Glue);
            }
            if !self
                .text
                .get(open..close)
                .unwrap_or("\n")
                .contains(LINE_BREAKS)
            {
                // `{ /* nothing yet */ }` stays on its line.
                return self.p.word_at(close, "}", Sep::Space);
            }
        }
        let inner = indent + self.step;
        for entry in &body.entries {
            self.entry(entry, inner)?;
        }
        let sep = Sep::Line {
            indent,
            comments: inner,
            blank: false,
        };
        self.p.word_at(close, "}", sep)?;
        self.p.cont = indent;
        Ok(())
    }

    fn entry(&mut self, entry: &Entry, indent: usize) -> Result<(), FormatError> {
        match entry {
            Entry::Label {
                language,
                text,
                span,
            } => {
                self.keyword(span.start as usize, "label")?;
                self.start(keyword_span(*span, "label"), indent, *span)?;
                self.p.token(language.span, Sep::Space)?;
                self.p.token(text.span, Sep::Space)
            }
            Entry::Description {
                language,
                text,
                span,
            } => {
                self.keyword(span.start as usize, "description")?;
                self.start(keyword_span(*span, "description"), indent, *span)?;
                if let Some(language) = language {
                    self.p.token(language.span, Sep::Space)?;
                }
                self.p.token(text.span, Sep::Space)
            }
            Entry::Property { key, value, span } => {
                self.start(key.span, indent, *span)?;
                self.p.next_word("=", Sep::Space)?;
                self.value(value, Sep::Space, 0)
            }
            Entry::Clause(clause) => {
                self.start(clause.keyword_span, indent, clause.span)?;
                match &clause.args {
                    ClauseArgs::None => Ok(()),
                    ClauseArgs::Number(_, span) => self.p.token(*span, Sep::Space),
                    ClauseArgs::Word(word) => self.p.token(word.span, Sep::Space),
                    ClauseArgs::Text(text) => self.p.token(text.span, Sep::Space),
                    ClauseArgs::Paths(paths) => {
                        let spans: Vec<Span> = paths.iter().map(|p| p.span).collect();
                        self.fill(&spans)
                    }
                    ClauseArgs::Selectors(selectors) => {
                        let spans: Vec<Span> = selectors.iter().map(Selector::span).collect();
                        self.fill(&spans)
                    }
                    ClauseArgs::Allow(pairs) => {
                        let sources: Vec<Span> = pairs.sources.iter().map(|i| i.span).collect();
                        self.fill(&sources)?;
                        self.p.token(pairs.arrow, Sep::Space)?;
                        let targets: Vec<Span> = pairs.targets.iter().map(|i| i.span).collect();
                        self.fill(&targets)?;
                        match pairs.semicolon {
                            Some(semicolon) => self.p.token(semicolon, Sep::Glue),
                            None => Ok(()),
                        }
                    }
                    ClauseArgs::Relationship(pattern) => {
                        self.p.token(pattern.source.span, Sep::Space)?;
                        self.p.token(pattern.arrow, Sep::Space)?;
                        self.p.token(pattern.target.span, Sep::Space)?;
                        if let Some(kind) = &pattern.relation {
                            self.p.next_word(":", Sep::Space)?;
                            self.p.token(kind.span, Sep::Space)?;
                        }
                        Ok(())
                    }
                }
            }
            Entry::Decl(d) => self.decl(d, indent),
            Entry::Relationship(r) => self.relationship(r, indent),
            Entry::Error(span) => Err(unparsed(*span)),
        }
    }

    /// Checks that `keyword` is written at `at`.
    fn keyword(&self, at: usize, keyword: &str) -> Result<(), FormatError> {
        if self.text.get(at..).is_some_and(|t| t.starts_with(keyword)) {
            Ok(())
        } else {
            Err(FormatError::Internal(format!(
                "expected `{keyword}` at byte {at} of the source"
            )))
        }
    }

    fn columns(&self, span: Span) -> usize {
        self.text.get(span.range()).map_or(0, display_width)
    }

    /// A clause's comma-separated list, filling lines up to the width.
    /// Continuation lines are aligned under the first item.
    fn fill(&mut self, items: &[Span]) -> Result<(), FormatError> {
        let Some((&first, rest)) = items.split_first() else {
            return Err(FormatError::Internal("an empty clause list".to_string()));
        };
        self.p.token(first, Sep::Space)?;
        self.p.cont = self.p.column().saturating_sub(self.columns(first));
        for (i, &item) in rest.iter().enumerate() {
            self.p.next_word(",", Sep::Glue)?;
            // The comma after the item stays on its line too.
            let comma = usize::from(i + 1 < rest.len());
            self.p.token(item, Sep::Fill(self.columns(item) + comma))?;
        }
        Ok(())
    }

    /// A property value; `suffix` columns must follow it on its line.
    fn value(&mut self, value: &Value, sep: Sep, suffix: usize) -> Result<(), FormatError> {
        match value {
            Value::List(items, span) => self.list(items, *span, sep, suffix),
            other => self.p.token(other.span(), sep),
        }
    }

    /// The columns `value` takes on one line, or `None` if it cannot (a
    /// `"""` string that spans lines).
    fn flat_width(&self, value: &Value) -> Option<usize> {
        match value {
            Value::List(items, _) => self.flat_list_width(items),
            other => {
                let written = self.text.get(other.span().range())?;
                (!written.contains(LINE_BREAKS)).then(|| display_width(written))
            }
        }
    }

    /// The columns of `[items]` on one line.
    fn flat_list_width(&self, items: &[Value]) -> Option<usize> {
        let mut width = 2 + 2 * items.len().saturating_sub(1);
        for item in items {
            width += self.flat_width(item)?;
        }
        Some(width)
    }

    /// `[a, b]` on one line, or broken one item per line.
    fn list(
        &mut self,
        items: &[Value],
        span: Span,
        sep: Sep,
        suffix: usize,
    ) -> Result<(), FormatError> {
        let open = span.start as usize;
        let close = match (span.end as usize).checked_sub(1) {
            Some(close) if close > open => close,
            _ => return Err(unparsed(span)),
        };
        self.p.word_at(open, "[", sep)?;
        let line_indent = self.p.line_indent();
        let commented = self.p.has_comment_in(Span::new(open, close));
        // A list that ends before a `kozo-allow` comment on its line stays
        // on that line (see `Layout::start`).
        let flat = self.p.keeps_line(close)
            || !commented
                && (items.is_empty()
                    || self.flat_list_width(items).is_some_and(|w| {
                        self.p.column().saturating_sub(1) + w + suffix <= self.width
                    }));
        if flat {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.p.next_word(",", Sep::Glue)?;
                }
                self.value(item, if i == 0 { Sep::Glue } else { Sep::Space }, 0)?;
            }
            // A comma after the last item is left out on one line.
            return self.p.word_at(close, "]", Sep::Glue);
        }
        let saved = self.p.cont;
        let inner = line_indent + self.step;
        let item_line = Sep::Line {
            indent: inner,
            comments: inner,
            blank: false,
        };
        for item in items {
            self.p.cont = inner;
            self.value(item, item_line, 1)?;
            self.p.cont = inner;
            let comma = self.p.skip_layout(self.p.source_position());
            if self.text.get(comma..).is_some_and(|t| t.starts_with(',')) {
                self.p.word_at(comma, ",", Sep::Glue)?;
            } else {
                // The last item, written without a comma: every line of a
                // broken list ends with one.
                self.p.synthetic(",");
            }
        }
        let sep = Sep::Line {
            indent: line_indent,
            comments: inner,
            blank: false,
        };
        self.p.word_at(close, "]", sep)?;
        self.p.cont = saved;
        Ok(())
    }
}
