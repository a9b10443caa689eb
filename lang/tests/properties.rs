//! Property tests: `parse` never panics and every span it returns is a valid
//! slice of its input; deep nesting cannot overflow the stack; `LineIndex`
//! conversions round-trip.

use kozo_lang::line_index::ColumnUnit;
use kozo_lang::*;
use proptest::prelude::*;

// ---------------------------------------------------------------- span checks

/// Collects every span of a parse: tree nodes, comments and errors.
#[derive(Default)]
struct Spans {
    all: Vec<Span>,
    /// Names, strings, keywords: text no comment may overlap.
    tokens: Vec<Span>,
    /// Text skipped as unparsable.
    skipped: Vec<Span>,
}

impl Spans {
    fn push(&mut self, span: Span) {
        self.all.push(span);
    }

    fn token(&mut self, span: Span) {
        self.all.push(span);
        self.tokens.push(span);
    }

    fn ident(&mut self, id: &Ident) {
        self.token(id.span);
    }

    fn path(&mut self, path: &kozo_lang::Path) {
        self.push(path.span);
        for segment in &path.segments {
            self.ident(segment);
        }
    }

    fn string(&mut self, s: &StrLit) {
        self.token(s.span);
    }

    fn value(&mut self, value: &Value) {
        self.push(value.span());
        match value {
            Value::Str(s) => self.string(s),
            Value::Path(p) => self.path(p),
            Value::List(items, _) => items.iter().for_each(|v| self.value(v)),
            Value::Number(..) | Value::Bool(..) => {}
        }
    }

    fn item(&mut self, item: &Item) {
        self.push(item.span());
        match item {
            Item::Use(u) => {
                self.token(u.keyword);
                self.ident(&u.module);
            }
            Item::Decl(d) => self.decl(d),
            Item::Relationship(r) => self.relationship(r),
            Item::Error(span) => self.skipped.push(*span),
        }
    }

    fn decl(&mut self, d: &Decl) {
        self.push(d.span);
        if let Some(extend) = d.extend_keyword() {
            self.token(extend);
        }
        self.token(d.keyword_span);
        if let DeclKind::Element(kind) = &d.kind {
            self.ident(kind);
        }
        self.ident(&d.name);
        if let Some(vp) = &d.viewpoint {
            self.path(vp);
        }
        if let Some(label) = &d.label {
            self.string(label);
        }
        if let Some(body) = &d.body {
            self.body(body);
        }
    }

    fn relationship(&mut self, r: &Relationship) {
        self.push(r.span);
        self.token(r.arrow);
        self.path(&r.source);
        self.path(&r.target);
        if let Some(kind) = &r.relation {
            self.ident(kind);
        }
        if let Some(label) = &r.label {
            self.string(label);
        }
        if let Some(body) = &r.body {
            self.body(body);
        }
    }

    fn body(&mut self, body: &Body) {
        self.push(body.span);
        for entry in &body.entries {
            self.push(entry.span());
            match entry {
                Entry::Label { language, text, .. } => {
                    self.ident(language);
                    self.string(text);
                }
                Entry::Description { language, text, .. } => {
                    if let Some(language) = language {
                        self.ident(language);
                    }
                    self.string(text)
                }
                Entry::Property { key, value, .. } => {
                    self.ident(key);
                    self.value(value);
                }
                Entry::Clause(c) => {
                    self.token(c.keyword_span);
                    match &c.args {
                        ClauseArgs::None => {}
                        ClauseArgs::Number(_, span) => self.push(*span),
                        ClauseArgs::Word(id) => self.ident(id),
                        ClauseArgs::Paths(paths) => paths.iter().for_each(|p| self.path(p)),
                        ClauseArgs::Selectors(selectors) => {
                            for s in selectors {
                                self.push(s.span());
                                if let Selector::Path { path, .. } = s {
                                    self.path(path);
                                }
                            }
                        }
                        ClauseArgs::Text(s) => self.string(s),
                        ClauseArgs::Allow(pairs) => {
                            pairs.sources.iter().for_each(|i| self.ident(i));
                            self.token(pairs.arrow);
                            pairs.targets.iter().for_each(|i| self.ident(i));
                            if let Some(semicolon) = pairs.semicolon {
                                self.token(semicolon);
                            }
                        }
                        ClauseArgs::Relationship(pattern) => {
                            self.push(pattern.span);
                            self.token(pattern.arrow);
                            self.path(&pattern.source);
                            self.path(&pattern.target);
                            if let Some(kind) = &pattern.relation {
                                self.ident(kind);
                            }
                        }
                    }
                }
                Entry::Decl(d) => self.decl(d),
                Entry::Relationship(r) => self.relationship(r),
                Entry::Error(span) => self.skipped.push(*span),
            }
        }
    }
}

