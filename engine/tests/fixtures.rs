//! Data-driven tests of the whole engine: every entry of `tests/fixtures/` is
//! a workspace, checked with [`kozo_engine::Analysis`], and its findings are
//! compared with an insta snapshot (`tests/snapshots/fixtures__<name>.snap`).
//!
//! * `fixtures/<name>.kozo` is a workspace of one file, `<name>.kozo`.
//! * `fixtures/<name>/` is a workspace of every `*.kozo` file under that
//!   folder (paths relative to it, `/`-separated), configured by its
//!   `kozo.toml` when there is one. Files are read as bytes and given to
//!   `Analysis::set_file_bytes`, so a fixture may hold a file that is not
//!   UTF-8.
//!
//! The snapshot shows each finding the way a person reads it:
//! `path:line:column rule severity: message` (1-based, columns counted in
//! characters), the source line, and the span underlined with `^` (to the end
//! of the line when the span runs over several lines); then related places,
//! the suggestion, and the workspace summary.
//!
//! Fixtures also state what they are about, in comments the harness reads,
//! so that a wrong snapshot cannot be accepted unnoticed:
//!
//! * `// expect: rule, rule@LINE:COL, ...` — the rule fires (at that line
//!   and column of this file, when given);
//! * `// expect-not: rule, ...` — the rule fires nowhere in the workspace;
//! * `// show: relationships, views` — the snapshot also lists the resolved
//!   relationships (`source -> target : kind`) and what each view selects;
//!   `// show: diagrams` lists what each view's diagram draws: its edges
//!   (implied ones marked), groups, notes, direction and notation.
//!
//! Across the corpus, every rule must be expected somewhere and
//! expected-not somewhere (a fixture where it fires, and a near miss).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use kozo_engine::{Analysis, Config, Diagnostic, Rule};
use kozo_lang::line_index::ColumnUnit;
use kozo_lang::LineIndex;

/// A 1-based line and column (in characters).
type Position = (usize, usize);

/// What a fixture says about itself.
#[derive(Default)]
struct Expectations {
    /// (file, rule, where it must fire when that is given)
    fires: Vec<(String, Rule, Option<Position>)>,
    silent: Vec<(String, Rule)>,
    show_relationships: bool,
    show_views: bool,
    show_diagrams: bool,
}

#[test]
fn fixtures() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .map(|entry| entry.expect("readable fixture folder").path())
        .filter(|path| path.is_dir() || path.extension().is_some_and(|e| e == "kozo"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "no fixtures in {}", dir.display());

    let mut failed = Vec::new();
    let mut expected_somewhere = BTreeSet::new();
    let mut silent_somewhere = BTreeSet::new();
    for entry in &entries {
        let name = entry.file_stem().unwrap().to_string_lossy().into_owned();
        let outcome = std::panic::catch_unwind(|| check_fixture(entry, &name));
        match outcome {
            Ok(expectations) => {
                expected_somewhere.extend(expectations.fires.iter().map(|(_, r, _)| *r));
                silent_somewhere.extend(expectations.silent.iter().map(|(_, r)| *r));
            }
            Err(_) => failed.push(name),
        }
    }
    assert!(failed.is_empty(), "failing fixtures: {failed:?}");

    let never_fires: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| !expected_somewhere.contains(*r))
        .map(|r| r.name())
        .collect();
    let never_silent: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| !silent_somewhere.contains(*r))
        .map(|r| r.name())
        .collect();
    assert!(
        never_fires.is_empty(),
        "no fixture expects these rules to fire: {never_fires:?}"
    );
    assert!(
        never_silent.is_empty(),
        "no near-miss fixture for these rules: {never_silent:?}"
    );
}

/// The files of a fixture: `(workspace path, bytes)`, and its `kozo.toml`.
fn load(entry: &Path, name: &str) -> (Vec<(String, Vec<u8>)>, Option<String>) {
    if entry.is_file() {
        let bytes = std::fs::read(entry).expect("readable fixture");
        return (vec![(format!("{name}.kozo"), bytes)], None);
    }
    let mut files = Vec::new();
    collect_kozo_files(entry, entry, &mut files);
    files.sort();
    let config = std::fs::read_to_string(entry.join("kozo.toml")).ok();
    (files, config)
}

