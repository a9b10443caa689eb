//! Property tests: the engine never panics on any input, its spans always
//! point into the text they belong to, and incremental analysis agrees with
//! analysis from scratch.

use std::collections::BTreeMap;

use kozo_engine::diagnostic::Level;
use kozo_engine::{Analysis, Config, Diagnostic, Rule, Severity};
use kozo_lang::Span;
use proptest::prelude::*;

// ------------------------------------------------------------------ inputs

const KEYWORDS: &[&str] = &[
    "use",
    "layer",
    "kinds",
    "kind",
    "relations",
    "relation",
    "concerns",
    "concern",
    "stakeholder",
    "viewpoint",
    "view",
    "decision",
    "label",
    "description",
    "order",
    "parents",
    "shape",
    "from",
    "to",
    "acyclic",
    "downward",
    "default",
    "frames",
    "include",
    "exclude",
    "of",
    "status",
    "addresses",
    "affects",
    "rationale",
    "implied",
    "direction",
    "group",
    "note",
    "line",
    "head",
    "tail",
    "society5",
    "accepted",
    "proposed",
    "cylinder",
    "true",
];

const NAMES: &[&str] = &[
    "a",
    "b",
    "c",
    "bms",
    "gw",
    "system",
    "component",
    "dataset",
    "depends",
    "flows",
    "uses",
    "data",
    "建物",
    "データ",
    "_x",
    "a1",
    "ja",
    "owner",
    "privacy",
    "vp",
    "v",
];

const PUNCTUATION: &[&str] = &[
    "{", "}", "{", "}", "->", "-", ">", ":", ",", ".", ".*", ".**", "*", "=", "[", "]", "\"",
    "\"\"\"", "/", "*/", "/*", "\\",
];

const COMMENTS: &[&str] = &[
    "// a comment\n",
    "/// a doc comment\n",
    "/* block */",
    "/* open block",
    "/* nested /* not */ */",
    "// kozo-allow: orphan-element\n",
    "// kozo-allow: orphan-element, element-not-in-view -- reason\n",
    "// kozo-allow: no-such-rule, cycle\n",
    "/* kozo-allow: self-relationship */",
    "// kozo-allow:",
];

const STRINGS: &[&str] = &[
    "\"label\"",
    "\"ビル管理\"",
    "\"esc \\\" \\\\ \\n \\t \\u{5EFA}\"",
    "\"bad \\q escape\"",
    "\"bad \\u{110000}\"",
    "\"unterminated",
    "\"\"",
    "\"\"\"multi\nline\"\"\"",
    "\"\"\"open triple",
];

const SPACES: &[&str] = &[
    " ", " ", " ", "\n", "\n", "\t", "\r\n", "  ", "\u{FEFF}", "\u{3000}",
];

/// One piece of kozo-looking text.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(SPACES).prop_map(str::to_string),
        3 => prop::sample::select(KEYWORDS).prop_map(str::to_string),
        4 => prop::sample::select(NAMES).prop_map(str::to_string),
        4 => prop::sample::select(PUNCTUATION).prop_map(str::to_string),
        1 => prop::sample::select(COMMENTS).prop_map(str::to_string),
        2 => prop::sample::select(STRINGS).prop_map(str::to_string),
        1 => "-?[0-9]{1,3}(\\.[0-9]{1,2})?",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

/// A random sequence of kozo tokens, keywords, names, braces, strings,
/// comments, arrows and line breaks.
fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..80).prop_map(|tokens| tokens.concat())
}

