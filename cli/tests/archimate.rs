//! End-to-end tests of `kozo import archimate` and `kozo export --format
//! archimate`: the real binary, real folders.

mod common;

use common::*;

fn every_type() -> std::path::PathBuf {
    repo().join("archimate/tests/data/every_type.xml")
}

#[test]
fn import_writes_a_workspace_that_checks_and_exports_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = kozo(
        &[
            "import",
            "archimate",
            every_type().to_str().unwrap(),
            "--out",
            "ws",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("# Import report"),
        "{}",
        stdout(&out)
    );
    let ws = dir.path().join("ws");
    let report = std::fs::read_to_string(ws.join("IMPORT.md")).unwrap();
    assert_eq!(report, stdout(&out));
    assert!(report.contains("1 plain line(s)"), "{report}");

    let check = kozo(&["check", "ws", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 0, "{}", stdout(&check));
    assert_eq!(json["summary"]["elements"], 62);

    let export = kozo(
        &["export", "ws", "--format", "archimate", "--out", "back.xml"],
        dir.path(),
    );
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    let xml = std::fs::read_to_string(dir.path().join("back.xml")).unwrap();
    assert!(xml.contains("identifier=\"id-business_actor\""));
    assert!(xml.contains("<bendpoint "), "views carry bendpoints");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "temporary files left: {names:?}"
    );
}

#[test]
fn bad_input_exits_2_with_line_and_column_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.xml"),
        "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" identifier=\"m\">\n  <elements>\n</model>\n",
    )
    .unwrap();
    let out = kozo(
        &["import", "archimate", "bad.xml", "--out", "ws"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.xml:3:1: error: not well-formed XML"),
        "{}",
        stderr(&out)
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("bad.xml")]);
}

#[test]
fn a_file_above_the_size_limit_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("huge.xml")).unwrap();
    // A sparse 100 MB file: nothing is written to the disk.
    file.set_len(100 * 1024 * 1024).unwrap();
    let out = kozo(&["import", "archimate", "huge.xml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("larger than 64 MiB"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("huge").exists());
}

#[test]
fn a_non_empty_destination_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("ws")).unwrap();
    std::fs::write(dir.path().join("ws/notes.txt"), "mine").unwrap();
    let out = kozo(
        &[
            "import",
            "archimate",
            every_type().to_str().unwrap(),
            "--out",
            "ws",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not empty"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ws/notes.txt")).unwrap(),
        "mine"
    );
}
