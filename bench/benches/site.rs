//! Criterion benchmark of `kozo site` in-process: the whole site of
//! `examples/smart-building` (50 elements, 5 views drawn in English and
//! Japanese by the built-in engine, every page, the search index), from a
//! loaded workspace to the files in memory. Target: ≤ 300 ms.
//!
//! The 10 000-element figure is measured on the real binary (see
//! docs/performance.md): `kozo-synth 10000 DIR`, then `kozo site DIR`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use kozo_engine::render::Engine;
use kozo_engine::{Analysis, Config};
use kozo_site::SiteOptions;

fn smart_building() -> Analysis {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/smart-building");
    let config = std::fs::read_to_string(root.join("kozo.toml"))
        .map(|t| Config::parse(&t).expect("kozo.toml parses"))
        .unwrap_or_default();
    let mut analysis = Analysis::new(config);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("the example")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "kozo"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        analysis.set_file(&name, std::fs::read_to_string(&path).expect("UTF-8"));
    }
    analysis
}

fn site_benches(c: &mut Criterion) {
    let analysis = smart_building();
    analysis.diagnostics();
    let options = SiteOptions {
        title: "smart-building".to_string(),
        lang: None,
        base_url: None,
        engine: Engine::Builtin,
        live_reload: false,
        since: None,
    };
    let mut group = c.benchmark_group("site");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("smart_building_builtin", |b| {
        b.iter(|| black_box(kozo_site::build(&analysis, &options)));
    });
    group.finish();
}

criterion_group!(benches, site_benches);
criterion_main!(benches);
