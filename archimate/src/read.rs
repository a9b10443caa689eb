//! Reading an exchange file into an [`ExchangeModel`].
//!
//! The XML is parsed by roxmltree with document type declarations refused:
//! no entity is ever declared, so none can be expanded (billion laughs) or
//! fetched (external entities). Files above [`MAX_BYTES`] are refused before
//! parsing. Every error carries the line and column (1-based, characters)
//! it was found at; the reader reports every problem it finds, not only the
//! first.

use std::collections::HashMap;
use std::fmt;

use roxmltree::{Document, Node, ParsingOptions};

use crate::model::*;
use crate::types;

/// The namespace of the exchange format, versions 3.0 and 3.1.
pub const NAMESPACE: &str = "http://www.opengroup.org/xsd/archimate/3.0/";
/// The namespace of the older 2.x format, which is not read.
const NAMESPACE_2: &str = "http://www.opengroup.org/xsd/archimate";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The largest file read: 64 MiB. A 10 000-element model is about 5 MiB.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// A problem with the input, where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}:{}: {}", self.line, self.column, self.message)
        }
    }
}

fn whole(message: String) -> ReadError {
    ReadError {
        line: 0,
        column: 0,
        message,
    }
}

/// Reads an exchange file from its bytes. Any bytes are accepted: what is
/// not a well-formed, consistent exchange file is a list of errors.
pub fn read(bytes: &[u8]) -> Result<ExchangeModel, Vec<ReadError>> {
    if bytes.len() > MAX_BYTES {
        return Err(vec![whole(format!(
            "the file is {} MiB; exchange files above {} MiB are refused",
            bytes.len() / (1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        ))]);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let last_line = valid.rsplit(|&b| b == b'\n').next().map_or(&[][..], |l| l);
            let column = String::from_utf8_lossy(last_line).chars().count() as u32 + 1;
            return Err(vec![ReadError {
                line,
                column,
                message: "the file is not UTF-8 (exchange files are read as UTF-8)".to_string(),
            }]);
        }
    };
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|err| {
        let (line, column, message) = match err {
            roxmltree::Error::DtdDetected => {
                // roxmltree does not say where; the declaration is found here.
                let offset = text.find("<!DOCTYPE").unwrap_or(0);
                let (line, column) = position(text, offset);
                (line, column, "the file has a document type declaration (<!DOCTYPE>); it is refused, so that no entity is expanded or fetched".to_string())
            }
            other => {
                let pos = other.pos();
                (pos.row, pos.col, format!("not well-formed XML: {other}"))
            }
        };
        vec![ReadError {
            line,
            column,
            message,
        }]
    })?;
    Reader {
        doc: &doc,
        text,
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        errors: Vec::new(),
        skipped: Vec::new(),
        styled: (0, 0),
    }
    .model()
}

struct Reader<'a, 'input> {
    doc: &'a Document<'input>,
    text: &'input str,
    /// Where each line starts: roxmltree's own position lookup scans the
    /// text from the start, which made reading quadratic.
    line_starts: Vec<usize>,
    errors: Vec<ReadError>,
    skipped: Vec<String>,
    /// How many view nodes and connections carry a style (Archi writes one
    /// for nearly every node): reported as one count, not one line each.
    styled: (usize, usize),
}

