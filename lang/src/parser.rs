//! From text to [`SourceFile`]: pest does the matching, this module builds the
//! typed tree, words syntax errors for a modeller, and collects comments.
//!
//! Architecture invariant: [`parse`] never fails and never panics. Whatever the
//! input, it returns the tree it could build and a list of errors.

use pest::iterators::Pair;
use pest::Parser as _;
use smol_str::SmolStr;

use crate::ast::*;

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
struct KozoParser;

/// Bodies and lists nested deeper than this are not parsed (pest recurses).
pub const MAX_NESTING: usize = 64;

/// The result of parsing one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parse {
    pub tree: SourceFile,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

/// Parses a whole file. Never fails: errors are values in [`Parse::errors`].
pub fn parse(text: &str) -> Parse {
    let comments = scan_comments(text);
    let mut errors = Vec::new();
    let parsed_len = match too_deep(text) {
        Some(offset) => {
            errors.push(SyntaxError {
                span: Span::new(offset, offset + 1),
                message: format!(
                    "nesting deeper than {MAX_NESTING} levels; the rest of the file is not read"
                ),
            });
            offset
        }
        None => text.len(),
    };
    let docs: Vec<Span> = comments
        .iter()
        .filter(|c| c.kind == CommentKind::Doc)
        .map(|c| c.span)
        .collect();
    let mut builder = Builder {
        text,
        docs: &docs,
        errors,
    };
    let tree = match KozoParser::parse(Rule::file, &text[..parsed_len]) {
        Ok(mut pairs) => match pairs.next() {
            Some(file) => builder.file(file),
            None => SourceFile::default(),
        },
        Err(err) => {
            // The grammar accepts any text through its error alternatives, so
            // this is not expected; report it rather than lose the file silently.
            let offset = error_offset(&err);
            builder.errors.push(SyntaxError {
                span: Span::new(offset, next_token_end(text, offset)),
                message: "this file could not be read".to_string(),
            });
            SourceFile::default()
        }
    };
    let mut errors = builder.errors;
    errors.sort_by_key(|e| e.span);
    Parse {
        tree,
        comments,
        errors,
    }
}

struct Builder<'t> {
    text: &'t str,
    docs: &'t [Span],
    errors: Vec<SyntaxError>,
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

impl<'t> Builder<'t> {
    fn file(&mut self, file: Pair<'_, Rule>) -> SourceFile {
        let mut items = Vec::new();
        for pair in file.into_inner() {
            let item = match pair.as_rule() {
                Rule::use_decl => Item::Use(self.use_decl(pair)),
                Rule::relationship => Item::Relationship(self.relationship(pair)),
                Rule::top_error => {
                    let span = span_of(&pair);
                    self.explain(span, Rule::probe_top);
                    Item::Error(span)
                }
                Rule::EOI => continue,
                _ => Item::Decl(self.decl(pair)),
            };
            items.push(item);
        }
        SourceFile { items }
    }

    fn use_decl(&mut self, pair: Pair<'_, Rule>) -> UseDecl {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let keyword = inner.next().map(|p| span_of(&p)).unwrap_or(span);
        let module = inner
            .next()
            .and_then(|p| p.into_inner().next())
            .map(ident)
            .unwrap_or_else(|| missing_ident(span));
        UseDecl {
            keyword,
            module,
            span,
        }
    }

