//! Answering from a snapshot: a clone of a workspace's `Analysis`, taken
//! under the state lock and used on a blocking thread without it.
//!
//! A write to the original (an edit) cancels every clone at its next query:
//! salsa unwinds with `Cancelled`, which is normal control flow here — a
//! request answers ContentModified, a diagnostics publish is skipped. A
//! panic is caught, logged and answered with an internal error.
//!
//! Invariant: a snapshot is dropped before the state lock is taken again,
//! since a writer holding the lock waits for every clone to go.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;

use kozo_engine::db::SourceFile;
use kozo_engine::Analysis;
use kozo_lang::line_index::ColumnUnit;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::Uri;

use crate::convert::{Lines, UriOf};
use crate::state::{State, Workspace};

/// One workspace, frozen.
pub struct Snapshot {
    pub analysis: Analysis,
    pub unit: ColumnUnit,
    pub root: PathBuf,
    /// Open documents: path relative to the root → URI.
    pub open: HashMap<String, Uri>,
    pub builtin_uri: Option<Uri>,
    /// The `file:` URI of the ArchiMate metamodel's read-only copy.
    pub archimate_uri: Option<Uri>,
    pub rules_url: Option<String>,
    /// What the client takes in completion answers.
    pub completion: crate::requests::completion::CompletionSupport,
    /// Counts this snapshot among the workspace's readers.
    _reader: std::sync::Arc<()>,
}

impl Snapshot {
    pub fn of(state: &State, workspace: &Workspace) -> Snapshot {
        Snapshot {
            analysis: workspace.analysis.clone(),
            unit: state.unit,
            root: workspace.root.clone(),
            open: workspace
                .open
                .iter()
                .map(|(rel, doc)| (rel.clone(), doc.uri.clone()))
                .collect(),
            builtin_uri: state.builtin_uri(),
            archimate_uri: state.archimate_uri(),
            rules_url: state.rules_url.clone(),
            completion: state.completion,
            _reader: workspace.readers.clone(),
        }
    }

    pub fn lines(&self, file: SourceFile) -> Lines<'_> {
        Lines::new(self.analysis.text(file), self.unit)
    }

    pub fn uri(&self, file: SourceFile) -> Option<Uri> {
        if file == self.analysis.builtin() {
            return self.builtin_uri.clone();
        }
        if file == self.analysis.archimate() {
            return self.archimate_uri.clone();
        }
        let rel = self.analysis.path(file);
        match self.open.get(rel) {
            Some(uri) => Some(uri.clone()),
            None => Uri::from_file_path(self.root.join(rel)),
        }
    }
}

impl UriOf for Snapshot {
    fn uri_of(&self, file: SourceFile) -> Option<Uri> {
        self.uri(file)
    }

    fn lines_of(&self, file: SourceFile) -> Option<Lines<'_>> {
        Some(self.lines(file))
    }
}

/// How a computation on a snapshot ended.
pub enum Outcome<T> {
    Done(T),
    /// An edit came in meanwhile: the answer would be stale.
    Cancelled,
    /// It panicked; the message.
    Panicked(String),
}

/// Runs `f` on a blocking thread, catching salsa cancellation and panics.
/// `f` owns what it reads (the snapshot), and drops it before returning.
pub async fn run<T, F>(f: F) -> Outcome<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let joined = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(AssertUnwindSafe(|| {
            salsa::Cancelled::catch(AssertUnwindSafe(f))
        }))
    })
    .await;
    match joined {
        Ok(Ok(Ok(value))) => Outcome::Done(value),
        Ok(Ok(Err(_cancelled))) => Outcome::Cancelled,
        Ok(Err(payload)) => Outcome::Panicked(panic_message(payload.as_ref())),
        Err(join) => Outcome::Panicked(join.to_string()),
    }
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// The answer to a request from an outcome.
pub fn answer<T>(method: &str, outcome: Outcome<T>) -> jsonrpc::Result<T> {
    match outcome {
        Outcome::Done(value) => Ok(value),
        Outcome::Cancelled => Err(jsonrpc::Error::content_modified()),
        Outcome::Panicked(message) => {
            eprintln!("kozo lsp: `{method}` panicked: {message}");
            Err(jsonrpc::Error {
                code: jsonrpc::ErrorCode::InternalError,
                message: format!("kozo: `{method}` failed: {message}").into(),
                data: None,
            })
        }
    }
}
