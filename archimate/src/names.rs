//! kozo names for ArchiMate names, and kozo string literals.

use std::collections::HashSet;

/// Words kozo reserves (plus those the metamodel clauses use), which a
/// generated name must not be.
const RESERVED: &[&str] = &[
    "acyclic",
    "addresses",
    "affects",
    "concerns",
    "concern",
    "description",
    "downward",
    "default",
    "decision",
    "exclude",
    "from",
    "frames",
    "include",
    "kinds",
    "kind",
    "layer",
    "label",
    "order",
    "of",
    "parents",
    "relations",
    "relation",
    "rationale",
    "stakeholder",
    "shape",
    "status",
    "to",
    "use",
    "viewpoint",
    "view",
    "allow",
    "upward",
    "same_kind",
    "extend",
    "library",
    "group",
    "note",
    "implied",
    "direction",
    "line",
    "head",
    "tail",
];

/// Hands out unique kozo identifiers.
#[derive(Default)]
pub struct Namer {
    taken: HashSet<String>,
}

impl Namer {
    /// Marks a name as taken.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// A unique identifier made from `text` (lower-cased, spaces and
    /// punctuation as `_`), or from `fallback` when nothing is left.
    pub fn name(&mut self, text: &str, fallback: &str) -> String {
        let mut base = identifier(text);
        if base.is_empty() {
            base = identifier(fallback);
        }
        if RESERVED.contains(&base.as_str()) {
            base.push('_');
        }
        self.unique(base)
    }

    /// A unique file stem made from `text` (keywords allowed).
    pub fn file_stem(&mut self, text: &str, fallback: &str) -> String {
        let mut base = identifier(text);
        if base.is_empty() {
            base = identifier(fallback);
        }
        self.unique(base)
    }

    fn unique(&mut self, base: String) -> String {
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// `text` as an identifier: letters and digits kept (lower-cased), every
/// run of anything else one `_`, at most 40 characters.
pub fn identifier(text: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        if unicode_ident::is_xid_continue(c) && c != '_' {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
        if out.chars().count() >= 40 {
            break;
        }
    }
    match out.chars().next() {
        Some(c) if !unicode_ident::is_xid_start(c) => format!("_{out}"),
        _ => out,
    }
}

/// A kozo string literal holding `text`; carriage returns are dropped
/// (line breaks come from exchange files as `\r\n` or `\n`).
pub fn string(text: &str) -> String {
    kozo_lang::string_literal(&text.replace('\r', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_letters_and_join_the_rest() {
        assert_eq!(identifier("Customer Portal (v2)"), "customer_portal_v2");
        assert_eq!(identifier("顧客ポータル"), "顧客ポータル");
        assert_eq!(identifier("3D printer"), "_3d_printer");
        assert_eq!(identifier("--"), "");
        let mut namer = Namer::default();
        assert_eq!(namer.name("View", "x"), "view_");
        assert_eq!(namer.name("a b", "x"), "a_b");
        assert_eq!(namer.name("a-b", "x"), "a_b_2");
        assert_eq!(namer.name("", "business actor"), "business_actor");
    }

    #[test]
    fn strings_escape_quotes_and_newlines() {
        assert_eq!(string("a \"b\"\nc\\"), "\"a \\\"b\\\"\\nc\\\\\"");
    }
}
