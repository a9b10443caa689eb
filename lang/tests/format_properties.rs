//! Properties of the formatter, over generated models and over the example
//! workspaces:
//!
//! - `fmt(fmt(x)) == fmt(x)`;
//! - the syntax tree of `fmt(x)` equals that of `x`, spans aside;
//! - the comments of `fmt(x)` are those of `x`, in the same order (so the
//!   multisets are equal too);
//! - the layout is canonical: `x` with its spaces and indentation changed
//!   formats to the same text as `x`;
//! - no output line ends in spaces.
//!
//! Generated models are valid token sequences of every statement kind, with
//! nested bodies, lists, Japanese names, escapes and `"""` strings; between
//! any two tokens the generator puts random layout: spaces, tabs, line
//! breaks, blank lines, and comments of every kind (block, line, doc,
//! `kozo-allow`).

mod format_support;

use std::path::PathBuf;

use format_support::assert_lossless;
use kozo_lang::format::{format, FormatOptions};
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------- generated models

/// A token of a generated model: words must be kept apart by layout,
/// punctuation may touch its neighbours.
#[derive(Clone, Debug)]
enum Tok {
    Word(String),
    Punct(&'static str),
}

type Toks = Vec<Tok>;

fn word(text: &str) -> Tok {
    Tok::Word(text.to_string())
}

fn name() -> impl Strategy<Value = String> {
    select(vec![
        "bms",
        "hvac_ctl",
        "edge_gw",
        "a",
        "b2",
        "_x",
        "建物",
        "データ基盤",
        "très_long_name_for_wrapping",
    ])
    .prop_map(str::to_string)
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(name(), 1..=3).prop_map(|segments| segments.join("."))
}

fn string() -> impl Strategy<Value = String> {
    select(vec![
        r#""Label""#,
        r#""ビル管理システム""#,
        r#""with \"escapes\" \\ \n \t \u{30C7}""#,
        r#""// not a comment /* nor this */""#,
        r#""""#,
        "\"\"\"\n  a triple string\n    kept as written\n\"\"\"",
        r#""""one line""""#,
        r#""a much longer label that takes a good part of the line by itself""#,
    ])
    .prop_map(str::to_string)
}

fn scalar() -> impl Strategy<Value = Toks> {
    prop_oneof![
        string().prop_map(|s| vec![Tok::Word(s)]),
        select(vec!["0", "42", "-1", "3.25", "true", "false"]).prop_map(|n| vec![word(n)]),
        path().prop_map(|p| vec![Tok::Word(p)]),
    ]
}

/// `[a, b, ...]`, nested, with or without a trailing comma.
fn value() -> impl Strategy<Value = Toks> {
    scalar().prop_recursive(3, 40, 8, |inner| {
        (prop::collection::vec(inner, 0..8), any::<bool>()).prop_map(|(items, trailing)| {
            let mut toks = vec![Tok::Punct("[")];
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    toks.push(Tok::Punct(","));
                }
                toks.extend(item.iter().cloned());
            }
            if trailing && !items.is_empty() {
                toks.push(Tok::Punct(","));
            }
            toks.push(Tok::Punct("]"));
            toks
        })
    })
}

/// `a, b, c` after a clause keyword.
fn list(item: impl Strategy<Value = String>) -> impl Strategy<Value = Toks> {
    prop::collection::vec(item, 1..14).prop_map(|items| {
        let mut toks = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                toks.push(Tok::Punct(","));
            }
            toks.push(Tok::Word(item));
        }
        toks
    })
}

fn clause(
    keyword: &'static str,
    args: impl Strategy<Value = Toks> + 'static,
) -> BoxedStrategy<Toks> {
    args.prop_map(move |args| {
        let mut toks = vec![word(keyword)];
        toks.extend(args);
        toks
    })
    .boxed()
}