/// A statement that means something, so that name resolution, the rules and
/// `kozo-allow` have something to work on.
fn statement() -> impl Strategy<Value = String> {
    let name = || prop::sample::select(&["a", "b", "c", "d", "hub", "建物"][..]);
    let path = || {
        prop_oneof![
            name().prop_map(str::to_string),
            (name(), name()).prop_map(|(a, b)| format!("{a}.{b}")),
        ]
    };
    let kind = || {
        prop::sample::select(
            &[
                "system",
                "system",
                "component",
                "dataset",
                "device",
                "goal",
                "service",
                "gadget",
                "sytem",
            ][..],
        )
    };
    let relation = || {
        prop::sample::select(
            &[
                "",
                " : depends",
                " : depends",
                " : flows",
                " : realizes",
                " : feeds",
                " : owns",
            ][..],
        )
    };
    prop_oneof![
        2 => Just("use society5".to_string()),
        1 => Just("use society5\nsystem a\nservice b\ndevice c".to_string()),
        1 => (name(), name(), name()).prop_map(|(x, y, z)| format!("{x} -> {y} : depends\n{y} -> {z} : depends\n{z} -> {x} : depends")),
        4 => (kind(), name()).prop_map(|(k, n)| format!("{k} {n}")),
        2 => (kind(), name(), kind(), name(), path(), path()).prop_map(|(k, n, k2, n2, s, t)| format!(
            "{k} {n} {{\n  {k2} {n2}\n  {s} -> {t}\n}}"
        )),
        4 => (name(), name(), relation()).prop_map(|(s, t, r)| format!("{s} -> {t}{r}")),
        2 => (path(), path(), relation()).prop_map(|(s, t, r)| format!("{s} -> {t}{r}")),
        1 => (name(), path(), path()).prop_map(|(v, a, b)| format!("view v_{v} of vp {{ include {a}, {b}.*  exclude {a}.** }}")),
        1 => (name(), path(), path(), path()).prop_map(|(v, a, b, c)| format!(
            "view w_{v} {{ include {a}, {b}, {c}.*\n  exclude {a} -> {b}\n  exclude {b} -> {c} : flows\n  implied off\n  direction right\n  group g {{ include {b}, {c} }}\n  note \"n\"\n}}"
        )),
        1 => Just("relation shows { line dashed  head hollow_diamond  tail circle }".to_string()),
        1 => Just("viewpoint vp { frames privacy  kinds system, dataset  relations depends }".to_string()),
        1 => Just("concern privacy".to_string()),
        1 => Just("stakeholder owner { concerns privacy }".to_string()),
        1 => Just("stakeholder nobody".to_string()),
        1 => Just("decision d { status accepted  addresses privacy  affects a }".to_string()),
        1 => Just("layer top { order 1 }\nkind gadget { layer top  parents system }".to_string()),
        1 => Just("relation feeds { from gadget  to *  acyclic  downward }".to_string()),
        1 => Just("relation uses { default }".to_string()),
        1 => Just("// kozo-allow: orphan-element, element-not-in-view".to_string()),
        1 => Just("// kozo-allow: cycle, bogus".to_string()),
        1 => Just("// kozo-allow: layer-violation, self-relationship, relation-not-allowed".to_string()),
        1 => Just("system {".to_string()),
        1 => Just("}".to_string()),
        1 => Just("\"unterminated".to_string()),
    ]
}

fn model_text() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 0..14).prop_map(|s| s.join("\n"))
}

/// Either kind of text: a model made of statements, or token soup.
fn any_kozo_text() -> impl Strategy<Value = String> {
    prop_oneof![model_text(), token_soup(), any::<String>()]
}

const PATHS: &[&str] = &["a.kozo", "b.kozo", "sub/c.kozo", "建物.kozo"];

fn file_path() -> impl Strategy<Value = &'static str> {
    prop::sample::select(PATHS)
}

/// Bytes that are often almost UTF-8: kozo text with bytes spliced in.
fn mostly_text_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        (
            model_text(),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4)
        )
            .prop_map(|(text, splices)| {
                let mut bytes = text.into_bytes();
                for (at, byte) in splices {
                    let at = at.index(bytes.len() + 1);
                    bytes.insert(at, byte);
                }
                bytes
            }),
    ]
}

fn level() -> impl Strategy<Value = Level> {
    prop_oneof![
        Just(Level::Off),
        Just(Level::On(Severity::Info)),
        Just(Level::On(Severity::Warning)),
        Just(Level::On(Severity::Error)),
    ]
}

fn config() -> impl Strategy<Value = Config> {
    prop::collection::vec((prop::sample::select(Rule::ALL), level()), 0..4).prop_map(|levels| {
        let mut config = Config::default();
        config.rules.extend(levels);
        config
    })
}

// ------------------------------------------------------------------ checks

fn assert_span(analysis: &Analysis, file: kozo_engine::db::SourceFile, span: Span, what: &str) {
    let text = analysis.text(file);
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what} span {start}..{end} outside {} ({} bytes)",
        analysis.path(file),
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} span {start}..{end} of {} splits a character",
        analysis.path(file)
    );
}

