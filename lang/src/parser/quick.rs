//! A direct reader for the statements most files are made of: element
//! declarations and relationships, whose bodies hold labels, descriptions,
//! properties, `technology` and more of the same.
//!
//! pest pays for every rule, sequence and lookahead it enters (a check of
//! the native stack, a call counter, snapshots of its token queue), and
//! the tree is then built from its pairs in a second walk. For these
//! statements that is most of a cold parse. This reader follows the same
//! grammar rules, in the same order of alternatives, over the bytes
//! directly, and builds the nodes as it goes; the first time anything is
//! not exactly one of the forms it knows (a keyword-led declaration, a
//! name that is malformed, a string left open, a body left open, any text
//! that would be an error), it gives up on the whole top-level statement
//! and pest reads it, from the same offset, as before. So what it returns
//! is always what pest and [`Builder`] would have built: the tests compare
//! it with the whole file read by pest alone, on every sample and prefix
//! and on generated text.
//!
//! It is used only when the whole text is read (no nesting too deep) and
//! no `}` was put in by the repair of an unclosed body: those paths are
//! rare, and pest handles them.

use memchr::{memchr2, memmem};
use smallvec::SmallVec;
use smol_str::SmolStr;

use super::{doc_before, unescape, Builder, MAX_NESTING};
use crate::ast::*;

/// Which statements a body takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyOf {
    /// `element_entry`: `technology`, relationships, nested elements and
    /// the common entries.
    Element,
    /// `relationship_entry`: `technology` and the common entries.
    Relationship,
}

/// A declaration or a relationship, at the top level or in a body.
enum Statement {
    Decl(Decl),
    Relationship(Relationship),
}

/// The optional end of a declaration or relationship: its label, its body,
/// where its last token ends (its span's end) and where pest would end it
/// (past the layout before the part it did not find).
struct Tail {
    label: Option<StrLit>,
    body: Option<Body>,
    last: usize,
    end: usize,
}

/// What the reader reads: the file's text and its doc comments' spans.
struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    docs: &'t [Span],
}

impl Builder<'_> {
    /// The top-level statement that starts after the layout at `pos`, and
    /// where pest would end it, when it is one the quick reader reads;
    /// `None` sends it to pest. `first` when it is the file's first
    /// statement (where `library` may stand).
    pub(super) fn quick_statement(&self, pos: usize, first: bool) -> Option<(Item, usize)> {
        if self.parsed_len != self.text.len() || !self.patches.is_empty() {
            return None;
        }
        let reader = Reader {
            text: self.text,
            bytes: self.text.as_bytes(),
            docs: self.docs,
        };
        let start = reader.skip(pos);
        let word_end = reader.name(start)?;
        if first && &self.text[start..word_end] == "library" {
            return None;
        }
        let (statement, end) = reader.named_statement(start, BodyOf::Element, 0)?;
        let item = match statement {
            Statement::Decl(decl) => Item::Decl(decl),
            Statement::Relationship(rel) => Item::Relationship(rel),
        };
        Some((item, end))
    }
}