    fn decl(&mut self, pair: Pair<'_, Rule>) -> Decl {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let mut kind = match rule {
            Rule::layer_decl => DeclKind::Layer,
            Rule::kind_decl => DeclKind::Kind,
            Rule::relation_decl => DeclKind::Relation,
            Rule::concern_decl => DeclKind::Concern,
            Rule::stakeholder_decl => DeclKind::Stakeholder,
            Rule::viewpoint_decl => DeclKind::Viewpoint,
            Rule::view_decl => DeclKind::View,
            Rule::decision_decl => DeclKind::Decision,
            _ => DeclKind::Element(missing_ident(span)),
        };
        let mut keyword_span = Span::empty(span.start as usize);
        let mut name = missing_ident(span);
        let mut viewpoint = None;
        let mut label = None;
        let mut body = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::element_kind => {
                    keyword_span = span_of(&part);
                    if let Some(id) = part.into_inner().next() {
                        kind = DeclKind::Element(ident(id));
                    }
                }
                Rule::decl_name => {
                    if let Some(id) = part.into_inner().next() {
                        name = ident(id);
                    }
                }
                Rule::view_of => {
                    viewpoint = part
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::viewpoint_ref)
                        .and_then(|p| p.into_inner().next())
                        .map(path);
                }
                Rule::decl_label => {
                    label = part.into_inner().next().map(|s| self.string(s));
                }
                Rule::layer_body => body = Some(self.body(part, Rule::probe_layer)),
                Rule::kind_body => body = Some(self.body(part, Rule::probe_kind)),
                Rule::relation_body => body = Some(self.body(part, Rule::probe_relation)),
                Rule::plain_body => body = Some(self.body(part, Rule::probe_plain)),
                Rule::stakeholder_body => body = Some(self.body(part, Rule::probe_stakeholder)),
                Rule::viewpoint_body => body = Some(self.body(part, Rule::probe_viewpoint)),
                Rule::view_body => body = Some(self.body(part, Rule::probe_view)),
                Rule::decision_body => body = Some(self.body(part, Rule::probe_decision)),
                Rule::element_body => body = Some(self.body(part, Rule::probe_element)),
                _ => keyword_span = span_of(&part),
            }
        }
        Decl {
            kind,
            keyword_span,
            name,
            viewpoint,
            label,
            body,
            doc: self.doc_before(span.start as usize),
            span,
        }
    }

    fn relationship(&mut self, pair: Pair<'_, Rule>) -> Relationship {
        let span = span_of(&pair);
        let mut source = None;
        let mut target = None;
        let mut arrow = Span::empty(span.start as usize);
        let mut relation = None;
        let mut label = None;
        let mut body = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::relation_source => source = part.into_inner().next().map(path),
                Rule::relation_target => target = part.into_inner().next().map(path),
                Rule::arrow => arrow = span_of(&part),
                Rule::relation_ref => relation = part.into_inner().next().map(ident),
                Rule::decl_label => label = part.into_inner().next().map(|s| self.string(s)),
                Rule::plain_body => body = Some(self.body(part, Rule::probe_plain)),
                _ => {}
            }
        }
        let missing = || Path {
            segments: vec![missing_ident(span)],
            span: Span::empty(span.start as usize),
        };
        Relationship {
            source: source.unwrap_or_else(missing),
            arrow,
            target: target.unwrap_or_else(missing),
            relation,
            label,
            body,
            doc: self.doc_before(span.start as usize),
            span,
        }
    }

    fn body(&mut self, pair: Pair<'_, Rule>, probe: Rule) -> Body {
        let span = span_of(&pair);
        let mut entries = Vec::new();
        let mut closed = true;
        let mut open = Span::empty(span.start as usize);
        for part in pair.into_inner() {
            let entry = match part.as_rule() {
                Rule::lbrace => {
                    open = span_of(&part);
                    continue;
                }
                Rule::rbrace => continue,
                Rule::missing_rbrace => {
                    closed = false;
                    self.errors.push(SyntaxError {
                        span: open,
                        message: "this `{` is never closed: expected `}` before the end of the file"
                            .to_string(),
                    });
                    continue;
                }
                Rule::body_error => {
                    let span = span_of(&part);
                    self.explain(span, probe);
                    Entry::Error(span)
                }
                Rule::label_stmt => {
                    let span = span_of(&part);
                    let mut language = missing_ident(span);
                    let mut text = None;
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::language => {
                                if let Some(id) = p.into_inner().next() {
                                    language = ident(id);
                                }
                            }
                            Rule::string => text = Some(self.string(p)),
                            _ => {}
                        }
                    }
                    Entry::Label {
                        language,
                        text: text.unwrap_or_else(|| missing_string(span)),
                        span,
                    }
                }
                Rule::description_stmt => {
                    let span = span_of(&part);
                    let text = part
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::string)
                        .map(|p| self.string(p))
                        .unwrap_or_else(|| missing_string(span));
                    Entry::Description { text, span }
                }
                Rule::property => {
                    let span = span_of(&part);
                    let mut key = missing_ident(span);
                    let mut value = None;
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::property_key => {
                                if let Some(id) = p.into_inner().next() {
                                    key = ident(id);
                                }
                            }
                            Rule::value => value = Some(self.value(p)),
                            _ => {}
                        }
                    }
                    let value = value.unwrap_or_else(|| Value::List(Vec::new(), span));
                    Entry::Property { key, value, span }
                }
                Rule::relationship => Entry::Relationship(self.relationship(part)),
                Rule::element_decl => Entry::Decl(self.decl(part)),
                _ => Entry::Clause(self.clause(part)),
            };
            entries.push(entry);
        }
        Body {
            entries,
            span,
            closed,
        }
    }

    fn clause(&mut self, pair: Pair<'_, Rule>) -> Clause {
        let span = span_of(&pair);
        let keyword = match pair.as_rule() {
            Rule::order_clause => ClauseKeyword::Order,
            Rule::layer_clause => ClauseKeyword::Layer,
            Rule::parents_clause => ClauseKeyword::Parents,
            Rule::shape_clause => ClauseKeyword::Shape,
            Rule::from_clause => ClauseKeyword::From,
            Rule::to_clause => ClauseKeyword::To,
            Rule::acyclic_clause => ClauseKeyword::Acyclic,
            Rule::downward_clause => ClauseKeyword::Downward,
            Rule::default_clause => ClauseKeyword::Default,
            Rule::concerns_clause => ClauseKeyword::Concerns,
            Rule::frames_clause => ClauseKeyword::Frames,
            Rule::kinds_clause => ClauseKeyword::Kinds,
            Rule::relations_clause => ClauseKeyword::Relations,
            Rule::include_clause => ClauseKeyword::Include,
            Rule::exclude_clause => ClauseKeyword::Exclude,
            Rule::status_clause => ClauseKeyword::Status,
            Rule::addresses_clause => ClauseKeyword::Addresses,
            Rule::affects_clause => ClauseKeyword::Affects,
            _ => ClauseKeyword::Rationale,
        };
        let mut keyword_span = Span::empty(span.start as usize);
        let mut args = ClauseArgs::None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::order_value => {
                    let s = span_of(&part);
                    args = ClauseArgs::Number(SmolStr::new(part.as_str()), s);
                }
                Rule::layer_ref => {
                    if let Some(id) = part.into_inner().next() {
                        args = ClauseArgs::Word(ident(id));
                    }
                }
                Rule::shape_name | Rule::status_value => args = ClauseArgs::Word(ident(part)),
                Rule::kind_list
                | Rule::concern_list
                | Rule::relation_kind_list
                | Rule::element_list => {
                    let paths = part
                        .into_inner()
                        .filter_map(|item| item.into_inner().next())
                        .map(path_or_ident)
                        .collect();
                    args = ClauseArgs::Paths(paths);
                }
                Rule::kind_pattern_list | Rule::selector_list => {
                    args = ClauseArgs::Selectors(part.into_inner().map(selector).collect());
                }
                Rule::string => args = ClauseArgs::Text(self.string(part)),
                _ => keyword_span = span_of(&part),
            }
        }
        Clause {
            keyword,
            keyword_span,
            args,
            span,
        }
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Value {
        let span = span_of(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return Value::List(Vec::new(), span);
        };
        match inner.as_rule() {
            Rule::string => Value::Str(self.string(inner)),
            Rule::number => Value::Number(SmolStr::new(inner.as_str()), span),
            Rule::boolean => Value::Bool(inner.as_str() == "true", span),
            Rule::path => Value::Path(path(inner)),
            _ => {
                let items = inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::value)
                    .map(|p| self.value(p))
                    .collect();
                Value::List(items, span)
            }
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> StrLit {
        let span = span_of(&pair);
        let raw = pair.as_str();
        if let Some(inner) = raw
            .strip_prefix("\"\"\"")
            .and_then(|r| r.strip_suffix("\"\"\""))
        {
            // A leading line break right after `"""` is layout, not content.
            let inner = inner
                .strip_prefix("\r\n")
                .or_else(|| inner.strip_prefix('\n'))
                .unwrap_or(inner);
            return StrLit {
                value: inner.to_string(),
                span,
                triple: true,
            };
        }
        let inner = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw);
        match unescape(inner) {
            Ok(value) => StrLit {
                value,
                span,
                triple: false,
            },
            Err((at, len, message)) => {
                let start = span.start as usize + 1 + at;
                self.errors.push(SyntaxError {
                    span: Span::new(start, start + len),
                    message,
                });
                StrLit {
                    value: inner.to_string(),
                    span,
                    triple: false,
                }
            }
        }
    }

    /// The text of the `///` comments that end right before `start`.
    fn doc_before(&self, start: usize) -> Option<String> {
        let mut index = self.docs.partition_point(|d| (d.end as usize) <= start);
        let mut boundary = start;
        let mut lines = Vec::new();
        while index > 0 {
            let doc = self.docs[index - 1];
            let gap = self.text.get(doc.end as usize..boundary)?;
            // Only layout may stand between a doc comment and what it documents,
            // and at most one line break between two doc lines.
            if !gap.trim().is_empty() || gap.matches('\n').count() > 1 {
                break;
            }
            let line = self.text.get(doc.range())?;
            let line = line.trim_start_matches("///");
            lines.push(line.strip_prefix(' ').unwrap_or(line).trim_end());
            boundary = doc.start as usize;
            index -= 1;
        }
        if lines.is_empty() {
            return None;
        }
        lines.reverse();
        Some(lines.join("\n"))
    }

    /// Words a syntax error for the text at `span`, which no statement rule
    /// could start, by running `probe` alone from there.
    fn explain(&mut self, span: Span, probe: Rule) {
        let start = span.start as usize;
        let rest = &self.text[start..];
        // `a -> b :` parses as a relationship without a kind, leaving the
        // colon behind: say what the colon needed.
        if rest.starts_with(':') {
            let after = start + 1 + (rest[1..].len() - rest[1..].trim_start().len());
            self.errors.push(SyntaxError {
                span: Span::new(after, next_token_end(self.text, after)),
                message: format!(
                    "expected a relation kind after `:`, found {}",
                    describe_found(self.text, after)
                ),
            });
            return;
        }
        let (pos, positives) = match KozoParser::parse(probe, rest) {
            Ok(_) => (start, Vec::new()),
            Err(err) => {
                let positives = match &err.variant {
                    pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
                    _ => Vec::new(),
                };
                (start + error_offset(&err), positives)
            }
        };
        let found = describe_found(self.text, pos);
        let end = next_token_end(self.text, pos);
        let message = if pos == start || positives.is_empty() {
            format!("expected {}, found {found}", statement_words(probe))
        } else {
            let mut words: Vec<&str> = positives.iter().filter_map(|r| rule_words(*r)).collect();
            words.dedup();
            let expected = join_alternatives(&words);
            match previous_token(self.text, pos) {
                Some(prev) => format!("expected {expected} after {prev}, found {found}"),
                None => format!("expected {expected}, found {found}"),
            }
        };
        self.errors.push(SyntaxError {
            span: Span::new(pos, end.max(pos)),
            message,
        });
    }
}

