//! The "Changes" page (`kozo site --since REV`): what changed since an
//! earlier version of the workspace, grouped like `kozo diff`'s reports,
//! whom it concerns, the findings introduced and fixed, and every touched
//! view drawn with its changes marked.
//!
//! The comparison is `kozo_engine::diff`; this module only presents it.
//! The highlighted diagrams are files (`changes/N.LANG.svg`, numbered in
//! the sorted order of the touched views, so view names never reach a
//! path) shown through `<img>`, which keeps them inert under the CSP.

use kozo_engine::diff::{self, highlight, Category, Change, ChangeKind, FindingRef, ModelDiff};
use kozo_engine::render;
use maud::{html, Markup};

use crate::context::Context;
use crate::frame::{self, Page};
use crate::{Section, Since, Site};

/// One touched view: its name, and per language its diagram file or why it
/// has none.
struct Drawn {
    view: String,
    svgs: Vec<Result<String, String>>,
}

/// Compares `since.old` with the site's model and writes `changes.html`
/// and the highlighted diagrams, once per language of the model (the
/// language switch shows the reader's).
pub fn write(cx: &Context, site: &mut Site, since: &Since) {
    // A poisoned lock only means another build panicked; the analysis is
    // still whole (nothing mutates it).
    let guard = since.old.lock().unwrap_or_else(|p| p.into_inner());
    let old: &kozo_engine::Analysis = &guard;
    let diff = diff::diff(old, cx.analysis);
    let compared = format!("changes since {}", since.label);
    let mut drawn = Vec::new();
    for (i, view) in highlight::touched_views(&diff).into_iter().enumerate() {
        let mut svgs = Vec::new();
        for language in 0..cx.languages.len() {
            let lang = cx.render_lang(language);
            let Some(marked) = highlight::highlight(old, cx.analysis, &diff, &view, lang) else {
                continue;
            };
            let svg = match render::to_svg(&marked.diagram, cx.options.engine) {
                Ok(svg) => {
                    let code = &cx.languages[language].code;
                    let path = format!("changes/{}.{code}.svg", i + 1);
                    site.add(
                        path.clone(),
                        highlight::mark_svg(&svg, &marked, &compared).into_bytes(),
                    );
                    Ok(path)
                }
                Err(e) => Err(e.to_string()),
            };
            svgs.push(svg);
        }
        if !svgs.is_empty() {
            drawn.push(Drawn { view, svgs });
        }
    }
    site.add("changes.html".into(), page(cx, since, &diff, &drawn));
}

/// The sign `kozo diff` prints before a change, and the class that colours it.
fn sign(change: ChangeKind) -> (&'static str, &'static str) {
    match change {
        ChangeKind::Added => ("+", "added"),
        ChangeKind::Removed => ("−", "removed"),
        ChangeKind::Changed => ("~", "changed"),
        ChangeKind::Renamed => ("→", "renamed"),
    }
}

/// A declaration's id, linked to its page when the new side has one.
fn linked(cx: &Context, category: Category, id: &str, removed: bool) -> Markup {
    let href = if removed {
        None
    } else {
        match category {
            Category::Element => cx.model.element_by_path(id).map(|e| cx.element_href(e)),
            Category::View => cx.model.view_by_name(id).map(|v| cx.view_href(v)),
            _ => None,
        }
    };
    html! {
        @match href {
            Some(href) => { a href=(href) { code { (id) } } }
            None => { code { (id) } }
        }
    }
}

/// A list of view names, each linked when the view still exists.
fn views(cx: &Context, names: &[String]) -> Markup {
    html! {
        @for (i, name) in names.iter().enumerate() {
            @if i > 0 { ", " }
            (linked(cx, Category::View, name, false))
        }
    }
}

fn value(v: &Option<String>) -> Markup {
    html! {
        @match v {
            Some(v) => { q { (v) } }
            None => { em { "(none)" } }
        }
    }
}

fn change_item(cx: &Context, c: &Change) -> Markup {
    let (mark, class) = sign(c.change);
    let removed = c.change == ChangeKind::Removed;
    html! {
        li class={ "change change-" (class) } {
            span.mark aria-hidden="true" { (mark) } " "
            span.visually-hidden { (class) ": " }
            @if let Some(from) = &c.from { code { (from) } " → " }
            (linked(cx, c.category, &c.id, removed))
            @if c.label != c.id { " " q { (c.label) } }
            @if let Some(kind) = &c.kind { " (" (kind) ")" }
            @if c.change == ChangeKind::Renamed { " renamed" }
            @if !c.fields.is_empty() {
                ul.fields {
                    @for f in &c.fields {
                        li { (f.field) ": " (value(&f.old)) " → " (value(&f.new)) }
                    }
                }
            }
            @if !c.shows_added.is_empty() || !c.shows_removed.is_empty() {
                ul.fields {
                    @if !c.shows_added.is_empty() {
                        li { "now shows: "
                            @for (i, e) in c.shows_added.iter().enumerate() {
                                @if i > 0 { ", " }
                                (linked(cx, Category::Element, e, false))
                            }
                        }
                    }
                    @if !c.shows_removed.is_empty() {
                        li { "no longer shows: "
                            @for (i, e) in c.shows_removed.iter().enumerate() {
                                @if i > 0 { ", " }
                                code { (e) }
                            }
                        }
                    }
                }
            }
            @if !c.impact.views.is_empty() && c.category != Category::View {
                p.impact { "views: " (views(cx, &c.impact.views)) }
            }
            @if !c.impact.stakeholders.is_empty() {
                p.impact { "stakeholders: " (c.impact.stakeholders.join(", ")) }
            }
        }
    }
}

