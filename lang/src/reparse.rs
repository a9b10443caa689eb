//! Re-parsing a file after an edit: the top-level statements before and
//! after the edit are taken from the old parse (those after it moved by the
//! change in length), and only the statements in between are read again.
//!
//! Architecture invariant: whenever `old == parse(old_text)`,
//! `reparse(old, old_text, new_text) == parse(new_text)`: tree, comments and
//! errors alike. Where an edit does not let that be shown, the whole text
//! is parsed.
//!
//! Why a statement can be kept. The parser reads one top-level statement at
//! a time (see `parser.rs`): pest reads statement `k` from where `k - 1`
//! ended, and the tree built from it looks back only at the layout before
//! it (its `///` doc comments) and, to word an error, at the last token
//! before it. So:
//!
//! - A statement *after* the edit, read from the same text (the rest of the
//!   file, unchanged) is the same statement, moved. It is kept when the
//!   statements read again end exactly where it starts, and it starts a
//!   line with a name that is no keyword (a *clean start*, see
//!   [`clean_start`]): the last token before it then never changes how an
//!   error in it is worded. Its doc comment, which may lie in the edited
//!   text, is read again.
//! - A statement *before* the edit may look past its own end: at the next
//!   token (a `"` could be its label, a `{` its body, `of` its viewpoint),
//!   and through a `"""` string or `/* */` comment it tries to read, to
//!   where that closes. It is kept when the statement after it has a clean
//!   start at least [`LOOKAHEAD`] bytes before the first changed byte, and
//!   every `"""` and `/*` before that start closes before the change (or
//!   is the closing `"""` of a string in the kept tree). At a clean start,
//!   a rule of the statement before that wants a name would take the word
//!   there, and the statement would reach past it (after a name that is
//!   not a statement's first word, nothing more is required); so pest only
//!   tried keywords and marks there, each a few bytes long.
//!
//! What depends on the whole file is checked on the whole new text: the
//! comments (scanned again, and required to be the old ones in the kept
//! parts), nesting too deep (then everything is parsed), and the repair of
//! a `{` left open, which re-parses the whole file (the kept and new bodies
//! are asked whether it would happen; if so, everything is parsed).

use memchr::memmem;

use crate::ast::*;
use crate::parser::{
    doc_before, doc_spans, first_repair, parse, parse_region, scan_comments, skip_layout, too_deep,
    unclosed_comments, Parse, Unclosed, REPAIRED_BODY, TOO_DEEP, UNCLOSED_COMMENT, UNREADABLE,
};

/// How far past the clean start of the next statement a statement's parse
/// may read: the bytes of a keyword it tries there and finds no match for
/// (`of` after a view, `layer`, `kind` or `relation` after `extend`; a
/// string, a `{`, `:` or a comment take fewer), at most 8.
const LOOKAHEAD: usize = 8;

/// How many statement starts before the edit are tried as the place to
/// start reading again, at most (a file whose statements all share a line
/// or are indented has none).
const MAX_TRIES: usize = 64;

/// The parse of `new_text`, reusing the statements of `old` (the parse of
/// `old_text`) that the edit from `old_text` to `new_text` cannot have
/// changed. Always equal to `parse(new_text)` when `old` is
/// `parse(old_text)`; with any other `old` the result is unspecified, but
/// nothing panics.
///
/// ```
/// let old_text = "system a \"A\"\n\nsystem b \"B\"\n\nsystem c \"C\"\n";
/// let new_text = "system a \"A\"\n\nsystem b \"Bee\"\n\nsystem c \"C\"\n";
/// let old = kozo_lang::parse(old_text);
/// assert_eq!(kozo_lang::reparse(&old, old_text, new_text), kozo_lang::parse(new_text));
/// ```
pub fn reparse(old: &Parse, old_text: &str, new_text: &str) -> Parse {
    match reuse(old, old_text, new_text) {
        Some((parse, _)) => parse,
        None => parse(new_text),
    }
}

/// How many top-level statements of the old parse a new one kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Kept {
    /// Before the edit.
    before: usize,
    /// After the edit.
    after: usize,
}