/// `label`, `description` and properties: what every body accepts.
fn common_entry() -> BoxedStrategy<Toks> {
    prop_oneof![
        (select(vec!["ja", "en", "fr"]), string()).prop_map(|(lang, s)| vec![
            word("label"),
            word(lang),
            Tok::Word(s)
        ]),
        string().prop_map(|s| vec![word("description"), Tok::Word(s)]),
        (name(), value()).prop_map(|(key, value)| {
            let mut toks = vec![Tok::Word(key), Tok::Punct("=")];
            toks.extend(value);
            toks
        }),
    ]
    .boxed()
}

fn body(entries: Vec<Toks>) -> Toks {
    let mut toks = vec![Tok::Punct("{")];
    toks.extend(entries.into_iter().flatten());
    toks.push(Tok::Punct("}"));
    toks
}

/// `keyword name "Label"? { entries }?`.
fn declaration(
    keyword: impl Strategy<Value = String>,
    entry: BoxedStrategy<Toks>,
) -> impl Strategy<Value = Toks> {
    (
        keyword,
        name(),
        prop::option::of(string()),
        prop::option::of(prop::collection::vec(entry, 0..6)),
    )
        .prop_map(|(keyword, name, label, entries)| {
            let mut toks = vec![Tok::Word(keyword), Tok::Word(name)];
            toks.extend(label.map(Tok::Word));
            toks.extend(entries.map(body).unwrap_or_default());
            toks
        })
}

fn relationship() -> impl Strategy<Value = Toks> {
    (
        path(),
        path(),
        prop::option::of(name()),
        prop::option::of(string()),
        prop::option::of(prop::collection::vec(common_entry(), 0..4)),
    )
        .prop_map(|(source, target, kind, label, entries)| {
            let mut toks = vec![Tok::Word(source), Tok::Punct("->"), Tok::Word(target)];
            if let Some(kind) = kind {
                toks.extend([Tok::Punct(":"), Tok::Word(kind)]);
            }
            toks.extend(label.map(Tok::Word));
            toks.extend(entries.map(body).unwrap_or_default());
            toks
        })
}

fn element() -> impl Strategy<Value = Toks> {
    let kind = || select(vec!["system", "component", "device"]).prop_map(str::to_string);
    declaration(kind(), common_entry()).prop_recursive(4, 64, 6, move |inner| {
        let entry = prop_oneof![
            3 => common_entry(),
            2 => inner,
            2 => relationship(),
        ]
        .boxed();
        declaration(kind(), entry)
    })
}

fn selector() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => path(),
        1 => path().prop_map(|p| format!("{p}.*")),
        1 => path().prop_map(|p| format!("{p}.**")),
        1 => Just("*".to_string()),
    ]
}

