//! End-to-end tests of `kozo lsp` under hostile or heavy input: broken
//! framing, ending without `shutdown`, its own requests left unanswered,
//! edit bursts, a slow `dot`, and workspace folders that go away.

#[path = "lsp/client.rs"]
mod client;

use std::path::Path;
use std::time::{Duration, Instant};

use client::{position_of, uri, workspace, Client, Options};
use serde_json::{json, Value};

fn kozo() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_kozo"))
}

const MODEL: &str =
    "use society5\nsystem bms \"Building management\"\ndataset occupancy\nbms -> occupancy : flows\nview v { include bms, occupancy }\n";

/// The server answers requests: it is alive and its reader in step.
fn assert_alive(client: &mut Client) {
    let symbols = client
        .request("workspace/symbol", json!({ "query": "bms" }))
        .expect("workspace/symbol answers");
    assert!(
        symbols.as_array().is_some_and(|list| !list.is_empty()),
        "{symbols}"
    );
}

#[test]
fn a_non_utf8_byte_in_a_header_is_survived() {
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    let mut client = Client::start(kozo(), &root, Options::default());
    client.send_bytes(b"X-Note: caf\xe9\r\nContent-Length: 2\r\n\r\n{}");
    client.send_bytes(b"\xff\xfe\r\n\r\n");
    assert_alive(&mut client);
    client.shutdown();
}

#[test]
fn an_oversized_message_is_answered_with_an_error_and_reading_goes_on() {
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    let mut client = Client::start(kozo(), &root, Options::default());
    // Far above the limit: the server must not wait for (or allocate) it.
    client.send_bytes(b"Content-Length: 999999999999\r\n\r\n{\"jsonrpc\":\"2.0\",");
    let error = client.wait_for(|m| m.get("error").is_some() && m["id"].is_null());
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("larger than"),
        "{error}"
    );
    assert_alive(&mut client);
    client.shutdown();
}

#[test]
fn an_endless_header_line_is_refused_and_reading_goes_on() {
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    let mut client = Client::start(kozo(), &root, Options::default());
    let mut line = b"X-Long: ".to_vec();
    line.extend(std::iter::repeat_n(b'a', 4 << 20));
    line.extend(b"\r\n\r\n");
    client.send_bytes(&line);
    let error = client.wait_for(|m| m.get("error").is_some() && m["id"].is_null());
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert_alive(&mut client);
    client.shutdown();
}

#[test]
fn a_body_that_is_not_json_rpc_is_answered_with_a_parse_error() {
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    let mut client = Client::start(kozo(), &root, Options::default());
    client.send_raw("{not json");
    let error = client.wait_for(|m| m.get("error").is_some() && m["id"].is_null());
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert_alive(&mut client);
    client.shutdown();
}

#[test]
fn exit_without_shutdown_exits_with_status_1() {
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    let mut client = Client::start(kozo(), &root, Options::default());
    client.notify("exit", Value::Null);
    let status = client
        .wait_exit(Duration::from_secs(10))
        .expect("the server exits on `exit`");
    assert_eq!(status.code(), Some(1));
}

/// A client that never answers the server's `client/registerCapability`.
fn deaf_client(root: &Path) -> Client {
    let options = Options {
        answer_requests: false,
        ..Options::default()
    };
    let mut client = Client::start(kozo(), root, options);
    client.wait_for(|m| m["method"] == "client/registerCapability");
    client
}

#[test]
fn exit_ends_the_server_while_its_own_request_is_unanswered() {
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    let mut client = deaf_client(&root);
    client.request("shutdown", Value::Null).expect("shutdown");
    client.notify("exit", Value::Null);
    let status = client
        .wait_exit(Duration::from_secs(10))
        .expect("the server exits on `exit`");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn end_of_input_ends_the_server_whatever_is_pending() {
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    let mut client = deaf_client(&root);
    client.close_input();
    let status = client
        .wait_exit(Duration::from_secs(10))
        .expect("the server exits at the end of its input");
    // Input ended without `shutdown`: the protocol's status for that.
    assert_eq!(status.code(), Some(1));
}

/// The value of a `/proc/PID/status` field (`Threads`, `VmRSS` in kB).
#[cfg(target_os = "linux")]
fn proc_status(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {status}"))
}

#[cfg(target_os = "linux")]
#[test]
fn a_burst_of_edits_coalesces_into_few_analyses_and_bounded_threads() {
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    let mut client = Client::start(kozo(), &root, Options::default());
    let path = root.join("m.kozo");
    let uri = client.open(&path, MODEL);
    client.diagnostics_until(&uri, |_| true);
    let pid = client.pid();
    let idle_rss = proc_status(pid, "VmRSS");
    let end = position_of(MODEL, MODEL.len(), false);
    let after = json!({ "line": end["line"].as_u64().unwrap() + 1, "character": 0 });
    let edits: i64 = 6000;
    let mut peak_threads = 0;
    let change = |version: i64, range: Value, text: &str| {
        json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": range, "text": text }]
        })
    };
    for version in 2..2 + edits {
        // Each edit flips the findings: a line with an undefined
        // reference is added, then taken away again.
        let params = if version % 2 == 0 {
            change(
                version,
                json!({ "start": end, "end": end }),
                "bms -> nowhere : flows\n",
            )
        } else {
            change(version, json!({ "start": end, "end": after }), "")
        };
        client.notify("textDocument/didChange", params);
        if version % 500 == 0 {
            peak_threads = peak_threads.max(proc_status(pid, "Threads"));
        }
    }
    let last = edits + 2;
    client.notify(
        "textDocument/didChange",
        change(
            last,
            json!({ "start": end, "end": end }),
            "bms -> last : flows\n",
        ),
    );
    let published = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == json!(last)
    });
    let messages: Vec<&str> = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("`last`"), "{messages:?}");
    let text = client
        .request("kozo/debugText", json!({ "uri": uri }))
        .unwrap();
    assert_eq!(text["text"], format!("{MODEL}bms -> last : flows\n"));
    let published = client.publish_count.get(&uri).copied().unwrap_or(0);
    assert!(
        published < 200,
        "{published} publishes for {edits} edits: the burst did not coalesce"
    );
    std::thread::sleep(Duration::from_secs(1));
    peak_threads = peak_threads.max(proc_status(pid, "Threads"));
    let rss = proc_status(pid, "VmRSS");
    eprintln!(
        "{edits} edits: {published} publishes, peak {peak_threads} threads, RSS {idle_rss} kB idle, {rss} kB after"
    );
    assert!(peak_threads <= 40, "{peak_threads} threads");
    assert!(
        rss < idle_rss + 64 * 1024,
        "RSS {rss} kB after the burst, {idle_rss} kB before"
    );
    client.shutdown();
}

