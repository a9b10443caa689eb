//! Criterion benchmarks of the formatter (`kozo_lang::format::format`) on
//! synthetic workspaces (`kozo_bench::synthetic_workspace`):
//!
//! - `format/workspace/N`: every file of an N-element workspace formatted
//!   one after the other on one thread, for N = 10k and 100k (the target of
//!   the formatter issue: 100k elements in ≤ 1 s);
//! - `format/workspace_parallel/100000`: the same on every core, files
//!   handed out one at a time, the way `kozo fmt` runs;
//! - `format/largest_file`: the largest file of the 100k workspace, with
//!   throughput in bytes.
//!
//! Each run checks that the output formats to itself, so the benchmark
//! cannot measure a formatter that gave up early. docs/performance.md has
//! the figures.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kozo_bench::synthetic_workspace;
use kozo_lang::format::{format, FormatOptions};

fn format_all(files: &[(String, String)], options: &FormatOptions) -> usize {
    let mut bytes = 0;
    for (path, text) in files {
        let formatted = format(black_box(text), options)
            .unwrap_or_else(|e| panic!("{path} is not formatted: {e}"));
        bytes += formatted.len();
    }
    bytes
}

fn workspace(c: &mut Criterion) {
    let options = FormatOptions::default();
    let mut group = c.benchmark_group("format/workspace");
    for elements in [10_000usize, 100_000] {
        let files = synthetic_workspace(elements);
        // The generator's files are laid out the canonical way but for
        // details; formatting once must reach a fixed point.
        let once: Vec<(String, String)> = files
            .iter()
            .map(|(path, text)| (path.clone(), format(text, &options).expect("formats")))
            .collect();
        for (path, text) in &once {
            assert_eq!(&format(text, &options).expect("formats"), text, "{path}");
        }
        if elements >= 100_000 {
            group.sample_size(10);
            group.warm_up_time(Duration::from_secs(1));
            group.measurement_time(Duration::from_secs(20));
        } else {
            group.sample_size(20);
        }
        group.throughput(Throughput::Elements(elements as u64));
        group.bench_with_input(BenchmarkId::from_parameter(elements), &files, |b, files| {
            b.iter(|| format_all(files, &options));
        });
    }
    group.finish();
}

/// Formats the files on every core, each worker taking the next file.
fn format_parallel(files: &[(String, String)], options: &FormatOptions) -> usize {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut bytes = 0;
                    while let Some((path, text)) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let formatted = format(black_box(text), options)
                            .unwrap_or_else(|e| panic!("{path} is not formatted: {e}"));
                        bytes += formatted.len();
                    }
                    bytes
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker"))
            .sum()
    })
}

fn workspace_parallel(c: &mut Criterion) {
    let options = FormatOptions::default();
    let elements = 100_000;
    let files = synthetic_workspace(elements);
    let mut group = c.benchmark_group("format/workspace_parallel");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(elements as u64));
    group.bench_with_input(BenchmarkId::from_parameter(elements), &files, |b, files| {
        b.iter(|| format_parallel(files, &options));
    });
    group.finish();
}

fn largest_file(c: &mut Criterion) {
    let options = FormatOptions::default();
    let files = synthetic_workspace(100_000);
    let (path, text) = files
        .iter()
        .max_by_key(|(_, text)| text.len())
        .expect("a file");
    let mut group = c.benchmark_group("format");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("largest_file", |b| {
        b.iter(|| format(black_box(text), &options).unwrap_or_else(|e| panic!("{path}: {e}")));
    });
    group.finish();
}

criterion_group!(benches, largest_file, workspace, workspace_parallel);
criterion_main!(benches);
