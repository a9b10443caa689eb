//! From text to [`SourceFile`]: pest does the matching, this module builds the
//! typed tree, words syntax errors for a modeller, and collects comments.
//!
//! Architecture invariant: [`parse`] never fails and never panics. Whatever the
//! input, it returns the tree it could build and a list of errors.

use pest::iterators::Pair;
use pest::Parser as _;
use smol_str::SmolStr;

use crate::ast::*;

mod quick;

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
struct KozoParser;

/// Bodies and lists nested deeper than this are not parsed (pest recurses).
pub const MAX_NESTING: usize = 64;

/// The result of parsing one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parse {
    pub tree: SourceFile,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

/// How the error at a `{` that the parser closed for the indentation
/// (see [`parse`]) starts.
pub(crate) const REPAIRED_BODY: &str = "this `{` is never closed; judging by the indentation";

/// How the error at a file nested too deeply starts.
pub(crate) const TOO_DEEP: &str = "nesting deeper than";

/// The error for text pest could not read at all (not expected: see
/// [`Builder::statements_from`]).
pub(crate) const UNREADABLE: &str = "this file could not be read";

/// The error at a block comment left open.
pub(crate) const UNCLOSED_COMMENT: &str =
    "this comment is never closed: expected `*/` before the end of the file";

/// How many unclosed `{` one parse closes where the indentation says their
/// bodies end (each costs one more parse of the file).
const MAX_REPAIRS: usize = 4;

/// Parses a whole file. Never fails: errors are values in [`Parse::errors`].
///
/// A `{` left open would take the rest of the file into its body, and every
/// declaration after it would be misplaced (named from another scope, so
/// references from other files would fail). When the indentation shows
/// where such a body probably ends, the file is parsed again as if a `}`
/// stood there (in place of the line break before that line, so no offset
/// moves), and the one error at the `{` says where to add it.
pub fn parse(text: &str) -> Parse {
    parse_reading(text, Reading::ByStatement)
}

/// [`parse`] with every statement read by pest, without the quick reader
/// of element declarations and relationships: always equal to `parse`.
/// It exists so that the fuzz targets can check that equality.
#[doc(hidden)]
pub fn parse_by_pest_only(text: &str) -> Parse {
    parse_reading(text, Reading::PestOnly)
}

/// How the grammar is run over a file.
#[derive(Clone, Copy)]
pub(crate) enum Reading {
    /// One statement at a time (see [`Builder::statements`]).
    ByStatement,
    /// One statement at a time, every one by pest (without the quick
    /// reader of `quick.rs`): what the tests and the `parse` fuzz target
    /// compare that reader with.
    PestOnly,
    /// The whole file at once: the reference the tests compare with.
    #[cfg(test)]
    WholeFile,
}

fn parse_reading(text: &str, reading: Reading) -> Parse {
    let comments = scan_comments(text);
    let mut repaired: Option<String> = None;
    let mut repairs: Vec<SyntaxError> = Vec::new();
    // Where a `}` stands in for a line break.
    let mut patches: Vec<usize> = Vec::new();
    loop {
        let working = repaired.as_deref().unwrap_or(text);
        let (tree, mut errors, unclosed) = parse_once(working, &comments, &patches, reading);
        match first_repair(working, &comments, &unclosed) {
            Some((open, (at, line))) if repairs.len() < MAX_REPAIRS => {
                repairs.push(SyntaxError {
                    span: Span::new(open, open + 1),
                    message: format!(
                        "{REPAIRED_BODY} its body ends before `{line}`: add `}}` there"
                    ),
                });
                let mut patched = working.to_string();
                patched.replace_range(at..at + 1, "}");
                patches.push(at);
                repaired = Some(patched);
            }
            _ => {
                errors.append(&mut repairs);
                errors.sort_by_key(|e| e.span);
                return Parse {
                    tree,
                    comments,
                    errors,
                };
            }
        }
    }
}

/// The first body that is never closed, or that holds text it could not
/// read after the line where the indentation says it ends (its `}` then
/// closed it too late, after what follows it): where it opens, where the
/// `}` it lacks probably goes, and the line that follows.
pub(crate) fn first_repair<'t>(
    text: &'t str,
    comments: &[Comment],
    unclosed: &[(usize, Option<usize>)],
) -> Option<(usize, (usize, &'t str))> {
    unclosed.iter().find_map(|&(open, last_error)| {
        let (at, line) = probable_end(text, comments, open)?;
        last_error
            .is_none_or(|e| at < e)
            .then_some((open, (at, line)))
    })
}

/// Where the body opened at `open` probably ends: the line break before the
/// first later line indented no deeper than the line of the `{` (blank
/// lines, comments and lines starting with `}` aside), as long as that line
/// break ends no comment. Returns its offset and the start of that line.
fn probable_end<'t>(text: &'t str, comments: &[Comment], open: usize) -> Option<(usize, &'t str)> {
    let indent = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    let line_start = text[..open].rfind(LINE_BREAKS).map_or(0, |i| i + 1);
    let own_indent = indent(&text[line_start..]);
    let in_comment = |at: usize| {
        comments
            .iter()
            .any(|c| (c.span.start as usize) < at && at <= c.span.end as usize)
    };
    let mut start = text[open..].find(LINE_BREAKS)? + open;
    loop {
        start += 1;
        let rest = text.get(start..)?;
        let end = rest.find(LINE_BREAKS).map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let trimmed = line.trim_start_matches([' ', '\t']);
        let skip = trimmed.trim().is_empty()
            || trimmed.starts_with("//")
            || trimmed.starts_with("/*")
            || trimmed.starts_with('}')
            || in_comment(start);
        if !skip && indent(line) <= own_indent {
            // The line break right before this line, unless it closes a
            // line comment: then an earlier one in a blank run.
            let mut at = start;
            while at > open + 1 {
                at -= 1;
                match text.as_bytes()[at] {
                    b'\n' | b'\r' if !in_comment(at) => {
                        let shown: String = trimmed.trim_end().chars().take(40).collect();
                        let from = start + (line.len() - trimmed.len());
                        return Some((at, &text[from..from + shown.len()]));
                    }
                    b' ' | b'\t' | b'\n' | b'\r' => {}
                    _ => return None,
                }
            }
            return None;
        }
        if end == text.len() {
            return None;
        }
        start = end;
    }
}

/// One parse of `text`: the tree, the errors, and where each `{` that is
/// never closed opens.
pub(crate) type Unclosed = Vec<(usize, Option<usize>)>;

pub(crate) fn parse_once(
    text: &str,
    comments: &[Comment],
    patches: &[usize],
    reading: Reading,
) -> (SourceFile, Vec<SyntaxError>, Unclosed) {
    let mut errors = Vec::new();
    let parsed_len = match too_deep(text) {
        Some(offset) => {
            errors.push(SyntaxError {
                span: Span::new(offset, offset + 1),
                message: format!(
                    "{TOO_DEEP} {MAX_NESTING} levels; the rest of the file is not read"
                ),
            });
            offset
        }
        None => text.len(),
    };
    let docs = doc_spans(comments);
    unclosed_comments(text, comments, &mut errors);
    let mut builder = Builder {
        text,
        parsed_len,
        docs: &docs,
        comments,
        errors,
        unclosed: Vec::new(),
        patches,
        base: 0,
        quick: true,
    };
    let tree = match reading {
        Reading::ByStatement => builder.statements(),
        Reading::PestOnly => {
            builder.quick = false;
            builder.statements()
        }
        #[cfg(test)]
        Reading::WholeFile => builder.whole_file(),
    };
    let mut unclosed = builder.unclosed;
    unclosed.sort_unstable();
    (tree, builder.errors, unclosed)
}

/// An error at each block comment left open.
pub(crate) fn unclosed_comments(text: &str, comments: &[Comment], errors: &mut Vec<SyntaxError>) {
    for comment in comments {
        let Some(written) = text.get(comment.span.range()) else {
            continue;
        };
        if comment.kind == CommentKind::Block && (written.len() < 4 || !written.ends_with("*/")) {
            errors.push(SyntaxError {
                span: Span::new(comment.span.start as usize, comment.span.start as usize + 2),
                message: UNCLOSED_COMMENT.to_string(),
            });
        }
    }
}

/// What [`parse_region`] read.
pub(crate) struct Region {
    /// The statements read (and `library`, when reading began at 0).
    pub tree: SourceFile,
    /// Their syntax errors, in the order found.
    pub errors: Vec<SyntaxError>,
}

/// The statements of `text` from `start` (0, or where a statement starts)
/// on, read exactly as [`parse`] reads them when no nesting is too deep and
/// no `{` is repaired; `comments` are all the text's comments and `docs`
/// its doc comments' spans. Before each statement but the first, `stop`
/// is given the offset where pest would start reading it, and stops the
/// reading by returning true.
pub(crate) fn parse_region(
    text: &str,
    comments: &[Comment],
    docs: &[Span],
    start: usize,
    mut stop: impl FnMut(usize) -> bool,
) -> Region {
    let mut builder = Builder {
        text,
        parsed_len: text.len(),
        docs,
        comments,
        errors: Vec::new(),
        unclosed: Vec::new(),
        patches: &[],
        base: 0,
        quick: true,
    };
    let tree = builder.statements_from(start, &mut stop);
    Region {
        tree,
        errors: builder.errors,
    }
}

/// The spans of the doc comments among `comments`.
pub(crate) fn doc_spans(comments: &[Comment]) -> Vec<Span> {
    comments
        .iter()
        .filter(|c| c.kind == CommentKind::Doc)
        .map(|c| c.span)
        .collect()
}

struct Builder<'t> {
    text: &'t str,
    /// How much of `text` the grammar reads (less when nesting is too deep).
    parsed_len: usize,
    docs: &'t [Span],
    comments: &'t [Comment],
    errors: Vec<SyntaxError>,
    /// Where each `{` that is never closed opens (with `None`), and each
    /// closed one whose body holds text it could not read (with where the
    /// last such text starts): where a missing `}` may be.
    unclosed: Vec<(usize, Option<usize>)>,
    /// Where the text was repaired with a `}` that is not in the source.
    patches: &'t [usize],
    /// Where the text pest is reading starts in `text`: pest's offsets are
    /// relative to its input, one statement (see [`Builder::statements`]).
    base: usize,
    /// Whether the statements the quick reader knows are read by it
    /// (`quick.rs`) rather than by pest.
    quick: bool,
}

