//! One page per view: the diagram in every language (inline SVG whose
//! shapes link to the element pages), zoom and pan, the viewpoint with the
//! concerns it frames and the stakeholders who hold them, downloads (SVG,
//! DOT, Mermaid, PlantUML), and the shown elements as a plain list.

use std::collections::BTreeMap;

use kozo_engine::model::{Model, RelationshipId, ViewId};
use kozo_engine::render::{self, mermaid, plantuml, Diagram};
use maud::{html, PreEscaped};

use crate::context::Context;
use crate::frame::{self, Page};
use crate::{Section, Site};

/// One view drawn in one language, or why it could not be.
struct Drawn {
    diagram: Diagram,
    svg: Result<String, String>,
}

/// Every relationship by its key (`source->target:kind`, full paths), the
/// way diagrams name the relationships behind an edge.
pub fn relationship_keys(model: &Model) -> BTreeMap<String, RelationshipId> {
    let mut keys = BTreeMap::new();
    for id in model.relationship_ids() {
        let r = model.relationship(id);
        let key = format!(
            "{}->{}:{}",
            model.element(r.source).path,
            model.element(r.target).path,
            model.relation_kind(r.kind).info.name
        );
        keys.entry(key).or_insert(id);
    }
    keys
}

/// Draws a view in every language and writes its page and downloads;
/// returns why it could not be drawn, if it could not.
pub fn write_view(
    cx: &Context,
    site: &mut Site,
    view: ViewId,
    relationship_by_key: &BTreeMap<String, RelationshipId>,
) -> Option<String> {
    let slug = cx.view_slug(view).to_string();
    let mut drawn = Vec::new();
    for language in 0..cx.languages.len() {
        let lang = cx.render_lang(language);
        let code = &cx.languages[language].code;
        let diagram = render::diagram(cx.analysis, view, lang);
        let svg = render::to_svg(&diagram, cx.options.engine).map_err(|e| e.to_string());
        let stem = format!("views/{slug}.{code}");
        if let Ok(svg) = &svg {
            site.add(format!("{stem}.svg"), svg.as_bytes());
        }
        site.add(format!("{stem}.dot"), render::to_dot(&diagram));
        site.add(format!("{stem}.mmd"), mermaid::to_mermaid(&diagram));
        site.add(format!("{stem}.puml"), plantuml::to_plantuml(&diagram));
        drawn.push(Drawn { diagram, svg });
    }
    let path = format!("views/{slug}.html");
    let html = page(cx, &path, view, &drawn, relationship_by_key);
    site.add(path, html);
    match drawn.into_iter().next().map(|d| d.svg) {
        Some(Err(reason)) => Some(reason),
        _ => None,
    }
}

