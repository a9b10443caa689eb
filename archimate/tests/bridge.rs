//! The bridge end to end in memory: exchange files read (and refused),
//! imported into kozo (golden outputs), exported again (valid against the
//! Open Group schemas) and imported once more (the same model).

use std::collections::BTreeSet;
use std::path::Path;

use kozo_archimate::{export, import, read, write};
use kozo_engine::model::PropertyValue;
use kozo_engine::{Analysis, Config};

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

/// All the files of an import, one after the other, for a snapshot.
fn listing(files: &[(String, String)]) -> String {
    files
        .iter()
        .map(|(path, text)| format!("==> {path} <==\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn analysis(files: &[(String, String)]) -> Analysis {
    let mut analysis = Analysis::new(Config::default());
    for (path, text) in files {
        if path.ends_with(".kozo") {
            analysis.set_file(path, text.clone());
        }
    }
    analysis
}

fn sidecar(files: &[(String, String)]) -> Option<&str> {
    files
        .iter()
        .find(|(p, _)| p == "archimate.toml")
        .map(|(_, t)| t.as_str())
}

fn text(v: &PropertyValue) -> String {
    match v {
        PropertyValue::Str(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

/// The model as sets of lines that do not depend on names, files or
/// order: elements, relationships, properties, documentation and view
/// membership, each keyed by its ArchiMate identifier.
fn canonical(analysis: &Analysis) -> BTreeSet<String> {
    let model = analysis.model();
    let id = |props: &[kozo_engine::model::Property]| {
        props
            .iter()
            .find(|p| p.key == "archimate_id")
            .map(|p| text(&p.value))
            .unwrap_or_default()
    };
    let props = |props: &[kozo_engine::model::Property]| {
        let mut list: Vec<String> = props
            .iter()
            .map(|p| format!("{}={}", p.key, text(&p.value)))
            .collect();
        list.sort();
        list.join(";")
    };
    let mut out = BTreeSet::new();
    for e in &model.elements {
        let mut labels = e.info.translations.clone();
        labels.sort();
        out.insert(format!(
            "element {} {} {:?} {:?} {:?} [{}]",
            id(&e.info.properties),
            e.kind_name,
            e.info.label,
            labels,
            e.info.doc,
            props(&e.info.properties)
        ));
    }
    for r in &model.relationships {
        out.insert(format!(
            "relationship {} {} {} -> {} {:?} {:?} [{}]",
            id(&r.properties),
            model.relation_kind(r.kind).info.name,
            id(&model.element(r.source).info.properties),
            id(&model.element(r.target).info.properties),
            r.label,
            r.doc,
            props(&r.properties)
        ));
    }
    for v in &model.views {
        let members: BTreeSet<String> = v
            .elements
            .iter()
            .map(|s| id(&model.element(s.element).info.properties))
            .collect();
        out.insert(format!(
            "view {} {:?} {:?} {members:?} [{}]",
            id(&v.info.properties),
            v.info.label,
            v.info.doc,
            props(&v.info.properties)
        ));
    }
    out
}

#[test]
fn every_type_imports_as_a_formatted_clean_workspace() {
    let model = read(&data("every_type.xml")).unwrap();
    let imported = import(&model, "every_type.xml");
    insta::assert_snapshot!("every_type", listing(&imported.files));
    let analysis = analysis(&imported.files);
    let errors: Vec<String> = analysis
        .diagnostics()
        .iter()
        .filter(|d| d.severity == kozo_engine::Severity::Error)
        .map(|d| d.message.to_string())
        .collect();
    assert_eq!(errors, Vec::<String>::new());
    for (path, text) in &imported.files {
        if path.ends_with(".kozo") {
            let formatted = kozo_lang::format::format(text, &Default::default()).unwrap();
            assert_eq!(&formatted, text, "{path} is not formatted");
        }
    }
}

#[test]
fn folders_and_languages_import() {
    let model = read(&data("folders_and_languages.xml")).unwrap();
    let imported = import(&model, "folders_and_languages.xml");
    insta::assert_snapshot!("folders_and_languages", listing(&imported.files));
}

#[test]
fn import_export_import_gives_the_same_model() {
    round_trip("every_type.xml");
    round_trip("folders_and_languages.xml");
}

fn round_trip(file: &str) {
    let first = import(&read(&data(file)).unwrap(), file);
    let first_analysis = analysis(&first.files);
    let (exported, warnings) = export(&first_analysis, sidecar(&first.files));
    assert_eq!(warnings, Vec::<String>::new());
    let xml = write(&exported);
    let again = read(xml.as_bytes()).unwrap_or_else(|e| panic!("{e:?}\n{xml}"));
    // The model's own names, properties and property definitions come back.
    let original = read(&data(file)).unwrap();
    assert_eq!(again.identifier, original.identifier);
    assert_eq!(again.names, original.names);
    assert_eq!(again.property_definitions, original.property_definitions);
    assert_eq!(again.properties, original.properties);
    assert_eq!(again.elements.len(), original.elements.len());
    assert_eq!(again.relationships.len(), original.relationships.len());
    let second = import(&again, file);
    let second_analysis = analysis(&second.files);
    let (a, b) = (canonical(&first_analysis), canonical(&second_analysis));
    let only_first: Vec<_> = a.difference(&b).collect();
    let only_second: Vec<_> = b.difference(&a).collect();
    assert!(
        only_first.is_empty() && only_second.is_empty(),
        "lost: {only_first:#?}\ngained: {only_second:#?}"
    );
    // Every view node has bounds, and every relationship between two shown
    // elements that the original view drew is drawn again.
    for (view, before) in again.views.iter().zip(&original.views) {
        assert!(view.nodes.iter().all(|n| n.w > 0 && n.h > 0));
        let drawn: BTreeSet<&str> = view
            .connections
            .iter()
            .filter_map(|c| c.relationship.as_deref())
            .collect();
        for c in &before.connections {
            if let Some(r) = c.relationship.as_deref() {
                assert!(drawn.contains(r), "{file}: `{r}` is no longer drawn");
            }
        }
    }
    // The folders come back.
    assert_eq!(
        folder_refs(&again.organizations),
        folder_refs(&original.organizations),
        "{file}"
    );
}

/// Each concept's folder path, from an `organizations` tree.
fn folder_refs(items: &[kozo_archimate::model::Item]) -> BTreeSet<String> {
    fn walk(items: &[kozo_archimate::model::Item], path: &str, out: &mut BTreeSet<String>) {
        for item in items {
            match &item.identifier_ref {
                Some(r) => {
                    out.insert(format!("{path} {r}"));
                }
                None => {
                    let label = item.labels.first().map_or("", |l| l.text.as_str());
                    walk(&item.items, &format!("{path}/{label}"), out);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(items, "", &mut out);
    out
}

/// Validates an exchange file against the Open Group's 3.1 schemas
/// (`archimate/schema/`) with xmllint, which CI installs.
fn validate(xml: &str, name: &str) {
    let dir = std::env::temp_dir().join(format!("kozo-archimate-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("export.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/archimate3_Diagram.xsd");
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint runs (package libxml2-utils)");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn exports_validate_against_the_open_group_schemas() {
    for file in ["every_type.xml", "folders_and_languages.xml"] {
        let imported = import(&read(&data(file)).unwrap(), file);
        let (model, _) = export(&analysis(&imported.files), sidecar(&imported.files));
        validate(&write(&model), file);
    }

    // A society5 workspace exports through the documented mapping.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/smart-building");
    let mut society5 = Analysis::new(Config::default());
    for entry in walk(&root) {
        let rel = entry
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        society5.set_file(&rel, std::fs::read_to_string(&entry).unwrap());
    }
    let (model, _) = export(&society5, None);
    assert!(model.elements.len() >= 40);
    assert!(!model.views.is_empty());
    validate(&write(&model), "smart_building");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "kozo") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Each bad input gives errors with line and column.
#[test]
fn bad_input_is_refused_with_positions() {
    let ns = "xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
    let actor = |id: &str| {
        format!("<element identifier=\"{id}\" xsi:type=\"BusinessActor\"><name>A</name></element>")
    };
    let cases: Vec<(&str, String)> = vec![
        ("malformed XML", format!("<model {ns} identifier=\"m\">\n  <elements>\n</model>")),
        ("wrong namespace", "<model xmlns=\"urn:other\" identifier=\"m\"/>".to_string()),
        (
            "format 2.1",
            "<model xmlns=\"http://www.opengroup.org/xsd/archimate\" identifier=\"m\"/>".to_string(),
        ),
        (
            "identifier used twice",
            format!("<model {ns} identifier=\"m\"><name>M</name>\n<elements>\n{}\n{}\n</elements></model>", actor("a"), actor("a")),
        ),
        (
            "relationship to a missing element",
            format!(
                "<model {ns} identifier=\"m\"><elements>{}</elements>\n<relationships>\n<relationship identifier=\"r\" source=\"a\" target=\"nowhere\" xsi:type=\"Serving\"/></relationships></model>",
                actor("a")
            ),
        ),
        (
            "unknown element type",
            format!("<model {ns} identifier=\"m\"><elements>\n<element identifier=\"a\" xsi:type=\"BusinessWizard\"/></elements></model>"),
        ),
        (
            "view node referring to nothing",
            format!(
                "<model {ns} identifier=\"m\"><elements>{}</elements><views><diagrams>\n<view identifier=\"v\" xsi:type=\"Diagram\"><name>V</name>\n  <node identifier=\"n\" elementRef=\"ghost\" xsi:type=\"Element\" x=\"0\" y=\"0\" w=\"10\" h=\"10\"/></view></diagrams></views></model>",
                actor("a")
            ),
        ),
        (
            "billion laughs",
            format!("<?xml version=\"1.0\"?>\n<!DOCTYPE model [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\n<model {ns} identifier=\"m\"><name>&lol2;</name></model>"),
        ),
        (
            "external entity",
            format!("<?xml version=\"1.0\"?>\n<!DOCTYPE model [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<model {ns} identifier=\"m\"><name>&x;</name></model>"),
        ),
        ("not UTF-8", "<model>\n  \u{0}".to_string() + "\u{FFFD}"),
    ];
    let mut report = String::new();
    for (what, input) in &cases {
        let mut bytes = input.clone().into_bytes();
        if *what == "not UTF-8" {
            bytes.extend_from_slice(&[0xff, 0xfe]);
        }
        let errors = read(&bytes).expect_err(what);
        report.push_str(&format!("{what}:\n"));
        for e in errors {
            assert!(e.line > 0, "{what}: {e}");
            report.push_str(&format!("  {e}\n"));
        }
    }
    insta::assert_snapshot!("bad_input", report);
}

#[test]
fn a_file_above_the_limit_is_refused_before_parsing() {
    let big = vec![b' '; kozo_archimate::read::MAX_BYTES + 1];
    let errors = read(&big).unwrap_err();
    assert!(errors[0].message.contains("refused"), "{}", errors[0]);
}

#[test]
fn any_bytes_are_an_answer_not_a_panic() {
    let samples: [&[u8]; 6] = [
        b"",
        b"<",
        b"\xff\xfe<",
        b"<model/>",
        b"<?xml version=\"1.0\"?><a:b xmlns:a=\"x\"/>",
        &[0u8; 64],
    ];
    for s in samples {
        let _ = read(s);
    }
}