/// Tree nodes from pest pairs, with spans moved from the statement's text
/// to the file's.
impl Builder<'_> {
    fn span_of(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            text: SmolStr::new(pair.as_str()),
            span: self.span_of(&pair),
        }
    }

    fn path(&self, pair: Pair<'_, Rule>) -> Path {
        let span = self.span_of(&pair);
        Path {
            segments: pair.into_inner().map(|p| self.ident(p)).collect(),
            span,
        }
    }

    /// Lists hold either `path` pairs or bare `ident` pairs; both become paths.
    fn path_or_ident(&self, pair: Pair<'_, Rule>) -> Path {
        if pair.as_rule() == Rule::path {
            self.path(pair)
        } else {
            let id = self.ident(pair);
            Path {
                span: id.span,
                segments: smallvec::smallvec![id],
            }
        }
    }

    fn selector(&self, pair: Pair<'_, Rule>) -> Selector {
        let span = self.span_of(&pair);
        match pair.as_rule() {
            Rule::star => Selector::All(span),
            Rule::kind_ref => Selector::Path {
                path: pair
                    .into_inner()
                    .next()
                    .map(|p| self.path_or_ident(p))
                    .unwrap_or(Path {
                        segments: smallvec::SmallVec::new(),
                        span,
                    }),
                depth: Depth::Itself,
                span,
            },
            _ => {
                let mut found_path = None;
                let mut depth = Depth::Itself;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::star => return Selector::All(span),
                        Rule::path => found_path = Some(self.path(part)),
                        Rule::selector_depth => {
                            depth = if part.as_str() == ".**" {
                                Depth::Descendants
                            } else {
                                Depth::Children
                            }
                        }
                        _ => {}
                    }
                }
                Selector::Path {
                    path: found_path.unwrap_or(Path {
                        segments: smallvec::SmallVec::new(),
                        span,
                    }),
                    depth,
                    span,
                }
            }
        }
    }
}

impl<'t> Builder<'t> {
    /// `span` without the layout and comments at its end. pest's implicit
    /// whitespace makes a rule that ends in an optional part or a repetition
    /// (`decl_label? ~ body?`, `(comma ~ ref)*`) take the layout before the
    /// part it did not find, up to the next statement.
    fn trim(&self, span: Span) -> Span {
        let start = span.start as usize;
        let mut end = span.end as usize;
        loop {
            let kept = self.text[start..end]
                .trim_end_matches([' ', '\t', '\r', '\n', '\u{FEFF}'])
                .len();
            end = start + kept;
            // A comment the span ends in or right after (a block comment
            // left open also takes the file's last line break).
            let i = self
                .comments
                .partition_point(|c| (c.span.end as usize) < end);
            match self.comments.get(i) {
                Some(c) if (c.span.start as usize) < end && c.span.start as usize >= start => {
                    end = c.span.start as usize;
                }
                _ => return Span::new(start, end),
            }
        }
    }

    /// The file's statements, each parsed alone from where the one before
    /// it ended, exactly as the `file` rule would read them. pest keeps the
    /// whole token queue of a parse (40 bytes a token, several tokens a
    /// name) until it is read, so one parse of a 100 MB file held gigabytes;
    /// a statement's queue is small, and freed before the next is made.
    fn statements(&mut self) -> SourceFile {
        self.statements_from(0, |_| false)
    }

    /// The statements from `start` (0, or where a statement starts) on,
    /// read as [`Builder::statements`] reads them. Before each statement but
    /// the first, `stop` is asked whether to stop at the offset where pest
    /// would start reading it.
    fn statements_from(&mut self, start: usize, mut stop: impl FnMut(usize) -> bool) -> SourceFile {
        let text = self.text;
        let input = &text[..self.parsed_len];
        let mut items = Vec::new();
        let mut library = None;
        let mut pos = start;
        let mut rule = if start == 0 {
            Rule::first_statement
        } else {
            Rule::next_statement
        };
        loop {
            if rule == Rule::next_statement && stop(pos) {
                break;
            }
            if self.quick {
                if let Some((item, end)) = self.quick_statement(pos, rule == Rule::first_statement)
                {
                    items.push(item);
                    pos = end;
                    rule = Rule::next_statement;
                    continue;
                }
            }
            let pairs = match KozoParser::parse(rule, &input[pos..]) {
                Ok(pairs) => pairs,
                Err(err) => {
                    // The grammar accepts any text through its error
                    // alternatives, so this is not expected; report it
                    // rather than lose the rest of the file silently.
                    let offset = pos + error_offset(&err);
                    self.errors.push(SyntaxError {
                        span: Span::new(offset, next_token_end(text, offset)),
                        message: UNREADABLE.to_string(),
                    });
                    break;
                }
            };
            self.base = pos;
            let mut end = pos;
            let mut at_end = false;
            for pair in pairs {
                end = pos + pair.as_span().end();
                match pair.as_rule() {
                    Rule::library_decl => library = self.library(pair),
                    Rule::EOI => at_end = true,
                    _ => items.push(self.item(pair)),
                }
            }
            // Every statement reads at least one character: the second test
            // only guards the loop.
            if at_end || end <= pos {
                break;
            }
            pos = end;
            rule = Rule::next_statement;
        }
        // Exact capacity: a file's list of statements, grown by doubling,
        // would otherwise keep up to half of it empty for as long as the
        // tree lives.
        items.shrink_to_fit();
        SourceFile { library, items }
    }

    /// The whole file in one parse of the `file` rule: what
    /// [`Builder::statements`] must match.
    #[cfg(test)]
    fn whole_file(&mut self) -> SourceFile {
        let pairs = match KozoParser::parse(Rule::file, &self.text[..self.parsed_len]) {
            Ok(mut pairs) => pairs.next().map(Pair::into_inner),
            Err(_) => None,
        };
        let mut items = Vec::new();
        let mut library = None;
        for pair in pairs.into_iter().flatten() {
            match pair.as_rule() {
                Rule::library_decl => library = self.library(pair),
                Rule::EOI => {}
                _ => items.push(self.item(pair)),
            }
        }
        SourceFile { library, items }
    }

