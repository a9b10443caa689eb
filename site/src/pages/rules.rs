//! One page per rule, from the text `kozo explain RULE` prints (Markdown,
//! turned into HTML with any raw HTML shown as text), and a list of them.

use kozo_engine::Rule;
use maud::{html, PreEscaped};
use pulldown_cmark::{Event, Parser};

use crate::context::Context;
use crate::frame::{self, Page};
use crate::{Section, Site};

pub fn write_all(cx: &Context, site: &mut Site) {
    for &rule in Rule::ALL {
        let path = format!("rules/{}.html", rule.name());
        let count = cx.diagnostics.iter().filter(|d| d.rule == rule).count();
        let body = html! {
            p.subtitle { "Default severity: " (rule.default_severity().as_str()) " · findings in this workspace: "
                a href="../findings.html" { (count) } }
            div.explanation { (PreEscaped(markdown(rule.doc().explanation))) }
            p { "Change its severity in " code { "kozo.toml" } ": " code { "[rules] " (rule.name()) " = \"off\"" } "." }
        };
        let html = frame::render(
            cx,
            Page {
                path: &path,
                title: html! { code { (rule.name()) } },
                title_text: rule.name().to_string(),
                section: Section::Findings,
                body,
            },
        );
        site.add(path, html);
    }
    let body = html! {
        table {
            thead { tr { th scope="col" { "Rule" } th scope="col" { "Default" } th scope="col" { "Fires when" } } }
            tbody {
                @for &rule in Rule::ALL {
                    tr {
                        td { a href={ (rule.name()) ".html" } { code { (rule.name()) } } }
                        td { (rule.default_severity().as_str()) }
                        td { (rule.doc().summary) }
                    }
                }
            }
        }
    };
    let html = frame::render(
        cx,
        Page {
            path: "rules/index.html",
            title: html! { "Rules" },
            title_text: "Rules".to_string(),
            section: Section::Findings,
            body,
        },
    );
    site.add("rules/index.html".to_string(), html);
}

/// Markdown as HTML; raw HTML in the text is escaped, not passed through.
fn markdown(text: &str) -> String {
    let events = Parser::new(text).map(|event| match event {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}
