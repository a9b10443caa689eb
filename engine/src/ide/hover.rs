//! Hover: what the name under the cursor is, in Markdown — its kind, label
//! and translations, doc comment, layer, relationships and views.

use std::fmt::Write as _;

use kozo_lang::Span;

use super::links::Links;
use super::navigation::target_at;
use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::model::{ElementId, Info, KindSet, Target};

/// Lists longer than this are cut, with a count of the rest.
const LIST_LIMIT: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The name hovered.
    pub span: Span,
    /// Markdown.
    pub markdown: String,
}

pub fn hover(analysis: &Analysis, file: SourceFile, offset: usize) -> Option<Hover> {
    let at = target_at(analysis, file, offset)?;
    let model = analysis.model();
    let mut out = String::new();
    match at.target {
        Target::Element(id) => element(analysis, id, &mut out),
        Target::Kind(id) => {
            let kind = model.kind(id);
            header(
                &mut out,
                "kind",
                &kind.info,
                builtin_module(analysis, &kind.info),
            );
            if let Some(layer) = kind.layer {
                let _ = writeln!(out, "Layer: {}  ", named(&model.layer(layer).info));
            }
            if let Some(parents) = &kind.parents {
                let names: Vec<String> = parents
                    .iter()
                    .map(|p| code(&model.kind(*p).info.name))
                    .collect();
                let _ = writeln!(out, "Nested under: {}  ", names.join(", "));
            }
            let _ = writeln!(out, "Shape: {}  ", kind.shape.as_str());
            let count = Links::new(analysis.db(), analysis.workspace()).elements_of_kind(id);
            let _ = writeln!(out, "Elements: {count}");
            texts(&mut out, &kind.info);
        }
        Target::RelationKind(id) => {
            let kind = model.relation_kind(id);
            header(
                &mut out,
                "relation",
                &kind.info,
                builtin_module(analysis, &kind.info),
            );
            let set = |set: &KindSet| match set {
                KindSet::Any => "any kind".to_string(),
                KindSet::Only(kinds) => kinds
                    .iter()
                    .map(|k| code(&model.kind(*k).info.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            if kind.allow.is_empty() || kind.ends_written {
                let _ = writeln!(out, "From: {}  ", set(&kind.from));
                let _ = writeln!(out, "To: {}  ", set(&kind.to));
            }
            for pair in &kind.allow {
                let names = |kinds: &[crate::model::KindId]| {
                    kinds
                        .iter()
                        .map(|k| code(&model.kind(*k).info.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = writeln!(
                    out,
                    "Allows: {} → {}  ",
                    names(&pair.sources),
                    names(&pair.targets)
                );
            }
            let flags: Vec<&str> = [
                (kind.acyclic, "acyclic"),
                (kind.downward, "downward"),
                (kind.upward, "upward"),
                (kind.same_kind, "same_kind"),
                (kind.default, "default"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            if !flags.is_empty() {
                let _ = writeln!(out, "{}  ", flags.join(" · "));
            }
            let n = kind.notation;
            let _ = writeln!(
                out,
                "Drawn: {} line, head `{}`, tail `{}`  ",
                n.line.as_str(),
                n.head.as_str(),
                n.tail.as_str()
            );
            let count = Links::new(analysis.db(), analysis.workspace()).relationships_of_kind(id);
            let _ = writeln!(out, "Relationships: {count}");
            texts(&mut out, &kind.info);
        }
        Target::Layer(id) => {
            let layer = model.layer(id);
            header(
                &mut out,
                "layer",
                &layer.info,
                builtin_module(analysis, &layer.info),
            );
            let _ = writeln!(out, "Position from the top: {}  ", layer.rank + 1);
            let kinds: Vec<String> = model
                .kinds
                .iter()
                .filter(|k| k.layer == Some(id))
                .map(|k| code(&k.info.name))
                .collect();
            if !kinds.is_empty() {
                let _ = writeln!(out, "Kinds: {}", kinds.join(", "));
            }
            texts(&mut out, &layer.info);
        }
        Target::Concern(id) => {
            let concern = model.concern(id);
            header(
                &mut out,
                "concern",
                &concern.info,
                builtin_module(analysis, &concern.info),
            );
            let holders: Vec<&Info> = model
                .stakeholders
                .iter()
                .filter(|s| s.concerns.contains(&id))
                .map(|s| &s.info)
                .collect();
            let framers: Vec<&Info> = model
                .viewpoints
                .iter()
                .filter(|v| v.frames.contains(&id))
                .map(|v| &v.info)
                .collect();
            let deciders: Vec<&Info> = model
                .decisions
                .iter()
                .filter(|d| d.addresses.contains(&id))
                .map(|d| &d.info)
                .collect();
            list_line(&mut out, "Held by", &holders);
            list_line(&mut out, "Framed by", &framers);
            list_line(&mut out, "Addressed by", &deciders);
            texts(&mut out, &concern.info);
        }
        Target::Stakeholder(id) => {
            let stakeholder = &model.stakeholders[id.index()];
            header(
                &mut out,
                "stakeholder",
                &stakeholder.info,
                builtin_module(analysis, &stakeholder.info),
            );
            let concerns: Vec<&Info> = stakeholder
                .concerns
                .iter()
                .map(|c| &model.concern(*c).info)
                .collect();
            list_line(&mut out, "Concerns", &concerns);
            texts(&mut out, &stakeholder.info);
        }
        Target::Viewpoint(id) => {
            let viewpoint = model.viewpoint(id);
            header(
                &mut out,
                "viewpoint",
                &viewpoint.info,
                builtin_module(analysis, &viewpoint.info),
            );
            let frames: Vec<&Info> = viewpoint
                .frames
                .iter()
                .map(|c| &model.concern(*c).info)
                .collect();
            list_line(&mut out, "Frames", &frames);
            if let Some(kinds) = &viewpoint.kinds {
                let kinds: Vec<&Info> = kinds.iter().map(|k| &model.kind(*k).info).collect();
                list_line(&mut out, "Kinds", &kinds);
            }
            if let Some(relations) = &viewpoint.relations {
                let relations: Vec<&Info> = relations
                    .iter()
                    .map(|r| &model.relation_kind(*r).info)
                    .collect();
                list_line(&mut out, "Relations", &relations);
            }
            let views: Vec<&Info> = model
                .views
                .iter()
                .filter(|v| v.viewpoint == Some(id))
                .map(|v| &v.info)
                .collect();
            list_line(&mut out, "Views", &views);
            texts(&mut out, &viewpoint.info);
        }
        Target::View(id) => {
            let view = model.view(id);
            header(
                &mut out,
                "view",
                &view.info,
                builtin_module(analysis, &view.info),
            );
            if let Some(vp) = view.viewpoint {
                let _ = writeln!(out, "Viewpoint: {}  ", named(&model.viewpoint(vp).info));
            }
            let implied = analysis.config().render.implied;
            let shown = model.view_relationships_with(id, implied).len();
            let _ = writeln!(
                out,
                "Shows {} · {}",
                plural(view.elements.len(), "element"),
                plural(shown, "relationship")
            );
            let curation = [
                (view.relation_exclusions.len(), "excluded relationship"),
                (view.groups.len(), "group"),
                (view.notes.len(), "note"),
            ];
            let curation: Vec<String> = curation
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| plural(n, what))
                .collect();
            if !curation.is_empty() {
                let _ = writeln!(out, "Curated with {}", curation.join(" · "));
            }
            texts(&mut out, &view.info);
        }
        Target::Decision(id) => {
            let decision = &model.decisions[id.index()];
            header(
                &mut out,
                "decision",
                &decision.info,
                builtin_module(analysis, &decision.info),
            );
            if let Some(status) = decision.status {
                let _ = writeln!(out, "Status: {}  ", status.as_str());
            }
            let addresses: Vec<&Info> = decision
                .addresses
                .iter()
                .map(|c| &model.concern(*c).info)
                .collect();
            list_line(&mut out, "Addresses", &addresses);
            let affects: Vec<String> = decision
                .affects
                .iter()
                .map(|e| code(&model.element(*e).path))
                .collect();
            if !affects.is_empty() {
                let _ = writeln!(out, "Affects: {}  ", affects.join(", "));
            }
            if let Some(rationale) = &decision.rationale {
                let _ = writeln!(out, "\nRationale: {rationale}");
            }
            texts(&mut out, &decision.info);
        }
    }
    Some(Hover {
        span: at.span,
        markdown: out.trim_end().to_string(),
    })
}

fn element(analysis: &Analysis, id: ElementId, out: &mut String) {
    let model = analysis.model();
    let element = model.element(id);
    let keyword = element.kind_name.as_str();
    code_block(
        out,
        &format!("{keyword} {}{}", element.path, label_suffix(&element.info)),
    );
    match element.kind.map(|k| model.kind(k)) {
        Some(kind) => {
            let _ = write!(out, "Kind: {}", named(&kind.info));
            if let Some(layer) = kind.layer {
                let _ = write!(out, " · layer: {}", named(&model.layer(layer).info));
            }
            out.push_str("  \n");
        }
        None => {
            let _ = writeln!(out, "Kind: `{keyword}` (not declared)  ");
        }
    }
    translations(out, &element.info);
    if let Some(technology) = &element.info.technology {
        let _ = writeln!(out, "Technology: {}  ", escape_markdown(technology));
    }
    texts(out, &element.info);

    // From each file's table of relationships by their ends, not from the
    // model's graph, which a new model would make whole on first use.
    let links = Links::new(analysis.db(), analysis.workspace());
    let (outgoing, incoming) = links.relationships_of(id);
    for (title, ids, arrow, outgoing) in [
        ("Outgoing", &outgoing, "→", true),
        ("Incoming", &incoming, "←", false),
    ] {
        if ids.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n**{title}** ({})", ids.len());
        for rid in ids.iter().take(LIST_LIMIT) {
            let r = model.relationship(*rid);
            let other = if outgoing { r.target } else { r.source };
            let kind = &model.relation_kind(r.kind).info.name;
            let _ = write!(
                out,
                "- {arrow} {} *{kind}*",
                code(&model.element(other).path)
            );
            if let Some(label) = &r.label {
                let _ = write!(out, " \"{}\"", escape_markdown(label));
            }
            if let Some(technology) = &r.technology {
                let _ = write!(out, " \\[{}\\]", escape_markdown(technology));
            }
            out.push('\n');
        }
        more(out, ids.len());
    }

    let views: Vec<&Info> = links
        .views_of(id)
        .into_iter()
        .map(|v| &model.view(v).info)
        .collect();
    if views.is_empty() {
        out.push_str("\nIn no view\n");
    } else {
        let _ = writeln!(out, "\n**In views** ({})", views.len());
        for view in views.iter().take(LIST_LIMIT) {
            let _ = writeln!(out, "- {}", named(view));
        }
        more(out, views.len());
    }
}

/// The declaration line as a code block, and where it comes from.
fn header(out: &mut String, keyword: &str, info: &Info, module: Option<&str>) {
    code_block(
        out,
        &format!("{keyword} {}{}", info.name, label_suffix(info)),
    );
    if let Some(module) = module {
        let _ = writeln!(out, "*Built in (`use {module}`)*  ");
    }
    translations(out, info);
}

/// The built-in module that declares `info`, if one does.
fn builtin_module(analysis: &Analysis, info: &Info) -> Option<&'static str> {
    if !info.builtin {
        None
    } else if info.name_loc.file == analysis.archimate() {
        Some(crate::builtin::ARCHIMATE)
    } else {
        Some(crate::builtin::SOCIETY5)
    }
}

/// `text` as a `kozo` code block, fenced by more backticks than any run of
/// them in the text, so that a label holding a fence cannot close it and
/// turn the rest into Markdown (remote images included).
fn code_block(out: &mut String, text: &str) {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    // A line break in a label would end the block's line; show it as a space.
    let text = text.replace(['\n', '\r'], " ");
    let _ = writeln!(out, "{fence}kozo\n{text}\n{fence}");
}

/// Label text for Markdown outside code: the characters that can start
/// Markdown syntax in the middle of a line (emphasis, code, links and
/// images, HTML, entities, tables, strikethrough) are escaped, and line
/// breaks become spaces, so a label shows as the text it is.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn label_suffix(info: &Info) -> String {
    match &info.label {
        Some(label) => format!(" \"{label}\""),
        None => String::new(),
    }
}

fn translations(out: &mut String, info: &Info) {
    for (lang, text) in &info.translations {
        let _ = writeln!(out, "Label ({lang}): {}  ", escape_markdown(text));
    }
}

/// The doc comment and the description, as paragraphs.
fn texts(out: &mut String, info: &Info) {
    if let Some(doc) = &info.doc {
        let _ = write!(out, "\n---\n{}\n", doc_markdown(doc));
    }
    if let Some(description) = &info.description {
        let _ = write!(out, "\n{}\n", escape_markdown(description));
    }
    for (lang, text) in &info.descriptions {
        let _ = write!(out, "\n({lang}) {}\n", escape_markdown(text));
    }
}

/// A doc comment as Markdown, minus what would reach outside the editor:
/// an image (`![alt](https://…)` is fetched when the hover shows, so a
/// model from elsewhere could learn who reads it) and raw HTML (`<img>`,
/// `<iframe>`). Outside code, `![` and `<` are escaped; code spans and
/// fenced blocks are left as written, since they show text as it is.
/// Links stay: they open only when clicked.
fn doc_markdown(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    let mut fence: Option<(char, usize)> = None;
    for line in doc.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |m| trimmed.chars().take_while(|c| *c == m).count());
        match (fence, marker) {
            (None, Some(m)) if run >= 3 => {
                fence = Some((m, run));
                out.push_str(line);
                continue;
            }
            (Some((m, n)), Some(c)) if c == m && run >= n && trimmed[run..].trim().is_empty() => {
                fence = None;
                out.push_str(line);
                continue;
            }
            (Some(_), _) => {
                out.push_str(line);
                continue;
            }
            _ => {}
        }
        escape_outside_code_spans(line, &mut out);
    }
    out
}

/// One line of prose: `![` and `<` escaped, except inside a code span
/// (a run of backticks closed by a run of the same length).
fn escape_outside_code_spans(line: &str, out: &mut String) {
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let run = rest.chars().take_while(|c| *c == '`').count();
            let ticks = &rest[..run];
            if let Some(end) = closing_ticks(&rest[run..], run) {
                let span_end = run + end + run;
                out.push_str(&rest[..span_end]);
                rest = &rest[span_end..];
            } else {
                out.push_str(ticks);
                rest = &rest[run..];
            }
            continue;
        }
        if c == '<' || (c == '!' && rest[1..].starts_with('[')) {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
}

/// Where, in `text`, a run of exactly `n` backticks starts, if any.
fn closing_ticks(text: &str, n: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'`' {
                i += 1;
            }
            if i - start == n {
                return Some(start);
            }
        } else {
            i += 1;
        }
    }
    None
}

fn list_line(out: &mut String, title: &str, items: &[&Info]) {
    if items.is_empty() {
        let _ = writeln!(out, "{title}: none  ");
        return;
    }
    let shown: Vec<String> = items.iter().take(LIST_LIMIT).map(|i| named(i)).collect();
    let rest = items.len().saturating_sub(LIST_LIMIT);
    let tail = if rest > 0 {
        format!(" and {rest} more")
    } else {
        String::new()
    };
    let _ = writeln!(out, "{title}: {}{tail}  ", shown.join(", "));
}

fn more(out: &mut String, len: usize) {
    if len > LIST_LIMIT {
        let _ = writeln!(out, "- … and {} more", len - LIST_LIMIT);
    }
}

/// `` `name` (Label) ``.
fn named(info: &Info) -> String {
    match &info.label {
        Some(label) => format!("{} ({})", code(&info.name), escape_markdown(label)),
        None => code(&info.name),
    }
}

fn code(name: &str) -> String {
    format!("`{name}`")
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    fn check(fixture: &str) -> String {
        let f = Fixture::new(fixture);
        let hover = hover(&f.analysis, f.file, f.offset).expect("a hover");
        format!("[{}]\n{}", &f.text()[hover.span.range()], hover.markdown)
    }

    const BUILDING: &str = r#"use society5
/// Runs the building.
system bms "Building management" {
  label ja "ビル管理システム"
  description "Controls HVAC and lighting."
  component hvac
}
dataset occupancy "Occupancy counts"
bms -> occupancy : flows "5-minute counts"
viewpoint data_flow { kinds system, dataset }
view building of data_flow { include bms, occupancy }
"#;

    #[test]
    fn element_hover_shows_kind_layer_texts_relationships_and_views() {
        let fixture = BUILDING.replace("system bms", "system b$0ms");
        assert_eq!(
            check(&fixture),
            r#"[bms]
```kozo
system bms "Building management"
```
Kind: `system` (System) · layer: `function` (Function)  
Label (ja): ビル管理システム  

---
Runs the building.

Controls HVAC and lighting.

**Outgoing** (1)
- → `occupancy` *flows* "5-minute counts"

**In views** (1)
- `building`"#
        );
    }

    #[test]
    fn element_hover_shows_technology_and_description_translations() {
        let text = check(
            r#"use society5
system bm$0s "Banking" {
  description "Moves money."
  description ja "送金する。"
  technology "Java"
  component api
  api -> bms { technology "JSON/HTTPS" }
}
"#,
        );
        assert!(text.contains("Technology: Java  \n"), "{text}");
        assert!(
            text.contains("\nMoves money.\n\n(ja) 送金する。\n"),
            "{text}"
        );
        assert!(
            text.contains("- ← `bms.api` *uses* \\[JSON/HTTPS\\]"),
            "{text}"
        );
    }

    #[test]
    fn hover_on_a_reference_to_a_child_path() {
        let fixture = format!("{BUILDING}bms.hv$0ac -> occupancy\n");
        let text = check(&fixture);
        assert!(
            text.starts_with("[hvac]\n```kozo\ncomponent bms.hvac\n```"),
            "{text}"
        );
        assert!(
            text.contains("**Outgoing** (1)\n- → `occupancy` *uses*"),
            "{text}"
        );
        assert!(text.ends_with("In no view"), "{text}");
    }

    #[test]
    fn hover_on_an_archimate_kind_names_its_module() {
        let text = check("use archimate\nno$0de server\n");
        assert!(text.contains("*Built in (`use archimate`)*"), "{text}");
        assert!(!text.contains("society5"), "{text}");
    }

    #[test]
    fn hover_on_builtin_relation_kind_and_concern() {
        let fixture = BUILDING.replace(": flows", ": fl$0ows");
        let text = check(&fixture);
        assert!(text.contains("*Built in (`use society5`)*"), "{text}");
        assert!(text.contains("Relationships: 1"), "{text}");
        assert!(
            text.contains("Drawn: solid line, head `open`, tail `none`"),
            "{text}"
        );

        let text = check(
            "concern pri$0vacy \"Privacy\"\nstakeholder tenant { concerns privacy }\nviewpoint vp { frames privacy }",
        );
        assert_eq!(
            text,
            "[privacy]\n```kozo\nconcern privacy \"Privacy\"\n```\nHeld by: `tenant`  \nFramed by: `vp`  \nAddressed by: none"
        );
    }

    #[test]
    fn hover_on_a_view_counts_what_it_shows() {
        let fixture = BUILDING.replace("view building", "view buil$0ding");
        let text = check(&fixture);
        assert!(
            text.ends_with("Viewpoint: `data_flow`  \nShows 2 elements · 1 relationship"),
            "{text}"
        );
        let curated = BUILDING
            .replace("view building", "view buil$0ding")
            .replacen(
                "include ",
                "note \"n\"\n  group g { include bms }\n  include ",
                1,
            );
        let text = check(&curated);
        assert!(text.ends_with("Curated with 1 group · 1 note"), "{text}");
    }

    #[test]
    fn no_hover_off_names() {
        let f = Fixture::new("use society5\n// a comment$0\nsystem a\n");
        assert_eq!(hover(&f.analysis, f.file, f.offset), None);
    }

    #[test]
    fn labels_cannot_break_out_into_markdown() {
        // A fence in a label once closed the hover's code block, and the
        // rest rendered as Markdown, remote images included.
        let fixture = "use society5\nsystem a$0 \"```\\n![x](https://example.com/i.png) *b* <b>\"\nsystem c \"[l](u) `x` & y\"\na -> c : flows \"**z**\"\n";
        let text = check(fixture);
        let block: Vec<&str> = text.lines().skip(1).take(3).collect();
        assert_eq!(
            block,
            [
                "````kozo",
                // The label's line break shows as a space.
                "system a \"``` ![x](https://example.com/i.png) *b* <b>\"",
                "````"
            ],
            "{text}"
        );
        assert!(text.contains("- → `c` *flows* \"\\*\\*z\\*\\*\""), "{text}");
        let fixture = "use society5\nsystem c$0\nview v \"[l](u) `x` & y\" { include c }\n";
        let text = check(fixture);
        assert!(text.contains("\\[l\\](u) \\`x\\` \\& y"), "{text}");
    }

    #[test]
    fn doc_comments_keep_markdown_but_fetch_nothing() {
        let fixture = "use society5\n/// **Bold** [link](https://example.com) ![px](https://example.com/p.png)\n/// <img src=\"https://example.com/q.png\"> `a<b` ``![in](code)``\n/// ```\n/// ![kept](in-a-fence) <b>\n/// ```\n/// ![after](x) 建物<i>\nsystem a$0 {\n  description \"![d](https://example.com/d.png) *e*\"\n}\n";
        let text = check(fixture);
        assert!(
            text.contains(
                "**Bold** [link](https://example.com) \\![px](https://example.com/p.png)"
            ),
            "{text}"
        );
        assert!(text.contains("\\<img src="), "{text}");
        // Code spans and fenced blocks show text as written.
        assert!(text.contains("`a<b` ``![in](code)``"), "{text}");
        assert!(text.contains("\n![kept](in-a-fence) <b>\n"), "{text}");
        assert!(text.contains("\\![after](x) 建物\\<i>"), "{text}");
        // A description is plain text.
        assert!(
            text.contains("!\\[d\\](https://example.com/d.png) \\*e\\*"),
            "{text}"
        );
    }
}