    fn library(&self, pair: Pair<'_, Rule>) -> Option<Span> {
        pair.into_inner()
            .find(|p| p.as_rule() == Rule::kw_library)
            .map(|p| self.span_of(&p))
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Item {
        match pair.as_rule() {
            Rule::extend_decl => Item::Decl(self.extend_decl(pair)),
            Rule::use_decl => Item::Use(self.use_decl(pair)),
            Rule::relationship => Item::Relationship(self.relationship(pair)),
            Rule::top_error => {
                let span = self.trim(self.span_of(&pair));
                self.explain(span, Rule::probe_top);
                Item::Error(span)
            }
            _ => Item::Decl(self.decl(pair)),
        }
    }

    /// `extend relation flows { ... }`: the declaration, marked as an extension.
    fn extend_decl(&mut self, pair: Pair<'_, Rule>) -> Decl {
        let span = self.trim(self.span_of(&pair));
        let mut decl = None;
        for part in pair.into_inner() {
            if part.as_rule() != Rule::kw_extend {
                decl = Some(self.decl(part));
            }
        }
        let mut decl = decl.unwrap_or_else(|| Decl {
            extend: false,
            kind: DeclKind::Kind,
            keyword_span: Span::empty(span.start as usize),
            name: missing_ident(span),
            viewpoint: None,
            label: None,
            body: None,
            doc: None,
            span,
        });
        // The span starts at `extend` (which `Decl::extend_keyword` reads).
        decl.extend = true;
        decl.span.start = span.start;
        decl.doc = self.doc_before(span.start as usize);
        decl
    }

    fn use_decl(&mut self, pair: Pair<'_, Rule>) -> UseDecl {
        let span = self.trim(self.span_of(&pair));
        let mut inner = pair.into_inner();
        let keyword = inner.next().map(|p| self.span_of(&p)).unwrap_or(span);
        let module = inner
            .next()
            .and_then(|p| p.into_inner().next())
            .map(|p| self.ident(p))
            .unwrap_or_else(|| missing_ident(span));
        UseDecl {
            keyword,
            module,
            span,
        }
    }

    fn decl(&mut self, pair: Pair<'_, Rule>) -> Decl {
        let mut span = self.trim(self.span_of(&pair));
        let rule = pair.as_rule();
        let mut kind = match rule {
            Rule::layer_decl => DeclKind::Layer,
            Rule::kind_decl => DeclKind::Kind,
            Rule::relation_decl => DeclKind::Relation,
            Rule::concern_decl => DeclKind::Concern,
            Rule::stakeholder_decl => DeclKind::Stakeholder,
            Rule::viewpoint_decl => DeclKind::Viewpoint,
            Rule::view_decl => DeclKind::View,
            Rule::decision_decl => DeclKind::Decision,
            Rule::group_decl => DeclKind::Group,
            _ => DeclKind::Element(missing_ident(span)),
        };
        let mut keyword_span = Span::empty(span.start as usize);
        let mut name = missing_ident(span);
        let mut viewpoint = None;
        let mut label = None;
        let mut body = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::element_kind => {
                    keyword_span = self.span_of(&part);
                    if let Some(id) = part.into_inner().next() {
                        kind = DeclKind::Element(self.ident(id));
                    }
                }
                Rule::decl_name => {
                    if let Some(id) = part.into_inner().next() {
                        name = self.decl_name(id);
                    }
                }
                Rule::view_of => {
                    viewpoint = part
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::viewpoint_ref)
                        .and_then(|p| p.into_inner().next())
                        .map(|p| self.path(p));
                }
                Rule::decl_label => {
                    label = part.into_inner().next().map(|s| self.string(s));
                }
                Rule::layer_body => body = Some(self.body(part, Rule::probe_layer)),
                Rule::kind_body => body = Some(self.body(part, Rule::probe_kind)),
                Rule::relation_body => body = Some(self.body(part, Rule::probe_relation)),
                Rule::plain_body => body = Some(self.body(part, Rule::probe_plain)),
                Rule::stakeholder_body => body = Some(self.body(part, Rule::probe_stakeholder)),
                Rule::viewpoint_body => body = Some(self.body(part, Rule::probe_viewpoint)),
                Rule::view_body => body = Some(self.body(part, Rule::probe_view)),
                Rule::decision_body => body = Some(self.body(part, Rule::probe_decision)),
                Rule::element_body => body = Some(self.body(part, Rule::probe_element)),
                Rule::group_body => body = Some(self.body(part, Rule::probe_group)),
                _ => keyword_span = self.span_of(&part),
            }
        }
        if let Some(body) = &body {
            // A body left open runs to the end of the file, layout included;
            // one closed by the repair (see [`parse`]) ends where it says.
            span.end = if body.closed {
                span.end.max(body.span.end)
            } else {
                body.span.end.max(span.start)
            };
        }
        Decl {
            extend: false,
            kind,
            keyword_span,
            name,
            viewpoint,
            label,
            body,
            doc: self.doc_before(span.start as usize),
            span,
        }
    }

    /// A declared name; one with `-`, `.` or spaces is reported with the
    /// name to write instead. It is kept as written (an identifier's text is
    /// always what its span covers), so the declaration and its body stay
    /// in the tree and nothing after it is reported again.
    fn decl_name(&mut self, pair: Pair<'_, Rule>) -> Ident {
        let rule = pair.as_rule();
        let written = self.ident(pair);
        let what = match rule {
            Rule::bad_name if written.text.contains('.') && !written.text.contains('-') => {
                "`.` (a dot separates the segments of a path; nest the declaration instead)"
            }
            Rule::bad_name => "`-`",
            _ => return written,
        };
        let fixed: String = written
            .text
            .split(|c: char| !(c == '_' || pest::unicode::XID_CONTINUE(c)))
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        self.errors.push(SyntaxError {
            span: written.span,
            message: format!("a name cannot contain {what}: write `{fixed}`"),
        });
        written
    }

    fn relationship(&mut self, pair: Pair<'_, Rule>) -> Relationship {
        let mut span = self.trim(self.span_of(&pair));
        let mut source = None;
        let mut target = None;
        let mut arrow = Span::empty(span.start as usize);
        let mut relation = None;
        let mut label = None;
        let mut body = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::relation_source => source = part.into_inner().next().map(|p| self.path(p)),
                Rule::relation_target => target = part.into_inner().next().map(|p| self.path(p)),
                Rule::arrow => arrow = self.span_of(&part),
                Rule::relation_ref => relation = part.into_inner().next().map(|p| self.ident(p)),
                Rule::decl_label => label = part.into_inner().next().map(|s| self.string(s)),
                Rule::relationship_body => body = Some(self.body(part, Rule::probe_relationship)),
                _ => {}
            }
        }
        if let Some(body) = &body {
            span.end = span.end.max(body.span.end);
        }
        let missing = || Path {
            segments: smallvec::smallvec![missing_ident(span)],
            span: Span::empty(span.start as usize),
        };
        Relationship {
            source: source.unwrap_or_else(missing),
            arrow,
            target: target.unwrap_or_else(missing),
            relation,
            label,
            body,
            doc: self.doc_before(span.start as usize),
            span,
        }
    }

    fn body(&mut self, pair: Pair<'_, Rule>, probe: Rule) -> Body {
        let mut span = self.span_of(&pair);
        let mut entries = Vec::new();
        let mut closed = true;
        let mut open = Span::empty(span.start as usize);
        // Where the last entry that did not parse starts.
        let mut last_error = None;
        for part in pair.into_inner() {
            let entry = match part.as_rule() {
                Rule::lbrace => {
                    open = self.span_of(&part);
                    continue;
                }
                Rule::rbrace => {
                    // A `}` put in by the repair is not in the source: the
                    // body stays open, ending before the line break it took.
                    let at = self.base + part.as_span().start();
                    if self.patches.contains(&at) {
                        closed = false;
                        span.end = at as u32;
                    }
                    continue;
                }
                Rule::missing_rbrace => {
                    closed = false;
                    if self.parsed_len < self.text.len() {
                        // Cut short by the nesting limit (already reported):
                        // the `}` may well be in the part not read.
                        continue;
                    }
                    self.errors.push(SyntaxError {
                        span: open,
                        message:
                            "this `{` is never closed: expected `}` before the end of the file"
                                .to_string(),
                    });
                    self.unclosed.push((open.start as usize, None));
                    continue;
                }
                Rule::body_error => {
                    let span = self.trim(self.span_of(&part));
                    if !self.missing_comma(span, entries.last())
                        && !self.misspelt_clause(span, probe)
                    {
                        self.explain(span, probe);
                    }
                    last_error = Some(span.start as usize);
                    Entry::Error(span)
                }
                Rule::label_stmt => {
                    let span = self.span_of(&part);
                    let mut language = missing_ident(span);
                    let mut text = None;
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::language => {
                                if let Some(id) = p.into_inner().next() {
                                    language = self.ident(id);
                                }
                            }
                            Rule::string => text = Some(self.string(p)),
                            _ => {}
                        }
                    }
                    Entry::Label {
                        language,
                        text: text.unwrap_or_else(|| missing_string(span)),
                        span,
                    }
                }
                Rule::description_stmt => {
                    let span = self.span_of(&part);
                    let mut language = None;
                    let mut text = None;
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::language => {
                                language = p.into_inner().next().map(|p| self.ident(p))
                            }
                            Rule::string => text = Some(self.string(p)),
                            _ => {}
                        }
                    }
                    Entry::Description {
                        language,
                        text: text.unwrap_or_else(|| missing_string(span)),
                        span,
                    }
                }
                Rule::property => {
                    let span = self.span_of(&part);
                    let mut key = missing_ident(span);
                    let mut value = None;
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::property_key => {
                                if let Some(id) = p.into_inner().next() {
                                    key = self.ident(id);
                                }
                            }
                            Rule::value => value = Some(self.value(p)),
                            _ => {}
                        }
                    }
                    let value = value.unwrap_or_else(|| Value::List(Vec::new(), span));
                    Entry::Property { key, value, span }
                }
                Rule::relationship => Entry::Relationship(Box::new(self.relationship(part))),
                Rule::element_decl | Rule::group_decl => Entry::Decl(Box::new(self.decl(part))),
                _ => Entry::Clause(self.clause(part)),
            };
            entries.push(entry);
        }
        if let (true, Some(last)) = (closed, last_error) {
            self.unclosed.push((open.start as usize, Some(last)));
        }
        // Exact capacity: large workspaces hold hundreds of thousands of bodies.
        entries.shrink_to_fit();
        Body {
            entries,
            span,
            closed,
        }
    }

    fn clause(&mut self, pair: Pair<'_, Rule>) -> Clause {
        let span = self.trim(self.span_of(&pair));
        let keyword = match pair.as_rule() {
            Rule::order_clause => ClauseKeyword::Order,
            Rule::layer_clause => ClauseKeyword::Layer,
            Rule::parents_clause => ClauseKeyword::Parents,
            Rule::shape_clause => ClauseKeyword::Shape,
            Rule::from_clause => ClauseKeyword::From,
            Rule::to_clause => ClauseKeyword::To,
            Rule::acyclic_clause => ClauseKeyword::Acyclic,
            Rule::downward_clause => ClauseKeyword::Downward,
            Rule::default_clause => ClauseKeyword::Default,
            Rule::concerns_clause => ClauseKeyword::Concerns,
            Rule::frames_clause => ClauseKeyword::Frames,
            Rule::kinds_clause => ClauseKeyword::Kinds,
            Rule::relations_clause => ClauseKeyword::Relations,
            Rule::include_clause => ClauseKeyword::Include,
            Rule::exclude_clause => ClauseKeyword::Exclude,
            Rule::status_clause => ClauseKeyword::Status,
            Rule::addresses_clause => ClauseKeyword::Addresses,
            Rule::affects_clause => ClauseKeyword::Affects,
            Rule::implied_clause => ClauseKeyword::Implied,
            Rule::direction_clause => ClauseKeyword::Direction,
            Rule::note_clause => ClauseKeyword::Note,
            Rule::line_clause => ClauseKeyword::Line,
            Rule::head_clause => ClauseKeyword::Head,
            Rule::tail_clause => ClauseKeyword::Tail,
            Rule::technology_clause => ClauseKeyword::Technology,
            Rule::show_clause => ClauseKeyword::Show,
            Rule::allow_clause => ClauseKeyword::Allow,
            Rule::upward_clause => ClauseKeyword::Upward,
            Rule::same_kind_clause => ClauseKeyword::SameKind,
            _ => ClauseKeyword::Rationale,
        };
        let mut keyword_span = Span::empty(span.start as usize);
        let mut args = ClauseArgs::None;
        let mut allow = AllowPairs {
            sources: Vec::new(),
            arrow: Span::empty(span.end as usize),
            targets: Vec::new(),
            semicolon: None,
        };
        for part in pair.into_inner() {
            let part_rule = part.as_rule();
            match part_rule {
                Rule::order_value => {
                    let s = self.span_of(&part);
                    args = ClauseArgs::Number(SmolStr::new(part.as_str()), s);
                }
                Rule::layer_ref => {
                    if let Some(id) = part.into_inner().next() {
                        args = ClauseArgs::Word(self.ident(id));
                    }
                }
                Rule::shape_name
                | Rule::status_value
                | Rule::implied_value
                | Rule::direction_value
                | Rule::line_style
                | Rule::end_mark => args = ClauseArgs::Word(self.ident(part)),
                Rule::relation_pattern => {
                    args = ClauseArgs::Relationship(Box::new(self.relation_pattern(part)));
                }
                Rule::kind_list
                | Rule::concern_list
                | Rule::relation_kind_list
                | Rule::element_list => {
                    let paths = part
                        .into_inner()
                        .filter_map(|item| item.into_inner().next())
                        .map(|p| self.path_or_ident(p))
                        .collect();
                    args = ClauseArgs::Paths(paths);
                }
                // `show description, technology`: each word a one-segment path.
                Rule::show_list => {
                    let words = part.into_inner().map(|w| self.path_or_ident(w)).collect();
                    args = ClauseArgs::Paths(words);
                }
                Rule::kind_pattern_list | Rule::selector_list => {
                    args = ClauseArgs::Selectors(
                        part.into_inner().map(|p| self.selector(p)).collect(),
                    );
                }
                Rule::string => args = ClauseArgs::Text(self.string(part)),
                Rule::allow_sources | Rule::allow_targets => {
                    let idents = part
                        .into_inner()
                        .filter_map(|item| item.into_inner().next())
                        .map(|p| self.ident(p))
                        .collect();
                    if part_rule == Rule::allow_sources {
                        allow.sources = idents;
                    } else {
                        allow.targets = idents;
                    }
                }
                Rule::arrow => allow.arrow = self.span_of(&part),
                Rule::semicolon => allow.semicolon = Some(self.span_of(&part)),
                _ => keyword_span = self.span_of(&part),
            }
        }
        if keyword == ClauseKeyword::Allow {
            args = ClauseArgs::Allow(Box::new(allow));
        }
        Clause {
            keyword,
            keyword_span,
            args,
            span,
        }
    }

    fn relation_pattern(&mut self, pair: Pair<'_, Rule>) -> RelationPattern {
        let span = self.trim(self.span_of(&pair));
        let missing = || Path {
            segments: smallvec::smallvec![missing_ident(span)],
            span: Span::empty(span.start as usize),
        };
        let (mut source, mut target, mut relation) = (None, None, None);
        let mut arrow = Span::empty(span.start as usize);
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::pattern_source => source = part.into_inner().next().map(|p| self.path(p)),
                Rule::pattern_target => target = part.into_inner().next().map(|p| self.path(p)),
                Rule::arrow => arrow = self.span_of(&part),
                Rule::relation_ref => relation = part.into_inner().next().map(|p| self.ident(p)),
                _ => {}
            }
        }
        RelationPattern {
            source: source.unwrap_or_else(missing),
            arrow,
            target: target.unwrap_or_else(missing),
            relation,
            span,
        }
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span_of(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return Value::List(Vec::new(), span);
        };
        match inner.as_rule() {
            Rule::string => Value::Str(self.string(inner)),
            Rule::number => Value::Number(SmolStr::new(inner.as_str()), span),
            Rule::boolean => Value::Bool(inner.as_str() == "true", span),
            Rule::path => Value::Path(self.path(inner)),
            _ => {
                let items = inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::value)
                    .map(|p| self.value(p))
                    .collect();
                Value::List(items, span)
            }
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> StrLit {
        let span = self.span_of(&pair);
        let raw = pair.as_str();
        if let Some(inner) = raw
            .strip_prefix("\"\"\"")
            .and_then(|r| r.strip_suffix("\"\"\""))
        {
            // A leading line break right after `"""` is layout, not content.
            let inner = inner
                .strip_prefix("\r\n")
                .or_else(|| inner.strip_prefix(['\n', '\r']))
                .unwrap_or(inner);
            return StrLit {
                value: inner.to_string(),
                span,
                triple: true,
            };
        }
        let inner = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw);
        match unescape(inner) {
            Ok(value) => StrLit {
                value,
                span,
                triple: false,
            },
            Err((at, len, message)) => {
                let start = span.start as usize + 1 + at;
                self.errors.push(SyntaxError {
                    span: Span::new(start, start + len),
                    message,
                });
                StrLit {
                    value: inner.to_string(),
                    span,
                    triple: false,
                }
            }
        }
    }

    /// The text of the `///` comments that end right before `start`.
    fn doc_before(&self, start: usize) -> Option<String> {
        doc_before(self.text, self.docs, start)
    }

    /// Where the next token after `from` starts, skipping layout and comments.
    fn skip_layout(&self, from: usize) -> usize {
        skip_layout(self.text, self.comments, from)
    }

    /// `frames privacy energy`: a name right after a list clause, on its
    /// line, is a list item that lost its comma. Says so, with the fix.
    fn missing_comma(&mut self, span: Span, previous: Option<&Entry>) -> bool {
        let Some(Entry::Clause(clause)) = previous else {
            return false;
        };
        let last = match &clause.args {
            ClauseArgs::Paths(paths) => paths.last().map(|p| p.span),
            ClauseArgs::Selectors(selectors) => selectors.last().map(Selector::span),
            ClauseArgs::Allow(pairs) if pairs.semicolon.is_none() => {
                pairs.targets.last().map(|t| t.span)
            }
            _ => None,
        };
        let Some(last) = last else {
            return false;
        };
        let start = span.start as usize;
        let between = &self.text[last.end as usize..start];
        let word_end = self.text[start..]
            .find(|c: char| !is_ident_char(c))
            .map_or(self.text.len(), |i| start + i);
        if word_end == start
            || between.contains(LINE_BREAKS)
            || !between.trim().is_empty()
            || is_keyword(&self.text[start..word_end])
        {
            return false;
        }
        let (item, word) = (&self.text[last.range()], &self.text[start..word_end]);
        self.errors.push(SyntaxError {
            span: Span::new(start, word_end),
            message: format!("list items are separated by commas: write `{item}, {word}`"),
        });
        true
    }

    /// `system data hub "Data hub"`: `system data` was read, and `hub`
    /// followed by a label or a body on the same line is the rest of a name
    /// with a space in it.
    fn spaced_name(&mut self, span: Span) -> bool {
        let start = span.start as usize;
        let rest = &self.text[start..span.end as usize];
        let word_len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        let after = rest[word_len..].trim_start_matches([' ', '\t']);
        if word_len == 0 || !(after.starts_with('"') || after.starts_with('{')) {
            return false;
        }
        let before = &self.text[..start];
        let gap = before.len() - before.trim_end_matches([' ', '\t']).len();
        let name_end = start - gap;
        let name_start = before[..name_end]
            .char_indices()
            .rev()
            .find(|(_, c)| !is_ident_char(*c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let name = &self.text[name_start..name_end];
        let word = &rest[..word_len];
        if gap == 0 || name.is_empty() || is_keyword(name) || is_keyword(word) {
            return false;
        }
        self.errors.push(SyntaxError {
            // At the word left over: the error explains the text skipped.
            span: Span::new(start, start + word_len),
            message: format!("a name cannot contain spaces: write `{name}_{word}`"),
        });
        true
    }

    /// `inculde a` in a view: a word close to one of the body's clause
    /// keywords, where no property (`key = value`) was meant.
    fn misspelt_clause(&mut self, span: Span, probe: Rule) -> bool {
        let start = span.start as usize;
        let rest = &self.text[start..span.end as usize];
        let word_len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        let word = &rest[..word_len];
        let after = rest[word_len..].trim_start();
        let clauses = clause_words(probe);
        // A keyword is no misspelling (`exclude` in a group is explained
        // as a clause the body does not take).
        if word.is_empty() || after.starts_with('=') || clauses.contains(&word) || is_keyword(word)
        {
            return false;
        }
        let Some(keyword) = closest_word(word, clauses) else {
            return false;
        };
        self.errors.push(SyntaxError {
            span: Span::new(start, start + word_len),
            message: format!("unknown clause `{word}`; did you mean `{keyword}`?"),
        });
        true
    }

    /// Words a syntax error for the text at `span`, which no statement rule
    /// could start, by running `probe` alone from there.
    fn explain(&mut self, span: Span, probe: Rule) {
        if matches!(probe, Rule::probe_top | Rule::probe_element) && self.spaced_name(span) {
            return;
        }
        let start = span.start as usize;
        let truncated = self.parsed_len < self.text.len();
        let rest = &self.text[start..self.parsed_len];
        // A statement that parsed without its optional tail leaves the word
        // that starts the tail behind (`a -> b :` leaves `:`, `view v of {`
        // leaves `of`, `concerns a,` leaves `,`): say what that word needed.
        let before = self.trim(Span::new(0, start)).end as usize;
        // `software_system a "A" "Does things"` (the positional strings of
        // other architecture languages): say where the second string goes.
        if rest.starts_with('"')
            && previous_token(self.text, before) == Some("\"")
            && matches!(probe, Rule::probe_top | Rule::probe_element)
        {
            if let Some(end) = string_end(self.text, start) {
                self.errors.push(SyntaxError {
                    span: Span::new(start, end),
                    message: SECOND_STRING_MESSAGE.to_string(),
                });
                return;
            }
        }
        if let Some((token, expected)) = leftover(rest, previous_token(self.text, before), probe) {
            let after = self.skip_layout(start + token.len());
            if truncated && after >= self.parsed_len {
                return;
            }
            let (pos, found, at_end) = if self.text[start..after].contains(LINE_BREAKS) {
                (start + token.len(), "the end of the line".to_string(), true)
            } else if after == self.text.len() {
                (start + token.len(), "the end of the file".to_string(), true)
            } else {
                (after, describe_found(self.text, after, true), false)
            };
            let message = format!("expected {expected} after `{token}`, found {found}");
            self.push_expected(pos, message, at_end);
            return;
        }
        // The probe reads no further than the end of the skipped text's last
        // line: pest words every error with the line holding it, found by
        // scanning back from the end of its input, so probing the rest of
        // the file for each error would take quadratic time.
        let end = span.end as usize;
        let probe_end = self.text[end..self.parsed_len]
            .find(LINE_BREAKS)
            .map_or(self.parsed_len, |i| end + i);
        let (mut pos, positives) = match KozoParser::parse(probe, &self.text[start..probe_end]) {
            Ok(_) => (start, Vec::new()),
            Err(err) => {
                let positives = match &err.variant {
                    pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
                    _ => Vec::new(),
                };
                (start + error_offset(&err), positives)
            }
        };
        if truncated && pos >= self.parsed_len {
            // The statement runs into the text not read: the nesting error
            // already says so.
            return;
        }
        // Where the last token before `pos` ends, past layout and comments.
        let last_end = self.trim(Span::new(start, pos)).end as usize;
        // Newlines are layout, so pest looks for the missing part on the
        // next line; the modeller forgot it at the end of this one. At the
        // end of the file, point right after the last token too.
        let mut found = None;
        if pos > start && (pos == probe_end || self.text[last_end..pos].contains(LINE_BREAKS)) {
            found = Some(if self.skip_layout(last_end) == self.text.len() {
                "the end of the file".to_string()
            } else {
                "the end of the line".to_string()
            });
            pos = last_end;
        }
        if let Some((quotes, message)) = unterminated_string(self.text, pos) {
            self.errors.push(SyntaxError {
                span: Span::new(pos, pos + quotes),
                message: message.to_string(),
            });
            return;
        }
        let at_end = found.is_some();
        let name_expected = pos != start && positives.iter().any(|r| names_something(*r));
        let found = found.unwrap_or_else(|| describe_found(self.text, pos, name_expected));
        let message = if pos == start || positives.is_empty() {
            format!("expected {}, found {found}", statement_words(probe))
        } else {
            let mut words: Vec<&str> = Vec::new();
            for word in positives.iter().filter_map(|r| rule_words(*r)) {
                if !words.contains(&word) {
                    words.push(word);
                }
            }
            // A name first: pest lists the rules a declaration's name may
            // take (`ident`, and the malformed names read to be reported)
            // after the punctuation that could follow the previous word.
            if let Some(at) = words.iter().position(|w| *w == "a name") {
                let name = words.remove(at);
                words.insert(0, name);
            }
            let previous = previous_token(self.text, last_end);
            // After a contextual keyword, `=` (of a property by that name) is
            // rarely what was meant: name only what the clause expects.
            if previous.is_some_and(|p| is_clause_word(p, probe)) && words.len() > 1 {
                words.retain(|w| *w != "`=`");
            }
            // `description` takes an optional language before its string.
            if previous == Some("description") {
                for word in &mut words {
                    if *word == "a name" {
                        *word = "a language code (such as `ja`)";
                    }
                }
            }
            if let (["a name"], Some(word)) = (words.as_slice(), previous) {
                if let Some(what) = name_after(word, probe) {
                    words = vec![what];
                }
            }
            let expected = join_alternatives(&words);
            match previous {
                Some("\"") => format!("expected {expected} after the string, found {found}"),
                Some(prev) => format!("expected {expected} after `{prev}`, found {found}"),
                None => format!("expected {expected}, found {found}"),
            }
        };
        self.push_expected(pos, message, at_end);
    }

    /// An error at the token starting at `pos`, or an empty one at `pos`
    /// when what was found is the end of the line or file.
    fn push_expected(&mut self, pos: usize, message: String, at_end: bool) {
        let at_layout = at_end || self.text[pos..].starts_with(char::is_whitespace);
        let end = if at_layout {
            pos
        } else {
            next_token_end(self.text, pos)
        };
        self.errors.push(SyntaxError {
            span: Span::new(pos, end.max(pos)),
            message,
        });
    }
}

/// The word left behind at the start of `rest` by a statement that parsed
/// without the part it introduces, and what that word needs after it.
/// `previous` is the token before it: a statement ends in a name (or `*`).
fn leftover(
    rest: &str,
    previous: Option<&str>,
    probe: Rule,
) -> Option<(&'static str, &'static str)> {
    let is_word = |w: &str| {
        rest.strip_prefix(w)
            .is_some_and(|r| !r.starts_with(is_ident_char))
    };
    let after_name = previous.is_some_and(|p| p.ends_with(is_ident_char));
    if !after_name && previous != Some("*") {
        return None;
    }
    if rest.starts_with(':') && after_name {
        Some((":", "a relation kind"))
    } else if rest.starts_with("->") && probe == Rule::probe_view && after_name {
        // `exclude a ->` without its target falls back to `exclude a`.
        Some(("->", "the target element's path"))
    } else if probe == Rule::probe_top && is_word("of") && after_name {
        Some(("of", "a viewpoint"))
    } else if rest.starts_with(',')
        && !matches!(
            probe,
            Rule::probe_top
                | Rule::probe_element
                | Rule::probe_plain
                | Rule::probe_layer
                | Rule::probe_relationship
        )
    {
        Some((",", "another list item"))
    } else {
        None
    }
}

/// When a string starts at `pos` and is never closed: how many quotes open
/// it and what to say.
fn unterminated_string(text: &str, pos: usize) -> Option<(usize, &'static str)> {
    let rest = text.get(pos..)?;
    if let Some(body) = rest.strip_prefix("\"\"\"") {
        return (!body.contains("\"\"\"")).then_some((
            3,
            "this `\"\"\"` string is never closed: expected `\"\"\"` before the end of the file",
        ));
    }
    let mut chars = rest.strip_prefix('"')?.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None,
            '\\' if !matches!(chars.next(), None | Some('\n' | '\r')) => {}
            '\\' | '\n' | '\r' => break,
            _ => {}
        }
    }
    Some((
        1,
        "this string is never closed: expected `\"` before the end of the line",
    ))
}

