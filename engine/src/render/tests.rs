//! Tests of the renderer on the examples and on hostile input: DOT
//! snapshots, SVGs that parse and hold one shape per shown element and
//! relationship, escaping, determinism, and the Graphviz path when `dot`
//! is installed.

use std::path::{Path, PathBuf};

use super::diagram::Diagram;
use super::{dot, json, layout, mermaid, plantuml, to_svg, Engine};
use crate::analysis::Analysis;
use crate::config::Config;
use crate::model::ViewId;

const EXAMPLES: &[&str] = &[
    "smart-building",
    "drone-logistics",
    "data-space",
    "city-platform",
    "c4-bigbank",
];

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "kozo") {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// An example workspace, read from disk with its kozo.toml.
fn example(name: &str) -> Analysis {
    let root = examples_dir().join(name);
    let config = std::fs::read_to_string(root.join("kozo.toml"))
        .map(|t| Config::parse(&t).unwrap())
        .unwrap_or_default();
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let mut analysis = Analysis::new(config);
    for (path, text) in files {
        analysis.set_file(&path, text);
    }
    analysis
}

fn workspace(files: &[(&str, &str)]) -> Analysis {
    let mut analysis = Analysis::default();
    for (path, text) in files {
        analysis.set_file(path, text.to_string());
    }
    analysis
}

fn diagrams(analysis: &Analysis) -> Vec<(ViewId, Diagram)> {
    let lang = analysis.config().render.lang.clone();
    analysis
        .model()
        .view_ids()
        .map(|v| (v, Diagram::of_view(analysis, v, lang.as_deref())))
        .collect()
}

/// Whether the Graphviz cases can run. When `CI` is set, a missing `dot`
/// fails the test instead; elsewhere the skip is printed, and the tests
/// that need nothing but `dot` carry `needs_dot` in their names, so
/// `cargo test needs_dot` shows whether they ran.
fn graphviz() -> bool {
    let available = super::graphviz_available();
    if !available {
        assert!(
            std::env::var_os("CI").is_none(),
            "Graphviz `dot` is not on PATH, and CI is set: install Graphviz"
        );
        println!("warning: Graphviz `dot` is not on PATH; the Graphviz engine is not tested here");
    }
    available
}

/// Parses SVG as XML; Graphviz's output carries the SVG 1.1 DOCTYPE.
fn parse_svg(svg: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(svg, options)
}

fn class_of<'a>(node: &roxmltree::Node<'a, 'a>) -> &'a str {
    node.attribute("class").unwrap_or("")
}

/// Parses an SVG and checks it holds one traceable group per shown element
/// and per shown relationship, each with its model path and a `<title>`.
fn check_svg(svg: &str, analysis: &Analysis, view: ViewId, diagram: &Diagram) {
    let doc = parse_svg(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let model = analysis.model();
    let groups = |class: &str| -> Vec<roxmltree::Node> {
        doc.descendants()
            .filter(|n| n.has_tag_name("g") && class_of(n).split(' ').any(|c| c == class))
            .collect()
    };
    let elements = groups("kozo-element");
    let mut paths: Vec<&str> = elements
        .iter()
        .map(|g| g.attribute("data-kozo-path").expect("data-kozo-path"))
        .collect();
    paths.sort();
    let mut expected: Vec<&str> = model
        .view(view)
        .elements
        .iter()
        .map(|s| model.element(s.element).path.as_str())
        .collect();
    expected.sort();
    assert_eq!(paths, expected, "one node per shown element");

    let edges = groups("kozo-relationship");
    let shown = model.view_relationships(view);
    assert_eq!(edges.len(), shown.len(), "one edge per shown relationship");
    let mut keys: Vec<String> = edges
        .iter()
        .map(|g| {
            g.attribute("data-kozo-path")
                .expect("data-kozo-path")
                .to_string()
        })
        .collect();
    keys.sort();
    let mut expected: Vec<String> = shown
        .iter()
        .map(|s| {
            format!(
                "{}->{}:{}",
                model.element(s.source).path,
                model.element(s.target).path,
                model.relation_kind(s.kind).info.name
            )
        })
        .collect();
    expected.sort();
    assert_eq!(keys, expected);

    for g in elements.iter().chain(edges.iter()) {
        let title = g
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or_else(|| panic!("a <title> in {:?}", g.attribute("id")));
        let path = g.attribute("data-kozo-path").unwrap();
        let head = path.split("->").next().unwrap();
        assert!(title.starts_with(head), "{title} / {path}");
        assert!(g
            .attribute("data-kozo-source")
            .is_some_and(|s| s.contains(':')));
    }
    let implied = edges
        .iter()
        .filter(|g| g.attribute("data-kozo-implied") == Some("true"))
        .count();
    assert_eq!(implied, shown.iter().filter(|s| s.implied).count());
    assert_eq!(diagram.edges.len(), shown.len());
}

#[test]
fn dot_snapshots_of_the_examples() {
    for name in EXAMPLES {
        let analysis = example(name);
        for (_, diagram) in diagrams(&analysis) {
            let dot = dot::to_dot(&diagram);
            insta::assert_snapshot!(format!("{name}__{}", diagram.view), dot);
        }
    }
}

#[test]
fn builtin_svgs_hold_every_shown_element_and_relationship() {
    for name in EXAMPLES {
        let analysis = example(name);
        let all = diagrams(&analysis);
        assert!(all.len() >= 3, "{name} has views");
        for (view, diagram) in all {
            let svg = to_svg(&diagram, Engine::Builtin).unwrap();
            check_svg(&svg, &analysis, view, &diagram);
        }
    }
}

#[test]
fn needs_dot_graphviz_svgs_hold_every_shown_element_and_relationship() {
    if !graphviz() {
        return;
    }
    for name in EXAMPLES {
        let analysis = example(name);
        for (view, diagram) in diagrams(&analysis) {
            let svg = to_svg(&diagram, Engine::Graphviz).unwrap();
            check_svg(&svg, &analysis, view, &diagram);
        }
    }
}

/// The numbers of an SVG point list or path (`x,y x,y`, `M x,y C …`),
/// paired as coordinates: the horizontal and vertical bounds.
fn svg_bounds(values: &str) -> (f64, f64, f64, f64) {
    let numbers: Vec<f64> = values
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter_map(|n| n.parse().ok())
        .collect();
    let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for pair in numbers.chunks(2) {
        if let [x, y] = pair {
            b = (b.0.min(*x), b.1.min(*y), b.2.max(*x), b.3.max(*y));
        }
    }
    b
}

#[test]
fn needs_dot_graphviz_bands_are_full_width_aligned_and_meet() {
    if !graphviz() {
        return;
    }
    for name in EXAMPLES {
        let analysis = example(name);
        for (_, diagram) in diagrams(&analysis) {
            let svg = to_svg(&diagram, Engine::Graphviz).unwrap();
            let doc = parse_svg(&svg).unwrap();
            let shape = |g: &roxmltree::Node| {
                g.children()
                    .find(|c| c.has_tag_name("polygon") || c.has_tag_name("path"))
                    .map(|s| svg_bounds(s.attribute("points").or(s.attribute("d")).unwrap()))
            };
            let bands: Vec<(f64, f64, f64, f64)> = doc
                .descendants()
                .filter(|n| n.has_tag_name("g") && class_of(n).contains("kozo-layer"))
                .filter_map(|g| shape(&g))
                .collect();
            assert_eq!(bands.len(), diagram.bands.len(), "{}", diagram.view);
            for pair in bands.windows(2) {
                let (above, below) = (pair[0], pair[1]);
                assert_eq!(
                    (above.0, above.2),
                    (below.0, below.2),
                    "aligned: {}",
                    diagram.view
                );
                assert!((above.3 - below.1).abs() < 0.01, "meet: {}", diagram.view);
            }
            // Every element lies inside the bands' span, right of the
            // title column (which the column's own shape marks).
            let column = doc
                .descendants()
                .filter(|n| n.has_tag_name("g") && class_of(n).contains("kozo-layer"))
                .filter_map(|g| g.children().filter(|c| c.has_tag_name("polygon")).nth(1))
                .map(|p| svg_bounds(p.attribute("points").unwrap()).2)
                .fold(f64::MIN, f64::max);
            for g in doc
                .descendants()
                .filter(|n| n.has_tag_name("g") && class_of(n).contains("kozo-element"))
            {
                let (left, _, right, _) = shape(&g).unwrap();
                let band = bands[0];
                assert!(
                    left > column && right <= band.2,
                    "{} in {}: {left}..{right} vs {column}..{}",
                    g.attribute("data-kozo-path").unwrap(),
                    diagram.view,
                    band.2
                );
            }
        }
    }
}

#[test]
fn dot_parses_back_with_graphviz_rust() {
    let analysis = example("smart-building");
    for (_, diagram) in diagrams(&analysis) {
        let text = dot::to_dot(&diagram);
        graphviz_rust::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    }
}

const HOSTILE: &str = r#"
use society5
concern c1 "\"</text><script>alert(1)</script>" { label ja "<b>\"x\"</b>" }
viewpoint vp "vp \" </title><script>alert(2)</script>" { frames c1 }
system evil "\"</text><script>alert(1)</script>" {
  component quote "a \"quoted\" \\\" label\nwith a second line & more"
  component brace "{{ }} [ ] | # ; %% end `code` **bold** <U+0022> &#34; \\n"
}
system other "ok" { label ja "日本語のラベル\n二行目" }
evil.quote -> other : flows "-->|x| \"; </text><script>alert(3)</script>\n@enduml"
evil -> evil.brace : uses "]] --> [["
view v of vp "\"</title><script>alert(4)</script>" { include evil, evil.*, other }
"#;

const INJECTED: &[&str] = &["<script", "</script", "</text><", "</title><"];

#[test]
fn hostile_labels_inject_nothing() {
    let analysis = workspace(&[("evil.kozo", HOSTILE)]);
    let view = analysis.model().view_by_name("v").unwrap();
    for lang in [None, Some("ja")] {
        let diagram = Diagram::of_view(&analysis, view, lang);
        assert_eq!(diagram.nodes.len(), 4);
        let mut outputs = vec![
            ("dot", dot::to_dot(&diagram)),
            ("builtin", to_svg(&diagram, Engine::Builtin).unwrap()),
            ("mermaid", mermaid::to_mermaid(&diagram)),
            ("plantuml", plantuml::to_plantuml(&diagram)),
        ];
        if graphviz() {
            outputs.push(("graphviz", to_svg(&diagram, Engine::Graphviz).unwrap()));
        }
        for (what, text) in &outputs {
            for bad in INJECTED {
                assert!(!text.contains(bad), "{what} contains {bad}:\n{text}");
            }
        }
        for (what, svg) in outputs
            .iter()
            .filter(|(w, _)| *w == "builtin" || *w == "graphviz")
        {
            let doc = parse_svg(svg).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(
                !doc.descendants().any(|n| n.has_tag_name("script")),
                "{what} has a script element"
            );
            // The label survives as text.
            let texts: String = doc
                .descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect();
            if lang.is_none() {
                assert!(texts.contains("</text><script>alert(1)</script>"), "{what}");
            }
        }
        // DOT: one statement per line still parses, and the labels are escaped.
        let dot_text = &outputs[0].1;
        graphviz_rust::parse(dot_text).unwrap_or_else(|e| panic!("{e}\n{dot_text}"));
        assert!(dot_text.contains("&lt;/text&gt;&lt;script&gt;"));
        // Mermaid: every quoted string closes on its own line.
        for line in outputs[2].1.lines() {
            assert_eq!(line.matches('"').count() % 2, 0, "mermaid line: {line}");
            assert!(!line.contains("```"), "{line}");
        }
        // PlantUML: no raw quote or tag from a label.
        for line in outputs[3].1.lines() {
            assert!(line.matches('"').count() <= 2, "plantuml line: {line}");
            assert!(!line.trim_start().starts_with("@enduml") || line == "@enduml");
        }
        assert_eq!(outputs[3].1.matches("@enduml").count(), 1);
    }
}

#[test]
fn rendering_is_deterministic() {
    let render_all = || -> Vec<String> {
        let mut out = Vec::new();
        for name in EXAMPLES {
            let analysis = example(name);
            out.push(json::export(&analysis));
            for (_, d) in diagrams(&analysis) {
                out.push(dot::to_dot(&d));
                out.push(to_svg(&d, Engine::Builtin).unwrap());
                out.push(mermaid::to_mermaid(&d));
                out.push(plantuml::to_plantuml(&d));
            }
        }
        out
    };
    let (first, second) = (render_all(), render_all());
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert!(a == b, "two renderings differ");
    }
    if graphviz() {
        let analysis = example("drone-logistics");
        for (_, d) in diagrams(&analysis) {
            let a = to_svg(&d, Engine::Graphviz).unwrap();
            let b = to_svg(&d, Engine::Graphviz).unwrap();
            assert!(a == b, "two Graphviz renderings of {} differ", d.view);
        }
    }
}

#[test]
fn builtin_layout_nests_children_and_stacks_bands_in_layer_order() {
    for name in EXAMPLES {
        let analysis = example(name);
        let model = analysis.model();
        for (_, diagram) in diagrams(&analysis) {
            let l = layout::layout(&diagram);
            for (i, node) in diagram.nodes.iter().enumerate() {
                let r = l.nodes[i].rect;
                assert!(r.w > 0.0 && r.h > 0.0);
                if let Some(p) = node.parent {
                    let pr = l.nodes[p].rect;
                    assert!(
                        r.x >= pr.x
                            && r.y >= pr.y + l.nodes[p].header - 0.5
                            && r.right() <= pr.right()
                            && r.bottom() <= pr.bottom(),
                        "{} inside {}",
                        node.path,
                        diagram.nodes[p].path
                    );
                } else {
                    let band = l.bands[node.band].rect;
                    assert!(
                        r.y >= band.y && r.bottom() <= band.bottom(),
                        "{} in its band",
                        node.path
                    );
                }
            }
            // Bands go down in layer rank order.
            let ranks: Vec<u32> = diagram
                .bands
                .iter()
                .map(|b| {
                    b.layer
                        .as_deref()
                        .and_then(|n| model.layer_by_name(n))
                        .map_or(u32::MAX, |l| model.layer(l).rank)
                })
                .collect();
            assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{ranks:?}");
            assert!(l
                .bands
                .windows(2)
                .all(|w| w[0].rect.bottom() <= w[1].rect.y + 0.01));
            // Japanese labels fit their boxes.
            for (i, node) in diagram.nodes.iter().enumerate() {
                let g = &l.nodes[i];
                let (left, _, right, _) = layout::shape_padding(node.shape);
                let text = super::text::block_width(&g.label, layout::LABEL_SIZE);
                let room = if node.is_container() {
                    g.rect.w
                } else {
                    g.rect.w - left - right
                };
                assert!(text <= room + 0.5, "{}: {text} > {room}", node.path);
            }
        }
    }
}

#[test]
fn labels_follow_the_language() {
    let analysis = example("smart-building");
    let view = analysis.model().view_by_name("building_data_view").unwrap();
    let ja = Diagram::of_view(&analysis, view, Some("ja"));
    let en = Diagram::of_view(&analysis, view, Some("en"));
    let bms = |d: &Diagram| {
        d.nodes
            .iter()
            .find(|n| n.path == "bms")
            .unwrap()
            .label
            .clone()
    };
    assert_eq!(bms(&ja), "ビル管理システム（BMS）");
    assert_eq!(bms(&en), "Building management system (BMS)");
    assert_eq!(ja.words.legend, "凡例");
    assert_eq!(en.bands[0].label, "Function");
    assert_eq!(ja.bands[0].label, "利活用機能");
}

#[test]
fn implied_relationships_are_dashed_and_counted() {
    let analysis = workspace(&[(
        "m.kozo",
        "use society5\nsystem a { component x\n component y }\nsystem b { component z }\na.x -> b.z : flows\na.y -> b.z : flows\nview v { include a, b }\n",
    )]);
    let view = analysis.model().view_by_name("v").unwrap();
    let d = Diagram::of_view(&analysis, view, None);
    assert_eq!(d.edges.len(), 1);
    assert!(d.edges[0].implied);
    assert_eq!(d.edges[0].label, "flows to ×2");
    assert_eq!(d.edges[0].relationships.len(), 2);
    let dot = dot::to_dot(&d);
    assert!(dot.contains("style=\"dashed\""), "{dot}");
    let svg = to_svg(&d, Engine::Builtin).unwrap();
    assert!(svg.contains("stroke-dasharray"));
    assert!(
        svg.contains("data-kozo-relationships=\"a.x-&gt;b.z:flows;a.y-&gt;b.z:flows\""),
        "{svg}"
    );
}

/// An edge to a container drawn as a boundary is left out when an edge of
/// the same kind to (or from) something inside it says the same; one with a
/// label of its own stays. Lifted edges refine too.
#[test]
fn an_edge_to_a_boundary_that_a_finer_one_repeats_is_left_out() {
    let analysis = workspace(&[(
        "m.kozo",
        r#"use society5
actor customer
system bank {
  component web
  component api { component facade }
}
system mainframe
system mail
customer -> bank : uses "Pays using"
customer -> bank.web : uses "Pays using"
bank -> mainframe : uses "Gets accounts from"
bank.api.facade -> mainframe : uses "Calls"
bank -> mail : uses
bank.api.facade -> mail : uses "Sends e-mail using"
customer -> bank : flows "Statements"
view v { include customer, bank, bank.*, mainframe, mail }
"#,
    )]);
    let model = analysis.model();
    let view = model.view_by_name("v").unwrap();
    let mut shown: Vec<String> = model
        .view_relationships(view)
        .iter()
        .map(|s| {
            format!(
                "{}->{}:{}{}",
                model.element(s.source).path,
                model.element(s.target).path,
                model.relation_kind(s.kind).info.name,
                if s.implied { " (implied)" } else { "" }
            )
        })
        .collect();
    shown.sort();
    assert_eq!(
        shown,
        [
            // A label of its own: kept.
            "bank->mainframe:uses",
            "bank.api->mail:uses (implied)",
            "bank.api->mainframe:uses (implied)",
            "customer->bank.web:uses",
            // Another kind: kept.
            "customer->bank:flows",
        ]
    );
}

#[test]
fn empty_views_and_models_with_errors_still_draw() {
    let analysis = workspace(&[(
        "m.kozo",
        "use society5\nsystem a\nwidget w\na -> nowhere\nview empty { }\nview broken of missing { include a, w, ghost }\n",
    )]);
    for (view, diagram) in diagrams(&analysis) {
        let svg = to_svg(&diagram, Engine::Builtin).unwrap();
        check_svg(&svg, &analysis, view, &diagram);
        graphviz_rust::parse(&dot::to_dot(&diagram)).unwrap();
        if graphviz() {
            let svg = to_svg(&diagram, Engine::Graphviz).unwrap();
            check_svg(&svg, &analysis, view, &diagram);
        }
    }
}

#[test]
fn json_export_has_every_section_with_locations() {
    let analysis = example("smart-building");
    let value: serde_json::Value = serde_json::from_str(&json::export(&analysis)).unwrap();
    assert_eq!(value["version"], 1);
    for section in [
        "layers",
        "kinds",
        "relation_kinds",
        "elements",
        "relationships",
        "stakeholders",
        "concerns",
        "viewpoints",
        "views",
        "decisions",
    ] {
        assert!(
            value[section].as_array().is_some_and(|a| !a.is_empty()),
            "{section}"
        );
    }
    let bms = value["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "bms.edge_gw")
        .unwrap();
    assert_eq!(bms["kind"], "component");
    assert_eq!(bms["parent"], "bms");
    assert_eq!(bms["layer"], "function");
    assert_eq!(bms["labels"]["ja"], "エッジゲートウェイ");
    assert_eq!(bms["location"]["file"], "platform.kozo");
    assert!(bms["location"]["line"].as_u64().unwrap() > 1);
    let view = value["views"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "privacy_view")
        .unwrap();
    assert_eq!(view["viewpoint"], "data_flow_vp");
    let rels = value["relationships"].as_array().unwrap();
    for shown in view["relationships"].as_array().unwrap() {
        for index in shown["relationships"].as_array().unwrap() {
            let r = &rels[index.as_u64().unwrap() as usize];
            assert_eq!(r["kind"], shown["kind"]);
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Any label, in any output: no panic, well-formed SVG, DOT that parses.
    #[test]
    // Labels draw half their characters from the ones every output must
    // escape, so that each case holds several.
    fn any_label_renders_safely(label in "([<>&\"'\\\\{}|\\]\\[]|\\PC){0,40}", other in "[\\x00-\\x7f]{0,30}", lang in "(ja|en|)") {
        let source = format!(
            "use society5\nsystem a {} {{ component b {} }}\ndataset d {}\na.b -> d : flows {}\nview v {} {{ include a, a.b, d }}\n",
            kozo_lang::string_literal(&label),
            kozo_lang::string_literal(&other),
            kozo_lang::string_literal(&other),
            kozo_lang::string_literal(&label),
            kozo_lang::string_literal(&other),
        );
        let analysis = workspace(&[("m.kozo", &source)]);
        // Every label is a valid string: the view always exists.
        let view = analysis.model().view_by_name("v");
        proptest::prop_assert!(view.is_some(), "no view in:\n{}", source);
        let view = view.unwrap();
        let diagram = Diagram::of_view(&analysis, view, (!lang.is_empty()).then_some(lang.as_str()));
        let svg = to_svg(&diagram, Engine::Builtin).unwrap();
        check_svg(&svg, &analysis, view, &diagram);
        let dot_text = dot::to_dot(&diagram);
        proptest::prop_assert!(graphviz_rust::parse(&dot_text).is_ok(), "{}", dot_text);
        for text in [mermaid::to_mermaid(&diagram), plantuml::to_plantuml(&diagram)] {
            proptest::prop_assert!(!text.contains("<script"));
            let nul = '\0';
            proptest::prop_assert!(!text.contains(nul));
        }
    }
}

/// The most crossings the built-in engine may draw over all views of each
/// example: what Graphviz 2.43 draws on the same views (counted the same
/// way on its SVGs), so that a change that draws more than Graphviz fails.
const CROSSINGS: &[(&str, usize)] = &[
    ("smart-building", 27),
    ("drone-logistics", 43),
    ("data-space", 32),
    ("city-platform", 260),
    ("c4-bigbank", 8),
];

#[test]
fn builtin_diagrams_keep_lines_off_boxes_and_labels_apart() {
    let mut report = String::new();
    let mut failed = false;
    for &(name, most_crossings) in CROSSINGS {
        let analysis = example(name);
        let mut total = super::quality::Quality::default();
        for (_, diagram) in diagrams(&analysis) {
            let svg = to_svg(&diagram, Engine::Builtin).unwrap();
            let q = super::quality::measure(&svg);
            report.push_str(&format!("{name}/{}: {q:?}\n", diagram.view));
            total += q;
        }
        report.push_str(&format!("{name} total: {total:?}\n"));
        if total.through + total.label_label + total.label_box + total.box_box > 0
            || total.crossings > most_crossings
        {
            failed = true;
        }
    }
    println!("{report}");
    assert!(!failed, "{report}");
}
