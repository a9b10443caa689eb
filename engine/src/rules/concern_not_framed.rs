//! `concern-not-framed`: a concern no viewpoint frames.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Model;

pub const DOC: RuleDoc = RuleDoc {
    summary: "no viewpoint frames a concern",
    explanation: r#"## concern-not-framed

**What.** No viewpoint lists the concern in its `frames`.

**Why.** In ISO/IEC/IEEE 42010 each concern must be framed by at least one
viewpoint, so that some view of the architecture addresses it. An unframed
concern is a stakeholder interest the description never answers.

**Example.**

```kozo
concern privacy "Tenants' personal data stays private"
viewpoint data_flow { frames energy_cost }   // nothing frames `privacy`
```

**Fix.** Add the concern to the `frames` of the viewpoint that addresses it,
or define a viewpoint for it.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut framed = vec![false; model.concerns.len()];
    for viewpoint in &model.viewpoints {
        for concern in &viewpoint.frames {
            framed[concern.index()] = true;
        }
    }
    for (concern, framed) in model.concerns.iter().zip(framed) {
        if !framed {
            out.push(Diagnostic::new(
                Rule::ConcernNotFramed,
                concern.info.name_loc.file,
                concern.info.name_loc.span,
                format!("no viewpoint frames concern `{}`", concern.info.name),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn unframed_concerns_fire() {
        let src = "concern a\nconcern b\nviewpoint vp { frames a }\n";
        assert_eq!(fires(src, Rule::ConcernNotFramed), ["b"]);
    }
}