fn collect_kozo_files(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("readable fixture folder") {
        let path = entry.expect("readable fixture folder").path();
        if path.is_dir() {
            collect_kozo_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "kozo") {
            let relative = path.strip_prefix(root).unwrap();
            let relative: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((
                relative.join("/"),
                std::fs::read(&path).expect("readable fixture"),
            ));
        }
    }
}

fn check_fixture(entry: &Path, name: &str) -> Expectations {
    let (files, config) = load(entry, name);
    assert!(!files.is_empty(), "{name}: no .kozo files");
    let config = match &config {
        Some(text) => {
            Config::parse(text).unwrap_or_else(|e| panic!("{name}: bad kozo.toml: {e:?}"))
        }
        None => Config::default(),
    };
    let mut analysis = Analysis::new(config);
    for (path, bytes) in &files {
        analysis.set_file_bytes(path, bytes.clone());
    }

    let mut expectations = Expectations::default();
    for (path, bytes) in &files {
        read_expectations(path, &String::from_utf8_lossy(bytes), &mut expectations);
    }

    let mut rendered = render(&analysis);
    if expectations.show_relationships {
        render_relationships(&analysis, &mut rendered);
    }
    if expectations.show_views {
        render_views(&analysis, &mut rendered);
    }
    if expectations.show_diagrams {
        render_diagrams(&analysis, &mut rendered);
    }
    insta::assert_snapshot!(name, rendered);

    for (path, rule, at) in &expectations.fires {
        let found = analysis.diagnostics().iter().any(|d| {
            d.rule == *rule
                && analysis.path(d.file) == path
                && at.is_none_or(|at| position(&analysis, d) == at)
        });
        let at = at.map(|(l, c)| format!(" at {l}:{c}")).unwrap_or_default();
        assert!(found, "{name}: expected `{rule}` in {path}{at}\n{rendered}");
    }
    for (path, rule) in &expectations.silent {
        let found = analysis.diagnostics().iter().any(|d| d.rule == *rule);
        assert!(
            !found,
            "{name} ({path}): `{rule}` must not fire\n{rendered}"
        );
    }
    expectations
}

fn read_expectations(path: &str, text: &str, out: &mut Expectations) {
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("// show:") {
            for item in rest.split(',').map(str::trim) {
                match item {
                    "relationships" => out.show_relationships = true,
                    "views" => out.show_views = true,
                    "diagrams" => out.show_diagrams = true,
                    other => panic!("{path}: cannot show `{other}`"),
                }
            }
            continue;
        }
        let (list, fires) = if let Some(rest) = line.strip_prefix("// expect:") {
            (rest, true)
        } else if let Some(rest) = line.strip_prefix("// expect-not:") {
            (rest, false)
        } else {
            continue;
        };
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (rule, at) = match item.split_once('@') {
                Some((rule, at)) => {
                    let (l, c) = at.split_once(':').expect("`rule@LINE:COL`");
                    (rule, Some((l.parse().unwrap(), c.parse().unwrap())))
                }
                None => (item, None),
            };
            let rule = Rule::from_name(rule).unwrap_or_else(|| panic!("{path}: no rule `{rule}`"));
            if fires {
                out.fires.push((path.to_string(), rule, at));
            } else {
                assert!(at.is_none(), "{path}: `expect-not` takes no position");
                out.silent.push((path.to_string(), rule));
            }
        }
    }
}

/// 1-based line and column (in characters) where a finding starts.
fn position(analysis: &Analysis, d: &Diagnostic) -> Position {
    let text = analysis.text(d.file);
    let (line, column) =
        LineIndex::new(text).position(text, d.span.start as usize, ColumnUnit::Char);
    (line as usize + 1, column as usize + 1)
}

