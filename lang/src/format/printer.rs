//! The printer: writes tokens copied from the source with the separators the
//! layout asks for, and puts every comment back between the tokens it stood
//! between.
//!
//! A comment is written when the first token after it is, so its place in
//! the order of tokens never changes. Where it goes on the page follows the
//! source: a comment that stood on its own line gets its own line again
//! (indented like what follows it), one that followed code stays at the end
//! of that code's line. A line comment always ends its line, so the token
//! after it starts a new one.
//!
//! Comments that end lines of code next to each other, at the same
//! indentation, are aligned into one column when the file is finished.

use crate::ast::{Comment, CommentKind, Span};
use crate::parser::{count_line_breaks, LINE_BREAKS};

use super::FormatError;

/// What goes between the previous token and the next one.
#[derive(Clone, Copy, Debug)]
pub(super) enum Sep {
    /// Nothing: `,` after an item, `]` of a flat list, an item after `[`.
    Glue,
    /// One space.
    Space,
    /// One space, or a new line at the continuation indent when the token
    /// would pass the line width. The number is how many columns the token
    /// takes together with what must stay on its line after it (a comma).
    Fill(usize),
    /// A new line at `indent`. Comments on their own line just before the
    /// token are indented by `comments`. With `blank`, one blank line is
    /// kept when the source has at least one there.
    Line {
        indent: usize,
        comments: usize,
        blank: bool,
    },
}

impl Sep {
    /// A statement's first token: a new line, a blank one kept.
    pub(super) fn statement(indent: usize) -> Sep {
        Sep::Line {
            indent,
            comments: indent,
            blank: true,
        }
    }
}

/// A one-line comment written after code, a candidate for alignment if it
/// turns out to end its line.
struct Trailing {
    line: usize,
    /// Where the space before the comment is in the output.
    at: usize,
    /// Where the comment ends in the output.
    end: usize,
    /// Display columns of the code before the comment.
    code_width: usize,
    indent: Option<usize>,
}

pub(super) struct Printer<'t> {
    text: &'t str,
    comments: &'t [Comment],
    /// The first comment not written yet.
    next_comment: usize,
    /// Where the last source token or comment written ends.
    src_pos: usize,
    /// Whether any token or comment has been written.
    started: bool,
    out: String,
    newline: &'static str,
    width: usize,
    /// Display columns on the current output line.
    col: usize,
    /// Nothing written on the current line yet (its indentation neither).
    at_line_start: bool,
    /// The indentation the current line gets when something is written.
    pending_indent: usize,
    /// The current (still empty) line follows a blank line.
    blank_written: bool,
    /// The indentation of the current line; `None` when it began inside a
    /// token that spans lines.
    line_indent: Option<usize>,
    /// 0-based number of the current output line.
    line: usize,
    /// The last thing written is `{` or `[`: no blank line may follow.
    after_open: bool,
    /// The last thing written is `[`.
    after_bracket: bool,
    /// The last thing written is a block comment with code after it.
    after_inline_comment: bool,
    /// ... and that comment began its line.
    inline_comment_began_line: bool,
    /// Where a line broken inside a statement continues.
    pub(super) cont: usize,
    /// Tokens before this source offset stay on the current line (see
    /// [`Printer::keep_line_until`]).
    keep_until: usize,
    trailing: Vec<Trailing>,
}