/// Pieces of grammar rule names that must never reach a modeller.
pub const GRAMMAR_JARGON: &[&str] = &[
    "kw_",
    "probe_",
    "_ref",
    "_list",
    "_decl",
    "_clause",
    "_body",
    "_entry",
    "_stmt",
    "_error",
    "EOI",
    "SOI",
    "plain_string",
    "triple_string",
    "ident",
];

/// Parses `text` and checks every span lies within it, on char boundaries.
fn check_parse(text: &str) -> Result<(), TestCaseError> {
    let parse = parse(text);
    let mut spans = Spans::default();
    for item in &parse.tree.items {
        spans.item(item);
    }
    spans.all.extend(parse.comments.iter().map(|c| c.span));
    spans.all.extend(parse.errors.iter().map(|e| e.span));
    for &span in &spans.all {
        prop_assert!(span.start <= span.end, "inverted span {span:?}");
        prop_assert!(
            text.get(span.range()).is_some(),
            "span {span:?} is not a slice of a text of {} bytes: {text:?}",
            text.len()
        );
    }
    for error in &parse.errors {
        prop_assert!(!error.message.is_empty());
        prop_assert!(
            !error.message.contains("something else"),
            "a message without words for what was expected: {:?} in {:?}",
            error.message,
            text
        );
        for jargon in GRAMMAR_JARGON {
            prop_assert!(
                !error.message.contains(jargon),
                "a grammar rule name in {:?}",
                error.message
            );
        }
    }
    prop_assert!(
        parse.errors.windows(2).all(|w| w[0].span <= w[1].span),
        "errors are not in source order"
    );
    prop_assert!(
        parse
            .comments
            .windows(2)
            .all(|w| w[0].span.end <= w[1].span.start),
        "comments overlap or are out of order"
    );
    // The comment scanner and the grammar agree on what is a comment.
    for comment in &parse.comments {
        for token in &spans.tokens {
            prop_assert!(
                token.end <= comment.span.start || comment.span.end <= token.start,
                "comment {:?} overlaps token {:?} in {:?}",
                comment.span,
                token,
                text
            );
        }
    }
    // Every piece of skipped text is explained by an error that starts in it
    // or shortly after it: at the token after it ("expected `=` after `x`,
    // found `}`"), possibly on a later line when the statement runs on there
    // (`system` then `-> {` on the next line), unless the nesting limit cut
    // the file short.
    let cut = parse
        .errors
        .iter()
        .any(|e| e.message.contains("nesting deeper"));
    if !cut {
        for skipped in &spans.skipped {
            let next_token = skip_layout(text, &parse.comments, skipped.end as usize);
            let line_end = text[next_token..]
                .find('\n')
                .map_or(text.len(), |i| next_token + i);
            prop_assert!(
                parse
                    .errors
                    .iter()
                    .any(|e| skipped.start <= e.span.start && (e.span.start as usize) <= line_end),
                "no error explains the skipped text {:?} in {:?}: {:?}",
                skipped,
                text,
                parse.errors
            );
        }
    }
    Ok(())
}

/// The offset of the first token at or after `from`, past layout and comments.
fn skip_layout(text: &str, comments: &[Comment], from: usize) -> usize {
    let mut pos = from;
    loop {
        let rest = &text[pos..];
        pos += rest.len() - rest.trim_start().len();
        match comments.iter().find(|c| c.span.start as usize == pos) {
            Some(c) => pos = c.span.end as usize,
            None => return pos,
        }
    }
}

// ---------------------------------------------------------------- strategies