/// The new parse built from the old one, or `None` where the edit does not
/// allow it.
fn reuse(old: &Parse, old_text: &str, new_text: &str) -> Option<(Parse, Kept)> {
    let (old_bytes, new_bytes) = (old_text.as_bytes(), new_text.as_bytes());
    let changed = common_prefix(old_bytes, new_bytes);
    if changed == old_bytes.len() && changed == new_bytes.len() {
        let all = old.tree.items.len();
        return Some((
            old.clone(),
            Kept {
                before: all,
                after: 0,
            },
        ));
    }
    // A parse that was repaired, cut short or not read depends on the whole
    // file; so does one of a new text nested too deeply.
    if old.errors.iter().any(|e| whole_file_error(&e.message)) || too_deep(new_text).is_some() {
        return None;
    }
    let same_end = common_suffix(
        old_bytes,
        new_bytes,
        old_bytes.len().min(new_bytes.len()) - changed,
    );
    // Where the unchanged rest of the file starts in the old text.
    let old_rest = old_bytes.len() - same_end;
    let delta = new_bytes.len() as i64 - old_bytes.len() as i64;

    let comments = scan_comments(new_text);
    let docs = doc_spans(&comments);
    let items = &old.tree.items;
    let (kept, start) = prefix_boundary(old_text, items, changed);
    if !same_comments_before(&old.comments, &comments, start) {
        return None;
    }

    // Read from `start` until the statements read end where a statement
    // of the old parse after the edit starts.
    let mut next = items.partition_point(|item| (item.span().start as usize) < old_rest);
    let mut resumed = None;
    let mut searching = true;
    let region = parse_region(new_text, &comments, &docs, start, |pos| {
        if !searching {
            return false;
        }
        let at = skip_layout(new_text, &comments, pos);
        while items
            .get(next)
            .is_some_and(|item| moved(item.span().start, delta) < at as i64)
        {
            next += 1;
        }
        let Some(item) = items.get(next) else {
            searching = false;
            return false;
        };
        let old_at = item.span().start as usize;
        if moved(item.span().start, delta) != at as i64 || !clean_start(new_text, at) {
            return false;
        }
        if !same_comments_after(&old.comments, old_at, &comments, at, delta) {
            searching = false;
            return false;
        }
        resumed = Some(next);
        true
    });
    if region.errors.iter().any(|e| e.message == UNREADABLE) {
        return None;
    }

    let mut errors = Vec::new();
    unclosed_comments(new_text, &comments, &mut errors);
    let statement_errors = || old.errors.iter().filter(|e| e.message != UNCLOSED_COMMENT);
    errors.extend(
        statement_errors()
            .filter(|e| (e.span.start as usize) < start)
            .cloned(),
    );
    errors.extend(region.errors);
    let mut new_items = Vec::with_capacity(items.len() + region.tree.items.len());
    new_items.extend_from_slice(&items[..kept]);
    new_items.extend(region.tree.items);
    if let Some(resumed) = resumed {
        let from = items[resumed].span().start;
        let first = new_items.len();
        new_items.extend(items[resumed..].iter().map(|item| {
            let mut item = item.clone();
            shift_item(&mut item, delta);
            item
        }));
        // Its doc comment may lie in the edited text.
        match &mut new_items[first] {
            Item::Decl(decl) => decl.doc = doc_before(new_text, &docs, decl.span.start as usize),
            Item::Relationship(rel) => {
                rel.doc = doc_before(new_text, &docs, rel.span.start as usize)
            }
            Item::Use(_) | Item::Error(_) => {}
        }
        errors.extend(
            statement_errors()
                .filter(|e| e.span.start >= from)
                .map(|e| {
                    let mut e = e.clone();
                    shift_span(&mut e.span, delta);
                    e
                }),
        );
    }
    // The order `parse` leaves them in: sorted by span, and among equal
    // spans in the order found (comments first, then statement by statement).
    errors.sort_by_key(|e| e.span);

    // A `{` the parser would close for the indentation makes it read the
    // whole file again.
    if first_repair(new_text, &comments, &unclosed_bodies(&new_items)).is_some() {
        return None;
    }
    let library = if kept > 0 {
        old.tree.library
    } else {
        region.tree.library
    };
    let counts = Kept {
        before: kept,
        after: resumed.map_or(0, |r| items.len() - r),
    };
    let parse = Parse {
        tree: SourceFile {
            library,
            items: new_items,
        },
        comments,
        errors,
    };
    Some((parse, counts))
}

/// An error that only a parse of the whole file makes: a repaired `{`, a
/// file nested too deeply, a file pest could not read.
fn whole_file_error(message: &str) -> bool {
    message.starts_with(REPAIRED_BODY) || message.starts_with(TOO_DEEP) || message == UNREADABLE
}

