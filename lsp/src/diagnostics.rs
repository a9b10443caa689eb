//! Pushing diagnostics: after every change, the workspace's findings are
//! computed on a snapshot and each file whose list changed is published —
//! an empty list for a file that became clean, so editors clear it.
//!
//! A computation overtaken by an edit is cancelled and publishes nothing;
//! publishes are serialised and a revision older than the last published
//! one is dropped, so the client never sees stale findings after fresh ones.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert;
use crate::snapshot::{self, Outcome, Snapshot};
use crate::Shared;

/// One file's findings, ready to publish: every file with findings, and
/// every open document.
struct FileDiagnostics {
    rel: String,
    uri: Uri,
    version: Option<i32>,
    diagnostics: Vec<lsp::Diagnostic>,
}

/// Computes and publishes the diagnostics of a workspace, in the background.
pub fn schedule(shared: &Arc<Shared>, workspace: usize) {
    let shared = shared.clone();
    tokio::spawn(async move { publish(&shared, workspace).await });
}

async fn publish(shared: &Arc<Shared>, workspace: usize) {
    let (snapshot, revision, versions) = {
        let state = shared.lock();
        let Some(w) = state.workspaces.get(workspace) else {
            return;
        };
        let versions: HashMap<String, i32> = w
            .open
            .iter()
            .map(|(rel, doc)| (rel.clone(), doc.version))
            .collect();
        (Snapshot::of(&state, w), w.revision, versions)
    };
    let outcome = snapshot::run(move || compute(snapshot, versions)).await;
    let computed = match outcome {
        Outcome::Done(files) => files,
        Outcome::Cancelled => return,
        Outcome::Panicked(message) => {
            eprintln!("kozo lsp: computing diagnostics panicked: {message}");
            return;
        }
    };

    // One publisher at a time, so that a newer revision's lists are never
    // overwritten by an older one's.
    let _publishing = shared.publishing.lock().await;
    let to_send = {
        let mut state = shared.lock();
        let Some(w) = state.workspaces.get_mut(workspace) else {
            return;
        };
        if revision < w.published_revision {
            return;
        }
        w.published_revision = revision;
        let mut to_send = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for file in computed {
            seen.insert(file.rel.clone());
            let changed = match w.published.get(&file.rel) {
                Some(previous) => *previous != file.diagnostics,
                // Open documents get a first (maybe empty) list.
                None => true,
            };
            if !changed {
                continue;
            }
            w.published
                .insert(file.rel.clone(), file.diagnostics.clone());
            to_send.push(lsp::PublishDiagnosticsParams::new(
                file.uri,
                file.diagnostics,
                file.version,
            ));
        }
        // Files published before and clean now (or gone, or closed): cleared.
        let cleared: Vec<String> = w
            .published
            .keys()
            .filter(|rel| !seen.contains(*rel))
            .cloned()
            .collect();
        for rel in cleared {
            let was_empty = w.published.remove(&rel).is_some_and(|list| list.is_empty());
            if was_empty {
                continue;
            }
            if let Some(uri) = w.uri_of(&rel) {
                to_send.push(lsp::PublishDiagnosticsParams::new(uri, Vec::new(), None));
            }
        }
        to_send
    };
    for params in to_send {
        shared
            .client
            .publish_diagnostics(params.uri, params.diagnostics, params.version)
            .await;
    }
}

/// The findings of every file that has some, and of every open document,
/// converted; runs on a snapshot and consumes it. Clean files that are not
/// open cost nothing here.
fn compute(snapshot: Snapshot, versions: HashMap<String, i32>) -> Vec<FileDiagnostics> {
    let analysis = &snapshot.analysis;
    let mut by_file: HashMap<kozo_engine::db::SourceFile, Vec<&kozo_engine::Diagnostic>> =
        HashMap::new();
    for d in analysis.diagnostics() {
        by_file.entry(d.file).or_default().push(d);
    }
    for rel in versions.keys() {
        if let Some(file) = analysis.file(rel) {
            by_file.entry(file).or_default();
        }
    }
    let mut out = Vec::new();
    let mut places = convert::RelatedPlaces::new(&snapshot, &snapshot.analysis);
    for (file, list) in by_file {
        if file == analysis.builtin() {
            continue;
        }
        let rel = analysis.path(file).to_string();
        let Some(uri) = snapshot.uri(file) else {
            continue;
        };
        let lines = snapshot.lines(file);
        let rules_url = snapshot.rules_url.as_deref();
        let diagnostics = list
            .iter()
            .map(|d| convert::diagnostic(d, &lines, &mut places, rules_url))
            .collect();
        out.push(FileDiagnostics {
            version: versions.get(&rel).copied(),
            rel,
            uri,
            diagnostics,
        });
    }
    out
}
