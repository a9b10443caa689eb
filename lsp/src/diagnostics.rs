//! Pushing diagnostics: after every change, the workspace's findings are
//! computed on a snapshot and each file whose list changed is published —
//! an empty list for a file that became clean, so editors clear it.
//!
//! Changes are coalesced, by at most one task per workspace: a change
//! that finds the workspace idle is analysed at once; changes that come
//! while an analysis runs are analysed together once the revision has
//! stood still for [`QUIET`], so a burst of edits costs one analysis after
//! the first, not one per edit (nor a thread and a snapshot each). A
//! computation overtaken by an edit is cancelled and publishes nothing,
//! and the task goes round again; publishes are serialised and a revision
//! older than the last published one is dropped, so the client never sees
//! stale findings after fresh ones.
//!
//! Once a workspace is quiet, what its last revision replaced is freed
//! (see [`free_replaced`]).
//!
//! Each file's findings are converted to the protocol's form once per
//! change of what the conversion reads ([`Cache`]): the engine hands them
//! over file by file, a list an edit left alone is the same shared list,
//! and a file whose list, text and named places are those of the list it
//! last published is neither converted nor compared again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tower_lsp_server::ls_types::{self as lsp, Uri};

use kozo_engine::db::SourceFile;

use crate::convert;
use crate::snapshot::{self, Outcome, Snapshot};
use crate::Shared;

/// One file's findings, ready to publish: every file with findings, and
/// every open document.
struct FileDiagnostics {
    rel: String,
    uri: Uri,
    version: Option<i32>,
    /// `None` when the list is the one last published for the cache's
    /// entry `entry` (which [`publish`] checks against `published`).
    diagnostics: Option<Vec<lsp::Diagnostic>>,
    /// The cache's entry for the list, if it went through the cache.
    entry: Option<u64>,
}

/// A list's copy in the workspace's `published`, by its address and length.
type Copied = (usize, usize);

/// What was converted, per workspace (by index) and file (by path). An
/// entry holds (and so keeps at their addresses) everything its conversion
/// read: the engine's list, the file's syntax tree (one tree per text), and
/// those of the files its related places and message places name, with
/// their URIs. A list whose inputs are the same objects again converts to
/// the same. The converted list itself is kept once, in `published`: the
/// entry notes where its copy there is, and [`publish`], the only code
/// that changes `published` besides retiring a workspace (which replaces
/// its analysis, so that no entry matches again), keeps that note true.
#[derive(Default)]
pub(crate) struct Cache(std::sync::Mutex<HashMap<usize, HashMap<String, Converted>>>);

type Entries = HashMap<usize, HashMap<String, Converted>>;

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Every update is one insertion, removal or assignment: a panic
        // leaves it whole.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[derive(Clone)]
struct Converted {
    /// Tells entries apart (a new one for each conversion).
    id: u64,
    file: SourceFile,
    findings: Arc<[kozo_engine::Diagnostic]>,
    tree: Arc<kozo_lang::Parse>,
    /// The files the findings name besides their own, each with its tree
    /// and URI when converted.
    named: Vec<(SourceFile, Arc<kozo_lang::Parse>, Option<Uri>)>,
    unit: kozo_lang::line_index::ColumnUnit,
    rules_url: Option<String>,
    /// Where `published` holds the list converted, when it does.
    published_as: Option<Copied>,
}

impl Converted {
    /// True when converting `findings` of `file` on `snapshot` gives what
    /// this entry's conversion gave.
    fn holds(
        &self,
        snapshot: &Snapshot,
        file: SourceFile,
        findings: &Arc<[kozo_engine::Diagnostic]>,
    ) -> bool {
        let db = snapshot.analysis.db();
        self.file == file
            && Arc::ptr_eq(&self.findings, findings)
            && Arc::ptr_eq(&self.tree, kozo_engine::db::parse(db, file))
            && self.unit == snapshot.unit
            && self.rules_url == snapshot.rules_url
            && self.named.iter().all(|(named, tree, uri)| {
                Arc::ptr_eq(tree, kozo_engine::db::parse(db, *named))
                    && *uri == snapshot.uri(*named)
            })
    }
}