/// How many bytes `a` and `b` start with in common.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    // Blocks first: a slice comparison is one `memcmp`.
    let mut i = 0;
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// How many bytes `a` and `b` end with in common, at most `max`.
fn common_suffix(a: &[u8], b: &[u8], max: usize) -> usize {
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + 64 <= max && a[la - i - 64..la - i] == b[lb - i - 64..lb - i] {
        i += 64;
    }
    while i < max && a[la - i - 1] == b[lb - i - 1] {
        i += 1;
    }
    i
}

/// Where an old offset is in the new text.
fn moved(offset: u32, delta: i64) -> i64 {
    offset as i64 + delta
}

/// Where to start reading again before the first changed byte: how many
/// old statements are kept, and the offset where the first one not kept
/// starts (0 when none is kept: then reading starts at the beginning, as
/// `parse` does, `library` included).
fn prefix_boundary(old_text: &str, items: &[Item], changed: usize) -> (usize, usize) {
    let Some(mut limit) = changed.checked_sub(LOOKAHEAD) else {
        return (0, 0);
    };
    loop {
        // The last clean start at or before `limit`, after the first statement.
        let mut index = items.partition_point(|item| (item.span().start as usize) <= limit);
        let mut tries = 0;
        let found = loop {
            if index <= 1 || tries == MAX_TRIES {
                break None;
            }
            index -= 1;
            tries += 1;
            let at = items[index].span().start as usize;
            if clean_start(old_text, at) {
                break Some((index, at));
            }
        };
        let Some((index, at)) = found else {
            return (0, 0);
        };
        // A `"""` or `/*` before the start may be read up to where it closes.
        let open = reaches(old_text, at, changed, "\"\"\"", "\"\"\"")
            .filter(|&open| !closes_a_string(&items[..index], open))
            .or_else(|| reaches(old_text, at, changed, "/*", "*/"));
        match open {
            Some(0) => return (0, 0),
            Some(open) => limit = open - 1,
            None => return (index, at),
        }
    }
}

/// When the last `open` before `at` does not close (with the first `close`
/// after it) before `changed`: where it is. A statement before `at` that
/// tries to read a string or comment there reads up to that `close`.
fn reaches(text: &str, at: usize, changed: usize, open: &str, close: &str) -> Option<usize> {
    let before = text.as_bytes().get(..at)?;
    let start = memmem::rfind(before, open.as_bytes())?;
    let from = start + open.len();
    match memmem::find(&text.as_bytes()[from..], close.as_bytes()) {
        Some(end) if from + end + close.len() <= changed => None,
        _ => Some(start),
    }
}

/// Whether the `"""` at `at` closes a `"""` string of the tree. No parse
/// then starts a string there: every one that reached the string's start
/// read the string whole.
fn closes_a_string(items: &[Item], at: usize) -> bool {
    let index = items.partition_point(|item| (item.span().start as usize) <= at);
    let Some(item) = index.checked_sub(1).map(|i| &items[i]) else {
        return false;
    };
    let mut found = false;
    visit_strings(item, &mut |string| {
        found |= string.triple && string.span.end as usize == at + 3;
    });
    found
}

/// Calls `f` with every string literal of a statement.
fn visit_strings(item: &Item, f: &mut impl FnMut(&StrLit)) {
    fn decl(decl: &Decl, f: &mut impl FnMut(&StrLit)) {
        if let Some(label) = &decl.label {
            f(label);
        }
        body(decl.body.as_ref(), f);
    }
    fn relationship(rel: &Relationship, f: &mut impl FnMut(&StrLit)) {
        if let Some(label) = &rel.label {
            f(label);
        }
        body(rel.body.as_ref(), f);
    }
    fn value(v: &Value, f: &mut impl FnMut(&StrLit)) {
        match v {
            Value::Str(string) => f(string),
            Value::List(values, _) => values.iter().for_each(|v| value(v, f)),
            Value::Number(..) | Value::Bool(..) | Value::Path(_) => {}
        }
    }
    fn body(body: Option<&Body>, f: &mut impl FnMut(&StrLit)) {
        for entry in body.map_or(&[][..], |b| &b.entries) {
            match entry {
                Entry::Label { text, .. } | Entry::Description { text, .. } => f(text),
                Entry::Property { value: v, .. } => value(v, f),
                Entry::Clause(Clause {
                    args: ClauseArgs::Text(text),
                    ..
                }) => f(text),
                Entry::Decl(d) => decl(d, f),
                Entry::Relationship(r) => relationship(r, f),
                Entry::Clause(_) | Entry::Error(_) => {}
            }
        }
    }
    match item {
        Item::Decl(d) => decl(d, f),
        Item::Relationship(r) => relationship(r, f),
        Item::Use(_) | Item::Error(_) => {}
    }
}

