//! `kozo-bench-requests N [--edits K] [--only WORD]`
//!
//! What an editor's requests cost in-process, on a synthetic workspace of
//! N elements: hover, go to definition and completion, on a settled
//! analysis and right after an edit, each timed on a clone of the analysis
//! (as the language server answers from a snapshot). The positions are
//! those of the stdio benchmark (`lsp/benches/stdio.rs`): a reference
//! `p3 -> ds_N_0` in a part file, the name of a system declared there, and
//! the relation kind after `p0 -> p1 : `.
//!
//! Right after an edit (a reference typo and its fix, alternately), the
//! new model and its findings are made first, as the server's diagnostics
//! run does, so that the figure is what the request itself adds; then one
//! request of one kind is timed, the kinds taking turns over the edits.
//! `--only WORD` keeps the requests whose name holds WORD (`hover`,
//! `definition`, `completion`), to profile one of them.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use kozo_engine::db::SourceFile;
use kozo_engine::{ide, Analysis, Config};

/// The most items a completion answer holds in the language server.
const COMPLETION_LIMIT: usize = 500;

#[derive(Clone, Copy)]
enum Request {
    HoverElement,
    HoverReference,
    Definition,
    CompletionPaths,
    CompletionRelations,
}

impl Request {
    const ALL: [Request; 5] = [
        Request::HoverElement,
        Request::HoverReference,
        Request::Definition,
        Request::CompletionPaths,
        Request::CompletionRelations,
    ];

    fn name(self) -> &'static str {
        match self {
            Request::HoverElement => "hover (element declaration)",
            Request::HoverReference => "hover (reference)",
            Request::Definition => "definition",
            Request::CompletionPaths => "completion (element paths)",
            Request::CompletionRelations => "completion (relation kinds)",
        }
    }
}

/// The offsets the requests are made at.
struct Places {
    file: SourceFile,
    reference: usize,
    system_name: usize,
    relation: usize,
}

/// Makes one request; whether it found something.
fn ask(analysis: &Analysis, places: &Places, request: Request) -> bool {
    match request {
        Request::HoverElement => ide::hover(analysis, places.file, places.system_name).is_some(),
        Request::HoverReference => ide::hover(analysis, places.file, places.reference).is_some(),
        Request::Definition => {
            ide::goto_definition(analysis, places.file, places.reference).is_some()
        }
        Request::CompletionPaths => {
            !ide::completion_list(analysis, places.file, places.reference, COMPLETION_LIMIT)
                .items
                .is_empty()
        }
        Request::CompletionRelations => {
            !ide::completion_list(analysis, places.file, places.relation, COMPLETION_LIMIT)
                .items
                .is_empty()
        }
    }
}

