//! The name under the cursor, and where it leads: go to definition, find
//! references, document highlight.

use kozo_lang::Span;

use super::{FileSpan, SymbolKind};
use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::model::Target;

/// A resolved name at an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameAt {
    pub target: Target,
    /// Where the name is written.
    pub span: Span,
    /// The name is the declaration itself, not a reference to it.
    pub is_definition: bool,
}

/// The declared or referenced name at `offset` (a cursor right after a name
/// counts as on it).
pub fn target_at(analysis: &Analysis, file: SourceFile, offset: usize) -> Option<NameAt> {
    let offset = u32::try_from(offset).ok()?;
    let index = super::names::file_names(analysis.db(), analysis.workspace(), file);
    let mut best: Option<NameAt> = None;
    for found in index.around(offset) {
        let inside = found.span.start <= offset && offset < found.span.end;
        let better = match best {
            None => true,
            // A name the cursor is inside beats one it only touches the end of.
            Some(b) => inside && !(b.span.start <= offset && offset < b.span.end),
        };
        if better {
            best = Some(found);
        }
    }
    best
}

/// Where a declaration is: its name (to select) within its whole text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavTarget {
    pub file: SourceFile,
    pub name_span: Span,
    pub full_span: Span,
    pub name: String,
    pub kind: SymbolKind,
}

/// The declaration of the name at `offset` (in the built-in metamodel's file
/// for a built-in layer, kind or relation kind).
pub fn goto_definition(analysis: &Analysis, file: SourceFile, offset: usize) -> Option<NavTarget> {
    let at = target_at(analysis, file, offset)?;
    let model = analysis.model();
    let info = model.definition(at.target);
    Some(NavTarget {
        file: info.name_loc.file,
        name_span: info.name_loc.span,
        full_span: info.span,
        name: super::display_name(model, at.target).to_string(),
        kind: SymbolKind::of(at.target),
    })
}

/// Every place the name at `offset` is written: its uses, in file and
/// source order, after its declaration when `include_declaration`.
pub fn references(
    analysis: &Analysis,
    file: SourceFile,
    offset: usize,
    include_declaration: bool,
) -> Vec<FileSpan> {
    let Some(at) = target_at(analysis, file, offset) else {
        return Vec::new();
    };
    occurrences(analysis, at.target, include_declaration)
}

