//! The language server over stdio, on a synthetic workspace (10 000
//! elements in 100 files unless told otherwise): initial load and first
//! diagnostics; the time from a one-character `didChange` to the answer
//! that reflects it, over edits of three kinds (inside a label, a reference
//! typo and its fix, a new element and its removal); hover, definition and
//! completion on a settled workspace and right after edits; the server's
//! resident memory after load and after many edits — each timed from the
//! message written to the answer read, as an editor sees it. The client
//! announces the completion capabilities VS Code's client does (item
//! defaults, details resolved lazily); completion is also timed for a
//! client that announces none, which gets every item whole.
//!
//! ```text
//! cargo build --release -p kozo
//! cargo bench -p kozo-lsp --bench stdio [-- ELEMENTS [FILES] [--edits N] [--memory-edits M] [--no-views] [--check]]
//! ```
//!
//! `--no-views` takes the views out of the workspace: every element is then
//! reported by `element-not-in-view`, and every file has a long list of
//! findings that an edit mostly leaves alone.
//!
//! With `--check` it exits 1 when a figure is over its budget.
//!
//! It drives the `kozo` binary next to it (`target/release/kozo`), or the
//! one `KOZO_BIN` names. Budgets (the incremental-analysis goals): edit →
//! diagnostics ≤ 20 ms p95; hover, definition and completion ≤ 5 ms p95,
//! right after edits too; memory after edits ≤ 1.3× after load; load +
//! first diagnostics ≤ 500 ms.

#[path = "../../cli/tests/lsp/client.rs"]
mod client;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use client::{position_of, Client, Options};
use serde_json::json;

/// The items of a completion answer: a plain array, or an incomplete
/// list's `items` (the server cuts long lists).
fn completion_items(answer: &serde_json::Value) -> &[serde_json::Value] {
    answer
        .as_array()
        .or_else(|| answer["items"].as_array())
        .map_or(&[], Vec::as_slice)
}

/// The list holds a finding of the reference typo.
fn has_typo(list: &[serde_json::Value]) -> bool {
    list.iter().any(|d| d["code"] == "undefined-reference")
}

/// The list holds a finding about the element the edits add.
fn has_new_element(list: &[serde_json::Value]) -> bool {
    list.iter().any(|d| {
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("`zz_new`"))
    })
}

/// The list holds neither: the document is as loaded.
fn as_loaded(list: &[serde_json::Value]) -> bool {
    !has_typo(list) && !has_new_element(list)
}

/// The client's options: an editor's, with VS Code's completion
/// capabilities, or a plain client's.
fn client_options(editor: bool) -> Options {
    Options {
        completion: editor.then(client::vscode_completion),
        ..Options::default()
    }
}

fn kozo_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KOZO_BIN") {
        return Some(PathBuf::from(path));
    }
    // target/release/deps/stdio-HASH → target/release/kozo
    let exe = std::env::current_exe().ok()?;
    let candidate = exe.parent()?.parent()?.join("kozo");
    candidate.is_file().then_some(candidate)
}

/// The synthetic workspace, its part files split at top-level statements
/// so that the workspace has `files` files.
fn workspace(elements: usize, files: usize) -> Vec<(String, String)> {
    let generated = kozo_bench::synthetic_workspace(elements);
    let (architecture, parts): (Vec<_>, Vec<_>) = generated
        .into_iter()
        .partition(|(path, _)| path == kozo_bench::ARCHITECTURE_FILE);
    let chunks_total = files.saturating_sub(architecture.len()).max(parts.len());
    let mut out = architecture;
    for (index, (path, text)) in parts.iter().enumerate() {
        // Spread the chunks over the parts as evenly as possible.
        let chunks = chunks_total / parts.len() + usize::from(index < chunks_total % parts.len());
        let items = kozo_lang::parse(text).tree.items;
        let per_chunk = items.len().div_ceil(chunks.max(1));
        let mut start = 0usize;
        let mut piece = 0;
        for i in (per_chunk..items.len()).step_by(per_chunk.max(1)) {
            // Cut right after the previous statement: comments before this
            // one (its doc comment too) go with it.
            let cut = items[i - 1].span().end as usize;
            out.push((chunk_path(path, piece), text[start..cut].to_string()));
            start = cut;
            piece += 1;
        }
        out.push((chunk_path(path, piece), text[start..].to_string()));
    }
    out
}