/// A request on a clone of the analysis, timed with the clone. A request
/// on the reference finds nothing while it has a typo; every other one
/// must find something.
fn timed(analysis: &Analysis, places: &Places, request: Request, typo: bool) -> Duration {
    let started = Instant::now();
    let snapshot = analysis.clone();
    let found = ask(&snapshot, places, request);
    drop(snapshot);
    let elapsed = started.elapsed();
    let on_reference = matches!(request, Request::HoverReference | Request::Definition);
    assert!(
        found || (typo && on_reference),
        "{} found nothing",
        request.name()
    );
    elapsed
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median, p95 and max of some samples, in milliseconds.
fn summary(samples: &[Duration]) -> String {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let at = |p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize];
    format!(
        "{:>4} runs  median {:7.3} ms  p95 {:7.3} ms  max {:7.3} ms",
        sorted.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0))
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let elements: usize = args
        .first()
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let edits: usize = args
        .iter()
        .position(|a| a == "--edits")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(100);
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map_or("", String::as_str);
    let requests: Vec<Request> = Request::ALL
        .into_iter()
        .filter(|r| r.name().contains(only))
        .collect();
    if requests.is_empty() {
        eprintln!("kozo-bench-requests: no request's name holds `{only}`");
        return ExitCode::from(2);
    }

    let files = kozo_bench::synthetic_workspace(elements);
    let (edited_path, text) = match files
        .iter()
        .find(|(path, text)| path.starts_with("parts/") && text.contains("p3 -> ds_"))
    {
        Some((path, text)) => (path.clone(), text.clone()),
        None => {
            eprintln!("kozo-bench-requests: no part file with systems");
            return ExitCode::from(1);
        }
    };
    let file_count = files.len();
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in files {
        analysis.set_file(&path, text);
    }
    analysis.parse_all_in_parallel();
    analysis.build_parts_in_parallel();
    let findings = analysis.diagnostics().len();
    let model = analysis.model();
    println!(
        "workspace: {elements} elements in {file_count} files ({} elements, {} relationships, {} references, {findings} findings); edited: {edited_path}",
        model.elements.len(),
        model.relationships.len(),
        model.references.len()
    );

    let Some(file) = analysis.file(&edited_path) else {
        return ExitCode::from(1);
    };
    // The positions of the stdio benchmark.
    let target = text.find("p3 -> ds_").unwrap_or(0) + "p3 -> ds_".len();
    let digit = text[target..].find('_').unwrap_or(0) + target + 1;
    let original = text[digit..digit + 1].to_string();
    let system_at = text.find("\nsystem sys_").unwrap_or(0) + "\nsystem ".len();
    let relation = text.find("p0 -> p1 : calls").unwrap_or(0) + "p0 -> p1 : ".len();
    let places = Places {
        file,
        reference: digit - 2,
        system_name: system_at + 1,
        relation,
    };

    for (what, offset) in [
        ("element paths", places.reference),
        ("relation kinds", places.relation),
    ] {
        let list = ide::completion_list(&analysis, file, offset, COMPLETION_LIMIT);
        let text: usize = list
            .items
            .iter()
            .map(|i| {
                i.label.len()
                    + i.detail.as_ref().map_or(0, String::len)
                    + i.documentation.as_ref().map_or(0, String::len)
            })
            .sum();
        println!(
            "completion of {what}: {} items{} ({text} bytes of labels, details and documentation)",
            list.items.len(),
            if list.incomplete { ", incomplete" } else { "" }
        );
    }

    println!("\nsettled (each request 100 times, on a clone of the analysis):");
    for &request in &requests {
        // The first request builds what is made lazily; it is timed apart.
        let first = timed(&analysis, &places, request, false);
        let samples: Vec<Duration> = (0..100)
            .map(|_| timed(&analysis, &places, request, false))
            .collect();
        println!(
            "  {:<30} {}  (first {:.3} ms)",
            request.name(),
            summary(&samples),
            ms(first)
        );
    }

    println!(
        "\nright after an edit (a reference typo or its fix; {edits} edits, the kinds in turn):"
    );
    let mut model_times = Vec::new();
    let mut diagnostics_times = Vec::new();
    let mut after: Vec<Vec<Duration>> = vec![Vec::new(); requests.len()];
    let mut current = text.clone();
    for i in 0..edits {
        let letter = if i % 2 == 0 { "x" } else { original.as_str() };
        current.replace_range(digit..digit + 1, letter);
        analysis.set_file(&edited_path, current.clone());
        let started = Instant::now();
        analysis.model();
        model_times.push(started.elapsed());
        let started = Instant::now();
        analysis.diagnostics();
        diagnostics_times.push(started.elapsed());
        // Each kind after a typo and after its fix in turn.
        let kind = (i / 2) % requests.len();
        after[kind].push(timed(&analysis, &places, requests[kind], i % 2 == 0));
    }
    println!("  {:<30} {}", "model", summary(&model_times));
    println!("  {:<30} {}", "diagnostics", summary(&diagnostics_times));
    for (request, samples) in requests.iter().zip(&after) {
        println!("  {:<30} {}", request.name(), summary(samples));
    }
    ExitCode::SUCCESS
}
