//! `concern-without-stakeholder`: a concern no stakeholder holds.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Model;

pub const DOC: RuleDoc = RuleDoc {
    summary: "no stakeholder holds a concern",
    explanation: r#"## concern-without-stakeholder

**What.** No stakeholder lists the concern in its `concerns`.

**Why.** Every concern in an ISO/IEC/IEEE 42010 architecture description is
held by at least one stakeholder; that is what makes it worth addressing. A
concern nobody holds cannot be prioritised or validated with anyone.

**Example.**

```kozo
concern latency "Control latency under 100 ms"
stakeholder operator { concerns safety }   // nobody holds `latency`
```

**Fix.** Add the concern to the stakeholders who hold it, or remove it.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut held = vec![false; model.concerns.len()];
    for stakeholder in &model.stakeholders {
        for concern in &stakeholder.concerns {
            held[concern.index()] = true;
        }
    }
    for (concern, held) in model.concerns.iter().zip(held) {
        if !held {
            out.push(Diagnostic::new(
                Rule::ConcernWithoutStakeholder,
                concern.info.name_loc.file,
                concern.info.name_loc.span,
                format!("no stakeholder holds concern `{}`", concern.info.name),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn unheld_concerns_fire() {
        let src = "concern a\nconcern b\nstakeholder s { concerns a }\n";
        assert_eq!(fires(src, Rule::ConcernWithoutStakeholder), ["b"]);
    }
}
