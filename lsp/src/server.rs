//! The language server's lifecycle (initialize, folders, watched files) and
//! the table of requests; each request is answered in `requests`.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;

use futures::FutureExt as _;
use kozo_engine::db::SourceFile;
use kozo_lang::line_index::ColumnUnit;
use kozo_lang::LineIndex;
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};
use tower_lsp_server::LanguageServer;

use crate::requests::completion::CompletionSupport;
use crate::snapshot::{self, Snapshot};
use crate::{convert, documents, loading, requests, support, Shared};

pub struct Backend {
    pub(crate) shared: Arc<Shared>,
}

/// Runs a handler, answering a panic with an internal error (logged).
pub(crate) async fn guarded<T>(
    method: &str,
    handler: impl Future<Output = Result<T>>,
) -> Result<T> {
    match AssertUnwindSafe(handler).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => snapshot::answer(
            method,
            snapshot::Outcome::Panicked(snapshot::panic_message(payload.as_ref())),
        ),
    }
}

pub(crate) fn invalid(message: impl Into<String>) -> jsonrpc::Error {
    jsonrpc::Error::invalid_params(message.into())
}

/// A request's document, frozen: its workspace's snapshot, the file, and
/// the byte offset of the request's position.
pub(crate) struct At {
    pub snapshot: Snapshot,
    pub file: SourceFile,
    pub offset: usize,
    /// The file's line index, built once for the request's position and
    /// its answer.
    index: LineIndex,
}

impl At {
    /// The lines of the request's document.
    pub fn lines(&self) -> convert::Lines<'_> {
        convert::Lines::with_index(
            self.snapshot.analysis.text(self.file),
            &self.index,
            self.snapshot.unit,
        )
    }
}

impl Backend {
    /// The snapshot for a document. An unknown URI or a position past the
    /// end of the text is an invalid request.
    pub(crate) fn at(&self, uri: &Uri, position: Option<lsp::Position>) -> Result<At> {
        let state = self.shared.lock();
        // The client's own document of a built-in metamodel (no file).
        let doc = if let Some(doc) = state.builtin_document(uri) {
            doc
        } else {
            let path = documents::uri_path(uri)
                .ok_or_else(|| invalid(format!("kozo: `{}` is not a file URI", uri.as_str())))?;
            state.locate(&path).ok_or_else(|| {
                invalid(format!("kozo: no kozo workspace holds `{}`", uri.as_str()))
            })?
        };
        let (workspace, file) = state
            .source(&doc)
            .ok_or_else(|| invalid(format!("kozo: `{}` is not a kozo document", uri.as_str())))?;
        let snapshot = Snapshot::of(&state, &state.workspaces[workspace]);
        drop(state);
        let index = LineIndex::new(snapshot.analysis.text(file));
        let mut at = At {
            snapshot,
            file,
            offset: 0,
            index,
        };
        if let Some(position) = position {
            at.offset = at.lines().offset(position).ok_or_else(|| {
                invalid(format!(
                    "kozo: line {} is past the end of `{}`",
                    position.line,
                    uri.as_str()
                ))
            })?;
        }
        Ok(at)
    }

    /// A snapshot of every workspace.
    pub(crate) fn all_snapshots(&self) -> Vec<Snapshot> {
        let state = self.shared.lock();
        state
            .workspaces
            .iter()
            .filter(|w| w.live)
            .map(|w| Snapshot::of(&state, w))
            .collect()
    }
}

fn negotiate_encoding(capabilities: &lsp::ClientCapabilities) -> ColumnUnit {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => ColumnUnit::Utf8,
        _ => ColumnUnit::Utf16,
    }
}

#[allow(deprecated)] // `root_uri` is the fallback when no folder is given.
fn workspace_folders(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let uris: Vec<&Uri> = match &params.workspace_folders {
        Some(folders) if !folders.is_empty() => folders.iter().map(|f| &f.uri).collect(),
        _ => params.root_uri.iter().collect(),
    };
    uris.into_iter().filter_map(documents::uri_path).collect()
}

