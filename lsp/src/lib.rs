//! The kozo language server: `kozo lsp`, LSP over stdio.
//!
//! The server keeps one engine [`kozo_engine::Analysis`] per workspace root
//! and feeds it the editor's changes; every answer comes from the engine's
//! editor functions (`kozo_engine::ide`) run on a snapshot, so the server
//! agrees with `kozo check`. This crate is the only place that knows both
//! the protocol's types and the engine's.
//!
//! - `input`: the wire (framing that survives any bytes; see
//!   [`decode_frames`]);
//! - `state`, `disk`: workspaces, open documents, roots; the files
//!   themselves are read by the shared loader (crate `kozo-loader`) in
//!   `loading`, off the message loop and in message order;
//! - `support`: the read-only copies of the built-in metamodel and the
//!   rules' explanations, in a private cache folder;
//! - `documents`: didOpen/didChange/didClose, applied in arrival order by
//!   [`Ordered`]; didChangeWatchedFiles;
//! - `diagnostics`: pushed after a quiet period following changes (a burst
//!   of edits is analysed once), cleared when fixed;
//!   `progress`: `$/progress` for the first check after start;
//! - `snapshot`: running engine queries off the lock, with salsa
//!   cancellation and panics caught;
//! - `requests`: one module per group of requests; `convert`: positions and
//!   protocol types.

mod convert;
mod diagnostics;
mod disk;
mod documents;
mod input;
mod loading;
mod progress;
mod requests;
mod server;
mod snapshot;
mod state;
mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll};

use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{Client, ExitedError, LspService, Server};

pub use input::{decode_frames, Frame, FrameError, MAX_MESSAGE};
pub use requests::preview::{RenderViewParams, RenderViewResult, ViewsParams, ViewsResult};

/// The environment variable that turns on the debugging requests
/// (`kozo/debugText`, `kozo/debugPanic`), for tests.
pub const DEBUG_ENV: &str = "KOZO_LSP_DEBUG";

/// What the handlers share.
pub(crate) struct Shared {
    state: Mutex<state::State>,
    client: Client,
    /// Held while diagnostics are being published (see `diagnostics`).
    publishing: tokio::sync::Mutex<()>,
    /// The workspaces whose diagnostics are due (see `diagnostics`).
    due: Mutex<std::collections::HashSet<usize>>,
    /// The disk work, done in the order it was asked for (see `loading`).
    disk: tokio::sync::mpsc::UnboundedSender<loading::Job>,
    /// Bounds the diagram renders running at once (each may run `dot`).
    renders: tokio::sync::Semaphore,
    /// The findings converted for publishing (see `diagnostics`).
    converted: diagnostics::Cache,
    /// What recent completion answers left to `completionItem/resolve`.
    completions: Mutex<requests::completion::Recent>,
}

impl Shared {
    /// The state. A panic while it was held does not make it unusable:
    /// every change to it is complete before anything that may panic.
    fn lock(&self) -> MutexGuard<'_, state::State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A line in the client's log (and on stderr).
    fn log(&self, message: impl Into<String>) {
        let message = message.into();
        eprintln!("kozo lsp: {message}");
        let client = self.client.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                client
                    .log_message(tower_lsp_server::ls_types::MessageType::LOG, message)
                    .await;
            });
        }
    }
}

/// Serves LSP on stdin and stdout until the client says `exit` or the
/// input ends. Returns the exit status: 0 when `shutdown` came first, else
/// 1 (as the protocol asks).
pub fn run() -> std::io::Result<u8> {
    limit_malloc_arenas();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("kozo-lsp")
        // Bounded threads: a burst of requests queues instead of piling up
        // threads (each blocking task holds a snapshot and its memory).
        .worker_threads(cores.clamp(1, 4))
        .max_blocking_threads(16)
        .build()?;
    let code = runtime.block_on(serve(tokio::io::stdin(), std::io::stdout()))?;
    // Blocking tasks still computing a stale answer (or a reader blocked
    // on the input) are not waited for.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    Ok(code)
}

/// Makes glibc's allocator share one arena between all threads.
///
/// By default glibc gives each thread that allocates its own arena (up to
/// eight per core) and never returns their free pages: every edit builds
/// the model on whichever blocking thread runs it, so the old models'
/// memory stayed spread over many arenas and the server's resident memory
/// grew with each edit (10k elements: 41 MiB after load, 215 MiB after
/// 1,000 edits; with one arena 38 → 57 MiB, flat after the first 200; see
/// docs/performance.md). The server's threads rarely allocate at the same
/// moment, so the shared arena's lock costs nothing measurable.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `mallopt` takes plain integers and is called before the
        // runtime starts any thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}

/// Gives the allocator's free pages back to the system. Freeing a model
/// leaves most of its pages free inside glibc's heap, and glibc returns
/// only those at the heap's top by itself: the rest stayed resident, so
/// the server kept the high-water mark of two models after every edit.
/// Called when a workspace is quiet; it costs a walk over the free lists.
pub(crate) fn return_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `malloc_trim` takes a plain integer and only releases
        // pages no allocation holds.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// How long the server may still write after `exit` or the end of its
/// input before it stops, whatever is pending.
const GRACE: std::time::Duration = std::time::Duration::from_millis(300);

