//! The site of real and hostile workspaces, checked page by page: every
//! page parses as HTML without a parse error, every internal link (and its
//! `#fragment`) resolves to a written file, every element and view has a
//! page, hostile text stays text, and the same model gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kozo_engine::render::Engine;
use kozo_engine::{Analysis, Config};
use kozo_site::{build, Site, SiteOptions};
use scraper::{Html, Selector};

fn options() -> SiteOptions {
    SiteOptions {
        title: "Test site".to_string(),
        lang: None,
        base_url: None,
        engine: Engine::Builtin,
        live_reload: false,
        since: None,
    }
}

/// The workspace in a folder of the repository's examples.
fn example(name: &str) -> Analysis {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    let config = std::fs::read_to_string(root.join("kozo.toml"))
        .ok()
        .map(|text| Config::parse(&text).expect("the example's kozo.toml parses"))
        .unwrap_or_default();
    let mut analysis = Analysis::new(config);
    let mut stack = vec![root.clone()];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("the example folder reads") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "kozo") {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        let rel = path.strip_prefix(&root).expect("inside the root");
        let rel = rel.to_string_lossy().replace('\\', "/");
        analysis.set_file(&rel, std::fs::read_to_string(&path).expect("UTF-8"));
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

fn html_pages(site: &Site) -> impl Iterator<Item = (&String, String)> {
    site.files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b.clone()).expect("pages are UTF-8")))
}

fn select(selector: &str) -> Selector {
    Selector::parse(selector).expect("a valid selector")
}

/// `dir/../x` → `x`, from the page's folder.
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Every page parses without error; every link resolves; returns the ids of each page.
fn check_pages_and_links(site: &Site) {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut links = Vec::new();
    for (path, text) in html_pages(site) {
        let doc = Html::parse_document(&text);
        assert!(
            doc.errors.is_empty(),
            "{path} has HTML parse errors: {:?}",
            doc.errors
        );
        assert_eq!(
            doc.select(&select("main")).count(),
            1,
            "{path}: one main landmark"
        );
        assert_eq!(
            doc.select(&select("header nav")).count(),
            1,
            "{path}: a navigation landmark"
        );
        let csp = doc
            .select(&select("meta[http-equiv=Content-Security-Policy]"))
            .next()
            .unwrap_or_else(|| panic!("{path} has a CSP"));
        let policy = csp.value().attr("content").unwrap_or_default();
        assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"));
        for script in doc.select(&select("script")) {
            assert!(
                script.value().attr("src").is_some(),
                "{path}: inline script"
            );
        }
        for img in doc.select(&select("img")) {
            assert!(
                img.value().attr("alt").is_some_and(|a| !a.is_empty()),
                "{path}: img without alt"
            );
        }
        let page_ids = ids.entry(path.clone()).or_default();
        for el in doc.select(&select("[id]")) {
            page_ids.insert(el.value().attr("id").unwrap_or_default().to_string());
        }
        for el in doc.select(&select(
            "a[href], link[href], script[src], img[src], [data-href]",
        )) {
            for attr in ["href", "src", "data-href"] {
                if let Some(link) = el.value().attr(attr) {
                    links.push((path.clone(), link.to_string()));
                }
            }
        }
    }
    for (page, link) in links {
        if link.starts_with("http://") || link.starts_with("https://") {
            continue;
        }
        assert!(!link.starts_with('/'), "{page}: absolute link {link}");
        let (file, fragment) = match link.split_once('#') {
            Some((f, frag)) => (f, Some(frag)),
            None => (link.as_str(), None),
        };
        let target = if file.is_empty() {
            page.clone()
        } else {
            resolve(&page, file)
        };
        assert!(
            site.files.contains_key(&target),
            "{page}: link {link} → {target} is not written"
        );
        if let (Some(fragment), true) = (fragment, target.ends_with(".html")) {
            assert!(
                ids.get(&target).is_some_and(|ids| ids.contains(fragment)),
                "{page}: link {link} → no id `{fragment}` in {target}"
            );
        }
    }
}

