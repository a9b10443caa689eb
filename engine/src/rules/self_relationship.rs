//! `self-relationship`: a relationship from an element to itself.

use super::{Facts, Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Relationship;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a relationship's source and target are the same element",
    explanation: r#"## self-relationship

**What.** A relationship starts and ends at the same element.

**Why.** A relationship documents how two parts of the architecture depend on
or talk to each other. One that loops on a single element carries no
structural information and usually hides a typo in a path.

**Example.**

```kozo
bms.edge_gw -> bms.edge_gw : flows
```

**Fix.** Point the relationship at the element it was meant for. If the
element's internal parts interact, model those parts as children and relate
them.
"#,
};

pub(crate) fn check(model: &Facts, relationships: &[Relationship], out: &mut Vec<Diagnostic>) {
    for rel in relationships {
        if rel.source == rel.target {
            out.push(Diagnostic::new(
                Rule::SelfRelationship,
                rel.loc.file,
                rel.loc.span,
                format!("`{}` is related to itself", model.element(rel.source).path),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn loops_fire_even_through_scopes() {
        let src = "use society5\nsystem a { component b\n  b -> a.b }\nsystem c\na -> c\n";
        assert_eq!(fires(src, Rule::SelfRelationship), ["b -> a.b"]);
    }
}
