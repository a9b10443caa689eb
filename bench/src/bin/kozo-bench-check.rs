//! `kozo-bench-check N [--edits K] [--declare | --typo] [--no-views] [--serial-parse] [--free-trees] [--heap]`
//! `kozo-bench-check --dir DIR [--edits K] [--declare | --typo] [--serial-parse] [--free-trees] [--heap]`
//!
//! A cold check of a synthetic workspace of N elements (or of the `.kozo`
//! files under DIR), in-process and in the order `kozo check` runs it, with
//! the wall time of every phase and the peak resident memory (`VmHWM` of
//! /proc/self/status). With `--heap` it also counts the live heap bytes
//! after each phase. With `--edits K` it then makes K one-line edits (a
//! `label ja` text in one file, alternating) and times each re-check. With
//! `--declare` the edits instead add an element at the end of that file and
//! remove it again, alternating: edits that change what the file declares.
//! With `--typo` they misspell a reference and fix it again, alternating
//! (an `undefined-reference` comes and goes). `--no-views` takes the views
//! out of the synthetic workspace, so that every element is reported by
//! `element-not-in-view`: many findings, of which an edit changes few.
//! After the edits, the re-check's findings are compared with those
//! gathered at once (`db::diagnostics_at_once`), and the timing split shows
//! the findings read file by file (as the language server reads them)
//! apart from the whole list.
//! With `--free-trees` the cold check frees each file's syntax tree once its
//! part is made, as `kozo check` does (`Analysis::check_freeing_trees`; the
//! parse phase then also makes the parts); without it, it keeps the trees,
//! as the language server does.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use kozo_engine::{Analysis, Config};

/// With `--heap`: counts the bytes the program has allocated and not freed
/// (live) and the most it ever had (peak), to split the resident memory
/// between the phases. Off, it only forwards to the system allocator.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
        }
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Relaxed) {
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            let live = LIVE.fetch_add(new_size, Relaxed) + new_size;
            PEAK.fetch_max(live, Relaxed);
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

struct Args {
    source: Source,
    edits: usize,
    serial_parse: bool,
    heap: bool,
    declare: bool,
    typo: bool,
    no_views: bool,
    free_trees: bool,
}

enum Source {
    Synthetic(usize),
    Dir(PathBuf),
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut source = None;
    let mut edits = 0;
    let mut serial_parse = false;
    let mut heap = false;
    let mut declare = false;
    let mut typo = false;
    let mut no_views = false;
    let mut free_trees = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dir" => {
                source = Some(Source::Dir(
                    args.next().ok_or("--dir needs a folder")?.into(),
                ))
            }
            "--edits" => {
                edits = args
                    .next()
                    .and_then(|k| k.parse().ok())
                    .ok_or("--edits needs a number")?
            }
            "--serial-parse" => serial_parse = true,
            "--heap" => heap = true,
            "--declare" => declare = true,
            "--typo" => typo = true,
            "--no-views" => no_views = true,
            "--free-trees" => free_trees = true,
            n => {
                let n = n.replace('_', "");
                source = Some(Source::Synthetic(
                    n.parse()
                        .map_err(|_| format!("not a number of elements: `{n}`"))?,
                ))
            }
        }
    }
    let source = source.ok_or(
        "usage: kozo-bench-check N | --dir DIR [--edits K] [--declare | --typo] [--no-views] [--serial-parse] [--free-trees] [--heap]",
    )?;
    if declare && typo {
        return Err("--declare and --typo are two kinds of edit: pick one".into());
    }
    Ok(Args {
        source,
        edits,
        serial_parse,
        heap,
        declare,
        typo,
        no_views,
        free_trees,
    })
}

