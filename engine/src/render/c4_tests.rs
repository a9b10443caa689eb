//! Tests of what `show description, technology` puts in every output:
//! descriptions in the chosen language inside the boxes, technology after
//! the kind and on edges (`label [technology]`), in DOT, Mermaid and
//! PlantUML snapshots, the built-in SVG (a long Japanese description stays
//! inside its box) and the JSON export; how a view's `show` combines with
//! its viewpoint's; and a legend that names each kind once.

use super::diagram::Diagram;
use super::{dot, json, mermaid, plantuml, text, to_svg, Engine};
use crate::analysis::Analysis;

const C4: &str = r#"layer people "People"
layer software "Software"
kind person "Person" { layer people shape person }
kind software_system "Software system" { layer software }
kind container "Container" { layer software parents software_system shape rounded }
relation uses "uses" { default }
person customer "Customer" {
  label ja "顧客"
  description "A customer of the bank."
  description ja "銀行の顧客。"
}
software_system bank "Internet banking" {
  label ja "インターネットバンキング"
  description "Lets customers see their accounts."
  description ja "顧客が口座を確認できるようにする。"
  container api "API application" {
    description "Serves the JSON API."
    technology "Java and Spring MVC"
  }
  container db "Database" {
    description "Stores credentials."
    technology "Oracle"
  }
  api -> db "Reads from and writes to" {
    label ja "読み書きする"
    technology "SQL/TCP"
  }
}
customer -> bank.api "Makes API calls to" {
  label ja "APIを呼ぶ"
  technology "JSON/HTTPS"
}
viewpoint c4 "Containers" { show description, technology }
viewpoint plain "Plain"
view containers of c4 "Containers" { include customer, bank, bank.* }
view names_only of c4 "Names only" { show none  include customer, bank, bank.* }
view descriptions of plain "Descriptions" { show description  include customer, bank, bank.* }
view plain_view of plain "Default" { include customer, bank, bank.* }
"#;

fn analysis(text: &str) -> Analysis {
    let mut analysis = Analysis::default();
    analysis.set_file("model.kozo", text.to_string());
    analysis
}

fn diagram(analysis: &Analysis, view: &str, lang: Option<&str>) -> Diagram {
    let id = analysis.model().view_by_name(view).unwrap();
    Diagram::of_view(analysis, id, lang)
}

#[test]
fn c4_model_is_clean() {
    let analysis = analysis(C4);
    assert!(
        analysis.diagnostics().is_empty(),
        "{:?}",
        analysis.diagnostics()
    );
}

#[test]
fn descriptions_and_technology_in_every_text_output() {
    let analysis = analysis(C4);
    for lang in ["en", "ja"] {
        let d = diagram(&analysis, "containers", Some(lang));
        insta::assert_snapshot!(format!("c4__{lang}__dot"), dot::to_dot(&d));
        insta::assert_snapshot!(format!("c4__{lang}__mermaid"), mermaid::to_mermaid(&d));
        insta::assert_snapshot!(format!("c4__{lang}__plantuml"), plantuml::to_plantuml(&d));
        let svg = to_svg(&d, Engine::Builtin).unwrap();
        let (description, edge) = match lang {
            "ja" => ("銀行の顧客。", "APIを呼ぶ [JSON/HTTPS]"),
            _ => ("A customer of the bank.", "[JSON/HTTPS]"),
        };
        for wanted in [description, edge, "«Container: Oracle»"] {
            assert!(
                svg.contains(wanted),
                "{lang}: {wanted} not in the built-in SVG"
            );
        }
    }
}

#[test]
fn a_views_show_replaces_its_viewpoints() {
    let analysis = analysis(C4);
    let model = analysis.model();
    let show = |view: &str| model.view_show(model.view_by_name(view).unwrap());
    assert_eq!(
        (
            show("containers").description,
            show("containers").technology
        ),
        (true, true)
    );
    assert_eq!(
        (
            show("names_only").description,
            show("names_only").technology
        ),
        (false, false)
    );
    assert_eq!(
        (
            show("descriptions").description,
            show("descriptions").technology
        ),
        (true, false)
    );
    assert_eq!(
        (
            show("plain_view").description,
            show("plain_view").technology
        ),
        (false, false)
    );
    // Without `show`, boxes and edges read as they always did.
    let d = diagram(&analysis, "plain_view", None);
    let svg = to_svg(&d, Engine::Builtin).unwrap();
    assert!(!svg.contains(">A customer of the bank.<"), "{svg}");
    assert!(!svg.contains("[JSON/HTTPS]"), "{svg}");
    assert!(svg.contains("«Container»"));
    let d = diagram(&analysis, "descriptions", None);
    let svg = to_svg(&d, Engine::Builtin).unwrap();
    assert!(svg.contains(">A customer of the bank.<"), "{svg}");
    assert!(!svg.contains("[JSON/HTTPS]"), "{svg}");
}

