//! `viewpoint-without-view`: a viewpoint that governs no view.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Model;

pub const DOC: RuleDoc = RuleDoc {
    summary: "no view is governed by a viewpoint",
    explanation: r#"## viewpoint-without-view

**What.** No view is declared `of` the viewpoint.

**Why.** A viewpoint is a specification for views; in ISO/IEC/IEEE 42010 each
viewpoint included in a description governs exactly one view. A viewpoint
without a view frames concerns that nothing actually addresses.

**Example.**

```kozo
viewpoint security "Security"  { frames privacy }
// no `view ... of security`
```

**Fix.** Add a view: `view tenant_data of security { include ... }`, or
remove the viewpoint.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut governs = vec![false; model.viewpoints.len()];
    for view in &model.views {
        if let Some(vp) = view.viewpoint {
            governs[vp.index()] = true;
        }
    }
    for (viewpoint, governs) in model.viewpoints.iter().zip(governs) {
        if !governs {
            out.push(Diagnostic::new(
                Rule::ViewpointWithoutView,
                viewpoint.info.name_loc.file,
                viewpoint.info.name_loc.span,
                format!("no view is governed by viewpoint `{}`", viewpoint.info.name),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn viewpoints_without_views_fire() {
        let src = "viewpoint a\nviewpoint b\nview v of a\n";
        assert_eq!(fires(src, Rule::ViewpointWithoutView), ["b"]);
    }
}