#[test]
fn every_example_gets_a_complete_site_with_working_links() {
    for name in [
        "smart-building",
        "data-space",
        "drone-logistics",
        "every-rule",
        "c4-bigbank",
    ] {
        let analysis = example(name);
        let site = build(&analysis, &options());
        check_pages_and_links(&site);
        let model = analysis.model();
        let element_pages = site
            .files
            .keys()
            .filter(|p| p.starts_with("elements/"))
            .count();
        assert_eq!(
            element_pages,
            model.elements.len(),
            "{name}: one page per element"
        );
        for view in &model.views {
            let page = site.files.keys().find(|p| {
                p.starts_with("views/") && p.ends_with(".html") && {
                    let text = String::from_utf8_lossy(&site.files[*p]);
                    text.contains(&format!("<code>{}</code>", view.info.name))
                }
            });
            assert!(
                page.is_some(),
                "{name}: no page for view {}",
                view.info.name
            );
        }
        for page in [
            "index.html",
            "concerns.html",
            "decisions.html",
            "findings.html",
            "search-index.js",
        ] {
            assert!(site.files.contains_key(page), "{name}: {page}");
        }
    }
}

#[test]
fn diagram_shapes_link_to_element_pages_in_every_language() {
    let analysis = example("smart-building");
    let site = build(&analysis, &options());
    let page = String::from_utf8(site.files["views/building_data_view.html"].clone()).unwrap();
    let doc = Html::parse_document(&page);
    let diagrams: Vec<_> = doc.select(&select("div.diagram")).collect();
    assert_eq!(diagrams.len(), 2, "one diagram per language (en, ja)");
    let bms = doc
        .select(&select("g.kozo-element[data-kozo-path=bms]"))
        .map(|g| g.value().attr("data-href").unwrap_or_default().to_string())
        .collect::<Vec<_>>();
    assert_eq!(bms, ["../elements/bms.html", "../elements/bms.html"]);
    let edge = doc
        .select(&select("g.kozo-relationship[data-href]"))
        .next()
        .expect("edges link too");
    assert!(edge.value().attr("data-href").unwrap().contains(".html#r-"));
    assert!(page.contains("ビル管理システム"), "the Japanese diagram");
    assert!(
        page.contains("Building management system"),
        "the English diagram"
    );
    // No SVG id appears twice, though the page holds two diagrams.
    let mut seen = BTreeSet::new();
    for el in doc.select(&select("[id]")) {
        let id = el.value().attr("id").unwrap();
        assert!(seen.insert(id.to_string()), "duplicate id {id}");
    }
}

const HOSTILE: &str = r#"<script>alert(1)</script><img src=x onerror=alert(2)>"#;

#[test]
fn hostile_text_renders_as_text() {
    let text = format!(
        r#"use society5
/// {h}
concern c "{h}" {{ label ja "{h}" }}
/// {h}
stakeholder s "{h}" {{ concerns c }}
viewpoint vp "{h}" {{ frames c }}
/// {h}
system evil "{h}" {{
  label ja "{h}"
  description "{h}"
  note = "{h}"
  component inner "{h}"
}}
system other "x"
evil -> other "{h}" {{ label ja "{h}" }}
view v of vp "{h}" {{ include evil, evil.inner, other }}
decision d "{h}" {{ status accepted addresses c affects evil rationale "{h}" }}
"#,
        h = HOSTILE.replace('"', "\\\"")
    );
    let analysis = workspace(&[("m.kozo", &text)]);
    let site = build(&analysis, &options());
    check_pages_and_links(&site);
    let mut saw_text = 0;
    for (path, page) in html_pages(&site) {
        let doc = Html::parse_document(&page);
        for script in doc.select(&select("script")) {
            let src = script.value().attr("src").unwrap_or_default();
            assert!(
                src.ends_with("assets/lang.js") || src.ends_with("assets/site.js"),
                "{path}: {src}"
            );
        }
        for el in doc.select(&select("*")) {
            for (name, _) in el.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{path}: event handler attribute {name}"
                );
            }
        }
        assert_eq!(doc.select(&select("img[src=x]")).count(), 0, "{path}");
        if doc
            .root_element()
            .text()
            .any(|t| t.contains("<script>alert(1)</script>"))
        {
            saw_text += 1;
        }
    }
    assert!(
        saw_text >= 5,
        "the hostile label is shown as text ({saw_text} pages)"
    );
    let index = String::from_utf8(site.files["search-index.js"].clone()).unwrap();
    assert!(index.starts_with("// Generated") && index.contains("window.KOZO_SEARCH = ["));
}

