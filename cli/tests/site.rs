//! End-to-end tests of `kozo site`: the real binary writing a site,
//! refusing folders it must not touch, drawing what it can when Graphviz
//! fails, and serving a site that follows edits.

mod common;

use common::*;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MODEL: &str = "use society5\nsystem bms \"Building management\" {\n  label ja \"ビル管理\"\n  component gw \"Gateway\"\n}\ndataset occ \"Occupancy\"\nbms.gw -> occ : flows\nview v \"Data\" { include bms, bms.gw, occ }\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kozo.toml"), "").unwrap();
    std::fs::write(dir.path().join("m.kozo"), MODEL).unwrap();
    dir
}

fn run(args: &[&str], cwd: &Path) -> (i32, String) {
    let out = kozo(args, cwd);
    (out.status.code().unwrap_or(-1), stderr(&out))
}

#[test]
fn writes_a_site_and_rewrites_its_own_folder() {
    let ws = workspace();
    let (code, err) = run(
        &["site", ".", "--out", "out", "--engine", "builtin"],
        ws.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote the site to out"), "{err}");
    let out = ws.path().join("out");
    for file in [
        "index.html",
        "elements/bms.html",
        "elements/bms.gw.html",
        "views/v.html",
        "views/v.ja.svg",
        ".kozo-site",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    // A second build into the same folder is allowed, and removes the
    // pages of elements that are gone (and only those).
    std::fs::write(
        ws.path().join("m.kozo"),
        MODEL
            .replace("dataset occ \"Occupancy\"\nbms.gw -> occ : flows\n", "")
            .replace(", occ", ""),
    )
    .unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let (code, err) = run(
        &["site", ".", "--out", "out", "--engine", "builtin"],
        ws.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.join("elements/occ.html").exists(),
        "a stale page is removed"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn refuses_a_file_or_a_foreign_folder() {
    let ws = workspace();
    std::fs::write(ws.path().join("file.txt"), "x").unwrap();
    let (code, err) = run(&["site", ".", "--out", "file.txt"], ws.path());
    assert_eq!(code, 2);
    assert!(err.contains("is a file"), "{err}");

    std::fs::create_dir(ws.path().join("docs")).unwrap();
    std::fs::write(ws.path().join("docs/index.html"), "my page").unwrap();
    let (code, err) = run(&["site", ".", "--out", "docs"], ws.path());
    assert_eq!(code, 2);
    assert!(
        err.contains("not empty and was not written by `kozo site`"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(ws.path().join("docs/index.html")).unwrap(),
        "my page"
    );
    assert_eq!(
        std::fs::read_dir(ws.path().join("docs")).unwrap().count(),
        1
    );
}

#[test]
fn a_view_graphviz_cannot_draw_gets_a_page_that_says_why() {
    let ws = workspace();
    let bin = tempfile::tempdir().unwrap();
    let dot = bin.path().join("dot");
    std::fs::write(
        &dot,
        "#!/bin/sh\nif [ \"$1\" = \"-V\" ]; then echo 'dot - graphviz version 0' >&2; exit 0; fi\necho 'Error: layout crashed' >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = kozo_env(
        &["site", ".", "--out", "out", "--engine", "graphviz"],
        ws.path(),
        &[("PATH", &path)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("view `v` could not be drawn"),
        "{}",
        stderr(&out)
    );
    let page = std::fs::read_to_string(ws.path().join("out/views/v.html")).unwrap();
    assert!(
        page.contains("This view could not be drawn: Graphviz `dot` failed"),
        "{page}"
    );
    assert!(page.contains("v.en.dot"), "the DOT download is still there");
}

/// `GET path` on the server; the body, or `None` for a status other than 200.
fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200").then(|| body.to_string())
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `kozo site --serve` on a free port in `dir`; returns it and its port.
fn start_server(dir: &Path, extra: &[&str]) -> (Server, u16) {
    let child = Command::new(env!("CARGO_BIN_EXE_kozo"))
        .args(["site", ".", "--serve", "--port", "0", "--engine", "builtin"])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    (server, port)
}

/// Waits up to 20 s for `path` to be served with `text` in it.
fn wait_for(port: u16, path: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !get(port, path).unwrap_or_default().contains(text) {
        assert!(
            Instant::now() < deadline,
            "{path} did not show {text:?} within 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_rebuilds_when_a_file_changes() {
    let ws = workspace();
    let (_server, port) = start_server(ws.path(), &[]);

    let page = get(port, "/elements/bms.html").expect("the element page is served");
    assert!(page.contains("Building management"));
    assert!(
        page.contains("assets/reload.js"),
        "served pages reload on a new build"
    );
    assert_eq!(get(port, "/kozo-build.txt").as_deref(), Some("1"));
    assert!(get(port, "/").is_some_and(|p| p.contains("<main")));
    assert!(get(port, "/no-such-page.html").is_none());

    std::fs::write(
        ws.path().join("m.kozo"),
        MODEL.replace("Building management", "Tower control"),
    )
    .unwrap();
    wait_for(port, "/elements/bms.html", "Tower control");
    assert_ne!(get(port, "/kozo-build.txt").as_deref(), Some("1"));
}

#[test]
fn serve_on_a_port_in_use_says_so() {
    let ws = workspace();
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, err) = run(&["site", ".", "--serve", "--port", &port], ws.path());
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("port {port} on 127.0.0.1 is in use")),
        "{err}"
    );
}

/// `--since REV` against a real git repository: a Changes page with an
/// added, a removed, a changed and a renamed element, the stakeholders to
/// ask, and the touched views drawn with their marks; an unknown revision
/// is refused before anything is written.
#[test]
fn since_a_revision_adds_a_changes_page() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let people = "use society5\nconcern energy \"Energy cost\"\nstakeholder owner \"Building owner\" { concerns energy }\nviewpoint assets \"Assets\" { frames energy kinds system, device, dataset relations flows }\n";
    git(ws, &["init", "-q"]);
    write(ws, "kozo.toml", "");
    write(
        ws,
        "m.kozo",
        format!("{people}system bms \"BMS\"\ndataset occ \"Occupancy\"\nbms -> occ : flows\ndevice meter \"Power meter\"\ndevice sensor \"Door sensor\"\nview v of assets \"Assets\" {{ include bms, occ, meter, sensor }}\n"),
    );
    commit_all(ws, "first");
    write(
        ws,
        "m.kozo",
        format!("{people}system bms \"BMS\"\ndataset occupancy \"Occupancy\"\nbms -> occupancy : flows\ndevice meter \"<b>meter</b>\"\ndevice lamp \"Lamp\"\nview v of assets \"Assets\" {{ include bms, occupancy, meter, lamp }}\n"),
    );

    let (code, err) = run(
        &[
            "site", ".", "--out", "out", "--engine", "builtin", "--since", "nope",
        ],
        ws,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown revision `nope`"), "{err}");
    assert!(!ws.join("out").exists(), "nothing is written");

    let (code, err) = run(
        &[
            "site", ".", "--out", "out", "--engine", "builtin", "--since", "HEAD",
        ],
        ws,
    );
    assert_eq!(code, 0, "{err}");
    let out = ws.join("out");
    let page = std::fs::read_to_string(out.join("changes.html")).unwrap();
    for expected in [
        "change-added",
        "change-removed",
        "change-changed",
        "change-renamed",
        "Building owner",
        "&lt;b&gt;meter&lt;/b&gt;",
        "href=\"elements/lamp.html\"",
        "href=\"views/v.html\"",
    ] {
        assert!(page.contains(expected), "{expected} in\n{page}");
    }
    assert!(!page.contains("<b>meter"), "the label stays text");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("href=\"changes.html\""));
    let svg = std::fs::read_to_string(out.join("changes/1.en.svg")).unwrap();
    for class in ["kozo-diff-added", "kozo-diff-removed", "kozo-diff-changed"] {
        assert!(svg.contains(class), "{class}");
    }
    assert!(out.join("elements/lamp.html").is_file());
}

/// `--serve --since REV` compares every rebuild with REV.
#[test]
fn serve_since_compares_each_rebuild_with_the_revision() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    git(ws, &["init", "-q"]);
    write(ws, "kozo.toml", "");
    write(ws, "m.kozo", MODEL);
    commit_all(ws, "first");
    let (_server, port) = start_server(ws, &["--since", "HEAD"]);
    let page = get(port, "/changes.html").expect("the Changes page is served");
    assert!(page.contains("No change to the model."), "{page}");
    write(
        ws,
        "m.kozo",
        MODEL.replace("Building management", "Tower control"),
    );
    wait_for(port, "/changes.html", "Tower control");
    let page = get(port, "/changes.html").unwrap();
    assert!(page.contains("change-changed"), "{page}");
    assert!(
        page.contains("Building management"),
        "the old label: {page}"
    );
}