fn ident(pair: Pair<'_, Rule>) -> Ident {
    Ident {
        text: SmolStr::new(pair.as_str()),
        span: span_of(&pair),
    }
}

fn missing_ident(at: Span) -> Ident {
    Ident {
        text: SmolStr::default(),
        span: Span::empty(at.start as usize),
    }
}

fn missing_string(at: Span) -> StrLit {
    StrLit {
        value: String::new(),
        span: Span::empty(at.end as usize),
        triple: false,
    }
}

fn path(pair: Pair<'_, Rule>) -> Path {
    let span = span_of(&pair);
    Path {
        segments: pair.into_inner().map(ident).collect(),
        span,
    }
}

/// Lists hold either `path` pairs or bare `ident` pairs; both become paths.
fn path_or_ident(pair: Pair<'_, Rule>) -> Path {
    if pair.as_rule() == Rule::path {
        path(pair)
    } else {
        let id = ident(pair);
        Path {
            span: id.span,
            segments: vec![id],
        }
    }
}

fn selector(pair: Pair<'_, Rule>) -> Selector {
    let span = span_of(&pair);
    match pair.as_rule() {
        Rule::star => Selector::All(span),
        Rule::kind_ref => Selector::Path {
            path: pair.into_inner().next().map(path_or_ident).unwrap_or(Path {
                segments: Vec::new(),
                span,
            }),
            depth: Depth::Itself,
            span,
        },
        _ => {
            let mut found_path = None;
            let mut depth = Depth::Itself;
            for part in pair.into_inner() {
                match part.as_rule() {
                    Rule::star => return Selector::All(span),
                    Rule::path => found_path = Some(path(part)),
                    Rule::selector_depth => {
                        depth = if part.as_str() == ".**" {
                            Depth::Descendants
                        } else {
                            Depth::Children
                        }
                    }
                    _ => {}
                }
            }
            Selector::Path {
                path: found_path.unwrap_or(Path {
                    segments: Vec::new(),
                    span,
                }),
                depth,
                span,
            }
        }
    }
}

