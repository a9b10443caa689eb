//! `missing-rationale`: an accepted decision with no rationale.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::{Model, Status};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a decision with status `accepted` has no `rationale`",
    explanation: r#"## missing-rationale

**What.** A decision is `status accepted` but has no `rationale` (or an empty one).

**Why.** ISO/IEC/IEEE 42010 asks that architecture decisions be recorded with
their rationale: the reasons, the alternatives weighed, the concerns traded
off. An accepted decision without reasons cannot be reviewed or revisited
when circumstances change.

**Example.**

```kozo
decision pseudonymise { status accepted  addresses privacy }
```

**Fix.** Add `rationale "..."` saying why, for example
`rationale "Raw IDs never leave the building."`
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for decision in &model.decisions {
        let has_rationale = decision
            .rationale
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        if decision.status == Some(Status::Accepted) && !has_rationale {
            out.push(Diagnostic::new(
                Rule::MissingRationale,
                decision.info.name_loc.file,
                decision.info.name_loc.span,
                format!(
                    "decision `{}` is accepted but gives no `rationale`",
                    decision.info.name
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
    fn only_accepted_decisions_need_reasons() {
        let src = "decision a { status accepted }\ndecision b { status accepted rationale \"  \" }\ndecision c { status proposed }\ndecision d { status accepted rationale \"why\" }\n";
        assert_eq!(fires(src, Rule::MissingRationale), ["a", "b"]);
    }
}
