//! Tests of what curated views and relation-kind notation put in every
//! output: DOT, Mermaid and PlantUML snapshots of one curated view, groups
//! and notes that hostile text cannot break out of, determinism, and the
//! JSON export's additions.

use super::diagram::Diagram;
use super::{dot, json, mermaid, plantuml, to_svg, Engine};
use crate::analysis::Analysis;
use crate::model::ViewId;

const CURATED: &str = r#"use society5
concern c "Reviewable"
stakeholder s { concerns c }
viewpoint vp { frames c }
organization city "City office"
actor resident "Resident"
system bms "Building management" {
  component hvac "HVAC controller"
  component gw "Edge gateway"
  hvac -> gw : flows "setpoints"
}
system crm "CRM"
system portal "Resident portal" { component web "Web front" }
service permits "Permits"
dataset occ "Occupancy"
bms.gw -> occ : flows "counts"
bms -> occ : flows "daily export"
crm -> portal : flows "cases"
portal.web -> bms : uses
portal -> permits : realizes
city -> portal : owns
resident -> portal.web : uses "applies"
crm -> bms : depends
view curated of vp "Curated" {
  include *, bms.*, portal.web
  exclude bms.hvac -> bms.gw
  group front "Front office" { include crm, portal }
  note "Counts leave the building every 5 minutes."
}
view chain of vp "Chain" {
  include crm, portal, bms, occ, permits
  direction right
  implied off
}
"#;

fn analysis(text: &str) -> Analysis {
    let mut analysis = Analysis::default();
    analysis.set_file("model.kozo", text.to_string());
    analysis
}

fn diagram_of(analysis: &Analysis, view: &str) -> (ViewId, Diagram) {
    let id = analysis.model().view_by_name(view).unwrap();
    (id, Diagram::of_view(analysis, id, None))
}

#[test]
fn curated_view_outputs() {
    let analysis = analysis(CURATED);
    assert!(
        analysis.diagnostics().is_empty(),
        "{:?}",
        analysis.diagnostics()
    );
    for view in ["curated", "chain"] {
        let (_, diagram) = diagram_of(&analysis, view);
        insta::assert_snapshot!(format!("curated__{view}__dot"), dot::to_dot(&diagram));
        insta::assert_snapshot!(
            format!("curated__{view}__mermaid"),
            mermaid::to_mermaid(&diagram)
        );
        insta::assert_snapshot!(
            format!("curated__{view}__plantuml"),
            plantuml::to_plantuml(&diagram)
        );
    }
}

#[test]
fn curated_diagram_holds_groups_notes_and_notation() {
    let analysis = analysis(CURATED);
    let (_, diagram) = diagram_of(&analysis, "curated");
    let path = |n: usize| diagram.nodes[n].path.as_str();
    assert_eq!(diagram.groups.len(), 1);
    let members: Vec<&str> = diagram.groups[0].members.iter().map(|&m| path(m)).collect();
    assert_eq!(members, ["crm", "portal"]);
    assert_eq!(diagram.groups[0].label, "Front office");
    assert_eq!(diagram.notes.len(), 1);
    assert!(diagram.notes[0]
        .source
        .as_ref()
        .is_some_and(|s| s.line == 28));
    // The exclusion and the lifting rules: no hvac -> gw, no bms -> bms.gw.
    let keys: Vec<&str> = diagram.edges.iter().map(|e| e.key.as_str()).collect();
    assert!(
        !keys.iter().any(|k| k.starts_with("bms.hvac->")),
        "{keys:?}"
    );
    assert!(!keys.contains(&"bms->bms.gw:flows"), "{keys:?}");
    let owns = diagram.edges.iter().find(|e| e.kind == "owns").unwrap();
    assert_eq!(
        (owns.notation.line, owns.notation.head, owns.notation.tail),
        (
            super::diagram::LineStyle::Solid,
            super::diagram::Head::None,
            super::diagram::Head::Diamond
        )
    );
    let legend: Vec<(&str, String)> = diagram
        .legend
        .relations
        .iter()
        .map(|r| (r.name.as_str(), dot::notation_sample(r.notation)))
        .collect();
    assert!(
        legend.contains(&("realizes", "┉┉┉▷".to_string())),
        "{legend:?}"
    );
    assert!(legend.contains(&("owns", "◆━━━".to_string())), "{legend:?}");

    let (_, chain) = diagram_of(&analysis, "chain");
    assert_eq!(chain.direction, super::diagram::Direction::Right);
    assert!(chain.edges.iter().all(|e| !e.implied));
}