/// CPU time (user + system, every thread) the process has used so far, in
/// seconds: unlike wall time, it does not grow when other programs take the
/// cores. Clock ticks of /proc/self/stat, 100 a second on Linux.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name (which is in parentheses): state is
    // field 3, utime 14 and stime 15.
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
        return f64::NAN;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<f64>().ok());
    match (ticks(14), ticks(15)) {
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

/// RSS now and the peak so far, for the phase lines.
fn memory() -> String {
    let mut out = format!(
        "[RSS {:.1} MiB, peak {:.1} MiB",
        kozo_bench::status_mib("VmRSS:").unwrap_or(f64::NAN),
        kozo_bench::status_mib("VmHWM:").unwrap_or(f64::NAN)
    );
    if COUNTING.load(Relaxed) {
        let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
        out += &format!(
            "; heap live {:.1} MiB, peak {:.1} MiB",
            mib(LIVE.load(Relaxed)),
            mib(PEAK.load(Relaxed))
        );
    }
    out + "]"
}

fn read_dir(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_dir(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "kozo") {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path)?));
        }
    }
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:9.1} ms", d.as_secs_f64() * 1e3)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(err) => {
            eprintln!("kozo-bench-check: {err}");
            return ExitCode::from(2);
        }
    };
    COUNTING.store(args.heap, Relaxed);
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let files = match &args.source {
        Source::Synthetic(n) if args.no_views => {
            kozo_bench::without_views(kozo_bench::synthetic_workspace(*n))
        }
        Source::Synthetic(n) => kozo_bench::synthetic_workspace(*n),
        Source::Dir(dir) => {
            let mut files = Vec::new();
            if let Err(err) = read_dir(dir, dir, &mut files) {
                eprintln!("kozo-bench-check: {}: {err}", dir.display());
                return ExitCode::from(2);
            }
            files
        }
    };
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let file_count = files.len();
    let edit_path = files
        .get(file_count / 2)
        .map(|(p, _)| p.clone())
        .unwrap_or_default();
    let loaded = start.elapsed();
    let rss_loaded = kozo_bench::status_mib("VmRSS:").unwrap_or(f64::NAN);
    println!(
        "input        {} ({file_count} files, {:.1} MiB of text, RSS {rss_loaded:.1} MiB)",
        ms(loaded),
        bytes as f64 / (1024.0 * 1024.0)
    );

    let cpu_loaded = cpu_seconds();
    let t0 = Instant::now();
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in files {
        analysis.set_file(&path, text);
    }
    let t_set = t0.elapsed();
    let t1 = Instant::now();
    if args.free_trees {
        analysis.check_freeing_trees();
    } else if !args.serial_parse {
        analysis.parse_all_in_parallel();
    }
    let t_parse = t1.elapsed();
    let cpu_parse = cpu_seconds();
    let mem_parse = memory();
    let t2 = Instant::now();
    if !args.serial_parse && !args.free_trees {
        analysis.build_parts_in_parallel();
    }
    let model = analysis.model();
    let (elements, relationships) = (model.elements.len(), model.relationships.len());
    let t_model = t2.elapsed();
    let cpu_model = cpu_seconds();
    let mem_model = memory();
    // What the views hold: the selected elements, and the room their
    // vectors keep (which can be far more than they use).
    let selected: usize = model.views.iter().map(|v| v.elements.len()).sum();
    let capacity: usize = model.views.iter().map(|v| v.elements.capacity()).sum();
    let view_line = format!(
        "{} views select {selected} elements; their vectors hold room for {capacity} ({:.1} MiB)",
        model.views.len(),
        (capacity * std::mem::size_of::<kozo_engine::model::Selected>()) as f64 / (1024.0 * 1024.0)
    );
    let t3 = Instant::now();
    let findings = analysis.diagnostics().len();
    let t_diag = t3.elapsed();
    let cpu_diag = cpu_seconds();
    let mem_diag = memory();
    let t4 = Instant::now();
    let summary = analysis.summary();
    let t_summary = t4.elapsed();
    let total = t0.elapsed();
    let cpu_check = cpu_seconds() - cpu_loaded;
    let cpu = |from: f64, to: f64| format!("CPU {:.0} ms", (to - from) * 1e3);
    println!("set_file     {}", ms(t_set));
    println!(
        "parse        {}  {}{}  {mem_parse}",
        ms(t_parse),
        cpu(cpu_loaded, cpu_parse),
        if args.free_trees {
            "  (check_freeing_trees: parse and parts, each tree freed after its part)"
        } else if args.serial_parse {
            "  (skipped: parsed on demand by model)"
        } else {
            "  (parse_all_in_parallel)"
        }
    );
    println!(
        "model        {}  {}  ({elements} elements, {relationships} relationships)  {mem_model}",
        ms(t_model),
        cpu(cpu_parse, cpu_model)
    );
    println!("  {view_line}");
    println!(
        "diagnostics  {}  {}  ({findings} findings)  {mem_diag}",
        ms(t_diag),
        cpu(cpu_model, cpu_diag)
    );
    println!("summary      {}", ms(t_summary));
    println!(
        "cold check   {}  (set_file .. summary; CPU time {:.0} ms on {} threads, input {:.0} ms)",
        ms(total),
        cpu_check * 1e3,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        (cpu_loaded - cpu_start) * 1e3
    );
    println!(
        "summary      files {} elements {} relationships {} errors {} warnings {} infos {}",
        summary.files,
        summary.elements,
        summary.relationships,
        summary.errors,
        summary.warnings,
        summary.infos
    );
    let hwm = kozo_bench::status_mib("VmHWM:").unwrap_or(f64::NAN);
    let rss = kozo_bench::status_mib("VmRSS:").unwrap_or(f64::NAN);
    println!("memory       peak RSS (VmHWM) {hwm:.1} MiB, RSS now {rss:.1} MiB");

    if args.edits > 0 {
        let file = analysis.files().find(|&f| analysis.path(f) == edit_path);
        let Some(file) = file else {
            eprintln!("kozo-bench-check: no file to edit");
            return ExitCode::from(1);
        };
        let text = analysis.text(file).to_string();
        let variants = if args.declare {
            [format!("{text}\nsystem zz_new\n"), text.clone()]
        } else if args.typo {
            let Some(typo) = kozo_bench::reference_typo(&text, true) else {
                eprintln!("kozo-bench-check: no reference to misspell in {edit_path}");
                return ExitCode::from(1);
            };
            [typo, text.clone()]
        } else {
            [
                kozo_bench::one_line_edit(&text, true),
                kozo_bench::one_line_edit(&text, false),
            ]
        };
        let mut total = Vec::new();
        let mut parts = Vec::new();
        for i in 0..args.edits {
            let t = Instant::now();
            analysis.set_file(&edit_path, variants[i % 2].clone());
            let set = t.elapsed();
            let p = Instant::now();
            analysis.parse(file);
            let parse = p.elapsed();
            let m = Instant::now();
            if !args.serial_parse {
                // As the language server does after every edit.
                analysis.build_parts_in_parallel();
            }
            analysis.model();
            let model = m.elapsed();
            // The lists file by file, as the language server reads them,
            // then the whole list, as `kozo check` reads it.
            let l = Instant::now();
            let by_file = kozo_engine::db::findings_by_file(analysis.db(), analysis.workspace());
            std::hint::black_box(by_file.files().count());
            let lists = l.elapsed();
            let d = Instant::now();
            let n = analysis.diagnostics().len();
            let diag = d.elapsed();
            if !args.declare && !args.typo {
                assert_eq!(n, findings, "an edit of a label changed the findings");
            }
            total.push(t.elapsed());
            parts.push([set, parse, model, lists, diag]);
        }
        let mut sorted = total.clone();
        sorted.sort();
        let median = sorted[sorted.len() / 2];
        let mid = total.iter().position(|&d| d == median).unwrap_or(0);
        let [set, parse, model, lists, diag] = parts[mid];
        println!(
            "re-check     median {} min {} max {} over {} {} of {edit_path}",
            ms(median),
            ms(sorted[0]),
            ms(sorted[sorted.len() - 1]),
            args.edits,
            if args.declare {
                "declaring edits (an element added, removed)"
            } else if args.typo {
                "reference typos and fixes"
            } else {
                "one-line edits"
            }
        );
        println!(
            "  (median run: set_file {} + parse {} + model {} + findings file by file {} + whole list {})",
            ms(set).trim(),
            ms(parse).trim(),
            ms(model).trim(),
            ms(lists).trim(),
            ms(diag).trim()
        );
        // Up to the lists file by file: what the language server waits for.
        let mut to_lists: Vec<Duration> = parts.iter().map(|p| p[..4].iter().sum()).collect();
        to_lists.sort();
        println!(
            "  edit -> findings file by file: median {} min {} max {}",
            ms(to_lists[to_lists.len() / 2]).trim(),
            ms(to_lists[0]).trim(),
            ms(to_lists[to_lists.len() - 1]).trim()
        );
        let at_once = kozo_engine::db::diagnostics_at_once(analysis.db(), analysis.workspace());
        if analysis.diagnostics() != at_once.as_slice() {
            eprintln!("kozo-bench-check: the findings differ from those gathered at once");
            return ExitCode::from(1);
        }
        println!(
            "  after the edits: {} findings, equal to those gathered at once",
            at_once.len()
        );
        let mut parses: Vec<_> = parts.iter().map(|p| p[1]).collect();
        parses.sort();
        println!(
            "  parse of the edited file: median {} min {} max {}",
            ms(parses[parses.len() / 2]).trim(),
            ms(parses[0]).trim(),
            ms(parses[parses.len() - 1]).trim()
        );
    }
    let t = Instant::now();
    drop(analysis);
    println!("drop         {}  (freeing the analysis)", ms(t.elapsed()));
    ExitCode::SUCCESS
}