/// Whether a rule stands for a name (so that a keyword there is a name
/// that cannot be used).
fn names_something(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::ident
            | Rule::decl_name
            | Rule::bad_name
            | Rule::path
            | Rule::module_name
            | Rule::element_kind
            | Rule::relation_source
            | Rule::relation_target
            | Rule::relation_ref
            | Rule::relation_kind_list
            | Rule::viewpoint_ref
            | Rule::language
            | Rule::property_key
            | Rule::layer_ref
            | Rule::kind_ref
            | Rule::kind_list
            | Rule::kind_pattern_list
            | Rule::allow_sources
            | Rule::allow_targets
            | Rule::concern_ref
            | Rule::concern_list
            | Rule::element_ref
            | Rule::element_list
            | Rule::selector
            | Rule::selector_list
            | Rule::pattern_source
            | Rule::pattern_target
    )
}

/// Whether `word` starts a clause in the bodies `probe` reads, though it
/// is not a reserved word.
fn is_clause_word(word: &str, probe: Rule) -> bool {
    match probe {
        Rule::probe_view => VIEW_CLAUSE_WORDS.contains(&word) || word == SHOW_WORD,
        Rule::probe_viewpoint => word == SHOW_WORD,
        Rule::probe_relation => {
            RELATION_NOTATION_WORDS.contains(&word) || RELATION_RULE_WORDS.contains(&word)
        }
        Rule::probe_element | Rule::probe_relationship => word == TECHNOLOGY_WORD,
        _ => false,
    }
}

