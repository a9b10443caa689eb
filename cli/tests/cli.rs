//! End-to-end tests: run the real `kozo` binary on the examples and on
//! workspaces made for each case.

mod common;

use common::*;

use std::process::Output;

/// A workspace in a temporary folder. It always has a `kozo.toml`, so that
/// root discovery stops there and never reaches a `kozo.toml` further up.
fn workspace<T: AsRef<[u8]>>(files: &[(&str, T)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kozo.toml"), "").unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text.as_ref()).unwrap();
    }
    dir
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

const EXAMPLES: &[&str] = &[
    "smart-building",
    "drone-logistics",
    "data-space",
    "city-platform",
    "c4-bigbank",
];

/// The reference-architecture examples, large enough to exercise the
/// tools (c4-bigbank is a small, faithful port of a well-known example).
const LARGE_EXAMPLES: &[&str] = &[
    "smart-building",
    "drone-logistics",
    "data-space",
    "city-platform",
];

#[test]
fn examples_are_clean_under_deny_warnings() {
    for example in EXAMPLES {
        let out = kozo(
            &[
                "check",
                &format!("examples/{example}"),
                "--deny",
                "warnings",
            ],
            &repo(),
        );
        assert_eq!(out.status.code(), Some(0), "{example}:\n{}", stdout(&out));
        assert!(stdout(&out).contains("no findings"), "{}", stdout(&out));
    }
}

#[test]
fn a_metamodel_of_its_own_is_told_in_its_own_words() {
    let dir = workspace(&[(
        "model.kozo",
        "kind software_system \"Software system\"\nrelation uses { default }\n\
         software_system bank \"Big Bank\" \"Handles money\"\n= oops\n",
    )]);
    let out = kozo(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(
        report.contains("a description is written `description \"...\"`"),
        "{report}"
    );
    assert!(
        report.contains("such as `software_system bank`"),
        "{report}"
    );
    assert!(!report.contains("system bms"), "{report}");
}

#[test]
fn examples_are_large_enough() {
    for example in LARGE_EXAMPLES {
        let out = kozo(
            &["check", &format!("examples/{example}"), "--format", "json"],
            &repo(),
        );
        let summary = &json(&out)["summary"];
        assert!(
            summary["elements"].as_u64().unwrap() >= 40,
            "{example}: {summary}"
        );
        assert!(
            summary["files"].as_u64().unwrap() >= 3,
            "{example}: {summary}"
        );
    }
}

#[test]
fn every_rule_fires_exactly_once_in_its_example() {
    let out = kozo(
        &["check", "examples/every-rule", "--format", "json"],
        &repo(),
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let mut rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    rules.sort();
    let mut expected: Vec<&str> = kozo_engine::Rule::ALL.iter().map(|r| r.name()).collect();
    expected.sort();
    assert_eq!(rules, expected);
}

#[test]
fn json_has_exactly_the_contract_fields() {
    let dir = workspace(&[(
        "model/building.kozo",
        "use society5\ndataset occupancy\nsystem bms\nview v { include * }\nbms -> occupancy : flows\nbms -> ocupancy : flows\n",
    )]);
    let out = kozo(&["check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&report), ["diagnostics", "summary"]);
    assert_eq!(
        keys(&report["summary"]),
        [
            "elements",
            "errors",
            "files",
            "infos",
            "relationships",
            "warnings"
        ]
    );
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "undefined-reference")
        .unwrap();
    assert_eq!(
        keys(d),
        [
            "column",
            "end_column",
            "end_line",
            "file",
            "line",
            "message",
            "rule",
            "severity",
            "workspace"
        ]
    );
    assert_eq!(d["workspace"], ".");
    assert_eq!(d["rule"], "undefined-reference");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "model/building.kozo");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(8))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(6), Some(16))
    );
    assert_eq!(
        d["message"],
        "no element named `ocupancy`; did you mean `occupancy`?"
    );
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["elements"], 2);
    assert_eq!(report["summary"]["relationships"], 1);
}

#[test]
fn columns_count_characters_not_bytes() {
    // The label holds 8 CJK characters (24 bytes) before the defect.
    let dir = workspace(&[(
        "a.kozo",
        "use society5\nsystem s\nview v { include * }\ns -> s2 \"建物管理システム\" // x\nsystem t \"ビル管理\" { label ja \"ビル\" }  t -> nowhere\n",
    )]);
    let out = kozo(&["check", ".", "--format", "json"], dir.path());
    let report = json(&out);
    let undefined: Vec<(u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "undefined-reference")
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(undefined, [(4, 6), (5, 41)]);
}

