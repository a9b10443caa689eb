//! `--format json`: one object, exactly as SPEC §4 fixes it.

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
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

pub fn print(out: &mut dyn Write, reports: &[Report], summary: &Summary) -> std::io::Result<()> {
    let diagnostics = reports
        .iter()
        .flat_map(|r| &r.findings)
        .map(|f| JsonDiagnostic {
            rule: f.diagnostic.rule.name(),
            severity: f.diagnostic.severity.as_str(),
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
