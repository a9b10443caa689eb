//! Every finding of the workspace, by severity, with its rule linked to
//! the rule's explanation.

use kozo_engine::Severity;
use maud::html;

use crate::context::Context;
use crate::frame::{self, Page};
use crate::Section;

pub fn page(cx: &Context) -> String {
    let groups = [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Infos"),
    ];
    let body = html! {
        @if cx.diagnostics.is_empty() {
            p { "No finding: every rule is satisfied." }
        }
        @for (severity, what) in groups {
            @let list: Vec<usize> = cx.diagnostics.iter().enumerate().filter(|(_, d)| d.severity == severity).map(|(i, _)| i).collect();
            section id=(severity.as_str()) aria-labelledby={ (severity.as_str()) "-h" } {
                h2 id={ (severity.as_str()) "-h" } { (what) " (" (list.len()) ")" }
                @if list.is_empty() { p { "None." } }
                @else { (super::findings_table(cx, "", &list)) }
            }
        }
        p { "Every rule is explained on its own page: " a href="rules/index.html" { "the rules" } "." }
    };
    frame::render(
        cx,
        Page {
            path: "findings.html",
            title: html! { "Findings" },
            title_text: "Findings".to_string(),
            section: Section::Findings,
            body,
        },
    )
}
