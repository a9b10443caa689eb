//! `--format json`: one object in a versioned schema (docs/review.md).

use std::collections::BTreeMap;
use std::io::Write;

use kozo_engine::diff::{
    Category, Change, Counts, FindingsDelta, ModelDiff, Reviewer, SCHEMA_VERSION,
};
use serde::Serialize;

use super::Side;

#[derive(Serialize)]
struct JsonSide<'a> {
    label: &'a str,
    /// The commit id for a revision, `null` for a folder.
    commit: Option<&'a str>,
    /// What was not compared (unreadable, binary, non-UTF-8, syntax errors).
    problems: &'a [String],
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    old: JsonSide<'a>,
    new: JsonSide<'a>,
    /// False when something could not be read or parsed on either side.
    complete: bool,
    summary: BTreeMap<&'static str, Counts>,
    changes: &'a [Change],
    review: &'a [Reviewer],
    findings: &'a FindingsDelta,
}

fn side(s: &Side) -> JsonSide<'_> {
    JsonSide {
        label: &s.label,
        commit: s.commit.as_deref(),
        problems: &s.problems,
    }
}

pub fn print(out: &mut dyn Write, old: &Side, new: &Side, diff: &ModelDiff) -> std::io::Result<()> {
    let summary = Category::ALL
        .iter()
        .map(|c| (c.name(), diff.counts(*c)))
        .collect();
    let output = Output {
        version: SCHEMA_VERSION,
        old: side(old),
        new: side(new),
        complete: old.problems.is_empty() && new.problems.is_empty(),
        summary,
        changes: &diff.changes,
        review: &diff.review,
        findings: &diff.findings,
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