/// Notes in the cache what `published` now holds for `rel`: `copy` of the
/// list converted for entry `id`, or (`None`) something else.
fn note_published(
    entries: &mut Entries,
    workspace: usize,
    rel: &str,
    id: Option<u64>,
    copy: Option<Copied>,
) {
    if let Some(entry) = entries
        .get_mut(&workspace)
        .and_then(|files| files.get_mut(rel))
    {
        entry.published_as = if Some(entry.id) == id { copy } else { None };
    }
}

/// How long a workspace's revision must stand still, during a burst of
/// changes, before it is analysed again.
pub const QUIET: std::time::Duration = std::time::Duration::from_millis(15);

/// Computes and publishes the diagnostics of a workspace, in the
/// background: at once when no analysis of it is pending, else once its
/// changes pause. Must not be called with the state lock held.
pub fn schedule(shared: &Arc<Shared>, workspace: usize) {
    let newly_due = shared
        .due
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(workspace);
    if newly_due {
        let shared = shared.clone();
        tokio::spawn(async move { run_due(&shared, workspace).await });
    }
}

fn revision_of(shared: &Shared, workspace: usize) -> Option<u64> {
    shared.lock().workspaces.get(workspace).map(|w| w.revision)
}

/// The one task analysing a workspace: publishes (at once: the workspace
/// was idle), and goes round again, after a quiet period, while the
/// workspace changed meanwhile.
async fn run_due(shared: &Arc<Shared>, workspace: usize) {
    coalesce(
        || revision_of(shared, workspace),
        || publish(shared, workspace),
        |published| {
            // Leave the set under its lock, so that a change arriving now
            // either is seen here or starts a new task.
            let mut due = shared
                .due
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let now = revision_of(shared, workspace);
            if now.is_none() {
                due.remove(&workspace);
                return true;
            }
            let Some(revision) = published.filter(|&p| now == Some(p)) else {
                return false;
            };
            due.remove(&workspace);
            drop(due);
            let shared = shared.clone();
            tokio::spawn(async move { free_replaced(&shared, workspace, revision).await });
            true
        },
    )
    .await;
}

/// When a workspace's analyses run: the first at once, since a change that
/// finds no analysis pending or running is worth answering without delay;
/// after it, while changes keep coming (the revision moved during the
/// analysis, which they cancelled or made stale), each next one only once
/// the revision has stood still for [`QUIET`], so that a burst costs one
/// analysis. `analyse` returns the revision it analysed (`None` when it
/// was cancelled); `settled` is told it and says whether the task ends.
async fn coalesce<R, A, F, S>(revision: R, mut analyse: A, mut settled: S)
where
    R: Fn() -> Option<u64>,
    A: FnMut() -> F,
    F: std::future::Future<Output = Option<u64>>,
    S: FnMut(Option<u64>) -> bool,
{
    let mut idle = true;
    loop {
        if !idle {
            let mut seen = revision();
            loop {
                tokio::time::sleep(QUIET).await;
                let now = revision();
                if now == seen {
                    break;
                }
                seen = now;
            }
        }
        idle = false;
        let analysed = analyse().await;
        if settled(analysed) {
            return;
        }
    }
}

/// How long a workspace stays unchanged after its last analysis before
/// the memory its replaced results held is given back to the system.
pub const REST: std::time::Duration = std::time::Duration::from_secs(2);

/// How many times freeing waits a quiet period for the readers of a
/// workspace to finish before it gives up until the next revision.
const FREE_TRIES: u32 = 40;

/// Frees what a quiet workspace's last revision replaced (the previous
/// model, above all) and, once it has rested for [`REST`], gives the
/// memory back to the system, so that a workspace at rest holds one model,
/// not two: salsa would keep the replaced one until the next edit.
///
/// Freeing cancels every reader of the analysis, as an edit does, so it
/// waits (a quiet period at a time, a bounded number of times) until no
/// request is being answered; it gives up as soon as the workspace changes
/// (the next revision frees the same results anyway).
async fn free_replaced(shared: &Arc<Shared>, workspace: usize, revision: u64) {
    for _ in 0..FREE_TRIES {
        let freed = {
            let mut state = shared.lock();
            let Some(w) = state.workspaces.get_mut(workspace) else {
                return;
            };
            if w.revision != revision || w.freed_revision >= revision {
                return;
            }
            if w.unread() {
                w.analysis.free_replaced();
                w.freed_revision = revision;
                true
            } else {
                false
            }
        };
        if freed {
            // The model goes on a background thread: wait for it (not
            // holding the lock). Its pages are given back to the system
            // only once the workspace has rested a while: the next model
            // would take them again, and faulting a whole model's pages
            // back in cost a quarter more CPU per edit (100k elements)
            // while edits kept coming.
            let _ = tokio::task::spawn_blocking(kozo_engine::Analysis::wait_until_freed).await;
            tokio::time::sleep(REST).await;
            if revision_of(shared, workspace) == Some(revision) {
                let _ = tokio::task::spawn_blocking(crate::return_free_memory).await;
            }
            return;
        }
        tokio::time::sleep(QUIET).await;
    }
}

