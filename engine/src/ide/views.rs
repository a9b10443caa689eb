//! The workspace's views, for a diagram preview: the list with locations,
//! and the view the cursor is in.

use kozo_lang::Span;

use crate::analysis::Analysis;
use crate::db::SourceFile;
use crate::model::{Target, ViewId};

/// A view and where it is declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewSummary {
    pub id: ViewId,
    /// The view's name: its identity (`kozo render --view NAME`).
    pub name: String,
    pub label: Option<String>,
    pub viewpoint: Option<String>,
    pub file: SourceFile,
    pub name_span: Span,
    pub full_span: Span,
    /// How many elements it shows.
    pub elements: usize,
}

/// Every view of the workspace, in declaration order.
pub fn views(analysis: &Analysis) -> Vec<ViewSummary> {
    let model = analysis.model();
    model
        .view_ids()
        .map(|id| {
            let view = model.view(id);
            ViewSummary {
                id,
                name: view.info.name.to_string(),
                label: view.info.label.clone(),
                viewpoint: view
                    .viewpoint
                    .map(|vp| model.viewpoint(vp).info.name.to_string()),
                file: view.info.name_loc.file,
                name_span: view.info.name_loc.span,
                full_span: view.info.span,
                elements: view.elements.len(),
            }
        })
        .collect()
}

/// The view whose declaration holds `offset`, or whose name is written there.
pub fn view_at(analysis: &Analysis, file: SourceFile, offset: usize) -> Option<ViewId> {
    if let Some(at) = super::target_at(analysis, file, offset) {
        if let Target::View(id) = at.target {
            return Some(id);
        }
    }
    let model = analysis.model();
    model.view_ids().find(|&id| {
        let info = &model.view(id).info;
        info.name_loc.file == file && info.span.contains(offset)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    const MODEL: &str = r#"use society5
system a
system b
view first "First" { include a }
view second { include *
  $0
}
decision d { affects a }
"#;

    #[test]
    fn views_are_listed_with_their_places() {
        let f = Fixture::new(MODEL);
        let listed: Vec<String> = views(&f.analysis)
            .into_iter()
            .map(|v| {
                format!(
                    "{} {:?} {} {}",
                    v.name,
                    v.label,
                    &f.text()[v.name_span.range()],
                    v.elements
                )
            })
            .collect();
        assert_eq!(
            listed,
            ["first Some(\"First\") first 1", "second None second 2"]
        );
    }

    #[test]
    fn the_view_under_the_cursor() {
        let f = Fixture::new(MODEL);
        let id = view_at(&f.analysis, f.file, f.offset).expect("in a view");
        assert_eq!(f.analysis.model().view(id).info.name, "second");
        let outside = f.text().find("decision").unwrap();
        assert_eq!(view_at(&f.analysis, f.file, outside), None);
    }
}
