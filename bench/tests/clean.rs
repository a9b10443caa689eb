//! The synthetic workspace must be valid and clean: the benchmarks measure
//! the cost of checking a real model, not of reporting findings.

use kozo_bench::synthetic_workspace;
use kozo_engine::{Analysis, Config};

fn check(elements: usize) {
    let files = synthetic_workspace(elements);
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in files {
        analysis.set_file(&path, text);
    }
    analysis.parse_all_in_parallel();
    let diagnostics = analysis.diagnostics();
    let summary = analysis.summary();
    let shown: Vec<String> = diagnostics
        .iter()
        .take(20)
        .map(|d| {
            format!(
                "{} {}: {} ({}..{})",
                d.rule,
                analysis.path(d.file),
                d.message,
                d.span.start,
                d.span.end
            )
        })
        .collect();
    assert!(
        diagnostics.is_empty(),
        "{elements} elements: {} findings, first ones:\n{}",
        diagnostics.len(),
        shown.join("\n")
    );
    assert_eq!(summary.elements, elements, "{summary:?}");
    assert_eq!((summary.errors, summary.warnings, summary.infos), (0, 0, 0));
    // About two relationships per element (small workspaces are mostly
    // context elements, which have fewer).
    if elements < 1_000 {
        return;
    }
    let ratio = summary.relationships as f64 / elements as f64;
    assert!((1.8..=2.4).contains(&ratio), "{summary:?}");
}

#[test]
fn clean_1k() {
    check(1_000);
}

#[test]
fn clean_10k() {
    check(10_000);
}

#[test]
fn clean_for_odd_sizes() {
    for elements in [2, 7, 23, 250, 777, 1_499, 2_345] {
        check(elements);
    }
}

/// Guards the test above: a broken reference in the generated text is found.
#[test]
fn a_broken_reference_is_reported() {
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in synthetic_workspace(1_000) {
        analysis.set_file(&path, text.replacen(": calls", ": callz", 1));
    }
    let rules: Vec<String> = analysis
        .diagnostics()
        .iter()
        .map(|d| d.rule.to_string())
        .collect();
    assert!(
        rules.contains(&"undefined-reference".to_string()),
        "{rules:?}"
    );
}
