//! The formatter's safety net: the source and the output must hold the same
//! tokens and comments in the same order.
//!
//! This lexer is independent of the grammar and of the layout code on
//! purpose: it only splits text into strings, comments, punctuation and
//! words, so a mistake in the layout (a token lost, two words run together,
//! a line comment swallowing the code after it) shows up as a difference.
//! Two changes are the formatter's to make and are not differences: the
//! trailing spaces of a line comment, and the optional comma before a
//! list's `]`.

use super::FormatError;

/// Checks that `formatted` holds the tokens and comments of `source`.
pub(super) fn same_tokens(source: &str, formatted: &str) -> Result<(), FormatError> {
    let before = lexemes(source);
    let after = lexemes(formatted);
    if before == after {
        return Ok(());
    }
    let at = before
        .iter()
        .zip(&after)
        .position(|(a, b)| a != b)
        .unwrap_or(before.len().min(after.len()));
    let shown = |list: &[&str]| {
        list.get(at)
            .map_or("the end".to_string(), |t| format!("`{}`", t.escape_debug()))
    };
    Err(FormatError::Internal(format!(
        "token {} would change from {} to {}; the text is left as it is",
        at + 1,
        shown(&before),
        shown(&after)
    )))
}

/// The tokens and comments of `text`, a line comment without its trailing
/// spaces, and without the comma that may end a `[list]`.
fn lexemes(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let len = match rest[0] {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            0xEF if rest.starts_with("\u{FEFF}".as_bytes()) => {
                i += 3;
                continue;
            }
            b'/' if rest.starts_with(b"//") => {
                let end = crate::parser::line_end(rest).unwrap_or(rest.len());
                let comment = text[i..i + end].trim_end();
                out.push(comment);
                i += end;
                continue;
            }
            b'/' if rest.starts_with(b"/*") => {
                find(&rest[2..], b"*/").map_or(rest.len(), |e| e + 4)
            }
            b'"' if rest.starts_with(b"\"\"\"") => {
                find(&rest[3..], b"\"\"\"").map_or(rest.len(), |e| e + 6)
            }
            b'"' => plain_string_len(rest),
            b'-' if rest.starts_with(b"->") => 2,
            b'{' | b'}' | b'[' | b']' | b',' | b':' | b'=' | b';' => {
                if rest[0] == b']' {
                    drop_optional_comma(&mut out);
                }
                1
            }
            _ => word_len(rest),
        };
        // Every length above ends on a char boundary: each stops before or
        // after an ASCII byte, or at the end of the text.
        out.push(&text[i..i + len]);
        i += len;
    }
    out
}

/// Removes the comma before a `]` (comments may stand between them): the
/// layout writes it when the list is broken and leaves it out otherwise.
fn drop_optional_comma(out: &mut Vec<&str>) {
    let last_token = out
        .iter()
        .rposition(|t| !(t.starts_with("//") || t.starts_with("/*")));
    if let Some(at) = last_token.filter(|&at| out[at] == ",") {
        out.remove(at);
    }
}

/// The length of the plain string at the start of `rest` (up to the end of
/// the line when it is never closed).
fn plain_string_len(rest: &[u8]) -> usize {
    let mut j = 1;
    while j < rest.len() {
        match rest[j] {
            b'\\' if !matches!(rest.get(j + 1), None | Some(b'\n' | b'\r')) => {
                j += 2;
                // Skip the rest of an escaped multi-byte character.
                while j < rest.len() && (rest[j] & 0xC0) == 0x80 {
                    j += 1;
                }
            }
            b'"' => return j + 1,
            b'\n' | b'\r' => return j,
            _ => j += 1,
        }
    }
    rest.len()
}

/// The length of the word at the start of `rest`: everything up to layout,
/// punctuation, a quote, a comment or an arrow.
fn word_len(rest: &[u8]) -> usize {
    let mut j = 0;
    while j < rest.len() {
        match rest[j] {
            b' ' | b'\t' | b'\r' | b'\n' | b'{' | b'}' | b'[' | b']' | b',' | b':' | b'='
            | b';' | b'"' => break,
            b'/' if matches!(rest.get(j + 1), Some(b'/' | b'*')) => break,
            b'-' if j > 0 && rest.get(j + 1) == Some(&b'>') => break,
            0xEF if rest[j..].starts_with("\u{FEFF}".as_bytes()) => break,
            _ => j += 1,
        }
    }
    j.max(1)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_strings_comments_words_and_punctuation() {
        assert_eq!(
            lexemes("a->b.c : k \"x \\\" y\" // note  \n[1, 2,] /* b */ \"\"\"t\n\"\"\""),
            [
                "a",
                "->",
                "b.c",
                ":",
                "k",
                "\"x \\\" y\"",
                "// note",
                "[",
                "1",
                ",",
                "2",
                "]",
                "/* b */",
                "\"\"\"t\n\"\"\""
            ]
        );
    }

    #[test]
    fn a_lost_token_or_comment_is_a_difference() {
        assert!(same_tokens("a -> b // c\nd", "a -> b\nd").is_err());
        assert!(same_tokens("system a b", "system ab").is_err());
        assert!(same_tokens("x // c\ny", "x // c y").is_err());
        assert!(same_tokens("s \"a  b\"", "s \"a b\"").is_err());
    }

    #[test]
    fn layout_and_the_comma_before_a_bracket_are_not() {
        assert!(same_tokens("a->b:k// c   \nx=[1,2,]", "a -> b : k // c\nx = [1, 2]").is_ok());
        assert!(same_tokens("x = [1 // one\n]", "x = [\n  1, // one\n]").is_ok());
    }
}
