//! Disk work, off the message loop: loading workspaces (a folder given at
//! `initialize` or added later, or the root of a document opened outside
//! every known workspace), rereading a closed document, files changed on
//! disk, and dropping removed folders.
//!
//! The message loop only queues a [`Job`]; one worker runs the jobs in the
//! order they were queued, so the disk's say about a file follows the
//! client's messages in order. Reading happens on a blocking thread with no
//! lock held and no snapshot taken; the result is then applied under the
//! state lock, where open documents win over the disk (a document opened
//! while its workspace was loading keeps the editor's text).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::ls_types::{self as lsp};

use crate::state::DocRef;
use crate::{diagnostics, documents, snapshot, Shared};

/// One piece of disk work.
pub enum Job {
    /// Load the workspaces of these folders (each root found in them);
    /// `done` is told when they are loaded.
    AddFolders {
        folders: Vec<PathBuf>,
        done: Option<oneshot::Sender<()>>,
    },
    /// Forget the workspaces of these folders.
    RemoveFolders(Vec<PathBuf>),
    /// Load a workspace made empty for a document opened in it.
    Load(usize),
    /// A document was closed: the disk has the say again.
    Reread {
        workspace: usize,
        rel: String,
        path: PathBuf,
    },
    /// `workspace/didChangeWatchedFiles`.
    Watched(Vec<lsp::FileEvent>),
}

/// Queues a job (it is dropped only when the server is ending).
pub fn queue(shared: &Shared, job: Job) {
    let _ = shared.disk.send(job);
}

/// Runs the jobs, one at a time, in order.
pub async fn work(shared: Arc<Shared>, mut jobs: mpsc::UnboundedReceiver<Job>) {
    while let Some(job) = jobs.recv().await {
        use futures::FutureExt as _;
        let run = std::panic::AssertUnwindSafe(run(&shared, job)).catch_unwind();
        if let Err(payload) = run.await {
            shared.log(format!(
                "disk work panicked: {}",
                snapshot::panic_message(payload.as_ref())
            ));
        }
    }
}

/// Runs `f` on a blocking thread; `None` if it panicked.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(f).await.ok()
}

