//! Criterion benchmarks of the language core on synthetic workspaces
//! (`kozo_bench::synthetic_workspace`):
//!
//! - `cold_check/N`: a new `Analysis`, every file set, `parse_all_in_parallel`,
//!   `diagnostics()` and `summary()`, for N = 1k, 10k and 100k elements;
//! - `incremental/label_edit_10k`: a 10k-element workspace checked once, then
//!   each iteration changes one line (a `label ja` text) of one file with
//!   `set_file` and asks for `diagnostics()` again;
//! - `parse/largest_file`: `kozo_lang::parse` of the largest generated file.
//!
//! The workspace targets of the issue: 100k cold ≤ 1 s, one-line re-check of
//! a 10k workspace ≤ 20 ms (docs/performance.md has the figures).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use kozo_bench::{one_line_edit, part_count, part_path, synthetic_workspace};
use kozo_engine::{Analysis, Config};

fn cold(files: Vec<(String, String)>) -> Analysis {
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in files {
        analysis.set_file(&path, text);
    }
    analysis.parse_all_in_parallel();
    black_box(analysis.diagnostics());
    black_box(analysis.summary());
    analysis
}

fn cold_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("cold_check");
    for elements in [1_000usize, 10_000, 100_000] {
        let files = synthetic_workspace(elements);
        if elements >= 100_000 {
            group.sample_size(10);
            group.warm_up_time(Duration::from_secs(1));
            group.measurement_time(Duration::from_secs(20));
        } else {
            group.sample_size(20);
            group.measurement_time(Duration::from_secs(10));
        }
        group.throughput(Throughput::Elements(elements as u64));
        group.bench_with_input(BenchmarkId::from_parameter(elements), &files, |b, files| {
            // The clone of the texts is set-up, and the analysis is dropped
            // after timing: only the check itself is measured.
            b.iter_batched(|| files.clone(), cold, BatchSize::PerIteration);
        });
    }
    group.finish();
}

fn incremental(c: &mut Criterion) {
    let elements = 10_000;
    let mut analysis = cold(synthetic_workspace(elements));
    assert!(analysis.diagnostics().is_empty());
    let path = part_path(part_count(elements) / 2);
    let text = analysis
        .files()
        .find(|&f| analysis.path(f) == path)
        .map(|f| analysis.text(f).to_string())
        .expect("the edited file exists");
    let variants = [one_line_edit(&text, true), one_line_edit(&text, false)];
    assert_ne!(variants[0], variants[1]);
    let mut group = c.benchmark_group("incremental");
    group.sample_size(50);
    let mut turn = 0usize;
    group.bench_function("label_edit_10k", |b| {
        b.iter(|| {
            turn += 1;
            analysis.set_file(&path, variants[turn % 2].clone());
            black_box(analysis.diagnostics().len())
        });
    });
    group.finish();
}

fn parse(c: &mut Criterion) {
    let files = synthetic_workspace(100_000);
    let (path, text) = files
        .iter()
        .max_by_key(|(_, text)| text.len())
        .expect("a file");
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("largest_file", |b| {
        b.iter(|| {
            let parse = kozo_lang::parse(black_box(text));
            assert!(parse.errors.is_empty(), "{path}");
            parse
        });
    });
    group.finish();
}

criterion_group!(benches, parse, incremental, cold_check);
criterion_main!(benches);
