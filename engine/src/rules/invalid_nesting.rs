//! `invalid-nesting`: an element under a parent its kind's `parents` does not name.

use super::{Facts, Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Element;

pub const DOC: RuleDoc = RuleDoc {
    summary: "an element sits under a parent whose kind is not in its kind's `parents` (or at top level when `parents` is given)",
    explanation: r#"## invalid-nesting

**What.** The element's kind declares `parents`, and the element is nested
under an element of another kind, or stands at top level.

**Why.** Containment is part of the architecture's structure: a component
belongs to a system, an API to a platform. Nesting that the metamodel does
not allow usually means an element was put in the wrong place.

**Example.**

```kozo
kind component { layer function  parents system }
component orphan_part          // must be nested under a system
```

**Fix.** Move the element under a parent of an allowed kind, or add the kind
to the `parents` list of its kind.
"#,
};

pub(crate) fn check(model: &Facts, elements: &[Element], out: &mut Vec<Diagnostic>) {
    for element in elements {
        let Some(kind) = element.kind else { continue };
        // An empty list: none of its names resolved, which is already an
        // undefined reference; do not report every element of the kind too.
        let Some(parents) = model.kind(kind).parents.as_ref().filter(|p| !p.is_empty()) else {
            continue;
        };
        let allowed = || {
            parents
                .iter()
                .map(|k| model.kind(*k).info.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let message = match element.parent.map(|p| model.element(p)) {
            None => format!(
                "`{}` ({}) must be nested under an element of kind {}",
                element.path,
                element.kind_name,
                allowed()
            ),
            Some(parent) if parent.kind.is_some_and(|k| !parents.contains(&k)) => format!(
                "`{}` ({}) cannot be nested under `{}` ({}): its kind allows parents of kind {}",
                element.path,
                element.kind_name,
                parent.path,
                parent.kind_name,
                allowed()
            ),
            Some(_) => continue,
        };
        out.push(Diagnostic::new(
            Rule::InvalidNesting,
            element.info.name_loc.file,
            element.info.name_loc.span,
            message,
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    const META: &str = "layer l\nkind sys { layer l }\nkind part { layer l parents sys }\nkind other { layer l }\n";

    #[test]
    fn wrong_parent_and_top_level() {
        let src = format!("{META}part loose\nother o {{ part p1 }}\nsys s {{ part ok }}\n");
        assert_eq!(fires(&src, Rule::InvalidNesting), ["loose", "p1"]);
    }

    #[test]
    fn no_parents_clause_allows_anything() {
        let src = format!("{META}other a {{ other b {{ sys c }} }}\n");
        assert!(fires(&src, Rule::InvalidNesting).is_empty());
    }
}