/// Publishes the diagnostics of a workspace's current revision; returns
/// the revision they are the findings of (a later one than the snapshot's
/// when only documents were opened meanwhile), or `None` when an edit
/// cancelled the computation (or another publish of the workspace came
/// between it and this one, so that a list it took as published was not:
/// the workspace is then analysed again).
pub async fn publish(shared: &Arc<Shared>, workspace: usize) -> Option<u64> {
    let (snapshot, revision, versions) = {
        let state = shared.lock();
        let w = state.workspaces.get(workspace)?;
        if !w.live {
            return Some(w.revision);
        }
        let versions: HashMap<String, i32> = w
            .open
            .iter()
            .map(|(rel, doc)| (rel.clone(), doc.version))
            .collect();
        (Snapshot::of(&state, w), w.revision, versions)
    };
    let computing = shared.clone();
    let outcome =
        snapshot::run(move || compute(snapshot, versions, &computing.converted, workspace)).await;
    let computed = match outcome {
        Outcome::Done(files) => files,
        Outcome::Cancelled => return None,
        Outcome::Panicked(message) => {
            // Not retried: the same revision would panic again.
            eprintln!("kozo lsp: computing diagnostics panicked: {message}");
            return Some(revision);
        }
    };

    // One publisher at a time, so that a newer revision's lists are never
    // overwritten by an older one's.
    let _publishing = shared.publishing.lock().await;
    // A list taken as published that another publish replaced meanwhile:
    // the revision is analysed again.
    let mut again = false;
    let (to_send, covered) = {
        let mut state = shared.lock();
        let w = state.workspaces.get_mut(workspace)?;
        if revision < w.published_revision || !w.live {
            return Some(revision);
        }
        // When nothing the analysis reads changed since the snapshot (only
        // documents were opened meanwhile), these are the findings of the
        // current revision: published for it, to the documents open now.
        let current = w.inputs_revision <= revision;
        let covered = if current { w.revision } else { revision };
        w.published_revision = covered;
        let mut to_send = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for mut file in computed {
            seen.insert(file.rel.clone());
            if let Some(doc) = w.open.get(&file.rel).filter(|_| current) {
                file.uri = doc.uri.clone();
                file.version = Some(doc.version);
            }
            let Some(diagnostics) = file.diagnostics.take() else {
                // The list last published for the cache's entry: still
                // what `published` holds, unless another publish of this
                // workspace came between (then it is converted anew).
                let held = w
                    .published
                    .get(&file.rel)
                    .filter(|list| !list.is_empty())
                    .map(|list| (list.as_ptr() as usize, list.len()));
                let mut cache = shared.converted.lock();
                let noted = cache
                    .get(&workspace)
                    .and_then(|files| files.get(&file.rel))
                    .filter(|entry| Some(entry.id) == file.entry)
                    .and_then(|entry| entry.published_as);
                if held.is_none() || held != noted {
                    if let Some(files) = cache.get_mut(&workspace) {
                        files.remove(&file.rel);
                    }
                    again = true;
                }
                continue;
            };
            let changed = match w.published.get(&file.rel) {
                Some(previous) => *previous != diagnostics,
                // Open documents get a first (maybe empty) list.
                None => true,
            };
            if !changed {
                let held = w
                    .published
                    .get(&file.rel)
                    .filter(|list| !list.is_empty())
                    .map(|list| (list.as_ptr() as usize, list.len()));
                note_published(
                    &mut shared.converted.lock(),
                    workspace,
                    &file.rel,
                    file.entry,
                    held,
                );
                continue;
            }
            let copy = diagnostics.clone();
            let at = (!copy.is_empty()).then_some((copy.as_ptr() as usize, copy.len()));
            note_published(
                &mut shared.converted.lock(),
                workspace,
                &file.rel,
                file.entry,
                at,
            );
            w.published.insert(file.rel.clone(), copy);
            to_send.push(lsp::PublishDiagnosticsParams::new(
                file.uri,
                diagnostics,
                file.version,
            ));
        }
        if current {
            // Documents opened since the snapshot, clean: a first, empty list.
            for (rel, doc) in &w.open {
                if seen.contains(rel) {
                    continue;
                }
                match w.published.get(rel) {
                    // Clean before, clean now.
                    Some(list) if list.is_empty() => {
                        seen.insert(rel.clone());
                    }
                    // Its findings are gone: cleared below.
                    Some(_) => {}
                    None => {
                        seen.insert(rel.clone());
                        note_published(&mut shared.converted.lock(), workspace, rel, None, None);
                        w.published.insert(rel.clone(), Vec::new());
                        to_send.push(lsp::PublishDiagnosticsParams::new(
                            doc.uri.clone(),
                            Vec::new(),
                            Some(doc.version),
                        ));
                    }
                }
            }
        }
        // Files published before and clean now (or gone, or closed): cleared.
        let cleared: Vec<String> = w
            .published
            .keys()
            .filter(|rel| !seen.contains(*rel))
            .cloned()
            .collect();
        for rel in cleared {
            note_published(&mut shared.converted.lock(), workspace, &rel, None, None);
            let was_empty = w.published.remove(&rel).is_some_and(|list| list.is_empty());
            if was_empty {
                continue;
            }
            if let Some(uri) = w.uri_of(&rel) {
                to_send.push(lsp::PublishDiagnosticsParams::new(uri, Vec::new(), None));
            }
        }
        (to_send, covered)
    };
    for params in to_send {
        shared
            .client
            .publish_diagnostics(params.uri, params.diagnostics, params.version)
            .await;
    }
    if again {
        // The task analysing the workspace goes round again on `None`; a
        // publish from elsewhere has one started.
        schedule(shared, workspace);
        return None;
    }
    Some(covered)
}