fn metamodel_declaration() -> BoxedStrategy<Toks> {
    let kw = |k: &'static str| Just(k.to_string());
    let number = || select(vec!["1", "6", "7.5"]).prop_map(|n| vec![word(n)]);
    let word_of = |words: Vec<&'static str>| select(words).prop_map(|w| vec![word(w)]);
    let pattern = || prop_oneof![3 => name(), 1 => Just("*".to_string())];
    prop_oneof![
        Just(vec![word("use"), word("society5")]),
        declaration(
            kw("layer"),
            prop_oneof![common_entry(), clause("order", number())].boxed()
        ),
        declaration(
            kw("kind"),
            prop_oneof![
                common_entry(),
                clause("layer", name().prop_map(|n| vec![Tok::Word(n)])),
                clause("parents", list(name())),
                clause("shape", word_of(vec!["box", "cylinder", "hexagon"])),
            ]
            .boxed()
        ),
        declaration(
            kw("relation"),
            prop_oneof![
                common_entry(),
                clause("from", list(pattern())),
                clause("to", list(pattern())),
                clause("acyclic", Just(Vec::new())),
                clause("downward", Just(Vec::new())),
                clause("default", Just(Vec::new())),
            ]
            .boxed()
        ),
        declaration(kw("concern"), common_entry()),
        declaration(
            kw("stakeholder"),
            prop_oneof![common_entry(), clause("concerns", list(path()))].boxed()
        ),
        declaration(
            kw("viewpoint"),
            prop_oneof![
                common_entry(),
                clause("frames", list(path())),
                clause("kinds", list(name())),
                clause("relations", list(name())),
            ]
            .boxed()
        ),
        (
            name(),
            prop::option::of(path()),
            prop::option::of(string()),
            prop::option::of(prop::collection::vec(
                prop_oneof![
                    common_entry(),
                    clause("include", list(selector())),
                    clause("exclude", list(selector())),
                ],
                0..5
            )),
        )
            .prop_map(|(name, viewpoint, label, entries)| {
                let mut toks = vec![word("view"), Tok::Word(name)];
                if let Some(vp) = viewpoint {
                    toks.extend([word("of"), Tok::Word(vp)]);
                }
                toks.extend(label.map(Tok::Word));
                toks.extend(entries.map(body).unwrap_or_default());
                toks
            }),
        declaration(
            kw("decision"),
            prop_oneof![
                common_entry(),
                clause("status", word_of(vec!["proposed", "accepted"])),
                clause("addresses", list(path())),
                clause("affects", list(path())),
                clause("rationale", string().prop_map(|s| vec![Tok::Word(s)])),
            ]
            .boxed()
        ),
    ]
    .boxed()
}

fn model() -> impl Strategy<Value = Toks> {
    prop::collection::vec(
        prop_oneof![
            3 => element().boxed(),
            2 => relationship().boxed(),
            3 => metamodel_declaration(),
        ],
        0..8,
    )
    .prop_map(|items| items.into_iter().flatten().collect())
}

/// What may stand between two tokens. `""` only where a punctuation mark
/// keeps the tokens apart.
const GAPS: &[&str] = &[
    " ",
    " ",
    " ",
    " ",
    "\n",
    "\n",
    "\n  ",
    "\n\n\n    ",
    "\t",
    "   ",
    "",
    "",
    " /* c */ ",
    "/*x*/",
    "\n/* two\n   lines */\n",
    " /* before a break */\n",
    " // trailing\n",
    "\n// own line\n",
    "\n\n// after a blank line\n\n",
    "\n/// doc\n",
    "\n/// doc one\n/// doc two\n",
    "\n/// a doc comment a blank line away documents nothing\n\n",
    " // kozo-allow: orphan-element\n",
];

fn render(toks: &[Tok], gaps: &[usize]) -> String {
    let mut text = String::new();
    let gap = |i: usize| GAPS[gaps.get(i).copied().unwrap_or(0) % GAPS.len()];
    text.push_str(gap(0));
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Tok::Word(w) => {
                if i > 0
                    && matches!(toks[i - 1], Tok::Word(_))
                    && text.ends_with(|c: char| !c.is_whitespace() && c != '/')
                {
                    // Two words must not run together.
                    text.push(' ');
                }
                text.push_str(w);
            }
            Tok::Punct(p) => text.push_str(p),
        }
        text.push_str(gap(i + 1));
    }
    text
}

fn generated() -> impl Strategy<Value = (String, FormatOptions)> {
    model()
        .prop_flat_map(|toks| {
            let n = toks.len() + 1;
            (
                Just(toks),
                prop::collection::vec(0..GAPS.len(), n),
                20usize..=120,
                1usize..=6,
            )
        })
        .prop_map(|(toks, gaps, width, indent)| {
            (render(&toks, &gaps), FormatOptions { width, indent })
        })
}