/// Asks every question a consumer asks, and checks every span.
fn check_everything(analysis: &Analysis) {
    let diagnostics = analysis.diagnostics();
    // The lists made file by file, put together, are the findings gathered
    // at once, in the same order.
    let (db, workspace) = (analysis.db(), analysis.workspace());
    assert_eq!(
        diagnostics,
        kozo_engine::db::diagnostics_at_once(db, workspace).as_slice()
    );
    let by_file: Vec<Diagnostic> = kozo_engine::db::findings_by_file(db, workspace)
        .files()
        .flat_map(|(file, list)| {
            assert!(!list.is_empty() && list.iter().all(|d| d.file == file));
            list.iter().cloned()
        })
        .collect();
    assert_eq!(diagnostics, by_file.as_slice());
    for d in diagnostics {
        assert_span(analysis, d.file, d.span, d.rule.name());
        for related in &d.related {
            assert_span(analysis, related.file, related.span, "related");
        }
    }
    let model = analysis.model();
    for reference in &model.references {
        assert_span(
            analysis,
            reference.loc.file,
            reference.loc.span,
            "reference",
        );
    }
    for view in model.view_ids() {
        let _ = model.view_relationships(view);
        let _ = model.view_curation(view);
        let diagram = kozo_engine::render::diagram(analysis, view, None);
        for group in &diagram.groups {
            assert!(group.members.iter().all(|&m| m < diagram.nodes.len()));
        }
        let _ = kozo_engine::render::to_dot(&diagram);
    }
    let summary = analysis.summary();
    assert_eq!(
        summary.errors + summary.warnings + summary.infos,
        diagnostics.len()
    );
    assert_eq!(summary.elements, model.elements.len());
}

/// The findings as text, with their files: what two analyses must agree on.
fn rendered(analysis: &Analysis) -> Vec<String> {
    let mut messages = kozo_engine::MessageText::new(analysis);
    let render = |d: &Diagnostic| {
        let related: Vec<String> = d
            .related
            .iter()
            .map(|r| {
                format!(
                    "{}:{}..{} {}",
                    analysis.path(r.file),
                    r.span.start,
                    r.span.end,
                    r.message
                )
            })
            .collect();
        format!(
            "{}:{}..{} {} {}: {} {:?} {:?}",
            analysis.path(d.file),
            d.span.start,
            d.span.end,
            d.rule,
            d.severity.as_str(),
            messages.message(d),
            d.suggestion,
            related
        )
    };
    analysis.diagnostics().iter().map(render).collect()
}

// ------------------------------------------------------------------ properties