/// Serves LSP on any pair of streams; returns the exit status (see
/// [`run`]). The output is written by a thread of its own
/// ([`input::write_frames`]); the error is that of starting it.
pub async fn serve<I, O>(input: I, output: O) -> std::io::Result<u8>
where
    I: tokio::io::AsyncRead + Unpin + Send + 'static,
    O: std::io::Write + Send + 'static,
{
    let (frames, output_finished) = input::output_thread(output)?;
    let (to_server, server_input) = tokio::io::duplex(1 << 20);
    let (server_output, from_server) = tokio::io::duplex(1 << 20);
    let (replies, replies_out) = tokio::sync::mpsc::unbounded_channel();
    let lifecycle = Arc::new(input::Lifecycle::default());
    let reader = tokio::spawn(input::filter(input, to_server, replies, lifecycle.clone()));
    let (disk, jobs) = tokio::sync::mpsc::unbounded_channel();
    let slot: Arc<OnceLock<Arc<Shared>>> = Arc::new(OnceLock::new());
    let made = slot.clone();
    let mut builder = LspService::build(move |client| {
        let shared = Arc::new(Shared {
            state: Mutex::new(state::State::default()),
            client,
            publishing: tokio::sync::Mutex::new(()),
            due: Mutex::new(Default::default()),
            disk,
            renders: tokio::sync::Semaphore::new(2),
            converted: Default::default(),
            completions: Mutex::new(Default::default()),
        });
        let _ = made.set(shared.clone());
        server::Backend { shared }
    })
    .custom_method(requests::completion::ROUTE, server::Backend::completion)
    .custom_method("kozo/views", server::Backend::views)
    .custom_method("kozo/renderView", server::Backend::render_view)
    .custom_method("kozo/supportText", server::Backend::support_text);
    if std::env::var_os(DEBUG_ENV).is_some_and(|v| v == "1") {
        builder = builder
            .custom_method("kozo/debugText", server::Backend::debug_text)
            .custom_method("kozo/debugPanic", server::Backend::debug_panic);
    }
    let (service, socket) = builder.finish();
    let Some(shared) = slot.get().cloned() else {
        eprintln!("kozo lsp: the service was not built");
        return Ok(1);
    };
    tokio::spawn(loading::work(shared.clone(), jobs));
    let ordered = Ordered {
        inner: service,
        shared,
    };
    let served = async {
        futures::join!(
            Server::new(server_input, server_output, socket).serve(ordered),
            input::write_out(from_server, replies_out, frames),
        );
    };
    // The server ends with its input (`exit` is its last message), after
    // a short grace for the answers already on their way; a request of its
    // own that the client never answers does not keep it alive.
    let ended = async {
        let _ = reader.await;
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        _ = served => {}
        _ = ended => {}
    }
    // The frames passed on are written (their senders went with `served`),
    // unless the client stopped reading.
    let _ = output_finished.recv_timeout(GRACE);
    Ok(
        if lifecycle.shutdown.load(std::sync::atomic::Ordering::SeqCst) {
            0
        } else {
            1
        },
    )
}

/// The service in front of the language server: it applies document
/// notifications (`didOpen`, `didChange`, `didClose`) as each message is
/// read, in the order the client sent them, before any handler runs or
/// awaits. Everything else goes to the language server.
struct Ordered {
    inner: LspService<server::Backend>,
    shared: Arc<Shared>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl tower_service::Service<Request> for Ordered {
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let method = request.method();
        if method == "textDocument/completion" || method == requests::completion::ROUTE {
            return Box::pin(self.inner.call(completion_route(request)));
        }
        let is_sync = request.id().is_none()
            && matches!(
                method,
                "textDocument/didOpen" | "textDocument/didChange" | "textDocument/didClose"
            );
        if !is_sync {
            return Box::pin(self.inner.call(request));
        }
        let (method, _, params) = request.into_parts();
        let shared = self.shared.clone();
        let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            apply_sync(&shared, &method, params)
        }));
        match applied {
            Ok(Ok(())) => {}
            Ok(Err(message)) => shared.log(format!("ignoring `{method}`: {message}")),
            Err(payload) => shared.log(format!(
                "`{method}` panicked: {}",
                snapshot::panic_message(payload.as_ref())
            )),
        }
        Box::pin(std::future::ready(Ok(None)))
    }
}

/// A `textDocument/completion` request, passed on to the server's own
/// completion handler (see [`requests::completion::ROUTE`]). A client's
/// call of that internal method is passed on as a method nobody serves.
fn completion_route(request: Request) -> Request {
    let (method, id, params) = request.into_parts();
    let method = if method == "textDocument/completion" {
        requests::completion::ROUTE
    } else {
        "kozo/internal/unknown"
    };
    let mut builder = Request::build(method);
    if let Some(id) = id {
        builder = builder.id(id);
    }
    if let Some(params) = params {
        builder = builder.params(params);
    }
    builder.finish()
}

fn apply_sync(
    shared: &Arc<Shared>,
    method: &str,
    params: Option<serde_json::Value>,
) -> Result<(), String> {
    let params = params.ok_or("no params")?;
    fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
        serde_json::from_value(value).map_err(|e| format!("malformed params: {e}"))
    }
    match method {
        "textDocument/didOpen" => documents::did_open(shared, parse(params)?),
        "textDocument/didChange" => documents::did_change(shared, parse(params)?),
        "textDocument/didClose" => documents::did_close(shared, parse(params)?),
        _ => {}
    }
    Ok(())
}
