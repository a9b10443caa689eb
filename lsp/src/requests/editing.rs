//! Rename, code actions and formatting.

use std::collections::HashMap;

use kozo_engine::ide;
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert;
use crate::server::{invalid, Backend};
use crate::snapshot::{answer, run, Snapshot};

/// A rename that cannot be made is a failed request, with the reason.
fn refused(error: ide::RenameError) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::ServerError(-32803),
        message: format!("kozo: {error}").into(),
        data: None,
    }
}

pub async fn prepare_rename(
    server: &Backend,
    params: lsp::TextDocumentPositionParams,
) -> Result<Option<lsp::PrepareRenameResponse>> {
    let at = server.at(&params.text_document.uri, Some(params.position))?;
    let outcome = run(move || {
        let (span, placeholder) = ide::prepare_rename(&at.snapshot.analysis, at.file, at.offset)?;
        Ok(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: at.lines().range(span),
            placeholder,
        })
    })
    .await;
    match answer("textDocument/prepareRename", outcome)? {
        Ok(response) => Ok(Some(response)),
        Err(ide::RenameError::NoName) => Ok(None),
        Err(error) => Err(refused(error)),
    }
}

pub async fn rename(
    server: &Backend,
    params: lsp::RenameParams,
) -> Result<Option<lsp::WorkspaceEdit>> {
    let p = params.text_document_position;
    let at = server.at(&p.text_document.uri, Some(p.position))?;
    let new_name = params.new_name;
    let outcome = run(move || {
        let change = ide::rename(&at.snapshot.analysis, at.file, at.offset, &new_name)?;
        Ok(workspace_edit(&at.snapshot, &change))
    })
    .await;
    match answer("textDocument/rename", outcome)? {
        Ok(edit) => Ok(Some(edit)),
        Err(error) => Err(refused(error)),
    }
}

fn workspace_edit(snapshot: &Snapshot, change: &ide::SourceChange) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for (file, edits) in &change.edits {
        let Some(uri) = snapshot.uri(*file) else {
            continue;
        };
        let lines = snapshot.lines(*file);
        changes
            .entry(uri)
            .or_default()
            .extend(edits.iter().map(|e| lsp::TextEdit {
                range: lines.range(e.span),
                new_text: e.new_text.clone(),
            }));
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

pub async fn code_actions(
    server: &Backend,
    params: lsp::CodeActionParams,
) -> Result<Option<lsp::CodeActionResponse>> {
    let at = server.at(&params.text_document.uri, Some(params.range.start))?;
    let range = at
        .lines()
        .span(params.range)
        .ok_or_else(|| invalid("kozo: the range is past the end of the document"))?;
    let outcome = run(move || {
        let snapshot = &at.snapshot;
        let actions = ide::code_actions(&snapshot.analysis, at.file, range);
        let rules_url = snapshot.rules_url.as_deref();
        let lines = at.lines();
        let mut places = convert::RelatedPlaces::new(snapshot, &snapshot.analysis);
        Some(
            actions
                .into_iter()
                .map(|action| {
                    let diagnostics = action
                        .diagnostic
                        .as_ref()
                        .map(|d| vec![convert::diagnostic(d, &lines, &mut places, rules_url)]);
                    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: action.title,
                        kind: Some(match action.kind {
                            ide::CodeActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
                        }),
                        diagnostics,
                        edit: Some(workspace_edit(snapshot, &action.change)),
                        is_preferred: action.preferred.then_some(true),
                        ..Default::default()
                    })
                })
                .collect(),
        )
    })
    .await;
    answer("textDocument/codeAction", outcome)
}

/// The whole document in kozo's canonical layout (`kozo fmt`), as one edit.
/// A document with a syntax error is left as it is.
pub async fn formatting(
    server: &Backend,
    params: lsp::DocumentFormattingParams,
) -> Result<Option<Vec<lsp::TextEdit>>> {
    let at = server.at(&params.text_document.uri, None)?;
    let outcome = run(move || {
        let analysis = &at.snapshot.analysis;
        let text = analysis.text(at.file);
        let config = &analysis.config().format;
        let options = kozo_lang::format::FormatOptions {
            width: config.width as usize,
            indent: config.indent as usize,
        };
        let formatted = kozo_lang::format::format_parse(text, analysis.parse(at.file), &options);
        formatted.map(|formatted| {
            if formatted == text {
                return Vec::new();
            }
            let lines = at.lines();
            vec![lsp::TextEdit {
                range: lines.range(kozo_lang::Span::new(0, text.len())),
                new_text: formatted,
            }]
        })
    })
    .await;
    match answer("textDocument/formatting", outcome)? {
        Ok(edits) => Ok(Some(edits)),
        Err(kozo_lang::format::FormatError::Syntax(_)) => Ok(None),
        Err(error) => Err(jsonrpc::Error {
            code: jsonrpc::ErrorCode::InternalError,
            message: format!("kozo: {error}").into(),
            data: None,
        }),
    }
}
