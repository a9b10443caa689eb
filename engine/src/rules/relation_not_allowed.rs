//! `relation-not-allowed`: a relationship's ends are outside its relation
//! kind's `from`/`to`.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::{KindSet, Model};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a relationship's source or target kind is outside its relation kind's `from`/`to`",
    explanation: r#"## relation-not-allowed

**What.** The source element's kind is not in the relation kind's `from`
list, or the target's kind is not in its `to` list.

**Why.** The metamodel says which correspondences are meaningful: data
`flows` between systems and datasets, a regulation `governs` an organization.
A relationship outside those rules usually means the wrong relation kind or
the wrong element was chosen.

**Example.**

```kozo
relation flows { from system, component  to dataset, system }
actor tenant
dataset occupancy
tenant -> occupancy : flows   // an actor cannot be the source of `flows`
```

**Fix.** Pick the relation kind that fits (`uses`, `owns`, ...), connect the
right element, or widen the relation kind's `from`/`to` in your metamodel.
"#,
};

fn names(model: &Model, set: &KindSet) -> String {
    match set {
        KindSet::Any => "any kind".to_string(),
        KindSet::Only(kinds) => kinds
            .iter()
            .map(|k| model.kind(*k).info.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for rel in &model.relationships {
        let kind = model.relation_kind(rel.kind);
        let ends = [
            (rel.source, &kind.from, rel.source_span, "source", "from"),
            (rel.target, &kind.to, rel.target_span, "target", "to"),
        ];
        for (element, allowed, span, end, clause) in ends {
            let element = model.element(element);
            let Some(element_kind) = element.kind else {
                continue;
            };
            // An empty list: none of its names resolved, which is already an
            // undefined reference.
            if allowed.allows(element_kind) || matches!(allowed, KindSet::Only(k) if k.is_empty()) {
                continue;
            }
            out.push(Diagnostic::new(
                Rule::RelationNotAllowed,
                rel.loc.file,
                span,
                format!(
                    "`{}` ({}) cannot be the {end} of `{}`: its `{clause}` allows {}",
                    element.path,
                    element.kind_name,
                    kind.info.name,
                    names(model, allowed)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::{fires, messages};

    const META: &str = "layer l\nkind sys { layer l }\nkind data { layer l }\nkind person { layer l }\nrelation flows { from sys to data, sys default }\n";

    #[test]
    fn source_and_target_outside_the_lists() {
        let src = format!("{META}sys s\ndata d\nperson p\np -> d\ns -> p : flows\ns -> d\n");
        assert_eq!(fires(&src, Rule::RelationNotAllowed), ["p", "p"]);
        assert_eq!(
            messages(&src, Rule::RelationNotAllowed)[0],
            "`p` (person) cannot be the source of `flows`: its `from` allows sys"
        );
    }

    #[test]
    fn star_and_absent_allow_anything() {
        let src = "layer l\nkind a { layer l }\nrelation r { from * }\na x\na y\nx -> y : r\n";
        assert!(fires(src, Rule::RelationNotAllowed).is_empty());
    }
}
