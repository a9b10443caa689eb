//! `--format markdown`: a pull-request comment. A summary table, the
//! stakeholders to ask for a review, one collapsible section per kind of
//! declaration and the findings delta, kept under GitHub's comment limit.
//!
//! Every text that comes from the model, a file name or a revision is
//! escaped: each ASCII punctuation character gets a backslash (CommonMark
//! lets any of them be escaped), so a hostile label can open no link,
//! image, HTML tag, emphasis or table cell, and the autolinker finds no
//! `www.` or `https:` in it. Line breaks become spaces. Model text never goes
//! inside an HTML block (`<summary>` holds fixed words and numbers only),
//! where Markdown escapes would not apply.

use std::io::Write;

use kozo_engine::diff::{Category, Change, ChangeKind, FindingRef, ModelDiff};

use super::Side;

/// GitHub refuses comments longer than this many characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// Room kept for the closing tags and the note that says the text was cut.
const RESERVE: usize = 1_024;

/// Model text made inert for Markdown.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The comment, built line by line within the size limit.
struct Comment {
    text: String,
    chars: usize,
    /// Lines left out for lack of room.
    cut: usize,
}

impl Comment {
    fn fits(&self, line: &str) -> bool {
        self.chars + line.chars().count() < COMMENT_LIMIT - RESERVE
    }

