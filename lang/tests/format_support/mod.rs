//! What the formatter tests share: the options a fixture asks for, and the
//! lossless checks (idempotence, the same syntax tree spans aside, the same
//! comments, the same statements silenced by `kozo-allow` comments).

#![allow(dead_code)]

use kozo_lang::format::{format, FormatOptions};
use kozo_lang::*;

/// The options set by a first line such as `// format: width=40 indent=4`.
pub fn options_from_header(text: &str) -> FormatOptions {
    let mut options = FormatOptions::default();
    let Some(header) = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("// format:"))
    else {
        return options;
    };
    for setting in header.split_whitespace() {
        match setting.split_once('=') {
            Some(("width", n)) => options.width = n.parse().expect("a width"),
            Some(("indent", n)) => options.indent = n.parse().expect("an indent"),
            _ => panic!("unknown format setting `{setting}`"),
        }
    }
    options
}

/// Checks that `formatted` (the formatter's output for `source`) lost
/// nothing and is a fixed point.
pub fn assert_lossless(source: &str, formatted: &str, options: &FormatOptions) {
    let before = parse(source);
    let after = parse(formatted);
    assert!(
        after.errors.is_empty(),
        "the output does not parse: {:?}\n{formatted}",
        after.errors
    );
    let again = format(formatted, options).expect("the output formats");
    assert_eq!(again, formatted, "formatting twice changes the text");
    assert_eq!(
        without_spans(&before.tree),
        without_spans(&after.tree),
        "the syntax tree changed:\n{formatted}"
    );
    // Same texts in the same order: nothing lost, added or moved.
    let old = comment_texts(source, &before);
    let new = comment_texts(formatted, &after);
    assert_eq!(old, new, "the comments changed or moved:\n{formatted}");
    // A `kozo-allow` comment where the docs say to put one silences the
    // same statement after formatting.
    for ((old, documented), (new, _)) in allowance_targets(source, &before)
        .into_iter()
        .zip(allowance_targets(formatted, &after))
    {
        if documented {
            assert_eq!(
                old, new,
                "a kozo-allow comment silences another statement:\n{source}\n----\n{formatted}"
            );
        }
    }
}

/// Every comment's text in source order; a line comment without the
/// trailing spaces the formatter removes.
pub fn comment_texts(text: &str, parse: &Parse) -> Vec<String> {
    parse
        .comments
        .iter()
        .map(|c| {
            let written = &text[c.span.range()];
            match c.kind {
                CommentKind::Block => written.to_string(),
                CommentKind::Line | CommentKind::Doc => written.trim_end().to_string(),
            }
        })
        .collect()
}

/// The tree with every span set to zero, for comparing trees of texts laid
/// out differently.
pub fn without_spans(tree: &SourceFile) -> SourceFile {
    let mut tree = tree.clone();
    tree.library = tree.library.map(|_| Span::default());
    for item in &mut tree.items {
        match item {
            Item::Use(u) => {
                u.keyword = Span::default();
                u.span = Span::default();
                ident(&mut u.module);
            }
            Item::Decl(d) => decl(d),
            Item::Relationship(r) => relationship(r),
            Item::Error(span) => *span = Span::default(),
        }
    }
    tree
}

fn ident(id: &mut Ident) {
    id.span = Span::default();
}

fn path(p: &mut Path) {
    p.span = Span::default();
    p.segments.iter_mut().for_each(ident);
}

fn string(s: &mut StrLit) {
    s.span = Span::default();
}

fn decl(d: &mut Decl) {
    d.span = Span::default();
    d.keyword_span = Span::default();
    if let DeclKind::Element(kind) = &mut d.kind {
        ident(kind);
    }
    ident(&mut d.name);
    if let Some(vp) = &mut d.viewpoint {
        path(vp);
    }
    if let Some(label) = &mut d.label {
        string(label);
    }
    if let Some(b) = &mut d.body {
        body(b);
    }
}

fn relationship(r: &mut Relationship) {
    r.span = Span::default();
    r.arrow = Span::default();
    path(&mut r.source);
    path(&mut r.target);
    if let Some(kind) = &mut r.relation {
        ident(kind);
    }
    if let Some(label) = &mut r.label {
        string(label);
    }
    if let Some(b) = &mut r.body {
        body(b);
    }
}

