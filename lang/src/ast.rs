//! The typed syntax tree of a kozo file.
//!
//! Every node carries the byte span of the text it came from. The tree keeps
//! what the source says, not what it means: names are not resolved here, and
//! a declaration whose kind is unknown is still an element declaration.
//! Comments are kept beside the tree (see [`crate::Parse::comments`]) so the
//! formatter can put each one back where it stood.

use smallvec::SmallVec;
use smol_str::SmolStr;

/// A half-open range of byte offsets into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// A zero-width span at `offset`.
    pub fn empty(offset: usize) -> Span {
        Span::new(offset, offset)
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= (self.end as usize)
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A name as written, e.g. `bms` or `建物`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub text: SmolStr,
    pub span: Span,
}

/// A dotted name: `bms`, `bms.hvac_ctl`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    /// Almost every path has one segment: it is stored inline.
    pub segments: SmallVec<[Ident; 1]>,
    pub span: Span,
}

impl Path {
    /// The path as written, segments joined with `.`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&segment.text);
        }
        out
    }
}

/// A string literal with its escapes already applied.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
    /// Written as `"""..."""`.
    pub triple: bool,
}

/// The value of a property `key = value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Str(StrLit),
    /// The number as written (`3`, `-0.5`).
    Number(SmolStr, Span),
    Bool(bool, Span),
    Path(Path),
    List(Vec<Value>, Span),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Str(s) => s.span,
            Value::Number(_, span) | Value::Bool(_, span) | Value::List(_, span) => *span,
            Value::Path(p) => p.span,
        }
    }
}

/// How much of the tree under a path a view selector takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Depth {
    /// `x`: the element itself.
    Itself,
    /// `x.*`: its children.
    Children,
    /// `x.**`: all its descendants.
    Descendants,
}

/// An item of `include`/`exclude`, or of a relation kind's `from`/`to`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Selector {
    /// `*`: every top-level element (in `from`/`to`: any kind).
    All(Span),
    Path {
        path: Path,
        depth: Depth,
        span: Span,
    },
}

impl Selector {
    pub fn span(&self) -> Span {
        match self {
            Selector::All(span) => *span,
            Selector::Path { span, .. } => *span,
        }
    }
}

/// What a parsed file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceFile {
    /// `library` as the file's first statement: the metamodel it declares
    /// is vocabulary for other workspaces, so an unused kind is no finding.
    pub library: Option<Span>,
    pub items: Vec<Item>,
}

/// A top-level statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Use(UseDecl),
    Decl(Decl),
    Relationship(Relationship),
    /// Text that could not be parsed (reported in the parse errors).
    Error(Span),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Use(u) => u.span,
            Item::Decl(d) => d.span,
            Item::Relationship(r) => r.span,
            Item::Error(span) => *span,
        }
    }
}

/// `use society5`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseDecl {
    pub keyword: Span,
    pub module: Ident,
    pub span: Span,
}

/// The keyword that starts a declaration; for elements, the kind's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Layer,
    Kind,
    Relation,
    Concern,
    Stakeholder,
    Viewpoint,
    View,
    Decision,
    /// `group id "Label" { include ... }` inside a view.
    Group,
    /// `system bms`: an element of kind `system`.
    Element(Ident),
}

impl DeclKind {
    /// The keyword as written, or the element's kind name.
    pub fn keyword(&self) -> &str {
        match self {
            DeclKind::Layer => "layer",
            DeclKind::Kind => "kind",
            DeclKind::Relation => "relation",
            DeclKind::Concern => "concern",
            DeclKind::Stakeholder => "stakeholder",
            DeclKind::Viewpoint => "viewpoint",
            DeclKind::View => "view",
            DeclKind::Decision => "decision",
            DeclKind::Group => "group",
            DeclKind::Element(kind) => &kind.text,
        }
    }
}

/// `KEYWORD id "Label"? { body }?`, and `view id of viewpoint ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decl {
    /// `extend` before a layer, kind or relation kind: the declaration adds
    /// to one of the same name made elsewhere instead of declaring it. The
    /// word starts the declaration's span (see [`Decl::extend_keyword`]); a
    /// flag rather than a span keeps the many element declarations small.
    pub extend: bool,
    pub kind: DeclKind,
    /// Where the keyword (or the element's kind) is written.
    pub keyword_span: Span,
    pub name: Ident,
    /// A view's `of viewpoint`.
    pub viewpoint: Option<Path>,
    pub label: Option<StrLit>,
    pub body: Option<Body>,
    /// The text of the `///` comments right before the declaration.
    pub doc: Option<String>,
    pub span: Span,
}

