//! The home page: the model's counts, the layers with their elements, the
//! views as thumbnails, and the findings by severity.

use kozo_engine::model::{ElementId, LayerId};
use kozo_engine::Severity;
use maud::html;

use crate::context::Context;
use crate::frame::{self, Page};
use crate::Section;

/// How many findings of one severity the home page lists before pointing
/// to the findings page.
const FINDINGS_SHOWN: usize = 10;

pub fn page(cx: &Context) -> String {
    let root = "";
    let model = cx.model;
    let summary = cx.analysis.summary();

    // Layers in rank order, each with the elements that sit on it; then
    // the elements whose kind names no layer.
    let mut layers: Vec<LayerId> = (0..model.layers.len() as u32).map(LayerId).collect();
    layers.sort_by_key(|l| (model.layer(*l).rank, l.0));
    let mut on_layer: Vec<Vec<ElementId>> = vec![Vec::new(); model.layers.len()];
    let mut no_layer = Vec::new();
    for id in model.element_ids() {
        match model.element_layer(id) {
            Some(l) => on_layer[l.index()].push(id),
            None => no_layer.push(id),
        }
    }
    let counts = [
        ("Elements", summary.elements),
        ("Relationships", summary.relationships),
        ("Views", model.views.len()),
        ("Viewpoints", model.viewpoints.len()),
        ("Stakeholders", model.stakeholders.len()),
        ("Concerns", model.concerns.len()),
        ("Decisions", model.decisions.len()),
        ("Files", summary.files),
    ];
    let severities = [
        (Severity::Error, "Errors", summary.errors),
        (Severity::Warning, "Warnings", summary.warnings),
        (Severity::Info, "Infos", summary.infos),
    ];
    let body = html! {
        section aria-labelledby="counts-h" {
            h2 #counts-h { "The model" }
            ul.counts {
                @for (what, n) in counts { li { strong { (n) } " " (what) } }
            }
        }
        @if let Some(since) = &cx.options.since {
            section #changes aria-labelledby="changes-h" {
                h2 #changes-h { "Changes" }
                p { a href="changes.html" { "What changed since " (since.label) } ", and who has to review it." }
            }
        }
        section #findings aria-labelledby="findings-h" {
            h2 #findings-h { "Findings" }
            ul.counts {
                @for (severity, what, n) in severities {
                    li { span class={ "sev sev-" (severity.as_str()) } { (n) } " " a href={ "findings.html#" (severity.as_str()) } { (what) } }
                }
            }
            @for (severity, what, _) in severities {
                @let list: Vec<usize> = cx.diagnostics.iter().enumerate().filter(|(_, d)| d.severity == severity).map(|(i, _)| i).collect();
                @if !list.is_empty() {
                    h3 { (what) }
                    (super::findings_table(cx, root, &list[..list.len().min(FINDINGS_SHOWN)]))
                    @if list.len() > FINDINGS_SHOWN {
                        p { a href={ "findings.html#" (severity.as_str()) } { "All " (list.len()) " " (what.to_lowercase()) } }
                    }
                }
            }
        }
        section #views aria-labelledby="views-h" {
            h2 #views-h { "Views" }
            @if model.views.is_empty() { p.flag { "The workspace declares no view." } }
            ul.thumbs {
                @for v in model.view_ids() {
                    @let view = model.view(v);
                    li {
                        a href=(cx.view_href(v)) {
                            @for (i, language) in cx.languages.iter().enumerate() {
                                img data-l=[(cx.languages.len() > 1).then_some(i)]
                                    src={ "views/" (cx.view_slug(v)) "." (language.code) ".svg" }
                                    alt={ "Diagram of the view " (view.info.display_label(cx.render_lang(i))) }
                                    loading="lazy";
                            }
                            span.caption { (cx.label(&view.info)) }
                        }
                    }
                }
            }
        }
        section #layers aria-labelledby="layers-h" {
            h2 #layers-h { "Layers and their elements" }
            @for &l in &layers {
                @let list = &on_layer[l.index()];
                @if !list.is_empty() {
                    (layer_block(cx, root, Some(l), list))
                }
            }
            @if !no_layer.is_empty() { (layer_block(cx, root, None, &no_layer)) }
        }
    };
    frame::render(
        cx,
        Page {
            path: "index.html",
            title: html! { (cx.options.title) },
            title_text: "Home".to_string(),
            section: Section::Home,
            body,
        },
    )
}

fn layer_block(
    cx: &Context,
    root: &str,
    layer: Option<LayerId>,
    list: &[ElementId],
) -> maud::Markup {
    let model = cx.model;
    html! {
        details.layer open[list.len() <= 60] {
            summary {
                @match layer {
                    Some(l) => { (cx.label(&model.layer(l).info)) " " code { (model.layer(l).info.name) } },
                    None => "No layer",
                }
                " (" (list.len()) ")"
            }
            ul.columns {
                @for &e in list { li { (cx.element_link(root, e)) " " span.kind { (model.element(e).kind_name) } } }
            }
        }
    }
}
