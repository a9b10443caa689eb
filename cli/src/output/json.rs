//! `--format json`: one object with the fields README.md lists. Each
//! finding's `file` is relative to its workspace's root, and `workspace`
//! names that root as seen from the current folder (`.` when it is the
//! current folder), so findings of nested workspaces are told apart.

use std::io::Write;

use kozo_engine::Summary;
use serde::Serialize;

use super::Report;

#[derive(Serialize)]
struct Output<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'static str,
    severity: &'static str,
    workspace: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

pub fn print(out: &mut dyn Write, reports: &[Report], summary: &Summary) -> std::io::Result<()> {
    let roots: Vec<String> = reports
        .iter()
        .map(|r| super::display_root(&r.root))
        .collect();
    let diagnostics = reports
        .iter()
        .zip(&roots)
        .flat_map(|(r, root)| r.findings.iter().map(move |f| (root, f)))
        .map(|(root, f)| JsonDiagnostic {
            rule: f.diagnostic.rule.name(),
            severity: f.diagnostic.severity.as_str(),
            workspace: root,
            file: &f.path,
            line: f.start.line,
            column: f.start.column,
            end_line: f.end.line,
            end_column: f.end.column,
            message: &f.message,
        })
        .collect();
    serde_json::to_writer_pretty(
        &mut *out,
        &Output {
            diagnostics,
            summary,
        },
    )?;
    writeln!(out)
}