#[test]
fn exit_codes() {
    let clean = workspace(&[(
        "a.kozo",
        "use society5\nsystem a\nsystem b\na -> b\nview v { include * }\n",
    )]);
    assert_eq!(kozo(&["check"], clean.path()).status.code(), Some(0));

    // A warning only: 0, or 1 with --deny warnings.
    let warning = workspace(&[(
        "a.kozo",
        "use society5\nsystem a\nsystem b\na -> b\nview v { include a }\n",
    )]);
    assert_eq!(kozo(&["check"], warning.path()).status.code(), Some(0));
    assert_eq!(
        kozo(&["check", "--deny", "warnings"], warning.path())
            .status
            .code(),
        Some(1)
    );

    let error = workspace(&[("a.kozo", "use society5\nsytem a\n")]);
    assert_eq!(kozo(&["check"], error.path()).status.code(), Some(1));

    // Could not run: bad arguments, a missing path, no .kozo file.
    assert_eq!(
        kozo(&["check", "--format", "xml"], clean.path())
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        kozo(&["check", "--deny", "everything"], clean.path())
            .status
            .code(),
        Some(2)
    );
    let missing = kozo(&["check", "no/such/place"], clean.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no/such/place"),
        "{}",
        stderr(&missing)
    );
    let empty = workspace::<&str>(&[]);
    let none = kozo(&["check"], empty.path());
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("no `.kozo` file"),
        "{}",
        stderr(&none)
    );
    assert_eq!(kozo(&["frobnicate"], clean.path()).status.code(), Some(2));
}

