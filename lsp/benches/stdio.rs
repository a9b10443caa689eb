//! The language server over stdio, on a synthetic 10 000-element,
//! 100-file workspace: initial load and first diagnostics, diagnostics
//! after one-character edits, hover, definition and completion — each
//! timed from the request written to the answer read, as an editor sees it.
//!
//! ```text
//! cargo build --release -p kozo
//! cargo bench -p kozo-lsp --bench stdio [-- ELEMENTS [FILES] [--check]]
//! ```
//!
//! With `--check` it exits 1 when a figure is over its budget.
//!
//! It drives the `kozo` binary next to it (`target/release/kozo`), or the
//! one `KOZO_BIN` names. Budgets (issue 4): load + first diagnostics
//! ≤ 500 ms, diagnostics after an edit ≤ 50 ms p95, hover and definition
//! ≤ 5 ms, completion ≤ 20 ms.

#[path = "../../cli/tests/lsp/client.rs"]
mod client;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use client::{position_of, Client, Options};
use serde_json::{json, Value};

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
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let elements: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let file_count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let Some(kozo) = kozo_binary() else {
        eprintln!("no kozo binary: run `cargo build --release -p kozo` first, or set KOZO_BIN");
        return ExitCode::from(2);
    };

    let files = workspace(elements, file_count);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().canonicalize().unwrap();
    kozo_bench::write_workspace(&root, &files).expect("the workspace is written");
    std::fs::write(root.join("kozo.toml"), kozo_bench::KOZO_TOML).unwrap();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    println!(
        "workspace: {elements} elements in {} files ({:.1} MiB), server {}",
        files.len(),
        bytes as f64 / (1 << 20) as f64,
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
        let mut client = Client::start(&kozo, &root, Options::default());
        load.add(started.elapsed());
        let uri = client.open(&edited_path, &edited_text);
        let published = client.diagnostics_until(&uri, |_| true);
        first_diagnostics.add(started.elapsed());
        assert!(
            published.is_empty(),
            "the synthetic workspace is clean: {published:?}"
        );
        client.shutdown();
    }

    // ---------------------------------------------------------------- edits
    let mut client = Client::start(&kozo, &root, Options::default());
    let uri = client.open(&edited_path, &edited_text);
    client.diagnostics_until(&uri, |_| true);
    // One character of a reference, toggled: `ds_N_0` → `ds_N_x` and back.
    let target = edited_text.find("p3 -> ds_").unwrap() + "p3 -> ds_".len();
    let digit = edited_text[target..].find('_').unwrap() + target + 1;
    let original = &edited_text[digit..digit + 1];
    let start = position_of(&edited_text, digit, false);
    let end = position_of(&edited_text, digit + 1, false);
    let mut edits = Stats::new();
    let mut version = 1;
    let cpu_before = cpu_time(client.pid());
    let edit_count = 100;
    for i in 0..edit_count {
        let broken = i % 2 == 0;
        version += 1;
        let started = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": { "start": start, "end": end }, "text": if broken { "x" } else { original } }]
            }),
        );
        client.diagnostics_until(&uri, |list| list.is_empty() != broken);
        edits.add(started.elapsed());
    }
    let cpu_per_edit = match (cpu_before, cpu_time(client.pid())) {
        (Some(before), Some(after)) => Some((after - before) / edit_count),
        _ => None,
    };

    // ---------------------------------------------------------------- queries
    let reference = position_of(&edited_text, digit - 2, false);
    let mut hover = Stats::new();
    let mut definition = Stats::new();
    let mut completion = Stats::new();
    let mut completion_relation = Stats::new();
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
        assert!(!answer.as_array().unwrap().is_empty());

        let started = Instant::now();
        let answer = client
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": relation_position }),
            )
            .unwrap();
        completion_relation.add(started.elapsed());
        assert!(answer
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == "calls"));
    }

    // Completion right after an edit: the model is rebuilt first.
    let mut completion_after_edit = Stats::new();
    for i in 0..40 {
        let broken = i % 2 == 0;
        version += 1;
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": { "start": start, "end": end }, "text": if broken { "x" } else { original } }]
            }),
        );
        let started = Instant::now();
        let answer: Value = client
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": relation_position }),
            )
            .unwrap();
        completion_after_edit.add(started.elapsed());
        assert!(answer.is_array());
        client.diagnostics_until(&uri, |list| list.is_empty() != broken);
    }
    client.shutdown();

    let rows = [
        Row {
            what: "initialize (load 100 files)",
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
            what: "diagnostics after a 1-char edit",
            stats: edits,
            budget_ms: 50.0,
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
            budget_ms: 20.0,
            judged: Judged::P95,
        },
        Row {
            what: "completion (relation kinds)",
            stats: completion_relation,
            budget_ms: 20.0,
            judged: Judged::P95,
        },
        Row {
            what: "completion right after an edit",
            stats: completion_after_edit,
            budget_ms: f64::INFINITY,
            judged: Judged::P95,
        },
    ];
    println!(
        "\n{:<34} {:>6} {:>9} {:>9} {:>9}  budget",
        "", "runs", "median", "p95", "max"
    );
    let mut within = true;
    for row in &rows {
        let (median, p95, max) = (
            ms(row.stats.percentile(0.5)),
            ms(row.stats.percentile(0.95)),
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
            "{:<34} {:>6} {:>7.2}ms {:>7.2}ms {:>7.2}ms  {verdict}",
            row.what,
            row.stats.samples.len(),
            median,
            p95,
            max
        );
    }
    if let Some(cpu) = cpu_per_edit {
        println!(
            "server CPU time per edit (user + system, all threads): {:.1} ms",
            ms(cpu)
        );
    }
    if within || !check {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