/// The findings of every file that has some, and of every open document,
/// converted; runs on a snapshot and consumes it. Clean files that are not
/// open cost nothing here, nor do files whose findings, text and named
/// places are those of the list last published for them (see [`Cache`]).
fn compute(
    snapshot: Snapshot,
    versions: HashMap<String, i32>,
    cache: &Cache,
    workspace: usize,
) -> Vec<FileDiagnostics> {
    static IDS: AtomicU64 = AtomicU64::new(0);
    let analysis = &snapshot.analysis;
    // An edit that changed the declared names has every file's part to
    // make again: on every core.
    analysis.build_parts_in_parallel();
    let by_file = kozo_engine::db::findings_by_file(analysis.db(), analysis.workspace());
    // The entries as they are now; those made here go in at the end.
    let known: HashMap<String, Converted> =
        cache.lock().get(&workspace).cloned().unwrap_or_default();
    let mut made: Vec<(String, Converted)> = Vec::new();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut places = convert::RelatedPlaces::new(&snapshot, &snapshot.analysis);
    let rules_url = snapshot.rules_url.as_deref();
    for (file, findings) in by_file.files() {
        if file == analysis.builtin() || file == analysis.archimate() {
            continue;
        }
        let Some(uri) = snapshot.uri(file) else {
            continue;
        };
        seen.insert(file);
        let rel = analysis.path(file).to_string();
        let entry = known
            .get(&rel)
            .filter(|entry| entry.holds(&snapshot, file, findings));
        let (diagnostics, entry) = match entry {
            Some(entry) if entry.published_as.is_some() => (None, entry.id),
            _ => {
                // Converting many findings takes a while: stop here when
                // an edit is waiting for this snapshot to go.
                salsa::Database::unwind_if_revision_cancelled(analysis.db());
                let lines = snapshot.lines(file);
                let diagnostics = findings
                    .iter()
                    .map(|d| convert::diagnostic(d, &lines, &mut places, rules_url))
                    .collect();
                let id = match entry {
                    Some(entry) => entry.id,
                    None => {
                        let id = IDS.fetch_add(1, Ordering::Relaxed);
                        made.push((rel.clone(), new_entry(&snapshot, id, file, findings)));
                        id
                    }
                };
                (Some(diagnostics), id)
            }
        };
        out.push(FileDiagnostics {
            version: versions.get(&rel).copied(),
            rel,
            uri,
            diagnostics,
            entry: Some(entry),
        });
    }
    {
        let mut cache = cache.lock();
        let entries = cache.entry(workspace).or_default();
        // Files without findings now have no entry.
        entries.retain(|_, entry| seen.contains(&entry.file));
        for (rel, entry) in made {
            entries.insert(rel, entry);
        }
    }
    // Open documents without findings: a first (maybe empty) list.
    for (rel, &version) in &versions {
        let Some(file) = analysis.file(rel) else {
            continue;
        };
        if seen.contains(&file) || file == analysis.builtin() || file == analysis.archimate() {
            continue;
        }
        let Some(uri) = snapshot.uri(file) else {
            continue;
        };
        out.push(FileDiagnostics {
            rel: rel.clone(),
            uri,
            version: Some(version),
            diagnostics: Some(Vec::new()),
            entry: None,
        });
    }
    out
}

