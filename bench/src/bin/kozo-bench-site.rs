//! `kozo-bench-site [ELEMENTS] [--views N] [--out DIR]`: the phases of
//! `kozo site` on a synthetic workspace, in-process, with their wall-clock
//! and CPU times and the peak resident memory (`VmHWM`).
//!
//! The workspace is `kozo_bench::synthetic_workspace(ELEMENTS)` (10 000 by
//! default); `--views N` keeps its first N views (by name) and drops the
//! others, so that a 10k workspace can have the 20 views the site's
//! performance target names. Phases: load and check, build the site
//! (every diagram in every language with the built-in engine, every page,
//! the search index), write it to `--out` (a new temporary folder by
//! default).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use kozo_bench::synthetic_workspace;
use kozo_engine::render::Engine;
use kozo_engine::{Analysis, Config};
use kozo_site::SiteOptions;

/// CPU time (user + system, all threads) used by the process so far, in
/// milliseconds, from /proc/self/stat (clock ticks of 10 ms).
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) * 10.0
}

/// Drops every `view ... { ... }` declaration after the first `keep` ones.
fn keep_views(files: &mut [(String, String)], keep: usize) -> usize {
    let mut kept = 0;
    for (_, text) in files.iter_mut() {
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find("\nview ") {
            out.push_str(&rest[..at + 1]);
            let body = &rest[at + 1..];
            let end = body.find("\n}").map_or(body.len(), |e| e + 2);
            if kept < keep {
                out.push_str(&body[..end]);
                kept += 1;
            }
            rest = &body[end..];
        }
        out.push_str(rest);
        *text = out;
    }
    kept
}

fn main() -> ExitCode {
    let mut elements = 10_000;
    let mut views: Option<usize> = None;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--views" => views = args.next().and_then(|v| v.parse().ok()),
            "--out" => out = args.next().map(PathBuf::from),
            n => match n.parse() {
                Ok(n) => elements = n,
                Err(_) => {
                    eprintln!("usage: kozo-bench-site [ELEMENTS] [--views N] [--out DIR]");
                    return ExitCode::from(2);
                }
            },
        }
    }
    let mut files = synthetic_workspace(elements);
    if let Some(n) = views {
        keep_views(&mut files, n);
    }

    let start = Instant::now();
    let cpu_start = cpu_ms();
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in files {
        analysis.set_file(&path, text);
    }
    analysis.parse_all_in_parallel();
    let summary = analysis.summary();
    let model = analysis.model();
    let load = start.elapsed();
    println!(
        "workspace    {} elements, {} relationships, {} views, {} findings",
        summary.elements,
        summary.relationships,
        model.views.len(),
        summary.errors + summary.warnings + summary.infos
    );
    let cpu = cpu_ms();
    println!(
        "load+check   {:>8.1} ms wall, {:>7.0} ms CPU",
        load.as_secs_f64() * 1e3,
        cpu - cpu_start
    );

    let options = SiteOptions {
        title: "synthetic".to_string(),
        lang: None,
        base_url: None,
        engine: Engine::Builtin,
        live_reload: false,
        since: None,
    };
    let t = Instant::now();
    let c = cpu_ms();
    let site = kozo_site::build(&analysis, &options);
    let build = t.elapsed();
    let build_cpu = cpu_ms() - c;
    let bytes: usize = site.files.values().map(Vec::len).sum();
    println!(
        "build site   {:>8.1} ms wall, {:>7.0} ms CPU ({} files, {:.1} MiB)",
        build.as_secs_f64() * 1e3,
        build_cpu,
        site.files.len(),
        bytes as f64 / (1024.0 * 1024.0)
    );

    let dir = out.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("kozo-bench-site-{}", std::process::id()))
    });
    let t = Instant::now();
    let c = cpu_ms();
    if let Err(err) = kozo_site::output::write(&dir, &site) {
        eprintln!("kozo-bench-site: {err}");
        return ExitCode::from(1);
    }
    let write = t.elapsed();
    println!(
        "write        {:>8.1} ms wall, {:>7.0} ms CPU, to {}",
        write.as_secs_f64() * 1e3,
        cpu_ms() - c,
        dir.display()
    );
    println!(
        "total        {:>8.1} ms wall, {:>7.0} ms CPU",
        start.elapsed().as_secs_f64() * 1e3,
        cpu_ms() - cpu_start
    );
    println!(
        "memory       peak RSS (VmHWM) {:.1} MiB",
        kozo_bench::status_mib("VmHWM:").unwrap_or(f64::NAN)
    );
    ExitCode::SUCCESS
}
