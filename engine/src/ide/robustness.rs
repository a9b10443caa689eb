//! Every editor feature, at every offset of arbitrary model text, answers
//! without panicking (the engine never panics on user input).

use kozo_lang::Span;
use proptest::prelude::*;

use crate::analysis::Analysis;
use crate::ide;

const PIECES: &[&str] = &[
    "use society5\n",
    "system ",
    "component ",
    "a",
    "b",
    "建物",
    "{",
    "}",
    "\n",
    " -> ",
    " : ",
    "flows",
    "view v ",
    "of ",
    "include ",
    "exclude ",
    "*",
    ".",
    ",",
    "\"lbl\"",
    "\"\"\"x\n\"\"\"",
    "// kozo-allow: orphan-element\n",
    "/// doc\n",
    "/*",
    "*/",
    "concern c ",
    "viewpoint vp ",
    "frames ",
    "stakeholder s ",
    "concerns ",
    "decision d ",
    "affects ",
    "kind k ",
    "layer l ",
    "relation r ",
    "from ",
    "to ",
    "parents ",
    "status accepted ",
    "shape box ",
    "x = ",
    "label ja ",
    "𝒳",
    "\r\n",
    "\"",
    "[",
    "]",
    "-1.5",
    "=",
];

fn exercise(text: &str) {
    let mut analysis = Analysis::default();
    let file = analysis.set_file("a.kozo", text.to_string());
    analysis.set_file(
        "b.kozo",
        "use society5\nsystem s { component c }\nconcern c\n".to_string(),
    );
    for offset in (0..=text.len() + 2).filter(|&o| o > text.len() || text.is_char_boundary(o)) {
        ide::hover(&analysis, file, offset);
        ide::goto_definition(&analysis, file, offset);
        ide::references(&analysis, file, offset, true);
        ide::document_highlight(&analysis, file, offset);
        ide::completion(&analysis, file, offset);
        let _ = ide::prepare_rename(&analysis, file, offset);
        let _ = ide::rename(&analysis, file, offset, "renamed");
        ide::code_actions(&analysis, file, Span::empty(offset.min(text.len())));
        ide::view_at(&analysis, file, offset);
    }
    ide::code_actions(&analysis, file, Span::new(0, text.len()));
    ide::document_symbols(&analysis, file);
    ide::workspace_symbols(&analysis, "a");
    ide::semantic_tokens(&analysis, file);
    ide::folding_ranges(&analysis, file);
    ide::code_lenses(&analysis, file);
    ide::views(&analysis);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn editor_features_never_panic(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..30)) {
        exercise(&pieces.concat());
    }
}

#[test]
fn examples_of_broken_text_do_not_panic() {
    for text in [
        "",
        "a, ",
        "use society5\nsystem a { component b\n  b -> ",
        "view v of vp { include a.",
        "\"\"\"open",
        "/* open",
        "system 建物 { component 𝒳 }\n建物.𝒳 -> 建物 : ",
        "kind k { parents , }",
    ] {
        exercise(text);
    }
}
