//! Data-driven tests of the semantic diff: every folder of `tests/diff/` is
//! a pair of workspaces, `old/` and `new/`, and the diff between them is
//! compared with an insta snapshot of its JSON form
//! (`tests/snapshots/diff__<name>.snap`).
//!
//! Each case also says what it is about in `expect`: one line per change,
//! `CATEGORY CHANGE ID` (`element renamed bms.edge_gw`). The diff must list
//! exactly those changes, so a wrong snapshot cannot be accepted unnoticed.
//! An empty `expect` means the two sides are the same model.

use std::path::{Path, PathBuf};

use kozo_engine::diff::{self, ChangeKind};
use kozo_engine::Analysis;

fn load(dir: &Path) -> Analysis {
    let mut analysis = Analysis::default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("side folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "kozo"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        analysis.set_file_bytes(&name, std::fs::read(&path).expect("readable"));
    }
    analysis
}

#[test]
fn diff_fixtures() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/diff exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "diff fixtures are missing");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let (old, new) = (load(&case.join("old")), load(&case.join("new")));
        let result = diff::diff(&old, &new);
        let mut found: Vec<String> = result
            .changes
            .iter()
            .map(|c| format!("{} {} {}", c.category.name(), c.change.name(), c.id))
            .collect();
        found.sort();
        let expect = std::fs::read_to_string(case.join("expect")).expect("expect file");
        let mut wanted: Vec<String> = expect
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        wanted.sort();
        assert_eq!(found, wanted, "changes of case `{name}`");
        let json = serde_json::to_string_pretty(&result).expect("serialisable");
        insta::assert_snapshot!(name, json);
    }
}

/// The diff of a model with itself is empty, whatever the model.
#[test]
fn a_model_against_itself_is_no_change() {
    for example in [
        "smart-building",
        "data-space",
        "drone-logistics",
        "every-rule",
        "c4-bigbank",
    ] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../examples")
            .join(example);
        let (a, b) = (load(&dir), load(&dir));
        let result = diff::diff(&a, &b);
        assert!(result.changes.is_empty(), "{example}: {:?}", result.changes);
        assert!(result.findings.is_empty(), "{example}");
    }
}

/// Removing a whole file of an example: every element of it is removed,
/// and the impact names the views that showed them and their stakeholders.
#[test]
fn impact_on_the_smart_building_example() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/smart-building");
    let old = load(&dir);
    let mut new = load(&dir);
    let text = new.text(new.file("building.kozo").unwrap()).to_string();
    // The CO2 sensors go; so does every relationship that names them.
    let edited: String = text
        .lines()
        .filter(|l| !l.contains("co2_sensors"))
        .map(|l| format!("{l}\n"))
        .collect();
    new.set_file("building.kozo", edited);
    let result = diff::diff(&old, &new);
    let removed = result
        .changes
        .iter()
        .find(|c| c.id == "tower.co2_sensors")
        .expect("the sensors are removed");
    assert_eq!(removed.change, ChangeKind::Removed);
    assert!(removed.impact.views.contains(&"asset_view".to_string()));
    assert!(removed.impact.viewpoints.contains(&"asset_vp".to_string()));
    assert!(removed
        .impact
        .concerns
        .contains(&"occupant_comfort".to_string()));
    assert!(removed
        .impact
        .stakeholders
        .contains(&"facility_manager".to_string()));
    let fm = result
        .review
        .iter()
        .find(|r| r.stakeholder == "facility_manager")
        .expect("the facility manager reviews");
    assert!(fm.concerns.iter().any(|c| c.name == "occupant_comfort"));
}

mod arbitrary_input {
    use super::*;
    use proptest::prelude::*;

    fn analysis(text: &str) -> Analysis {
        let mut analysis = Analysis::default();
        analysis.set_file_bytes("model.kozo", text.as_bytes().to_vec());
        analysis
    }

    const BASE: &str = "use society5\nconcern c \"C\"\nstakeholder s { concerns c }\nviewpoint vp { frames c }\nsystem a \"A\" { component x \"X\" }\ndataset d \"D\"\na.x -> d : flows \"f\"\nview v of vp { include a, a.*, d }\n";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any two texts compare without a panic, and a text against itself is no change.
        #[test]
        fn any_two_texts_compare(a in "\\PC{0,200}", b in "\\PC{0,200}") {
            let (old, new) = (analysis(&a), analysis(&b));
            let _ = diff::diff(&old, &new);
            let same = diff::diff(&old, &analysis(&a));
            prop_assert!(same.changes.is_empty());
            prop_assert!(same.findings.is_empty());
        }

        /// A model with bytes cut out or spliced in still compares, and
        /// the highlighted view of either side can be built.
        #[test]
        fn edited_models_compare(cut in 0usize..400, len in 0usize..40, insert in "\\PC{0,20}") {
            let mut text = BASE.to_string();
            let start = (cut % (text.len() + 1)).min(text.len());
            let start = (0..=start).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            let end = (start + len).min(text.len());
            let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
            text.replace_range(start..end, &insert);
            let (old, new) = (analysis(BASE), analysis(&text));
            let result = diff::diff(&old, &new);
            let _ = diff::highlight::highlight(&old, &new, &result, "v", None);
            let back = diff::diff(&new, &old);
            prop_assert_eq!(result.changes.is_empty(), back.changes.is_empty());
        }
    }
}
