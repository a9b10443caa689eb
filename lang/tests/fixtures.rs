//! Data-driven parser tests: every `tests/fixtures/*.kozo` is parsed and its
//! outline (tree, comments, errors) is compared with an insta snapshot in
//! `tests/snapshots/<fixture>.snap`.
//!
//! The outline is meant to be read by a person: one line per declaration or
//! entry, its position as `line:column-line:column` (1-based, columns counted
//! in characters), names and paths as the source text their spans cover, and
//! each syntax error drawn under its source line with carets, rustc style.
//!
//! While rendering, the harness checks that every span it prints covers the
//! text it claims to (a name's span covers the name, a keyword's span the
//! keyword, ...), so a wrong span fails the test even if nobody reads the
//! snapshot. Fixtures whose name starts with `recover_` are expected to hold
//! syntax errors; every other fixture must parse without any.

use std::fmt::Write as _;
use std::path::{Path as FsPath, PathBuf};

use kozo_lang::line_index::ColumnUnit;
use kozo_lang::*;

#[test]
fn fixtures() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .map(|entry| entry.expect("readable fixture directory").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "kozo"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures found in {}", dir.display());

    let mut failed = Vec::new();
    for file in &files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let outcome = std::panic::catch_unwind(|| check_fixture(file, &name));
        if outcome.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "failing fixtures: {failed:?}");
}

fn check_fixture(file: &FsPath, name: &str) {
    let text = std::fs::read_to_string(file).expect("fixture is UTF-8");
    let parse = parse(&text);
    let expect_errors = name.starts_with("recover_");
    if expect_errors {
        assert!(
            !parse.errors.is_empty(),
            "{name}: a recovery fixture should report syntax errors"
        );
    } else {
        assert!(
            parse.errors.is_empty(),
            "{name}: expected no syntax errors, got {:#?}",
            parse.errors
        );
    }
    assert!(
        parse.errors.windows(2).all(|w| w[0].span <= w[1].span),
        "{name}: errors are not in source order"
    );
    for error in &parse.errors {
        for jargon in [
            "kw_", "probe_", "_ref", "_list", "_decl", "_clause", "_body", "EOI",
        ] {
            assert!(
                !error.message.contains(jargon),
                "{name}: a grammar rule name in {:?}",
                error.message
            );
        }
    }
    let rendered = render(&text, &parse);
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(file);
    settings.bind(|| insta::assert_snapshot!(name, rendered));
}

// ---------------------------------------------------------------- renderer

struct Renderer<'t> {
    text: &'t str,
    index: LineIndex,
    out: String,
}

/// Renders a parse as the reviewable outline stored in the snapshots.
fn render(text: &str, parse: &Parse) -> String {
    let mut r = Renderer {
        text,
        index: LineIndex::new(text),
        out: String::new(),
    };
    if let Some(library) = parse.tree.library {
        assert_eq!(&text[library.range()], "library");
        r.out.push_str("library\n");
    }
    r.out.push_str("items:\n");
    for item in &parse.tree.items {
        r.item(item);
    }
    if !parse.comments.is_empty() {
        r.out.push_str("\ncomments:\n");
        for comment in &parse.comments {
            let kind = match comment.kind {
                CommentKind::Line => "line",
                CommentKind::Doc => "doc",
                CommentKind::Block => "block",
            };
            let shown = r.excerpt(comment.span);
            r.line(0, comment.span, &format!("{kind} {shown}"));
        }
    }
    if !parse.errors.is_empty() {
        r.out.push_str("\nerrors:\n");
        for error in &parse.errors {
            r.error(error);
        }
    }
    r.out
}