const HOSTILE: &str = r#"use society5
system a
system b
a -> b
view v {
  include a, b
  group g "\"</text><script>alert(1)</script>]] end {{ }} @enduml" { include a, b }
  note "\"</title><script>alert(2)</script>\nend note\n@enduml\n```"
}
"#;

#[test]
fn hostile_group_labels_and_notes_inject_nothing() {
    let analysis = analysis(HOSTILE);
    let (_, diagram) = diagram_of(&analysis, "v");
    assert_eq!(diagram.groups.len(), 1);
    assert_eq!(diagram.notes.len(), 1);
    let mut outputs = vec![
        ("dot", dot::to_dot(&diagram)),
        ("builtin", to_svg(&diagram, Engine::Builtin).unwrap()),
        ("mermaid", mermaid::to_mermaid(&diagram)),
        ("plantuml", plantuml::to_plantuml(&diagram)),
    ];
    if super::graphviz_available() {
        outputs.push(("graphviz", to_svg(&diagram, Engine::Graphviz).unwrap()));
    }
    for (what, text) in &outputs {
        for bad in ["<script", "</text><", "</title><"] {
            assert!(!text.contains(bad), "{what} contains {bad}:\n{text}");
        }
    }
    graphviz_rust::parse(&outputs[0].1).unwrap_or_else(|e| panic!("{e}\n{}", outputs[0].1));
    for line in outputs[2].1.lines() {
        assert_eq!(line.matches('"').count() % 2, 0, "mermaid line: {line}");
        assert!(!line.contains("```"), "{line}");
    }
    let plantuml = &outputs[3].1;
    assert_eq!(plantuml.matches("@enduml").count(), 1, "{plantuml}");
    // Only a line of its own ends a note; the note's text stays on one line.
    let ends = plantuml.lines().filter(|l| l.trim() == "end note").count();
    assert_eq!(ends, 1, "{plantuml}");
}

#[test]
fn curated_rendering_is_deterministic_and_graphviz_draws_it() {
    let render = || -> Vec<String> {
        let analysis = analysis(CURATED);
        let mut out = vec![json::export(&analysis)];
        for view in ["curated", "chain"] {
            let (_, d) = diagram_of(&analysis, view);
            out.push(dot::to_dot(&d));
            out.push(to_svg(&d, Engine::Builtin).unwrap());
        }
        out
    };
    assert!(render() == render(), "two renderings differ");
    if !super::graphviz_available() {
        return;
    }
    let analysis = analysis(CURATED);
    let (_, d) = diagram_of(&analysis, "curated");
    let svg = to_svg(&d, Engine::Graphviz).unwrap();
    // Graphviz writes `-` in a class as `&#45;`.
    assert!(svg.contains("kozo&#45;group\""), "a group cluster");
    assert!(svg.contains("kozo&#45;note\""), "a note");
    for node in &d.nodes {
        assert!(
            svg.contains(&format!("data-kozo-path=\"{}\"", node.path)),
            "{}",
            node.path
        );
    }
}

#[test]
fn json_export_carries_notation_groups_and_notes() {
    let analysis = analysis(CURATED);
    let value: serde_json::Value = serde_json::from_str(&json::export(&analysis)).unwrap();
    assert_eq!(value["version"], 1);
    let kinds = value["relation_kinds"].as_array().unwrap();
    let realizes = kinds.iter().find(|k| k["name"] == "realizes").unwrap();
    assert_eq!(
        realizes["notation"],
        serde_json::json!({ "line": "dotted", "head": "hollow_triangle", "tail": "none" })
    );
    assert_eq!(realizes["upward"], true);
    assert_eq!(realizes["same_kind"], false);
    assert_eq!(
        realizes["allow"][1],
        serde_json::json!({ "from": ["platform", "api"], "to": ["api"] })
    );
    let uses = kinds.iter().find(|k| k["name"] == "uses").unwrap();
    assert_eq!(uses["allow"], serde_json::json!([]));
    let views = value["views"].as_array().unwrap();
    let curated = views.iter().find(|v| v["name"] == "curated").unwrap();
    assert_eq!(curated["implied"], serde_json::Value::Null);
    assert_eq!(curated["groups"][0]["name"], "front");
    assert_eq!(
        curated["groups"][0]["elements"],
        serde_json::json!(["crm", "portal"])
    );
    assert_eq!(
        curated["notes"][0]["text"],
        "Counts leave the building every 5 minutes."
    );
    assert_eq!(curated["notes"][0]["location"]["line"], 28);
    let chain = views.iter().find(|v| v["name"] == "chain").unwrap();
    assert_eq!(chain["implied"], false);
    assert_eq!(chain["direction"], "right");
    assert!(chain["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["implied"] == false));
}
