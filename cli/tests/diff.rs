//! End-to-end tests of `kozo diff` and `kozo check --baseline`: real git
//! repositories built in temporary folders (commits, a branch, a merge
//! base), folders, bad input, and the Markdown comment.

mod common;

use common::*;

use std::process::{Command, Output};

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

/// `(category change id)` of every change of a JSON report.
fn changes(report: &serde_json::Value) -> Vec<String> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["category"].as_str().unwrap(),
                c["change"].as_str().unwrap(),
                c["id"].as_str().unwrap()
            )
        })
        .collect()
}

const PEOPLE: &str = r#"use society5
concern privacy "Tenant data stays private"
stakeholder fm "Facility manager" { concerns privacy }
viewpoint data_flow "Data flow" { frames privacy }
view data_view of data_flow "Building data" { include bms, bms.*, occupancy }
"#;

const ELEMENTS: &str = r#"system bms "Building management system" {
  component hvac "HVAC controller"
  component gw "Edge gateway"
  hvac -> gw : flows "setpoints"
}
dataset occupancy "Occupancy counts"
bms.gw -> occupancy : flows "5-minute counts"
"#;

/// A repository with a README-only first commit, then the workspace in
/// `arch/`; a branch `feature` renames the gateway and adds a dataset;
/// `main` then gets a formatting-only commit.
fn history() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "README.md", "A repository that holds an architecture.\n");
    commit_all(d, "readme");
    write(d, "arch/kozo.toml", "");
    write(d, "arch/people.kozo", PEOPLE);
    write(d, "arch/elements.kozo", ELEMENTS);
    commit_all(d, "architecture");
    git(d, &["checkout", "-q", "-b", "feature"]);
    let renamed = ELEMENTS
        .replace("component gw", "component edge_gw")
        .replace("hvac -> gw", "hvac -> edge_gw")
        .replace("bms.gw ->", "bms.edge_gw ->")
        + "dataset badges \"Badge events\"\nbms.edge_gw -> badges : flows\n";
    write(d, "arch/elements.kozo", renamed);
    write(
        d,
        "arch/people.kozo",
        PEOPLE.replace("occupancy }", "occupancy, badges }"),
    );
    commit_all(d, "rename the gateway, add badges");
    git(d, &["checkout", "-q", "main"]);
    let reformatted = ELEMENTS
        .replace(
            "  component hvac",
            "\n  // The controller.\n  component    hvac",
        )
        .replace(" { ", " {\n  ");
    write(d, "arch/elements.kozo", reformatted);
    commit_all(d, "reformat");
    dir
}

#[test]
fn merge_base_diff_shows_the_branch_changes_with_a_rename() {
    let repo = history();
    let out = kozo(
        &[
            "diff",
            "main...feature",
            "feature",
            "arch",
            "--format",
            "json",
        ],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["version"], 1);
    assert_eq!(report["complete"], true);
    assert!(report["old"]["label"]
        .as_str()
        .unwrap()
        .starts_with("merge base of main and feature"));
    let mut found = changes(&report);
    found.sort();
    assert_eq!(
        found,
        [
            "element added badges",
            "element renamed bms.edge_gw",
            "relationship added bms.edge_gw->badges:flows",
            "relationship renamed bms.edge_gw->occupancy:flows",
            "relationship renamed bms.hvac->bms.edge_gw:flows",
            "view changed data_view",
        ]
    );
    let rename = &report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "bms.edge_gw")
        .unwrap()
        .clone();
    assert_eq!(rename["from"], "bms.gw");
    assert_eq!(report["review"][0]["stakeholder"], "fm");
    assert_eq!(report["review"][0]["concerns"][0]["name"], "privacy");

    // Against main itself, main's own commit is only formatting: the same changes.
    let out = kozo(
        &["diff", "main", "feature", "arch", "--format", "json"],
        repo.path(),
    );
    let mut direct = changes(&json(&out));
    direct.sort();
    assert_eq!(direct, found);
}

