//! `kozo site --serve`: the site served from memory on 127.0.0.1, rebuilt
//! when a `.kozo` file or `kozo.toml` changes under the workspace. Pages
//! poll `kozo-build.txt` (the build number, answered by the server) and
//! reload when it changes.
//!
//! The server (tiny_http) answers on its own thread from the current build;
//! the caller's thread watches the files (notify) and rebuilds. Only GET and
//! HEAD of the site's own files are answered, and only on the loopback
//! address.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::Site;

/// The path pages poll for the build number.
pub const BUILD_FILE: &str = "kozo-build.txt";

/// What the server tells its caller (the command line prints it).
#[derive(Debug)]
pub enum ServeEvent {
    /// The server listens at this address.
    Listening(SocketAddr),
    /// A new build is served.
    Rebuilt { build: u64 },
    /// A rebuild failed; the previous build is still served.
    Failed(String),
}

/// Why the server could not start.
#[derive(Debug)]
pub struct ServeError(pub String);

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServeError {}

/// Serves the site of the workspace at `watch` on `127.0.0.1:port` (0: any
/// free port) until the process ends. `rebuild` loads the workspace and
/// builds its site; `report` hears what happens.
pub fn serve(
    watch: &Path,
    port: u16,
    mut rebuild: impl FnMut() -> Result<Site, String>,
    mut report: impl FnMut(ServeEvent),
) -> Result<(), ServeError> {
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            ServeError(format!(
                "port {port} on 127.0.0.1 is in use; choose another with `--port N` (or `--port 0` for any free port)"
            ))
        } else {
            ServeError(format!("cannot listen on 127.0.0.1:{port}: {e}"))
        }
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| ServeError(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let first = rebuild().map_err(ServeError)?;
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| ServeError(format!("cannot serve on {address}: {e}")))?;

    let current = Arc::new(Mutex::new(Arc::new(first)));
    let build = Arc::new(AtomicU64::new(1));
    {
        let current = Arc::clone(&current);
        let build = Arc::clone(&build);
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let site = current.lock().map(|s| Arc::clone(&s)).ok();
                answer(request, site.as_deref(), build.load(Ordering::SeqCst));
            }
        });
    }

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| ServeError(format!("cannot watch `{}`: {e}", watch.display())))?;
    watcher
        .watch(watch, RecursiveMode::Recursive)
        .map_err(|e| ServeError(format!("cannot watch `{}`: {e}", watch.display())))?;
    report(ServeEvent::Listening(address));

    while let Ok(event) = rx.recv() {
        if !touches_model(&event) {
            continue;
        }
        // Editors write a file in several steps: let them finish, then
        // rebuild once for all of them.
        std::thread::sleep(Duration::from_millis(100));
        while rx.recv_timeout(Duration::from_millis(50)).is_ok() {}
        match rebuild() {
            Ok(site) => {
                if let Ok(mut guard) = current.lock() {
                    *guard = Arc::new(site);
                }
                let n = build.fetch_add(1, Ordering::SeqCst) + 1;
                report(ServeEvent::Rebuilt { build: n });
            }
            Err(message) => report(ServeEvent::Failed(message)),
        }
    }
    Ok(())
}

/// Whether a file event concerns the model: a `.kozo` file or `kozo.toml`.
fn touches_model(event: &notify::Result<notify::Event>) -> bool {
    let Ok(event) = event else { return false };
    if event.kind.is_access() {
        return false;
    }
    event.paths.iter().any(|p: &PathBuf| {
        p.extension().is_some_and(|e| e == "kozo")
            || p.file_name().is_some_and(|n| n == "kozo.toml")
    })
}

fn answer(request: tiny_http::Request, site: Option<&Site>, build: u64) {
    use tiny_http::{Header, Method, Response};
    let header =
        |name: &str, value: &str| Header::from_bytes(name.as_bytes(), value.as_bytes()).ok();
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::from_string("method not allowed").with_status_code(405));
        return;
    }
    let path = decode(request.url().split(['?', '#']).next().unwrap_or("/"));
    let mut path = path.trim_start_matches('/').to_string();
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    }
    let (bytes, kind) = if path == BUILD_FILE {
        (build.to_string().into_bytes(), "text/plain; charset=utf-8")
    } else {
        match site.and_then(|s| s.files.get(&path)) {
            Some(bytes) => (bytes.clone(), content_type(&path)),
            None => {
                let _ = request.respond(Response::from_string("not found").with_status_code(404));
                return;
            }
        }
    };
    let mut response = Response::from_data(bytes);
    for h in [
        header("Content-Type", kind),
        header("Cache-Control", "no-store"),
    ]
    .into_iter()
    .flatten()
    {
        response.add_header(h);
    }
    let _ = request.respond(response);
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    }
}

/// Percent-decoding of a URL path (invalid sequences are kept as written).
fn decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|&b| (b as char).to_digit(16));
        if bytes[i] == b'%' {
            if let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2)) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(decode("/views/a%20b.html"), "/views/a b.html");
        assert_eq!(decode("/%E5%BB%BA"), "/建");
        assert_eq!(decode("/bad%zz%"), "/bad%zz%");
        assert_eq!(decode("/%建%4"), "/%建%4");
    }
}
