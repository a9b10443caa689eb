//! What a file or workspace holds: document and workspace symbols, folding
//! ranges, semantic tokens, code lenses.

use kozo_engine::ide;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;

use crate::convert;
use crate::server::Backend;
use crate::snapshot::{answer, run};

pub async fn document_symbols(
    server: &Backend,
    params: lsp::DocumentSymbolParams,
) -> Result<Option<lsp::DocumentSymbolResponse>> {
    let at = server.at(&params.text_document.uri, None)?;
    let outcome = run(move || {
        let lines = at.lines();
        let symbols = ide::document_symbols(&at.snapshot.analysis, at.file);
        Some(lsp::DocumentSymbolResponse::Nested(
            symbols
                .iter()
                .map(|s| convert::document_symbol(s, &lines))
                .collect(),
        ))
    })
    .await;
    answer("textDocument/documentSymbol", outcome)
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol type.
pub async fn workspace_symbols(
    server: &Backend,
    params: lsp::WorkspaceSymbolParams,
) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
    // All workspaces in one blocking task: no snapshot waits idle across an
    // await (a writer would wait for it).
    let snapshots = server.all_snapshots();
    let outcome = run(move || {
        let mut found = Vec::new();
        for snapshot in snapshots {
            let symbols = ide::workspace_symbols(&snapshot.analysis, &params.query);
            found.extend(symbols.into_iter().filter_map(|s| {
                let uri = snapshot.uri(s.file)?;
                let range = snapshot.lines(s.file).range(s.name_span);
                Some(lsp::SymbolInformation {
                    name: s.name,
                    kind: convert::symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: lsp::Location::new(uri, range),
                    container_name: s.container,
                })
            }));
        }
        found.truncate(ide::WORKSPACE_SYMBOL_LIMIT);
        Some(lsp::WorkspaceSymbolResponse::Flat(found))
    })
    .await;
    answer("workspace/symbol", outcome)
}

pub async fn folding_ranges(
    server: &Backend,
    params: lsp::FoldingRangeParams,
) -> Result<Option<Vec<lsp::FoldingRange>>> {
    let at = server.at(&params.text_document.uri, None)?;
    let outcome = run(move || {
        let lines = at.lines();
        let ranges = ide::folding_ranges(&at.snapshot.analysis, at.file);
        Some(
            ranges
                .into_iter()
                .map(|r| lsp::FoldingRange {
                    start_line: lines.position(r.span.start).line,
                    start_character: None,
                    end_line: lines.position(r.span.end).line,
                    end_character: None,
                    kind: Some(match r.kind {
                        ide::FoldingKind::Region => lsp::FoldingRangeKind::Region,
                        ide::FoldingKind::Comment => lsp::FoldingRangeKind::Comment,
                    }),
                    collapsed_text: None,
                })
                .collect(),
        )
    })
    .await;
    answer("textDocument/foldingRange", outcome)
}

pub async fn semantic_tokens(
    server: &Backend,
    params: lsp::SemanticTokensParams,
) -> Result<Option<lsp::SemanticTokensResult>> {
    let at = server.at(&params.text_document.uri, None)?;
    let outcome = run(move || {
        let lines = at.lines();
        let tokens = ide::semantic_tokens(&at.snapshot.analysis, at.file);
        Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
            result_id: None,
            data: convert::semantic_tokens(&tokens, &lines),
        }))
    })
    .await;
    answer("textDocument/semanticTokens/full", outcome)
}

pub async fn code_lenses(
    server: &Backend,
    params: lsp::CodeLensParams,
) -> Result<Option<Vec<lsp::CodeLens>>> {
    let at = server.at(&params.text_document.uri, None)?;
    let outcome = run(move || {
        let lines = at.lines();
        let lenses = ide::code_lenses(&at.snapshot.analysis, at.file);
        Some(
            lenses
                .into_iter()
                .map(|lens| lsp::CodeLens {
                    range: lines.range(lens.span),
                    // A label: an empty command id is shown, not run.
                    command: Some(lsp::Command {
                        title: lens.title,
                        command: String::new(),
                        arguments: None,
                    }),
                    data: None,
                })
                .collect(),
        )
    })
    .await;
    answer("textDocument/codeLens", outcome)
}
