//! `--format human`: the changes grouped by kind of declaration, with their
//! impact, the stakeholders to ask for a review and the findings delta.
//! Coloured only when standard output is a terminal and `NO_COLOR` is unset.

use std::io::{IsTerminal, Write};

use kozo_engine::diff::{Category, Change, ChangeKind, FindingRef, ModelDiff};

use super::Side;

/// Whether to colour the output.
pub fn use_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

struct Paint(bool);

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The mark and colour of a kind of change.
fn mark(change: ChangeKind) -> (&'static str, &'static str) {
    match change {
        ChangeKind::Added => ("+", "32"),
        ChangeKind::Removed => ("-", "31"),
        ChangeKind::Changed => ("~", "33"),
        ChangeKind::Renamed => (">", "36"),
    }
}

/// Model text on one line: control characters (a newline, an escape
/// sequence) would break the layout or drive the terminal.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn value(v: &Option<String>) -> String {
    match v {
        Some(v) => format!("\"{}\"", one_line(v)),
        None => "(none)".to_string(),
    }
}

fn write_change(out: &mut dyn Write, paint: &Paint, c: &Change) -> std::io::Result<()> {
    let (sign, colour) = mark(c.change);
    let id = match &c.from {
        Some(from) => format!("{} -> {}", one_line(from), one_line(&c.id)),
        None => one_line(&c.id),
    };
    let mut line = format!("  {} {}", paint.paint(colour, sign), paint.paint("1", &id));
    if c.label != c.id {
        line.push_str(&format!("  \"{}\"", one_line(&c.label)));
    }
    if let Some(kind) = &c.kind {
        line.push_str(&format!(" ({})", one_line(kind)));
    }
    if c.change == ChangeKind::Renamed {
        line.push_str("  renamed");
    }
    writeln!(out, "{line}")?;
    for f in &c.fields {
        writeln!(
            out,
            "      {}: {} -> {}",
            f.field,
            value(&f.old),
            value(&f.new)
        )?;
    }
    if !c.shows_added.is_empty() {
        writeln!(
            out,
            "      now shows: {}",
            one_line(&c.shows_added.join(", "))
        )?;
    }
    if !c.shows_removed.is_empty() {
        writeln!(
            out,
            "      no longer shows: {}",
            one_line(&c.shows_removed.join(", "))
        )?;
    }
    if !c.impact.views.is_empty() && c.category != Category::View {
        writeln!(
            out,
            "      {}",
            paint.paint(
                "2",
                &format!("views: {}", one_line(&c.impact.views.join(", ")))
            )
        )?;
    }
    if !c.impact.stakeholders.is_empty() {
        writeln!(
            out,
            "      {}",
            paint.paint(
                "2",
                &format!(
                    "stakeholders: {}",
                    one_line(&c.impact.stakeholders.join(", "))
                )
            )
        )?;
    }
    Ok(())
}

fn write_finding(
    out: &mut dyn Write,
    paint: &Paint,
    sign: &str,
    colour: &str,
    f: &FindingRef,
) -> std::io::Result<()> {
    writeln!(
        out,
        "  {} {}[{}] {}:{}:{}: {}",
        paint.paint(colour, sign),
        f.severity,
        f.rule,
        one_line(&f.file),
        f.line,
        f.column,
        one_line(&f.message)
    )
}

pub fn print(
    out: &mut dyn Write,
    old: &Side,
    new: &Side,
    diff: &ModelDiff,
    colour: bool,
) -> std::io::Result<()> {
    let paint = Paint(colour);
    writeln!(
        out,
        "{} {} -> {}",
        paint.paint("1", "kozo diff:"),
        one_line(&old.label),
        one_line(&new.label)
    )?;
    let incomplete = !old.problems.is_empty() || !new.problems.is_empty();
    if diff.is_empty() && incomplete {
        writeln!(
            out,
            "\nNo change in what could be compared; the comparison is incomplete (see the errors)."
        )?;
    } else if diff.is_empty() {
        writeln!(out, "\nNo change in the model.")?;
    }
    for category in Category::ALL {
        let changes: Vec<&Change> = diff
            .changes
            .iter()
            .filter(|c| c.category == category)
            .collect();
        if changes.is_empty() {
            continue;
        }
        writeln!(
            out,
            "\n{} ({})",
            paint.paint("1", category.plural()),
            changes.len()
        )?;
        for c in changes {
            write_change(out, &paint, c)?;
        }
    }
    if !diff.review.is_empty() {
        let people: Vec<String> = diff
            .review
            .iter()
            .map(|r| {
                let concerns: Vec<String> = r.concerns.iter().map(|c| one_line(&c.label)).collect();
                if concerns.is_empty() {
                    one_line(&r.label)
                } else {
                    format!("{} ({})", one_line(&r.label), concerns.join(", "))
                }
            })
            .collect();
        writeln!(
            out,
            "\n{} {}",
            paint.paint("1", "Review by:"),
            people.join("; ")
        )?;
    }
    let findings = &diff.findings;
    if !findings.is_empty() {
        writeln!(
            out,
            "\n{} {} introduced, {} fixed",
            paint.paint("1", "Findings:"),
            findings.introduced.len(),
            findings.fixed.len()
        )?;
        for f in &findings.introduced {
            write_finding(out, &paint, "+", "31", f)?;
        }
        for f in &findings.fixed {
            write_finding(out, &paint, "-", "32", f)?;
        }
    }
    if !diff.is_empty() {
        let parts: Vec<String> = Category::ALL
            .iter()
            .filter_map(|c| {
                let n = diff.counts(*c).total();
                (n > 0).then(|| format!("{} {n}", c.plural().to_lowercase()))
            })
            .collect();
        writeln!(
            out,
            "\n{} changed: {}",
            diff.changes.len(),
            parts.join(", ")
        )?;
    }
    Ok(())
}