/// The findings as a person reads them.
fn render(analysis: &Analysis) -> String {
    let mut out = String::new();
    let mut messages = kozo_engine::MessageText::new(analysis);
    for d in analysis.diagnostics() {
        let path = analysis.path(d.file);
        let text = analysis.text(d.file);
        let (start, end) = (d.span.start as usize, d.span.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "span {start}..{end} outside {path}"
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "span {start}..{end} of {path} splits a character"
        );
        let (line, column) = position(analysis, d);
        writeln!(
            out,
            "{path}:{line}:{column} {} {}: {}",
            d.rule,
            d.severity.as_str(),
            messages.message(d)
        )
        .unwrap();
        underline(&mut out, text, start, end);
        for related in &d.related {
            let text = analysis.text(related.file);
            let index = LineIndex::new(text);
            let (l, c) = index.position(text, related.span.start as usize, ColumnUnit::Char);
            writeln!(
                out,
                "  = note: {}:{}:{}: {}",
                analysis.path(related.file),
                l + 1,
                c + 1,
                related.message
            )
            .unwrap();
        }
        if let Some(suggestion) = &d.suggestion.as_ref().filter(|_| d.span.is_empty()) {
            writeln!(out, "  = help: insert `{}` here", suggestion.trim_end()).unwrap();
        } else if let Some(suggestion) = &d.suggestion {
            writeln!(out, "  = help: replace with `{suggestion}`").unwrap();
        }
    }
    if analysis.diagnostics().is_empty() {
        writeln!(out, "(no findings)").unwrap();
    }
    let s = analysis.summary();
    writeln!(
        out,
        "summary: files {}, elements {}, relationships {}, errors {}, warnings {}, infos {}",
        s.files, s.elements, s.relationships, s.errors, s.warnings, s.infos
    )
    .unwrap();
    out
}

/// `source -> target : kind` for every relationship of the model.
fn render_relationships(analysis: &Analysis, out: &mut String) {
    let model = analysis.model();
    writeln!(out, "relationships:").unwrap();
    for rel in &model.relationships {
        writeln!(
            out,
            "  {} -> {} : {}",
            model.element(rel.source).path,
            model.element(rel.target).path,
            model.relation_kind(rel.kind).info.name
        )
        .unwrap();
    }
}

/// What each view selects.
fn render_views(analysis: &Analysis, out: &mut String) {
    let model = analysis.model();
    writeln!(out, "views:").unwrap();
    for view in &model.views {
        let shown: Vec<&str> = view
            .elements
            .iter()
            .map(|s| model.element(s.element).path.as_str())
            .collect();
        let shown = if shown.is_empty() {
            "(nothing)".to_string()
        } else {
            shown.join(", ")
        };
        writeln!(out, "  {}: {shown}", view.info.name).unwrap();
    }
}

/// What each view's diagram draws, in the words of its description.
fn render_diagrams(analysis: &Analysis, out: &mut String) {
    let model = analysis.model();
    writeln!(out, "diagrams:").unwrap();
    for id in model.view_ids() {
        let diagram = kozo_engine::render::diagram(analysis, id, None);
        writeln!(
            out,
            "  {} (direction {}):",
            diagram.view,
            diagram.direction.as_str()
        )
        .unwrap();
        for edge in &diagram.edges {
            let notation = edge.notation;
            writeln!(
                out,
                "    edge {}{} [{} {} {}] \"{}\"",
                edge.key,
                if edge.implied { " (implied)" } else { "" },
                notation.line.as_str(),
                notation.tail.as_str(),
                notation.head.as_str(),
                edge.label
            )
            .unwrap();
        }
        for group in &diagram.groups {
            let members: Vec<&str> = group
                .members
                .iter()
                .map(|&m| diagram.nodes[m].path.as_str())
                .collect();
            writeln!(
                out,
                "    group {} \"{}\": {}",
                group.name,
                group.label,
                members.join(", ")
            )
            .unwrap();
        }
        for note in &diagram.notes {
            writeln!(out, "    note {:?}", note.text).unwrap();
        }
    }
}

/// The source line of `start`, and `^` under `start..end` (to the end of the
/// line when the span goes on; one `^` for an empty span).
fn underline(out: &mut String, text: &str, start: usize, end: usize) {
    let index = LineIndex::new(text);
    let line = index.line_of(start);
    let range = index.line_range(text, line).expect("the line exists");
    let line_text = &text[range.clone()];
    let before = text[range.start..start.min(range.end)].chars().count();
    let under = text[start.min(range.end)..end.min(range.end)]
        .chars()
        .count()
        .max(1);
    writeln!(out, "   | {line_text}").unwrap();
    writeln!(out, "   | {}{}", " ".repeat(before), "^".repeat(under)).unwrap();
}