impl<'t> Printer<'t> {
    pub(super) fn new(text: &'t str, comments: &'t [Comment], width: usize) -> Printer<'t> {
        let newline = match text.find('\n') {
            Some(i) if text[..i].ends_with('\r') => "\r\n",
            _ => "\n",
        };
        Printer {
            text,
            comments,
            next_comment: 0,
            src_pos: 0,
            started: false,
            out: String::with_capacity(text.len() + text.len() / 8),
            newline,
            width,
            col: 0,
            at_line_start: true,
            pending_indent: 0,
            blank_written: false,
            line_indent: Some(0),
            line: 0,
            after_open: false,
            after_bracket: false,
            after_inline_comment: false,
            inline_comment_began_line: false,
            cont: 0,
            keep_until: 0,
            trailing: Vec::new(),
        }
    }

    /// The column the next token would start at if it were glued on.
    pub(super) fn column(&self) -> usize {
        if self.at_line_start {
            self.pending_indent
        } else {
            self.col
        }
    }

    /// The indentation of the current line (the continuation indent when a
    /// token spanning lines began it).
    pub(super) fn line_indent(&self) -> usize {
        if self.at_line_start {
            self.pending_indent
        } else {
            self.line_indent.unwrap_or(self.cont)
        }
    }

    /// Where the last token written ends in the source.
    pub(super) fn source_position(&self) -> usize {
        self.src_pos
    }

    /// Keeps the tokens before the source offset `until` on the current
    /// line: a line the layout would start is a space instead (a line
    /// comment still ends its line).
    pub(super) fn keep_line_until(&mut self, until: usize) {
        self.keep_until = self.keep_until.max(until);
    }

    /// Whether the token at source offset `pos` goes on a kept line.
    pub(super) fn keeps_line(&self, pos: usize) -> bool {
        pos < self.keep_until
    }

    /// Whether a comment starts inside `span` of the source.
    pub(super) fn has_comment_in(&self, span: Span) -> bool {
        let i = self.comments.partition_point(|c| c.span.start < span.start);
        self.comments
            .get(i)
            .is_some_and(|c| c.span.start < span.end)
    }

    /// Writes the source token at `span` after `sep` and the comments before it.
    pub(super) fn token(&mut self, span: Span, sep: Sep) -> Result<(), FormatError> {
        let written = self
            .text
            .get(span.range())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                FormatError::Internal(format!(
                    "a token has no text at {}..{}",
                    span.start, span.end
                ))
            })?;
        self.separate(span.start as usize, sep, written);
        self.write(written);
        self.src_pos = span.end as usize;
        self.started = true;
        self.after_open = written == "{" || written == "[";
        self.after_bracket = written == "[";
        self.after_inline_comment = false;
        Ok(())
    }

    /// Writes the keyword or punctuation `word`, which must start at `at`.
    pub(super) fn word_at(&mut self, at: usize, word: &str, sep: Sep) -> Result<(), FormatError> {
        if !self.text.get(at..).is_some_and(|t| t.starts_with(word)) {
            return Err(FormatError::Internal(format!(
                "expected `{word}` at byte {at} of the source"
            )));
        }
        self.token(Span::new(at, at + word.len()), sep)
    }

    /// Writes the next source token, which must be `word`.
    pub(super) fn next_word(&mut self, word: &str, sep: Sep) -> Result<(), FormatError> {
        let at = self.skip_layout(self.src_pos);
        self.word_at(at, word, sep)
    }

    /// Where the next token after `from` starts, skipping layout and comments.
    pub(super) fn skip_layout(&self, from: usize) -> usize {
        let mut pos = from;
        let mut comment = self.next_comment;
        loop {
            pos += layout_len(self.text.get(pos..).unwrap_or(""));
            while self
                .comments
                .get(comment)
                .is_some_and(|c| (c.span.start as usize) < pos)
            {
                comment += 1;
            }
            match self.comments.get(comment) {
                Some(c) if c.span.start as usize == pos => {
                    pos = c.span.end as usize;
                    comment += 1;
                }
                _ => return pos,
            }
        }
    }

    /// Writes `text` glued to the previous token, with no source position:
    /// the comma the layout adds after the last item of a wrapped list.
    pub(super) fn synthetic(&mut self, text: &str) {
        self.write(text);
    }

    /// Writes the comments before `pos`, then what `sep` asks for.
    fn separate(&mut self, pos: usize, sep: Sep, token: &str) {
        let comment_indent = match sep {
            Sep::Line { comments, .. } => comments,
            _ => self.cont,
        };
        self.comments_before(pos, comment_indent);
        let sep = match sep {
            // `[a, b, // kozo-allow: ...` in a broken list.
            Sep::Line { .. } if self.keeps_line(pos) && self.after_bracket => Sep::Glue,
            Sep::Line { .. } | Sep::Fill(_) if self.keeps_line(pos) => Sep::Space,
            other => other,
        };
        match sep {
            Sep::Glue => {
                // `[ /* c */ a`, but `a /* c */, b`.
                let punctuation = token.starts_with([',', ']', '}']);
                if self.after_inline_comment && !self.at_line_start && !punctuation {
                    self.write(" ");
                }
            }
            Sep::Space => {
                if !self.at_line_start {
                    self.write(" ");
                }
            }
            Sep::Fill(columns) => {
                if !self.at_line_start {
                    if self.col + 1 + columns <= self.width {
                        self.write(" ");
                    } else {
                        self.start_line(self.cont, false);
                    }
                }
            }
            Sep::Line {
                indent,
                comments,
                blank,
            } => {
                if self.after_inline_comment && self.inline_comment_began_line && comments == indent
                {
                    // `/* note */ system a`: the comment heads the line of
                    // the token, at the token's indentation.
                    self.write(" ");
                } else {
                    let blank = blank && self.blank_in_source(pos);
                    self.start_line(indent, blank);
                }
            }
        }
    }

    /// True when the source has a blank line between what was written last
    /// and `pos`, and one may be kept here.
    fn blank_in_source(&self, pos: usize) -> bool {
        self.started
            && !self.after_open
            && self
                .text
                .get(self.src_pos..pos)
                .is_some_and(|gap| count_line_breaks(gap) >= 2)
    }

    fn comments_before(&mut self, pos: usize, indent: usize) {
        while let Some(&comment) = self.comments.get(self.next_comment) {
            if comment.span.start as usize >= pos {
                break;
            }
            self.next_comment += 1;
            self.comment(comment, indent);
        }
    }

    /// Writes the comments left at the end of the file and returns the text.
    pub(super) fn finish(mut self) -> String {
        self.comments_before(self.text.len() + 1, 0);
        if !self.at_line_start {
            self.push_newline();
        }
        let mut out = self.align_trailing_comments();
        if self.text.starts_with('\u{FEFF}') && !out.is_empty() {
            out.insert(0, '\u{FEFF}');
        }
        out
    }

    fn comment(&mut self, comment: Comment, indent: usize) {
        let start = comment.span.start as usize;
        let end = comment.span.end as usize;
        let Some(written) = self.text.get(start..end) else {
            return;
        };
        let written = match comment.kind {
            CommentKind::Line | CommentKind::Doc => written.trim_end(),
            CommentKind::Block => written,
        };
        let gap = self.text.get(self.src_pos..start).unwrap_or("");
        let own_line = !self.started || gap.contains(LINE_BREAKS);
        let ends_line = comment.kind != CommentKind::Block || self.line_ends_at(end);
        let begins_line = own_line || self.at_line_start;
        if own_line {
            let blank = self.blank_in_source(start);
            self.start_line(indent, blank);
        } else if !self.at_line_start {
            if !written.contains(LINE_BREAKS) {
                self.trailing.push(Trailing {
                    line: self.line,
                    at: self.out.len(),
                    end: self.out.len() + 1 + written.len(),
                    code_width: self.col,
                    indent: self.line_indent,
                });
            }
            self.write(" ");
        }
        self.write(written);
        self.src_pos = end;
        self.started = true;
        self.after_open = false;
        self.after_bracket = false;
        self.after_inline_comment = !ends_line;
        self.inline_comment_began_line = begins_line && !ends_line;
        if ends_line {
            self.start_line(self.cont, false);
        }
    }

    /// Whether only spaces stand between `pos` and the end of its line.
    fn line_ends_at(&self, pos: usize) -> bool {
        let rest = self.text.get(pos..).unwrap_or("");
        let after = rest.trim_start_matches([' ', '\t', '\u{FEFF}']);
        after.is_empty() || after.starts_with(['\n', '\r'])
    }

    /// Ends the current line (unless it is empty) and sets the next one's
    /// indentation, after one blank line if `blank`.
    fn start_line(&mut self, indent: usize, blank: bool) {
        if !self.at_line_start {
            self.push_newline();
        }
        if blank && !self.blank_written && !self.out.is_empty() {
            self.push_newline();
        }
        self.pending_indent = indent;
    }

    fn push_newline(&mut self) {
        if self.at_line_start {
            self.blank_written = true;
        }
        self.out.push_str(self.newline);
        self.at_line_start = true;
        self.col = 0;
        self.line += 1;
    }

    fn write(&mut self, text: &str) {
        if self.at_line_start {
            self.out
                .extend(std::iter::repeat_n(' ', self.pending_indent));
            self.col = self.pending_indent;
            self.line_indent = Some(self.pending_indent);
            self.at_line_start = false;
            self.blank_written = false;
        }
        self.out.push_str(text);
        match text.rfind(LINE_BREAKS) {
            Some(last) => {
                self.line += count_line_breaks(text);
                self.col = display_width(&text[last + 1..]);
                self.line_indent = None;
            }
            None => self.col += display_width(text),
        }
    }

    /// Pads the trailing comments of neighbouring lines at the same
    /// indentation so that they start in one column.
    fn align_trailing_comments(&mut self) -> String {
        // Only comments that end their line in the output: whether one
        // does can depend on the token after it, and deciding on the output
        // keeps formatting twice the same as formatting once.
        let out = &self.out;
        self.trailing.retain(|t| {
            out.get(t.end..)
                .is_some_and(|after| after.is_empty() || after.starts_with(['\n', '\r']))
        });
        let mut pads: Vec<(usize, usize)> = Vec::new();
        let mut run_start = 0;
        for i in 0..=self.trailing.len() {
            let continues = i > run_start
                && i < self.trailing.len()
                && self.trailing[i].line == self.trailing[i - 1].line + 1
                && self.trailing[i].indent.is_some()
                && self.trailing[i].indent == self.trailing[i - 1].indent;
            if i < self.trailing.len() && (i == run_start || continues) {
                continue;
            }
            let run = &self.trailing[run_start..i];
            if run.len() > 1 {
                let column = run.iter().map(|t| t.code_width).max().unwrap_or(0);
                pads.extend(
                    run.iter()
                        .filter(|t| t.code_width < column)
                        .map(|t| (t.at, column - t.code_width)),
                );
            }
            run_start = i;
        }
        let out = std::mem::take(&mut self.out);
        if pads.is_empty() {
            return out;
        }
        let extra: usize = pads.iter().map(|&(_, n)| n).sum();
        let mut aligned = String::with_capacity(out.len() + extra);
        let mut copied = 0;
        for (at, n) in pads {
            aligned.push_str(&out[copied..at]);
            aligned.extend(std::iter::repeat_n(' ', n));
            copied = at;
        }
        aligned.push_str(&out[copied..]);
        aligned
    }
}

/// The length of the layout (whitespace as the grammar knows it) at the
/// start of `text`.
pub(super) fn layout_len(text: &str) -> usize {
    text.len()
        - text
            .trim_start_matches([' ', '\t', '\r', '\n', '\u{FEFF}'])
            .len()
}

/// Terminal columns taken by `text`: East Asian wide and fullwidth
/// characters count two.
pub(super) fn display_width(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    text.chars()
        .map(|c| match c {
            '\u{1100}'..='\u{115F}'
            | '\u{2E80}'..='\u{303E}'
            | '\u{3041}'..='\u{33FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{A000}'..='\u{A4CF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FF60}'
            | '\u{FFE0}'..='\u{FFE6}'
            | '\u{1F300}'..='\u{1F64F}'
            | '\u{1F900}'..='\u{1F9FF}'
            | '\u{20000}'..='\u{3FFFD}' => 2,
            _ => 1,
        })
        .sum()
}
