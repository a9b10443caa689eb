//! Writing an [`ExchangeModel`] as an exchange file (format 3.1), in the
//! element order the Open Group schema requires.

use std::fmt::Write as _;

use crate::model::*;
use crate::read::NAMESPACE;

/// The exchange file of a model, as UTF-8 text.
pub fn write(model: &ExchangeModel) -> String {
    let mut w = Writer {
        out: String::with_capacity(256 + model.elements.len() * 300),
        depth: 0,
    };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.out.push_str(&format!(
        "<model xmlns=\"{NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"{NAMESPACE} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd\" \
         identifier=\"{}\">\n",
        attr(&model.identifier)
    ));
    w.depth = 1;
    w.described(
        &nonempty_names(&model.names),
        &model.documentation,
        &model.properties,
    );
    if !model.elements.is_empty() {
        w.open("elements");
        for e in &model.elements {
            w.open(&format!(
                "element identifier=\"{}\" xsi:type=\"{}\"",
                attr(&e.identifier),
                attr(&e.xsi_type)
            ));
            // Elements, unlike the model and views, may be unnamed (junctions).
            w.described(&e.names, &e.documentation, &e.properties);
            w.close("element");
        }
        w.close("elements");
    }
    if !model.relationships.is_empty() {
        w.open("relationships");
        for r in &model.relationships {
            let mut extra = String::new();
            if let Some(a) = &r.access_type {
                let _ = write!(extra, " accessType=\"{}\"", attr(a));
            }
            if let Some(m) = &r.modifier {
                let _ = write!(extra, " modifier=\"{}\"", attr(m));
            }
            if let Some(d) = r.is_directed {
                let _ = write!(extra, " isDirected=\"{d}\"");
            }
            w.open(&format!(
                "relationship identifier=\"{}\" source=\"{}\" target=\"{}\" xsi:type=\"{}\"{extra}",
                attr(&r.identifier),
                attr(&r.source),
                attr(&r.target),
                attr(&r.xsi_type)
            ));
            w.described(&r.names, &r.documentation, &r.properties);
            w.close("relationship");
        }
        w.close("relationships");
    }
    if !model.organizations.is_empty() {
        w.open("organizations");
        for item in &model.organizations {
            w.item(item);
        }
        w.close("organizations");
    }
    if !model.property_definitions.is_empty() {
        w.open("propertyDefinitions");
        for d in &model.property_definitions {
            w.open(&format!(
                "propertyDefinition identifier=\"{}\" type=\"{}\"",
                attr(&d.identifier),
                attr(&d.data_type)
            ));
            w.texts("name", &nonempty_names(&d.names));
            w.close("propertyDefinition");
        }
        w.close("propertyDefinitions");
    }
    if !model.views.is_empty() {
        w.open("views");
        w.open("diagrams");
        for v in &model.views {
            let viewpoint = v
                .viewpoint
                .as_ref()
                .map(|p| format!(" viewpoint=\"{}\"", attr(p)))
                .unwrap_or_default();
            w.open(&format!(
                "view identifier=\"{}\" xsi:type=\"Diagram\"{viewpoint}",
                attr(&v.identifier)
            ));
            w.described(&nonempty_names(&v.names), &v.documentation, &v.properties);
            for n in &v.nodes {
                w.node(n);
            }
            for c in &v.connections {
                w.connection(c);
            }
            w.close("view");
        }
        w.close("diagrams");
        w.close("views");
    }
    w.out.push_str("</model>\n");
    w.out
}

/// The schema requires at least one name on the model, views and
/// property definitions: an unnamed one gets an empty name.
fn nonempty_names(names: &[LangString]) -> Vec<LangString> {
    if names.is_empty() {
        vec![LangString::default()]
    } else {
        names.to_vec()
    }
}

struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A start tag (`tag` is its name and any attributes) whose content
    /// follows one level deeper, until [`Writer::close`].
    fn open(&mut self, tag: &str) {
        self.line(&format!("<{tag}>"));
        self.depth += 1;
    }

    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.line(&format!("</{tag}>"));
    }

    fn texts(&mut self, tag: &str, texts: &[LangString]) {
        for t in texts {
            let lang = t
                .lang
                .as_ref()
                .map(|l| format!(" xml:lang=\"{}\"", attr(l)))
                .unwrap_or_default();
            self.line(&format!("<{tag}{lang}>{}</{tag}>", text(&t.text)));
        }
    }

    /// Names, documentation and properties, in the order the schema wants.
    fn described(
        &mut self,
        names: &[LangString],
        documentation: &[LangString],
        properties: &[Property],
    ) {
        self.texts("name", names);
        self.texts("documentation", documentation);
        self.properties(properties);
    }

    fn properties(&mut self, properties: &[Property]) {
        if properties.is_empty() {
            return;
        }
        self.open("properties");
        for p in properties {
            self.open(&format!(
                "property propertyDefinitionRef=\"{}\"",
                attr(&p.definition)
            ));
            self.texts("value", &p.values);
            self.close("property");
        }
        self.close("properties");
    }

    fn item(&mut self, item: &Item) {
        match &item.identifier_ref {
            Some(r) => self.line(&format!("<item identifierRef=\"{}\" />", attr(r))),
            None => {
                self.open("item");
                self.texts("label", &item.labels);
                self.texts("documentation", &item.documentation);
                for i in &item.items {
                    self.item(i);
                }
                self.close("item");
            }
        }
    }

    fn node(&mut self, n: &ViewNode) {
        let (kind, reference) = match &n.content {
            NodeContent::Element(r) => ("Element", format!(" elementRef=\"{}\"", attr(r))),
            NodeContent::Label(_) => ("Label", String::new()),
            NodeContent::Container(_) => ("Container", String::new()),
        };
        self.open(&format!(
            "node identifier=\"{}\"{reference} xsi:type=\"{kind}\" x=\"{}\" y=\"{}\" w=\"{}\" h=\"{}\"",
            attr(&n.identifier),
            n.x,
            n.y,
            n.w.max(1),
            n.h.max(1)
        ));
        match &n.content {
            NodeContent::Label(texts) | NodeContent::Container(texts) => {
                self.texts("label", &nonempty_names(texts))
            }
            NodeContent::Element(_) => {}
        }
        for c in &n.children {
            self.node(c);
        }
        self.close("node");
    }

    fn connection(&mut self, c: &Connection) {
        let (kind, reference) = match &c.relationship {
            Some(r) => ("Relationship", format!(" relationshipRef=\"{}\"", attr(r))),
            None => ("Line", String::new()),
        };
        self.open(&format!(
            "connection identifier=\"{}\"{reference} xsi:type=\"{kind}\" source=\"{}\" target=\"{}\"",
            attr(&c.identifier),
            attr(&c.source),
            attr(&c.target)
        ));
        for (x, y) in &c.bendpoints {
            self.line(&format!("<bendpoint x=\"{x}\" y=\"{y}\" />"));
        }
        self.close("connection");
    }
}

/// Escapes text content. Characters XML 1.0 forbids are left out.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value (double-quoted).
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
