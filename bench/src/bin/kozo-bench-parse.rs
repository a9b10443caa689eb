//! `kozo-bench-parse N [--runs R]`
//! `kozo-bench-parse --dir DIR [--runs R]`
//!
//! `kozo_lang::parse` alone, on one thread, over every file of a synthetic
//! workspace of N elements (or the `.kozo` files under DIR): the best wall
//! time of R runs (on one thread, close to its CPU time), the throughput,
//! the most heap a run holds at once and the heap its trees keep. This is
//! the parser's share of a cold check without the engine around it, and
//! the figure the parser's changes are measured by.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// Counts the bytes allocated and not freed (live) and the most ever live
/// since the last reset (peak).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout)
    }

    /// Counted as a move from the old size to the new: large blocks (a
    /// big file's statement list) are moved by remapping pages, not copied.
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Relaxed);
        let live = LIVE.fetch_add(new_size, Relaxed) + new_size;
        PEAK.fetch_max(live, Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn read_dir(dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_dir(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "kozo") {
            out.push(std::fs::read_to_string(&path)?);
        }
    }
    Ok(())
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() -> ExitCode {
    let usage = "usage: kozo-bench-parse N | --dir DIR [--runs R]";
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let mut elements: Option<usize> = None;
    let mut runs = 3;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dir" => dir = args.next().map(PathBuf::from),
            "--runs" => match args.next().and_then(|r| r.parse().ok()) {
                Some(r) if r > 0 => runs = r,
                _ => {
                    eprintln!("kozo-bench-parse: --runs needs a positive number");
                    return ExitCode::from(2);
                }
            },
            n => match n.replace('_', "").parse() {
                Ok(n) => elements = Some(n),
                Err(_) => {
                    eprintln!("kozo-bench-parse: not a number of elements: `{n}`\n{usage}");
                    return ExitCode::from(2);
                }
            },
        }
    }
    let texts: Vec<String> = match (dir, elements) {
        (Some(dir), _) => {
            let mut texts = Vec::new();
            if let Err(err) = read_dir(&dir, &mut texts) {
                eprintln!("kozo-bench-parse: {}: {err}", dir.display());
                return ExitCode::from(2);
            }
            texts
        }
        (None, Some(n)) => kozo_bench::synthetic_workspace(n)
            .into_iter()
            .map(|(_, text)| text)
            .collect(),
        (None, None) => {
            eprintln!("kozo-bench-parse: {usage}");
            return ExitCode::from(2);
        }
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "input        {} files, {:.1} MiB of text",
        texts.len(),
        mib(bytes)
    );

    let mut best = Duration::MAX;
    let mut peak = 0;
    let mut kept = 0;
    let mut errors = 0;
    for _ in 0..runs {
        let before = LIVE.load(Relaxed);
        PEAK.store(before, Relaxed);
        let start = Instant::now();
        let parses: Vec<kozo_lang::Parse> = texts.iter().map(|t| kozo_lang::parse(t)).collect();
        best = best.min(start.elapsed());
        peak = PEAK.load(Relaxed) - before;
        kept = LIVE.load(Relaxed) - before;
        errors = parses.iter().map(|p| p.errors.len()).sum();
        drop(parses);
    }
    let seconds = best.as_secs_f64();
    println!(
        "parse        {:.1} ms (best of {runs}, one thread), {:.1} MiB/s, {errors} syntax errors",
        seconds * 1e3,
        mib(bytes) / seconds
    );
    println!(
        "heap         peak {:.1} MiB during a run, {:.1} MiB kept by the trees",
        mib(peak),
        mib(kept)
    );
    println!(
        "memory       peak RSS (VmHWM) {:.1} MiB",
        kozo_bench::status_mib("VmHWM:").unwrap_or(f64::NAN)
    );
    ExitCode::SUCCESS
}
