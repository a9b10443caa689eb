//! Document synchronisation: `didOpen`, `didChange`, `didClose` and
//! `didChangeWatchedFiles`.
//!
//! The first three are applied by [`crate::Ordered`] as each message is read,
//! before any handler future is created or awaited, so edits reach the
//! analysis exactly in the order the client sent them. They never touch the
//! disk: what needs it (loading a new workspace, rereading a closed file,
//! files changed on disk) is queued for the disk worker (`loading`).

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert::Lines;
use crate::state::DocRef;
use crate::{diagnostics, Shared};

/// The file a `file:` URI names, normalised.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(|p| crate::disk::normalize(&p))
}

pub fn did_open(shared: &Arc<Shared>, params: lsp::DidOpenTextDocumentParams) {
    let doc = params.text_document;
    let Some(path) = uri_path(&doc.uri) else {
        // The client's read-only document of the built-in metamodel needs
        // no tracking; anything else without a file is worth a line.
        if shared.lock().builtin_document(&doc.uri).is_none() {
            shared.log(format!(
                "ignoring didOpen of {}: not a file",
                doc.uri.as_str()
            ));
        }
        return;
    };
    let mut state = shared.lock();
    if !state.initialized {
        return;
    }
    let (found, made) = state.locate_or_create(&path);
    let touched = match found {
        Some(DocRef::File { workspace, rel }) => {
            let w = &mut state.workspaces[workspace];
            w.open.insert(
                rel.clone(),
                crate::state::OpenDoc {
                    uri: doc.uri.clone(),
                    version: doc.version,
                },
            );
            // The editor mostly opens a file as it is on disk, which the
            // analysis holds already: nothing to analyse again (on a large
            // workspace opened at start, the first check is running), only
            // the document's findings to publish.
            let held = w
                .analysis
                .file(&rel)
                .is_some_and(|f| !w.analysis.is_not_utf8(f) && w.analysis.text(f) == doc.text);
            if held {
                w.revision += 1;
            } else {
                w.analysis.set_file(&rel, doc.text);
                w.changed();
            }
            Some(workspace)
        }
        // The built-in metamodel's copy is read-only: nothing to track.
        Some(DocRef::Builtin(_)) => None,
        None => {
            shared.log(format!(
                "ignoring didOpen of {}: no workspace for it",
                doc.uri.as_str()
            ));
            None
        }
    };
    drop(state);
    if let Some(made) = made {
        // The rest of its workspace comes from disk, off the message loop.
        crate::loading::queue(shared, crate::loading::Job::Load(made));
    }
    // A workspace made for this document is analysed once loaded (the
    // load schedules it): analysed now, its one file would be published
    // with findings for every name the other files declare.
    if let Some(workspace) = touched.filter(|&w| made != Some(w)) {
        diagnostics::schedule(shared, workspace);
    }
}

pub fn did_change(shared: &Arc<Shared>, params: lsp::DidChangeTextDocumentParams) {
    let doc = params.text_document;
    let Some(path) = uri_path(&doc.uri) else {
        shared.log(format!(
            "ignoring didChange of {}: not a file",
            doc.uri.as_str()
        ));
        return;
    };
    let mut state = shared.lock();
    if !state.initialized {
        return;
    }
    let unit = state.unit;
    let Some(DocRef::File { workspace, rel }) = state.locate(&path) else {
        shared.log(format!(
            "ignoring didChange of {}: not an open kozo document",
            doc.uri.as_str()
        ));
        return;
    };
    let w = &mut state.workspaces[workspace];
    let Some(open) = w.open.get_mut(&rel) else {
        shared.log(format!(
            "ignoring didChange of {}: it is not open",
            doc.uri.as_str()
        ));
        return;
    };
    if doc.version <= open.version {
        shared.log(format!(
            "didChange of {} has version {} after version {}; applied in the order received",
            doc.uri.as_str(),
            doc.version,
            open.version
        ));
    }
    open.version = doc.version;
    let Some(file) = w.analysis.file(&rel) else {
        return;
    };
    let mut text = w.analysis.text(file).to_string();
    for change in params.content_changes {
        apply_change(&mut text, change, unit);
    }
    w.analysis.set_file(&rel, text);
    w.changed();
    drop(state);
    diagnostics::schedule(shared, workspace);
}

/// Applies one content change. A range past the end of the text is
/// clamped to its end rather than refused, so that the document stays as
/// close to the client's as it can.
pub fn apply_change(
    text: &mut String,
    change: lsp::TextDocumentContentChangeEvent,
    unit: kozo_lang::line_index::ColumnUnit,
) {
    let Some(range) = change.range else {
        *text = change.text;
        return;
    };
    let lines = Lines::new(text, unit);
    let start = lines.offset(range.start).unwrap_or(text.len());
    let end = lines.offset(range.end).unwrap_or(text.len());
    let (start, end) = (start.min(end), start.max(end));
    text.replace_range(start..end, &change.text);
}

pub fn did_close(shared: &Arc<Shared>, params: lsp::DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let Some(path) = uri_path(&uri) else {
        return;
    };
    let mut state = shared.lock();
    let Some(DocRef::File { workspace, rel }) = state.locate(&path) else {
        return;
    };
    let w = &mut state.workspaces[workspace];
    if w.open.remove(&rel).is_none() {
        return;
    }
    // The disk has the say again: the saved text, or nothing if it is gone.
    if w.from_disk {
        drop(state);
        crate::loading::queue(
            shared,
            crate::loading::Job::Reread {
                workspace,
                rel,
                path,
            },
        );
        return;
    }
    w.analysis.remove_file(&rel);
    w.changed();
    drop(state);
    diagnostics::schedule(shared, workspace);
}

pub fn did_change_watched_files(shared: &Arc<Shared>, params: lsp::DidChangeWatchedFilesParams) {
    crate::loading::queue(shared, crate::loading::Job::Watched(params.changes));
}

#[cfg(test)]
mod tests {
    use super::*;
    use kozo_lang::line_index::ColumnUnit;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> lsp::TextDocumentContentChangeEvent {
        lsp::TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| lsp::Range {
                start: lsp::Position::new(l1, c1),
                end: lsp::Position::new(l2, c2),
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn changes_count_columns_in_the_negotiated_unit() {
        // `建物` is 2 UTF-16 units and 6 UTF-8 bytes.
        let mut text = "system 建物 x\n".to_string();
        apply_change(
            &mut text,
            change(Some(((0, 10), (0, 11))), "y"),
            ColumnUnit::Utf16,
        );
        assert_eq!(text, "system 建物 y\n");
        apply_change(
            &mut text,
            change(Some(((0, 14), (0, 15))), "z"),
            ColumnUnit::Utf8,
        );
        assert_eq!(text, "system 建物 z\n");
        apply_change(
            &mut text,
            change(Some(((9, 0), (9, 0))), "!"),
            ColumnUnit::Utf16,
        );
        assert_eq!(text, "system 建物 z\n!");
        apply_change(&mut text, change(None, "new"), ColumnUnit::Utf16);
        assert_eq!(text, "new");
    }
}