/// Applies `\" \\ \n \t \r \u{...}`. On a bad escape, returns its byte offset
/// inside `inner`, its length and a message.
fn unescape(inner: &str) -> Result<String, (usize, usize, String)> {
    if !inner.contains('\\') {
        return Ok(inner.to_string());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, 'u')) => {
                let rest = &inner[at + 2..];
                let close = rest.find('}').unwrap_or(rest.len());
                let hex = rest.get(1..close).unwrap_or("");
                let len = 2 + close + 1;
                match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err((
                            at,
                            len.min(inner.len() - at),
                            format!("`\\u{{{hex}}}` is not a Unicode scalar value"),
                        ))
                    }
                }
                for _ in 0..close + 1 {
                    chars.next();
                }
            }
            _ => {
                return Err((
                    at,
                    2,
                    "unknown escape: use `\\\"`, `\\\\`, `\\n`, `\\t` or `\\u{...}`".to_string(),
                ))
            }
        }
    }
    Ok(out)
}

fn error_offset(err: &pest::error::Error<Rule>) -> usize {
    match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// What a statement list of this kind accepts, in words.
fn statement_words(probe: Rule) -> &'static str {
    match probe {
        Rule::probe_top => "a declaration (such as `system bms`, `concern privacy`, `view v of vp`) or a relationship `a -> b`",
        Rule::probe_element => "a nested element, a relationship `a -> b`, a property `key = value`, `label` or `description`",
        Rule::probe_layer => "`order`, `label`, `description` or a property",
        Rule::probe_kind => "`layer`, `parents`, `shape`, `label`, `description` or a property",
        Rule::probe_relation => "`from`, `to`, `acyclic`, `downward`, `default`, `label`, `description` or a property",
        Rule::probe_stakeholder => "`concerns`, `label`, `description` or a property",
        Rule::probe_viewpoint => "`frames`, `kinds`, `relations`, `label`, `description` or a property",
        Rule::probe_view => "`include`, `exclude`, `label`, `description` or a property",
        Rule::probe_decision => "`status`, `addresses`, `affects`, `rationale`, `label`, `description` or a property",
        _ => "`label`, `description` or a property `key = value`",
    }
}