fn capabilities(unit: ColumnUnit, completion: CompletionSupport) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(unit)),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_highlight_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![".".into(), ":".into(), ">".into(), ",".into()]),
            // Only answers to a client that resolves lazily leave parts out.
            resolve_provider: completion.resolves().then_some(true),
            ..Default::default()
        }),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: convert::semantic_legend(),
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    ..Default::default()
                },
            ),
        ),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        code_lens_provider: Some(lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let unit = negotiate_encoding(&params.capabilities);
        let completion = CompletionSupport::of(&params.capabilities);
        let folders = workspace_folders(&params);
        let option = |name: &str| {
            params
                .initialization_options
                .as_ref()
                .and_then(|o| o.get(name))
                .and_then(|u| u.as_str())
                .map(str::to_string)
        };
        let rules_url = option("rulesUrl");
        let work_done_progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            == Some(true);
        let builtin_uri = option("builtinUri").and_then(|u| u.parse::<Uri>().ok());
        let archimate_uri = option("archimateUri").and_then(|u| u.parse::<Uri>().ok());
        let shared = self.shared.clone();
        let loaded = snapshot::run(move || {
            let mut problems = Vec::new();
            let support = match support::cache_dir() {
                Some(dir) => support::install(&dir)
                    .map_err(|e| problems.push(format!("support files: {e}")))
                    .ok(),
                None => {
                    problems.push(
                        "support files: no cache folder (neither XDG_CACHE_HOME nor HOME is set)"
                            .to_string(),
                    );
                    None
                }
            };
            let rules_url = rules_url.or_else(|| support.as_ref().and_then(|s| s.rules_template()));
            let mut state = shared.lock();
            state.unit = unit;
            state.completion = completion;
            state.work_done_progress = work_done_progress;
            state.archimate_path = support.as_ref().map(|s| s.archimate.clone());
            state.builtin_path = support.map(|s| s.builtin);
            state.builtin_uri = builtin_uri;
            state.archimate_uri = archimate_uri;
            state.rules_url = rules_url;
            state.initialized = true;
            problems
        })
        .await;
        let problems = snapshot::answer("initialize", loaded)?;
        for problem in problems {
            self.shared.log(problem);
        }
        // The folders are loaded by the disk worker; the answer waits for
        // them (the client sends nothing else before it), the lock does not.
        let (done, loaded) = tokio::sync::oneshot::channel();
        loading::queue(
            &self.shared,
            loading::Job::AddFolders {
                folders,
                done: Some(done),
            },
        );
        let _ = loaded.await;
        Ok(lsp::InitializeResult {
            capabilities: capabilities(unit, completion),
            server_info: Some(lsp::ServerInfo {
                name: "kozo".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        crate::progress::first_check(&self.shared);
        let watchers = ["**/*.kozo", "**/kozo.toml"]
            .into_iter()
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp::Registration {
            id: "kozo-watched-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(err) = self
            .shared
            .client
            .register_capability(vec![registration])
            .await
        {
            self.shared
                .log(format!("the client did not take the file watchers: {err}"));
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let shared = self.shared.clone();
        let _ = guarded("workspace/didChangeWatchedFiles", async move {
            documents::did_change_watched_files(&shared, params);
            Ok(())
        })
        .await;
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let folders = |list: &[lsp::WorkspaceFolder]| -> Vec<PathBuf> {
            list.iter()
                .filter_map(|f| documents::uri_path(&f.uri))
                .collect()
        };
        let removed = folders(&params.event.removed);
        let added = folders(&params.event.added);
        if !removed.is_empty() {
            loading::queue(&self.shared, loading::Job::RemoveFolders(removed));
        }
        if !added.is_empty() {
            loading::queue(
                &self.shared,
                loading::Job::AddFolders {
                    folders: added,
                    done: None,
                },
            );
        }
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        guarded(
            "textDocument/hover",
            requests::navigation::hover(self, params),
        )
        .await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        guarded(
            "textDocument/definition",
            requests::navigation::definition(self, params),
        )
        .await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        guarded(
            "textDocument/references",
            requests::navigation::references(self, params),
        )
        .await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        guarded(
            "textDocument/documentHighlight",
            requests::navigation::highlight(self, params),
        )
        .await
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        guarded(
            "textDocument/documentSymbol",
            requests::outline::document_symbols(self, params),
        )
        .await
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        guarded(
            "workspace/symbol",
            requests::outline::workspace_symbols(self, params),
        )
        .await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        guarded(
            "textDocument/foldingRange",
            requests::outline::folding_ranges(self, params),
        )
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        guarded(
            "textDocument/semanticTokens/full",
            requests::outline::semantic_tokens(self, params),
        )
        .await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        guarded(
            "textDocument/codeLens",
            requests::outline::code_lenses(self, params),
        )
        .await
    }

    // `textDocument/completion` is answered by `Backend::completion`
    // (see `requests::completion::ROUTE`).

    async fn completion_resolve(&self, item: lsp::CompletionItem) -> Result<lsp::CompletionItem> {
        guarded(
            "completionItem/resolve",
            requests::completion::resolve(self, item),
        )
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        guarded(
            "textDocument/prepareRename",
            requests::editing::prepare_rename(self, params),
        )
        .await
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        guarded(
            "textDocument/rename",
            requests::editing::rename(self, params),
        )
        .await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        guarded(
            "textDocument/codeAction",
            requests::editing::code_actions(self, params),
        )
        .await
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        guarded(
            "textDocument/formatting",
            requests::editing::formatting(self, params),
        )
        .await
    }
}

/// The custom requests (registered in `lib.rs`).
impl Backend {
    /// `textDocument/completion`, passed on under
    /// [`requests::completion::ROUTE`] by `crate::Ordered`.
    pub async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<requests::completion::CompletionAnswer>> {
        guarded(
            "textDocument/completion",
            requests::completion::completion(self, params),
        )
        .await
    }

    pub async fn views(
        &self,
        params: requests::preview::ViewsParams,
    ) -> Result<requests::preview::ViewsResult> {
        guarded("kozo/views", requests::preview::views(self, params)).await
    }

    pub async fn render_view(
        &self,
        params: requests::preview::RenderViewParams,
    ) -> Result<requests::preview::RenderViewResult> {
        guarded(
            "kozo/renderView",
            requests::preview::render_view(self, params),
        )
        .await
    }

    /// `kozo/supportText`: the text of a support file (`society5.kozo`,
    /// `rules/<rule>.md`), for clients that show it without a file.
    pub async fn support_text(&self, params: SupportTextParams) -> Result<SupportTextResult> {
        match support::text(&params.path) {
            Some(text) => Ok(SupportTextResult { text }),
            None => Err(invalid(format!(
                "kozo: no support file `{}` (expected `society5.kozo`, `archimate.kozo` or `rules/<rule>.md`)",
                params.path
            ))),
        }
    }

    pub async fn debug_text(
        &self,
        params: requests::preview::DebugTextParams,
    ) -> Result<requests::preview::DebugTextResult> {
        guarded(
            "kozo/debugText",
            requests::preview::debug_text(self, params),
        )
        .await
    }

    pub async fn debug_panic(&self, params: serde_json::Value) -> Result<()> {
        guarded("kozo/debugPanic", async move {
            // Panics on the async side, or on the blocking side when asked to.
            if params.get("blocking").and_then(|b| b.as_bool()) == Some(true) {
                let outcome =
                    snapshot::run(|| -> () { panic!("kozo/debugPanic was asked to panic") }).await;
                return snapshot::answer("kozo/debugPanic", outcome);
            }
            panic!("kozo/debugPanic was asked to panic")
        })
        .await
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SupportTextParams {
    pub path: String,
}

#[derive(Debug, serde::Serialize)]
pub struct SupportTextResult {
    pub text: String,
}
