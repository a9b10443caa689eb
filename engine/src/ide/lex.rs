//! A forgiving tokenizer for editor features that must work on broken text
//! (completion, semantic tokens, the `kozo-allow` action).
//!
//! It follows the grammar's lexical rules (identifiers are XID_Start or `_`
//! then XID_Continue; strings, comments and numbers as in `grammar.pest`) but
//! never fails: an unterminated string or block comment runs to the end of
//! its line or of the text, and a character that starts no token is a
//! [`TokenKind::Unknown`] token of its own.

use kozo_lang::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A name or a keyword (see [`kozo_lang::is_keyword`]).
    Ident,
    /// `"..."` or `"""..."""`; `closed` is false when the text ends first.
    Str {
        closed: bool,
    },
    Number,
    /// `// ...` (not a doc comment).
    LineComment,
    /// `/// ...`.
    DocComment,
    /// `/* ... */`; `closed` is false when the text ends first.
    BlockComment {
        closed: bool,
    },
    Arrow,
    Colon,
    Comma,
    Dot,
    LBrace,
    RBrace,
    Equals,
    Star,
    LBracket,
    RBracket,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    pub fn text(self, text: &str) -> &str {
        text.get(self.span.range()).unwrap_or("")
    }

    pub fn is_trivia(self) -> bool {
        matches!(
            self.kind,
            TokenKind::LineComment | TokenKind::DocComment | TokenKind::BlockComment { .. }
        )
    }
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_start(c)
}

pub(crate) fn is_ident_continue(c: char) -> bool {
    unicode_ident::is_xid_continue(c)
}

/// Every token of `text`, comments included, in order.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if c.is_whitespace() || c == '\u{FEFF}' {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let rest = &text[i..];
        let kind = if let Some(inner) = rest.strip_prefix("\"\"\"") {
            match inner.find("\"\"\"") {
                Some(end) => {
                    i += 3 + end + 3;
                    TokenKind::Str { closed: true }
                }
                None => {
                    i = text.len();
                    TokenKind::Str { closed: false }
                }
            }
        } else if c == '"' {
            i += 1;
            let mut closed = false;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' if !matches!(bytes.get(i + 1), None | Some(b'\n' | b'\r')) => {
                        i += 1;
                        // Skip the whole escaped character, which may be multi-byte.
                        i += text[i..].chars().next().map_or(1, char::len_utf8);
                    }
                    b'"' => {
                        i += 1;
                        closed = true;
                        break;
                    }
                    b'\n' | b'\r' => break,
                    _ => i += 1,
                }
            }
            TokenKind::Str { closed }
        } else if rest.starts_with("//") {
            // `\n`, `\r\n` and a lone `\r` all end the comment.
            i += rest.find(['\n', '\r']).unwrap_or(rest.len());
            if rest.starts_with("///") && !rest.starts_with("////") {
                TokenKind::DocComment
            } else {
                TokenKind::LineComment
            }
        } else if let Some(inner) = rest.strip_prefix("/*") {
            match inner.find("*/") {
                Some(end) => {
                    i += 2 + end + 2;
                    TokenKind::BlockComment { closed: true }
                }
                None => {
                    i = text.len();
                    TokenKind::BlockComment { closed: false }
                }
            }
        } else if rest.starts_with("->") {
            i += 2;
            TokenKind::Arrow
        } else if is_ident_start(c) {
            i += c.len_utf8();
            while let Some(next) = text[i..].chars().next() {
                if !is_ident_continue(next) {
                    break;
                }
                i += next.len_utf8();
            }
            TokenKind::Ident
        } else if c.is_ascii_digit()
            || (c == '-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            TokenKind::Number
        } else {
            i += c.len_utf8();
            match c {
                ':' => TokenKind::Colon,
                ',' => TokenKind::Comma,
                '.' => TokenKind::Dot,
                '{' => TokenKind::LBrace,
                '}' => TokenKind::RBrace,
                '=' => TokenKind::Equals,
                '*' => TokenKind::Star,
                '[' => TokenKind::LBracket,
                ']' => TokenKind::RBracket,
                _ => TokenKind::Unknown,
            }
        };
        out.push(Token {
            kind,
            span: Span::new(start, i),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, t.text(text)))
            .collect()
    }

    #[test]
    fn tokens_of_a_relationship() {
        use TokenKind::*;
        assert_eq!(
            kinds("bms.edge_gw -> 建物 : flows \"5 分\" // c\n"),
            [
                (Ident, "bms"),
                (Dot, "."),
                (Ident, "edge_gw"),
                (Arrow, "->"),
                (Ident, "建物"),
                (Colon, ":"),
                (Ident, "flows"),
                (Str { closed: true }, "\"5 分\""),
                (LineComment, "// c"),
            ]
        );
    }

    #[test]
    fn unterminated_strings_and_comments_do_not_swallow_everything() {
        use TokenKind::*;
        assert_eq!(
            kinds("system a \"open\nsystem b"),
            [
                (Ident, "system"),
                (Ident, "a"),
                (Str { closed: false }, "\"open"),
                (Ident, "system"),
                (Ident, "b"),
            ]
        );
        assert_eq!(
            kinds("/// doc\n/* open"),
            [
                (DocComment, "/// doc"),
                (BlockComment { closed: false }, "/* open")
            ]
        );
        assert_eq!(
            kinds("x = -3.5 ? \"\"\"a\"b\"\"\""),
            [
                (Ident, "x"),
                (Equals, "="),
                (Number, "-3.5"),
                (Unknown, "?"),
                (Str { closed: true }, "\"\"\"a\"b\"\"\""),
            ]
        );
    }

    #[test]
    fn escapes_of_multibyte_characters_stay_on_char_boundaries() {
        assert_eq!(
            kinds("\"\\建\" a"),
            [
                (TokenKind::Str { closed: true }, "\"\\建\""),
                (TokenKind::Ident, "a")
            ]
        );
    }
}