/// A grammar rule, in a modeller's words.
fn rule_words(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident | Rule::decl_name => "a name",
        Rule::path => "a path",
        Rule::string | Rule::plain_string | Rule::triple_string => "a string in quotes",
        Rule::decl_label => "a label in quotes",
        Rule::module_name => "a module name (such as `society5`)",
        Rule::element_kind => "an element kind",
        Rule::relation_source => "an element path",
        Rule::relation_target => "the target element's path",
        Rule::relation_ref | Rule::relation_kind_list => "a relation kind",
        Rule::viewpoint_ref => "a viewpoint",
        Rule::view_of | Rule::kw_of => "`of`",
        Rule::language => "a language code (such as `ja`)",
        Rule::property_key => "a property name",
        Rule::value => "a value (a string, number, path or `[list]`)",
        Rule::number | Rule::order_value => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::layer_ref => "a layer",
        Rule::kind_ref | Rule::kind_list => "an element kind",
        Rule::kind_pattern_list => "an element kind or `*`",
        Rule::shape_name => {
            "a shape (box, rounded, cylinder, person, component, folder or hexagon)"
        }
        Rule::concern_ref | Rule::concern_list => "a concern",
        Rule::element_ref | Rule::element_list => "an element path",
        Rule::selector | Rule::selector_list => "an element path, `x.*`, `x.**` or `*`",
        Rule::selector_depth => "`.*` or `.**`",
        Rule::status_value => "a status (proposed, accepted, superseded or rejected)",
        Rule::arrow => "`->`",
        Rule::colon => "`:`",
        Rule::lbrace
        | Rule::plain_body
        | Rule::element_body
        | Rule::layer_body
        | Rule::kind_body
        | Rule::relation_body
        | Rule::stakeholder_body
        | Rule::viewpoint_body
        | Rule::view_body
        | Rule::decision_body => "`{`",
        Rule::rbrace => "`}`",
        Rule::equals => "`=`",
        Rule::star => "`*`",
        Rule::lbracket | Rule::list => "`[`",
        Rule::rbracket => "`]`",
        Rule::kw_use => "`use`",
        Rule::kw_layer => "`layer`",
        Rule::kw_kind => "`kind`",
        Rule::kw_relation => "`relation`",
        Rule::kw_concern => "`concern`",
        Rule::kw_stakeholder => "`stakeholder`",
        Rule::kw_viewpoint => "`viewpoint`",
        Rule::kw_view => "`view`",
        Rule::kw_decision => "`decision`",
        Rule::kw_label => "`label`",
        Rule::kw_description => "`description`",
        _ => return None,
    })
}