/// Whether a statement starting at `at` has a clean start: it starts a
/// line with a name that is no keyword (nor `library`). Nothing before it
/// can then take its first word (a statement that could would have), nor
/// read more of it than a keyword's length, and how an error in it is
/// worded does not depend on the token before it.
fn clean_start(text: &str, at: usize) -> bool {
    if at == 0 || !matches!(text.as_bytes().get(at - 1), Some(b'\n' | b'\r')) {
        return false;
    }
    let Some(rest) = text.get(at..) else {
        return false;
    };
    match rest.chars().next() {
        Some(c) if c == '_' || pest::unicode::XID_START(c) => {}
        _ => return false,
    }
    let word_len = rest
        .find(|c: char| !pest::unicode::XID_CONTINUE(c))
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    !is_keyword(word) && word != "library"
}

/// Whether the comments before `at` are the same in both lists, and none
/// runs past `at`.
fn same_comments_before(old: &[Comment], new: &[Comment], at: usize) -> bool {
    let before = |list: &[Comment]| list.partition_point(|c| (c.span.start as usize) < at);
    let (o, n) = (before(old), before(new));
    old[..o] == new[..n] && new[..n].last().is_none_or(|c| c.span.end as usize <= at)
}

/// Whether the comments from `old_at` on in the old list are those from
/// `new_at` on in the new one, moved by `delta`, and none runs past either.
fn same_comments_after(
    old: &[Comment],
    old_at: usize,
    new: &[Comment],
    new_at: usize,
    delta: i64,
) -> bool {
    let o = old.partition_point(|c| (c.span.start as usize) < old_at);
    let n = new.partition_point(|c| (c.span.start as usize) < new_at);
    if o > 0 && old[o - 1].span.end as usize > old_at {
        return false;
    }
    if n > 0 && new[n - 1].span.end as usize > new_at {
        return false;
    }
    old.len() - o == new.len() - n
        && old[o..].iter().zip(&new[n..]).all(|(old, new)| {
            old.kind == new.kind
                && moved(old.span.start, delta) == new.span.start as i64
                && moved(old.span.end, delta) == new.span.end as i64
        })
}

