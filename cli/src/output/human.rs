//! Human output: rustc-style reports with the source line and the span
//! underlined (colour only on a terminal), then a summary line.
//!
//! Source text and messages reach a terminal, so control characters (an
//! escape sequence can retitle the window or clear the screen) and bidi
//! overrides are shown as text (`\u{1b}`), and a lone `\r` is shown as the
//! line break it is for kozo.

use std::io::{IsTerminal, Write};

use codespan_reporting::diagnostic::{Diagnostic as Report_, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use kozo_engine::{Severity, Summary};

use super::Report;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// True for characters a terminal must not receive raw: controls other than
/// tab and line feed, and the bidi embeddings, overrides and isolates that
/// make text read differently from what it is.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as `\u{..}`.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A source file as shown: unsafe characters escaped, a lone `\r` shown as
/// `\n` (the snippet's lines are then the lines kozo counts), and where the
/// offsets moved.
struct Shown {
    text: String,
    /// `(offset of an escaped character, bytes added up to and including
    /// it)`, in order.
    shifts: std::rc::Rc<Vec<(u32, u32)>>,
}

impl Shown {
    fn new(text: &str) -> Shown {
        let mut out = String::with_capacity(text.len());
        let mut shifts = Vec::new();
        let mut added = 0u32;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\r' {
                // `\r\n` stays; a lone `\r` becomes a line feed of one byte.
                let crlf = chars.peek().is_some_and(|&(_, n)| n == '\n');
                out.push(if crlf { '\r' } else { '\n' });
            } else if unsafe_char(c) {
                let escaped = format!("\\u{{{:x}}}", c as u32);
                added += (escaped.len() - c.len_utf8()) as u32;
                shifts.push((i as u32, added));
                out.push_str(&escaped);
            } else {
                out.push(c);
            }
        }
        Shown {
            text: out,
            shifts: std::rc::Rc::new(shifts),
        }
    }
}

/// A span of the original text as a range of the shown one.
fn shifted(shifts: &[(u32, u32)], span: kozo_lang::Span) -> std::ops::Range<usize> {
    let map = |offset: u32| {
        let before = shifts.partition_point(|&(at, _)| at < offset);
        let added = before.checked_sub(1).map_or(0, |i| shifts[i].1);
        (offset + added) as usize
    };
    map(span.start)..map(span.end)
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
            let (id, shown) = ids.entry(file).or_insert_with(|| {
                let shown = Shown::new(analysis.text(file));
                let id = files.add(
                    escape(&super::display_path(&report.root, analysis.path(file))).into_owned(),
                    shown.text.clone(),
                );
                (id, shown)
            });
            (*id, shown.shifts.clone())
        };
        for finding in &report.findings {
            let d = finding.diagnostic;
            let severity = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
                Severity::Info => CsSeverity::Note,
            };
            let (id, shifts) = file_id(d.file, &mut files);
            let mut labels = vec![Label::primary(id, shifted(&shifts, d.span))];
            for related in &d.related {
                let (rid, shifts) = file_id(related.file, &mut files);
                labels.push(
                    Label::secondary(rid, shifted(&shifts, related.span))
                        .with_message(escape(&related.message)),
                );
            }
            let mut notes = Vec::new();
            if let Some(s) = &d.suggestion {
                // An empty span inserts the text (`use society5` at the top).
                if d.span.is_empty() {
                    notes.push(format!("help: insert `{}` here", escape(s.trim_end())));
                } else {
                    notes.push(format!("help: replace with `{}`", escape(s)));
                }
            }
            notes.push(format!("`kozo explain {}` says more", d.rule.name()));
            let diagnostic = Report_::new(severity)
                .with_code(d.rule.name())
                .with_message(escape(&finding.message))
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
