//! Spans stay exact around multi-byte text: Japanese labels and names before
//! an error or an identifier must not shift byte spans, and 1-based character
//! columns (what the CLI prints) must count characters, not bytes.
//!
//! Expected offsets and columns are worked out by hand in the comments, not
//! computed with the code under test.

use kozo_lang::line_index::ColumnUnit;
use kozo_lang::*;

/// 1-based line and column of `offset`, counted in `unit`.
fn position(text: &str, offset: u32, unit: ColumnUnit) -> (u32, u32) {
    let (line, column) = LineIndex::new(text).position(text, offset as usize, unit);
    (line + 1, column + 1)
}

fn only_error(parse: &Parse) -> &SyntaxError {
    assert_eq!(parse.errors.len(), 1, "{:#?}", parse.errors);
    &parse.errors[0]
}

fn first_decl(parse: &Parse) -> &Decl {
    match &parse.tree.items[0] {
        Item::Decl(d) => d,
        other => panic!("expected a declaration, got {other:?}"),
    }
}

#[test]
fn japanese_label_before_an_error_on_the_same_line() {
    // "concern " 8 bytes, "費用" 6, " " 1, "\"エネルギー費用\"" 1 + 7×3 + 1 = 23,
    // " " 1: `42` starts at byte 39, after 8 + 2 + 1 + 9 + 1 = 21 characters.
    let text = "concern 費用 \"エネルギー費用\" 42";
    let parse = parse(text);
    let error = only_error(&parse);
    assert_eq!(error.span, Span::new(39, 41));
    assert_eq!(&text[error.span.range()], "42");
    assert_eq!(position(text, error.span.start, ColumnUnit::Char), (1, 22));
    assert_eq!(position(text, error.span.start, ColumnUnit::Utf16), (1, 22));
    assert_eq!(position(text, error.span.start, ColumnUnit::Utf8), (1, 40));

    let decl = first_decl(&parse);
    assert_eq!(decl.name.span, Span::new(8, 14));
    assert_eq!(decl.name.text, "費用");
    let label = decl.label.as_ref().unwrap();
    assert_eq!(label.span, Span::new(15, 38));
    assert_eq!(label.value, "エネルギー費用");
    assert_eq!(decl.span, Span::new(0, 38));
}

#[test]
fn japanese_label_before_an_identifier() {
    // "system " 7, "建物" 6, " " 1, "\"本館\"" 8, " { " 3, "component " 10:
    // `データ_hub2` (3×3 + 5 = 14 bytes, 8 characters) starts at byte 35,
    // after 27 characters (column 28), and ends at column 36.
    let text = "system 建物 \"本館\" { component データ_hub2 }";
    let parse = parse(text);
    assert_eq!(parse.errors, vec![]);
    let outer = first_decl(&parse);
    let Entry::Decl(inner) = &outer.entries()[0] else {
        panic!("expected a nested element");
    };
    assert_eq!(inner.name.text, "データ_hub2");
    assert_eq!(inner.name.span, Span::new(35, 49));
    assert_eq!(
        position(text, inner.name.span.start, ColumnUnit::Char),
        (1, 28)
    );
    assert_eq!(
        position(text, inner.name.span.end, ColumnUnit::Char),
        (1, 36)
    );
    assert_eq!(inner.keyword_span, Span::new(25, 34));
    assert_eq!(outer.body.as_ref().unwrap().span, Span::new(23, 51));
}

#[test]
fn japanese_lines_before_an_error_on_a_later_line() {
    // Line 1: "system 建物 \"ビル\" {\n" = 7 + 6 + 1 + 8 + 2 + 1 = 25 bytes.
    // Line 2: "  label ja \"ビル管理システム\"\n" = 2 + 6 + 3 + 1 + 24 + 1 + 1 = 38.
    // Line 3 starts at byte 63; `status` at 65, column 3. The label ends at
    // byte 36 + 26 = 62, after 11 + 10 = 21 characters of line 2 (column 22).
    let text = "system 建物 \"ビル\" {\n  label ja \"ビル管理システム\"\n  status accepted\n}\n";
    let parse = parse(text);
    let error = only_error(&parse);
    assert_eq!(error.span, Span::new(65, 71));
    assert_eq!(position(text, error.span.start, ColumnUnit::Char), (3, 3));
    assert!(
        error.message.contains("the keyword `status`"),
        "{}",
        error.message
    );
    let decl = first_decl(&parse);
    let Entry::Label { text: label, .. } = &decl.entries()[0] else {
        panic!("expected a label");
    };
    assert_eq!(label.span, Span::new(36, 62));
    assert_eq!(position(text, label.span.end, ColumnUnit::Char), (2, 22));
    assert_eq!(decl.entries()[1], Entry::Error(Span::new(65, 80)));
}

