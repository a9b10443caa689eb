//! Criterion benchmarks of `kozo render` on a 300-element view of a
//! synthetic workspace (`kozo_bench::synthetic_workspace(300)` plus one view
//! that includes every element):
//!
//! - `render/builtin_svg_300`: the view's diagram and its SVG from the
//!   built-in layout (target ≤ 1 s);
//! - `render/builtin_svg_dense_view`: the same for the densest view of
//!   `examples/city-platform` (27 elements, 37 relationships; target
//!   ≤ 50 ms);
//! - `render/builtin_svg_c4_containers`: the container view of
//!   `examples/c4-bigbank` (9 elements, descriptions in the boxes and
//!   technology on boxes and edges);
//! - `render/builtin_svg_3000`: a 3 000-element view, to see that the
//!   layout grows no faster than it should;
//! - `render/graphviz_kozo_share_300`: everything kozo does around Graphviz
//!   (the diagram, the DOT text, making `dot`'s SVG traceable), that is all
//!   but `dot` itself (target ≤ 50 ms);
//! - `render/dot_text_300`: the diagram and its DOT text;
//! - `render/graphviz_total_300`: the same including `dot` (only when
//!   Graphviz is installed; for information).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use kozo_bench::synthetic_workspace;
use kozo_engine::model::ViewId;
use kozo_engine::render::{self, Diagram, Engine};
use kozo_engine::{Analysis, Config};

const ELEMENTS: usize = 300;

/// The synthetic workspace and a view of all its elements.
fn workspace() -> (Analysis, ViewId) {
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in synthetic_workspace(ELEMENTS) {
        analysis.set_file(&path, text);
    }
    let model = analysis.model();
    let mut includes = vec!["*".to_string()];
    for element in &model.elements {
        if element.parent.is_none() && !element.children.is_empty() {
            includes.push(format!("{}.**", element.path));
        }
    }
    let view = format!(
        "view bench_all \"All elements\" {{\n  include {}\n}}\n",
        includes.join(", ")
    );
    analysis.set_file("bench_view.kozo", view);
    let id = analysis
        .model()
        .view_by_name("bench_all")
        .expect("the bench view");
    let shown = analysis.model().view(id).elements.len();
    assert_eq!(shown, ELEMENTS, "the bench view shows every element");
    (analysis, id)
}

/// A synthetic workspace of `elements` elements and a view of them all.
fn synthetic(elements: usize) -> (Analysis, ViewId) {
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in synthetic_workspace(elements) {
        analysis.set_file(&path, text);
    }
    let model = analysis.model();
    let mut includes = vec!["*".to_string()];
    for element in &model.elements {
        if element.parent.is_none() && !element.children.is_empty() {
            includes.push(format!("{}.**", element.path));
        }
    }
    let view = format!(
        "view bench_all \"All elements\" {{\n  include {}\n}}\n",
        includes.join(", ")
    );
    analysis.set_file("bench_view.kozo", view);
    let id = analysis
        .model()
        .view_by_name("bench_all")
        .expect("the bench view");
    (analysis, id)
}

/// An example workspace (`examples/NAME`), read from the repository.
fn example(name: &str) -> Analysis {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    let mut analysis = Analysis::new(Config::default());
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("the example's folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "kozo"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        analysis.set_file(&name, std::fs::read_to_string(&path).unwrap());
    }
    analysis
}

fn render_benches(c: &mut Criterion) {
    let (analysis, view) = workspace();
    let mut group = c.benchmark_group("render");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));

    let city = example("city-platform");
    let dense = city
        .model()
        .view_by_name("platform_view")
        .expect("the platform view");
    group.bench_function("builtin_svg_dense_view", |b| {
        b.iter(|| {
            let diagram = Diagram::of_view(&city, dense, None);
            black_box(render::to_svg(&diagram, Engine::Builtin).unwrap())
        })
    });

    // A view that shows descriptions in its boxes and technology on its
    // boxes and edges: the wrapping and sizing they add.
    let bank = example("c4-bigbank");
    let containers = bank
        .model()
        .view_by_name("containers")
        .expect("the containers view");
    group.bench_function("builtin_svg_c4_containers", |b| {
        b.iter(|| {
            let diagram = Diagram::of_view(&bank, containers, None);
            black_box(render::to_svg(&diagram, Engine::Builtin).unwrap())
        })
    });

    group.bench_function("builtin_svg_300", |b| {
        b.iter(|| {
            let diagram = Diagram::of_view(&analysis, view, Some("ja"));
            black_box(render::to_svg(&diagram, Engine::Builtin).unwrap())
        })
    });
    group.bench_function("dot_text_300", |b| {
        b.iter(|| {
            let diagram = Diagram::of_view(&analysis, view, Some("ja"));
            black_box(render::to_dot(&diagram))
        })
    });

    {
        let (large, large_view) = synthetic(3000);
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(10));
        group.bench_function("builtin_svg_3000", |b| {
            b.iter(|| {
                let diagram = Diagram::of_view(&large, large_view, Some("ja"));
                black_box(render::to_svg(&diagram, Engine::Builtin).unwrap())
            })
        });
        group.sample_size(20);
        group.measurement_time(Duration::from_secs(8));
    }

    if render::graphviz_available() {
        let diagram = Diagram::of_view(&analysis, view, Some("ja"));
        let dot_svg = render::run_dot(render::to_dot(&diagram)).expect("dot runs");
        group.bench_function("graphviz_kozo_share_300", |b| {
            b.iter(|| {
                let diagram = Diagram::of_view(&analysis, view, Some("ja"));
                let dot = render::to_dot(&diagram);
                black_box(dot.len());
                black_box(render::graphviz_postprocess(&dot_svg, &diagram))
            })
        });
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(30));
        group.bench_function("graphviz_total_300", |b| {
            b.iter(|| {
                let diagram = Diagram::of_view(&analysis, view, Some("ja"));
                black_box(render::to_svg(&diagram, Engine::Graphviz).unwrap())
            })
        });
    } else {
        println!("note: Graphviz `dot` is not on PATH; the Graphviz benchmarks are skipped");
    }
    group.finish();
}

criterion_group!(benches, render_benches);
criterion_main!(benches);