/// The clause keywords of the bodies `probe` reads (bodies that hold
/// elements have none: a misspelt word there is an element kind).
fn clause_words(probe: Rule) -> &'static [&'static str] {
    match probe {
        Rule::probe_layer => body_words("layer"),
        Rule::probe_kind => body_words("kind"),
        Rule::probe_relation => body_words("relation"),
        Rule::probe_stakeholder => body_words("stakeholder"),
        Rule::probe_viewpoint => body_words("viewpoint"),
        Rule::probe_view => body_words("view"),
        Rule::probe_group => body_words("group"),
        Rule::probe_decision => body_words("decision"),
        _ => &[],
    }
}

/// The clause keywords the body of a `keyword` declaration takes (`layer`,
/// `kind`, `relation`, `stakeholder`, `viewpoint`, `view`, `group`,
/// `decision`), the shared ones (`label`, `description`) first; empty for
/// any other word. One list for the parser's "did you mean" and the
/// editor's completion, so that the two cannot drift apart.
pub fn body_words(keyword: &str) -> &'static [&'static str] {
    match keyword {
        "layer" => &["label", "description", "order"],
        "kind" => &["label", "description", "layer", "parents", "shape"],
        "relation" => &[
            "label",
            "description",
            "from",
            "to",
            "allow",
            "acyclic",
            "downward",
            "upward",
            "same_kind",
            "default",
            "line",
            "head",
            "tail",
        ],
        "stakeholder" => &["label", "description", "concerns"],
        "viewpoint" => &[
            "label",
            "description",
            "frames",
            "kinds",
            "relations",
            "show",
        ],
        "view" => &[
            "label",
            "description",
            "include",
            "exclude",
            "implied",
            "direction",
            "group",
            "note",
            "show",
        ],
        "group" => &["label", "description", "include"],
        "decision" => &[
            "label",
            "description",
            "status",
            "addresses",
            "affects",
            "rationale",
        ],
        _ => &[],
    }
}

