//! One module per kind of page.

pub mod changes;
pub mod concerns;
pub mod decisions;
pub mod elements;
pub mod findings;
pub mod home;
pub mod rules;
pub mod views;

use maud::{html, Markup};

use crate::context::Context;

/// One finding as a table row: severity, rule (linked to its explanation),
/// message, location and the element it stands in.
pub fn finding_row(cx: &Context, root: &str, index: usize) -> Markup {
    let d = &cx.diagnostics[index];
    let (line, column) = cx.position(d.file, d.span.start as usize);
    let path = cx.analysis.path(d.file);
    // A message that names another place (a first definition) gets it as
    // `file:line:column`, like every other output.
    let message = d.message_with(|file, span| {
        let (line, column) = cx.position(file, span.start as usize);
        format!("{}:{line}:{column}", cx.analysis.path(file))
    });
    html! {
        tr.finding data-severity=(d.severity.as_str()) {
            td { span class={ "sev sev-" (d.severity.as_str()) } { (d.severity.as_str()) } }
            td { a href={ (root) "rules/" (d.rule.name()) ".html" } { code { (d.rule.name()) } } }
            td.message { (message) }
            td { code { (path) ":" (line) ":" (column) } }
            td {
                @if let Some(e) = cx.element_of_finding[index] {
                    (cx.element_link(root, e))
                }
            }
        }
    }
}

/// The head of a findings table.
pub fn findings_table(cx: &Context, root: &str, indexes: &[usize]) -> Markup {
    html! {
        table.findings {
            thead { tr { th scope="col" { "Severity" } th scope="col" { "Rule" } th scope="col" { "Message" } th scope="col" { "Where" } th scope="col" { "Element" } } }
            tbody {
                @for &i in indexes { (finding_row(cx, root, i)) }
            }
        }
    }
}

/// A declaration's description in every language and its `///`
/// documentation, as text.
pub fn prose(description: Option<Markup>, doc: Option<&str>) -> Markup {
    html! {
        @if let Some(d) = description { p.description { (d) } }
        @if let Some(d) = doc { div.doc { (d) } }
    }
}
