//! The reader and the import take any bytes: arbitrary input, and valid
//! files with bytes changed, give an answer (a model or errors), never a
//! panic; whatever reads is imported without a panic too.

use proptest::prelude::*;

fn every_type() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/every_type.xml"
    ))
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(model) = kozo_archimate::read(&bytes) {
            let _ = kozo_archimate::import(&model, "x.xml");
        }
    }

    #[test]
    fn a_valid_file_with_bytes_changed(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)
    ) {
        let mut bytes = every_type();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let Ok(model) = kozo_archimate::read(&bytes) {
            let imported = kozo_archimate::import(&model, "x.xml");
            prop_assert!(imported.files.iter().any(|(p, _)| p == "IMPORT.md"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Whatever the names, documentation, property names and values and
    /// language tags, the written files parse.
    #[test]
    fn any_texts_give_files_that_parse(
        texts in proptest::collection::vec(any::<String>(), 8),
        lang in "[a-zA-Z0-9_-]{0,6}",
    ) {
        use kozo_archimate::model::*;
        let ls = |t: &str| vec![LangString::new(Some(&lang), t), LangString::new(None, t)];
        let model = ExchangeModel {
            identifier: "m".into(),
            names: ls(&texts[0]),
            elements: vec![
                Element {
                    identifier: "a".into(),
                    xsi_type: "BusinessActor".into(),
                    names: ls(&texts[1]),
                    documentation: ls(&texts[2]),
                    properties: vec![Property { definition: "p".into(), values: ls(&texts[3]) }],
                    at: (1, 1),
                },
                Element {
                    identifier: "b".into(),
                    xsi_type: "BusinessRole".into(),
                    names: ls(&texts[1]),
                    ..Element::default()
                },
            ],
            relationships: vec![Relationship {
                identifier: "r".into(),
                xsi_type: "Access".into(),
                source: "a".into(),
                target: "b".into(),
                names: ls(&texts[4]),
                access_type: Some(texts[5].clone()),
                ..Relationship::default()
            }],
            property_definitions: vec![PropertyDefinition {
                identifier: "p".into(),
                names: ls(&texts[6]),
                data_type: "string".into(),
            }],
            organizations: vec![Item {
                labels: ls(&texts[7]),
                items: vec![Item { identifier_ref: Some("a".into()), ..Item::default() }],
                ..Item::default()
            }],
            views: vec![View {
                identifier: "v".into(),
                names: ls(&texts[7]),
                nodes: vec![ViewNode {
                    identifier: "n".into(),
                    content: NodeContent::Container(ls(&texts[0])),
                    children: vec![ViewNode {
                        identifier: "n2".into(),
                        content: NodeContent::Element("a".into()),
                        ..ViewNode::default()
                    }],
                    ..ViewNode::default()
                }, ViewNode {
                    identifier: "n3".into(),
                    content: NodeContent::Label(ls(&texts[2])),
                    ..ViewNode::default()
                }],
                ..View::default()
            }],
            ..ExchangeModel::default()
        };
        let imported = kozo_archimate::import(&model, "x.xml");
        for (path, text) in &imported.files {
            if path.ends_with(".kozo") {
                let parse = kozo_lang::parse(text);
                prop_assert!(parse.errors.is_empty(), "{path}: {:?}\n{text}", parse.errors);
            }
            if path.ends_with(".toml") {
                prop_assert!(text.parse::<toml::Table>().is_ok(), "{path}:\n{text}");
            }
        }
    }
}