/// The candidate within a small edit distance of `word` (a transposition
/// counts as one edit: `inculde` is one from `include`), if one is.
fn closest_word(word: &str, candidates: &[&'static str]) -> Option<&'static str> {
    let word: Vec<char> = word.chars().take(40).collect();
    let limit = (word.len() / 3).max(1);
    candidates
        .iter()
        .map(|c| (osa_distance(&word, &c.chars().collect::<Vec<_>>()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and transpositions of neighbours. Both words are short (a keyword, and a
/// word capped at 40 characters).
fn osa_distance(a: &[char], b: &[char]) -> usize {
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// What "a name" stands for after a given keyword or token.
fn name_after(previous: &str, probe: Rule) -> Option<&'static str> {
    Some(match previous {
        "label" => "a language code (such as `ja`)",
        "use" => "a module name (such as `society5`)",
        "allow" if probe == Rule::probe_relation => "a source element kind",
        "->" if probe == Rule::probe_relation => "a target element kind",
        "->" => "the target element's path",
        "of" => "a viewpoint",
        "concerns" | "frames" | "addresses" => "a concern",
        "kinds" | "parents" => "an element kind",
        "relations" => "a relation kind",
        "affects" => "an element path",
        "group" if probe == Rule::probe_view => "a group name",
        "layer" if probe == Rule::probe_kind => "a layer",
        _ => return None,
    })
}

/// The text of the `///` comments (`docs`, in source order) that end right
/// before `start`.
pub(crate) fn doc_before(text: &str, docs: &[Span], start: usize) -> Option<String> {
    let mut index = docs.partition_point(|d| (d.end as usize) <= start);
    let mut boundary = start;
    let mut lines = Vec::new();
    while index > 0 {
        let doc = docs[index - 1];
        let gap = text.get(doc.end as usize..boundary)?;
        if !doc_gap(gap) {
            break;
        }
        let line = text.get(doc.range())?;
        let line = line.trim_start_matches("///");
        lines.push(line.strip_prefix(' ').unwrap_or(line).trim_end());
        boundary = doc.start as usize;
        index -= 1;
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

/// Where the next token after `from` starts in `text`, skipping layout and
/// `comments` (all of the text's, in source order).
pub(crate) fn skip_layout(text: &str, comments: &[Comment], from: usize) -> usize {
    let mut pos = from;
    loop {
        let Some(rest) = text.get(pos..) else {
            return pos;
        };
        pos += rest.len()
            - rest
                .trim_start_matches([' ', '\t', '\r', '\n', '\u{FEFF}'])
                .len();
        let i = comments.partition_point(|c| (c.span.start as usize) < pos);
        match comments.get(i) {
            Some(c) if c.span.start as usize == pos => pos = c.span.end as usize,
            _ => return pos,
        }
    }
}

/// True when `gap`, the text between a doc comment and what follows it, keeps
/// them together: layout and whole-line `//` comments (such as a
/// `kozo-allow` line), but no blank line.
fn doc_gap(gap: &str) -> bool {
    let bytes = gap.as_bytes();
    // The first line (the rest of the doc comment's) and the last (what
    // stands before the declaration on its line) must be blank; they are
    // found without reading what lies between, which is most often where
    // the answer is no.
    let Some(first_break) = memchr::memchr2(b'\n', b'\r', bytes) else {
        return gap.trim().is_empty();
    };
    let last_break = memchr::memrchr2(b'\n', b'\r', bytes).unwrap_or(first_break);
    if !gap[..first_break].trim().is_empty() || !gap[last_break + 1..].trim().is_empty() {
        return false;
    }
    // `\r\n` is one line break.
    let middle_start = first_break
        + if bytes[first_break..].starts_with(b"\r\n") {
            2
        } else {
            1
        };
    let middle_end = if last_break > 0 && bytes[last_break - 1..].starts_with(b"\r\n") {
        last_break - 1
    } else {
        last_break
    };
    if middle_start > middle_end {
        // One line break: no line between.
        return true;
    }
    // Lazily, line by line, stopping at the first line that is not a plain
    // comment: the gap back to an earlier doc comment can span the rest of
    // the file, and splitting all of it for every declaration made parsing
    // quadratic in a file with few doc comments.
    split_lines(&gap[middle_start..middle_end]).all(|line| {
        let line = line.trim();
        line.starts_with("//") && !line.starts_with("///")
    })
}

fn missing_ident(at: Span) -> Ident {
    Ident {
        text: SmolStr::default(),
        span: Span::empty(at.start as usize),
    }
}

fn missing_string(at: Span) -> StrLit {
    StrLit {
        value: String::new(),
        span: Span::empty(at.end as usize),
        triple: false,
    }
}

/// Applies `\" \\ \n \t \r \u{...}`. On a bad escape, returns its byte offset
/// inside `inner`, its length and a message.
fn unescape(inner: &str) -> Result<String, (usize, usize, String)> {
    if !inner.contains('\\') {
        return Ok(inner.to_string());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, 'u')) => {
                // `\u{` 1 to 6 hex digits `}`, all ASCII.
                let rest = &inner[at + 2..];
                let digits = rest
                    .strip_prefix('{')
                    .map(|r| r.bytes().take_while(u8::is_ascii_hexdigit).count());
                let hex = match digits {
                    Some(n @ 1..=6) if rest.as_bytes().get(n + 1) == Some(&b'}') => &rest[1..=n],
                    _ => {
                        let len = rest
                            .find(['}', '"', ' '])
                            .map_or(rest.len(), |i| i + usize::from(rest.as_bytes()[i] == b'}'));
                        return Err((
                            at,
                            2 + len,
                            "a `\\u` escape is written `\\u{...}` with 1 to 6 hex digits, such as `\\u{30C7}`"
                                .to_string(),
                        ));
                    }
                };
                let value = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                let Some(ch) = value else {
                    return Err((
                        at,
                        2 + hex.len() + 2,
                        format!("`\\u{{{hex}}}` is not a Unicode scalar value"),
                    ));
                };
                out.push(ch);
                // Skip `{`, the digits and `}` (ASCII: one char per byte).
                for _ in 0..hex.len() + 2 {
                    chars.next();
                }
            }
            Some((_, other)) => {
                return Err((
                    at,
                    1 + other.len_utf8(),
                    format!(
                        "unknown escape `\\{other}`: use `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r` or `\\u{{...}}`"
                    ),
                ))
            }
            None => {
                return Err((
                    at,
                    1,
                    "a `\\` must be followed by an escape: `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r` or `\\u{...}`"
                        .to_string(),
                ))
            }
        }
    }
    Ok(out)
}

fn error_offset(err: &pest::error::Error<Rule>) -> usize {
    match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// What a statement list of this kind accepts, in words.
fn statement_words(probe: Rule) -> &'static str {
    match probe {
        Rule::probe_top => TOP_STATEMENT_WORDS,
        Rule::probe_element => "a nested element, a relationship `a -> b`, a property `key = value`, `label`, `description` or `technology`",
        Rule::probe_layer => "`order`, `label`, `description` or a property",
        Rule::probe_kind => "`layer`, `parents`, `shape`, `label`, `description` or a property",
        Rule::probe_relation => "`from`, `to`, `allow`, `acyclic`, `downward`, `upward`, `same_kind`, `default`, `line`, `head`, `tail`, `label`, `description` or a property",
        Rule::probe_stakeholder => "`concerns`, `label`, `description` or a property",
        Rule::probe_viewpoint => "`frames`, `kinds`, `relations`, `show`, `label`, `description` or a property",
        Rule::probe_view => "`include`, `exclude`, `implied`, `direction`, `group`, `note`, `show`, `label`, `description` or a property",
        Rule::probe_group => "`include`, `label`, `description` or a property",
        Rule::probe_decision => "`status`, `addresses`, `affects`, `rationale`, `label`, `description` or a property",
        Rule::probe_relationship => "`technology`, `label`, `description` or a property",
        _ => "`label`, `description` or a property `key = value`",
    }
}

/// A grammar rule, in a modeller's words.
fn rule_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident | Rule::decl_name | Rule::bad_name => "a name",
        Rule::path => "a path",
        Rule::string | Rule::plain_string | Rule::triple_string => "a string in quotes",
        Rule::decl_label => "a label in quotes",
        Rule::module_name => "a module name (such as `society5`)",
        Rule::element_kind => "an element kind",
        Rule::relation_source => "an element path",
        Rule::relation_target => "the target element's path",
        Rule::relation_ref | Rule::relation_kind_list => "a relation kind",
        Rule::viewpoint_ref => "a viewpoint",
        Rule::view_of | Rule::kw_of => "`of`",
        Rule::language => "a language code (such as `ja`)",
        Rule::property_key => "a property name",
        Rule::value => "a value (a string, number, path or `[list]`)",
        Rule::number | Rule::order_value => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::layer_ref => "a layer",
        Rule::kind_ref | Rule::kind_list => "an element kind",
        Rule::kind_pattern_list => "an element kind or `*`",
        Rule::allow_sources => "a source element kind",
        Rule::allow_targets => "a target element kind",
        Rule::semicolon => "`;`",
        Rule::shape_name => {
            "a shape (box, rounded, cylinder, person, component, folder or hexagon)"
        }
        Rule::concern_ref | Rule::concern_list => "a concern",
        Rule::element_ref | Rule::element_list => "an element path",
        Rule::selector | Rule::selector_list => "an element path, `x.*`, `x.**` or `*`",
        Rule::selector_depth => "`.*` or `.**`",
        Rule::status_value => "a status (proposed, accepted, superseded or rejected)",
        Rule::implied_value => "`off` or `on`",
        Rule::direction_value => "a direction (`down` or `right`)",
        Rule::line_style => "a line style (`solid`, `dashed` or `dotted`)",
        Rule::show_item | Rule::show_list => "`description`, `technology` or `none`",
        Rule::end_mark => {
            "an end mark (arrow, open, triangle, hollow_triangle, diamond, hollow_diamond, circle or none)"
        }
        Rule::pattern_source => "an element path",
        Rule::pattern_target => "the target element's path",
        Rule::relation_pattern => "a relationship `a -> b`",
        Rule::arrow => "`->`",
        Rule::colon => "`:`",
        Rule::lbrace
        | Rule::plain_body
        | Rule::element_body
        | Rule::layer_body
        | Rule::kind_body
        | Rule::relation_body
        | Rule::stakeholder_body
        | Rule::viewpoint_body
        | Rule::view_body
        | Rule::group_body
        | Rule::decision_body
        | Rule::relationship_body => "`{`",
        Rule::rbrace => "`}`",
        Rule::equals => "`=`",
        Rule::star => "`*`",
        Rule::lbracket | Rule::list => "`[`",
        Rule::rbracket => "`]`",
        Rule::kw_use => "`use`",
        Rule::kw_layer => "`layer`",
        Rule::kw_kind => "`kind`",
        Rule::kw_relation => "`relation`",
        Rule::kw_concern => "`concern`",
        Rule::kw_stakeholder => "`stakeholder`",
        Rule::kw_viewpoint => "`viewpoint`",
        Rule::kw_view => "`view`",
        Rule::kw_decision => "`decision`",
        Rule::kw_label => "`label`",
        Rule::kw_description => "`description`",
        _ => return None,
    })
}

fn join_alternatives(words: &[&str]) -> String {
    match words {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The token just before `pos`: a word, `->`, `"` for a string, or one character.
fn previous_token(text: &str, pos: usize) -> Option<&str> {
    let before = text.get(..pos)?.trim_end();
    let last = before.chars().next_back()?;
    if is_ident_char(last) {
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_ident_char(*c))
            .last()
            .map_or(before.len(), |(i, _)| i);
        return Some(&before[start..]);
    }
    if before.ends_with("->") {
        return Some("->");
    }
    Some(&before[before.len() - last.len_utf8()..])
}

/// The example element declaration in [`TOP_STATEMENT_WORDS`]: the
/// engine, which knows the workspace's kinds, puts one of them in its place.
pub const ELEMENT_EXAMPLE: &str = "`system bms`";

/// What a file's statement list accepts, in words.
const TOP_STATEMENT_WORDS: &str = "a declaration (such as `system bms`, `concern privacy`, `view v of vp`) or a relationship `a -> b`";

/// What a string written after a declaration's label is told.
pub const SECOND_STRING_MESSAGE: &str = "a declaration takes one string, its label: a description is written `description \"...\"` (and a technology `technology \"...\"`) inside its body `{ ... }`";

/// Where the closed string starting at `pos` ends, if it is closed on its line
/// (or, for `"""`, anywhere).
fn string_end(text: &str, pos: usize) -> Option<usize> {
    let rest = text.get(pos..)?;
    if let Some(body) = rest.strip_prefix("\"\"\"") {
        return body.find("\"\"\"").map(|i| pos + 3 + i + 3);
    }
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(pos + i + 1),
            '\\' => {
                chars.next();
            }
            '\n' | '\r' => return None,
            _ => {}
        }
    }
    None
}

/// Where the token starting at `pos` ends (at least one character on).
fn next_token_end(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    let mut chars = rest.char_indices();
    match chars.next() {
        None => pos,
        Some(_) if rest.starts_with("->") => pos + 2,
        Some((_, c)) if is_ident_char(c) => {
            pos + rest
                .char_indices()
                .find(|(_, c)| !is_ident_char(*c))
                .map_or(rest.len(), |(i, _)| i)
        }
        Some((_, c)) => pos + c.len_utf8(),
    }
}

/// The token at `pos`, in words for "found ...". When a name was expected,
/// a keyword found instead is explained.
fn describe_found(text: &str, pos: usize, name_expected: bool) -> String {
    let rest = text.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some('"') => "a string".to_string(),
        Some(c) if c.is_whitespace() => "the end of the line".to_string(),
        Some(_) => {
            let token = &text[pos..next_token_end(text, pos)];
            if is_keyword(token) && name_expected {
                format!("the keyword `{token}` (keywords cannot be used as names)")
            } else if is_keyword(token) {
                format!("the keyword `{token}`")
            } else {
                format!("`{token}`")
            }
        }
    }
}

/// Finds the first `{` or `[` that opens a level deeper than [`MAX_NESTING`],
/// skipping strings and comments the way the grammar does.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    /// The bytes the scan stops at; most of a file is none of them, and a
    /// look-up per byte passes them in a tight loop.
    const STOPS: [bool; 256] = {
        let mut stops = [false; 256];
        let mut k = 0;
        while k < 6 {
            stops[b"\"/{[}]"[k] as usize] = true;
            k += 1;
        }
        stops
    };
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i..].iter().position(|&b| STOPS[b as usize]) {
            Some(next) => i += next,
            None => break,
        }
        match bytes[i] {
            b'"' | b'/' => {
                i = skip_string_or_comment(bytes, i).unwrap_or(i + 1);
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// If a string or comment starts at `i`, the offset just past it. A string
/// left open is not one: the grammar skips its quote as one character of
/// error text and reads on, so comments after it on the line count.
fn skip_string_or_comment(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = &bytes[i..];
    if rest.starts_with(b"\"\"\"") {
        return find(&rest[3..], b"\"\"\"").map(|e| i + 3 + e + 3);
    }
    if rest.starts_with(b"\"") {
        let mut j = i + 1;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' if !matches!(bytes.get(j + 1), None | Some(b'\n' | b'\r')) => j += 2,
                b'"' => return Some(j + 1),
                b'\n' | b'\r' | b'\\' => return None,
                _ => j += 1,
            }
        }
        return None;
    }
    if rest.starts_with(b"//") {
        return Some(line_end(rest).map_or(bytes.len(), |e| i + e));
    }
    if rest.starts_with(b"/*") {
        return Some(find(&rest[2..], b"*/").map_or(bytes.len(), |e| i + 2 + e + 2));
    }
    None
}

/// The characters that end a line: `\n`, `\r\n` and a lone `\r` all do
/// (as for LSP clients), so searching for either finds the end of a line.
pub(crate) const LINE_BREAKS: [char; 2] = ['\n', '\r'];

