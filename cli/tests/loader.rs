//! End-to-end tests of what `kozo check` reads from disk: FIFOs, devices
//! and links out of the workspace are refused and reported (exit 2), never
//! opened, and never shown in a report.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kozo.toml"), "").unwrap();
    std::fs::write(dir.path().join("a.kozo"), "system a\n").unwrap();
    dir
}

/// Runs `kozo check` in `dir`, killing it after 20 s (a reader that blocks
/// on a FIFO would never return).
fn check_within_time(dir: &Path) -> (Option<i32>, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kozo"))
        .args(["check", "."])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("kozo check did not finish within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), stdout(&out), stderr(&out))
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_workspace_is_reported_and_blocks_nothing() {
    let dir = workspace();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("x.kozo"))
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out, err) = check_within_time(dir.path());
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains("x.kozo`: a FIFO, not a regular file (not read)"),
        "{err}"
    );
    assert!(out.contains("1 file"), "{out}");
}

#[cfg(unix)]
#[test]
fn links_out_of_the_workspace_are_not_followed_or_shown() {
    let dir = workspace();
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("env.kozo")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.kozo")).unwrap();
    let (code, out, err) = check_within_time(dir.path());
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains("env.kozo`: a symbolic link to `/proc/"),
        "{err}"
    );
    assert!(
        err.contains("zero.kozo`: a symbolic link to `/dev/zero`, outside the workspace"),
        "{err}"
    );
    // Nothing of the environment reaches the report.
    assert!(
        !out.contains("PATH=") && !err.contains("PATH="),
        "{out}{err}"
    );
}

#[test]
fn a_file_over_the_limit_is_reported_with_its_name() {
    let dir = workspace();
    std::fs::write(dir.path().join("kozo.toml"), "[limits]\nmax-file-mib = 1\n").unwrap();
    let big = format!("system big \"{}\"\n", "x".repeat(1 << 20));
    std::fs::write(dir.path().join("big.kozo"), big).unwrap();
    let (code, out, err) = check_within_time(dir.path());
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains("big.kozo`: larger than 1 MiB (`[limits] max-file-mib` in kozo.toml)"),
        "{err}"
    );
}