#[test]
fn the_same_model_gives_the_same_bytes() {
    let a = build(&example("smart-building"), &options());
    let b = build(&example("smart-building"), &options());
    assert_eq!(
        a.files.keys().collect::<Vec<_>>(),
        b.files.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &a.files {
        assert!(bytes == &b.files[path], "{path} differs between two builds");
    }
}

#[test]
fn a_workspace_with_errors_still_gets_a_site_with_its_findings() {
    let analysis = workspace(&[(
        "m.kozo",
        "use society5\nsystem a \"A\" {\n  component c\n  c -> nowhere\n}\nsystem {\nview v { include a }\n",
    )]);
    let site = build(&analysis, &options());
    check_pages_and_links(&site);
    let findings = String::from_utf8(site.files["findings.html"].clone()).unwrap();
    assert!(findings.contains("rules/undefined-reference.html"));
    assert!(findings.contains("rules/syntax-error.html"));
    let rule = String::from_utf8(site.files["rules/undefined-reference.html"].clone()).unwrap();
    assert!(rule.contains("<h1>"), "the rule's explanation page");
    let element = String::from_utf8(site.files["elements/a.html"].clone()).unwrap();
    assert!(
        element.contains("undefined-reference"),
        "the element page lists its finding"
    );
}

#[test]
fn element_pages_show_descriptions_in_every_language_and_technology() {
    let analysis = example("c4-bigbank");
    let site = build(&analysis, &options());
    let (_, page) = html_pages(&site)
        .find(|(path, text)| {
            path.starts_with("elements/")
                && text.contains("<code>internet_banking.api_application</code>")
        })
        .expect("the API application's page");
    assert!(
        page.contains("Provides Internet banking functionality via a JSON/HTTPS API."),
        "{page}"
    );
    assert!(
        page.contains("JSON/HTTPS の API でインターネットバンキングの機能を提供する。"),
        "{page}"
    );
    assert!(
        page.contains("<dt>Technology</dt><dd>Java and Spring MVC</dd>"),
        "{page}"
    );
    // Relationships list what carries them.
    let (_, security) = html_pages(&site)
        .find(|(path, _)| path.ends_with("api_application.security_component.html"))
        .expect("the security component's page");
    assert!(security.contains("<td>SQL/TCP</td>"), "{security}");
    // The container view's diagram on the site holds the descriptions.
    let (_, view) = html_pages(&site)
        .find(|(path, text)| path.starts_with("views/") && text.contains("<code>containers</code>"))
        .expect("the containers view page");
    assert!(view.contains("«Container: Xamarin»"), "containers view");
}

#[test]
fn labels_come_in_every_language_and_the_default_is_chosen() {
    let analysis = example("smart-building");
    let mut opts = options();
    opts.lang = Some("ja".to_string());
    let site = build(&analysis, &opts);
    let index = String::from_utf8(site.files["index.html"].clone()).unwrap();
    let doc = Html::parse_document(&index);
    let html = doc.root_element();
    assert_eq!(html.value().attr("data-langs"), Some("en ja"));
    assert_eq!(html.value().attr("data-lang"), Some("1"));
    assert_eq!(html.value().attr("lang"), Some("ja"));
    let css = String::from_utf8(site.files["assets/site.css"].clone()).unwrap();
    assert!(css.contains(r#"html[data-lang="1"] [data-l]:not([data-l="1"]) { display: none; }"#));
}

#[test]
fn a_base_url_gives_canonical_links_and_every_link_stays_relative() {
    let mut opts = options();
    opts.base_url = Some("https://example.org/arch/".to_string());
    let site = build(&example("smart-building"), &opts);
    check_pages_and_links(&site);
    let page = String::from_utf8(site.files["elements/bms.html"].clone()).unwrap();
    assert!(page
        .contains(r#"<link rel="canonical" href="https://example.org/arch/elements/bms.html">"#));
    // The inline diagram holds links, so it is a group, not an image.
    let view = String::from_utf8(site.files["views/privacy_view.html"].clone()).unwrap();
    let view_svg = view
        .split("<svg")
        .nth(1)
        .and_then(|s| s.split('>').next())
        .unwrap();
    assert!(view_svg.contains(r#"role="group""#) && !view_svg.contains(r#"role="img""#));
}

/// The "Changes" page of `--since`: an old and a new version of a model in
/// memory, with an added, a removed, a changed (to a hostile label) and a
/// renamed element.
#[test]
fn the_changes_page_lists_every_change_its_reviewers_and_marked_diagrams() {
    let common = r#"use society5
concern privacy "Tenant data stays private" { label ja "入居者の個人データ保護" }
concern energy "Energy cost falls"
stakeholder owner "Building owner" { concerns energy }
stakeholder fm "Facility manager" { concerns privacy, energy }
viewpoint data_flow "Data flow" { frames privacy kinds system, component, dataset relations flows }
viewpoint assets "Assets" { frames energy kinds system, device }
system bms "Building management system" { label ja "ビル管理システム" component hvac "HVAC controller" }
"#;
    let old = format!(
        r#"{common}
dataset occupancy "Occupancy counts"
bms.hvac -> occupancy : flows "5-minute counts"
device meter "Power meter"
device sensor "Door sensor"
view data_view of data_flow "Building data" {{ include bms, bms.*, occupancy }}
view asset_view of assets "Assets" {{ include bms, meter, sensor }}
"#
    );
    let new = format!(
        r#"{common}
dataset occupancy_counts "Occupancy counts"
bms.hvac -> occupancy_counts : flows "5-minute counts"
device meter "{h}"
device lamp "Corridor lamp"
view data_view of data_flow "Building data" {{ include bms, bms.*, occupancy_counts }}
view asset_view of assets "Assets" {{ include bms, meter, lamp }}
"#,
        h = HOSTILE.replace('"', "\\\"")
    );
    let old = workspace(&[("m.kozo", &old)]);
    let new = workspace(&[("m.kozo", &new)]);
    let mut options = options();
    options.since = Some(kozo_site::Since::new(old, "main (0123456789)".to_string()));
    let site = build(&new, &options);
    check_pages_and_links(&site);
    assert_eq!(site, build(&new, &options), "the same bytes twice");

    let index = Html::parse_document(&String::from_utf8(site.files["index.html"].clone()).unwrap());
    assert!(
        index
            .select(&select("header nav a[href='changes.html']"))
            .count()
            == 1,
        "the navigation links the Changes page"
    );
    assert!(
        index.select(&select("main a[href='changes.html']")).count() == 1,
        "the home page links the Changes page"
    );
    let without = build(&new, &self::options());
    assert!(!without.files.contains_key("changes.html"));

    let page = String::from_utf8(site.files["changes.html"].clone()).unwrap();
    let doc = Html::parse_document(&page);
    let items = |class: &str| -> Vec<String> {
        doc.select(&select(&format!("li.change-{class}")))
            .map(|li| li.text().collect::<String>())
            .collect()
    };
    assert!(
        items("added").iter().any(|t| t.contains("lamp")),
        "added: {:?}",
        items("added")
    );
    assert!(
        items("removed").iter().any(|t| t.contains("sensor")),
        "removed: {:?}",
        items("removed")
    );
    assert!(
        items("changed")
            .iter()
            .any(|t| t.contains("meter") && t.contains("<script>alert(1)</script>")),
        "changed: {:?}",
        items("changed")
    );
    assert!(
        items("renamed")
            .iter()
            .any(|t| t.contains("occupancy") && t.contains("occupancy_counts")),
        "renamed: {:?}",
        items("renamed")
    );
    // The added element links to its page; the removed one has none to link to.
    let added_links: Vec<&str> = doc
        .select(&select("li.change-added a[href^='elements/']"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(!added_links.is_empty(), "the added element is linked");
    assert_eq!(
        doc.select(&select("li.change-removed > a")).count(),
        0,
        "a removed element has no page"
    );
    let review: String = doc
        .select(&select("#review"))
        .flat_map(|s| s.text())
        .collect();
    assert!(
        review.contains("Building owner") && review.contains("Facility manager"),
        "{review}"
    );
    assert!(review.contains("Energy cost falls"), "{review}");
    // The hostile label is text: no element, no handler from it.
    assert_eq!(doc.select(&select("img[src=x]")).count(), 0);
    assert!(!page.contains("<script>alert"));

    let svgs: Vec<&String> = site
        .files
        .keys()
        .filter(|p| p.starts_with("changes/") && p.ends_with(".svg"))
        .collect();
    assert_eq!(
        svgs.len(),
        4,
        "both touched views are drawn in both languages: {svgs:?}"
    );
    let ja = String::from_utf8(site.files["changes/1.ja.svg"].clone()).unwrap();
    assert!(ja.contains("ビル管理システム"), "the Japanese diagram");
    let all: String = svgs
        .iter()
        .map(|p| String::from_utf8(site.files[*p].clone()).unwrap())
        .collect();
    for class in ["kozo-diff-added", "kozo-diff-removed", "kozo-diff-changed"] {
        assert!(all.contains(class), "the diagrams carry {class}");
    }
    assert!(!all.contains("<script>alert"), "the SVG escapes the label");
    assert_eq!(
        doc.select(&select("#diagrams [data-l] img[src^='changes/']"))
            .count(),
        4
    );
}