/// The lines of `text`, each without its line break (`\n`, `\r\n` or `\r`).
pub(crate) fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        // Bytes, not chars: both breaks are ASCII, and a byte search does
        // not decode the text it passes.
        match memchr::memchr2(b'\n', b'\r', current.as_bytes()) {
            Some(i) => {
                let skip = if current[i..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = Some(&current[i + skip..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// How many line breaks `text` holds (`\r\n` counts once).
pub(crate) fn count_line_breaks(text: &str) -> usize {
    split_lines(text).count() - 1
}

/// Where the first line break (`\n` or `\r`) in `bytes` is.
pub(crate) fn line_end(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n' || b == b'\r')
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Every comment of the file, found by the same lexing rules as the grammar.
pub fn scan_comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Only a quote or a slash starts a string or a comment: jump to the
        // next one (a search of the bytes, not a step per byte).
        match memchr::memchr2(b'"', b'/', &bytes[i..]) {
            Some(next) => i += next,
            None => break,
        }
        match bytes[i] {
            b'"' | b'/' => {
                if let Some(end) = skip_string_or_comment(bytes, i) {
                    let slice = &bytes[i..end];
                    let kind = if slice.starts_with(b"/*") {
                        Some(CommentKind::Block)
                    } else if slice.starts_with(b"///") && !slice.starts_with(b"////") {
                        Some(CommentKind::Doc)
                    } else if slice.starts_with(b"//") {
                        Some(CommentKind::Line)
                    } else {
                        None
                    };
                    if let Some(kind) = kind {
                        comments.push(Comment {
                            kind,
                            span: Span::new(i, end),
                        });
                    }
                    i = end.max(i + 1);
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    comments
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn unescape_applies_every_escape() {
        assert_eq!(unescape("plain").unwrap(), "plain");
        assert_eq!(unescape(r#"a\"b\\c\nd\te\rf"#).unwrap(), "a\"b\\c\nd\te\rf");
        assert_eq!(unescape(r"\u{41}\u{65E5}\u{1F600}").unwrap(), "A日😀");
        assert_eq!(unescape(r"\u{10FFFF}").unwrap(), "\u{10FFFF}");
        assert_eq!(unescape(r"日本\n語").unwrap(), "日本\n語");
    }

    #[test]
    fn unescape_locates_a_bad_escape() {
        let (at, len, message) = unescape(r"ab\qc").unwrap_err();
        assert_eq!((at, len), (2, 2));
        assert!(message.starts_with("unknown escape `\\q`"), "{message}");
        // Offsets are bytes, after multi-byte text.
        let (at, len, _) = unescape(r"日本\é").unwrap_err();
        assert_eq!((at, len), (6, 3));
    }

    #[test]
    fn unescape_checks_unicode_escapes() {
        let scalar = |s: &str| unescape(s).unwrap_err();
        let (at, len, message) = scalar(r"x\u{D800}y");
        assert_eq!((at, len), (1, 8));
        assert_eq!(message, "`\\u{D800}` is not a Unicode scalar value");
        assert_eq!(scalar(r"\u{110000}").1, 10);
        for malformed in [
            r"\u{}",
            r"\u{1234567}",
            r"\u41",
            r"\u{12",
            r"\u{+41}",
            r"\u{日}",
            r"\u",
        ] {
            let (at, len, message) = unescape(malformed).unwrap_err();
            assert_eq!(at, 0, "{malformed}");
            assert!(len <= malformed.len(), "{malformed}");
            assert!(malformed.is_char_boundary(at + len), "{malformed}");
            assert!(
                message.contains("1 to 6 hex digits"),
                "{malformed}: {message}"
            );
        }
        // A trailing backslash (not reachable through the grammar).
        assert_eq!(unescape("x\\").unwrap_err().0, 1);
    }

    fn comments(text: &str) -> Vec<(CommentKind, &str)> {
        scan_comments(text)
            .into_iter()
            .map(|c| (c.kind, &text[c.span.range()]))
            .collect()
    }

    #[test]
    fn scan_comments_finds_each_kind() {
        use CommentKind::*;
        assert_eq!(
            comments("// a\n/// b\r\n//// c\n/* d\n */ x /**/"),
            vec![
                (Line, "// a"),
                (Doc, "/// b"),
                (Line, "//// c"),
                (Block, "/* d\n */"),
                (Block, "/**/"),
            ]
        );
    }

    #[test]
    fn scan_comments_skips_strings() {
        assert_eq!(
            comments(r#"x = "// no" y = """/* no */""" // yes"#).len(),
            1
        );
        assert_eq!(comments(r#"x = "\" // still in the string""#), vec![]);
        // A string left open does not hide a comment after it: the grammar
        // reads on after its quote too.
        assert_eq!(
            comments("x = \"open // yes\ny"),
            vec![(CommentKind::Line, "// yes")]
        );
        assert_eq!(
            comments("x = \"\"\"open /* yes */"),
            vec![(CommentKind::Block, "/* yes */")]
        );
    }

    #[test]
    fn scan_comments_runs_an_open_block_comment_to_the_end() {
        assert_eq!(
            comments("a /* open\nb"),
            vec![(CommentKind::Block, "/* open\nb")]
        );
        assert_eq!(comments("a /*/"), vec![(CommentKind::Block, "/*/")]);
    }

    #[test]
    fn open_block_comment_is_an_error() {
        let parse = parse("system a\n/*/ system b");
        assert_eq!(parse.tree.items.len(), 1);
        assert_eq!(parse.errors.len(), 1);
        assert_eq!(parse.errors[0].span, Span::new(9, 11));
        assert!(parse.errors[0].message.contains("`*/`"));
    }

    fn doc_of(text: &str) -> Option<String> {
        let parse = parse(text);
        assert_eq!(parse.errors, vec![], "{text}");
        match parse.tree.items.last() {
            Some(Item::Decl(d)) => d.doc.clone(),
            Some(Item::Relationship(r)) => r.doc.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn doc_comments_reach_through_line_comments_not_blank_lines() {
        assert_eq!(
            doc_of("/// Kept.\n// kozo-allow: orphan-element\nsystem a").as_deref(),
            Some("Kept.")
        );
        assert_eq!(doc_of("/// Lost.\n\nsystem a"), None);
        assert_eq!(doc_of("/// Lost.\n// note\n\nsystem a"), None);
    }

    #[test]
    fn doc_before_joins_consecutive_doc_lines() {
        assert_eq!(doc_of("/// one\nsystem a").as_deref(), Some("one"));
        assert_eq!(
            doc_of("/// one\n///  two\n///\n/// four\nsystem a").as_deref(),
            Some("one\n two\n\nfour")
        );
        assert_eq!(
            doc_of("///one\r\n  ///two  \r\nsystem a").as_deref(),
            Some("one\ntwo")
        );
        assert_eq!(doc_of("/// rel\na -> b").as_deref(), Some("rel"));
    }

    #[test]
    fn doc_before_stops_at_anything_but_layout() {
        assert_eq!(doc_of("/// far\n\nsystem a"), None);
        assert_eq!(doc_of("/// doc\n/* block */ system a"), None);
        assert_eq!(doc_of("//// four slashes\nsystem a"), None);
        assert_eq!(doc_of("/// of a\nsystem a\nsystem b"), None);
        // Only the run right before the declaration counts.
        assert_eq!(
            doc_of("/// old\n\n/// new\nsystem a").as_deref(),
            Some("new")
        );
    }

    #[test]
    fn too_deep_ignores_strings_and_comments() {
        let deep = "{".repeat(MAX_NESTING + 1);
        assert_eq!(too_deep(&deep), Some(MAX_NESTING));
        assert_eq!(too_deep(&"{".repeat(MAX_NESTING)), None);
        assert_eq!(too_deep(&format!("\"{deep}\"")), None);
        assert_eq!(too_deep(&format!("\"\"\"\n{deep}\n\"\"\"")), None);
        assert_eq!(too_deep(&format!("// {deep}")), None);
        assert_eq!(too_deep(&format!("/* {deep} */")), None);
        // Closing brackets bring the depth back down.
        assert_eq!(too_deep(&"{}".repeat(1000)), None);
        assert_eq!(too_deep(&"[".repeat(MAX_NESTING + 1)), Some(MAX_NESTING));
    }

    #[test]
    fn unterminated_string_tells_open_from_closed() {
        assert_eq!(unterminated_string(r#""closed""#, 0), None);
        assert_eq!(unterminated_string(r#""esc\"aped""#, 0), None);
        assert_eq!(unterminated_string("\"\"\"a\nb\"\"\"", 0), None);
        assert_eq!(unterminated_string("\"open\nx\"", 0).map(|r| r.0), Some(1));
        assert_eq!(
            unterminated_string("\"open\\\nx\"", 0).map(|r| r.0),
            Some(1)
        );
        assert_eq!(unterminated_string("\"\"\"open", 0).map(|r| r.0), Some(3));
        assert_eq!(unterminated_string("x", 0), None);
        assert_eq!(unterminated_string("x", 5), None);
    }

    #[test]
    fn tokens_around_a_position() {
        assert_eq!(previous_token("a -> ", 5), Some("->"));
        assert_eq!(previous_token("label 建物 ", 12), Some("建物"));
        assert_eq!(previous_token("x \"s\" ", 6), Some("\""));
        assert_eq!(previous_token("  ", 2), None);
        assert_eq!(next_token_end("-> b", 0), 2);
        assert_eq!(next_token_end("データ_hub2 x", 0), "データ_hub2".len());
        assert_eq!(next_token_end("{x", 0), 1);
        assert_eq!(next_token_end("", 0), 0);
        assert_eq!(
            describe_found("x view", 2, true),
            "the keyword `view` (keywords cannot be used as names)"
        );
        assert_eq!(describe_found("x view", 2, false), "the keyword `view`");
        assert_eq!(describe_found("x", 1, true), "the end of the file");
        assert_eq!(describe_found("x \"s\"", 2, true), "a string");
    }

    #[test]
    fn statement_spans_leave_out_trailing_layout_and_comments() {
        let text = "view v of vp // note\n\nrelation r { from a, b /* c */ }\na -> b : k /* x */\n";
        let parse = parse(text);
        assert_eq!(parse.errors, vec![]);
        let written: Vec<&str> = parse
            .tree
            .items
            .iter()
            .map(|i| &text[i.span().range()])
            .collect();
        assert_eq!(
            written,
            vec![
                "view v of vp",
                "relation r { from a, b /* c */ }",
                "a -> b : k"
            ]
        );
        let Item::Decl(relation) = &parse.tree.items[1] else {
            panic!()
        };
        assert_eq!(&text[relation.entries()[0].span().range()], "from a, b");
    }

    #[test]
    fn each_line_break_ends_a_line_comment() {
        // A lone `\r` ends a line for LSP clients: the comment must not hide
        // what an editor shows on the next line.
        for br in ["\n", "\r\n", "\r"] {
            let text = format!("system c // note{br}system d{br}x!{br}system e /// doc{br}");
            let parse = parse(&text);
            let names: Vec<&str> = parse
                .tree
                .items
                .iter()
                .filter_map(|i| match i {
                    crate::Item::Decl(d) => Some(d.name.text.as_str()),
                    _ => None,
                })
                .collect();
            assert_eq!(names, ["c", "d", "e"], "line break {br:?}");
            assert_eq!(
                parse.errors.len(),
                1,
                "line break {br:?}: {:?}",
                parse.errors
            );
            let comments: Vec<&str> = parse
                .comments
                .iter()
                .map(|c| &text[c.span.range()])
                .collect();
            assert_eq!(comments, ["// note", "/// doc"], "line break {br:?}");
        }
    }

    #[test]
    fn lines_split_on_each_line_break() {
        let lines: Vec<&str> = super::split_lines("a\nb\r\nc\rd").collect();
        assert_eq!(lines, ["a", "b", "c", "d"]);
        assert_eq!(super::count_line_breaks("a\r\n\r\n\rb\n"), 4);
        assert_eq!(super::count_line_breaks("ab"), 0);
    }

    // ------------------------------------------------ statement by statement

    /// Both readings of `text` (see [`Reading`]), which must be equal.
    /// The parse by statement (with the quick reader) and the parse of the
    /// whole file by pest; the quick reader's parse is first checked
    /// against pest's by statement, which differs from it only there.
    fn both_readings(text: &str) -> (Parse, Parse) {
        let by_statement = parse_reading(text, Reading::ByStatement);
        assert_eq!(
            by_statement,
            parse_reading(text, Reading::PestOnly),
            "quick reader: {text:?}"
        );
        (by_statement, parse_reading(text, Reading::WholeFile))
    }

    /// The parser's own fixtures and the formatter's, and the examples.
    pub(crate) fn sample_files() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        for dir in ["tests/fixtures", "tests/format", "../examples"] {
            let mut stack = vec![root.join(dir)];
            while let Some(dir) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "kozo") {
                        if let Ok(text) = std::fs::read_to_string(&path) {
                            texts.push(text);
                        }
                    }
                }
            }
        }
        texts.sort();
        texts
    }

    #[test]
    fn each_sample_and_its_prefixes_read_the_same_by_statement() {
        let samples = sample_files();
        assert!(samples.len() > 20, "{} samples", samples.len());
        for text in &samples {
            // Every line boundary and every 31st character: files cut
            // short reach most of the recovery paths.
            let cuts = text
                .char_indices()
                .filter(|&(i, c)| c == '\n' || i % 31 == 0)
                .map(|(i, _)| i)
                .chain([text.len()]);
            for cut in cuts {
                let (by_statement, whole) = both_readings(&text[..cut]);
                assert_eq!(by_statement, whole, "{:?}", &text[..cut]);
            }
        }
    }

    /// `doc_gap` as it reads: split into lines, each checked in turn.
    fn doc_gap_by_lines(gap: &str) -> bool {
        let lines: Vec<&str> = split_lines(gap).collect();
        let (first, last) = (lines[0], lines[lines.len() - 1]);
        first.trim().is_empty()
            && last.trim().is_empty()
            && (lines.len() < 3
                || lines[1..lines.len() - 1].iter().all(|line| {
                    let line = line.trim();
                    line.starts_with("//") && !line.starts_with("///")
                }))
    }

    #[test]
    fn doc_gap_reads_lines_as_written() {
        let pieces = ["\n", "\r\n", "\r", " ", "\u{3000}", "// c", "/// d", "x"];
        // Every sequence of up to four pieces.
        let mut gaps = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = gaps
                .iter()
                .flat_map(|g| pieces.iter().map(move |p| format!("{g}{p}")))
                .collect();
            gaps.extend(longer);
            gaps.sort();
            gaps.dedup();
        }
        for gap in &gaps {
            assert_eq!(doc_gap(gap), doc_gap_by_lines(gap), "{gap:?}");
        }
    }

    /// Words, marks and layout the grammar treats specially.
    pub(crate) const PIECES: &[&str] = &[
        " ",
        "  ",
        "\n",
        "\r\n",
        "\r",
        "\t",
        "\u{FEFF}",
        "{",
        "}",
        "[",
        "]",
        "->",
        "-",
        ":",
        ",",
        ";",
        "=",
        "*",
        ".",
        ".*",
        ".**",
        "\"",
        "\"\"\"",
        "\"x\"",
        "\"\\q\"",
        "\\",
        "//",
        "///",
        "/* c */",
        "/*",
        "*/",
        "library",
        "extend",
        "use",
        "society5",
        "system",
        "component",
        "layer",
        "kind",
        "relation",
        "concern",
        "stakeholder",
        "viewpoint",
        "view",
        "of",
        "decision",
        "group",
        "label",
        "ja",
        "description",
        "technology",
        "show",
        "order",
        "parents",
        "shape",
        "box",
        "from",
        "to",
        "allow",
        "upward",
        "same_kind",
        "acyclic",
        "downward",
        "default",
        "line",
        "dashed",
        "head",
        "tail",
        "arrow",
        "concerns",
        "frames",
        "kinds",
        "relations",
        "include",
        "exclude",
        "implied",
        "off",
        "direction",
        "right",
        "note",
        "status",
        "accepted",
        "addresses",
        "affects",
        "rationale",
        "a",
        "b",
        "bms",
        "data-hub",
        "建物",
        "データ_hub2",
        "\"ラベル\"",
        "42",
        "-1.5",
        "true",
        "é",
        "!",
    ];

    fn soup() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|p| p.concat())
    }

    /// A sample file with some characters cut out or pieces put in.
    fn mangled_sample() -> impl Strategy<Value = String> {
        (
            prop::sample::select(sample_files()),
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    any::<bool>(),
                    prop::sample::select(PIECES),
                ),
                1..8,
            ),
        )
            .prop_map(|(text, edits)| {
                let mut chars: Vec<char> = text.chars().collect();
                for (at, cut, piece) in edits {
                    let i = at.index(chars.len() + 1);
                    if cut && i < chars.len() {
                        chars.remove(i);
                    } else {
                        chars.splice(i..i, piece.chars());
                    }
                }
                chars.into_iter().collect()
            })
    }

    /// Layout between tokens, comments and the byte-order mark included;
    /// then none at all.
    const LAYOUT: (&[&str], &[&str]) = (
        &[
            " ", " ", " ", "\n", "\n  ", "\r\n", "\r", "\t", "/* c */", "/*/ c */", "// c\n",
            "/// d\n", "\u{FEFF}",
        ],
        &[""],
    );

    /// Words where a name may stand: names, then what only looks like one.
    const NAMES: (&[&str], &[&str]) = (
        &["a", "b_2", "_x", "建物", "é", "x1"],
        &[
            "data-hub",
            "a-",
            "a->b",
            "a.b",
            "a.",
            "a.view",
            "view",
            "label",
            "description",
            "technology",
            "true",
            "library",
            "extend",
            "of",
            "2x",
        ],
    );

    /// Strings: closed, then open or with bad escapes.
    const STRINGS: (&[&str], &[&str]) = (
        &[
            "\"L\"",
            "\"ラベル\"",
            "\"\"",
            "\"a\\\"b\"",
            "\"\\u{41}\\n\"",
            "\"\"\"x\ny\"\"\"",
            "\"\"\"\r\nx\"\"\"",
            "\"\"\"\"x\"\"\"",
        ],
        &[
            "\"\\u{D800}\"",
            "\"\\q\"",
            "\"\\\n\"",
            "\"open",
            "\"\"\"open",
        ],
    );

    /// Property values: well formed, then not (or not all of it).
    const VALUES: (&[&str], &[&str]) = (
        &[
            "1",
            "1.5",
            "-3",
            "true",
            "truex",
            "false",
            "a.b",
            "b",
            "[1, 2,]",
            "[]",
            "[ ]",
            "[a, [true, \"x\"]]",
            "\"s\"",
        ],
        &[
            "1.", "-", "-x", "1.5.2", "2x", "3é", "a.", "[,]", "[1 2]", "[1,",
        ],
    );

    /// Mostly a word of the first list, sometimes one of the second.
    fn words(
        (good, odd): (&'static [&'static str], &'static [&'static str]),
    ) -> BoxedStrategy<String> {
        prop_oneof![60 => pick(good), 1 => pick(odd)].boxed()
    }

    /// A value: one that is read only in part is no rarer than one read
    /// whole (an odd value ends its statement's reading, not its file's).
    fn values() -> BoxedStrategy<String> {
        let (good, odd) = VALUES;
        prop_oneof![2 => pick(good), 1 => pick(odd)].boxed()
    }

    fn pick(words: &'static [&'static str]) -> BoxedStrategy<String> {
        prop::sample::select(words).prop_map(str::to_string).boxed()
    }

    /// Tokens joined by layout.
    fn spaced(tokens: Vec<BoxedStrategy<String>>) -> BoxedStrategy<String> {
        let n = tokens.len();
        (tokens, prop::collection::vec(words(LAYOUT), n))
            .prop_map(|(tokens, layout)| {
                let mut out = String::new();
                for (token, space) in tokens.iter().zip(&layout) {
                    out.push_str(token);
                    out.push_str(space);
                }
                out
            })
            .boxed()
    }

    fn maybe(s: BoxedStrategy<String>) -> BoxedStrategy<String> {
        prop_oneof![3 => Just(String::new()), 2 => s].boxed()
    }

    /// Element declarations and relationships nested in bodies: the
    /// statements the quick reader reads, and text close to them.
    fn statements() -> BoxedStrategy<String> {
        let leaf = prop_oneof![
            spaced(vec![
                Just("label".to_string()).boxed(),
                words(NAMES),
                words(STRINGS)
            ]),
            spaced(vec![
                Just("description".to_string()).boxed(),
                maybe(words(NAMES)),
                words(STRINGS)
            ]),
            spaced(vec![words(NAMES), Just("=".to_string()).boxed(), values()]),
            spaced(vec![
                Just("technology".to_string()).boxed(),
                prop_oneof![6 => words(STRINGS), 1 => words(NAMES)].boxed()
            ]),
            spaced(vec![words(NAMES), words(NAMES), maybe(words(STRINGS))]),
            spaced(vec![
                words(NAMES),
                Just("->".to_string()).boxed(),
                words(NAMES),
                maybe(spaced(vec![Just(":".to_string()).boxed(), words(NAMES)])),
                maybe(words(STRINGS))
            ]),
        ];
        let leaf = prop_oneof![60 => leaf, 1 => pick(PIECES)];
        leaf.prop_recursive(3, 16, 3, |inner| {
            let body = (
                prop::collection::vec(inner, 0..4),
                prop_oneof![6 => Just("}"), 1 => Just("")],
            )
                .prop_map(|(entries, close)| format!("{{ {}{close}", entries.join("\n  ")))
                .boxed();
            prop_oneof![
                spaced(vec![
                    words(NAMES),
                    words(NAMES),
                    maybe(words(STRINGS)),
                    body.clone()
                ]),
                spaced(vec![
                    words(NAMES),
                    Just("->".to_string()).boxed(),
                    words(NAMES),
                    maybe(spaced(vec![Just(":".to_string()).boxed(), words(NAMES)])),
                    maybe(words(STRINGS)),
                    body
                ]),
            ]
            .boxed()
        })
        .boxed()
    }

    fn statement_files() -> impl Strategy<Value = String> {
        prop::collection::vec((statements(), words(LAYOUT)), 1..6).prop_map(|parts| {
            parts
                .into_iter()
                .map(|(statement, layout)| format!("{statement}{layout}\n"))
                .collect()
        })
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn soup_reads_the_same_by_statement(text in soup()) {
            let (by_statement, whole) = both_readings(&text);
            prop_assert_eq!(by_statement, whole);
        }

        #[test]
        fn mangled_samples_read_the_same_by_statement(text in mangled_sample()) {
            let (by_statement, whole) = both_readings(&text);
            prop_assert_eq!(by_statement, whole);
        }

        #[test]
        fn nested_statements_read_the_same_by_statement(text in statement_files()) {
            let (by_statement, whole) = both_readings(&text);
            prop_assert_eq!(by_statement, whole);
        }
    }
}