/// Pieces of kozo, glued together in random order.
const VOCABULARY: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "->",
    ":",
    ",",
    ".",
    ".*",
    ".**",
    "*",
    "=",
    "\"",
    "\"\"\"",
    "/*",
    "*/",
    "//",
    "///",
    "\\",
    "\\u{",
    "\\u{D800}",
    "\\n",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "system",
    "component",
    "use",
    "layer",
    "kind",
    "relation",
    "concern",
    "stakeholder",
    "viewpoint",
    "view",
    "of",
    "decision",
    "label",
    "ja",
    "description",
    "order",
    "parents",
    "shape",
    "box",
    "from",
    "to",
    "acyclic",
    "downward",
    "default",
    "concerns",
    "frames",
    "kinds",
    "relations",
    "include",
    "exclude",
    "status",
    "accepted",
    "addresses",
    "affects",
    "rationale",
    "bms",
    "建物",
    "データ_hub2",
    "\"ラベル\"",
    "\"x\"",
    "42",
    "-1.5",
    "true",
    "𝒳",
    "\u{FEFF}",
    "é",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCABULARY), 0..60).prop_map(|t| t.concat())
}

/// Valid-looking statements, so that mutations land in interesting places.
const STATEMENTS: &[&str] = &[
    "system bms \"Building\" {\n  label ja \"ビル\"\n  component hvac\n}\n",
    "a -> b : flows \"x\" { rate = 5 }\n",
    "view v of vp { include bms, bms.*, x.** exclude * }\n",
    "decision d { status accepted rationale \"\"\"why\nnot\"\"\" }\n",
    "/// doc\nconcern c \"C\"\n",
    "kind k { layer data parents a, b shape cylinder }\n",
    "relation r { from *, a to b acyclic downward default }\n",
    "stakeholder s { concerns c }\n",
    "viewpoint vp { frames c kinds a relations r }\n",
    "layer l { order 3 }\n",
    "use society5 // line\n",
    "/* block */ system 建物 { x = [1, \"two\", three, [true]] }\n",
];

/// A sequence of statements with some characters cut out or doubled.
fn mangled_statements() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(STATEMENTS), 1..6),
        prop::collection::vec((any::<prop::sample::Index>(), 0u8..3), 0..6),
    )
        .prop_map(|(statements, edits)| {
            let mut chars: Vec<char> = statements.concat().chars().collect();
            for (at, edit) in edits {
                if chars.is_empty() {
                    break;
                }
                let i = at.index(chars.len());
                match edit {
                    0 => {
                        chars.remove(i);
                    }
                    1 => chars.insert(i, chars[i]),
                    _ => chars.truncate(i),
                }
            }
            chars.into_iter().collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // Failures are reported with their minimal input; keep the tree clean.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_unicode_never_panics(text in any::<String>()) {
        check_parse(&text)?;
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        check_parse(&text)?;
    }

    #[test]
    fn mangled_statements_never_panic(text in mangled_statements()) {
        check_parse(&text)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        check_parse(&text)?;
    }

    #[test]
    fn line_index_round_trips(text in prop_oneof![any::<String>(), token_soup()]) {
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            // Between the `\r` and the `\n` of a CRLF is not a position a
            // client can name: lines end before their `\r`.
            if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                continue;
            }
            for unit in [ColumnUnit::Char, ColumnUnit::Utf16, ColumnUnit::Utf8] {
                let (line, column) = index.position(&text, offset, unit);
                prop_assert_eq!(
                    index.offset(&text, line, column, unit),
                    Some(offset),
                    "offset {} -> ({}, {}) in {:?} ({:?})", offset, line, column, text, unit
                );
            }
        }
    }
}

// ---------------------------------------------------------------- deep nesting

/// Runs `f` on a thread with a small stack, as an editor's worker might.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic");
}

#[test]
fn ten_thousand_braces_do_not_overflow() {
    on_small_stack(|| {
        let text = "{".repeat(10_000);
        let parse = parse(&text);
        assert!(parse.errors.iter().any(|e| e.message.contains("nesting")));
    });
}

