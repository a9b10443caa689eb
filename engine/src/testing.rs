//! Helpers for the rules' tests: check model text, list what a rule found.

use crate::analysis::Analysis;
use crate::diagnostic::Diagnostic;
use crate::rules::Rule;

pub(crate) fn run(files: &[(&str, &str)]) -> Analysis {
    let mut analysis = Analysis::default();
    for (path, text) in files {
        analysis.set_file(path, text.to_string());
    }
    analysis
}

fn of_rule(analysis: &Analysis, rule: Rule) -> Vec<Diagnostic> {
    analysis
        .diagnostics()
        .iter()
        .filter(|d| d.rule == rule)
        .cloned()
        .collect()
}

/// The source text under each finding of `rule` in a one-file workspace.
pub fn fires(src: &str, rule: Rule) -> Vec<String> {
    let analysis = run(&[("model.kozo", src)]);
    of_rule(&analysis, rule)
        .iter()
        .map(|d| analysis.text(d.file)[d.span.range()].to_string())
        .collect()
}

/// `path:text` of each finding of `rule` in a workspace of several files.
pub fn fires_in(files: &[(&str, &str)], rule: Rule) -> Vec<String> {
    let analysis = run(files);
    of_rule(&analysis, rule)
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                analysis.path(d.file),
                &analysis.text(d.file)[d.span.range()]
            )
        })
        .collect()
}

/// The messages of the findings of `rule` in a one-file workspace.
pub fn messages(src: &str, rule: Rule) -> Vec<String> {
    let analysis = run(&[("model.kozo", src)]);
    let mut text = crate::MessageText::new(&analysis);
    of_rule(&analysis, rule)
        .into_iter()
        .map(|d| text.message(&d).into_owned())
        .collect()
}
