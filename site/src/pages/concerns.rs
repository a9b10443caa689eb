//! Stakeholders and concerns: the ISO/IEC/IEEE 42010 correspondences.
//! The stakeholder × concern matrix, the concern × viewpoint matrix
//! (framed or not), and viewpoint → views. A row or column that a rule
//! flags (`stakeholder-without-concern`, `concern-without-stakeholder`,
//! `concern-not-framed`, `viewpoint-without-view`) is marked.

use kozo_engine::model::{ConcernId, ViewId};
use maud::{html, Markup};

use crate::context::Context;
use crate::frame::{self, Page};
use crate::Section;

pub fn page(cx: &Context) -> String {
    let root = "";
    let model = cx.model;
    let concerns: Vec<ConcernId> = (0..model.concerns.len() as u32).map(ConcernId).collect();
    let held = |c: ConcernId| model.stakeholders.iter().any(|s| s.concerns.contains(&c));
    let framed = |c: ConcernId| model.viewpoints.iter().any(|v| v.frames.contains(&c));
    let body = html! {
        p { "Who cares about what (stakeholders and their concerns), which viewpoint frames each concern, and which views each viewpoint governs. "
            span.flag { "Marked" } " cells are empty where a rule expects something." }
        section aria-labelledby="sc-h" {
            h2 #sc-h { "Stakeholder × concern" }
            @if model.stakeholders.is_empty() || concerns.is_empty() {
                p { "The model declares " (model.stakeholders.len()) " stakeholders and " (concerns.len()) " concerns." }
            } @else {
                div.matrix-wrap { table.matrix {
                    thead { tr {
                        td {}
                        @for &c in &concerns {
                            th scope="col" class=[(!held(c)).then_some("flag")] title=[(!held(c)).then_some("concern-without-stakeholder")] {
                                a href={ "#c-" (model.concern(c).info.name) } { (cx.label(&model.concern(c).info)) }
                            }
                        }
                    } }
                    tbody {
                        @for s in &model.stakeholders {
                            @let lonely = s.concerns.is_empty();
                            tr {
                                th scope="row" class=[lonely.then_some("flag")] title=[lonely.then_some("stakeholder-without-concern")] {
                                    a href={ "#s-" (s.info.name) } { (cx.label(&s.info)) }
                                }
                                @for &c in &concerns {
                                    @if s.concerns.contains(&c) { td.yes { "●" span.visually-hidden { " holds" } } }
                                    @else if lonely || !held(c) { td.flag-cell { span.visually-hidden { "missing" } } }
                                    @else { td {} }
                                }
                            }
                        }
                    }
                } }
            }
        }
        section aria-labelledby="cv-h" {
            h2 #cv-h { "Concern × viewpoint" }
            @if model.viewpoints.is_empty() || concerns.is_empty() {
                p { "The model declares " (model.viewpoints.len()) " viewpoints and " (concerns.len()) " concerns." }
            } @else {
                div.matrix-wrap { table.matrix {
                    thead { tr {
                        td {}
                        @for vp in &model.viewpoints { th scope="col" { a href={ "#vp-" (vp.info.name) } { (cx.label(&vp.info)) } } }
                    } }
                    tbody {
                        @for &c in &concerns {
                            @let unframed = !framed(c);
                            tr {
                                th scope="row" class=[unframed.then_some("flag")] title=[unframed.then_some("concern-not-framed")] {
                                    a href={ "#c-" (model.concern(c).info.name) } { (cx.label(&model.concern(c).info)) }
                                }
                                @for vp in &model.viewpoints {
                                    @if vp.frames.contains(&c) { td.yes { "framed" } }
                                    @else if unframed { td.flag-cell { "not framed" } }
                                    @else { td.no { "—" span.visually-hidden { "not framed" } } }
                                }
                            }
                        }
                    }
                } }
            }
        }
        section aria-labelledby="vv-h" {
            h2 #vv-h { "Viewpoints and their views" }
            @if model.viewpoints.is_empty() { p { "The model declares no viewpoint." } }
            @for (i, vp) in model.viewpoints.iter().enumerate() {
                @let views: Vec<ViewId> = model.view_ids().filter(|v| model.view(*v).viewpoint.map(|x| x.index()) == Some(i)).collect();
                article.card id={ "vp-" (vp.info.name) } {
                    h3 { (cx.label(&vp.info)) " " code { (vp.info.name) } }
                    (super::prose(cx.description(&vp.info), vp.info.doc.as_deref()))
                    p { "Frames: " (concern_links(cx, &vp.frames)) }
                    @if views.is_empty() { p.flag { "No view is governed by this viewpoint (viewpoint-without-view)." } }
                    @else { p { "Views: " @for (j, &v) in views.iter().enumerate() { @if j > 0 { ", " } (cx.view_link(root, v)) } } }
                }
            }
        }
        section aria-labelledby="stakeholders-h" {
            h2 #stakeholders-h { "Stakeholders" }
            @for s in &model.stakeholders {
                article.card id={ "s-" (s.info.name) } {
                    h3 { (cx.label(&s.info)) " " code { (s.info.name) } }
                    (super::prose(cx.description(&s.info), s.info.doc.as_deref()))
                    @if s.concerns.is_empty() { p.flag { "Holds no concern (stakeholder-without-concern)." } }
                    @else { p { "Concerns: " (concern_links(cx, &s.concerns)) } }
                }
            }
        }
        section aria-labelledby="concerns-h" {
            h2 #concerns-h { "Concerns" }
            @for &c in &concerns {
                @let concern = model.concern(c);
                article.card id={ "c-" (concern.info.name) } {
                    h3 { (cx.label(&concern.info)) " " code { (concern.info.name) } }
                    (super::prose(cx.description(&concern.info), concern.info.doc.as_deref()))
                    @if !held(c) { p.flag { "No stakeholder holds this concern (concern-without-stakeholder)." } }
                    @if !framed(c) { p.flag { "No viewpoint frames this concern (concern-not-framed)." } }
                }
            }
        }
    };
    frame::render(
        cx,
        Page {
            path: "concerns.html",
            title: html! { "Stakeholders and concerns" },
            title_text: "Stakeholders and concerns".to_string(),
            section: Section::Concerns,
            body,
        },
    )
}

/// Concerns as links to their cards, comma-separated.
pub fn concern_links(cx: &Context, concerns: &[ConcernId]) -> Markup {
    html! {
        @if concerns.is_empty() { "none" }
        @for (i, &c) in concerns.iter().enumerate() {
            @if i > 0 { ", " }
            @let info = &cx.model.concern(c).info;
            a href={ "concerns.html#c-" (info.name) } { (cx.label(info)) }
        }
    }
}
