//! For a concern: frame it in a viewpoint, or add it to a stakeholder's
//! concerns.

use kozo_lang::{ClauseArgs, ClauseKeyword, Entry, Span};

use super::{find_decl, insert_entry, CodeAction, CodeActionKind};
use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;
use crate::ide::{SourceChange, TextEdit};
use crate::model::ConcernId;
use crate::rules::Rule;

/// For a concern declared in the range (or named by a finding there): add
/// it to a viewpoint's `frames` or a stakeholder's `concerns`.
pub(super) fn concern_actions(
    analysis: &Analysis,
    file: SourceFile,
    range: Span,
    overlapping: &[&Diagnostic],
) -> Vec<CodeAction> {
    let model = analysis.model();
    let mut out = Vec::new();
    for (index, concern) in model.concerns.iter().enumerate() {
        let loc = concern.info.name_loc;
        if loc.file != file || !(loc.span.start <= range.end && range.start <= loc.span.end) {
            continue;
        }
        let id = ConcernId(index as u32);
        let name = &concern.info.name;
        let finding = |rule: Rule| {
            overlapping
                .iter()
                .find(|d| d.rule == rule && d.span == loc.span)
                .map(|d| (*d).clone())
        };
        for viewpoint in model.viewpoints.iter().filter(|v| !v.info.builtin) {
            if viewpoint.frames.contains(&id) {
                continue;
            }
            if let Some(change) =
                add_to_list(analysis, &viewpoint.info, ClauseKeyword::Frames, name)
            {
                out.push(CodeAction {
                    title: format!("Frame `{name}` in viewpoint `{}`", viewpoint.info.name),
                    kind: CodeActionKind::QuickFix,
                    diagnostic: finding(Rule::ConcernNotFramed),
                    change,
                    preferred: false,
                });
            }
        }
        for stakeholder in model.stakeholders.iter().filter(|s| !s.info.builtin) {
            if stakeholder.concerns.contains(&id) {
                continue;
            }
            if let Some(change) =
                add_to_list(analysis, &stakeholder.info, ClauseKeyword::Concerns, name)
            {
                out.push(CodeAction {
                    title: format!(
                        "Add `{name}` to the concerns of stakeholder `{}`",
                        stakeholder.info.name
                    ),
                    kind: CodeActionKind::QuickFix,
                    diagnostic: finding(Rule::ConcernWithoutStakeholder),
                    change,
                    preferred: false,
                });
            }
        }
    }
    out
}

/// Adds `name` to a declaration's `keyword` list clause (the clause is
/// created when absent).
fn add_to_list(
    analysis: &Analysis,
    info: &crate::model::Info,
    keyword: ClauseKeyword,
    name: &str,
) -> Option<SourceChange> {
    let file = info.name_loc.file;
    let text = analysis.text(file);
    let decl = find_decl(analysis.parse(file), info.name_loc.span)?;
    let existing = decl.entries().iter().find_map(|e| match e {
        Entry::Clause(c) if c.keyword == keyword => match &c.args {
            ClauseArgs::Paths(paths) => paths.last().map(|p| p.span.end),
            _ => None,
        },
        _ => None,
    });
    let edit = match existing {
        Some(end) => TextEdit {
            span: Span::empty(end as usize),
            new_text: format!(", {name}"),
        },
        None => insert_entry(text, decl, &format!("{} {name}", keyword.as_str()))?,
    };
    Some(SourceChange::single(file, edit))
}
