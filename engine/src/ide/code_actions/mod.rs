//! Code actions (quick fixes) for the findings and declarations in a range:
//!
//! - replace a misspelt name with the suggested one ("did you mean");
//! - create the missing element, concern or viewpoint an undefined
//!   reference names;
//! - add a concern to a viewpoint's `frames` or a stakeholder's `concerns`;
//! - move a second string after a label into the body, as a description
//!   or a technology;
//! - silence a finding with a `// kozo-allow: rule` comment.

mod allow;
mod concerns;
mod create;
mod positional;

use kozo_lang::{Decl, Entry, Item, Parse, Span};

use super::{SourceChange, TextEdit};
use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;
use crate::rules::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeActionKind {
    /// Fixes a finding.
    QuickFix,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub kind: CodeActionKind,
    /// The finding it fixes, if any.
    pub diagnostic: Option<Diagnostic>,
    pub change: SourceChange,
    /// The fix to apply first (the suggested name).
    pub preferred: bool,
}

/// The actions for the findings overlapping `range` in `file`, and for a
/// concern declaration under it.
pub fn code_actions(analysis: &Analysis, file: SourceFile, range: Span) -> Vec<CodeAction> {
    let mut out = Vec::new();
    let overlapping: Vec<&Diagnostic> = analysis
        .diagnostics()
        .iter()
        .filter(|d| d.file == file && d.span.start <= range.end && range.start <= d.span.end)
        .collect();
    for d in &overlapping {
        if let Some(suggestion) = &d.suggestion {
            // An empty span inserts the text (`use society5` at the top of
            // a file) rather than replacing a name.
            let title = if d.span.is_empty() {
                format!("Insert `{}`", suggestion.trim_end())
            } else {
                format!("Replace with `{suggestion}`")
            };
            out.push(CodeAction {
                title,
                kind: CodeActionKind::QuickFix,
                diagnostic: Some((*d).clone()),
                change: SourceChange::single(
                    file,
                    TextEdit {
                        span: d.span,
                        new_text: suggestion.clone(),
                    },
                ),
                preferred: true,
            });
        }
        if d.rule == Rule::UndefinedReference {
            out.extend(create::create_missing(analysis, d));
        }
        if d.rule == Rule::SyntaxError {
            out.extend(positional::move_into_body(analysis, d));
        }
    }
    out.extend(concerns::concern_actions(
        analysis,
        file,
        range,
        &overlapping,
    ));
    for d in &overlapping {
        if d.rule != Rule::SyntaxError {
            out.extend(allow::allow(analysis, d));
        }
    }
    out
}

/// The declaration (at any depth) whose name is written at `name`.
pub(super) fn find_decl(parse: &Parse, name: Span) -> Option<&Decl> {
    fn visit(entries: &[Entry], name: Span) -> Option<&Decl> {
        entries.iter().find_map(|e| match e {
            Entry::Decl(d) if d.name.span == name => Some(&**d),
            Entry::Decl(d) if d.span.contains(name.start as usize) => visit(d.entries(), name),
            _ => None,
        })
    }
    parse.tree.items.iter().find_map(|item| match item {
        Item::Decl(d) if d.name.span == name => Some(d),
        Item::Decl(d) if d.span.contains(name.start as usize) => visit(d.entries(), name),
        _ => None,
    })
}

