//! End-to-end tests of `kozo fmt`: the real binary on the examples and on
//! workspaces made for each case.

mod common;

use common::*;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn kozo_stdin(args: &[&str], cwd: &Path, input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kozo"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the kozo binary runs");
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(input.as_bytes())
        .expect("stdin is written");
    child.wait_with_output().expect("kozo ends")
}

/// A workspace in a temporary folder, with `kozo.toml` holding `config`.
fn workspace(config: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kozo.toml"), config).unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn read(dir: &tempfile::TempDir, path: &str) -> String {
    std::fs::read_to_string(dir.path().join(path)).unwrap()
}

const FORMATTED: &str = "system bms \"BMS\" {\n  component hvac // the controller\n}\n";
const MESSY: &str = "system   bms{component hvac\nhvac->bms:flows}";
const MESSY_FORMATTED: &str = "system bms {\n  component hvac\n  hvac -> bms : flows\n}\n";

#[test]
fn examples_are_formatted() {
    for example in [
        "smart-building",
        "drone-logistics",
        "data-space",
        "city-platform",
        "c4-bigbank",
    ] {
        let out = kozo(&["fmt", "--check", &format!("examples/{example}")], &repo());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example}:\n{}{}",
            stdout(&out),
            stderr(&out)
        );
        assert_eq!(stdout(&out), "");
    }
    // every-rule holds a syntax error on purpose: that file is refused, the
    // others are formatted.
    let files = [
        "examples/every-rule/metamodel.kozo",
        "examples/every-rule/plant.kozo",
        "examples/every-rule/stakeholders.kozo",
        "examples/every-rule/viewpoints.kozo",
    ];
    let mut args = vec!["fmt", "--check"];
    args.extend(files);
    let out = kozo(&args, &repo());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = kozo(&["fmt", "--check", "examples/every-rule"], &repo());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "", "no other file would change");
    assert!(
        stderr(&out).contains("examples/every-rule/decisions.kozo:10:10: expected a name"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_lists_the_files_that_would_change_and_changes_nothing() {
    let dir = workspace(
        "",
        &[
            ("a.kozo", FORMATTED),
            ("model/b.kozo", MESSY),
            ("c.kozo", MESSY),
        ],
    );
    let out = kozo(&["fmt", "--check"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "c.kozo\nmodel/b.kozo\n");
    assert!(
        stderr(&out).contains("2 files would be reformatted"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dir, "model/b.kozo"), MESSY);
    assert_eq!(read(&dir, "c.kozo"), MESSY);

    let out = kozo(&["fmt", "--check", "a.kozo"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
}

#[test]
fn fmt_rewrites_files_in_place() {
    let dir = workspace("", &[("a.kozo", FORMATTED), ("model/b.kozo", MESSY)]);
    let out = kozo(&["fmt"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(read(&dir, "model/b.kozo"), MESSY_FORMATTED);
    assert_eq!(read(&dir, "a.kozo"), FORMATTED);
    let out = kozo(&["fmt", "--check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn only_the_named_files_and_folders_are_formatted() {
    let dir = workspace(
        "",
        &[
            ("a.kozo", MESSY),
            ("sub/b.kozo", MESSY),
            ("other/c.kozo", MESSY),
        ],
    );
    let out = kozo(&["fmt", "a.kozo", "sub"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&dir, "a.kozo"), MESSY_FORMATTED);
    assert_eq!(read(&dir, "sub/b.kozo"), MESSY_FORMATTED);
    assert_eq!(read(&dir, "other/c.kozo"), MESSY);
}

#[test]
fn width_and_indent_come_from_kozo_toml() {
    let text = "view v {\n  include alpha, beta, gamma, delta\n}\n";
    let dir = workspace(
        "[format]\nwidth = 30\nindent = 4\n",
        &[("v.kozo", text), ("nested/sub.kozo", text)],
    );
    // A workspace inside the folder has its own settings.
    std::fs::write(dir.path().join("nested/kozo.toml"), "").unwrap();
    let out = kozo(&["fmt", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        read(&dir, "v.kozo"),
        "view v {\n    include alpha, beta,\n            gamma, delta\n}\n"
    );
    assert_eq!(read(&dir, "nested/sub.kozo"), text);
}

#[test]
fn stdin_is_formatted_to_stdout() {
    let dir = workspace("[format]\nindent = 3\n", &[]);
    let out = kozo_stdin(&["fmt", "--stdin"], dir.path(), MESSY);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "system bms {\n   component hvac\n   hvac -> bms : flows\n}\n"
    );

    let out = kozo_stdin(&["fmt", "--stdin", "--check"], dir.path(), MESSY);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let out = kozo_stdin(&["fmt", "--stdin", "--check"], dir.path(), "system a\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn stdin_with_a_syntax_error_prints_nothing() {
    let dir = workspace("", &[]);
    let out = kozo_stdin(
        &["fmt", "--stdin"],
        dir.path(),
        "system a {\n  component\n}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("<stdin>:2:12: expected a name"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("nothing is written"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_file_with_a_syntax_error_is_left_untouched_and_the_others_formatted() {
    let broken = "system a {\n  component\n}\n  x   -> y\n";
    let dir = workspace("", &[("broken.kozo", broken), ("good.kozo", MESSY)]);
    let out = kozo(&["fmt"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(read(&dir, "broken.kozo"), broken);
    assert_eq!(read(&dir, "good.kozo"), MESSY_FORMATTED);
    let err = stderr(&out);
    assert!(
        err.contains("error: broken.kozo:2:12: expected a name"),
        "{err}"
    );
    assert!(
        err.contains("`broken.kozo` has a syntax error and is left untouched"),
        "{err}"
    );

    // With --check too, the error wins over "would change": exit 2.
    std::fs::write(dir.path().join("good.kozo"), MESSY).unwrap();
    let out = kozo(&["fmt", "--check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "good.kozo\n");
}

#[test]
fn bad_paths_stop_the_command_before_anything_is_touched() {
    let dir = workspace("", &[("good.kozo", MESSY), ("notes.txt", "hello")]);
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = kozo(&["fmt", "missing.kozo", "good.kozo"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read `missing.kozo`: no such file or folder"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dir, "good.kozo"), MESSY);

    let out = kozo(&["fmt", "notes.txt"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`notes.txt` is not a `.kozo` file"));

    let out = kozo(&["fmt", "empty", "missing"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no `.kozo` file in `empty`"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("cannot read `missing`"),
        "{}",
        stderr(&out)
    );

    let out = kozo(&["fmt", "--stdin", "good.kozo"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(read(&dir, "good.kozo"), MESSY);
}

#[test]
fn a_malformed_kozo_toml_stops_the_command() {
    let dir = workspace("[format]\nwidth = 5\n", &[("good.kozo", MESSY)]);
    let out = kozo(&["fmt"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("kozo.toml:2:9: `width` must be between 20 and 400"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dir, "good.kozo"), MESSY);
}

#[test]
fn a_file_that_is_not_utf8_is_left_untouched() {
    let dir = workspace("", &[("good.kozo", MESSY)]);
    let bytes = b"system caf\xe9\n";
    std::fs::write(dir.path().join("latin1.kozo"), bytes).unwrap();
    let out = kozo(&["fmt"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`latin1.kozo` is not valid UTF-8"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(dir.path().join("latin1.kozo")).unwrap(),
        bytes
    );
    assert_eq!(read(&dir, "good.kozo"), MESSY_FORMATTED);
}

#[test]
fn a_new_workspace_is_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let out = kozo(&["init", "ws"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = kozo(&["fmt", "--check", "ws"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[cfg(unix)]
mod atomic {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_rewrite_replaces_the_file_and_keeps_its_permissions() {
        let dir = workspace("", &[("a.kozo", MESSY), ("b.kozo", FORMATTED)]);
        let a = dir.path().join("a.kozo");
        let b = dir.path().join("b.kozo");
        std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).unwrap();
        let a_before = std::fs::metadata(&a).unwrap();
        let b_before = std::fs::metadata(&b).unwrap();

        let out = kozo(&["fmt"], dir.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

        let a_after = std::fs::metadata(&a).unwrap();
        // A new file was renamed over the old one (written whole, then
        // swapped in), not the old file rewritten in place.
        assert_ne!(a_before.ino(), a_after.ino());
        assert_eq!(a_after.mode() & 0o777, 0o640);
        assert_eq!(read(&dir, "a.kozo"), MESSY_FORMATTED);
        // No temporary file is left behind.
        assert_eq!(names(dir.path()), ["a.kozo", "b.kozo", "kozo.toml"]);
        // A file already formatted is not written at all.
        let b_after = std::fs::metadata(&b).unwrap();
        assert_eq!(b_before.ino(), b_after.ino());
        assert_eq!(b_before.mtime_nsec(), b_after.mtime_nsec());
        assert_eq!(b_before.mtime(), b_after.mtime());
    }

    #[test]
    fn a_symbolic_link_stays_a_link() {
        let dir = workspace("", &[("real/a.kozo", MESSY)]);
        std::os::unix::fs::symlink("real/a.kozo", dir.path().join("link.kozo")).unwrap();
        let out = kozo(&["fmt", "link.kozo"], dir.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let link = std::fs::symlink_metadata(dir.path().join("link.kozo")).unwrap();
        assert!(link.file_type().is_symlink());
        assert_eq!(read(&dir, "real/a.kozo"), MESSY_FORMATTED);
        assert_eq!(names(&dir.path().join("real")), ["a.kozo"]);
    }

    #[test]
    fn a_read_only_file_is_left_untouched() {
        let dir = workspace("", &[("a.kozo", MESSY), ("b.kozo", MESSY)]);
        let a = dir.path().join("a.kozo");
        std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o444)).unwrap();
        let out = kozo(&["fmt"], dir.path());
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("cannot write `a.kozo`: permission denied; it is left untouched"),
            "{}",
            stderr(&out)
        );
        assert_eq!(read(&dir, "a.kozo"), MESSY);
        assert_eq!(read(&dir, "b.kozo"), MESSY_FORMATTED);
        assert_eq!(names(dir.path()), ["a.kozo", "b.kozo", "kozo.toml"]);
    }
}
