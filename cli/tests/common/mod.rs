//! What the end-to-end tests share: running the real `kozo` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `kozo` with `args` in `cwd` (no colour), with extra environment variables.
pub fn kozo_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kozo"));
    command.args(args).current_dir(cwd).env("NO_COLOR", "1");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the kozo binary runs")
}

/// Runs `kozo` with `args` in `cwd` (no colour).
pub fn kozo(args: &[&str], cwd: &Path) -> Output {
    kozo_env(args, cwd, &[])
}

/// The repository's root folder.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the repository")
        .to_path_buf()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