#[test]
fn a_formatting_only_commit_is_no_change() {
    let repo = history();
    let out = kozo(&["diff", "HEAD~1", "HEAD", "arch"], repo.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("No change in the model."),
        "{}",
        stdout(&out)
    );
    let out = kozo(
        &["diff", "HEAD~1", "HEAD", "arch", "--exit-code"],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let out = kozo(
        &["diff", "HEAD~1", "feature", "arch", "--exit-code"],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_working_tree_against_head_by_default_leaves_git_alone() {
    let repo = history();
    let arch = repo.path().join("arch");
    let edited = ELEMENTS.replace("\"Occupancy counts\"", "\"People counts\"");
    write(&arch, "elements.kozo", &edited);
    git(repo.path(), &["add", "arch/elements.kozo"]);
    write(
        &arch,
        "people.kozo",
        PEOPLE.replace("Facility manager", "Facilities"),
    );
    let status = git(repo.path(), &["status", "--porcelain"]);
    let index = std::fs::read(repo.path().join(".git/index")).unwrap();
    let out = kozo(&["diff", "--format", "json"], &arch);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut found = changes(&json(&out));
    found.sort();
    assert_eq!(
        found,
        ["element changed occupancy", "stakeholder changed fm"]
    );
    assert_eq!(git(repo.path(), &["status", "--porcelain"]), status);
    assert_eq!(
        std::fs::read(repo.path().join(".git/index")).unwrap(),
        index
    );
    assert_eq!(
        std::fs::read_to_string(arch.join("elements.kozo")).unwrap(),
        edited
    );
}

#[test]
fn two_folders_need_no_repository() {
    let old = tempfile::tempdir().unwrap();
    let new = tempfile::tempdir().unwrap();
    for dir in [&old, &new] {
        write(dir.path(), "kozo.toml", "");
        write(dir.path(), "people.kozo", PEOPLE);
    }
    write(old.path(), "elements.kozo", ELEMENTS);
    write(
        new.path(),
        "elements.kozo",
        ELEMENTS.replace("\"HVAC controller\"", "\"HVAC\""),
    );
    let out = kozo(
        &[
            "diff",
            old.path().to_str().unwrap(),
            new.path().to_str().unwrap(),
        ],
        old.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("~ bms.hvac"), "{text}");
    assert!(
        text.contains("label: \"HVAC controller\" -> \"HVAC\""),
        "{text}"
    );
    assert!(
        text.contains("Review by: Facility manager (Tenant data stays private)"),
        "{text}"
    );

    // PATH is a path inside each folder; it need not exist where kozo runs.
    let trees = tempfile::tempdir().unwrap();
    let relabelled = ELEMENTS.replace("\"HVAC controller\"", "\"HVAC\"");
    for (side, elements) in [("a", ELEMENTS), ("b", relabelled.as_str())] {
        write(trees.path(), &format!("{side}/ws/kozo.toml"), "");
        write(trees.path(), &format!("{side}/ws/people.kozo"), PEOPLE);
        write(trees.path(), &format!("{side}/ws/elements.kozo"), elements);
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let (a, b) = (trees.path().join("a"), trees.path().join("b"));
    let out = kozo(
        &[
            "diff",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "ws",
            "--format",
            "json",
        ],
        elsewhere.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(changes(&json(&out)), ["element changed bms.hvac"]);
}

fn fails_with(out: &Output, words: &str) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}\n{}",
        stdout(out),
        stderr(out)
    );
    assert!(stderr(out).contains(words), "{}", stderr(out));
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
}

#[test]
fn bad_revisions_and_places_are_explained() {
    let repo = history();
    let out = kozo(&["diff", "no-such-branch", "HEAD", "arch"], repo.path());
    fails_with(&out, "unknown revision `no-such-branch`");
    let out = kozo(&["diff", "--", "--output=x", "HEAD", "arch"], repo.path());
    fails_with(&out, "unknown revision `--output=x`");
    assert!(!repo.path().join("x").exists());
    let first = git(repo.path(), &["rev-list", "--max-parents=0", "HEAD"]);
    let out = kozo(&["diff", &first, "HEAD", "arch"], repo.path());
    fails_with(&out, "has no `.kozo` file in `arch`");

    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "kozo.toml", "");
    write(outside.path(), "model.kozo", ELEMENTS);
    let out = kozo(&["diff"], outside.path());
    fails_with(&out, "is not inside a git repository");

    let out = kozo_env(
        &["diff", "HEAD~1", "HEAD", "arch"],
        repo.path(),
        &[("PATH", "")],
    );
    fails_with(&out, "the `git` program was not found");
}

#[test]
fn a_shallow_clone_without_the_merge_base_is_explained() {
    let repo = history();
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        clones.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            "shallow",
        ],
    );
    let shallow = clones.path().join("shallow");
    let out = kozo(
        &[
            "diff",
            "origin/main...origin/feature",
            "origin/feature",
            "arch",
        ],
        &shallow,
    );
    fails_with(&out, "shallow clone");
}

