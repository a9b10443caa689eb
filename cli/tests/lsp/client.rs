//! A small LSP client for end-to-end tests and the stdio benchmark: it
//! starts a real `kozo lsp` process and speaks JSON-RPC to it over stdio.
//! Requests the server sends (`client/registerCapability`) are answered
//! with `null`; notifications are kept for the test to wait on.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long to wait for an answer before a test fails.
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Options {
    /// Offer UTF-8 positions (the server then uses them).
    pub utf8: bool,
    pub initialization_options: Option<Value>,
    /// Extra environment for the server process.
    pub env: Vec<(String, String)>,
    /// Answer the server's own requests (`client/registerCapability`).
    pub answer_requests: bool,
    /// Offer `window.workDoneProgress` (the server then reports progress).
    pub work_done_progress: bool,
    /// The client's `textDocument.completion` capabilities (none by
    /// default; [`vscode_completion`] is what VS Code announces).
    pub completion: Option<Value>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            utf8: false,
            initialization_options: None,
            env: vec![("KOZO_LSP_DEBUG".to_string(), "1".to_string())],
            answer_requests: true,
            work_done_progress: false,
            completion: None,
        }
    }
}

/// The `textDocument.completion` capabilities VS Code's language client
/// (vscode-languageclient 9) announces: item defaults, and `detail` and
/// `documentation` resolved lazily.
pub fn vscode_completion() -> Value {
    json!({
        "dynamicRegistration": true,
        "contextSupport": true,
        "completionItem": {
            "snippetSupport": true,
            "commitCharactersSupport": true,
            "documentationFormat": ["markdown", "plaintext"],
            "deprecatedSupport": true,
            "preselectSupport": true,
            "tagSupport": { "valueSet": [1] },
            "insertReplaceSupport": true,
            "resolveSupport": { "properties": ["documentation", "detail", "additionalTextEdits"] },
            "insertTextModeSupport": { "valueSet": [1, 2] },
            "labelDetailsSupport": true
        },
        "insertTextMode": 2,
        "completionList": {
            "itemDefaults": ["commitCharacters", "editRange", "insertTextFormat", "insertTextMode", "data"]
        }
    })
}

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    answer_requests: bool,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: VecDeque<Value>,
    next_id: i64,
    /// The last diagnostics published for each URI.
    pub diagnostics: HashMap<String, Vec<Value>>,
    /// How many times each URI was published.
    pub publish_count: HashMap<String, usize>,
    pub log: Arc<Mutex<String>>,
    pub initialize_result: Value,
}

