//! `element-not-in-view`: an element no view shows.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::names::NameIndex;
use crate::model::{Element, ElementId};

pub const DOC: RuleDoc = RuleDoc {
    summary: "an element appears in no view",
    explanation: r#"## element-not-in-view

**What.** No view selects the element (see `include`/`exclude`: `x.*` takes
only children, `x.**` all descendants, `*` only top-level elements).

**Why.** Stakeholders review an architecture through its views. An element
that no view shows is never reviewed by anyone: it may be obsolete, or a view
is missing something it should show.

**Example.**

```kozo
system bms { component hvac_ctl }
view overview of context { include bms }   // shows bms, not bms.hvac_ctl
```

**Fix.** Include the element in the view that should show it (`bms.*`,
`bms.**`), or remove it. Teams that do not want this check can set
`element-not-in-view = "off"` in `kozo.toml`.
"#,
};

/// The elements no view shows, of a workspace whose views show `shown`
/// (each part's, sorted).
pub(crate) fn find<'e>(
    names: &NameIndex,
    shown: impl IntoIterator<Item = &'e [ElementId]>,
) -> Vec<ElementId> {
    let seen = super::workspace::marked(names.elements.len(), shown);
    seen.iter()
        .enumerate()
        .filter(|(_, seen)| !**seen)
        .map(|(index, _)| ElementId(index as u32))
        .collect()
}

/// The findings for `unseen`, elements no view shows (one file's, read
/// from its part, or the whole model's).
pub(crate) fn report<'e>(unseen: impl IntoIterator<Item = &'e Element>, out: &mut Vec<Diagnostic>) {
    for element in unseen {
        out.push(Diagnostic::new(
            Rule::ElementNotInView,
            element.info.name_loc.file,
            element.info.name_loc.span,
            format!("element `{}` appears in no view", element.path),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn elements_outside_every_view_fire() {
        let src = "use society5\nsystem a { component b { component c } }\nsystem d\nview v { include a, a.* }\n";
        assert_eq!(fires(src, Rule::ElementNotInView), ["c", "d"]);
    }

    #[test]
    fn descendants_and_star() {
        let src = "use society5\nsystem a { component b { component c } }\nsystem d\nview v { include a.**, * }\n";
        assert!(fires(src, Rule::ElementNotInView).is_empty());
    }
}