fn findings(list: &[FindingRef]) -> Markup {
    html! {
        @if list.is_empty() { p { "None." } }
        @else {
            table.findings {
                thead { tr { th scope="col" { "Severity" } th scope="col" { "Rule" } th scope="col" { "Message" } th scope="col" { "Where" } } }
                tbody {
                    @for f in list {
                        tr.finding data-severity=(f.severity) {
                            td { span class={ "sev sev-" (f.severity) } { (f.severity) } }
                            td { a href={ "rules/" (f.rule) ".html" } { code { (f.rule) } } }
                            td.message { (f.message) }
                            td { code { (f.file) ":" (f.line) ":" (f.column) } }
                        }
                    }
                }
            }
        }
    }
}

fn page(cx: &Context, since: &Since, diff: &ModelDiff, drawn: &[Drawn]) -> String {
    let categories: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|&c| diff.counts(c).total() > 0)
        .collect();
    let body = html! {
        p { "Compared with " strong { (since.label) } "." }
        section #summary aria-labelledby="summary-h" {
            h2 #summary-h { "Summary" }
            @if diff.is_empty() {
                p { "No change to the model." }
            } @else {
                table.summary {
                    thead { tr { th scope="col" { "Declarations" } th scope="col" { "Added" } th scope="col" { "Removed" } th scope="col" { "Changed" } th scope="col" { "Renamed" } } }
                    tbody {
                        @for &category in &categories {
                            @let n = diff.counts(category);
                            tr {
                                th scope="row" { a href={ "#" (category.name()) } { (category.plural()) } }
                                td { (n.added) } td { (n.removed) } td { (n.changed) } td { (n.renamed) }
                            }
                        }
                    }
                }
            }
        }
        @for &category in &categories {
            section id=(category.name()) aria-labelledby={ (category.name()) "-h" } {
                h2 id={ (category.name()) "-h" } { (category.plural()) }
                ul.changes {
                    @for c in diff.changes.iter().filter(|c| c.category == category) {
                        (change_item(cx, c))
                    }
                }
            }
        }
        section #review aria-labelledby="review-h" {
            h2 #review-h { "Review by" }
            @if diff.review.is_empty() {
                p { "No stakeholder's concern is touched." }
            } @else {
                ul.review {
                    @for r in &diff.review {
                        li {
                            strong { (r.label) }
                            @if !r.concerns.is_empty() {
                                " ("
                                @for (i, concern) in r.concerns.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (concern.label)
                                }
                                ")"
                            }
                        }
                    }
                }
            }
        }
        section #findings-delta aria-labelledby="introduced-h" {
            h2 #introduced-h { "Findings introduced (" (diff.findings.introduced.len()) ")" }
            (findings(&diff.findings.introduced))
            h2 #fixed-h { "Findings fixed (" (diff.findings.fixed.len()) ")" }
            (findings(&diff.findings.fixed))
        }
        section #diagrams aria-labelledby="diagrams-h" {
            h2 #diagrams-h { "Changed views" }
            @if drawn.is_empty() { p { "The changes touch no view." } }
            @else {
                p.legend {
                    span.change-added { "added" } ", "
                    span.change-changed { "changed" } ", "
                    span.change-removed { "removed (dashed)" }
                }
            }
            @for d in drawn {
                figure.changed-view {
                    figcaption { (linked(cx, Category::View, &d.view, false)) }
                    @for (i, svg) in d.svgs.iter().enumerate() {
                        div.changed-diagram data-l=[(d.svgs.len() > 1).then_some(i)] {
                            @match svg {
                                Ok(path) => { img src=(path) alt={ "The view " (d.view) " with its changes marked" }; }
                                Err(reason) => { p.flag { "This view could not be drawn: " (reason) } }
                            }
                        }
                    }
                }
            }
        }
    };
    frame::render(
        cx,
        Page {
            path: "changes.html",
            title: html! { "Changes" },
            title_text: "Changes".to_string(),
            section: Section::Changes,
            body,
        },
    )
}