#[test]
fn syntax_errors_and_bad_bytes_make_the_diff_incomplete() {
    let repo = history();
    let arch = repo.path().join("arch");
    // A syntax error in the working tree: what parses is still compared.
    write(
        &arch,
        "elements.kozo",
        ELEMENTS.replace(
            "dataset occupancy \"Occupancy counts\"",
            "dataset occupancy \"People\"\nsystem }}} oops",
        ),
    );
    let out = kozo(&["diff", "--format", "json"], &arch);
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    assert_eq!(report["complete"], false);
    assert!(changes(&report).contains(&"element changed occupancy".to_string()));
    assert!(stderr(&out).contains("syntax error"), "{}", stderr(&out));

    // Bytes that are not UTF-8, and a binary file, in a revision.
    write(&arch, "elements.kozo", ELEMENTS);
    write(
        &arch,
        "latin1.kozo",
        b"dataset caf\xe9 \"Caf\xe9\"\n".as_slice(),
    );
    write(&arch, "blob.kozo", b"\x00\x01\x02binary".as_slice());
    commit_all(repo.path(), "bad bytes");
    let out = kozo(&["diff", "HEAD~1", "HEAD", "arch"], repo.path());
    fails_with(&out, "latin1.kozo: not valid UTF-8");
    fails_with(&out, "blob.kozo: a binary file");
    assert!(
        !stdout(&out).contains("No change in the model"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("the comparison is incomplete"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(
        d,
        "kozo.toml",
        "[rules]\nelement-not-in-view = \"off\"\norphan-element = \"off\"\n",
    );
    write(
        d,
        "model.kozo",
        "use society5\nsystem a \"A\" { owner = nobody }\nsystem b \"B\"\na -> b\n",
    );
    commit_all(d, "a model with one error");
    // The old error moves down two lines; a new one comes.
    write(
        d,
        "model.kozo",
        "use society5\n// Two new lines\n// above the old error.\nsystem a \"A\" { owner = nobody }\nsystem b \"B\"\na -> b\nb -> ghost\n",
    );
    let out = kozo(&["check", "--format", "json"], d);
    assert_eq!(json(&out)["diagnostics"].as_array().unwrap().len(), 2);
    let out = kozo(&["check", "--baseline", "HEAD", "--format", "json"], d);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let found = report["diagnostics"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0]["line"], 7);
    assert!(found[0]["message"].as_str().unwrap().contains("ghost"));

    // Without the new error, the old one alone does not fail the check.
    write(
        d,
        "model.kozo",
        "use society5\n\nsystem a \"A\" { owner = nobody }\nsystem b \"B\"\na -> b\n",
    );
    let out = kozo(&["check", "--baseline", "HEAD"], d);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    let out = kozo(&["check", "--baseline", "nope"], d);
    fails_with(&out, "unknown revision `nope`");
}

/// The HTML a comment may hold: its own collapsible sections.
fn ours(html: &str) -> bool {
    let html = html.trim();
    html.starts_with("<details><summary>") || html == "</details>"
}

#[test]
fn hostile_labels_inject_nothing_into_markdown() {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let old = tempfile::tempdir().unwrap();
    let new = tempfile::tempdir().unwrap();
    write(old.path(), "kozo.toml", "");
    write(old.path(), "m.kozo", "use society5\nsystem a \"A\"\n");
    write(new.path(), "kozo.toml", "");
    let hostile = r#"[click](https://evil.example) ![x](https://evil.example/p.png) <img src=x onerror=alert(1)> <script>alert(1)</script> www.evil.example **bold** | cell | `code` &amp; \
# heading"#;
    let escaped = hostile
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    write(
        new.path(),
        "m.kozo",
        format!(
            "use society5\nsystem a \"{escaped}\" {{ description \"{escaped}\" }}\nsystem b \"{escaped}\"\n"
        ),
    );
    let out = kozo(
        &[
            "diff",
            old.path().to_str().unwrap(),
            new.path().to_str().unwrap(),
            "--format",
            "markdown",
        ],
        old.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let markdown = stdout(&out);
    assert!(
        markdown.contains("<details><summary>Elements (2)</summary>"),
        "{markdown}"
    );
    let (mut texts, mut headings, mut in_heading) = (String::new(), String::new(), false);
    for event in Parser::new(&markdown) {
        match event {
            Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. }) => {
                panic!("a link or image in:\n{markdown}")
            }
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Html(html) | Event::InlineHtml(html) => {
                assert!(ours(&html), "HTML `{html}` in:\n{markdown}")
            }
            Event::Text(text) => {
                if in_heading {
                    headings.push_str(&text);
                }
                texts.push_str(&text);
            }
            _ => {}
        }
    }
    assert!(
        !headings.contains("heading"),
        "a heading from a label: {headings}"
    );
    // The label reads as written, and GitHub's autolinker finds no URL in the source.
    assert!(texts.contains("[click](https://evil.example)"), "{texts}");
    assert!(!markdown.contains("https://"), "{markdown}");
    assert!(!markdown.contains("www.evil"), "{markdown}");
}

#[test]
fn a_huge_diff_stays_under_the_comment_limit() {
    let old = tempfile::tempdir().unwrap();
    let new = tempfile::tempdir().unwrap();
    write(old.path(), "kozo.toml", "");
    write(old.path(), "m.kozo", "use society5\n");
    write(new.path(), "kozo.toml", "");
    let many: String = (0..3000)
        .map(|i| format!("system s{i} \"A long enough label for system number {i}\"\n"))
        .collect();
    write(new.path(), "m.kozo", format!("use society5\n{many}"));
    let out = kozo(
        &[
            "diff",
            old.path().to_str().unwrap(),
            new.path().to_str().unwrap(),
            "--format",
            "markdown",
        ],
        old.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let markdown = stdout(&out);
    assert!(markdown.chars().count() <= 65_536, "{}", markdown.len());
    assert!(markdown.contains("more item(s) not shown"), "{markdown}");
    assert!(markdown.contains("| Elements | 3000 | 0 | 0 | 0 |"));
    // Every opened section is closed.
    assert_eq!(
        markdown.matches("<details>").count(),
        markdown.matches("</details>").count()
    );
}

/// An SVG parsed as XML (Graphviz writes a DOCTYPE).
fn parse_svg(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
}

/// The `class` of the group whose `data-kozo-path` is `path`.
fn class_of(svg: &roxmltree::Document, path: &str) -> Option<String> {
    svg.descendants()
        .find(|n| n.attribute("data-kozo-path") == Some(path))
        .and_then(|n| n.attribute("class"))
        .map(str::to_string)
}

#[test]
fn render_writes_highlighted_views_for_both_engines() {
    let repo = history();
    let mut engines = vec!["builtin"];
    if Command::new("dot").arg("-V").output().is_ok() {
        engines.push("graphviz");
    }
    for engine in engines {
        let out_dir = repo.path().join(format!("highlighted-{engine}"));
        let out = kozo(
            &[
                "diff",
                "main",
                "feature",
                "arch",
                "--render",
                out_dir.to_str().unwrap(),
                "--engine",
                engine,
            ],
            repo.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let written: Vec<String> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(written, ["data_view.svg"], "{engine}");
        let text = std::fs::read_to_string(out_dir.join("data_view.svg")).unwrap();
        let svg = parse_svg(&text).unwrap_or_else(|e| panic!("{engine}: {e}"));
        let class = |path: &str| class_of(&svg, path).unwrap_or_default();
        // Added: the new dataset and its relationship.
        assert!(
            class("badges").contains("kozo-diff-added"),
            "{engine}: {}",
            class("badges")
        );
        assert!(class("bms.edge_gw->badges:flows").contains("kozo-diff-added"));
        // Renamed counts as changed; its relationships too.
        assert!(
            class("bms.edge_gw").contains("kozo-diff-changed"),
            "{engine}"
        );
        assert!(class("bms.hvac->bms.edge_gw:flows").contains("kozo-diff-changed"));
        // Untouched: no mark.
        assert!(!class("occupancy").contains("kozo-diff"), "{engine}");
        assert!(!class("bms.hvac").contains("kozo-diff"), "{engine}");
        // A legend explains the marks.
        let legend = svg
            .descendants()
            .find(|n| n.attribute("class") == Some("kozo-diff-legend"))
            .expect("a legend");
        let words: String = legend
            .descendants()
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(words.contains("added") && words.contains("changed") && words.contains("removed"));
        assert!(svg.descendants().any(|n| n.has_tag_name("style")));
    }

    // The other way round, the dataset is removed: drawn as a ghost.
    let out_dir = repo.path().join("ghosts");
    let out = kozo(
        &[
            "diff",
            "feature",
            "main",
            "arch",
            "--render",
            out_dir.to_str().unwrap(),
            "--engine",
            "builtin",
        ],
        repo.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(out_dir.join("data_view.svg")).unwrap();
    let svg = parse_svg(&text).unwrap();
    let class = |path: &str| class_of(&svg, path).unwrap_or_default();
    assert!(
        class("badges").contains("kozo-diff-removed"),
        "{}",
        class("badges")
    );
    // Drawn between the ends as they are now: the gateway is renamed back.
    assert!(class("bms.gw->badges:flows").contains("kozo-diff-removed"));
    assert!(class("bms.gw").contains("kozo-diff-changed"));
}
