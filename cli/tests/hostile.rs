//! Hostile input, end to end: each test reproduces a way a careless user or
//! an attacker once made `kozo` crash, lie or misbehave, and pins the fix.
//! docs/security.md says what kozo reads and refuses.

mod common;

use common::*;

use std::fmt::Write as _;
use std::path::Path;

/// A workspace in a temporary folder holding `files` (no `kozo.toml`).
fn workspace(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kozo.toml"), "").unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON on stdout ({e}):\n{}\n{}", stdout(out), stderr(out)))
}

/// The rules and messages of the findings of a `--format json` run.
fn findings(out: &std::process::Output) -> Vec<(String, String)> {
    json(out)["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_long_acyclic_chain_does_not_overflow_the_stack() {
    // A 100k-long chain once aborted `kozo check` (exit 134): the cycle rule
    // recursed once per element.
    let n = 100_000;
    let mut text = String::from(
        "relation depends { acyclic }\nrelation uses { default }\nlayer l\nkind k { layer l }\n",
    );
    for i in 0..n {
        writeln!(text, "k a{i}").unwrap();
    }
    for i in 1..n {
        writeln!(text, "a{} -> a{i} : depends", i - 1).unwrap();
    }
    // Closing it makes one cycle of every element.
    writeln!(text, "a{} -> a0 : depends", n - 1).unwrap();
    let dir = workspace(&[("chain.kozo", text.as_bytes())]);
    let out = kozo(&["check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let cycles: Vec<String> = findings(&out)
        .into_iter()
        .filter(|(rule, _)| rule == "cycle")
        .map(|(_, message)| message)
        .collect();
    assert_eq!(cycles.len(), 1);
    assert!(
        cycles[0].starts_with("relationships of kind `depends` form a cycle: a0 -> a1 -> a2 -> ")
    );
    assert!(cycles[0].ends_with(&format!(" -> a{} -> a0", n - 1)));
}

#[test]
fn escape_sequences_in_a_source_file_never_reach_the_terminal() {
    // A title change, a screen clear, a bell and a bidi override in labels
    // and in a line that is no statement.
    let text = "use society5\nsystem a \"x\u{1b}]0;owned\u{7}y\"\nsystem b \"\u{1b}[2J\u{202e}\"\nsyst\u{1b}[31mem c\n";
    let dir = workspace(&[("esc.kozo", text.as_bytes())]);
    let out = kozo(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let shown = stdout(&out);
    assert!(!shown.contains('\u{1b}'), "{shown:?}");
    assert!(!shown.contains('\u{7}'), "{shown:?}");
    assert!(!shown.contains('\u{202e}'), "{shown:?}");
    assert!(
        shown.contains(r#"system a "x\u{1b}]0;owned\u{7}y""#),
        "{shown}"
    );
    assert!(shown.contains(r#"system b "\u{1b}[2J\u{202e}""#), "{shown}");
    assert!(shown.contains(r"syst\u{1b}[31mem c"), "{shown}");
}

#[test]
fn a_lone_carriage_return_ends_a_line() {
    // `// c\rsystem d` once hid `d`, and findings after a lone `\r` landed
    // on the wrong line.
    let text = "use society5\nsystem e // c\rsystem d\r\rsystem f\r\nsystem g\n";
    let dir = workspace(&[("cr.kozo", text.as_bytes())]);
    let out = kozo(&["check", ".", "--format", "json"], dir.path());
    let report = json(&out);
    let mut places: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "orphan-element")
        .map(|d| {
            let name = d["message"].as_str().unwrap().split('`').nth(1).unwrap();
            (name.to_string(), d["line"].as_u64().unwrap())
        })
        .collect();
    places.sort();
    let expected = [("d", 3), ("e", 2), ("f", 5), ("g", 6)];
    let expected: Vec<(String, u64)> = expected.iter().map(|(n, l)| (n.to_string(), *l)).collect();
    assert_eq!(places, expected, "{}", stdout(&out));
}

#[test]
fn a_huge_misspelt_name_is_answered_quickly() {
    // "Did you mean" compared a 1 MB name with every name, unbounded: over an
    // hour. Now long names get no suggestion.
    let huge = "x".repeat(1 << 20);
    let mut text = String::from("use society5\n");
    for i in 0..2_000 {
        writeln!(text, "system s{i}").unwrap();
    }
    writeln!(text, "s0 -> {huge}").unwrap();
    let dir = workspace(&[("huge.kozo", text.as_bytes())]);
    let out = kozo(&["check", ".", "--format", "json"], dir.path());
    let undefined: Vec<String> = findings(&out)
        .into_iter()
        .filter(|(rule, _)| rule == "undefined-reference")
        .map(|(_, message)| message)
        .collect();
    assert_eq!(undefined, [format!("no element named `{huge}`")]);
}

#[cfg(unix)]
#[test]
fn fmt_refuses_to_break_a_hard_link_and_keeps_the_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = workspace(&[("a.kozo", b"system   a\n"), ("b.kozo", b"system   b\n")]);
    let a = dir.path().join("a.kozo");
    let b = dir.path().join("b.kozo");
    std::fs::hard_link(&a, dir.path().join("a-link.txt")).unwrap();
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = kozo(&["fmt", "a.kozo", "b.kozo"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write `a.kozo`: it has 2 hard links"),
        "{}",
        stderr(&out)
    );
    // Untouched, and still the same file under both names.
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "system   a\n");
    assert_eq!(std::fs::metadata(&a).unwrap().nlink(), 2);
    // The other file is formatted, with its mode kept.
    assert_eq!(std::fs::read_to_string(&b).unwrap(), "system b\n");
    let mode = std::fs::metadata(&b).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
}

#[cfg(unix)]
#[test]
fn fmt_keeps_the_owner_and_group() {
    use std::os::unix::fs::MetadataExt;
    let dir = workspace(&[("a.kozo", b"system   a\n")]);
    let a = dir.path().join("a.kozo");
    // Only root can give a file away; elsewhere the file keeps ours, which
    // the rename must keep too.
    let given = std::os::unix::fs::chown(&a, Some(4242), Some(4343)).is_ok();
    let before = std::fs::metadata(&a).unwrap();
    let out = kozo(&["fmt", "a.kozo"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "system a\n");
    let after = std::fs::metadata(&a).unwrap();
    assert_ne!(before.ino(), after.ino(), "replaced by a rename");
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if given {
        assert_eq!((after.uid(), after.gid()), (4242, 4343));
    }
}

/// A folder whose path is too long to open (even for root, who can read a
/// folder with mode 000), holding a `.kozo` file. Made with short names,
/// then renamed from the deepest up, so that no step needs a long path.
fn unreadable_folder(root: &Path) {
    let depth = 25;
    let short = |k: usize| root.join(vec!["a"; k].join("/"));
    std::fs::create_dir_all(short(depth)).unwrap();
    std::fs::write(short(depth).join("z.kozo"), "system hidden\n").unwrap();
    for k in (1..=depth).rev() {
        let long = short(k).with_file_name("d".repeat(200));
        std::fs::rename(short(k), long).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_reported_not_skipped() {
    // It was skipped silently, with exit 0.
    let dir = workspace(&[("a.kozo", b"use society5\nsystem a\nview v { include a }\n")]);
    unreadable_folder(dir.path());
    let out = kozo(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.starts_with("error: cannot read `"), "{err}");
    assert!(err.contains("name too long"), "{err}");
    let out = kozo(&["fmt", "--check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("cannot read `"), "{}", stderr(&out));
}

/// `kozo explain | head` once panicked: `println!` on a pipe whose reader
/// had gone. Every command that prints to standard output stops quietly.
#[test]
fn a_closed_pipe_on_stdout_is_no_panic() {
    let dir = repo().join("examples/smart-building");
    let dir = dir.to_str().unwrap();
    for args in [
        vec!["explain"],
        vec!["explain", "--all"],
        vec!["explain", "undefined-reference"],
        vec!["check", "--format", "json", dir],
        vec!["export", "--format", "json", dir],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        // The reader is gone before the command writes a byte.
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kozo"))
            .args(&args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {err}",
            out.status
        );
    }
}
