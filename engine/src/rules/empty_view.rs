//! `empty-view`: a view that selects no element.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Model;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a view selects no element",
    explanation: r#"## empty-view

**What.** After `include` and `exclude`, the view shows nothing: it has no
`include`, its selectors match no element (for example `x.*` on an element
without children), or `exclude` removes everything.

**Why.** A view exists to address stakeholders' concerns through what it
shows. An empty view addresses nothing and renders as a blank diagram.

**Example.**

```kozo
view deployment of physical { include gateway.* }   // gateway has no children
```

**Fix.** Include the elements the view is meant to show, or remove the view.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for view in &model.views {
        if view.elements.is_empty() {
            out.push(Diagnostic::new(
                Rule::EmptyView,
                view.info.name_loc.file,
                view.info.name_loc.span,
                format!("view `{}` selects no element", view.info.name),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn empty_selections_fire() {
        let src = "use society5\nsystem a\nsystem b { component c }\nview none\nview leaf { include a.* }\nview gone { include b.** exclude b.c }\nview ok { include * exclude a }\n";
        assert_eq!(fires(src, Rule::EmptyView), ["none", "leaf", "gone"]);
    }
}