impl<'a, 'input> Reader<'a, 'input> {
    fn at(&self, node: Node) -> (u32, u32) {
        let offset = node.range().start;
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |t| t.chars().count());
        (line as u32 + 1, column as u32 + 1)
    }

    fn error(&mut self, node: Node, message: String) {
        let (line, column) = self.at(node);
        self.errors.push(ReadError {
            line,
            column,
            message,
        });
    }

    fn skip(&mut self, node: Node, what: &str) {
        let (line, column) = self.at(node);
        self.skipped
            .push(format!("{what} (line {line}, column {column})"));
    }

    fn model(mut self) -> Result<ExchangeModel, Vec<ReadError>> {
        let root = self.doc.root_element();
        let ns = root.tag_name().namespace().unwrap_or("");
        if ns == NAMESPACE_2 || ns.starts_with("http://www.opengroup.org/xsd/archimate/2") {
            self.error(
                root,
                "this is an ArchiMate 2.x exchange file; only the 3.0/3.1 format is read (Archi can open it and export it as 3.1)".to_string(),
            );
            return Err(self.errors);
        }
        if ns != NAMESPACE || root.tag_name().name() != "model" {
            self.error(
                root,
                format!(
                    "the root element is `{}` in the namespace `{ns}`; an exchange file has `model` in `{NAMESPACE}`",
                    root.tag_name().name()
                ),
            );
            return Err(self.errors);
        }
        let mut model = ExchangeModel {
            identifier: self.identifier(root),
            ..ExchangeModel::default()
        };
        for child in elements(root) {
            match child.tag_name().name() {
                "name" => model.names.push(lang_string(child)),
                "documentation" => model.documentation.push(lang_string(child)),
                "properties" => model.properties = self.properties(child),
                "metadata" => self.skip(child, "the model's metadata"),
                "elements" => {
                    for e in elements(child) {
                        if let Some(e) = self.element(e) {
                            model.elements.push(e);
                        }
                    }
                }
                "relationships" => {
                    for r in elements(child) {
                        if let Some(r) = self.relationship(r) {
                            model.relationships.push(r);
                        }
                    }
                }
                "organizations" => {
                    for item in elements(child).filter(|n| n.has_tag_name((NAMESPACE, "item"))) {
                        model.organizations.push(self.item(item));
                    }
                }
                "propertyDefinitions" => {
                    for d in elements(child) {
                        model.property_definitions.push(PropertyDefinition {
                            identifier: self.identifier(d),
                            names: named(d, "name"),
                            data_type: d.attribute("type").unwrap_or("string").to_string(),
                        });
                    }
                }
                "views" => {
                    for diagrams in elements(child) {
                        if diagrams.tag_name().name() != "diagrams" {
                            self.skip(diagrams, "view part other than diagrams");
                            continue;
                        }
                        for v in elements(diagrams) {
                            if let Some(v) = self.view(v) {
                                model.views.push(v);
                            }
                        }
                    }
                }
                other => {
                    let what = format!("unknown model part `{other}`");
                    self.skip(child, &what);
                }
            }
        }
        self.check(root, &model);
        if self.styled != (0, 0) {
            self.skipped.push(format!(
                "the styles (colours, fonts, line widths) of {} view node(s) and {} connection(s)",
                self.styled.0, self.styled.1
            ));
        }
        model.skipped = std::mem::take(&mut self.skipped);
        if self.errors.is_empty() {
            Ok(model)
        } else {
            Err(self.errors)
        }
    }

    fn identifier(&mut self, node: Node) -> String {
        match node.attribute("identifier") {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => {
                let name = node.tag_name().name().to_string();
                self.error(node, format!("`{name}` has no identifier"));
                String::new()
            }
        }
    }

    fn properties(&mut self, node: Node) -> Vec<Property> {
        elements(node)
            .map(|p| Property {
                definition: p
                    .attribute("propertyDefinitionRef")
                    .unwrap_or("")
                    .to_string(),
                values: named(p, "value"),
            })
            .collect()
    }

    fn common(&mut self, node: Node) -> (Vec<LangString>, Vec<LangString>, Vec<Property>) {
        let (mut names, mut docs, mut props) = (Vec::new(), Vec::new(), Vec::new());
        for child in elements(node) {
            match child.tag_name().name() {
                "name" => names.push(lang_string(child)),
                "documentation" => docs.push(lang_string(child)),
                "properties" => props = self.properties(child),
                _ => {}
            }
        }
        (names, docs, props)
    }

    fn element(&mut self, node: Node) -> Option<Element> {
        let identifier = self.identifier(node);
        let xsi_type = node.attribute((XSI, "type")).unwrap_or("").to_string();
        if types::element_by_xsi(&xsi_type).is_none() {
            self.error(
                node,
                format!("element `{identifier}` has the unknown type `{xsi_type}`"),
            );
            return None;
        }
        let (names, documentation, properties) = self.common(node);
        Some(Element {
            identifier,
            xsi_type,
            names,
            documentation,
            properties,
            at: self.at(node),
        })
    }

    fn relationship(&mut self, node: Node) -> Option<Relationship> {
        let identifier = self.identifier(node);
        let xsi_type = node.attribute((XSI, "type")).unwrap_or("").to_string();
        if types::relationship_by_xsi(&xsi_type).is_none() {
            self.error(
                node,
                format!("relationship `{identifier}` has the unknown type `{xsi_type}`"),
            );
            return None;
        }
        let (names, documentation, properties) = self.common(node);
        Some(Relationship {
            identifier,
            xsi_type,
            source: node.attribute("source").unwrap_or("").to_string(),
            target: node.attribute("target").unwrap_or("").to_string(),
            names,
            documentation,
            properties,
            access_type: node.attribute("accessType").map(str::to_string),
            modifier: node.attribute("modifier").map(str::to_string),
            is_directed: node
                .attribute("isDirected")
                .map(|v| v == "true" || v == "1"),
            at: self.at(node),
        })
    }

    fn item(&mut self, node: Node) -> Item {
        Item {
            identifier_ref: node.attribute("identifierRef").map(str::to_string),
            labels: named(node, "label"),
            documentation: named(node, "documentation"),
            items: elements(node)
                .filter(|n| n.tag_name().name() == "item")
                .map(|n| self.item(n))
                .collect(),
        }
    }

    fn view(&mut self, node: Node) -> Option<View> {
        let identifier = self.identifier(node);
        let (names, documentation, properties) = self.common(node);
        let mut view = View {
            identifier,
            names,
            documentation,
            properties,
            viewpoint: node.attribute("viewpoint").map(str::to_string),
            at: self.at(node),
            ..View::default()
        };
        for child in elements(node) {
            match child.tag_name().name() {
                "node" => {
                    if let Some(n) = self.node(child) {
                        view.nodes.push(n);
                    }
                }
                "connection" => {
                    if let Some(c) = self.connection(child) {
                        view.connections.push(c);
                    }
                }
                _ => {}
            }
        }
        Some(view)
    }

    fn node(&mut self, node: Node) -> Option<ViewNode> {
        let identifier = self.identifier(node);
        let xsi_type = node.attribute((XSI, "type")).unwrap_or("");
        let content = match xsi_type {
            "Element" => match node.attribute("elementRef") {
                Some(r) => NodeContent::Element(r.to_string()),
                None => {
                    self.error(node, format!("view node `{identifier}` has no elementRef"));
                    return None;
                }
            },
            "Label" => NodeContent::Label(named(node, "label")),
            "Container" => NodeContent::Container(named(node, "label")),
            other => {
                self.error(
                    node,
                    format!("view node `{identifier}` has the unknown type `{other}`"),
                );
                return None;
            }
        };
        if elements(node).any(|c| c.tag_name().name() == "style") {
            self.styled.0 += 1;
        }
        let number = |name: &str| {
            node.attribute(name)
                .and_then(|v| v.parse::<f64>().ok())
                .map_or(0, |v| v.round() as i64)
        };
        let children = elements(node)
            .filter(|c| c.tag_name().name() == "node")
            .filter_map(|c| self.node(c))
            .collect();
        Some(ViewNode {
            identifier,
            content,
            x: number("x"),
            y: number("y"),
            w: number("w"),
            h: number("h"),
            children,
            at: self.at(node),
        })
    }

    fn connection(&mut self, node: Node) -> Option<Connection> {
        let identifier = self.identifier(node);
        let relationship = match node.attribute((XSI, "type")).unwrap_or("") {
            "Relationship" => Some(node.attribute("relationshipRef").unwrap_or("").to_string()),
            "Line" => None,
            other => {
                self.error(
                    node,
                    format!("view connection `{identifier}` has the unknown type `{other}`"),
                );
                return None;
            }
        };
        if elements(node).any(|c| c.tag_name().name() == "style") {
            self.styled.1 += 1;
        }
        let bendpoints = elements(node)
            .filter(|c| c.tag_name().name() == "bendpoint")
            .map(|b| {
                let n = |a: &str| {
                    b.attribute(a)
                        .and_then(|v| v.parse::<f64>().ok())
                        .map_or(0, |v| v.round() as i64)
                };
                (n("x"), n("y"))
            })
            .collect();
        Some(Connection {
            identifier,
            relationship,
            source: node.attribute("source").unwrap_or("").to_string(),
            target: node.attribute("target").unwrap_or("").to_string(),
            bendpoints,
            at: self.at(node),
        })
    }

    /// Identifiers are unique and every reference resolves.
    fn check(&mut self, root: Node, model: &ExchangeModel) {
        let mut seen: HashMap<&str, (u32, u32)> = HashMap::new();
        let mut ids: Vec<(&str, (u32, u32))> = Vec::new();
        ids.extend(model.elements.iter().map(|e| (e.identifier.as_str(), e.at)));
        ids.extend(
            model
                .relationships
                .iter()
                .map(|r| (r.identifier.as_str(), r.at)),
        );
        ids.extend(model.views.iter().map(|v| (v.identifier.as_str(), v.at)));
        fn nodes<'m>(ns: &'m [ViewNode], out: &mut Vec<(&'m str, (u32, u32))>) {
            for n in ns {
                out.push((n.identifier.as_str(), n.at));
                nodes(&n.children, out);
            }
        }
        let mut view_parts = Vec::new();
        for v in &model.views {
            nodes(&v.nodes, &mut view_parts);
            view_parts.extend(v.connections.iter().map(|c| (c.identifier.as_str(), c.at)));
        }
        ids.extend(view_parts.iter().copied());
        for (id, at) in ids {
            if id.is_empty() {
                continue;
            }
            if let Some(first) = seen.get(id) {
                self.errors.push(ReadError {
                    line: at.0,
                    column: at.1,
                    message: format!(
                        "the identifier `{id}` is used twice (first at line {}, column {})",
                        first.0, first.1
                    ),
                });
            } else {
                seen.insert(id, at);
            }
        }
        let elements: HashMap<&str, ()> = model
            .elements
            .iter()
            .map(|e| (e.identifier.as_str(), ()))
            .collect();
        let relationships: HashMap<&str, ()> = model
            .relationships
            .iter()
            .map(|r| (r.identifier.as_str(), ()))
            .collect();
        for r in &model.relationships {
            for (end, id) in [("source", &r.source), ("target", &r.target)] {
                if !elements.contains_key(id.as_str()) {
                    let what = if relationships.contains_key(id.as_str()) {
                        "is a relationship (relationships to relationships are not supported)"
                    } else {
                        "is no element of the file"
                    };
                    self.errors.push(ReadError {
                        line: r.at.0,
                        column: r.at.1,
                        message: format!(
                            "relationship `{}` has the {end} `{id}`, which {what}",
                            r.identifier
                        ),
                    });
                }
            }
        }
        let definitions: HashMap<&str, ()> = model
            .property_definitions
            .iter()
            .map(|d| (d.identifier.as_str(), ()))
            .collect();
        let mut bad_properties = Vec::new();
        let all_props = model
            .elements
            .iter()
            .flat_map(|e| e.properties.iter().map(move |p| (p, e.at)))
            .chain(
                model
                    .relationships
                    .iter()
                    .flat_map(|r| r.properties.iter().map(move |p| (p, r.at))),
            );
        for (p, at) in all_props {
            if !definitions.contains_key(p.definition.as_str()) {
                bad_properties.push((p.definition.clone(), at));
            }
        }
        for (definition, at) in bad_properties {
            self.errors.push(ReadError {
                line: at.0,
                column: at.1,
                message: format!(
                    "a property refers to the undefined property definition `{definition}`"
                ),
            });
        }
        for v in &model.views {
            let mut drawn: HashMap<&str, ()> = HashMap::new();
            fn walk<'m>(
                ns: &'m [ViewNode],
                drawn: &mut HashMap<&'m str, ()>,
                bad: &mut Vec<&'m ViewNode>,
                elements: &HashMap<&str, ()>,
            ) {
                for n in ns {
                    drawn.insert(n.identifier.as_str(), ());
                    if let NodeContent::Element(r) = &n.content {
                        if !elements.contains_key(r.as_str()) {
                            bad.push(n);
                        }
                    }
                    walk(&n.children, drawn, bad, elements);
                }
            }
            let mut bad = Vec::new();
            walk(&v.nodes, &mut drawn, &mut bad, &elements);
            for n in bad {
                if let NodeContent::Element(r) = &n.content {
                    self.errors.push(ReadError {
                        line: n.at.0,
                        column: n.at.1,
                        message: format!(
                            "view node `{}` in view `{}` refers to `{r}`, which is no element of the file",
                            n.identifier, v.identifier
                        ),
                    });
                }
            }
            for c in &v.connections {
                let mut problems = Vec::new();
                if let Some(r) = &c.relationship {
                    if !relationships.contains_key(r.as_str()) {
                        problems.push(format!(
                            "refers to `{r}`, which is no relationship of the file"
                        ));
                    }
                }
                for (end, id) in [("source", &c.source), ("target", &c.target)] {
                    if !drawn.contains_key(id.as_str()) {
                        problems.push(format!(
                            "has the {end} `{id}`, which is no node of the view"
                        ));
                    }
                }
                for p in problems {
                    self.errors.push(ReadError {
                        line: c.at.0,
                        column: c.at.1,
                        message: format!(
                            "view connection `{}` in view `{}` {p}",
                            c.identifier, v.identifier
                        ),
                    });
                }
            }
        }
        let _ = root;
    }
}

/// The 1-based line and character column of a byte offset.
fn position(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, column)
}

/// The element children of a node.
fn elements<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(|n| n.is_element())
}

fn lang_string(node: Node) -> LangString {
    LangString {
        lang: node
            .attribute(("http://www.w3.org/XML/1998/namespace", "lang"))
            .map(str::to_string),
        text: node.text().unwrap_or("").to_string(),
    }
}

fn named(node: Node, name: &str) -> Vec<LangString> {
    elements(node)
        .filter(|c| c.tag_name().name() == name)
        .map(lang_string)
        .collect()
}