fn chunk_path(path: &str, piece: usize) -> String {
    match path.strip_suffix(".kozo") {
        Some(stem) => format!("{stem}_{piece}.kozo"),
        None => format!("{path}_{piece}"),
    }
}

struct Stats {
    samples: Vec<Duration>,
}

impl Stats {
    fn new() -> Stats {
        Stats {
            samples: Vec::new(),
        }
    }
    fn add(&mut self, d: Duration) {
        self.samples.push(d);
    }
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.samples.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[index.min(sorted.len() - 1)]
    }
}

/// CPU time (user + system) a process has used so far, from /proc (Linux).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Clock ticks are 1/100 s on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// Resident memory of a process in KiB (`VmRSS`, Linux).
fn rss(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

/// A figure of /proc/PID/status in KiB (`VmRSS:`, `VmHWM:`), Linux.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Lets the server finish what an edit started (a diagnostics run after
/// its quiet period) before memory is read, and rest: the server gives
/// freed memory back to the system after 2 s without a change
/// (`diagnostics::REST`), so memory is read after 3 s of quiet.
fn settle(client: &mut Client) {
    while client.next_message(Duration::from_millis(300)).is_some() {}
    while client.next_message(Duration::from_secs(3)).is_some() {}
}

/// The open document, as the client holds it: each change is sent as one
/// range edit in UTF-16 positions of the current text.
struct Document {
    uri: String,
    text: String,
    version: i32,
}

impl Document {
    fn replace(&mut self, client: &mut Client, from: usize, to: usize, with: &str) {
        let start = position_of(&self.text, from, false);
        let end = position_of(&self.text, to, false);
        self.version += 1;
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": self.uri, "version": self.version },
                "contentChanges": [{ "range": { "start": start, "end": end }, "text": with }]
            }),
        );
        self.text.replace_range(from..to, with);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Row {
    what: &'static str,
    stats: Stats,
    budget_ms: f64,
    /// Which figure the budget applies to.
    judged: Judged,
}

