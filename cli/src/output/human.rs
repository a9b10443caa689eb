//! Human output: rustc-style reports with the source line and the span
//! underlined (colour only on a terminal), then a summary line.

use std::io::{IsTerminal, Write};

use codespan_reporting::diagnostic::{Diagnostic as Report_, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use kozo_engine::{Severity, Summary};

use super::Report;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn print(reports: &[Report], summary: &Summary) -> std::io::Result<()> {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut files = SimpleFiles::new();
    let config = term::Config::default();
    let mut stream = termcolor::StandardStream::stdout(if color {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    });
    for report in reports {
        let analysis = report.analysis;
        let mut ids = std::collections::HashMap::new();
        let mut file_id = |file: kozo_engine::db::SourceFile,
                           files: &mut SimpleFiles<String, String>| {
            *ids.entry(file).or_insert_with(|| {
                files.add(
                    super::display_path(&report.root, analysis.path(file)),
                    analysis.text(file).to_string(),
                )
            })
        };
        for finding in &report.findings {
            let d = finding.diagnostic;
            let severity = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Info => CsSeverity::Note,
            };
            let id = file_id(d.file, &mut files);
            let mut labels = vec![Label::primary(id, d.span.range())];
            for related in &d.related {
                let rid = file_id(related.file, &mut files);
                labels.push(
                    Label::secondary(rid, related.span.range()).with_message(&related.message),
                );
            }
            let mut notes = Vec::new();
            if let Some(s) = &d.suggestion {
                notes.push(format!("help: replace with `{s}`"));
            }
            notes.push(format!("`kozo explain {}` says more", d.rule.name()));
            let diagnostic = Report_::new(severity)
                .with_code(d.rule.name())
                .with_message(&d.message)
                .with_labels(labels)
                .with_notes(notes);
            let result = if color {
                term::emit_to_write_style(&mut stream, &config, &files, &diagnostic)
            } else {
                term::emit_to_io_write(&mut std::io::stdout().lock(), &config, &files, &diagnostic)
            };
            if let Err(err) = result {
                return Err(std::io::Error::other(err.to_string()));
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let counts = format!(
        "{} checked ({}, {})",
        plural(summary.files, "file", "files"),
        plural(summary.elements, "element", "elements"),
        plural(summary.relationships, "relationship", "relationships"),
    );
    if summary.errors + summary.warnings + summary.infos == 0 {
        writeln!(out, "{counts}: no findings")
    } else {
        writeln!(
            out,
            "{counts}: {}, {}, {}",
            plural(summary.errors, "error", "errors"),
            plural(summary.warnings, "warning", "warnings"),
            plural(summary.infos, "info", "infos"),
        )
    }
}