fn body(b: &mut Body) {
    b.span = Span::default();
    for entry in &mut b.entries {
        match entry {
            Entry::Label {
                language,
                text,
                span,
            } => {
                *span = Span::default();
                ident(language);
                string(text);
            }
            Entry::Description {
                language,
                text,
                span,
            } => {
                *span = Span::default();
                if let Some(language) = language {
                    ident(language);
                }
                string(text);
            }
            Entry::Property {
                key,
                value: v,
                span,
            } => {
                *span = Span::default();
                ident(key);
                value(v);
            }
            Entry::Clause(c) => {
                c.span = Span::default();
                c.keyword_span = Span::default();
                match &mut c.args {
                    ClauseArgs::None => {}
                    ClauseArgs::Number(_, span) => *span = Span::default(),
                    ClauseArgs::Word(word) => ident(word),
                    ClauseArgs::Paths(paths) => paths.iter_mut().for_each(path),
                    ClauseArgs::Selectors(selectors) => {
                        for s in selectors {
                            match s {
                                Selector::All(span) => *span = Span::default(),
                                Selector::Path { path: p, span, .. } => {
                                    *span = Span::default();
                                    path(p);
                                }
                            }
                        }
                    }
                    ClauseArgs::Text(s) => string(s),
                    ClauseArgs::Allow(pairs) => {
                        pairs.sources.iter_mut().for_each(ident);
                        pairs.arrow = Span::default();
                        pairs.targets.iter_mut().for_each(ident);
                        pairs.semicolon = pairs.semicolon.map(|_| Span::default());
                    }
                    ClauseArgs::Relationship(pattern) => {
                        pattern.span = Span::default();
                        pattern.arrow = Span::default();
                        path(&mut pattern.source);
                        path(&mut pattern.target);
                        if let Some(kind) = &mut pattern.relation {
                            ident(kind);
                        }
                    }
                }
            }
            Entry::Decl(d) => decl(d),
            Entry::Relationship(r) => relationship(r),
            Entry::Error(span) => *span = Span::default(),
        }
    }
}

fn value(v: &mut Value) {
    match v {
        Value::Str(s) => string(s),
        Value::Number(_, span) | Value::Bool(_, span) => *span = Span::default(),
        Value::Path(p) => path(p),
        Value::List(items, span) => {
            *span = Span::default();
            items.iter_mut().for_each(value);
        }
    }
}

/// For each `kozo-allow` comment, the statement it silences, as its index
/// in a pre-order walk of the tree: the first statement that starts on the
/// comment's line before it, or after it with only comments and layout (and
/// no blank line) in between. This mirrors `covered_declaration` in
/// engine/src/suppress.rs.
///
/// The flag says whether the comment stands where modellers are told to
/// put one: on a line of its own before the statement it silences, or at
/// the end of a statement's first line, right after a token of that
/// statement (not after a sibling written on the same line, nor after the
/// `}` of an enclosing body). A comment at the end of one statement that
/// silences the next is not: joining the first statement's lines moves it.
pub fn allowance_targets(text: &str, parse: &Parse) -> Vec<(Option<usize>, bool)> {
    let index = LineIndex::new(text);
    let mut starts = Vec::new();
    for item in &parse.tree.items {
        starts.push(item.span());
        match item {
            Item::Decl(d) => entry_starts(d.entries(), &mut starts),
            Item::Relationship(r) => entry_starts(r.entries(), &mut starts),
            _ => {}
        }
    }
    parse
        .comments
        .iter()
        .filter(|c| c.kind != CommentKind::Doc && text[c.span.range()].contains("kozo-allow:"))
        .map(|c| {
            let line = index.line_of(c.span.start as usize);
            let line_of = |s: &Span| index.line_of(s.start as usize);
            let target = starts.iter().position(|s| {
                (line_of(s) == line && s.start < c.span.start)
                    || (s.start >= c.span.end
                        && only_comments_between(text, &parse.comments, c.span.end, s.start))
            });
            let line_start = text[..c.span.start as usize]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let own_line = text[line_start..c.span.start as usize].trim().is_empty();
            let documented = target.is_some_and(|t| {
                let covered = starts[t];
                if covered.start >= c.span.end {
                    return own_line;
                }
                let before = token_before(text, &parse.comments, c.span.start as usize);
                before.is_some_and(|p| covered.start as usize <= p && p < covered.end as usize)
            });
            (target, documented)
        })
        .collect()
}

/// Whether only layout and comments, and no blank line, stand between the
/// offsets `from` and `to`.
fn only_comments_between(text: &str, comments: &[Comment], from: u32, to: u32) -> bool {
    let gap = &text[from as usize..to as usize];
    let mut code = String::new();
    let mut cursor = from;
    for c in comments
        .iter()
        .filter(|c| c.span.start >= from && c.span.end <= to)
    {
        code.push_str(&text[cursor as usize..c.span.start as usize]);
        cursor = c.span.end;
    }
    code.push_str(&text[cursor as usize..to as usize]);
    let lines: Vec<&str> = gap.split('\n').skip(1).collect();
    let blank = lines
        .split_last()
        .is_some_and(|(_, middle)| middle.iter().any(|l| l.trim().is_empty()));
    code.trim().is_empty() && !blank
}

/// The offset of the last byte of code before `pos`, past layout and comments.
fn token_before(text: &str, comments: &[Comment], pos: usize) -> Option<usize> {
    let mut pos = pos;
    loop {
        let before = text[..pos].trim_end_matches([' ', '\t', '\r', '\n', '\u{FEFF}']);
        pos = before.len();
        match comments
            .iter()
            .find(|c| c.span.end as usize == pos && pos > 0)
        {
            Some(c) => pos = c.span.start as usize,
            None => return pos.checked_sub(1),
        }
    }
}

fn entry_starts(entries: &[Entry], starts: &mut Vec<Span>) {
    for entry in entries {
        starts.push(entry.span());
        match entry {
            Entry::Decl(d) => entry_starts(d.entries(), starts),
            Entry::Relationship(r) => entry_starts(r.entries(), starts),
            _ => {}
        }
    }
}
