//! `view-nonconformant`: a view selects an element its viewpoint does not allow.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::names::NameIndex;
use crate::model::{View, Viewpoint, ViewpointId};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a view selects an element whose kind its viewpoint does not allow",
    explanation: r#"## view-nonconformant

**What.** The view's viewpoint lists the element kinds its views may show
(`kinds ...`), and one of the elements the view selects is of another kind.

**Why.** ISO/IEC/IEEE 42010 requires each view to conform to its viewpoint:
the viewpoint fixes the conventions (what may be shown) that make a view
readable for the stakeholders whose concerns it frames.

**Example.**

```kozo
viewpoint data_flow { frames privacy  kinds system, dataset }
view building_data of data_flow { include bms.** }   // bms has components
```

**Fix.** Narrow the selection (`include bms` instead of `bms.**`, or
`exclude` the offending element), add the kind to the viewpoint's `kinds`, or
show the element in a view of another viewpoint.
"#,
};

/// The findings of `views` (one file's), whose viewpoints `viewpoint`
/// finds; elements are read from the name index.
pub(crate) fn check<'v>(
    names: &NameIndex,
    views: &[View],
    viewpoint: impl Fn(ViewpointId) -> Option<&'v Viewpoint>,
    out: &mut Vec<Diagnostic>,
) {
    for view in views {
        let Some(viewpoint) = view.viewpoint.and_then(&viewpoint) else {
            continue;
        };
        // No `kinds`, or none of its names resolved (already an undefined
        // reference): nothing to conform to.
        if viewpoint.kinds.as_ref().is_none_or(|k| k.is_empty()) {
            continue;
        }
        for selected in &view.elements {
            let element = names.element(selected.element);
            // An element of an unknown kind is already an undefined reference.
            if element.kind.is_none() || viewpoint.allows_kind(element.kind) {
                continue;
            }
            out.push(Diagnostic::new(
                Rule::ViewNonconformant,
                view.info.name_loc.file,
                selected.selector,
                format!(
                    "view `{}` selects `{}` ({}), but its viewpoint `{}` does not show elements of kind `{}`",
                    view.info.name, element.path, element.kind_name, viewpoint.info.name, element.kind_name
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::{fires, messages};

    const SRC: &str = "use society5\nsystem bms { component hvac }\ndataset occ\nviewpoint vp { kinds system, dataset }\n";

    #[test]
    fn reports_each_element_at_its_selector() {
        let src = format!("{SRC}view v of vp {{ include bms, bms.*, occ }}\n");
        assert_eq!(fires(&src, Rule::ViewNonconformant), ["bms.*"]);
        assert_eq!(
            messages(&src, Rule::ViewNonconformant),
            ["view `v` selects `bms.hvac` (component), but its viewpoint `vp` does not show elements of kind `component`"]
        );
    }

    #[test]
    fn conformant_and_unrestricted_views_are_clean() {
        let src = format!("{SRC}viewpoint any\nview v of vp {{ include bms, occ }}\nview w of any {{ include bms.** }}\n");
        assert!(fires(&src, Rule::ViewNonconformant).is_empty());
    }
}