/// The `file:` URI of a path, as the server writes it.
pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl Client {
    /// Starts `kozo lsp` (the binary at `kozo`) on the workspace folder `root`
    /// and completes the initialize handshake.
    pub fn start(kozo: &Path, root: &Path, options: Options) -> Client {
        let mut command = Command::new(kozo);
        command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in &options.env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("kozo lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let mut client = Client {
            child,
            stdin: Some(stdin),
            answer_requests: options.answer_requests,
            incoming,
            backlog: VecDeque::new(),
            next_id: 1,
            diagnostics: HashMap::new(),
            publish_count: HashMap::new(),
            log,
            initialize_result: Value::Null,
        };
        let encodings = if options.utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        let root_uri = uri(root);
        let mut params = json!({
            "processId": null,
            "rootUri": root_uri,
            "workspaceFolders": [{ "uri": root_uri, "name": "test" }],
            "capabilities": {
                "general": { "positionEncodings": encodings },
                "workspace": {
                    "didChangeWatchedFiles": { "dynamicRegistration": true },
                    "workspaceFolders": true
                },
                "textDocument": {
                    "hover": { "contentFormat": ["markdown"] },
                    "rename": { "prepareSupport": true }
                }
            }
        });
        if let Some(completion) = options.completion {
            params["capabilities"]["textDocument"]["completion"] = completion;
        }
        if options.work_done_progress {
            params["capabilities"]["window"] = json!({ "workDoneProgress": true });
        }
        if let Some(init) = options.initialization_options {
            params["initializationOptions"] = init;
        }
        client.initialize_result = client
            .request("initialize", params)
            .expect("initialize succeeds");
        client.notify("initialized", json!({}));
        client
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn stdin(&mut self) -> &mut ChildStdin {
        self.stdin.as_mut().expect("the server's input is open")
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let stdin = self.stdin();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends raw bytes as one framed message (for malformed input).
    pub fn send_raw(&mut self, body: &str) {
        let stdin = self.stdin();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    /// Writes bytes as they are, unframed (for broken headers).
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the server's input (end of input).
    pub fn close_input(&mut self) {
        self.stdin = None;
    }

    /// The server's exit status once it has ended, waiting at most `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The next message, if one comes within `limit` (handled as usual).
    pub fn next_message(&mut self, limit: Duration) -> Option<Value> {
        if let Some(message) = self.backlog.pop_front() {
            return Some(message);
        }
        let message = self.incoming.recv_timeout(limit).ok()?;
        self.note(&message);
        Some(message)
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// The result of a request, or its error object.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.request_async(method, params);
        self.response(id)
    }

    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let message =
            self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none());
        match message.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Reads messages until one matches; the others are handled or kept.
    pub fn wait_for(&mut self, mut wanted: impl FnMut(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&mut wanted) {
            return self.backlog.remove(i).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "timed out waiting for a message; server log:\n{}",
                    self.log.lock().unwrap()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the server closed its output; server log:\n{}",
                    self.log.lock().unwrap()
                ),
            };
            self.note(&message);
            if wanted(&message) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// Records diagnostics and answers the server's requests.
    fn note(&mut self, message: &Value) {
        let method = message.get("method").and_then(Value::as_str);
        if method == Some("textDocument/publishDiagnostics") {
            let params = &message["params"];
            let uri = params["uri"].as_str().unwrap_or("").to_string();
            let list = params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            *self.publish_count.entry(uri.clone()).or_default() += 1;
            self.diagnostics.insert(uri, list);
        }
        if let (Some(_), Some(id), true) = (method, message.get("id"), self.answer_requests) {
            let reply = json!({ "jsonrpc": "2.0", "id": id, "result": null });
            self.send(&reply);
        }
    }

    /// Waits until the diagnostics last published for `uri` satisfy `test`.
    pub fn diagnostics_until(
        &mut self,
        uri: &str,
        mut test: impl FnMut(&[Value]) -> bool,
    ) -> Vec<Value> {
        if let Some(list) = self.diagnostics.get(uri) {
            if test(list) {
                return list.clone();
            }
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let published = self.wait_for(|m| {
                m.get("method").and_then(Value::as_str) == Some("textDocument/publishDiagnostics")
                    && m["params"]["uri"].as_str() == Some(uri)
            });
            let list = published["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if test(&list) {
                return list;
            }
            assert!(
                Instant::now() < deadline,
                "diagnostics of {uri} never matched: {list:?}"
            );
        }
    }

    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "kozo", "version": 1, "text": text } }),
        );
        uri
    }

    /// Says `exit` after `shutdown` and checks the server ends cleanly.
    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null)
            .expect("shutdown succeeds");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(
                    status.success(),
                    "kozo lsp exited with {status}; log:\n{}",
                    self.log.lock().unwrap()
                );
                return;
            }
            assert!(Instant::now() < deadline, "kozo lsp did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A workspace folder with a `kozo.toml` and the given files, its path
/// canonical (so URIs match the server's).
pub fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("kozo.toml"), "").unwrap();
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    (dir, root)
}

/// A position as JSON.
pub fn pos(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

/// Applies LSP text edits (`[{range, newText}]`) to a text, counting
/// columns in UTF-16 (`utf8`: bytes).
pub fn apply_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let start = offset(text, &e["range"]["start"], utf8);
            let end = offset(text, &e["range"]["end"], utf8);
            (start, end, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

/// The byte offset of an LSP position in `text`.
pub fn offset(text: &str, position: &Value, utf8: bool) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    let mut counted = 0;
    for (i, c) in line_text.char_indices() {
        if counted >= character {
            return start + i;
        }
        counted += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    start + line_text.len()
}

/// The LSP position of a byte offset.
pub fn position_of(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column: usize = if utf8 {
        offset - line_start
    } else {
        before[line_start..].chars().map(char::len_utf16).sum()
    };
    pos(line as u32, column as u32)
}
