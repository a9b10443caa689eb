//! `kozo-bench-diff N DIR [CHANGES]`: a git repository in DIR holding a
//! synthetic workspace of N elements in two commits, the second with
//! CHANGES elements (default 50) relabelled, for timing
//! `kozo diff HEAD~1 HEAD` (docs/performance.md has the commands).
//!
//! The changed elements are the control systems `sys_F_K`, taken part file
//! by part file so that the change is spread over the workspace the way a
//! large pull request would be.

use std::path::Path;
use std::process::{Command, ExitCode};

fn git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=kozo bench",
            "-c",
            "user.email=bench@kozo.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("git {args:?} failed"))
    }
}

fn run(elements: usize, dir: &Path, changes: usize) -> Result<usize, String> {
    let mut files = kozo_bench::synthetic_workspace(elements);
    kozo_bench::write_workspace(dir, &files).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("kozo.toml"), kozo_bench::KOZO_TOML).map_err(|e| e.to_string())?;
    git(dir, &["init", "-q"])?;
    git(dir, &["add", "-A"])?;
    git(dir, &["commit", "-q", "-m", "synthetic workspace"])?;
    let parts = kozo_bench::part_count(elements);
    let mut changed = 0;
    'systems: for k in 0.. {
        let mut found = false;
        for f in 0..parts {
            if changed == changes {
                break 'systems;
            }
            let path = kozo_bench::part_path(f);
            let Some((_, text)) = files.iter_mut().find(|(p, _)| *p == path) else {
                continue;
            };
            let label = format!("\"Control system {f}.{k}\"");
            if text.contains(&label) {
                *text = text.replacen(&label, &format!("\"Control system {f}.{k} (revised)\""), 1);
                changed += 1;
                found = true;
            }
        }
        if !found {
            break;
        }
    }
    kozo_bench::write_workspace(dir, &files).map_err(|e| e.to_string())?;
    git(
        dir,
        &["commit", "-q", "-a", "-m", "relabel control systems"],
    )?;
    Ok(changed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: kozo-bench-diff N DIR [CHANGES]");
        return ExitCode::from(2);
    };
    let number = |s: &str| s.replace('_', "").parse::<usize>().ok();
    let (Some(elements), Some(changes)) =
        (number(count), args.get(2).map_or(Some(50), |c| number(c)))
    else {
        eprintln!("kozo-bench-diff: N and CHANGES must be numbers");
        return ExitCode::from(2);
    };
    let dir = Path::new(dir);
    if dir.exists() {
        eprintln!(
            "kozo-bench-diff: {} exists; give a new folder",
            dir.display()
        );
        return ExitCode::from(2);
    }
    match run(elements, dir, changes) {
        Ok(changed) => {
            println!(
                "{}: {elements} elements in two commits; HEAD relabels {changed} elements",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("kozo-bench-diff: {err}");
            ExitCode::from(1)
        }
    }
}