/// The declaration (when asked) and every reference of a target.
pub(crate) fn occurrences(
    analysis: &Analysis,
    target: Target,
    include_declaration: bool,
) -> Vec<FileSpan> {
    let model = analysis.model();
    let mut out = Vec::new();
    if include_declaration {
        let loc = model.definition(target).name_loc;
        out.push(FileSpan {
            file: loc.file,
            span: loc.span,
        });
    }
    let mut uses: Vec<FileSpan> = model
        .references
        .iter()
        .filter(|r| r.target == target)
        .map(|r| FileSpan {
            file: r.loc.file,
            span: r.loc.span,
        })
        .collect();
    // File order, then source order: what find-references lists.
    uses.sort_by(|a, b| {
        analysis
            .path(a.file)
            .cmp(analysis.path(b.file))
            .then(a.span.start.cmp(&b.span.start))
    });
    out.extend(uses);
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HighlightKind {
    /// Where the name is declared.
    Definition,
    /// Where it is used.
    Reference,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub span: Span,
    pub kind: HighlightKind,
}

/// The occurrences, in this file, of the name at `offset`.
pub fn document_highlight(analysis: &Analysis, file: SourceFile, offset: usize) -> Vec<Highlight> {
    let Some(at) = target_at(analysis, file, offset) else {
        return Vec::new();
    };
    let model = analysis.model();
    let definition = model.definition(at.target).name_loc;
    let mut out: Vec<Highlight> = occurrences(analysis, at.target, true)
        .into_iter()
        .filter(|o| o.file == file)
        .map(|o| Highlight {
            span: o.span,
            kind: if o.file == definition.file && o.span == definition.span {
                HighlightKind::Definition
            } else {
                HighlightKind::Reference
            },
        })
        .collect();
    out.sort_by_key(|h| h.span);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    /// `path:text` of where definition leads from the cursor.
    fn definition(fixture: &str) -> Option<String> {
        let f = Fixture::new(fixture);
        let nav = goto_definition(&f.analysis, f.file, f.offset)?;
        let text = f.analysis.text(nav.file);
        Some(format!(
            "{}:{}",
            f.analysis.path(nav.file),
            &text[nav.name_span.range()]
        ))
    }

    #[test]
    fn definition_of_an_element_in_another_file() {
        let fixture = r#"
//- a.kozo
use society5
system bms { component edge_gw }
//- b.kozo
dataset occupancy
bms.edge$0_gw -> occupancy : flows
"#;
        assert_eq!(definition(fixture).as_deref(), Some("a.kozo:edge_gw"));
    }

    #[test]
    fn definition_of_each_sort_of_name() {
        let base = "use society5\nconcern privacy\nstakeholder owner { concerns privacy }\nviewpoint vp { frames privacy }\nsystem a\n";
        let cases = [
            ("stakeholder o { concerns priv$0acy }", "model.kozo:privacy"),
            ("view v of v$0p { include a }", "model.kozo:vp"),
            ("sys$0tem b", "builtin/society5.kozo:system"),
            ("a -> a : flo$0ws", "builtin/society5.kozo:flows"),
            ("kind k { layer da$0ta }", "builtin/society5.kozo:data"),
            ("system b { x = own$0er }", "model.kozo:owner"),
        ];
        for (line, expected) in cases {
            let fixture = format!("{base}{line}\n");
            assert_eq!(definition(&fixture).as_deref(), Some(expected), "{line}");
        }
    }

    #[test]
    fn definition_of_this_is_the_enclosing_element() {
        let fixture =
            "use society5\nsystem bms {\n  component gw\n  th$0is.gw -> this : flows\n}\n";
        assert_eq!(definition(fixture).as_deref(), Some("model.kozo:bms"));
        let fixture =
            "use society5\nsystem bms {\n  component gw\n  this.g$0w -> this : flows\n}\n";
        assert_eq!(definition(fixture).as_deref(), Some("model.kozo:gw"));
    }

    #[test]
    fn the_cursor_right_after_a_name_is_on_it() {
        assert_eq!(
            definition("use society5\nsystem bms\nview v { include bms$0 }").as_deref(),
            Some("model.kozo:bms")
        );
        assert_eq!(definition("use society5\nsystem bms\n$0\n"), None);
    }

    #[test]
    fn references_list_every_use_across_files() {
        let f = Fixture::new(
            r#"
//- a.kozo
use society5
dataset occ$0upancy
//- b.kozo
system s { component c }
s.c -> occupancy : flows
view v { include occupancy, s.** }
"#,
        );
        let found: Vec<String> = references(&f.analysis, f.file, f.offset, true)
            .into_iter()
            .map(|r| {
                let text = f.analysis.text(r.file);
                format!(
                    "{}@{}:{}",
                    f.analysis.path(r.file),
                    r.span.start,
                    &text[r.span.range()]
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                "a.kozo@21:occupancy",
                "b.kozo@32:occupancy",
                "b.kozo@67:occupancy"
            ]
        );
    }

    #[test]
    fn highlight_marks_the_declaration() {
        let f = Fixture::new("use society5\nsystem a\nsystem b\na$0 -> b\nb -> a\n");
        let found: Vec<(String, HighlightKind)> = document_highlight(&f.analysis, f.file, f.offset)
            .into_iter()
            .map(|h| (format!("{}..{}", h.span.start, h.span.end), h.kind))
            .collect();
        assert_eq!(
            found,
            [
                ("20..21".to_string(), HighlightKind::Definition),
                ("31..32".to_string(), HighlightKind::Reference),
                ("43..44".to_string(), HighlightKind::Reference),
            ]
        );
    }
}