#[test]
fn deep_element_nesting_is_capped() {
    on_small_stack(|| {
        let text = "system a { ".repeat(10_000);
        let parse = parse(&text);
        let nesting = parse
            .errors
            .iter()
            .find(|e| e.message.contains("nesting"))
            .expect("a nesting error");
        // The 65th `{` is the one refused.
        let refused = text
            .match_indices('{')
            .nth(MAX_NESTING)
            .map(|(i, _)| i)
            .unwrap();
        assert_eq!(nesting.span, Span::new(refused, refused + 1));
        // Everything up to the cap is still in the tree.
        let mut depth = 0;
        let mut decl = match &parse.tree.items[0] {
            Item::Decl(d) => d,
            other => panic!("expected a declaration, got {other:?}"),
        };
        while let Some(Entry::Decl(inner)) = decl.entries().first() {
            depth += 1;
            decl = inner;
        }
        assert_eq!(depth, MAX_NESTING);
    });
}

#[test]
fn deep_list_nesting_is_capped() {
    on_small_stack(|| {
        for text in [
            format!("system s {{ x = {}", "[".repeat(10_000)),
            format!(
                "system s {{ x = {}1{} }}",
                "[".repeat(10_000),
                "]".repeat(10_000)
            ),
            format!("x = {}", "[".repeat(10_000)),
            format!("a -> b {{ k = {}", "[".repeat(10_000)),
        ] {
            let parse = parse(&text);
            assert!(parse.errors.iter().any(|e| e.message.contains("nesting")));
        }
    });
}

#[test]
fn nesting_at_the_cap_is_accepted() {
    on_small_stack(|| {
        // 63 bodies and one list: 64 levels.
        let mut text = "system a { ".repeat(MAX_NESTING - 1);
        text.push_str("x = [1]");
        text.push_str(&" }".repeat(MAX_NESTING - 1));
        assert_eq!(parse(&text).errors, vec![]);

        // One body and 63 lists.
        let text = format!(
            "system s {{ x = {}1{} }}",
            "[".repeat(MAX_NESTING - 1),
            "]".repeat(MAX_NESTING - 1)
        );
        assert_eq!(parse(&text).errors, vec![]);
    });
}

#[test]
fn braces_in_strings_and_comments_do_not_count_as_nesting() {
    let braces = "{".repeat(1000);
    let text = format!(
        "system s \"{braces}\" {{\n  // {braces}\n  /* {braces} */\n  description \"\"\"{braces}\"\"\"\n}}\n"
    );
    let parse = parse(&text);
    assert_eq!(parse.errors, vec![]);
}

/// Parses `text` on another thread, failing if that takes over `limit`.
fn parse_within(text: String, limit: std::time::Duration) -> Parse {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(parse(&text));
    });
    receive
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("parsing took longer than {limit:?}"))
}

#[test]
fn braces_in_skipped_text_neither_hang_nor_exhaust_the_stack() {
    // Error recovery that skipped `{ ... }` groups whole would retry every
    // unclosed `{` (exponential or quadratic time), or recurse once per `{`
    // until pest's stack guard gives up on the whole file.
    for text in [
        format!("! {}", "{ x ".repeat(60)),
        format!("system s {{\n  ! {}\n}}", "{ x ".repeat(60)),
        format!("! {}\n", "{ \"s\" /* c */ ".repeat(60)).repeat(20),
        "! { ]\n".repeat(5000),
        "system s {\n ! { ]\n}\n".repeat(5000),
    ] {
        let parse = parse_within(text, std::time::Duration::from_secs(10));
        assert!(!parse.errors.is_empty());
        assert!(
            parse
                .errors
                .iter()
                .all(|e| e.message != "this file could not be read"),
            "the parser gave up on the file"
        );
    }
}

#[test]
fn a_large_file_with_errors_parses_quickly() {
    let chunk = "system bms \"Building\" {\n  label ja \"ビル\"\n  component hvac { x = [1, 2] }\n  oops !\n  hvac -> edge : flows \"x\"\n}\nview v of vp { include bms.* }\n";
    let text = chunk.repeat(2000);
    let parse = parse_within(text, std::time::Duration::from_secs(20));
    assert_eq!(parse.tree.items.len(), 4000);
    assert_eq!(parse.errors.len(), 2000);
}