/// The cache's entry `id` for `findings` of `file`, as converted now.
fn new_entry(
    snapshot: &Snapshot,
    id: u64,
    file: SourceFile,
    findings: &Arc<[kozo_engine::Diagnostic]>,
) -> Converted {
    let db = snapshot.analysis.db();
    let mut seen = std::collections::HashSet::new();
    let named: Vec<SourceFile> = findings
        .iter()
        .flat_map(|d| {
            d.related
                .iter()
                .map(|r| r.file)
                .chain(d.place.as_ref().map(|p| p.file))
        })
        .filter(|&named| named != file && seen.insert(named))
        .collect();
    Converted {
        id,
        file,
        findings: findings.clone(),
        tree: kozo_engine::db::parse(db, file).clone(),
        named: named
            .into_iter()
            .map(|named| {
                (
                    named,
                    kozo_engine::db::parse(db, named).clone(),
                    snapshot.uri(named),
                )
            })
            .collect(),
        unit: snapshot.unit,
        rules_url: snapshot.rules_url.clone(),
        published_as: None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::time::{sleep, Instant};

    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    // The clock is paused: it moves only when every task waits on a timer,
    // so the times below are exact, whatever the machine's load.

    #[tokio::test(start_paused = true)]
    async fn a_change_to_an_idle_workspace_is_analysed_at_once() {
        let started = Instant::now();
        let mut runs = Vec::new();
        coalesce(
            || Some(1),
            || {
                runs.push(started.elapsed());
                async { Some(1) }
            },
            |analysed| analysed == Some(1),
        )
        .await;
        assert_eq!(runs, [Duration::ZERO]);
    }

    #[tokio::test(start_paused = true)]
    async fn changes_during_an_analysis_are_analysed_together_once_quiet() {
        let revision = Arc::new(AtomicU64::new(1));
        let started = Instant::now();
        // Ten changes 5 ms apart (closer than the quiet period), the first
        // while the first analysis runs.
        let changes = {
            let revision = revision.clone();
            tokio::spawn(async move {
                sleep(ms(1)).await;
                for _ in 0..10 {
                    revision.fetch_add(1, Ordering::SeqCst);
                    sleep(ms(5)).await;
                }
            })
        };
        let mut runs = Vec::new();
        coalesce(
            || Some(revision.load(Ordering::SeqCst)),
            || {
                let analysed = revision.load(Ordering::SeqCst);
                runs.push((started.elapsed(), analysed));
                async move {
                    sleep(ms(3)).await;
                    Some(analysed)
                }
            },
            |analysed| analysed == Some(revision.load(Ordering::SeqCst)),
        )
        .await;
        changes.await.unwrap();
        // The first at once; the second, of the last revision, once the
        // changes stopped (the last at 46 ms) and a quiet period passed.
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(runs[0], (Duration::ZERO, 1));
        assert_eq!(runs[1].1, 11);
        assert!(runs[1].0 >= ms(46) + QUIET, "{runs:?}");
    }
}