#[test]
fn malformed_config_is_reported_with_its_line() {
    let dir = workspace(&[
        (
            "kozo.toml",
            &b"[rules]\norphan-element = \"warning\"\ncycle = \"loud\"\n"[..],
        ),
        ("a.kozo", &b"use society5\n"[..]),
    ]);
    let out = kozo(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("kozo.toml:3:9"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("unknown severity `loud`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_overrides_severities() {
    let files: &[(&str, &[u8])] = &[(
        "a.kozo",
        b"use society5\nsystem a\nsystem lonely\nsystem b\na -> b\nview v { include a, b }\n",
    )];
    let dir = workspace(files);
    let out = kozo(&["check", "--format", "json"], dir.path());
    let rules = |out: &Output| -> Vec<(String, String)> {
        json(out)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        rules(&out),
        [
            ("element-not-in-view".to_string(), "warning".to_string()),
            ("orphan-element".to_string(), "info".to_string())
        ]
    );
    std::fs::write(
        dir.path().join("kozo.toml"),
        "[rules]\nelement-not-in-view = \"off\"\norphan-element = \"error\"\n",
    )
    .unwrap();
    let out = kozo(&["check", "--format", "json"], dir.path());
    assert_eq!(
        rules(&out),
        [("orphan-element".to_string(), "error".to_string())]
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn kozo_allow_silences_a_declaration() {
    let dir = workspace(&[(
        "a.kozo",
        b"use society5\nsystem a\nsystem b\na -> b\n// kozo-allow: element-not-in-view, orphan-element\nsystem lonely\nsystem other // kozo-allow: orphan-element\nview v { include a, b, other }\n",
    )]);
    let out = kozo(&["check", "--format", "json"], dir.path());
    assert_eq!(
        json(&out)["diagnostics"],
        serde_json::json!([]),
        "{}",
        stdout(&out)
    );
}

#[test]
fn non_utf8_file_is_reported_and_the_rest_checked() {
    let dir = workspace(&[
        ("bad.kozo", &b"system a \"\xff\xfe\"\n"[..]),
        (
            "good.kozo",
            &b"use society5\nsytem b\nview v { include * }\n"[..],
        ),
    ]);
    let out = kozo(&["check", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    let found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("bad.kozo", "syntax-error"),
            ("good.kozo", "undefined-reference"),
            ("good.kozo", "orphan-element")
        ]
    );
}

#[test]
fn recovery_reports_defects_after_a_syntax_error() {
    let dir = workspace(&[(
        "a.kozo",
        b"use society5\nsystem a {\n  component b \"B\"\n  b -> : flows\n  b -> nowhere\n}\nview v { include * }\n",
    )]);
    let out = kozo(&["check", "--format", "json"], dir.path());
    let rules: Vec<String> = json(&out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}:{}", d["line"], d["rule"].as_str().unwrap()))
        .collect();
    // b is in no view and unrelated, since both relationships failed; what
    // matters is that the defect after the syntax error is still found.
    assert_eq!(
        rules,
        [
            "3:element-not-in-view",
            "3:orphan-element",
            "4:syntax-error",
            "5:undefined-reference"
        ]
    );
}

#[test]
fn a_file_argument_reports_that_file_within_its_workspace() {
    let dir = workspace(&[
        ("kozo.toml", &b""[..]),
        ("a.kozo", &b"use society5\nsystem a\nsytem x\n"[..]),
        (
            "sub/b.kozo",
            &b"system b\nb -> a\nb -> nowhere\nview v { include * }\n"[..],
        ),
    ]);
    let out = kozo(&["check", "sub/b.kozo", "--format", "json"], dir.path());
    let report = json(&out);
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    // `a` resolves across files; only b.kozo's finding is listed.
    assert_eq!(files, ["sub/b.kozo"]);
}

#[test]
fn human_output_underlines_the_span() {
    let dir = workspace(&[(
        "building.kozo",
        b"use society5\ndataset occupancy\nsystem bms\nview v { include * }\nbms -> occupancy : flows\nbms -> ocupancy : flows\n",
    )]);
    let out = kozo(&["check"], dir.path());
    let text = stdout(&out);
    assert!(
        text.contains(
            "error[undefined-reference]: no element named `ocupancy`; did you mean `occupancy`?"
        ),
        "{text}"
    );
    assert!(text.contains("building.kozo:6:8"), "{text}");
    assert!(text.contains("6 │ bms -> ocupancy : flows"), "{text}");
    assert!(text.contains("│        ^^^^^^^^"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when not on a terminal");
    assert!(
        text.contains("1 file checked (2 elements, 1 relationship): 1 error, 0 warnings, 0 infos"),
        "{text}"
    );
}

#[test]
fn sarif_is_2_1_0_with_rule_metadata() {
    let out = kozo(
        &["check", "examples/every-rule", "--format", "sarif"],
        &repo(),
    );
    let log = json(&out);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), kozo_engine::Rule::ALL.len());
    for rule in rules {
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
    }
    let results = run["results"].as_array().unwrap();
    // The example breaks every rule exactly once.
    assert_eq!(results.len(), kozo_engine::Rule::ALL.len());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("examples/every-rule/"), "{uri}");
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
    }
}

#[test]
fn github_annotations() {
    let dir = workspace(&[(
        "a.kozo",
        "use society5\nsystem a\nsytem b\na -> b\nview v { include * }\n",
    )]);
    let out = kozo(&["check", "--format", "github"], dir.path());
    assert_eq!(
        stdout(&out),
        "::error file=a.kozo,line=3,col=1,endLine=3,endColumn=6,title=kozo undefined-reference::no element kind named `sytem`; did you mean `system`?\n"
    );
}

#[test]
fn explain_rules() {
    let out = kozo(&["explain", "cycle"], &repo());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("## cycle"));
    let list = kozo(&["explain"], &repo());
    for rule in kozo_engine::Rule::ALL {
        assert!(stdout(&list).contains(rule.name()));
    }
    let bad = kozo(&["explain", "cycel"], &repo());
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("did you mean `cycle`"));
}

#[test]
fn docs_rules_md_is_generated_from_the_rules() {
    let out = kozo(&["explain", "--all"], &repo());
    let committed = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap();
    assert!(
        committed == stdout(&out),
        "docs/rules.md is stale: run `cargo run -- explain --all > docs/rules.md`"
    );
}

#[test]
fn init_creates_a_clean_workspace_and_refuses_twice() {
    let dir = workspace::<&str>(&[]);
    let out = kozo(&["init", "new-ws"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ws = dir.path().join("new-ws");
    assert!(ws.join("kozo.toml").is_file());
    let check = kozo(&["check", "new-ws", "--deny", "warnings"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let again = kozo(&["init", "new-ws"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already"));
}

#[test]
fn help_and_version() {
    let out = kozo(&["--help"], &repo());
    assert_eq!(out.status.code(), Some(0));
    for command in ["check", "explain", "init"] {
        assert!(stdout(&out).contains(command));
    }
    let out = kozo(&["--version"], &repo());
    assert!(stdout(&out).starts_with("kozo "));
}

#[test]
fn a_folder_of_workspaces_checks_each_on_its_own() {
    // `examples/` holds several workspaces; merged, their names would collide.
    let out = kozo(&["check", "examples", "--format", "json"], &repo());
    let report = json(&out);
    assert_eq!(report["summary"]["errors"], 7, "{}", report["summary"]);
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(
        !rules.contains(&"duplicate-definition")
            || rules
                .iter()
                .filter(|r| **r == "duplicate-definition")
                .count()
                == 1
    );
    // Each finding names its workspace, as seen from the current folder,
    // and its file relative to that workspace's root.
    let mut workspaces: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["workspace"].as_str().unwrap())
        .collect();
    workspaces.dedup();
    assert_eq!(workspaces, ["examples/every-rule"]);
    let out = kozo(
        &["check", ".", "--format", "json"],
        &repo().join("examples"),
    );
    let report = json(&out);
    let first = &report["diagnostics"][0];
    assert_eq!(first["workspace"], "every-rule", "{first}");
    assert!(
        repo()
            .join("examples/every-rule")
            .join(first["file"].as_str().unwrap())
            .is_file(),
        "{first}"
    );
}