impl Renderer<'_> {
    /// The source text under `span`, checked to be a valid slice.
    fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or_else(|| {
            panic!(
                "span {span:?} is not a slice of the text (length {})",
                self.text.len()
            )
        })
    }

    /// `L:C-L:C`, 1-based, columns in characters.
    fn pos(&self, span: Span) -> String {
        let (l1, c1) = self
            .index
            .position(self.text, span.start as usize, ColumnUnit::Char);
        let (l2, c2) = self
            .index
            .position(self.text, span.end as usize, ColumnUnit::Char);
        format!("{}:{}-{}:{}", l1 + 1, c1 + 1, l2 + 1, c2 + 1)
    }

    /// The text under `span` in backticks, shortened to its first line.
    fn excerpt(&self, span: Span) -> String {
        let text = self.slice(span);
        let first = text.lines().next().unwrap_or("");
        let mut shown: String = first.chars().take(60).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        format!("`{shown}`")
    }

    fn line(&mut self, depth: usize, span: Span, what: &str) {
        let pos = self.pos(span);
        let _ = writeln!(self.out, "{pos:<13} {}{what}", "  ".repeat(depth));
    }

    fn ident(&self, id: &Ident) -> String {
        let written = self.slice(id.span);
        assert_eq!(written, id.text, "an identifier's span must cover its text");
        if id.text.is_empty() {
            "<missing>".to_string()
        } else {
            format!("`{written}`")
        }
    }

    fn path(&self, path: &Path) -> String {
        for segment in &path.segments {
            self.ident(segment);
        }
        let written = self.slice(path.span);
        if path.segments.iter().all(|s| s.text.is_empty()) {
            return "<missing>".to_string();
        }
        assert_eq!(written, path.to_text(), "a path's span must cover the path");
        format!("`{written}`")
    }

    fn string(&self, s: &StrLit) -> String {
        let written = self.slice(s.span);
        let quote = if s.triple { "\"\"\"" } else { "\"" };
        assert!(
            written.len() >= 2 * quote.len()
                && written.starts_with(quote)
                && written.ends_with(quote),
            "a string's span must cover its quotes: {written:?}"
        );
        if s.triple {
            format!("triple {:?}", s.value)
        } else {
            format!("{:?}", s.value)
        }
    }

    fn value(&self, value: &Value) -> String {
        let written = self.slice(value.span()).to_string();
        match value {
            Value::Str(s) => format!("string {}", self.string(s)),
            Value::Number(n, _) => {
                assert_eq!(written, n.as_str(), "a number's span must cover it");
                format!("number {n}")
            }
            Value::Bool(b, _) => {
                assert_eq!(written, b.to_string(), "a boolean's span must cover it");
                format!("bool {b}")
            }
            Value::Path(p) => format!("path {}", self.path(p)),
            Value::List(items, _) => {
                assert!(written.starts_with('[') && written.ends_with(']'));
                let items: Vec<String> = items.iter().map(|v| self.value(v)).collect();
                format!("list [{}]", items.join(", "))
            }
        }
    }

    fn selector(&self, selector: &Selector) -> String {
        match selector {
            Selector::All(span) => {
                assert_eq!(self.slice(*span), "*");
                "`*` (all)".to_string()
            }
            Selector::Path { path, depth, span } => {
                let written = self.excerpt(*span);
                let path = self.path(path);
                match depth {
                    Depth::Itself => {
                        assert_eq!(written, path, "a selector's span must cover it");
                        path
                    }
                    Depth::Children => format!("{written} (children of {path})"),
                    Depth::Descendants => format!("{written} (descendants of {path})"),
                }
            }
        }
    }

    /// A declaration's doc text, under it (no position: it has no span).
    fn doc(&mut self, depth: usize, doc: &Option<String>) {
        if let Some(doc) = doc {
            for line in doc.split('\n') {
                let shown = format!("/// {line}");
                let _ = writeln!(
                    self.out,
                    "{:<13} {}{}",
                    "",
                    "  ".repeat(depth + 1),
                    shown.trim_end()
                );
            }
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Use(u) => {
                assert_eq!(self.slice(u.keyword), "use");
                let module = self.ident(&u.module);
                self.line(0, u.span, &format!("use {module}"));
            }
            Item::Decl(d) => self.decl(0, d),
            Item::Relationship(r) => self.relationship(0, r),
            Item::Error(span) => {
                let shown = self.excerpt(*span);
                self.line(0, *span, &format!("error {shown}"));
            }
        }
    }

    fn decl(&mut self, depth: usize, d: &Decl) {
        let keyword = match &d.kind {
            DeclKind::Element(kind) => format!("element {}", self.ident(kind)),
            other => other.keyword().to_string(),
        };
        assert_eq!(
            self.slice(d.keyword_span),
            d.kind.keyword(),
            "a declaration's keyword span must cover its keyword"
        );
        let mut what = format!("{keyword} {}", self.ident(&d.name));
        if let Some(extend) = d.extend_keyword() {
            assert_eq!(self.slice(extend), "extend");
            what = format!("extend {what}");
        }
        if let Some(vp) = &d.viewpoint {
            what.push_str(&format!(" of {}", self.path(vp)));
        }
        if let Some(label) = &d.label {
            what.push_str(&format!(" label {}", self.string(label)));
        }
        self.line(depth, d.span, &what);
        self.doc(depth, &d.doc);
        if let Some(body) = &d.body {
            self.body(depth + 1, body);
        }
    }

    fn relationship(&mut self, depth: usize, r: &Relationship) {
        assert_eq!(self.slice(r.arrow), "->");
        let mut what = format!(
            "relationship {} -> {}",
            self.path(&r.source),
            self.path(&r.target)
        );
        if let Some(kind) = &r.relation {
            what.push_str(&format!(" : {}", self.ident(kind)));
        }
        if let Some(label) = &r.label {
            what.push_str(&format!(" label {}", self.string(label)));
        }
        self.line(depth, r.span, &what);
        self.doc(depth, &r.doc);
        if let Some(body) = &r.body {
            self.body(depth + 1, body);
        }
    }

    fn body(&mut self, depth: usize, body: &Body) {
        let open = self.slice(body.span);
        assert!(open.starts_with('{'), "a body's span starts at its `{{`");
        if body.closed {
            assert!(open.ends_with('}'), "a closed body's span ends at its `}}`");
        } else {
            self.line(depth, body.span, "(body never closed)");
        }
        for entry in &body.entries {
            self.entry(depth, entry);
        }
    }

    fn entry(&mut self, depth: usize, entry: &Entry) {
        match entry {
            Entry::Label {
                language,
                text,
                span,
            } => {
                let what = format!("label {} {}", self.ident(language), self.string(text));
                self.line(depth, *span, &what);
            }
            Entry::Description {
                language,
                text,
                span,
            } => {
                let language = language
                    .as_ref()
                    .map(|l| format!("{} ", self.ident(l)))
                    .unwrap_or_default();
                let what = format!("description {language}{}", self.string(text));
                self.line(depth, *span, &what);
            }
            Entry::Property { key, value, span } => {
                let what = format!("property {} = {}", self.ident(key), self.value(value));
                self.line(depth, *span, &what);
            }
            Entry::Clause(c) => {
                assert_eq!(
                    self.slice(c.keyword_span),
                    c.keyword.as_str(),
                    "a clause's keyword span must cover its keyword"
                );
                let args = match &c.args {
                    ClauseArgs::None => String::new(),
                    ClauseArgs::Number(n, span) => {
                        assert_eq!(self.slice(*span), n.as_str());
                        format!(" {n}")
                    }
                    ClauseArgs::Word(word) => format!(" {}", self.ident(word)),
                    ClauseArgs::Paths(paths) => {
                        let paths: Vec<String> = paths.iter().map(|p| self.path(p)).collect();
                        format!(" {}", paths.join(", "))
                    }
                    ClauseArgs::Selectors(selectors) => {
                        let items: Vec<String> =
                            selectors.iter().map(|s| self.selector(s)).collect();
                        format!(" {}", items.join(", "))
                    }
                    ClauseArgs::Text(s) => format!(" {}", self.string(s)),
                    ClauseArgs::Allow(pairs) => {
                        assert_eq!(self.slice(pairs.arrow), "->");
                        let sources: Vec<String> =
                            pairs.sources.iter().map(|i| self.ident(i)).collect();
                        let targets: Vec<String> =
                            pairs.targets.iter().map(|i| self.ident(i)).collect();
                        format!(" {} -> {}", sources.join(", "), targets.join(", "))
                    }
                    ClauseArgs::Relationship(pattern) => {
                        assert_eq!(self.slice(pattern.arrow), "->");
                        let kind = pattern
                            .relation
                            .as_ref()
                            .map(|k| format!(" : {}", self.ident(k)))
                            .unwrap_or_default();
                        format!(
                            " {} -> {}{kind}",
                            self.path(&pattern.source),
                            self.path(&pattern.target)
                        )
                    }
                };
                let what = format!("{}{args}", c.keyword.as_str());
                self.line(depth, c.span, &what);
            }
            Entry::Decl(d) => self.decl(depth, d),
            Entry::Relationship(r) => self.relationship(depth, r),
            Entry::Error(span) => {
                let shown = self.excerpt(*span);
                self.line(depth, *span, &format!("error {shown}"));
            }
        }
    }

    /// An error drawn rustc style: message, location, the source line and
    /// carets under the span (to the end of the line when the span runs on).
    fn error(&mut self, error: &SyntaxError) {
        self.slice(error.span);
        let start = error.span.start as usize;
        let (line, column) = self.index.position(self.text, start, ColumnUnit::Char);
        let range = self
            .index
            .line_range(self.text, line as usize)
            .expect("the error's line exists");
        let source = &self.text[range.clone()];
        let before = &self.text[range.start..start.max(range.start)];
        let end = (error.span.end as usize).clamp(start, range.end.max(start));
        let under = self.text.get(start..end).unwrap_or("");
        let pad = display_width(before);
        let carets = display_width(under).max(1);
        let number = (line + 1).to_string();
        let gutter = " ".repeat(number.len());
        let _ = writeln!(self.out, "error: {}", error.message);
        let _ = writeln!(self.out, "{gutter}--> {}:{}", line + 1, column + 1);
        let _ = writeln!(self.out, "{gutter} |");
        let _ = writeln!(self.out, "{number} | {}", source.replace('\t', "    "));
        let _ = writeln!(
            self.out,
            "{gutter} | {}{}",
            " ".repeat(pad),
            "^".repeat(carets)
        );
    }
}

/// Terminal columns taken by `text`: East Asian wide characters count two,
/// a tab four (the source line is printed with tabs expanded).
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\t' => 4,
            '\u{1100}'..='\u{115F}'
            | '\u{2E80}'..='\u{A4CF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FF60}'
            | '\u{FFE0}'..='\u{FFE6}'
            | '\u{20000}'..='\u{3FFFD}' => 2,
            _ => 1,
        })
        .sum()
}