#[derive(Clone, Copy)]
enum Judged {
    Median,
    P95,
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let all: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| -> Option<u32> {
        let at = all.iter().position(|a| a == name)?;
        all.get(at + 1)?.parse().ok()
    };
    // Positional arguments: those that are not an option nor its value.
    let args: Vec<String> = all
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            let value_of_option =
                *i > 0 && matches!(all[i - 1].as_str(), "--edits" | "--memory-edits");
            !a.starts_with("--") && !value_of_option
        })
        .map(|(_, a)| a.clone())
        .collect();
    let elements: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let file_count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let edit_count: u32 = option("--edits").unwrap_or(200);
    let memory_edits: u32 = option("--memory-edits").unwrap_or(800);
    let no_views = all.iter().any(|a| a == "--no-views");
    let Some(kozo) = kozo_binary() else {
        eprintln!("no kozo binary: run `cargo build --release -p kozo` first, or set KOZO_BIN");
        return ExitCode::from(2);
    };

    let mut files = workspace(elements, file_count);
    if no_views {
        files = kozo_bench::without_views(files);
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().canonicalize().unwrap();
    kozo_bench::write_workspace(&root, &files).expect("the workspace is written");
    std::fs::write(root.join("kozo.toml"), kozo_bench::KOZO_TOML).unwrap();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    println!(
        "workspace: {elements} elements in {} files ({:.1} MiB){}, server {}",
        files.len(),
        bytes as f64 / (1 << 20) as f64,
        if no_views { " without views" } else { "" },
        kozo.display()
    );

    // The file edited and queried: a part with systems in it.
    let (edited_rel, edited_text) = files
        .iter()
        .find(|(path, text)| path.starts_with("parts/") && text.contains("p3 -> ds_"))
        .cloned()
        .expect("a part file with systems");
    let edited_path = root.join(&edited_rel);

    // ---------------------------------------------------------------- load
    let mut load = Stats::new();
    let mut first_diagnostics = Stats::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut client = Client::start(&kozo, &root, client_options(true));
        load.add(started.elapsed());
        let uri = client.open(&edited_path, &edited_text);
        let published = client.diagnostics_until(&uri, |_| true);
        first_diagnostics.add(started.elapsed());
        assert!(
            no_views || published.is_empty(),
            "the synthetic workspace is clean: {published:?}"
        );
        client.shutdown();
    }

    // ---------------------------------------------------------------- edits
    let mut client = Client::start(&kozo, &root, client_options(true));
    let uri = client.open(&edited_path, &edited_text);
    client.diagnostics_until(&uri, |_| true);
    settle(&mut client);
    let rss_after_load = rss(client.pid());
    let mut doc = Document {
        uri: uri.clone(),
        text: edited_text.clone(),
        version: 1,
    };
    // A reference, one character of which is toggled: `ds_N_0` → `ds_N_x`
    // and back.
    let target = edited_text.find("p3 -> ds_").unwrap() + "p3 -> ds_".len();
    let digit = edited_text[target..].find('_').unwrap() + target + 1;
    let original = edited_text[digit..digit + 1].to_string();
    // A label, one character of which is toggled (`Control system` →
    // `Control System`): no finding changes, so nothing is published; the
    // edit is timed to the first hover on the element that shows it.
    let system_at = edited_text.find("\nsystem sys_").unwrap() + "\nsystem ".len();
    let label_at = edited_text[system_at..].find("\"Control ").unwrap() + system_at + 9;
    let system_name = position_of(&edited_text, system_at + 1, false);

    let mut label_edits = Stats::new();
    // The label edits that follow the removal of an element: the model
    // before the removal differs from the current one in every part, and
    // is freed when this edit comes.
    let mut label_after_removal = Stats::new();
    let mut reference_edits = Stats::new();
    let mut element_edits = Stats::new();
    let mut all_edits = Stats::new();
    let cpu_before = cpu_time(client.pid());
    let mut done = 0u32;
    let mut step = 0usize;
    let mut reference_broken = false;
    let mut label_upper = false;
    let mut added: Option<(usize, usize)> = None;
    while done < edit_count {
        // Blocks of six: label, typo, fix, label, new element, removal.
        let started;
        match step % 6 {
            0 | 3 => {
                label_upper = !label_upper;
                let letter = if label_upper { "S" } else { "s" };
                started = Instant::now();
                doc.replace(&mut client, label_at, label_at + 1, letter);
                let wanted = format!("Control {letter}ystem");
                let params = json!({ "textDocument": { "uri": uri }, "position": system_name });
                loop {
                    let answer = client.request("textDocument/hover", params.clone());
                    let shown = answer
                        .ok()
                        .and_then(|a| a["contents"]["value"].as_str().map(str::to_string))
                        .unwrap_or_default();
                    if shown.contains(&wanted) {
                        break;
                    }
                }
                label_edits.add(started.elapsed());
                if step % 6 == 0 && step > 0 {
                    label_after_removal.add(started.elapsed());
                }
            }
            1 | 2 => {
                reference_broken = !reference_broken;
                let letter = if reference_broken { "x" } else { &original };
                started = Instant::now();
                doc.replace(&mut client, digit, digit + 1, letter);
                let broken = reference_broken;
                client.diagnostics_until(&uri, |list| has_typo(list) == broken);
                reference_edits.add(started.elapsed());
            }
            _ => {
                started = Instant::now();
                match added.take() {
                    None => {
                        let end = doc.text.len();
                        let line = "\nsystem zz_new\n";
                        doc.replace(&mut client, end, end, line);
                        added = Some((end, end + line.len()));
                        client.diagnostics_until(&uri, has_new_element);
                    }
                    Some((from, to)) => {
                        doc.replace(&mut client, from, to, "");
                        client.diagnostics_until(&uri, as_loaded);
                    }
                }
                element_edits.add(started.elapsed());
            }
        }
        all_edits.add(started.elapsed());
        done += 1;
        step += 1;
    }
    let cpu_per_edit = match (cpu_before, cpu_time(client.pid())) {
        (Some(before), Some(after)) => Some((after - before) / edit_count),
        _ => None,
    };
    // Leave the document as it was loaded.
    if let Some((from, to)) = added.take() {
        doc.replace(&mut client, from, to, "");
    }
    if reference_broken {
        doc.replace(&mut client, digit, digit + 1, &original);
    }
    if label_upper {
        doc.replace(&mut client, label_at, label_at + 1, "s");
    }
    client.diagnostics_until(&uri, as_loaded);
    settle(&mut client);
    let rss_after_edits = rss(client.pid());

    // ---------------------------------------------------------------- queries
    let reference = position_of(&edited_text, digit - 2, false);
    let mut hover = Stats::new();
    let mut definition = Stats::new();
    let mut completion = Stats::new();
    let mut completion_relation = Stats::new();
    let mut completion_bytes = 0;
    let colon = edited_text.find("p0 -> p1 : calls").unwrap() + "p0 -> p1 : ".len();
    let relation_position = position_of(&edited_text, colon, false);
    for _ in 0..100 {
        let position_params = json!({ "textDocument": { "uri": uri }, "position": reference });
        let started = Instant::now();
        let answer = client
            .request("textDocument/hover", position_params.clone())
            .unwrap();
        hover.add(started.elapsed());
        assert!(answer["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("dataset"));

        let started = Instant::now();
        let answer = client
            .request("textDocument/definition", position_params.clone())
            .unwrap();
        definition.add(started.elapsed());
        assert!(answer["uri"].is_string());

        let started = Instant::now();
        let answer = client
            .request("textDocument/completion", position_params)
            .unwrap();
        completion.add(started.elapsed());
        assert!(!completion_items(&answer).is_empty());
        completion_bytes = answer.to_string().len();

        let started = Instant::now();
        let answer = client
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": relation_position }),
            )
            .unwrap();
        completion_relation.add(started.elapsed());
        assert!(completion_items(&answer)
            .iter()
            .any(|i| i["label"] == "calls"));
    }

    // A burst of edits, each followed at once by a hover, then by a
    // completion: the answer waits for the model of the new text.
    let mut hover_in_burst = Stats::new();
    let mut completion_in_burst = Stats::new();
    for i in 0..40 {
        let broken = i % 2 == 0;
        doc.replace(
            &mut client,
            digit,
            digit + 1,
            if broken { "x" } else { &original },
        );
        let params = json!({ "textDocument": { "uri": uri }, "position": relation_position });
        let started = Instant::now();
        let answer = client.request("textDocument/completion", params);
        completion_in_burst.add(started.elapsed());
        assert!(answer.map_or(true, |a| a.is_array() || a["items"].is_array()));
        let broken = !broken;
        doc.replace(
            &mut client,
            digit,
            digit + 1,
            if broken { "x" } else { &original },
        );
        let params = json!({ "textDocument": { "uri": uri }, "position": system_name });
        let started = Instant::now();
        let _ = client.request("textDocument/hover", params);
        hover_in_burst.add(started.elapsed());
    }
    // The burst may end on a typo (each round's second edit breaks the
    // reference in odd rounds): fix it, then wait for the list of the
    // document as loaded. (The wait alone passed only when the client had
    // not yet read the broken list, and otherwise timed out.)
    if doc.text[digit..digit + 1] != original {
        doc.replace(&mut client, digit, digit + 1, &original);
    }
    client.diagnostics_until(&uri, as_loaded);

    // Memory after many edits: reference typos and fixes, each waited for.
    let mut broken = false;
    for _ in 0..memory_edits {
        broken = !broken;
        doc.replace(
            &mut client,
            digit,
            digit + 1,
            if broken { "x" } else { &original },
        );
        client.diagnostics_until(&uri, |list| has_typo(list) == broken);
    }
    if broken {
        doc.replace(&mut client, digit, digit + 1, &original);
        client.diagnostics_until(&uri, as_loaded);
    }
    settle(&mut client);
    let rss_after_memory_edits = rss(client.pid());
    // The most the server held at any moment: a model being built while
    // the ones it replaces are freed.
    let peak = status_kib(client.pid(), "VmHWM:");
    client.shutdown();

    // A client that announces no completion capabilities gets every item
    // whole (its own range, its details).
    let mut plain = Client::start(&kozo, &root, client_options(false));
    let uri = plain.open(&edited_path, &edited_text);
    plain.diagnostics_until(&uri, |_| true);
    let mut completion_plain = Stats::new();
    let mut completion_plain_bytes = 0;
    for _ in 0..100 {
        let started = Instant::now();
        let answer = plain
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": reference }),
            )
            .unwrap();
        completion_plain.add(started.elapsed());
        assert!(completion_items(&answer)
            .iter()
            .all(|item| item["textEdit"].is_object()));
        completion_plain_bytes = answer.to_string().len();
    }
    plain.shutdown();

    let rows = [
        Row {
            what: "initialize (read, parse all files)",
            stats: load,
            budget_ms: f64::INFINITY,
            judged: Judged::Median,
        },
        Row {
            what: "load + first diagnostics",
            stats: first_diagnostics,
            budget_ms: 500.0,
            judged: Judged::Median,
        },
        Row {
            what: "edit → diagnostics, all kinds",
            stats: all_edits,
            budget_ms: 20.0,
            judged: Judged::P95,
        },
        Row {
            what: "  label (to the hover showing it)",
            stats: label_edits,
            budget_ms: 20.0,
            judged: Judged::P95,
        },
        Row {
            what: "    right after a removal",
            stats: label_after_removal,
            budget_ms: 20.0,
            judged: Judged::P95,
        },
        Row {
            what: "  reference typo / fix",
            stats: reference_edits,
            budget_ms: 20.0,
            judged: Judged::P95,
        },
        Row {
            what: "  new element / removed",
            stats: element_edits,
            budget_ms: 20.0,
            judged: Judged::P95,
        },
        Row {
            what: "hover",
            stats: hover,
            budget_ms: 5.0,
            judged: Judged::P95,
        },
        Row {
            what: "definition",
            stats: definition,
            budget_ms: 5.0,
            judged: Judged::P95,
        },
        Row {
            what: "completion (element paths)",
            stats: completion,
            budget_ms: 5.0,
            judged: Judged::P95,
        },
        Row {
            what: "  a client without item defaults",
            stats: completion_plain,
            budget_ms: 5.0,
            judged: Judged::P95,
        },
        Row {
            what: "completion (relation kinds)",
            stats: completion_relation,
            budget_ms: 5.0,
            judged: Judged::P95,
        },
        Row {
            what: "hover right after an edit (burst)",
            stats: hover_in_burst,
            budget_ms: 5.0,
            judged: Judged::P95,
        },
        Row {
            what: "completion right after an edit",
            stats: completion_in_burst,
            budget_ms: 5.0,
            judged: Judged::P95,
        },
    ];
    println!(
        "\n{:<34} {:>6} {:>9} {:>9} {:>9} {:>9}  budget",
        "", "runs", "median", "p95", "p99", "max"
    );
    let mut within = true;
    for row in rows.iter().filter(|row| !row.stats.samples.is_empty()) {
        let (median, p95, p99, max) = (
            ms(row.stats.percentile(0.5)),
            ms(row.stats.percentile(0.95)),
            ms(row.stats.percentile(0.99)),
            ms(row.stats.percentile(1.0)),
        );
        let judged = match row.judged {
            Judged::Median => median,
            Judged::P95 => p95,
        };
        let verdict = if row.budget_ms.is_infinite() {
            "-".to_string()
        } else if judged <= row.budget_ms {
            format!("≤ {} ms ok", row.budget_ms)
        } else {
            within = false;
            format!("≤ {} ms OVER", row.budget_ms)
        };
        println!(
            "{:<34} {:>6} {:>7.2}ms {:>7.2}ms {:>7.2}ms {:>7.2}ms  {verdict}",
            row.what,
            row.stats.samples.len(),
            median,
            p95,
            p99,
            max
        );
    }
    println!(
        "completion of element paths: {completion_bytes} bytes of JSON, {completion_plain_bytes} for a client without item defaults"
    );
    if let Some(cpu) = cpu_per_edit {
        println!(
            "server CPU time per edit (user + system, all threads): {:.1} ms",
            ms(cpu)
        );
    }
    let mib = |kb: Option<u64>| {
        kb.map_or("?".to_string(), |kb| {
            format!("{:.1} MiB", kb as f64 / 1024.0)
        })
    };
    println!(
        "server resident memory: {} after load, {} after {edit_count} edits and the burst, {} after {} more",
        mib(rss_after_load),
        mib(rss_after_edits),
        mib(rss_after_memory_edits),
        memory_edits
    );
    println!("server peak resident memory (VmHWM): {}", mib(peak));
    if let (Some(load), Some(after)) = (rss_after_load, rss_after_memory_edits) {
        let ratio = after as f64 / load as f64;
        let verdict = if ratio <= 1.3 {
            "≤ 1.3 ok"
        } else {
            within = false;
            "≤ 1.3 OVER"
        };
        println!("memory after edits / after load: {ratio:.2}  {verdict}");
    }
    if within || !check {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
