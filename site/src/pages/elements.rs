//! One page per element: its labels in every language, kind, layer,
//! properties, documentation, parent and children, relationships both ways,
//! the views that show it, the decisions that affect it, its findings and
//! where it is declared.

use kozo_engine::model::{ElementId, PropertyValue, RelationshipId, Target};
use maud::{html, Markup};

use crate::context::Context;
use crate::frame::{self, Page};
use crate::{Section, Site};

/// Writes one element's page.
pub fn write_page(cx: &Context, site: &mut Site, id: ElementId) {
    let path = cx.element_href(id);
    let html = page(cx, &path, id);
    site.add(path, html);
}

fn page(cx: &Context, path: &str, id: ElementId) -> String {
    let root = frame::root_of(path);
    let root = root.as_str();
    let model = cx.model;
    let e = model.element(id);
    let kind = e.kind.map(|k| model.kind(k));
    let layer = model.element_layer(id).map(|l| model.layer(l));
    let body = html! {
        p.subtitle {
            code { (e.path) } " · "
            @match kind { Some(k) => (cx.label(&k.info)), None => (e.kind_name) }
            " · "
            @match layer { Some(l) => (cx.label(&l.info)), None => "no layer" }
        }
        (super::prose(cx.description(&e.info), e.info.doc.as_deref()))
        section aria-labelledby="facts-h" {
            h2 #facts-h { "Facts" }
            dl.facts {
                dt { "Path" } dd { code { (e.path) } }
                dt { "Kind" } dd { code { (e.kind_name) } @if let Some(k) = kind { " (" (cx.label(&k.info)) ")" } }
                dt { "Layer" } dd { @match layer { Some(l) => { code { (l.info.name) } " (" (cx.label(&l.info)) ")" }, None => "none" } }
                @if let Some(technology) = &e.info.technology {
                    dt { "Technology" } dd { (technology) }
                }
                dt { "Declared at" } dd { code { (cx.file_line(e.info.name_loc)) } }
                dt { "Parent" } dd { @match e.parent { Some(p) => (cx.element_link(root, p)), None => "none (top level)" } }
            }
            h3 { "Labels" }
            table.labels {
                thead { tr { th scope="col" { "Language" } th scope="col" { "Label" } } }
                tbody {
                    tr { td { "as written" } td { (e.info.label.as_deref().unwrap_or(&e.info.name)) } }
                    @for (lang, text) in &e.info.translations {
                        tr { td { code { (lang) } } td lang=(lang) { (text) } }
                    }
                }
            }
            @if !e.info.properties.is_empty() {
                h3 { "Properties" }
                table.properties {
                    tbody {
                        @for p in &e.info.properties {
                            tr { th scope="row" { code { (p.key) } } td { (property(cx, root, &p.value)) } }
                        }
                    }
                }
            }
        }
        @if !e.children.is_empty() {
            section aria-labelledby="children-h" {
                h2 #children-h { "Children (" (e.children.len()) ")" }
                ul.columns { @for &c in &e.children { li { (cx.element_link(root, c)) " " span.kind { (model.element(c).kind_name) } } } }
            }
        }
        section aria-labelledby="out-h" {
            h2 #out-h { "Outgoing relationships (" (cx.outgoing[id.index()].len()) ")" }
            (relationships(cx, root, &cx.outgoing[id.index()], true))
        }
        section aria-labelledby="in-h" {
            h2 #in-h { "Incoming relationships (" (cx.incoming[id.index()].len()) ")" }
            (relationships(cx, root, &cx.incoming[id.index()], false))
        }
        section aria-labelledby="views-h" {
            h2 #views-h { "Views that show it" }
            @let views = &cx.views_of[id.index()];
            @if views.is_empty() { p.flag { "No view shows this element." } }
            @else { ul { @for &v in views { li { (cx.view_link(root, v)) } } } }
        }
        section aria-labelledby="decisions-h" {
            h2 #decisions-h { "Decisions that affect it" }
            @let decisions = &cx.decisions_of[id.index()];
            @if decisions.is_empty() { p { "None." } }
            @else {
                ul {
                    @for &d in decisions {
                        @let decision = &model.decisions[d.index()];
                        li {
                            a href={ (root) "decisions.html#d-" (decision.info.name) } { (cx.label(&decision.info)) }
                            " " span.status { (decision.status.map_or("no status", |s| s.as_str())) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="findings-h" {
            h2 #findings-h { "Findings" }
            @let findings = &cx.findings_of[id.index()];
            @if findings.is_empty() { p { "None." } }
            @else { (super::findings_table(cx, root, findings)) }
        }
    };
    frame::render(
        cx,
        Page {
            path,
            title: cx.label(&e.info),
            title_text: e
                .info
                .display_label(cx.render_lang(cx.default_language))
                .to_string(),
            section: Section::Elements,
            body,
        },
    )
}

/// A table of relationships; each row of an outgoing one carries the
/// anchor `r-N` that diagram edges link to.
fn relationships(cx: &Context, root: &str, list: &[RelationshipId], outgoing: bool) -> Markup {
    let model = cx.model;
    html! {
        @if list.is_empty() { p { "None." } }
        @else {
            table.relationships {
                thead { tr {
                    th scope="col" { "Kind" }
                    th scope="col" { "Label" }
                    th scope="col" { "Technology" }
                    th scope="col" { (if outgoing { "To" } else { "From" }) }
                    th scope="col" { "Declared at" }
                } }
                tbody {
                    @for &r in list {
                        @let rel = model.relationship(r);
                        @let kind = model.relation_kind(rel.kind);
                        tr id=[outgoing.then(|| format!("r-{}", r.0))] {
                            td { code { (kind.info.name) } " (" (cx.label(&kind.info)) ")" }
                            td {
                                @if let Some(label) = cx.relationship_label(rel) { (label) }
                                @if let Some(description) = cx.relationship_description(rel) {
                                    br; small.description { (description) }
                                }
                            }
                            td { @if let Some(technology) = &rel.technology { (technology) } }
                            td { (cx.element_link(root, if outgoing { rel.target } else { rel.source })) }
                            td { code { (cx.file_line(rel.loc)) } }
                        }
                    }
                }
            }
        }
    }
}

/// A property's value: text, a number, or a link when it names an element.
fn property(cx: &Context, root: &str, value: &PropertyValue) -> Markup {
    html! {
        @match value {
            PropertyValue::Str(s) => q { (s) },
            PropertyValue::Number(n) => (n.as_str()),
            PropertyValue::Bool(b) => (b),
            PropertyValue::Ref(path, Some(Target::Element(e))) => { (cx.element_link(root, *e)) " " code { (path) } },
            PropertyValue::Ref(path, Some(Target::Stakeholder(s))) => {
                a href={ (root) "concerns.html#s-" (cx.model.stakeholders[s.index()].info.name) } { (cx.label(&cx.model.stakeholders[s.index()].info)) }
                " " code { (path) }
            },
            PropertyValue::Ref(path, _) => code { (path) },
            PropertyValue::List(items) => {
                @for (i, item) in items.iter().enumerate() {
                    @if i > 0 { ", " }
                    (property(cx, root, item))
                }
            },
        }
    }
}