impl Decl {
    /// Where `extend` is written, when the declaration extends another.
    pub fn extend_keyword(&self) -> Option<Span> {
        self.extend.then(|| {
            Span::new(
                self.span.start as usize,
                self.span.start as usize + "extend".len(),
            )
        })
    }

    pub fn entries(&self) -> &[Entry] {
        self.body.as_ref().map_or(&[], |b| &b.entries)
    }
}

/// `source -> target (: kind)? "Label"? { body }?`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relationship {
    pub source: Path,
    pub arrow: Span,
    pub target: Path,
    pub relation: Option<Ident>,
    pub label: Option<StrLit>,
    pub body: Option<Body>,
    pub doc: Option<String>,
    pub span: Span,
}

impl Relationship {
    pub fn entries(&self) -> &[Entry] {
        self.body.as_ref().map_or(&[], |b| &b.entries)
    }
}

/// `{ ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    pub entries: Vec<Entry>,
    /// From `{` to `}` (or to the end of the file when the body is left open).
    pub span: Span,
    /// False when the file ended before the closing `}`.
    pub closed: bool,
}

/// A statement inside a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `label ja "..."`.
    Label {
        language: Ident,
        text: StrLit,
        span: Span,
    },
    /// `description "..."`, or a translation `description ja "..."`.
    Description {
        language: Option<Ident>,
        text: StrLit,
        span: Span,
    },
    /// `key = value`.
    Property {
        key: Ident,
        value: Value,
        span: Span,
    },
    Clause(Clause),
    /// A nested element (boxed: most entries are small, and an enum is as
    /// large as its largest variant).
    Decl(Box<Decl>),
    Relationship(Box<Relationship>),
    /// Text that could not be parsed (reported in the parse errors).
    Error(Span),
}

impl Entry {
    pub fn span(&self) -> Span {
        match self {
            Entry::Label { span, .. }
            | Entry::Description { span, .. }
            | Entry::Property { span, .. }
            | Entry::Error(span) => *span,
            Entry::Clause(c) => c.span,
            Entry::Decl(d) => d.span,
            Entry::Relationship(r) => r.span,
        }
    }
}

/// The keyword of a clause inside a declaration's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClauseKeyword {
    Order,
    Layer,
    Parents,
    Shape,
    From,
    To,
    Acyclic,
    Downward,
    Default,
    Concerns,
    Frames,
    Kinds,
    Relations,
    Include,
    Exclude,
    Status,
    Addresses,
    Affects,
    Rationale,
    /// `implied off|on` in a view.
    Implied,
    /// `direction down|right` in a view.
    Direction,
    /// `note "text"` in a view.
    Note,
    /// `line solid|dashed|dotted` in a relation kind.
    Line,
    /// `head arrow|...` in a relation kind.
    Head,
    /// `tail arrow|...` in a relation kind.
    Tail,
    /// `technology "..."` on an element or a relationship.
    Technology,
    /// `show description, technology` in a viewpoint or a view.
    Show,
    /// `allow a, b -> c, d` in a relation kind.
    Allow,
    /// `upward` in a relation kind.
    Upward,
    /// `same_kind` in a relation kind.
    SameKind,
}

impl ClauseKeyword {
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseKeyword::Order => "order",
            ClauseKeyword::Layer => "layer",
            ClauseKeyword::Parents => "parents",
            ClauseKeyword::Shape => "shape",
            ClauseKeyword::From => "from",
            ClauseKeyword::To => "to",
            ClauseKeyword::Acyclic => "acyclic",
            ClauseKeyword::Downward => "downward",
            ClauseKeyword::Default => "default",
            ClauseKeyword::Concerns => "concerns",
            ClauseKeyword::Frames => "frames",
            ClauseKeyword::Kinds => "kinds",
            ClauseKeyword::Relations => "relations",
            ClauseKeyword::Include => "include",
            ClauseKeyword::Exclude => "exclude",
            ClauseKeyword::Status => "status",
            ClauseKeyword::Addresses => "addresses",
            ClauseKeyword::Affects => "affects",
            ClauseKeyword::Rationale => "rationale",
            ClauseKeyword::Implied => "implied",
            ClauseKeyword::Direction => "direction",
            ClauseKeyword::Note => "note",
            ClauseKeyword::Line => "line",
            ClauseKeyword::Head => "head",
            ClauseKeyword::Tail => "tail",
            ClauseKeyword::Technology => "technology",
            ClauseKeyword::Show => "show",
            ClauseKeyword::Allow => "allow",
            ClauseKeyword::Upward => "upward",
            ClauseKeyword::SameKind => "same_kind",
        }
    }
}