#[cfg(unix)]
#[test]
fn edits_are_answered_while_a_slow_dot_renders() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    std::fs::write(root.join("kozo.toml"), "[render]\nengine = \"graphviz\"\n").unwrap();
    // A `dot` that takes seconds, first on PATH for the server.
    let bin = tempfile::tempdir().unwrap();
    let dot = bin.path().join("dot");
    std::fs::write(
        &dot,
        "#!/bin/sh\nsleep 4\ncat >/dev/null\necho '<svg></svg>'\n",
    )
    .unwrap();
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path_var = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut options = Options::default();
    options.env.push(("PATH".to_string(), path_var));
    let mut client = Client::start(kozo(), &root, options);
    let path = root.join("m.kozo");
    let uri = client.open(&path, MODEL);
    client.diagnostics_until(&uri, |list| list.is_empty());

    let render = client.request_async("kozo/renderView", json!({ "viewId": "v" }));
    // Let the render reach `dot`.
    std::thread::sleep(Duration::from_millis(300));
    let mut slowest = Duration::ZERO;
    for (version, text) in [(2, "bogus"), (3, "occupancy")] {
        let at = MODEL.find("-> occupancy").unwrap() + 3;
        let start = position_of(MODEL, at, false);
        let end = position_of(MODEL, at + "occupancy".len(), false);
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": { "start": start, "end": end }, "text": text }]
            }),
        );
        client.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        });
        slowest = slowest.max(sent.elapsed());
    }
    // Both answered while `dot` still sleeps; the render then completes.
    assert!(
        slowest < Duration::from_millis(1500),
        "diagnostics took {slowest:?} while dot ran"
    );
    eprintln!("slowest diagnostics while dot ran: {slowest:?}");
    let svg = client.response(render).expect("the render completes");
    assert!(svg["svg"].as_str().unwrap().contains("<svg"), "{svg}");
    client.shutdown();
}

#[test]
fn a_removed_workspace_folder_is_dropped() {
    let (_dir, root) = workspace(&[(
        "m.kozo",
        &MODEL.replace("bms -> occupancy : flows\n", "bms -> nowhere : flows\n"),
    )]);
    let mut client = Client::start(kozo(), &root, Options::default());
    let file = uri(&root.join("m.kozo"));
    client.diagnostics_until(&file, |list| !list.is_empty());
    assert_alive(&mut client);
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": [{ "uri": uri(&root), "name": "test" }] } }),
    );
    // Its findings are cleared and its symbols gone.
    client.diagnostics_until(&file, |list| list.is_empty());
    let symbols = client
        .request("workspace/symbol", json!({ "query": "bms" }))
        .unwrap();
    assert_eq!(symbols, json!([]), "{symbols}");
    client.shutdown();
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_link_out_of_the_workspace_is_logged_not_read() {
    let (_dir, root) = workspace(&[("m.kozo", MODEL)]);
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("x.kozo"))
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/proc/self/environ", root.join("env.kozo")).unwrap();
    // Initialize would block forever on the FIFO if it were opened.
    let mut client = Client::start(kozo(), &root, Options::default());
    assert_alive(&mut client);
    let log = client.log.lock().unwrap().clone();
    assert!(log.contains("x.kozo`: a FIFO, not a regular file"), "{log}");
    assert!(
        log.contains("env.kozo`: a symbolic link to `/proc/"),
        "{log}"
    );
    client.shutdown();
}
