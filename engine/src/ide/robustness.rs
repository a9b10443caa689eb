//! Every editor feature, at every offset of arbitrary model text, answers
//! without panicking (the engine never panics on user input), and every
//! range it returns lies inside the text it points into.

use kozo_lang::Span;
use proptest::prelude::*;

use crate::analysis::Analysis;
use crate::db::SourceFile;
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
    "\r",
    "\"",
    "[",
    "]",
    "-1.5",
    "=",
];

/// Asserts that `span` lies inside `file`'s text, on character boundaries.
fn inside(analysis: &Analysis, file: SourceFile, span: Span, what: &str) {
    let text = analysis.text(file);
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what}: {start}..{end} outside {} ({} bytes): {text:?}",
        analysis.path(file),
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {start}..{end} splits a character of {}: {text:?}",
        analysis.path(file)
    );
}

fn change_inside(analysis: &Analysis, change: &ide::SourceChange, what: &str) {
    for (file, edits) in &change.edits {
        for edit in edits {
            inside(analysis, *file, edit.span, what);
        }
    }
}

fn symbols_inside(analysis: &Analysis, file: SourceFile, symbols: &[ide::DocumentSymbol]) {
    // Nesting is capped by the parser, so the stack stays small.
    let mut stack: Vec<&ide::DocumentSymbol> = symbols.iter().collect();
    while let Some(symbol) = stack.pop() {
        inside(analysis, file, symbol.full_span, "symbol");
        inside(analysis, file, symbol.name_span, "symbol name");
        stack.extend(&symbol.children);
    }
}

/// Asks every editor question at every offset, and checks that every span
/// in every answer lies inside the text of its file.
fn exercise(text: &str) {
    let mut analysis = Analysis::default();
    let file = analysis.set_file("a.kozo", text.to_string());
    analysis.set_file(
        "b.kozo",
        "use society5\nsystem s { component c }\nconcern c\n".to_string(),
    );
    let analysis = &analysis;
    for offset in (0..=text.len() + 2).filter(|&o| o > text.len() || text.is_char_boundary(o)) {
        if let Some(hover) = ide::hover(analysis, file, offset) {
            inside(analysis, file, hover.span, "hover");
        }
        if let Some(target) = ide::goto_definition(analysis, file, offset) {
            inside(analysis, target.file, target.name_span, "definition name");
            inside(analysis, target.file, target.full_span, "definition");
        }
        for place in ide::references(analysis, file, offset, true) {
            inside(analysis, place.file, place.span, "reference");
        }
        for highlight in ide::document_highlight(analysis, file, offset) {
            inside(analysis, file, highlight.span, "highlight");
        }
        for item in ide::completion(analysis, file, offset) {
            inside(analysis, file, item.replace, "completion");
        }
        if let Ok((span, _)) = ide::prepare_rename(analysis, file, offset) {
            inside(analysis, file, span, "prepare rename");
        }
        if let Ok(change) = ide::rename(analysis, file, offset, "renamed") {
            change_inside(analysis, &change, "rename");
        }
        for action in ide::code_actions(analysis, file, Span::empty(offset.min(text.len()))) {
            change_inside(analysis, &action.change, "code action");
        }
        ide::view_at(analysis, file, offset);
    }
    for action in ide::code_actions(analysis, file, Span::new(0, text.len())) {
        change_inside(analysis, &action.change, "code action");
    }
    symbols_inside(analysis, file, &ide::document_symbols(analysis, file));
    for symbol in ide::workspace_symbols(analysis, "a") {
        inside(analysis, symbol.file, symbol.name_span, "workspace symbol");
    }
    for token in ide::semantic_tokens(analysis, file) {
        inside(analysis, file, token.span, "semantic token");
    }
    for range in ide::folding_ranges(analysis, file) {
        inside(analysis, file, range.span, "folding range");
    }
    for lens in ide::code_lenses(analysis, file) {
        inside(analysis, file, lens.span, "code lens");
    }
    for view in ide::views(analysis) {
        inside(analysis, view.file, view.name_span, "view name");
        inside(analysis, view.file, view.full_span, "view");
    }
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