fn join_alternatives(words: &[&str]) -> String {
    match words {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The token just before `pos`, quoted for a message: "`:`", "`bms`", "the label".
fn previous_token(text: &str, pos: usize) -> Option<String> {
    let before = text.get(..pos)?.trim_end();
    let last = before.chars().next_back()?;
    if last == '"' {
        return Some("the string".to_string());
    }
    if is_ident_char(last) {
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_ident_char(*c))
            .last()
            .map_or(before.len(), |(i, _)| i);
        return Some(format!("`{}`", &before[start..]));
    }
    if before.ends_with("->") {
        return Some("`->`".to_string());
    }
    Some(format!("`{last}`"))
}

/// Where the token starting at `pos` ends (at least one character on).
fn next_token_end(text: &str, pos: usize) -> usize {
    let rest = text.get(pos..).unwrap_or("");
    let mut chars = rest.char_indices();
    match chars.next() {
        None => pos,
        Some((_, c)) if is_ident_char(c) => {
            pos + rest
                .char_indices()
                .find(|(_, c)| !is_ident_char(*c))
                .map_or(rest.len(), |(i, _)| i)
        }
        Some((_, c)) => pos + c.len_utf8(),
    }
}

/// The token at `pos`, in words for "found ...".
fn describe_found(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some('"') => "a string".to_string(),
        Some(c) if c.is_whitespace() => "the end of the line".to_string(),
        Some(_) => {
            let token = &text[pos..next_token_end(text, pos)];
            if is_keyword(token) {
                format!("the keyword `{token}` (keywords cannot be used as names)")
            } else {
                format!("`{token}`")
            }
        }
    }
}

/// Finds the first `{` or `[` that opens a level deeper than [`MAX_NESTING`],
/// skipping strings and comments the way the grammar does.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'/' => {
                i = skip_string_or_comment(bytes, i).unwrap_or(i + 1);
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// If a string or comment starts at `i`, the offset just past it.
fn skip_string_or_comment(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = &bytes[i..];
    if rest.starts_with(b"\"\"\"") {
        let end = find(&rest[3..], b"\"\"\"").map_or(bytes.len(), |e| i + 3 + e + 3);
        return Some(end);
    }
    if rest.starts_with(b"\"") {
        let mut j = i + 1;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' => j += 2,
                b'"' => return Some(j + 1),
                b'\n' => return Some(j),
                _ => j += 1,
            }
        }
        return Some(bytes.len());
    }
    if rest.starts_with(b"//") {
        return Some(find(rest, b"\n").map_or(bytes.len(), |e| i + e));
    }
    if rest.starts_with(b"/*") {
        return Some(find(&rest[2..], b"*/").map_or(bytes.len(), |e| i + 2 + e + 2));
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Every comment of the file, found by the same lexing rules as the grammar.
pub fn scan_comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'/' => {
                if let Some(end) = skip_string_or_comment(bytes, i) {
                    let slice = &bytes[i..end];
                    let kind = if slice.starts_with(b"/*") {
                        Some(CommentKind::Block)
                    } else if slice.starts_with(b"///") && !slice.starts_with(b"////") {
                        Some(CommentKind::Doc)
                    } else if slice.starts_with(b"//") {
                        Some(CommentKind::Line)
                    } else {
                        None
                    };
                    if let Some(kind) = kind {
                        // A line comment's span excludes a trailing `\r`.
                        let end = if kind != CommentKind::Block && slice.ends_with(b"\r") {
                            end - 1
                        } else {
                            end
                        };
                        comments.push(Comment {
                            kind,
                            span: Span::new(i, end),
                        });
                    }
                    i = end.max(i + 1);
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    comments
}