/// The indentation of the line `offset` is on.
pub(super) fn indentation(text: &str, offset: usize) -> &str {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// An edit that adds `statement` at the end of a declaration's body (a body
/// is added when there is none).
pub(super) fn insert_entry(text: &str, decl: &Decl, statement: &str) -> Option<TextEdit> {
    let indent = indentation(text, decl.span.start as usize);
    match &decl.body {
        None => Some(TextEdit {
            span: Span::empty(decl.span.end as usize),
            new_text: format!(" {{\n{indent}  {statement}\n{indent}}}"),
        }),
        Some(body) if !body.closed => None,
        Some(body) => {
            let close = body.span.end as usize - 1;
            let body_text = text.get(body.span.range())?;
            let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
            if body_text.contains('\n') && text[line_start..close].trim().is_empty() {
                let inner = decl
                    .entries()
                    .first()
                    .map(|e| indentation(text, e.span().start as usize).to_string())
                    .filter(|i| i.len() > indent.len())
                    .unwrap_or_else(|| format!("{indent}  "));
                Some(TextEdit {
                    span: Span::empty(line_start),
                    new_text: format!("{inner}{statement}\n"),
                })
            } else {
                let before = text[..close].chars().next_back();
                let lead = if before.is_some_and(char::is_whitespace) {
                    ""
                } else {
                    " "
                };
                Some(TextEdit {
                    span: Span::empty(close),
                    new_text: format!("{lead}{statement} "),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    /// The titles of the actions at the cursor.
    fn titles(fixture: &str) -> Vec<String> {
        let f = Fixture::new(fixture);
        code_actions(&f.analysis, f.file, Span::empty(f.offset))
            .into_iter()
            .map(|a| a.title)
            .collect()
    }

    /// Applies the action titled `title` and returns the workspace's files
    /// (`//- path` headed) and the rules that still fire.
    fn apply(fixture: &str, title: &str) -> (String, Vec<String>) {
        let f = Fixture::new(fixture);
        let actions = code_actions(&f.analysis, f.file, Span::empty(f.offset));
        let action = actions
            .iter()
            .find(|a| a.title == title)
            .unwrap_or_else(|| {
                panic!(
                    "no action `{title}` in {:?}",
                    actions.iter().map(|a| &a.title).collect::<Vec<_>>()
                )
            });
        let mut after = Analysis::default();
        let mut out = String::new();
        for file in f.analysis.files() {
            let text = match action.change.edits.iter().find(|(f, _)| *f == file) {
                Some((_, edits)) => f.apply(file, edits),
                None => f.analysis.text(file).to_string(),
            };
            out.push_str(&format!("//- {}\n{text}", f.analysis.path(file)));
            after.set_file(f.analysis.path(file), text);
        }
        let rules = after
            .diagnostics()
            .iter()
            .map(|d| d.rule.name().to_string())
            .collect();
        (out, rules)
    }

    const BASE: &str = "use society5\nsystem bms { component gw }\ndataset occupancy\nview v { include * }\nbms -> occupancy : flows\nbms.gw -> occupancy : flows\n";

    #[test]
    fn a_second_string_moves_into_the_body() {
        let (text, rules) = apply(
            "kind software_system\nsoftware_system bank \"Bank\" \"Hand$0les money\"\n",
            "Move the string into `description`",
        );
        assert_eq!(
            text,
            "//- model.kozo\nkind software_system\nsoftware_system bank \"Bank\" {\n  description \"Handles money\"\n}\n"
        );
        assert!(!rules.contains(&"syntax-error".to_string()), "{rules:?}");
        let (text, rules) = apply(
            "kind system\nrelation uses { default }\nsystem a\nsystem b {\n  system c\n  c -> a \"Uses\" \"JSON/$0HTTPS\" // why\n}\n",
            "Move the string into `technology`",
        );
        assert!(
            text.contains("  c -> a \"Uses\" {\n    technology \"JSON/HTTPS\"\n  } // why\n"),
            "{text}"
        );
        assert!(!rules.contains(&"syntax-error".to_string()), "{rules:?}");
        assert_eq!(
            titles("kind s\nrelation uses { default }\ns a\ns b\na -> b \"x\" \"$0y\"\n"),
            [
                "Move the string into `technology`",
                "Move the string into `description`"
            ]
        );
        // A body written after the string was skipped with it: no fix.
        assert!(titles("kind s\ns a \"A\" \"$0B\" { }\n").is_empty());
    }

    #[test]
    fn replace_with_the_suggested_name() {
        let fixture = format!("{BASE}bms -> ocu$0pancy : flows\n");
        let (text, rules) = apply(&fixture, "Replace with `occupancy`");
        assert!(text.ends_with("bms -> occupancy : flows\n"), "{text}");
        assert!(
            !rules.contains(&"undefined-reference".to_string()),
            "{rules:?}"
        );
    }

    #[test]
    fn swap_a_reversed_relationship() {
        let fixture = "use society5\nservice sales\nsystem crm\nsa$0les -> crm : realizes\n";
        let (text, rules) = apply(fixture, "Replace with `crm -> sales`");
        assert!(text.ends_with("crm -> sales : realizes\n"), "{text}");
        assert!(
            !rules.contains(&"relation-not-allowed".to_string()),
            "{rules:?}"
        );
    }

    #[test]
    fn insert_a_forgotten_use_society5() {
        let fixture = "$0system bms\ndevice sensor\nsensor -> bms : flows\n";
        let (text, rules) = apply(fixture, "Insert `use society5`");
        assert!(text.contains("use society5\nsystem bms\n"), "{text}");
        assert!(
            !rules.contains(&"undefined-reference".to_string()),
            "{rules:?}"
        );
    }

    #[test]
    fn create_a_missing_element_of_a_kind_the_relation_allows() {
        let fixture = format!("{BASE}bms -> weather$0 : flows\n");
        assert_eq!(
            titles(&fixture),
            [
                "Create system `weather`",
                "Allow `undefined-reference` here (kozo-allow)"
            ]
        );
        let (text, rules) = apply(&fixture, "Create system `weather`");
        assert!(
            text.ends_with("bms -> weather : flows\n\nsystem weather\n"),
            "{text}"
        );
        assert!(
            !rules.contains(&"undefined-reference".to_string()),
            "{rules:?}"
        );
    }

    #[test]
    fn create_a_missing_child_inside_its_parent() {
        let fixture =
            "use society5\nsystem bms {\n    component gw\n}\nsystem x\nx -> bms.hv$0ac\n";
        let (text, rules) = apply(fixture, "Create component `hvac` in `bms`");
        assert_eq!(
            text,
            "//- model.kozo\nuse society5\nsystem bms {\n    component gw\n    component hvac\n}\nsystem x\nx -> bms.hvac\n"
        );
        assert!(
            !rules.contains(&"undefined-reference".to_string()),
            "{rules:?}"
        );

        let fixture = "use society5\nsystem bms\nsystem x\nx -> bms.hv$0ac\n";
        let (text, _) = apply(fixture, "Create component `hvac` in `bms`");
        assert!(
            text.contains("system bms {\n  component hvac\n}\n"),
            "{text}"
        );
    }

    #[test]
    fn create_missing_concern_and_viewpoint() {
        let fixture = "viewpoint vp { frames priv$0acy }";
        let (text, rules) = apply(fixture, "Create concern `privacy`");
        assert_eq!(
            text,
            "//- model.kozo\nviewpoint vp { frames privacy }\n\nconcern privacy\n"
        );
        assert!(
            !rules.contains(&"undefined-reference".to_string()),
            "{rules:?}"
        );
        let (text, _) = apply("view v of da$0ta_flow\n", "Create viewpoint `data_flow`");
        assert_eq!(
            text,
            "//- model.kozo\nview v of data_flow\n\nviewpoint data_flow\n"
        );
    }

    #[test]
    fn frame_a_concern_in_a_viewpoint_of_another_file() {
        let fixture = r#"
//- a.kozo
concern priv$0acy
stakeholder s { concerns privacy }
//- b.kozo
viewpoint one {
  frames cost
}
viewpoint two "Two"
concern cost
"#;
        let (text, rules) = apply(fixture, "Frame `privacy` in viewpoint `one`");
        assert!(
            text.contains("viewpoint one {\n  frames cost, privacy\n}"),
            "{text}"
        );
        assert!(
            !rules.contains(&"concern-not-framed".to_string()),
            "{rules:?}"
        );
        let (text, _) = apply(fixture, "Frame `privacy` in viewpoint `two`");
        assert!(
            text.contains("viewpoint two \"Two\" {\n  frames privacy\n}"),
            "{text}"
        );
        let (text, rules) = apply(
            fixture
                .replace("priv$0acy", "privacy")
                .replace("concern cost", "concern co$0st")
                .as_str(),
            "Add `cost` to the concerns of stakeholder `s`",
        );
        assert!(
            text.contains("stakeholder s { concerns privacy, cost }"),
            "{text}"
        );
        assert!(
            !rules.contains(&"concern-without-stakeholder".to_string()),
            "{rules:?}"
        );
    }

    #[test]
    fn allow_a_finding_with_a_comment() {
        let fixture = "use society5\nsystem a {\n  component b\n  b -> b$0\n}\n";
        let (text, rules) = apply(fixture, "Allow `self-relationship` here (kozo-allow)");
        assert!(
            text.contains("  component b\n  // kozo-allow: self-relationship\n  b -> b\n"),
            "{text}"
        );
        assert!(
            !rules.contains(&"self-relationship".to_string()),
            "{rules:?}"
        );
    }

    #[test]
    fn allow_extends_an_existing_comment_and_respects_doc_comments() {
        let fixture = "use society5\n// kozo-allow: orphan-element\nsystem a {\n  a -> a$0\n}\n";
        let (text, rules) = apply(fixture, "Allow `self-relationship` here (kozo-allow)");
        assert!(
            text.contains("// kozo-allow: orphan-element, self-relationship\nsystem a"),
            "{text}"
        );
        assert!(
            !rules.contains(&"self-relationship".to_string()),
            "{rules:?}"
        );

        let fixture = "use society5\n/// A lonely system.\nsystem lon$0e\n";
        let (text, rules) = apply(fixture, "Allow `orphan-element` here (kozo-allow)");
        assert!(
            text.contains("/// A lonely system.\nsystem lone // kozo-allow: orphan-element\n"),
            "{text}"
        );
        assert!(!rules.contains(&"orphan-element".to_string()), "{rules:?}");
    }
}