/// What an edit does to the workspace.
#[derive(Clone, Debug)]
enum Edit {
    Set(&'static str, String),
    SetBytes(&'static str, Vec<u8>),
    Remove(&'static str),
    Configure(Config),
    /// Text spliced into a file at a place picked among its characters:
    /// mostly an edit that moves what follows and declares nothing new.
    Insert(&'static str, prop::sample::Index, &'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => (file_path(), model_text()).prop_map(|(p, t)| Edit::Set(p, t)),
        2 => (file_path(), token_soup()).prop_map(|(p, t)| Edit::Set(p, t)),
        1 => (file_path(), mostly_text_bytes()).prop_map(|(p, b)| Edit::SetBytes(p, b)),
        2 => file_path().prop_map(Edit::Remove),
        1 => config().prop_map(Edit::Configure),
        6 => (
            file_path(),
            any::<prop::sample::Index>(),
            prop::sample::select(&[" ", "\n", "\n\n", "x", "建", "\"", "{", "}", "// c\n", "-> a"][..]),
        )
            .prop_map(|(p, at, text)| Edit::Insert(p, at, text)),
    ]
}

/// A file's last state, to build the same workspace from scratch.
#[derive(Clone, Debug)]
enum Content {
    Text(String),
    Bytes(Vec<u8>),
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn one_file_of_anything_never_panics(text in any_kozo_text()) {
        let mut analysis = Analysis::default();
        analysis.set_file("model.kozo", text);
        check_everything(&analysis);
    }

    #[test]
    fn several_files_of_anything_never_panic(
        files in prop::collection::vec((file_path(), any_kozo_text()), 1..5),
        config in config(),
    ) {
        let mut analysis = Analysis::new(config);
        for (path, text) in files {
            analysis.set_file(path, text);
        }
        check_everything(&analysis);
    }

    #[test]
    fn any_bytes_never_panic(
        files in prop::collection::vec((file_path(), mostly_text_bytes()), 1..4),
    ) {
        let mut analysis = Analysis::default();
        for (path, bytes) in files {
            analysis.set_file_bytes(path, bytes);
        }
        check_everything(&analysis);
        for file in analysis.files() {
            if analysis.is_not_utf8(file) {
                let syntax_errors = analysis
                    .diagnostics()
                    .iter()
                    .filter(|d| d.file == file && d.rule == Rule::SyntaxError)
                    .count();
                prop_assert_eq!(syntax_errors, 1, "a file that is not UTF-8 is reported once");
            }
        }
    }

    #[test]
    fn incremental_analysis_equals_analysis_from_scratch(
        initial_config in config(),
        edits in prop::collection::vec(edit(), 1..16),
    ) {
        let mut incremental = Analysis::new(initial_config.clone());
        let mut files: BTreeMap<&'static str, Content> = BTreeMap::new();
        let mut config = initial_config;
        for edit in edits {
            match edit {
                Edit::Set(path, text) => {
                    incremental.set_file(path, text.clone());
                    files.insert(path, Content::Text(text));
                }
                Edit::SetBytes(path, bytes) => {
                    incremental.set_file_bytes(path, bytes.clone());
                    files.insert(path, Content::Bytes(bytes));
                }
                Edit::Remove(path) => {
                    prop_assert_eq!(incremental.remove_file(path), files.remove(path).is_some());
                }
                Edit::Configure(new) => {
                    incremental.set_config(new.clone());
                    config = new;
                }
                Edit::Insert(path, at, text) => {
                    let Some(Content::Text(old)) = files.get(path) else {
                        continue;
                    };
                    let boundaries: Vec<usize> = old
                        .char_indices()
                        .map(|(i, _)| i)
                        .chain([old.len()])
                        .collect();
                    let at = boundaries[at.index(boundaries.len())];
                    let mut new = old.clone();
                    new.insert_str(at, text);
                    incremental.set_file(path, new.clone());
                    files.insert(path, Content::Text(new));
                }
            }
            // Ask after every edit, so that later answers come from memos.
            check_everything(&incremental);
        }

        let from_scratch = || {
            let mut scratch = Analysis::new(config.clone());
            for (path, content) in &files {
                match content {
                    Content::Text(text) => {
                        scratch.set_file(path, text.clone());
                    }
                    Content::Bytes(bytes) => {
                        scratch.set_file_bytes(path, bytes.clone());
                    }
                }
            }
            scratch
        };
        let scratch = from_scratch();
        prop_assert_eq!(rendered(&incremental), rendered(&scratch));
        prop_assert_eq!(incremental.summary(), scratch.summary());
        // `kozo check`'s way, freeing each tree once its part is made.
        let mut freed = from_scratch();
        freed.check_freeing_trees();
        prop_assert_eq!(rendered(&freed), rendered(&scratch));
        prop_assert_eq!(freed.summary(), scratch.summary());
    }
}

// ------------------------------------------------------------------ extremes

/// Inputs too large or too deep for random generation to reach.
#[test]
fn pathological_inputs_never_panic() {
    let depth = 5 * kozo_lang::MAX_NESTING;
    let mut nested = String::from("use society5\n");
    for i in 0..depth {
        nested.push_str(&format!("component c{i} {{ c{i} -> c{i} "));
    }
    nested.push_str(&"}".repeat(depth));

    let long_path = format!(
        "use society5\nsystem a\na -> {}\n",
        vec!["a"; 5000].join(".")
    );

    let mut chain = String::from("use society5\n");
    for i in 0..2000 {
        chain.push_str(&format!(
            "system s{i}\ns{i} -> s{} : depends\n",
            (i + 1) % 2000
        ));
    }

    let many_allows =
        "// kozo-allow: ".to_string() + &vec!["orphan-element"; 2000].join(",") + "\nsystem a\n";
    let lists = format!(
        "view v {{ include {} }}\nsystem x\n",
        vec!["x.**"; 3000].join(", ")
    );
    let brackets = format!(
        "system a {{ p = {}{} }}",
        "[".repeat(1000),
        "]".repeat(1000)
    );
    let unclosed = "system a {".repeat(300) + "/* never closed " + &"\"".repeat(7);

    for text in [
        nested,
        long_path,
        chain,
        many_allows,
        lists,
        brackets,
        unclosed,
    ] {
        let mut analysis = Analysis::default();
        analysis.set_file("model.kozo", text);
        check_everything(&analysis);
    }
}

/// A cycle through every element is reported once, listing all of them.
#[test]
fn a_long_cycle_is_reported_once() {
    let mut text = String::from("use society5\n");
    for i in 0..500 {
        text.push_str(&format!(
            "system s{i}\ns{i} -> s{} : depends\n",
            (i + 1) % 500
        ));
    }
    let mut analysis = Analysis::default();
    analysis.set_file("model.kozo", text);
    let cycles: Vec<&Diagnostic> = analysis
        .diagnostics()
        .iter()
        .filter(|d| d.rule == Rule::Cycle)
        .collect();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].message.matches(" -> ").count(), 500);
}