/// What the parser records as bodies a `}` may be missing from: each body
/// left open (with `None`), and each closed one holding text it could not
/// read (with where the last such text starts).
fn unclosed_bodies(items: &[Item]) -> Unclosed {
    fn visit(body: Option<&Body>, out: &mut Unclosed) {
        let Some(body) = body else {
            return;
        };
        let open = body.span.start as usize;
        if !body.closed {
            out.push((open, None));
        } else if let Some(last) = body.entries.iter().rev().find_map(|e| match e {
            Entry::Error(span) => Some(span.start as usize),
            _ => None,
        }) {
            out.push((open, Some(last)));
        }
        for entry in &body.entries {
            match entry {
                Entry::Decl(decl) => visit(decl.body.as_ref(), out),
                Entry::Relationship(rel) => visit(rel.body.as_ref(), out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Decl(decl) => visit(decl.body.as_ref(), &mut out),
            Item::Relationship(rel) => visit(rel.body.as_ref(), &mut out),
            Item::Use(_) | Item::Error(_) => {}
        }
    }
    out
}

// ------------------------------------------------------------------ moving

/// Moves a span by `delta` bytes.
fn shift_span(span: &mut Span, delta: i64) {
    let shift = |offset: u32| u32::try_from(offset as i64 + delta).unwrap_or(0);
    span.start = shift(span.start);
    span.end = shift(span.end);
}

/// Moves every span of a statement by `delta` bytes. Every struct is taken
/// apart field by field (no `..`), so that a span field added to the tree
/// does not compile until it is moved here too.
pub(crate) fn shift_item(item: &mut Item, delta: i64) {
    match item {
        Item::Use(UseDecl {
            keyword,
            module,
            span,
        }) => {
            shift_span(keyword, delta);
            shift_ident(module, delta);
            shift_span(span, delta);
        }
        Item::Decl(decl) => shift_decl(decl, delta),
        Item::Relationship(rel) => shift_relationship(rel, delta),
        Item::Error(span) => shift_span(span, delta),
    }
}

fn shift_ident(ident: &mut Ident, delta: i64) {
    let Ident { text: _, span } = ident;
    shift_span(span, delta);
}

fn shift_path(path: &mut Path, delta: i64) {
    let Path { segments, span } = path;
    for segment in segments {
        shift_ident(segment, delta);
    }
    shift_span(span, delta);
}

fn shift_string(string: &mut StrLit, delta: i64) {
    let StrLit {
        value: _,
        span,
        triple: _,
    } = string;
    shift_span(span, delta);
}

fn shift_decl(decl: &mut Decl, delta: i64) {
    let Decl {
        extend: _,
        kind,
        keyword_span,
        name,
        viewpoint,
        label,
        body,
        doc: _,
        span,
    } = decl;
    match kind {
        DeclKind::Element(kind) => shift_ident(kind, delta),
        DeclKind::Layer
        | DeclKind::Kind
        | DeclKind::Relation
        | DeclKind::Concern
        | DeclKind::Stakeholder
        | DeclKind::Viewpoint
        | DeclKind::View
        | DeclKind::Decision
        | DeclKind::Group => {}
    }
    shift_span(keyword_span, delta);
    shift_ident(name, delta);
    if let Some(viewpoint) = viewpoint {
        shift_path(viewpoint, delta);
    }
    if let Some(label) = label {
        shift_string(label, delta);
    }
    if let Some(body) = body {
        shift_body(body, delta);
    }
    shift_span(span, delta);
}

fn shift_relationship(rel: &mut Relationship, delta: i64) {
    let Relationship {
        source,
        arrow,
        target,
        relation,
        label,
        body,
        doc: _,
        span,
    } = rel;
    shift_path(source, delta);
    shift_span(arrow, delta);
    shift_path(target, delta);
    if let Some(relation) = relation {
        shift_ident(relation, delta);
    }
    if let Some(label) = label {
        shift_string(label, delta);
    }
    if let Some(body) = body {
        shift_body(body, delta);
    }
    shift_span(span, delta);
}

fn shift_body(body: &mut Body, delta: i64) {
    let Body {
        entries,
        span,
        closed: _,
    } = body;
    for entry in entries {
        shift_entry(entry, delta);
    }
    shift_span(span, delta);
}

fn shift_entry(entry: &mut Entry, delta: i64) {
    match entry {
        Entry::Label {
            language,
            text,
            span,
        } => {
            shift_ident(language, delta);
            shift_string(text, delta);
            shift_span(span, delta);
        }
        Entry::Description {
            language,
            text,
            span,
        } => {
            if let Some(language) = language {
                shift_ident(language, delta);
            }
            shift_string(text, delta);
            shift_span(span, delta);
        }
        Entry::Property { key, value, span } => {
            shift_ident(key, delta);
            shift_value(value, delta);
            shift_span(span, delta);
        }
        Entry::Clause(clause) => shift_clause(clause, delta),
        Entry::Decl(decl) => shift_decl(decl, delta),
        Entry::Relationship(rel) => shift_relationship(rel, delta),
        Entry::Error(span) => shift_span(span, delta),
    }
}

fn shift_value(value: &mut Value, delta: i64) {
    match value {
        Value::Str(string) => shift_string(string, delta),
        Value::Number(_, span) | Value::Bool(_, span) => shift_span(span, delta),
        Value::Path(path) => shift_path(path, delta),
        Value::List(values, span) => {
            for value in values {
                shift_value(value, delta);
            }
            shift_span(span, delta);
        }
    }
}

fn shift_clause(clause: &mut Clause, delta: i64) {
    let Clause {
        keyword: _,
        keyword_span,
        args,
        span,
    } = clause;
    shift_span(keyword_span, delta);
    match args {
        ClauseArgs::None => {}
        ClauseArgs::Number(_, span) => shift_span(span, delta),
        ClauseArgs::Word(word) => shift_ident(word, delta),
        ClauseArgs::Paths(paths) => {
            for path in paths {
                shift_path(path, delta);
            }
        }
        ClauseArgs::Selectors(selectors) => {
            for selector in selectors {
                match selector {
                    Selector::All(span) => shift_span(span, delta),
                    Selector::Path {
                        path,
                        depth: _,
                        span,
                    } => {
                        shift_path(path, delta);
                        shift_span(span, delta);
                    }
                }
            }
        }
        ClauseArgs::Text(text) => shift_string(text, delta),
        ClauseArgs::Relationship(pattern) => {
            let RelationPattern {
                source,
                arrow,
                target,
                relation,
                span,
            } = &mut **pattern;
            shift_path(source, delta);
            shift_span(arrow, delta);
            shift_path(target, delta);
            if let Some(relation) = relation {
                shift_ident(relation, delta);
            }
            shift_span(span, delta);
        }
        ClauseArgs::Allow(pairs) => {
            let AllowPairs {
                sources,
                arrow,
                targets,
                semicolon,
            } = &mut **pairs;
            for ident in sources.iter_mut().chain(targets.iter_mut()) {
                shift_ident(ident, delta);
            }
            shift_span(arrow, delta);
            if let Some(semicolon) = semicolon {
                shift_span(semicolon, delta);
            }
        }
    }
    shift_span(span, delta);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::tests::{sample_files, PIECES};
    use crate::parser::{parse_once, Reading};

    /// Re-parses `old_text` into `new_text`, checks that the result is the
    /// fresh parse, and returns what was kept (`None`: parsed whole).
    fn check(old_text: &str, new_text: &str) -> Option<Kept> {
        let old = parse(old_text);
        let fresh = parse(new_text);
        assert_eq!(
            reparse(&old, old_text, new_text),
            fresh,
            "{old_text:?}\n  →\n{new_text:?}"
        );
        reuse(&old, old_text, new_text).map(|(_, kept)| kept)
    }

    const FILE: &str = "\
/// The building.
system a \"A\" {
  label ja \"エー\"
  component part \"Part\"
}

system b \"B\"

/// See `a`.
system c \"C\" {
  component d
}

a -> c : uses \"calls\"
view v of vp {
  include a, c
}
";

    fn edit(text: &str, from: &str, to: &str) -> String {
        assert!(text.contains(from), "{from:?}");
        text.replacen(from, to, 1)
    }

    #[test]
    fn a_label_edit_keeps_the_statements_around_it() {
        let new = edit(FILE, "\"B\"", "\"Bee\"");
        assert_eq!(
            check(FILE, &new),
            Some(Kept {
                before: 1,
                after: 3
            })
        );
        // In a body, and in Japanese.
        let new = edit(FILE, "エー", "エービー");
        assert_eq!(
            check(FILE, &new),
            Some(Kept {
                before: 0,
                after: 4
            })
        );
        let new = edit(FILE, "component d", "component dd");
        assert_eq!(
            check(FILE, &new),
            Some(Kept {
                before: 2,
                after: 2
            })
        );
    }

    #[test]
    fn statements_moved_by_the_edit_keep_their_errors_and_spans() {
        let old = edit(FILE, "component d\n", "component d\n  ??? \"\\q\"\n");
        assert!(!parse(&old).errors.is_empty());
        let new = edit(&old, "\"B\"", "\"Bigger label\"");
        let kept = check(&old, &new).unwrap();
        assert_eq!(kept.after, 3);
        // And the other way: an error before the edit.
        let new = edit(&old, "include a, c", "include a, c, b");
        assert_eq!(check(&old, &new).unwrap().before, 3);
    }

    #[test]
    fn a_doc_comment_written_before_a_kept_statement_is_read_again() {
        let new = edit(FILE, "system b \"B\"\n\n", "system b \"B\"\n/// New doc.\n");
        let kept = check(FILE, &new).unwrap();
        assert!(kept.after >= 3, "{kept:?}");
        let new = edit(FILE, "/// See `a`.\n", "");
        assert!(check(FILE, &new).unwrap().after >= 3);
        // A blank line put between the doc and its declaration.
        let new = edit(FILE, "/// See `a`.\n", "/// See `a`.\n\n");
        assert!(check(FILE, &new).unwrap().after >= 3);
    }

    #[test]
    fn strings_and_comments_opened_by_the_edit_swallow_what_follows() {
        for opened in ["\"\"\"", "/*", "\"", "//", "{", "}", "\\"] {
            for at in ["\"B\"", "component d", "a -> c", "include"] {
                let new = edit(FILE, at, &format!("{opened}{at}"));
                check(FILE, &new);
                let new = edit(FILE, at, &format!("{at}{opened}"));
                check(FILE, &new);
            }
        }
        // Closing what the old text left open.
        let old = edit(FILE, "system b \"B\"", "system b \"\"\"B");
        check(&old, FILE);
        let new = edit(&old, "include a, c", "include a, c \"\"\"");
        check(&old, &new);
        let old = edit(FILE, "system b \"B\"", "system b /* B");
        check(&old, FILE);
        check(&old, &edit(&old, "include a, c", "include a, c */"));
    }

    #[test]
    fn a_triple_string_before_the_edit_must_close_before_it() {
        let old = "system a \"\"\"open\n\nsystem b\n\nsystem c\n\nsystem d\n\nsystem e\n";
        let new = edit(old, "system e", "system e \"\"\"");
        assert_eq!(check(old, &new).map(|k| k.before), Some(0));
        // Closed before the edit: the statements before it are kept.
        let old =
            "system a \"\"\"open\nstill\"\"\"\n\nsystem b\n\nsystem c\n\nsystem d\n\nsystem e\n";
        let new = edit(old, "system e", "system e \"\"\"");
        assert!(check(old, &new).unwrap().before >= 2);
    }

    #[test]
    fn a_word_that_continues_the_statement_before_is_no_place_to_start() {
        // `of` after a view, `:` after a relationship, a label or body on
        // the next line: the statement before reads them.
        for (old, new) in [
            ("view v\nfoo\n", "view v\nof vp\n"),
            ("view v\nxof vp\n", "view v\nof vp\n"),
            ("a -> b\nsystem x\n", "a -> b\n: system x\n"),
            ("system a\nsystem b\n", "system a\n\"B\" system b\n"),
            ("system a\nsystem b\n", "system a\n{ system b }\n"),
            ("extend\nfoo\n", "extend\nlayer x\n"),
            ("use\nfoo\n", "use\nview x\n"),
        ] {
            let pad = "system padding_to_make_room \"P\"\n".repeat(3);
            let tail = "\nsystem after_the_edit\n".repeat(2);
            check(&format!("{pad}{old}{tail}"), &format!("{pad}{new}{tail}"));
            check(&format!("{pad}{new}{tail}"), &format!("{pad}{old}{tail}"));
        }
    }

    #[test]
    fn a_statement_sharing_a_line_with_the_edit_is_read_again() {
        // `hub "Hub"` is worded with the name before it on its line.
        let pad = "system padding_to_make_room \"P\"\n".repeat(3);
        let old = format!("{pad}system data hub \"Hub\"\n\nsystem after\n");
        let new = old.replace("data hub", "datum hub");
        assert!(parse(&new).errors[0].message.contains("datum_hub"));
        check(&old, &new);
    }

    #[test]
    fn line_breaks_byte_order_marks_and_shared_lines() {
        let crlf = FILE.replace('\n', "\r\n");
        check(&crlf, &edit(&crlf, "\"B\"", "\"Bee\""));
        check(&crlf, &edit(&crlf, "\r\n\r\n/// See", "\r\n\r/// See"));
        let cr = FILE.replace('\n', "\r");
        check(&cr, &edit(&cr, "\"B\"", "\"Bee\""));
        let bom = format!("\u{FEFF}{FILE}");
        check(&bom, &edit(&bom, "\"B\"", "\"Bee\""));
        check(FILE, &format!("\u{FEFF}{FILE}"));
        let shared = "system a system b \"B\"\nsystem c system d\nsystem e system f\n";
        check(shared, &edit(shared, "\"B\"", "\"Bee\""));
        check(shared, &edit(shared, "system d", "system d\n"));
    }

    #[test]
    fn library_is_read_again_when_the_first_statement_is() {
        let old = "library\nkind k \"K\"\n\nkind j \"J\"\n\nkind i \"I\"\n";
        check(old, &edit(old, "\"K\"", "\"Kay\""));
        check(old, &edit(old, "library\n", "library x\n"));
        check(old, &edit(old, "library\n", ""));
        check(old, &edit(old, "\"I\"", "\"Eye\""));
        check(&edit(old, "library\n", ""), old);
    }

    #[test]
    fn a_brace_left_open_repairs_the_whole_file() {
        let old = "system a {\n  component b\n}\n\nsystem c {\n  component d\n}\n\nsystem e\n";
        let new = edit(old, "  component d\n}", "  component d\n");
        assert_eq!(check(old, &new), None, "the repair re-parses everything");
        check(&new, old);
        // An error in a body, and a line the indentation says is outside.
        let new = edit(old, "  component b\n}", "  component b\n  ???\n}");
        check(old, &new);
        check(&new, old);
    }

    #[test]
    fn nesting_too_deep_parses_everything() {
        let deep = "{".repeat(crate::MAX_NESTING + 1);
        let new = format!("{FILE}system z {deep}\n");
        check(FILE, &new);
        check(&new, FILE);
    }

    #[test]
    fn the_same_text_is_the_same_parse() {
        assert!(check(FILE, FILE).is_some());
        check("", "");
        check("", FILE);
        check(FILE, "");
    }

    /// What the tree walk finds is what the parser records while reading.
    #[test]
    fn the_bodies_a_brace_may_be_missing_from_are_found_in_the_tree() {
        let mut texts = sample_files();
        texts.push(FILE.to_string());
        texts.push(edit(FILE, "component d\n}", "component d\n"));
        texts.push(edit(FILE, "component d\n", "component d\n  ???\n"));
        for text in texts.iter().filter(|t| too_deep(t).is_none()) {
            let comments = scan_comments(text);
            let (tree, _, mut recorded) = parse_once(text, &comments, &[], Reading::ByStatement);
            let mut found = unclosed_bodies(&tree.items);
            found.sort_unstable();
            recorded.sort_unstable();
            assert_eq!(found, recorded, "{text:?}");
        }
    }

    /// Moving a parse equals parsing the moved text: fails when a span of
    /// the tree is left out of [`shift_item`].
    #[test]
    fn moving_a_parse_moves_every_span() {
        for text in sample_files() {
            for pad in ["\n", "\n\n  \n", "\n/* 日本語 */\n"] {
                let moved_text = format!("{pad}{text}");
                let mut moved = parse(&text);
                let delta = pad.len() as i64;
                for item in &mut moved.tree.items {
                    shift_item(item, delta);
                }
                for error in &mut moved.errors {
                    shift_span(&mut error.span, delta);
                }
                let fresh = parse(&moved_text);
                assert_eq!(moved.tree.items, fresh.tree.items, "{moved_text:?}");
                // The comment errors of the pad aside, the errors move too.
                let errors: Vec<_> = fresh
                    .errors
                    .into_iter()
                    .filter(|e| e.span.start as usize >= pad.len())
                    .collect();
                assert_eq!(moved.errors, errors, "{moved_text:?}");
            }
        }
    }

    // ------------------------------------------------------------ properties

    /// What edits insert: the marks that open and close strings, comments
    /// and bodies, line breaks, Japanese, words.
    const INSERTS: &[&str] = &[
        "{",
        "}",
        "\"",
        "\"\"\"",
        "/",
        "//",
        "///",
        "/*",
        "*/",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "建物",
        "ラベル",
        "é",
        "a",
        "x",
        "system",
        "of",
        "vp",
        ":",
        "->",
        ",",
        "label ja",
        "\u{FEFF}",
        "library",
        "extend",
        "layer",
        "=",
        "\\",
        "(",
        "!",
    ];

    /// One edit: where (a character boundary), how many characters to
    /// remove (0–20), and what to insert (0–20 characters).
    #[derive(Clone, Debug)]
    struct Edit {
        at: prop::sample::Index,
        remove: usize,
        insert: String,
    }

    fn an_edit() -> impl Strategy<Value = Edit> {
        let insert = prop::collection::vec(
            prop_oneof![prop::sample::select(INSERTS), prop::sample::select(PIECES)],
            0..6,
        )
        .prop_map(|p| p.concat().chars().take(20).collect::<String>());
        (any::<prop::sample::Index>(), 0usize..=20, insert)
            .prop_filter("an edit changes something", |(_, remove, insert)| {
                *remove > 0 || !insert.is_empty()
            })
            .prop_map(|(at, remove, insert)| Edit { at, remove, insert })
    }

    fn apply(text: &str, edit: &Edit) -> String {
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let i = edit.at.index(bounds.len());
        let start = bounds[i];
        let end = bounds[(i + edit.remove).min(bounds.len() - 1)];
        format!("{}{}{}", &text[..start], edit.insert, &text[end..])
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 384,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// A sample edited once, then again from the re-parsed tree.
        #[test]
        fn reparse_equals_parse(
            text in prop::sample::select(sample_files()),
            first in an_edit(),
            second in an_edit(),
        ) {
            let old = parse(&text);
            let middle = apply(&text, &first);
            let reparsed = reparse(&old, &text, &middle);
            prop_assert_eq!(&reparsed, &parse(&middle));
            let last = apply(&middle, &second);
            prop_assert_eq!(reparse(&reparsed, &middle, &last), parse(&last));
        }

        /// Texts of the grammar's special pieces, edited.
        #[test]
        fn reparse_equals_parse_on_soup(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..80),
            edit in an_edit(),
        ) {
            let text: String = pieces.concat();
            let new = apply(&text, &edit);
            prop_assert_eq!(reparse(&parse(&text), &text, &new), parse(&new));
        }
    }
}
