//! The typed content of an ArchiMate Model Exchange File (3.0/3.1), as the
//! reader produces it and the writer consumes it. Only what the mapping to
//! kozo uses is typed; whatever else a file holds is counted by the reader
//! and named in the import report, never silently dropped.

/// A text in one language (`xml:lang`), or in none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LangString {
    pub lang: Option<String>,
    pub text: String,
}

impl LangString {
    pub fn new(lang: Option<&str>, text: &str) -> LangString {
        LangString {
            lang: lang.map(str::to_string),
            text: text.to_string(),
        }
    }
}

/// A property: the definition it refers to and its value(s), one per language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Property {
    pub definition: String,
    pub values: Vec<LangString>,
}

/// A `propertyDefinition`: an identifier, a name and a data type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PropertyDefinition {
    pub identifier: String,
    pub names: Vec<LangString>,
    /// `string`, `boolean`, `currency`, `date`, `time` or `number`.
    pub data_type: String,
}

/// An element (junctions included).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    pub identifier: String,
    /// The `xsi:type`, e.g. `BusinessActor`.
    pub xsi_type: String,
    pub names: Vec<LangString>,
    pub documentation: Vec<LangString>,
    pub properties: Vec<Property>,
    /// Where the element was read (1-based line and column), for messages.
    pub at: (u32, u32),
}

/// A relationship between two elements.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relationship {
    pub identifier: String,
    /// The `xsi:type`, e.g. `Serving`.
    pub xsi_type: String,
    pub source: String,
    pub target: String,
    pub names: Vec<LangString>,
    pub documentation: Vec<LangString>,
    pub properties: Vec<Property>,
    /// An access relationship's `accessType`: `Access`, `Read`, `Write` or `ReadWrite`.
    pub access_type: Option<String>,
    /// An influence relationship's strength (`modifier`), e.g. `+`, `++`, `-`.
    pub modifier: Option<String>,
    /// An association's `isDirected`.
    pub is_directed: Option<bool>,
    pub at: (u32, u32),
}

/// A folder of the `organizations` tree, or a reference to a concept in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    /// Set for a reference to an element, relationship or view.
    pub identifier_ref: Option<String>,
    /// A folder's labels.
    pub labels: Vec<LangString>,
    pub documentation: Vec<LangString>,
    pub items: Vec<Item>,
}

/// A node drawn in a view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewNode {
    pub identifier: String,
    pub content: NodeContent,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub children: Vec<ViewNode>,
    pub at: (u32, u32),
}

/// What a view node draws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeContent {
    /// An element (`xsi:type="Element"`, `elementRef`).
    Element(String),
    /// A note (`xsi:type="Label"`) with its text.
    Label(Vec<LangString>),
    /// A visual group (`xsi:type="Container"`) with its label.
    Container(Vec<LangString>),
}

impl Default for NodeContent {
    fn default() -> Self {
        NodeContent::Label(Vec::new())
    }
}

/// A connection drawn in a view.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Connection {
    pub identifier: String,
    /// The relationship drawn; `None` for a plain line (`xsi:type="Line"`).
    pub relationship: Option<String>,
    pub source: String,
    pub target: String,
    pub bendpoints: Vec<(i64, i64)>,
    pub at: (u32, u32),
}

/// A view (`xsi:type="Diagram"`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    pub identifier: String,
    pub names: Vec<LangString>,
    pub documentation: Vec<LangString>,
    pub properties: Vec<Property>,
    pub viewpoint: Option<String>,
    pub nodes: Vec<ViewNode>,
    pub connections: Vec<Connection>,
    pub at: (u32, u32),
}

/// A whole exchange file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExchangeModel {
    pub identifier: String,
    pub names: Vec<LangString>,
    pub documentation: Vec<LangString>,
    pub properties: Vec<Property>,
    pub elements: Vec<Element>,
    pub relationships: Vec<Relationship>,
    pub organizations: Vec<Item>,
    pub property_definitions: Vec<PropertyDefinition>,
    pub views: Vec<View>,
    /// What the file held that this model does not keep (styles,
    /// unsupported view parts, metadata), one line each, for the report.
    pub skipped: Vec<String>,
}

/// The text in `lang`, else the one without a language, else the first.
pub fn preferred<'a>(texts: &'a [LangString], lang: Option<&str>) -> Option<&'a str> {
    texts
        .iter()
        .find(|t| t.lang.as_deref() == lang)
        .or_else(|| texts.iter().find(|t| t.lang.is_none()))
        .or_else(|| texts.first())
        .map(|t| t.text.as_str())
}