impl Reader<'_> {
    /// Past the layout and comments at `at`, as pest's implicit `skip`
    /// (`(WHITESPACE | COMMENT)*`) reads them.
    fn skip(&self, mut at: usize) -> usize {
        let bytes = self.bytes;
        loop {
            match bytes.get(at) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => at += 1,
                // The byte-order mark, U+FEFF.
                Some(0xEF) if bytes[at..].starts_with(&[0xEF, 0xBB, 0xBF]) => at += 3,
                Some(b'/') => match bytes.get(at + 1) {
                    // Open to the end of the file when it is never closed.
                    Some(b'*') => {
                        at = memmem::find(&bytes[at + 2..], b"*/")
                            .map_or(bytes.len(), |i| at + 2 + i + 2)
                    }
                    Some(b'/') => {
                        at = memchr2(b'\n', b'\r', &bytes[at + 2..])
                            .map_or(bytes.len(), |i| at + 2 + i)
                    }
                    _ => return at,
                },
                _ => return at,
            }
        }
    }

    /// The end of the word at `at` as the grammar's `ident` reads it
    /// (`(XID_START | "_") ~ XID_CONTINUE*`), keyword or not.
    fn word_end(&self, at: usize) -> Option<usize> {
        let rest = self.bytes.get(at..)?;
        let first = *rest.first()?;
        let mut i = if first.is_ascii() {
            if !(first.is_ascii_alphabetic() || first == b'_') {
                return None;
            }
            1
        } else {
            let c = self.text[at..].chars().next()?;
            if !pest::unicode::XID_START(c) {
                return None;
            }
            c.len_utf8()
        };
        while let Some(&b) = rest.get(i) {
            if b.is_ascii() {
                if !(b.is_ascii_alphanumeric() || b == b'_') {
                    break;
                }
                i += 1;
            } else {
                match self.text[at + i..].chars().next() {
                    Some(c) if pest::unicode::XID_CONTINUE(c) => i += c.len_utf8(),
                    _ => break,
                }
            }
        }
        Some(at + i)
    }

    /// The end of the name at `at`: a word that is no keyword (`ident`).
    fn name(&self, at: usize) -> Option<usize> {
        let end = self.word_end(at)?;
        (!reserved(&self.text[at..end])).then_some(end)
    }

    fn ident(&self, start: usize, end: usize) -> Ident {
        Ident {
            text: SmolStr::new(&self.text[start..end]),
            span: Span::new(start, end),
        }
    }

    /// Whether the character at `at` continues a word (`XID_CONTINUE`).
    fn continues_word(&self, at: usize) -> bool {
        match self.bytes.get(at) {
            None => false,
            Some(b) if b.is_ascii() => b.is_ascii_alphanumeric() || *b == b'_',
            Some(_) => self.text[at..]
                .chars()
                .next()
                .is_some_and(pest::unicode::XID_CONTINUE),
        }
    }

    /// `path`: names joined by `.`, with no layout inside.
    fn path(&self, start: usize) -> Option<(Path, usize)> {
        let mut end = self.name(start)?;
        let mut segments: SmallVec<[Ident; 1]> = smallvec::smallvec![self.ident(start, end)];
        while self.bytes.get(end) == Some(&b'.') {
            let Some(next) = self.name(end + 1) else {
                break;
            };
            segments.push(self.ident(end + 1, next));
            end = next;
        }
        let span = Span::new(start, end);
        Some((Path { segments, span }, end))
    }

    /// `string` at `at` (which holds `"`), as [`Builder::string`] builds
    /// it; `None` for one left open or with a bad escape (an error).
    fn string(&self, at: usize) -> Option<(StrLit, usize)> {
        let bytes = self.bytes;
        if bytes[at..].starts_with(b"\"\"\"") {
            let close = at + 3 + memmem::find(&bytes[at + 3..], b"\"\"\"")?;
            let inner = &self.text[at + 3..close];
            // A leading line break right after `"""` is layout, not content.
            let inner = inner
                .strip_prefix("\r\n")
                .or_else(|| inner.strip_prefix(['\n', '\r']))
                .unwrap_or(inner);
            let end = close + 3;
            return Some((
                StrLit {
                    value: inner.to_string(),
                    span: Span::new(at, end),
                    triple: true,
                },
                end,
            ));
        }
        let mut i = at + 1;
        let mut escaped = false;
        loop {
            match *bytes.get(i)? {
                b'"' => break,
                b'\n' | b'\r' => return None,
                b'\\' => {
                    // Any character but a line break may follow (the
                    // escape is checked below); skipping one byte is
                    // enough, as no byte of a longer character is one of
                    // the bytes looked for here.
                    if matches!(bytes.get(i + 1), None | Some(b'\n' | b'\r')) {
                        return None;
                    }
                    escaped = true;
                    i += 2;
                }
                _ => i += 1,
            }
        }
        let inner = &self.text[at + 1..i];
        let value = if escaped {
            unescape(inner).ok()?
        } else {
            inner.to_string()
        };
        let end = i + 1;
        Some((
            StrLit {
                value,
                span: Span::new(at, end),
                triple: false,
            },
            end,
        ))
    }

    /// `number`: `-`? digits (`.` digits)?, not followed by a word character.
    fn number(&self, start: usize) -> Option<usize> {
        let bytes = self.bytes;
        let digits = |from: usize| {
            bytes[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut at = start + usize::from(bytes[start] == b'-');
        let whole = digits(at);
        if whole == 0 {
            return None;
        }
        at += whole;
        if bytes.get(at) == Some(&b'.') {
            let fraction = digits(at + 1);
            if fraction > 0 {
                at += 1 + fraction;
            }
        }
        (!self.continues_word(at)).then_some(at)
    }

    /// `value` at `at`: a string, number, boolean, path or list.
    fn value(&self, at: usize, depth: usize) -> Option<(Value, usize)> {
        match *self.bytes.get(at)? {
            b'"' => {
                let (lit, end) = self.string(at)?;
                Some((Value::Str(lit), end))
            }
            b'-' | b'0'..=b'9' => {
                let end = self.number(at)?;
                let number = SmolStr::new(&self.text[at..end]);
                Some((Value::Number(number, Span::new(at, end)), end))
            }
            b'[' => self.list(at, depth + 1),
            _ => {
                let word = self.word_end(at)?;
                match &self.text[at..word] {
                    "true" => Some((Value::Bool(true, Span::new(at, word)), word)),
                    "false" => Some((Value::Bool(false, Span::new(at, word)), word)),
                    _ => {
                        let (path, end) = self.path(at)?;
                        Some((Value::Path(path), end))
                    }
                }
            }
        }
    }

    /// `list`: `[` values separated by commas, one more comma allowed, `]`.
    fn list(&self, open: usize, depth: usize) -> Option<(Value, usize)> {
        if depth > MAX_NESTING {
            return None;
        }
        let mut items = Vec::new();
        let mut at = self.skip(open + 1);
        if self.bytes.get(at) != Some(&b']') {
            loop {
                let (item, end) = self.value(at, depth)?;
                items.push(item);
                at = self.skip(end);
                match self.bytes.get(at) {
                    Some(b']') => break,
                    Some(b',') => {
                        at = self.skip(at + 1);
                        if self.bytes.get(at) == Some(&b']') {
                            break;
                        }
                    }
                    _ => return None,
                }
            }
        }
        let end = at + 1;
        Some((Value::List(items, Span::new(open, end)), end))
    }

    /// A statement that starts with the name at `start`: a relationship,
    /// else an element declaration (the grammar's order), and where pest
    /// would end it (past the layout before an optional part it did not
    /// find). In an element body, `key = value` is read by [`Reader::entry`].
    fn named_statement(
        &self,
        start: usize,
        body_of: BodyOf,
        depth: usize,
    ) -> Option<(Statement, usize)> {
        let (source, path_end) = self.path(start)?;
        let after = self.skip(path_end);
        if self.bytes[after..].starts_with(b"->") {
            return self.relationship(start, source, after, depth);
        }
        // `element_kind` is one name; a declared name follows it.
        if source.segments.len() != 1 || body_of != BodyOf::Element {
            return None;
        }
        let kind = source.segments.into_iter().next()?;
        self.element(start, kind, after, depth)
    }

    /// `element_decl`, its kind read, its name at `at`.
    fn element(
        &self,
        start: usize,
        kind: Ident,
        at: usize,
        depth: usize,
    ) -> Option<(Statement, usize)> {
        let name_end = self.name(at)?;
        // `decl_name` takes `data-hub` and `a.b` whole, as a name to report.
        match self.bytes.get(name_end) {
            Some(b'.') => return None,
            Some(b'-') if self.bytes.get(name_end + 1) != Some(&b'>') => return None,
            _ => {}
        }
        let name = self.ident(at, name_end);
        let Tail {
            label,
            body,
            last,
            end,
        } = self.label_and_body(name_end, BodyOf::Element, depth)?;
        let span = Span::new(start, last);
        Some((
            Statement::Decl(Decl {
                extend: false,
                keyword_span: kind.span,
                kind: DeclKind::Element(kind),
                name,
                viewpoint: None,
                label,
                body,
                doc: doc_before(self.text, self.docs, start),
                span,
            }),
            end,
        ))
    }

    /// `source -> target (: kind)? "Label"? { body }?`, the source read
    /// and the arrow at `arrow`.
    fn relationship(
        &self,
        start: usize,
        source: Path,
        arrow: usize,
        depth: usize,
    ) -> Option<(Statement, usize)> {
        let (target, target_end) = self.path(self.skip(arrow + 2))?;
        let mut last = target_end;
        let mut relation = None;
        let at = self.skip(target_end);
        if self.bytes.get(at) == Some(&b':') {
            let kind_start = self.skip(at + 1);
            let kind_end = self.name(kind_start)?;
            relation = Some(self.ident(kind_start, kind_end));
            last = kind_end;
        }
        let Tail {
            label,
            body,
            last,
            end,
        } = self.label_and_body(last, BodyOf::Relationship, depth)?;
        Some((
            Statement::Relationship(Relationship {
                source,
                arrow: Span::new(arrow, arrow + 2),
                target,
                relation,
                label,
                body,
                doc: doc_before(self.text, self.docs, start),
                span: Span::new(start, last),
            }),
            end,
        ))
    }

    /// `decl_label? ~ body?` after the token that ends at `last`.
    fn label_and_body(&self, mut last: usize, body_of: BodyOf, depth: usize) -> Option<Tail> {
        let mut at = self.skip(last);
        let mut label = None;
        if self.bytes.get(at) == Some(&b'"') {
            let (lit, end) = self.string(at)?;
            label = Some(lit);
            last = end;
            at = self.skip(end);
        }
        let mut body = None;
        if self.bytes.get(at) == Some(&b'{') {
            let (read, end) = self.body(at, body_of, depth + 1)?;
            body = Some(read);
            last = end;
            at = end;
        }
        Some(Tail {
            label,
            body,
            last,
            end: at,
        })
    }

    /// A body from its `{` at `open` to its `}`.
    fn body(&self, open: usize, body_of: BodyOf, depth: usize) -> Option<(Body, usize)> {
        if depth > MAX_NESTING {
            return None;
        }
        let mut entries = Vec::new();
        let mut at = self.skip(open + 1);
        loop {
            // The end of the file before `}`: pest reports it.
            if *self.bytes.get(at)? == b'}' {
                break;
            }
            let (entry, end) = self.entry(at, body_of, depth)?;
            entries.push(entry);
            at = self.skip(end);
        }
        // Exact capacity, as the builder leaves it.
        entries.shrink_to_fit();
        let end = at + 1;
        Some((
            Body {
                entries,
                span: Span::new(open, end),
                closed: true,
            },
            end,
        ))
    }

    /// One statement of a body, at `at` (past the layout).
    fn entry(&self, at: usize, body_of: BodyOf, depth: usize) -> Option<(Entry, usize)> {
        let word_end = self.word_end(at)?;
        let word = &self.text[at..word_end];
        match word {
            // `technology_clause`, tried first in both bodies.
            "technology" => {
                let string = self.skip(word_end);
                if self.bytes.get(string) != Some(&b'"') {
                    return None;
                }
                let (lit, end) = self.string(string)?;
                return Some((
                    Entry::Clause(Clause {
                        keyword: ClauseKeyword::Technology,
                        keyword_span: Span::new(at, word_end),
                        args: ClauseArgs::Text(lit),
                        span: Span::new(at, end),
                    }),
                    end,
                ));
            }
            "label" => {
                let language = self.skip(word_end);
                let language_end = self.name(language)?;
                let string = self.skip(language_end);
                if self.bytes.get(string) != Some(&b'"') {
                    return None;
                }
                let (text, end) = self.string(string)?;
                return Some((
                    Entry::Label {
                        language: self.ident(language, language_end),
                        text,
                        span: Span::new(at, end),
                    },
                    end,
                ));
            }
            "description" => {
                let mut string = self.skip(word_end);
                let mut language = None;
                if let Some(language_end) = self.name(string) {
                    language = Some(self.ident(string, language_end));
                    string = self.skip(language_end);
                }
                if self.bytes.get(string) != Some(&b'"') {
                    return None;
                }
                let (text, end) = self.string(string)?;
                return Some((
                    Entry::Description {
                        language,
                        text,
                        span: Span::new(at, end),
                    },
                    end,
                ));
            }
            _ if reserved(word) => return None,
            _ => {}
        }
        // A name: a relationship or an element (in element bodies), else a
        // property `key = value`.
        let after = self.skip(word_end);
        let next = self.bytes.get(after);
        if next == Some(&b'=') {
            // Neither a relationship (no `->`) nor an element (`=` is no
            // name) in an element body; the only choice in the other.
            let (value, end) = self.value(self.skip(after + 1), depth)?;
            return Some((
                Entry::Property {
                    key: self.ident(at, word_end),
                    value,
                    span: Span::new(at, end),
                },
                end,
            ));
        }
        if body_of != BodyOf::Element {
            return None;
        }
        let (statement, end) = self.named_statement(at, body_of, depth)?;
        let entry = match statement {
            Statement::Decl(decl) => Entry::Decl(Box::new(decl)),
            Statement::Relationship(rel) => Entry::Relationship(Box::new(rel)),
        };
        Some((entry, end))
    }
}

/// The grammar's `keyword` rule: the words no name may be.
fn reserved(word: &str) -> bool {
    matches!(
        word,
        "acyclic"
            | "addresses"
            | "affects"
            | "concerns"
            | "concern"
            | "description"
            | "downward"
            | "default"
            | "decision"
            | "exclude"
            | "from"
            | "frames"
            | "include"
            | "kinds"
            | "kind"
            | "layer"
            | "label"
            | "order"
            | "of"
            | "parents"
            | "relations"
            | "relation"
            | "rationale"
            | "stakeholder"
            | "shape"
            | "status"
            | "to"
            | "use"
            | "viewpoint"
            | "view"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of the grammar's `keyword` rule, read from the grammar.
    fn grammar_keywords() -> Vec<String> {
        let grammar = include_str!("../grammar.pest");
        let rule = &grammar[grammar.find("\nkeyword = _{").unwrap()..];
        let rule = &rule[..rule.find("\n}").unwrap()];
        let choice = &rule[rule.find("~ (").unwrap()..];
        choice
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_reserved_words_are_the_grammars_keywords() {
        let words = grammar_keywords();
        assert_eq!(words.len(), KEYWORDS.len(), "{words:?}");
        for word in &words {
            assert!(reserved(word), "{word}");
            assert!(KEYWORDS.contains(&word.as_str()), "{word}");
        }
        for word in [
            "system",
            "technology",
            "group",
            "labels",
            "vie",
            "",
            "ja",
            "建物",
        ] {
            assert!(!reserved(word), "{word}");
        }
    }
}
