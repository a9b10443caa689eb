//! Code lenses: a line of counts above each element ("in 2 views ·
//! 5 relationships"), view ("12 elements · 20 relationships") and concern
//! ("held by 1 stakeholder · framed by 2 viewpoints").

use kozo_lang::Span;

use super::links::{End, Links};
use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::model::{ElementId, Target};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The declaration's name.
    pub span: Span,
    pub target: Target,
    pub title: String,
}

pub fn code_lenses(analysis: &Analysis, file: SourceFile) -> Vec<CodeLens> {
    let model = analysis.model();
    let mut out = Vec::new();

    let elements: Vec<ElementId> = model
        .element_ids()
        .filter(|&id| model.element(id).info.name_loc.file == file)
        .collect();
    if !elements.is_empty() {
        // The file's elements' views and relationships (both ways: one
        // from an element to itself counts twice), counted from each
        // file's tables rather than from every view and the model's graph.
        let first = elements[0];
        let last = elements[elements.len() - 1];
        let range = first..ElementId(last.0 + 1);
        let slot = |element: ElementId| element.index() - first.index();
        let count = slot(last) + 1;
        let links = Links::new(analysis.db(), analysis.workspace());
        let mut views_of = vec![0usize; count];
        links.views_showing(range.clone(), |element, _| views_of[slot(element)] += 1);
        let mut relationships_of = vec![0usize; count];
        for end in [End::Source, End::Target] {
            links.relationships_at(range.clone(), end, |element, _| {
                relationships_of[slot(element)] += 1
            });
        }
        for id in elements {
            let element = model.element(id);
            let relationships = relationships_of[slot(id)];
            out.push(CodeLens {
                span: element.info.name_loc.span,
                target: Target::Element(id),
                title: format!(
                    "in {} · {}",
                    plural(views_of[slot(id)], "view"),
                    plural(relationships, "relationship")
                ),
            });
        }
    }

    for id in model.view_ids() {
        let view = model.view(id);
        if view.info.name_loc.file != file {
            continue;
        }
        out.push(CodeLens {
            span: view.info.name_loc.span,
            target: Target::View(id),
            title: format!(
                "{} · {}",
                plural(view.elements.len(), "element"),
                plural(
                    model
                        .view_relationships_with(id, analysis.config().render.implied)
                        .len(),
                    "relationship"
                )
            ),
        });
    }

    for (index, concern) in model.concerns.iter().enumerate() {
        if concern.info.name_loc.file != file {
            continue;
        }
        let id = crate::model::ConcernId(index as u32);
        let held = model
            .stakeholders
            .iter()
            .filter(|s| s.concerns.contains(&id))
            .count();
        let framed = model
            .viewpoints
            .iter()
            .filter(|v| v.frames.contains(&id))
            .count();
        out.push(CodeLens {
            span: concern.info.name_loc.span,
            target: Target::Concern(id),
            title: format!(
                "held by {} · framed by {}",
                plural(held, "stakeholder"),
                plural(framed, "viewpoint")
            ),
        });
    }
    out.sort_by_key(|l| l.span);
    out
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

    #[test]
    fn lenses_count_views_and_relationships() {
        let f = Fixture::new(
            r#"
//- a.kozo
use society5
system bms { component hvac }
dataset occupancy
concern privacy
bms -> occupancy : flows
bms.hvac -> occupancy : flows
view all { include bms, bms.*, occupancy }
view some { include bms }
//- b.kozo
stakeholder s { concerns privacy }
"#,
        );
        let found: Vec<String> = code_lenses(&f.analysis, f.file)
            .into_iter()
            .map(|l| format!("{}: {}", &f.text()[l.span.range()], l.title))
            .collect();
        assert_eq!(
            found,
            [
                "bms: in 2 views · 1 relationship",
                "hvac: in 1 view · 1 relationship",
                "occupancy: in 1 view · 2 relationships",
                "privacy: held by 1 stakeholder · framed by 0 viewpoints",
                // `bms -> occupancy` is refined by `bms.hvac -> occupancy`
                // (same kind, neither labelled): the view draws one edge.
                "all: 3 elements · 1 relationship",
                "some: 1 element · 0 relationships",
            ]
        );
    }
}
