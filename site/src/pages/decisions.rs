//! The decision log, ADR style: status, the concerns it addresses, the
//! elements it affects and its rationale; filterable by status.

use maud::html;

use crate::context::Context;
use crate::frame::{self, Page};
use crate::Section;

const STATUSES: [&str; 5] = ["proposed", "accepted", "superseded", "rejected", "none"];

pub fn page(cx: &Context) -> String {
    let root = "";
    let model = cx.model;
    let body = html! {
        @if model.decisions.is_empty() {
            p { "The workspace records no decision." }
        } @else {
            fieldset.filter {
                legend { "Show decisions whose status is" }
                @for status in STATUSES {
                    @let n = model.decisions.iter().filter(|d| d.status.map_or("none", |s| s.as_str()) == status).count();
                    label { input type="checkbox" checked data-filter-status=(status); " " (status) " (" (n) ")" }
                }
            }
            @for d in &model.decisions {
                @let status = d.status.map_or("none", |s| s.as_str());
                article.card.decision id={ "d-" (d.info.name) } data-status=(status) {
                    h2 { (cx.label(&d.info)) " " code { (d.info.name) } }
                    dl.facts {
                        dt { "Status" } dd { span class={ "status status-" (status) } { (status) } }
                        dt { "Addresses" } dd { (super::concerns::concern_links(cx, &d.addresses)) }
                        dt { "Affects" } dd {
                            @if d.affects.is_empty() { "nothing named" }
                            @for (i, &e) in d.affects.iter().enumerate() { @if i > 0 { ", " } (cx.element_link(root, e)) }
                        }
                        dt { "Rationale" } dd {
                            @match &d.rationale {
                                Some(r) => span.rationale { (r) },
                                None => span.flag { "none given" },
                            }
                        }
                        dt { "Declared at" } dd { code { (cx.file_line(d.info.name_loc)) } }
                    }
                    (super::prose(cx.description(&d.info), d.info.doc.as_deref()))
                }
            }
        }
    };
    frame::render(
        cx,
        Page {
            path: "decisions.html",
            title: html! { "Decisions" },
            title_text: "Decisions".to_string(),
            section: Section::Decisions,
            body,
        },
    )
}