async fn run(shared: &Arc<Shared>, job: Job) {
    match job {
        Job::AddFolders { folders, done } => {
            let found = blocking(move || {
                folders
                    .into_iter()
                    .map(|folder| {
                        let folder = crate::disk::normalize(&folder);
                        let roots = kozo_loader::discover(&folder);
                        (folder, roots)
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default();
            let made = {
                let mut state = shared.lock();
                let mut made = Vec::new();
                for (folder, roots) in found {
                    state.add_folder(&folder);
                    made.extend(state.adopt_roots(roots));
                }
                made
            };
            for workspace in made {
                load(shared, workspace).await;
            }
            if let Some(done) = done {
                let _ = done.send(());
            }
        }
        Job::RemoveFolders(folders) => {
            let retired: Vec<_> = {
                let mut state = shared.lock();
                folders
                    .iter()
                    .flat_map(|folder| state.remove_folder(&crate::disk::normalize(folder)))
                    .collect()
            };
            // Their findings go from the editor too.
            let _publishing = shared.publishing.lock().await;
            for (_, uris) in retired {
                for uri in uris {
                    shared
                        .client
                        .publish_diagnostics(uri, Vec::new(), None)
                        .await;
                }
            }
        }
        Job::Load(workspace) => load(shared, workspace).await,
        Job::Reread {
            workspace,
            rel,
            path,
        } => {
            let Some((root, limit)) = disk_of(shared, workspace) else {
                return;
            };
            let read = blocking(move || kozo_loader::read_regular_file(&root, &path, limit)).await;
            apply_file(shared, workspace, &rel, read);
        }
        Job::Watched(events) => {
            for event in events {
                watched(shared, event).await;
            }
        }
    }
}

/// The root and file size limit of a live workspace read from disk.
fn disk_of(shared: &Shared, workspace: usize) -> Option<(PathBuf, u64)> {
    let state = shared.lock();
    let w = state.workspaces.get(workspace)?;
    (w.live && w.from_disk).then(|| (w.root.clone(), w.analysis.config().limits.max_file_bytes))
}

/// Reads a workspace from disk and takes it in.
async fn load(shared: &Arc<Shared>, workspace: usize) {
    let Some((root, _)) = disk_of(shared, workspace) else {
        return;
    };
    let Some(read) = blocking(move || kozo_loader::read(&root, &|_| true)).await else {
        // Its open documents are still analysed.
        diagnostics::schedule(shared, workspace);
        return;
    };
    let (problems, warm) = {
        let mut state = shared.lock();
        let Some(w) = state.workspaces.get_mut(workspace).filter(|w| w.live) else {
            return;
        };
        (w.apply_read(read), (w.readers.clone(), w.analysis.clone()))
    };
    for problem in problems {
        shared.log(problem);
    }
    // Parse every file on every core; an edit meanwhile cancels this. The
    // copy counts as a reader until it is dropped (`reader` is declared
    // first so that, unwinding too, it is dropped last).
    let _ = snapshot::run(move || {
        let (reader, warm) = warm;
        warm.parse_all_in_parallel();
        drop(warm);
        drop(reader);
    })
    .await;
    diagnostics::schedule(shared, workspace);
}

/// Takes one file's bytes read from disk, unless the document is open
/// (the editor's text wins) or the file is gone (then it is removed).
fn apply_file(
    shared: &Arc<Shared>,
    workspace: usize,
    rel: &str,
    read: Option<Result<Vec<u8>, String>>,
) {
    let mut problem = None;
    let changed = {
        let mut state = shared.lock();
        let Some(w) = state.workspaces.get_mut(workspace).filter(|w| w.live) else {
            return;
        };
        if w.open.contains_key(rel) {
            return;
        }
        let changed = match read {
            Some(Ok(bytes)) => {
                w.analysis.set_file_bytes(rel, bytes);
                true
            }
            Some(Err(message)) => {
                if w.root.join(rel).exists() {
                    problem = Some(format!(
                        "cannot read `{}`: {message}",
                        w.root.join(rel).display()
                    ));
                }
                w.analysis.remove_file(rel)
            }
            None => false,
        };
        if changed {
            w.changed();
        }
        changed
    };
    if let Some(problem) = problem {
        shared.log(problem);
    }
    if changed {
        diagnostics::schedule(shared, workspace);
    }
}

async fn watched(shared: &Arc<Shared>, event: lsp::FileEvent) {
    let Some(path) = documents::uri_path(&event.uri) else {
        return;
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    if name.as_deref() == Some(kozo_engine::config::CONFIG_FILE) {
        let Some(dir) = path.parent().map(Path::to_path_buf) else {
            return;
        };
        config_changed(shared, dir).await;
        return;
    }
    if !name.is_some_and(|n| n.ends_with(".kozo")) {
        return;
    }
    let probe = path.clone();
    let exists = blocking(move || probe.is_file()).await.unwrap_or(false);
    let (found, made) = {
        let mut state = shared.lock();
        if exists {
            state.locate_or_create(&path)
        } else {
            (state.locate(&path), None)
        }
    };
    if let Some(made) = made {
        // A new workspace: loading it reads this file too.
        load(shared, made).await;
        return;
    }
    let Some(DocRef::File { workspace, rel }) = found else {
        return;
    };
    let Some((root, limit)) = disk_of(shared, workspace) else {
        return;
    };
    let read = blocking(move || kozo_loader::read_regular_file(&root, &path, limit)).await;
    apply_file(shared, workspace, &rel, read);
}

async fn config_changed(shared: &Arc<Shared>, dir: PathBuf) {
    let index = {
        let state = shared.lock();
        state
            .workspaces
            .iter()
            .position(|w| w.live && w.root == dir)
    };
    let Some(index) = index else {
        shared.log(format!(
            "{} appeared: reopen the folder to check it as its own workspace",
            dir.join(kozo_engine::config::CONFIG_FILE).display()
        ));
        return;
    };
    let read = blocking(move || kozo_loader::read_config(&dir)).await;
    let config = match read {
        Some(Ok(config)) => config,
        Some(Err(error)) => {
            shared.log(format!("{error} (keeping the previous configuration)"));
            return;
        }
        None => return,
    };
    {
        let mut state = shared.lock();
        let w = &mut state.workspaces[index];
        if !w.live {
            return;
        }
        w.analysis.set_config(config);
        w.changed();
    }
    diagnostics::schedule(shared, index);
}
