//! `$/progress` while the server checks the workspaces it loaded at start:
//! on a large workspace the first check takes seconds, and an editor that
//! supports work-done progress (`window.workDoneProgress`) shows it (VS Code
//! as a spinner in the status bar). The server creates the token itself
//! (`window/workDoneProgress/create`), then sends begin, one report per
//! workspace checked, and end.

use std::sync::Arc;

use tower_lsp_server::ls_types::NumberOrString;

use crate::{diagnostics, Shared};

/// The token of the first check.
const TOKEN: &str = "kozo/first-check";

/// Checks every workspace once and publishes its diagnostics, in the
/// background, reporting progress when the client supports it.
pub fn first_check(shared: &Arc<Shared>) {
    let (count, files, supported) = {
        let state = shared.lock();
        let files: usize = state
            .workspaces
            .iter()
            .map(|w| w.analysis.files().count())
            .sum();
        (state.workspaces.len(), files, state.work_done_progress)
    };
    if !supported || count == 0 {
        for workspace in 0..count {
            diagnostics::schedule(shared, workspace);
        }
        return;
    }
    let shared = shared.clone();
    tokio::spawn(async move {
        let token = NumberOrString::String(TOKEN.to_string());
        // A client that refuses the token gets no progress, only the check.
        let progress = match shared.client.create_work_done_progress(token.clone()).await {
            Ok(()) => Some(
                shared
                    .client
                    .progress(token, "kozo")
                    .with_message(format!("checking {files} files"))
                    .with_percentage(0)
                    .begin()
                    .await,
            ),
            Err(_) => None,
        };
        for workspace in 0..count {
            diagnostics::publish(&shared, workspace).await;
            if let Some(progress) = &progress {
                let done = workspace + 1;
                let percentage = (done * 100 / count) as u32;
                progress
                    .report_with_message(
                        format!("checked {done} of {count} workspaces"),
                        percentage,
                    )
                    .await;
            }
        }
        if let Some(progress) = progress {
            progress
                .finish_with_message(format!("checked {files} files"))
                .await;
        }
    });
}
