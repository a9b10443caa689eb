//! The custom requests a diagram preview uses — `kozo/views` (the views,
//! with where they are declared) and `kozo/renderView` (one view as SVG) —
//! and `kozo/debugText`, which returns the server's copy of a document (for
//! tests; served only when `KOZO_LSP_DEBUG=1`).

use kozo_engine::ide;
use kozo_engine::model::ViewId;
use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::server::{invalid, Backend};
use crate::snapshot::{answer, run, Snapshot};

/// `kozo/views` params: the views of the workspace holding `uri`, or of
/// every workspace when it is absent.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewsParams {
    #[serde(default)]
    pub uri: Option<Uri>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewsResult {
    pub views: Vec<ViewItem>,
}

/// One view: its id (its name, which `kozo/renderView` and `kozo render
/// --view` take) and where it is declared.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewItem {
    pub view_id: String,
    pub label: Option<String>,
    pub viewpoint: Option<String>,
    pub uri: Uri,
    /// The whole declaration.
    pub range: lsp::Range,
    /// Its name.
    pub selection_range: lsp::Range,
    /// How many elements it shows.
    pub elements: usize,
}

/// `kozo/renderView` params: `{ uri, position }` (the view declared around
/// the position) or `{ viewId }` (optionally with `uri` to pick the
/// workspace). `lang` chooses the label translation (default: `kozo.toml`'s
/// `[render] lang`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderViewParams {
    #[serde(default)]
    pub uri: Option<Uri>,
    #[serde(default)]
    pub position: Option<lsp::Position>,
    #[serde(default)]
    pub view_id: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderViewResult {
    pub view_id: String,
    pub svg: String,
}

#[derive(Debug, Deserialize)]
pub struct DebugTextParams {
    pub uri: Uri,
}

#[derive(Debug, Serialize)]
pub struct DebugTextResult {
    pub text: String,
    pub version: Option<i32>,
}

pub async fn views(server: &Backend, params: ViewsParams) -> Result<ViewsResult> {
    let snapshots = match &params.uri {
        Some(uri) => vec![server.at(uri, None)?.snapshot],
        None => server.all_snapshots(),
    };
    // All workspaces in one blocking task: no snapshot waits idle across an
    // await (a writer would wait for it).
    let outcome = run(move || {
        let mut views = Vec::new();
        for snapshot in snapshots {
            views.extend(ide::views(&snapshot.analysis).into_iter().filter_map(|v| {
                let uri = snapshot.uri(v.file)?;
                let lines = snapshot.lines(v.file);
                Some(ViewItem {
                    view_id: v.name,
                    label: v.label,
                    viewpoint: v.viewpoint,
                    uri,
                    range: lines.range(v.full_span),
                    selection_range: lines.range(v.name_span),
                    elements: v.elements,
                })
            }));
        }
        views
    })
    .await;
    Ok(ViewsResult {
        views: answer("kozo/views", outcome)?,
    })
}

pub async fn render_view(server: &Backend, params: RenderViewParams) -> Result<RenderViewResult> {
    type Cursor = Option<(kozo_engine::db::SourceFile, usize)>;
    let candidates: Vec<(Snapshot, Cursor)> = match (&params.uri, params.position, &params.view_id)
    {
        (Some(uri), Some(position), _) => {
            let at = server.at(uri, Some(position))?;
            vec![(at.snapshot, Some((at.file, at.offset)))]
        }
        (Some(uri), None, Some(_)) => vec![(server.at(uri, None)?.snapshot, None)],
        (None, None, Some(_)) => server
            .all_snapshots()
            .into_iter()
            .map(|s| (s, None))
            .collect(),
        _ => {
            return Err(invalid(
                "kozo/renderView takes `{ uri, position }` or `{ viewId }`",
            ))
        }
    };
    let view_id = params.view_id.clone();
    let lang = params.lang.clone();
    // The diagram is built from the snapshot, which goes with the closure:
    // laying it out (Graphviz may take seconds) holds none, so edits are
    // never kept waiting for it.
    let outcome = run(move || {
        for (snapshot, cursor) in candidates {
            let analysis = &snapshot.analysis;
            let view: Option<ViewId> = match (cursor, &view_id) {
                (Some((file, offset)), _) => ide::view_at(analysis, file, offset),
                (None, Some(name)) => analysis.model().view_by_name(name),
                (None, None) => None,
            };
            let Some(view) = view else {
                continue;
            };
            let config = analysis.config();
            let lang = lang.clone().or_else(|| config.render.lang.clone());
            let diagram = kozo_engine::render::diagram(analysis, view, lang.as_deref());
            let name = analysis.model().view(view).info.name.to_string();
            let limit = std::time::Duration::from_secs(config.render.dot_timeout_secs);
            return Some((name, diagram, config.render.engine, limit));
        }
        None
    })
    .await;
    let Some((name, diagram, requested, limit)) = answer("kozo/renderView", outcome)? else {
        return Err(invalid(match &params.view_id {
            Some(id) => format!("kozo: no view named `{id}`"),
            None => "kozo: the position is in no view declaration".to_string(),
        }));
    };
    // A few renders at a time: each may hold a thread for as long as `dot` runs.
    let _permit = server.shared.renders.acquire().await;
    let outcome = run(move || {
        let engine = kozo_engine::render::choose_engine(requested);
        kozo_engine::render::to_svg_within(&diagram, engine, limit)
    })
    .await;
    match answer("kozo/renderView", outcome)? {
        Ok(svg) => Ok(RenderViewResult { view_id: name, svg }),
        Err(error) => Err(jsonrpc::Error {
            code: jsonrpc::ErrorCode::ServerError(-32803),
            message: format!("kozo: {error}").into(),
            data: None,
        }),
    }
}

pub async fn debug_text(server: &Backend, params: DebugTextParams) -> Result<DebugTextResult> {
    let at = server.at(&params.uri, None)?;
    let rel = at.snapshot.analysis.path(at.file).to_string();
    let text = at.snapshot.analysis.text(at.file).to_string();
    // The snapshot goes before the state lock is taken (see `snapshot`).
    drop(at);
    let path = crate::documents::uri_path(&params.uri);
    let state = server.shared.lock();
    let version = path.and_then(|p| match state.locate(&p) {
        Some(crate::state::DocRef::File { workspace, .. }) => state.workspaces[workspace]
            .open
            .get(&rel)
            .map(|d| d.version),
        _ => None,
    });
    Ok(DebugTextResult { text, version })
}
