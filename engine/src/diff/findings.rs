//! The findings delta: which findings a change introduced and which it
//! fixed, and the baseline filter of `kozo check --baseline`.
//!
//! Findings are matched without their line numbers, which any edit above
//! them shifts: two findings are the same when they name the same rule, the
//! same file and the same message, and stand on a line with the same text
//! (leading and trailing blanks aside). Repeats count: when the old side had
//! one such finding and the new side has two, one is introduced.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use kozo_lang::line_index::ColumnUnit;
use kozo_lang::LineIndex;

use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;

/// What identifies a finding across two versions of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FindingKey {
    pub rule: &'static str,
    pub file: String,
    pub message: String,
    /// The text of the line the finding starts on, trimmed.
    pub line_text: String,
}

/// The key of `diagnostic`, a finding of `analysis`.
pub fn key(analysis: &Analysis, diagnostic: &Diagnostic) -> FindingKey {
    let text = analysis.text(diagnostic.file);
    let at = (diagnostic.span.start as usize).min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    FindingKey {
        rule: diagnostic.rule.name(),
        file: analysis.path(diagnostic.file).to_string(),
        // The message without the other place it may name (a first
        // definition's line moves with unrelated edits).
        message: diagnostic.message.clone(),
        line_text: text[start..end].trim().to_string(),
    }
}

/// The findings of `current` that `baseline` did not have, in `current`'s order.
pub fn not_in_baseline<'a>(baseline: &Analysis, current: &'a Analysis) -> Vec<&'a Diagnostic> {
    unmatched(baseline, current)
}

fn unmatched<'a>(reference: &Analysis, side: &'a Analysis) -> Vec<&'a Diagnostic> {
    let mut counts: HashMap<FindingKey, usize> = HashMap::default();
    for d in reference.diagnostics() {
        *counts.entry(key(reference, d)).or_default() += 1;
    }
    side.diagnostics()
        .iter()
        .filter(|d| match counts.get_mut(&key(side, d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect()
}

/// A finding as the diff reports it: 1-based line and character column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingRef {
    pub rule: &'static str,
    pub severity: &'static str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl FindingRef {
    pub fn new(analysis: &Analysis, diagnostic: &Diagnostic) -> FindingRef {
        FindingRef::located(analysis, diagnostic, &mut HashMap::default())
    }

    /// Like [`FindingRef::new`], keeping each file's line index in `indexes`.
    fn located(
        analysis: &Analysis,
        diagnostic: &Diagnostic,
        indexes: &mut HashMap<SourceFile, LineIndex>,
    ) -> FindingRef {
        let text = analysis.text(diagnostic.file);
        let index = indexes
            .entry(diagnostic.file)
            .or_insert_with(|| LineIndex::new(text));
        let (line, column) = index.position(text, diagnostic.span.start as usize, ColumnUnit::Char);
        let (line, column) = (line as usize + 1, column as usize + 1);
        FindingRef {
            rule: diagnostic.rule.name(),
            severity: diagnostic.severity.as_str(),
            file: analysis.path(diagnostic.file).to_string(),
            line,
            column,
            message: crate::MessageText::new(analysis)
                .message(diagnostic)
                .into_owned(),
        }
    }
}

/// Findings introduced (on the new side) and fixed (gone from the old side).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingsDelta {
    pub introduced: Vec<FindingRef>,
    pub fixed: Vec<FindingRef>,
}

impl FindingsDelta {
    pub fn is_empty(&self) -> bool {
        self.introduced.is_empty() && self.fixed.is_empty()
    }
}

pub(super) fn delta(old: &Analysis, new: &Analysis) -> FindingsDelta {
    FindingsDelta {
        introduced: refs(new, unmatched(old, new)),
        fixed: refs(old, unmatched(new, old)),
    }
}

fn refs(analysis: &Analysis, diagnostics: Vec<&Diagnostic>) -> Vec<FindingRef> {
    let mut indexes = HashMap::default();
    diagnostics
        .into_iter()
        .map(|d| FindingRef::located(analysis, d, &mut indexes))
        .collect()
}
