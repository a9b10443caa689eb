//! Hover, go to definition, find references, document highlight.

use kozo_engine::ide;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;

use crate::server::Backend;
use crate::snapshot::{answer, run};

pub async fn hover(server: &Backend, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
    let p = params.text_document_position_params;
    let at = server.at(&p.text_document.uri, Some(p.position))?;
    let outcome = run(move || {
        let hover = ide::hover(&at.snapshot.analysis, at.file, at.offset)?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: hover.markdown,
            }),
            range: Some(at.lines().range(hover.span)),
        })
    })
    .await;
    answer("textDocument/hover", outcome)
}

pub async fn definition(
    server: &Backend,
    params: lsp::GotoDefinitionParams,
) -> Result<Option<lsp::GotoDefinitionResponse>> {
    let p = params.text_document_position_params;
    let at = server.at(&p.text_document.uri, Some(p.position))?;
    let outcome = run(move || {
        let nav = ide::goto_definition(&at.snapshot.analysis, at.file, at.offset)?;
        let uri = at.snapshot.uri(nav.file)?;
        let range = if nav.file == at.file {
            at.lines().range(nav.name_span)
        } else {
            at.snapshot.lines(nav.file).range(nav.name_span)
        };
        Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location::new(
            uri, range,
        )))
    })
    .await;
    answer("textDocument/definition", outcome)
}

pub async fn references(
    server: &Backend,
    params: lsp::ReferenceParams,
) -> Result<Option<Vec<lsp::Location>>> {
    let p = params.text_document_position;
    let include_declaration = params.context.include_declaration;
    let at = server.at(&p.text_document.uri, Some(p.position))?;
    let outcome = run(move || {
        let found = ide::references(
            &at.snapshot.analysis,
            at.file,
            at.offset,
            include_declaration,
        );
        let locations: Vec<lsp::Location> = found
            .into_iter()
            .filter_map(|r| {
                let uri = at.snapshot.uri(r.file)?;
                Some(lsp::Location::new(
                    uri,
                    at.snapshot.lines(r.file).range(r.span),
                ))
            })
            .collect();
        Some(locations)
    })
    .await;
    answer("textDocument/references", outcome)
}

pub async fn highlight(
    server: &Backend,
    params: lsp::DocumentHighlightParams,
) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
    let p = params.text_document_position_params;
    let at = server.at(&p.text_document.uri, Some(p.position))?;
    let outcome = run(move || {
        let lines = at.lines();
        let found = ide::document_highlight(&at.snapshot.analysis, at.file, at.offset);
        Some(
            found
                .into_iter()
                .map(|h| lsp::DocumentHighlight {
                    range: lines.range(h.span),
                    kind: Some(match h.kind {
                        ide::HighlightKind::Definition => lsp::DocumentHighlightKind::WRITE,
                        ide::HighlightKind::Reference => lsp::DocumentHighlightKind::READ,
                    }),
                })
                .collect(),
        )
    })
    .await;
    answer("textDocument/documentHighlight", outcome)
}