#[test]
fn json_carries_description_translations_technology_and_show() {
    let analysis = analysis(C4);
    let value: serde_json::Value = serde_json::from_str(&json::export(&analysis)).unwrap();
    let element = |path: &str| {
        value["elements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == path)
            .unwrap()
            .clone()
    };
    assert_eq!(element("customer")["descriptions"]["ja"], "銀行の顧客。");
    assert_eq!(element("bank.db")["technology"], "Oracle");
    assert_eq!(element("customer")["technology"], serde_json::Value::Null);
    let rel = value["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "customer->bank.api:uses")
        .unwrap();
    assert_eq!(rel["technology"], "JSON/HTTPS");
    assert_eq!(
        value["viewpoints"][0]["show"],
        serde_json::json!(["description", "technology"])
    );
    let view = |name: &str| {
        value["views"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap()["show"]
            .clone()
    };
    assert_eq!(view("names_only"), serde_json::json!([]));
    assert_eq!(view("containers"), serde_json::Value::Null);
}

/// The `x`, `y`, `width` and `height` of an SVG element.
fn rect_of(node: &roxmltree::Node) -> Option<(f64, f64, f64, f64)> {
    let number = |name: &str| node.attribute(name)?.parse::<f64>().ok();
    Some((
        number("x")?,
        number("y")?,
        number("width")?,
        number("height")?,
    ))
}

#[test]
fn a_long_japanese_description_stays_inside_its_box() {
    let long = "顧客が口座残高を確認し、振込・支払い・定期預金の設定・利用明細のダウンロードを行えるようにする、インターネットバンキングの中核となるシステムで、二十四時間三百六十五日止まらずに動き続ける。";
    let source = format!(
        "kind software_system \"ソフトウェアシステム\"\nkind person {{ shape person }}\n\
         software_system bank \"インターネットバンキング\" {{ description \"{long}\" technology \"Java\" }}\n\
         person customer \"顧客\" {{ description \"{long}\" }}\n\
         customer -> bank\n\
         view v {{ show description, technology  include bank, customer }}\n"
    );
    let analysis = analysis(&source);
    let d = diagram(&analysis, "v", Some("ja"));
    let svg = to_svg(&d, Engine::Builtin).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let mut checked = 0;
    for g in doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("data-kozo-path").is_some())
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.contains("kozo-element"))
        })
    {
        // The box is the group's widest rectangle (a person's head and
        // icon are smaller shapes inside it).
        let (bx, by, bw, bh) = g
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .filter_map(|n| rect_of(&n))
            .fold(
                (0.0, 0.0, 0.0, 0.0),
                |best, r| if r.2 > best.2 { r } else { best },
            );
        assert!(bw > 0.0, "a box for {:?}", g.attribute("data-kozo-path"));
        let texts: Vec<roxmltree::Node> =
            g.descendants().filter(|n| n.has_tag_name("text")).collect();
        let description_lines = texts
            .iter()
            .filter(|t| {
                t.text()
                    .is_some_and(|s| long.contains(s) && s.chars().count() > 3)
            })
            .count();
        assert!(description_lines >= 3, "the description is wrapped: {svg}");
        for t in texts {
            let content = t.text().unwrap_or("");
            let number = |name: &str| t.attribute(name).unwrap().parse::<f64>().unwrap();
            let (x, y, size) = (number("x"), number("y"), number("font-size"));
            let width = text::text_width(content, size);
            let (left, right) = match t.attribute("text-anchor") {
                Some("middle") => (x - width / 2.0, x + width / 2.0),
                Some("end") => (x - width, x),
                _ => (x, x + width),
            };
            assert!(
                left >= bx - 0.5 && right <= bx + bw + 0.5,
                "{content:?} runs out of its box sideways: {left}..{right} outside {bx}..{}",
                bx + bw
            );
            assert!(
                y - size >= by - 0.5 && y <= by + bh + 0.5,
                "{content:?} runs out of its box: baseline {y} outside {by}..{}",
                by + bh
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "{checked} lines checked");
    let q = super::quality::measure(&svg);
    assert_eq!(
        q.through + q.label_label + q.label_box + q.box_box,
        0,
        "{q:?}"
    );
}

#[test]
fn the_legend_names_each_kind_once() {
    let analysis = analysis(C4);
    let d = diagram(&analysis, "containers", None);
    let dot = dot::to_dot(&d);
    assert!(!dot.contains("(person, person)"), "{dot}");
    assert!(!dot.contains("(person"), "{dot}");
    // A shape the label and name do not already say is still given.
    assert!(
        dot.contains("Container <FONT COLOR=\"#59636E\">(rounded)</FONT>"),
        "{dot}"
    );
    assert!(
        dot.contains("Software system <FONT COLOR=\"#59636E\">(box)</FONT>"),
        "{dot}"
    );
    let svg = to_svg(&d, Engine::Builtin).unwrap();
    assert!(svg.contains(">Person<"), "{svg}");
    assert!(!svg.contains("Person (person)"), "{svg}");
    // A name that says more than its label stays beside it.
    assert_eq!(super::diagram::legend_text("Flows", "flows"), "Flows");
    assert_eq!(
        super::diagram::legend_text("flows to", "flows"),
        "flows to (flows)"
    );
}
