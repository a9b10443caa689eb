//! End-to-end tests of curated views and relation-kind notation through the
//! real binary: findings, formatting, rendering with both engines and the
//! bad input the language refuses.

mod common;

use common::*;

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    dir
}

const MODEL: &str = r#"use society5
concern c
stakeholder s {
  concerns c
}
viewpoint vp {
  frames c
}
system bms "ビル管理" {
  component gw "ゲートウェイ"
}
system crm "CRM"
dataset occ "在室人数"
bms.gw -> occ : flows "5分ごと"
crm -> bms
view v of vp "ビュー" {
  include bms, bms.*, crm, occ
  exclude crm -> bms
  direction right
  group front "受付" {
    include crm
  }
  note "注記：二〇二七年に置き換え"
}
"#;

#[test]
fn curated_workspace_is_clean_formatted_and_drawn() {
    let dir = workspace(&[
        ("kozo.toml", "[render]\nimplied = false\n"),
        ("model.kozo", MODEL),
    ]);
    let check = kozo(&["check", ".", "--deny", "warnings"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let fmt = kozo(&["fmt", "--check", "."], dir.path());
    assert_eq!(
        fmt.status.code(),
        Some(0),
        "{}{}",
        stdout(&fmt),
        stderr(&fmt)
    );
    let out = dir.path().join("out");
    let render = kozo(
        &[
            "render",
            ".",
            "--engine",
            "builtin",
            "--out",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(render.status.code(), Some(0), "{}", stderr(&render));
    let svg = std::fs::read_to_string(out.join("v.svg")).unwrap();
    assert!(svg.contains("data-kozo-path=\"crm\""));
    let export = kozo(&["export", "--format", "json", "."], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(json["views"][0]["groups"][0]["elements"][0], "crm");
    assert_eq!(json["views"][0]["direction"], "right");
    // The exclusion leaves `crm -> bms` out of the view's relationships.
    assert_eq!(
        json["views"][0]["relationships"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn curation_that_does_nothing_is_a_located_warning() {
    let text = MODEL.replace("exclude crm -> bms", "exclude occ -> crm");
    let dir = workspace(&[("model.kozo", &text)]);
    let out = kozo(&["check", ".", "--format", "json"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings do not fail without --deny"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings: Vec<(String, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(findings, [("view-curation".to_string(), 18, 11)]);
    let explain = kozo(&["explain", "view-curation"], dir.path());
    assert_eq!(explain.status.code(), Some(0));
    assert!(stdout(&explain).contains("exclude a -> b"));
}

#[test]
fn a_direction_that_is_not_down_or_right_is_a_syntax_error() {
    let text = MODEL.replace("direction right", "direction up");
    let dir = workspace(&[("model.kozo", &text)]);
    let out = kozo(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(
        report.contains("expected a direction (`down` or `right`) after `direction`, found `up`"),
        "{report}"
    );
    assert!(report.contains("model.kozo:19:13"), "{report}");
}