fn no_trailing_spaces(formatted: &str) -> Result<(), TestCaseError> {
    for (i, line) in formatted.lines().enumerate() {
        prop_assert!(
            !line.ends_with([' ', '\t']),
            "line {} ends in spaces: {line:?}\n{formatted}",
            i + 1
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn generated_models_format_losslessly((text, options) in generated()) {
        let parse = kozo_lang::parse(&text);
        prop_assert!(parse.errors.is_empty(), "the generator made invalid text: {:?}\n{text}", parse.errors);
        let formatted = format(&text, &options).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        assert_lossless(&text, &formatted, &options);
        no_trailing_spaces(&formatted)?;
    }
}

// ---------------------------------------------------------------- examples

fn examples() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files = Vec::new();
    for workspace in std::fs::read_dir(&root).expect("examples exist") {
        let workspace = workspace.expect("readable").path();
        let Ok(entries) = std::fs::read_dir(&workspace) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("readable").path();
            if path.extension().is_some_and(|e| e == "kozo") {
                let text = std::fs::read_to_string(&path).expect("UTF-8");
                files.push((path.display().to_string(), text));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 30, "examples missing: {}", files.len());
    files
}

/// The examples that parse (every-rule has a syntax error on purpose).
fn parsable_examples() -> Vec<(String, String)> {
    examples()
        .into_iter()
        .filter(|(_, text)| kozo_lang::parse(text).errors.is_empty())
        .collect()
}

#[test]
fn examples_are_committed_formatted() {
    let options = FormatOptions::default();
    for (path, text) in parsable_examples() {
        let formatted = format(&text, &options).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            formatted, text,
            "{path} is not formatted (run `kozo fmt examples`)"
        );
    }
}

#[test]
fn examples_format_losslessly_at_any_width() {
    for (path, text) in parsable_examples() {
        for (width, indent) in [(20, 2), (40, 4), (60, 1), (100, 2), (200, 8)] {
            let options = FormatOptions { width, indent };
            let formatted = format(&text, &options).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_lossless(&text, &formatted, &options);
        }
    }
}

/// `text` with every run of spaces and tabs outside strings and comments
/// replaced by the next of `runs` (indentation may vanish; a space between
/// two tokens stays at least one).
fn respace(text: &str, runs: &[&str]) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    let mut run = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let verbatim = if rest.starts_with("//") {
            rest.find('\n').unwrap_or(rest.len())
        } else if let Some(inner) = rest.strip_prefix("/*") {
            inner.find("*/").map_or(rest.len(), |e| e + 4)
        } else if let Some(inner) = rest.strip_prefix("\"\"\"") {
            inner.find("\"\"\"").map_or(rest.len(), |e| e + 6)
        } else if rest.starts_with('"') {
            let mut j = 1;
            while j < rest.len() && bytes[i + j] != b'"' {
                j += if bytes[i + j] == b'\\' { 2 } else { 1 };
            }
            j + 1
        } else {
            0
        };
        if verbatim > 0 {
            out.push_str(&rest[..verbatim]);
            i += verbatim;
            continue;
        }
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if spaces > 0 {
            let at_line_start = out.is_empty() || out.ends_with('\n');
            let before_newline = rest[spaces..].starts_with('\n') || spaces == rest.len();
            let replacement = runs[run % runs.len()];
            run += 1;
            if at_line_start || before_newline || !replacement.is_empty() {
                out.push_str(replacement);
            } else {
                out.push(' ');
            }
            i += spaces;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn examples_format_the_same_whatever_their_spacing(
        which in any::<prop::sample::Index>(),
        runs in prop::collection::vec(select(vec!["", " ", "  ", "\t", "    ", " \t "]), 1..12),
    ) {
        let examples = parsable_examples();
        let (path, text) = &examples[which.index(examples.len())];
        let respaced = respace(text, &runs);
        let options = FormatOptions::default();
        let formatted = format(&respaced, &options).map_err(|e| TestCaseError::fail(format!("{path}: {e}")))?;
        assert_lossless(&respaced, &formatted, &options);
        prop_assert_eq!(&formatted, text, "{} respaced formats differently", path);
    }
}
