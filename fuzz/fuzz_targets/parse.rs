//! The parser takes any text: it never panics, every span lies inside the
//! text on character boundaries, errors are values, and the quick reader
//! of element declarations and relationships reads what pest reads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parse = kozo_lang::parse(&text);
    let inside = |span: kozo_lang::Span| {
        span.start <= span.end
            && (span.end as usize) <= text.len()
            && text.is_char_boundary(span.start as usize)
            && text.is_char_boundary(span.end as usize)
    };
    for error in &parse.errors {
        assert!(inside(error.span), "error span {:?} outside the text", error.span);
    }
    for comment in &parse.comments {
        assert!(inside(comment.span), "comment span {:?} outside the text", comment.span);
    }
    for item in &parse.tree.items {
        assert!(inside(item.span()), "item span {:?} outside the text", item.span());
    }
    assert!(
        parse == kozo_lang::parse_by_pest_only(&text),
        "the quick reader and pest read {text:?} differently"
    );
});
