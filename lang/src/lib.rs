//! The kozo language: its grammar, a parser that never gives up, the typed
//! syntax tree, and position conversions.
//!
//! ```
//! let parse = kozo_lang::parse("system bms \"Building management\" { component hvac }");
//! assert!(parse.errors.is_empty());
//! assert_eq!(parse.tree.items.len(), 1);
//! ```

pub mod ast;
pub mod format;
pub mod line_index;
mod parser;
mod reparse;

pub use ast::*;
pub use line_index::LineIndex;
pub use parser::{
    body_words, parse, parse_by_pest_only, scan_comments, Parse, ELEMENT_EXAMPLE, MAX_NESTING,
    SECOND_STRING_MESSAGE,
};
pub use reparse::reparse;

/// `text` as a kozo string literal (`"..."`) that reads back as `text`:
/// quotes and backslashes escaped, line breaks and tabs as `\n`, `\r`,
/// `\t`, any other control character as `\u{...}`.
///
/// ```
/// assert_eq!(kozo_lang::string_literal("say \"hi\"\n"), r#""say \"hi\"\n""#);
/// ```
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// True when `text` can be used as a name: a Unicode identifier that is not a keyword.
pub fn is_valid_name(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first == '_' || unicode_ident_start(first) => {}
        _ => return false,
    }
    chars.all(unicode_ident_continue) && !is_keyword(text)
}

fn unicode_ident_start(c: char) -> bool {
    pest::unicode::XID_START(c)
}

fn unicode_ident_continue(c: char) -> bool {
    pest::unicode::XID_CONTINUE(c)
}

#[cfg(test)]
mod tests {
    /// A literal reads back, through the parser, as the text it was made of.
    #[test]
    fn a_string_literal_reads_back_as_its_text() {
        for text in [
            "",
            "plain",
            "ビル管理システム（BMS）",
            "say \"hi\" \\ back",
            "two\nlines\r\nand\ttab",
            "bell \u{7} and nul \u{0} and \u{1b}[2J",
        ] {
            let source = format!("system x {}\n", super::string_literal(text));
            let parse = super::parse(&source);
            assert!(parse.errors.is_empty(), "{source:?}: {:?}", parse.errors);
            let crate::Item::Decl(decl) = &parse.tree.items[0] else {
                panic!("{source:?} is not a declaration");
            };
            assert_eq!(decl.label.as_ref().map(|l| l.value.as_str()), Some(text));
        }
    }
}