#[test]
fn bad_escape_after_japanese_text() {
    // "system s {\n" is 11 bytes and "  label ja \"" 12 more, so `日本` is
    // bytes 23..29 and `\q` 29..31, after 12 + 2 = 14 characters (column 15).
    let text = "system s {\n  label ja \"日本\\q\"\n}";
    let parse = parse(text);
    let error = only_error(&parse);
    assert_eq!(error.span, Span::new(29, 31));
    assert_eq!(&text[error.span.range()], "\\q");
    assert_eq!(position(text, error.span.start, ColumnUnit::Char), (2, 15));
    assert!(error.message.starts_with("unknown escape `\\q`"));
}

#[test]
fn invalid_unicode_escape_after_japanese_text() {
    // "concern " 8, "c " 2, "\"" 1, "データ" 9: the escape starts at byte 20,
    // after 8 + 2 + 1 + 3 = 14 characters (column 15).
    let text = "concern c \"データ\\u{D800}\"";
    let parse = parse(text);
    let error = only_error(&parse);
    assert_eq!(error.span, Span::new(20, 28));
    assert_eq!(position(text, error.span.start, ColumnUnit::Char), (1, 15));
    assert_eq!(error.message, "`\\u{D800}` is not a Unicode scalar value");
}

#[test]
fn astral_characters_count_once_in_chars_and_twice_in_utf16() {
    // "concern c \"" 11 bytes, "😀" 4 bytes (one char, two UTF-16 units),
    // "\" " 2: `42` at byte 17, character 14 (column 15), UTF-16 unit 15 (column 16).
    let text = "concern c \"😀\" 42";
    let parse = parse(text);
    let error = only_error(&parse);
    assert_eq!(error.span, Span::new(17, 19));
    assert_eq!(position(text, error.span.start, ColumnUnit::Char), (1, 15));
    assert_eq!(position(text, error.span.start, ColumnUnit::Utf16), (1, 16));
    assert_eq!(position(text, error.span.start, ColumnUnit::Utf8), (1, 18));
}

#[test]
fn missing_target_at_the_end_of_a_crlf_line() {
    // Line 1 "system 建物\r\n" is 7 + 6 + 2 = 15 bytes; line 2 "  建物 ->\r\n":
    // the arrow ends at byte 15 + 2 + 6 + 1 + 2 = 26, after 7 characters (column 8).
    // The error sits right after the arrow, before the `\r`.
    let text = "system 建物\r\n  建物 ->\r\nconcern c\r\n";
    let parse = parse(text);
    let error = only_error(&parse);
    assert_eq!(error.span, Span::empty(26));
    assert_eq!(position(text, 26, ColumnUnit::Char), (2, 8));
    assert_eq!(
        error.message,
        "expected the target element's path after `->`, found the end of the line"
    );
    assert_eq!(parse.tree.items[1], Item::Error(Span::new(17, 26)));
    let Item::Decl(concern) = &parse.tree.items[2] else {
        panic!("the concern after the error is parsed");
    };
    assert_eq!(concern.span, Span::new(28, 37));
}

#[test]
fn declaration_spans_end_at_their_last_token() {
    // Layout and comments after a declaration belong to no declaration.
    let text = "concern c \"費用\"   // 後で\n\nsystem s { x = 1 }  /* 終 */\n";
    let parse = parse(text);
    assert_eq!(parse.errors, vec![]);
    let spans: Vec<Span> = parse.tree.items.iter().map(Item::span).collect();
    // "concern c " 10 + "\"費用\"" 8 = 18; then "   " 3, "// 後で" 9 and two
    // line breaks: `system` starts at 32 and its `}` ends at 32 + 18 = 50.
    assert_eq!(spans, vec![Span::new(0, 18), Span::new(32, 50)]);
}

#[test]
fn line_index_clamps_inside_characters_and_past_lines() {
    let text = "建物\nx";
    let index = LineIndex::new(text);
    // Byte 1 is inside `建`: it counts as the character's start.
    assert_eq!(index.position(text, 1, ColumnUnit::Char), (0, 0));
    assert_eq!(index.position(text, 4, ColumnUnit::Char), (0, 1));
    assert_eq!(index.position(text, 6, ColumnUnit::Char), (0, 2));
    assert_eq!(index.offset(text, 0, 9, ColumnUnit::Char), Some(6));
    assert_eq!(index.offset(text, 1, 0, ColumnUnit::Char), Some(7));
    assert_eq!(index.offset(text, 2, 0, ColumnUnit::Char), None);
    assert_eq!(index.line_count(), 2);
}