    /// Adds a line that must be there (headings, closing tags).
    fn line(&mut self, line: &str) {
        self.chars += line.chars().count() + 1;
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// Adds a line if there is room, else counts it as cut.
    fn item(&mut self, line: &str) {
        if self.cut == 0 && self.fits(line) {
            self.line(line);
        } else {
            self.cut += 1;
        }
    }
}

fn sign(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "➕ added",
        ChangeKind::Removed => "➖ removed",
        ChangeKind::Changed => "✏️ changed",
        ChangeKind::Renamed => "🔀 renamed",
    }
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| escape(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn change_lines(c: &Change) -> String {
    let id = match &c.from {
        Some(from) => format!("**{}** → **{}**", escape(from), escape(&c.id)),
        None => format!("**{}**", escape(&c.id)),
    };
    let mut line = format!("- {} {id}", sign(c.change));
    if c.label != c.id {
        line.push_str(&format!(" “{}”", escape(&c.label)));
    }
    if let Some(kind) = &c.kind {
        line.push_str(&format!(" ({})", escape(kind)));
    }
    for f in &c.fields {
        let v = |v: &Option<String>| v.as_deref().map_or("(none)".to_string(), escape);
        line.push_str(&format!(
            "\n  - {}: {} → {}",
            escape(&f.field),
            v(&f.old),
            v(&f.new)
        ));
    }
    if !c.shows_added.is_empty() {
        line.push_str(&format!("\n  - now shows: {}", list(&c.shows_added)));
    }
    if !c.shows_removed.is_empty() {
        line.push_str(&format!(
            "\n  - no longer shows: {}",
            list(&c.shows_removed)
        ));
    }
    if !c.impact.views.is_empty() && c.category != Category::View {
        line.push_str(&format!("\n  - views: {}", list(&c.impact.views)));
    }
    if !c.impact.stakeholders.is_empty() {
        line.push_str(&format!(
            "\n  - stakeholders: {}",
            list(&c.impact.stakeholders)
        ));
    }
    line
}

fn finding_line(f: &FindingRef) -> String {
    format!(
        "- {} {} {}:{}:{}: {}",
        f.severity,
        escape(f.rule),
        escape(&f.file),
        f.line,
        f.column,
        escape(&f.message)
    )
}

/// The whole comment.
pub fn render(old: &Side, new: &Side, diff: &ModelDiff) -> String {
    let mut c = Comment {
        text: String::new(),
        chars: 0,
        cut: 0,
    };
    c.line("## Architecture changes");
    c.line("");
    c.line(&format!("{} → {}", escape(&old.label), escape(&new.label)));
    c.line("");
    let incomplete = old.problems.len() + new.problems.len();
    if incomplete > 0 {
        c.line(&format!(
            "⚠️ **Incomplete:** {incomplete} problem(s) reading or parsing the sides; what they affect was not compared."
        ));
        c.line("");
        for (which, side) in [("old", old), ("new", new)] {
            for p in &side.problems {
                c.item(&format!("- {which}: {}", escape(p)));
            }
        }
        c.line("");
    }
    if diff.is_empty() && incomplete > 0 {
        c.line("No change in what could be compared.");
        c.line("");
    } else if diff.is_empty() {
        c.line("No change in the model.");
        c.line("");
    } else {
        c.line("| | added | removed | changed | renamed |");
        c.line("|---|---:|---:|---:|---:|");
        for category in Category::ALL {
            let n = diff.counts(category);
            if n.total() > 0 {
                c.line(&format!(
                    "| {} | {} | {} | {} | {} |",
                    category.plural(),
                    n.added,
                    n.removed,
                    n.changed,
                    n.renamed
                ));
            }
        }
        c.line("");
    }
    if !diff.review.is_empty() {
        let people: Vec<String> = diff
            .review
            .iter()
            .map(|r| {
                let concerns: Vec<String> = r.concerns.iter().map(|x| escape(&x.label)).collect();
                if concerns.is_empty() {
                    escape(&r.label)
                } else {
                    format!("{} ({})", escape(&r.label), concerns.join(", "))
                }
            })
            .collect();
        c.item(&format!("**Review by:** {}", people.join("; ")));
        c.line("");
    }
    for category in Category::ALL {
        let changes: Vec<&Change> = diff
            .changes
            .iter()
            .filter(|x| x.category == category)
            .collect();
        if changes.is_empty() {
            continue;
        }
        c.line(&format!(
            "<details><summary>{} ({})</summary>",
            category.plural(),
            changes.len()
        ));
        c.line("");
        for change in changes {
            c.item(&change_lines(change));
        }
        c.line("");
        c.line("</details>");
        c.line("");
    }
    let findings = &diff.findings;
    c.line("### Findings");
    c.line("");
    if findings.is_empty() {
        c.line("No finding introduced or fixed.");
    } else {
        c.line(&format!(
            "{} introduced, {} fixed.",
            findings.introduced.len(),
            findings.fixed.len()
        ));
        for (title, items) in [
            ("Introduced", &findings.introduced),
            ("Fixed", &findings.fixed),
        ] {
            if items.is_empty() {
                continue;
            }
            c.line("");
            c.line(&format!(
                "<details><summary>{title} ({})</summary>",
                items.len()
            ));
            c.line("");
            for f in items {
                c.item(&finding_line(f));
            }
            c.line("");
            c.line("</details>");
        }
    }
    if c.cut > 0 {
        c.line("");
        c.line(&format!(
            "*{} more item(s) not shown: a comment is limited to {COMMENT_LIMIT} characters. Run `kozo diff --format json` for the full list.*",
            c.cut
        ));
    }
    c.text
}

pub fn print(out: &mut dyn Write, old: &Side, new: &Side, diff: &ModelDiff) -> std::io::Result<()> {
    out.write_all(render(old, new, diff).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_leaves_no_markup() {
        let text = "[x](https://evil.example) ![i](j) <script>alert(1)</script> *a* `b` | c\nd www.evil.example";
        let escaped = escape(text);
        for c in escaped.chars().zip(escaped.chars().skip(1)) {
            // Every punctuation character is preceded by a backslash.
            if c.1.is_ascii_punctuation() && c.1 != '\\' {
                assert_eq!(c.0, '\\', "in {escaped}");
            }
        }
        assert!(!escaped.contains('\n'));
        assert_eq!(escape("ビル管理"), "ビル管理");
    }
}