/// `frames privacy, energy_cost`, `acyclic`, `order 3`, ...
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    pub keyword: ClauseKeyword,
    pub keyword_span: Span,
    pub args: ClauseArgs,
    pub span: Span,
}

/// What follows a clause keyword.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClauseArgs {
    /// `acyclic`, `downward`, `default`.
    None,
    /// `order 3`.
    Number(SmolStr, Span),
    /// `layer data`, `shape cylinder`, `status accepted`.
    Word(Ident),
    /// `parents`, `kinds`, `relations`, `concerns`, `frames`, `addresses`,
    /// `affects`; `show` (its words as one-segment paths).
    Paths(Vec<Path>),
    /// `include`, `exclude`, `from`, `to`.
    Selectors(Vec<Selector>),
    /// `rationale "..."`, `note "..."`, `technology "..."`.
    Text(StrLit),
    /// `exclude a -> b : kind` (boxed, as is `allow`: they are rare, and
    /// inline they would make every entry of every body twice as large).
    Relationship(Box<RelationPattern>),
    /// `allow a, b -> c, d`.
    Allow(Box<AllowPairs>),
}

/// `allow a, b -> c, d;` in a relation kind: every listed source kind may
/// point to every listed target kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowPairs {
    pub sources: Vec<Ident>,
    pub arrow: Span,
    pub targets: Vec<Ident>,
    /// The optional `;` that ends it.
    pub semicolon: Option<Span>,
}

/// `source -> target (: kind)?` after `exclude`: the relationships a view
/// leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationPattern {
    pub source: Path,
    pub arrow: Span,
    pub target: Path,
    pub relation: Option<Ident>,
    pub span: Span,
}

/// A comment as written in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Comment {
    pub kind: CommentKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommentKind {
    /// `// ...`
    Line,
    /// `/// ...`
    Doc,
    /// `/* ... */`
    Block,
}

/// A syntax error: what was expected, where.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// The keywords that start a top-level declaration.
pub const DECLARATION_KEYWORDS: &[&str] = &[
    "use",
    "layer",
    "kind",
    "relation",
    "concern",
    "stakeholder",
    "viewpoint",
    "view",
    "decision",
];

/// The reserved words of the language.
pub const KEYWORDS: &[&str] = &[
    "use",
    "layer",
    "kind",
    "relation",
    "concern",
    "stakeholder",
    "viewpoint",
    "view",
    "decision",
    "label",
    "description",
    "order",
    "parents",
    "shape",
    "from",
    "to",
    "acyclic",
    "downward",
    "default",
    "concerns",
    "frames",
    "kinds",
    "relations",
    "include",
    "exclude",
    "of",
    "status",
    "addresses",
    "affects",
    "rationale",
];

/// Words that are keywords only where their clause may stand, and names
/// everywhere else: a view's `implied`, `direction`, `group` and `note`, a
/// relation kind's `line`, `head` and `tail`.
pub const VIEW_CLAUSE_WORDS: &[&str] = &["implied", "direction", "group", "note"];
pub const RELATION_NOTATION_WORDS: &[&str] = &["line", "head", "tail"];
/// `technology` in element and relationship bodies; `show` in viewpoints and views.
pub const TECHNOLOGY_WORD: &str = "technology";
pub const SHOW_WORD: &str = "show";
/// The words `show` takes.
pub const SHOW_ITEMS: &[&str] = &["description", "technology", "none"];
/// A relation kind's contextual clause words that say which ends it joins.
pub const RELATION_RULE_WORDS: &[&str] = &["allow", "upward", "same_kind"];

/// The values of `implied`, `direction`, `line`, `head` and `tail`.
pub const IMPLIED_VALUES: &[&str] = &["off", "on"];
pub const DIRECTION_VALUES: &[&str] = &["down", "right"];
pub const LINE_STYLES: &[&str] = &["solid", "dashed", "dotted"];
pub const END_MARKS: &[&str] = &[
    "arrow",
    "open",
    "triangle",
    "hollow_triangle",
    "diamond",
    "hollow_diamond",
    "circle",
    "none",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A large workspace holds hundreds of thousands of entries: a rare
    /// kind of clause kept inline would make every one of them larger.
    #[test]
    fn entries_stay_small() {
        assert!(std::mem::size_of::<ClauseArgs>() <= 40);
        assert!(std::mem::size_of::<Entry>() <= 96);
    }
}
