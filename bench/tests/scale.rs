//! Each scaling case grows the dimension it names, and only that one: the
//! findings counted here are what `kozo check` spends its time on.

use kozo_bench::scale::{scale_workspace, CASES};
use kozo_engine::{Analysis, Config, Rule};

/// How many findings of each rule the case at size `n` gives.
fn counts(case: &str, n: usize) -> std::collections::BTreeMap<&'static str, usize> {
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in scale_workspace(case, n).expect("a known case") {
        analysis.set_file(&path, text);
    }
    let mut out = std::collections::BTreeMap::new();
    for d in analysis.diagnostics() {
        *out.entry(d.rule.name()).or_default() += 1;
    }
    out
}

#[test]
fn every_case_grows_its_own_dimension() {
    let n = 200;
    let c = counts("duplicates", n);
    assert_eq!(c.get(Rule::DuplicateDefinition.name()), Some(&n));
    let c = counts("misspelt", n);
    assert_eq!(c.get(Rule::UndefinedReference.name()), Some(&n));
    let c = counts("allow", n);
    assert_eq!(c.get(Rule::OrphanElement.name()), None, "{c:?}");
    assert_eq!(c.get(Rule::ElementNotInView.name()), None, "{c:?}");
    let c = counts("cycles", n);
    assert_eq!(c.get(Rule::Cycle.name()), Some(&(n / 2)));
    let c = counts("chain", n);
    assert_eq!(c.get(Rule::Cycle.name()), Some(&1));
    let c = counts("huge-file", n);
    assert_eq!(c.get(Rule::UndefinedReference.name()), None, "{c:?}");
    assert_eq!(c.get(Rule::ElementNotInView.name()), None, "{c:?}");
    let c = counts("view", n);
    assert_eq!(c.get(Rule::ElementNotInView.name()), None, "{c:?}");
    let files = scale_workspace("files", n).unwrap();
    assert_eq!(files.len(), n + 1);
    let c = counts("files", n);
    assert_eq!(c.get(Rule::ElementNotInView.name()), Some(&n), "{c:?}");
    assert_eq!(c.get(Rule::UndefinedReference.name()), None, "{c:?}");
    assert!(scale_workspace("nothing", n).is_none());
    assert_eq!(CASES.len(), 8);
}

/// The `kozo.toml` of the many-files case turns off exactly the two rules
/// that would report each of its elements.
#[test]
fn the_many_files_case_is_checked_clean_with_its_configuration() {
    let config = Config::parse(kozo_bench::scale::kozo_toml("files")).unwrap();
    let mut analysis = Analysis::new(config);
    for (path, text) in scale_workspace("files", 300).unwrap() {
        analysis.set_file(&path, text);
    }
    assert!(
        analysis.diagnostics().is_empty(),
        "{:?}",
        analysis.diagnostics()
    );
}

#[test]
fn misspelt_references_get_a_suggestion() {
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in scale_workspace("misspelt", 50).unwrap() {
        analysis.set_file(&path, text);
    }
    let first = analysis
        .diagnostics()
        .iter()
        .find(|d| d.rule == Rule::UndefinedReference)
        .expect("a finding");
    assert!(
        first.message.contains("did you mean `element_"),
        "{}",
        first.message
    );
}

#[test]
fn the_huge_file_is_about_100_bytes_a_line() {
    let files = scale_workspace("huge-file", 10_000).unwrap();
    let bytes = files[0].1.len();
    // Two lines per element (declaration and relationship).
    assert!((1_000_000..1_500_000).contains(&bytes), "{bytes} bytes");
}