fn page(
    cx: &Context,
    path: &str,
    id: ViewId,
    drawn: &[Drawn],
    relationship_by_key: &BTreeMap<String, RelationshipId>,
) -> String {
    let root = frame::root_of(path);
    let model = cx.model;
    let view = model.view(id);
    let slug = cx.view_slug(id);
    let viewpoint = view.viewpoint.map(|v| (v, model.viewpoint(v)));
    let body = html! {
        p.subtitle { "View " code { (view.info.name) } " · " (cx.file_line(view.info.name_loc)) }
        (super::prose(cx.description(&view.info), view.info.doc.as_deref()))
        section.diagram-section aria-labelledby="diagram-h" {
            h2 #diagram-h { "Diagram" }
            div.toolbar role="toolbar" aria-label="Zoom" {
                button type="button" data-zoom="in" aria-label="Zoom in" { "+" }
                button type="button" data-zoom="out" aria-label="Zoom out" { "−" }
                button type="button" data-zoom="reset" { "Fit" }
                span.hint { "Drag to pan; click a shape (or focus it with Tab and press Enter) to open its page." }
            }
            @for (i, d) in drawn.iter().enumerate() {
                div.diagram data-l=[(drawn.len() > 1).then_some(i)] {
                    @match &d.svg {
                        Ok(svg) => {
                            figure.viewport aria-label={ "Diagram of " (d.diagram.title) } {
                                (PreEscaped(inline_svg(cx, &root, svg, i, relationship_by_key)))
                            }
                        }
                        Err(reason) => {
                            p.error role="alert" { "This view could not be drawn: " (reason) }
                        }
                    }
                    p.downloads {
                        "Download: "
                        @let code = &cx.languages[i].code;
                        @if d.svg.is_ok() { a href={ (slug) "." (code) ".svg" } download { "SVG" } " · " }
                        a href={ (slug) "." (code) ".dot" } download { "DOT" } " · "
                        a href={ (slug) "." (code) ".mmd" } download { "Mermaid" } " · "
                        a href={ (slug) "." (code) ".puml" } download { "PlantUML" }
                    }
                }
            }
        }
        section aria-labelledby="viewpoint-h" {
            h2 #viewpoint-h { "Viewpoint and concerns" }
            @match viewpoint {
                None => p { "This view names no viewpoint that resolves." },
                Some((_, vp)) => {
                    p { "Viewpoint: " a href={ (root) "concerns.html#vp-" (vp.info.name) } { (cx.label(&vp.info)) } }
                    @if vp.frames.is_empty() {
                        p.flag { "The viewpoint frames no concern." }
                    } @else {
                        table {
                            thead { tr { th scope="col" { "Concern framed" } th scope="col" { "Stakeholders who hold it" } } }
                            tbody {
                                @for &c in &vp.frames {
                                    @let concern = model.concern(c);
                                    tr {
                                        td { a href={ (root) "concerns.html#c-" (concern.info.name) } { (cx.label(&concern.info)) } }
                                        td {
                                            @let holders: Vec<_> = model.stakeholders.iter().filter(|s| s.concerns.contains(&c)).collect();
                                            @if holders.is_empty() { span.flag { "no stakeholder" } }
                                            @for (i, s) in holders.iter().enumerate() {
                                                @if i > 0 { ", " }
                                                a href={ (root) "concerns.html#s-" (s.info.name) } { (cx.label(&s.info)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="shown-h" {
            h2 #shown-h { "Elements shown (" (view.elements.len()) ")" }
            @if view.elements.is_empty() {
                p.flag { "This view selects no element." }
            } @else {
                ul.columns {
                    @for s in &view.elements {
                        li { (cx.element_link(&root, s.element)) " " span.kind { (model.element(s.element).kind_name) } }
                    }
                }
            }
        }
    };
    frame::render(
        cx,
        Page {
            path,
            title: cx.label(&view.info),
            title_text: view
                .info
                .display_label(cx.render_lang(cx.default_language))
                .to_string(),
            section: Section::Views,
            body,
        },
    )
}

/// The SVG made ready to sit inside the page: without its XML prolog, its
/// `id`s prefixed with the language (the page holds one copy per language),
/// and each element and relationship given the page it links to
/// (`data-href`, followed by the page's script on click and on Enter).
fn inline_svg(
    cx: &Context,
    root: &str,
    svg: &str,
    language: usize,
    relationship_by_key: &BTreeMap<String, RelationshipId>,
) -> String {
    let svg = svg.find("<svg").map_or(svg, |start| &svg[start..]);
    let mut out = String::with_capacity(svg.len() + svg.len() / 8);
    let mut pieces = svg.split('<');
    if let Some(first) = pieces.next() {
        out.push_str(first);
    }
    for piece in pieces {
        out.push('<');
        let Some(end) = piece.find('>') else {
            out.push_str(piece);
            continue;
        };
        let (tag, rest) = piece.split_at(end);
        let href = attribute(tag, "data-kozo-path").and_then(|path| {
            if let Some(e) = cx.model.element_by_path(&path) {
                return Some(format!("{root}{}", cx.element_href(e)));
            }
            let first = attribute(tag, "data-kozo-relationships")?;
            let key = first.split(';').next()?;
            let r = *relationship_by_key.get(key)?;
            let source = cx.model.relationship(r).source;
            Some(format!("{root}{}#r-{}", cx.element_href(source), r.0))
        });
        let mut tag = tag.replace(" id=\"", &format!(" id=\"l{language}-"));
        if tag
            .strip_prefix("svg")
            .is_some_and(|r| r.starts_with(char::is_whitespace))
        {
            // The picture holds links: a group, not an image whose content
            // assistive technology would skip.
            tag = tag.replace(" role=\"img\"", "");
            tag.push_str(" role=\"group\"");
        }
        let (tag, close) = match tag.strip_suffix('/') {
            Some(t) => (t.to_string(), "/"),
            None => (tag, ""),
        };
        out.push_str(&tag);
        if let Some(href) = href {
            out.push_str(" data-href=\"");
            // Built from slugs (`[a-z0-9_.-]`), `../` and `#r-N`: nothing to escape.
            out.push_str(&href);
            out.push('"');
        }
        out.push_str(close);
        out.push_str(rest);
    }
    out
}

/// The unescaped value of an attribute in a tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

/// Undoes XML escaping (the named entities and numeric references).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn unescapes_entities() {
        assert_eq!(
            unescape("a-&gt;b:&#39;x&#x27;&amp;&bogus;"),
            "a->b:'x'&&bogus;"
        );
    }
}
