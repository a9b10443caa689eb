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

pub use ast::*;
pub use line_index::LineIndex;
pub use parser::{
    body_words, parse, scan_comments, Parse, ELEMENT_EXAMPLE, MAX_NESTING, SECOND_STRING_MESSAGE,
};

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
