//! `stakeholder-without-concern`: a stakeholder that holds no concern.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Model;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a stakeholder holds no concern",
    explanation: r#"## stakeholder-without-concern

**What.** A stakeholder has no `concerns` clause.

**Why.** ISO/IEC/IEEE 42010 identifies stakeholders *through their concerns*:
the interests in the system that the architecture must address. A stakeholder
without concerns cannot be traced to any viewpoint or view, so nothing in the
description is there for them.

**Example.**

```kozo
stakeholder tenant "Tenant"        // no concerns
```

**Fix.** Name what the stakeholder cares about:
`stakeholder tenant { concerns privacy, comfort }`.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for stakeholder in &model.stakeholders {
        if !stakeholder.concerns_written {
            out.push(Diagnostic::new(
                Rule::StakeholderWithoutConcern,
                stakeholder.info.name_loc.file,
                stakeholder.info.name_loc.span,
                format!(
                    "stakeholder `{}` holds no concern; add `concerns ...`",
                    stakeholder.info.name
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn fires_only_without_concerns() {
        let src = "concern c\nstakeholder lonely\nstakeholder happy { concerns c }\nstakeholder described { label ja \"説明\" }\n";
        assert_eq!(
            fires(src, Rule::StakeholderWithoutConcern),
            ["lonely", "described"]
        );
    }
}
