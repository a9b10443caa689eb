//! `orphan-element`: an element with no relationship and no children.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::names::NameIndex;
use crate::model::{Element, ElementId};

pub const DOC: RuleDoc = RuleDoc {
    summary: "an element has no relationship and no children",
    explanation: r#"## orphan-element

**What.** The element is the source or target of no relationship and has no
children. (Default severity: info.)

**Why.** An architecture is elements *and their relationships*. An isolated
element says nothing about how it takes part in the system; it is often a
leftover or a relationship that was never written.

**Example.**

```kozo
system billing "Billing"   // nothing uses it, it uses nothing
```

**Fix.** Connect it (`billing -> payment_api : uses`), nest it where it
belongs, or remove it. `// kozo-allow: orphan-element` keeps an intentional one.
"#,
};

/// The elements with no children that no relationship joins, of a
/// workspace whose relationships' ends are `ends` (each part's, sorted).
pub(crate) fn find<'e>(
    names: &NameIndex,
    ends: impl IntoIterator<Item = &'e [ElementId]>,
) -> Vec<ElementId> {
    let connected = super::workspace::marked(names.elements.len(), ends);
    names
        .elements
        .iter()
        .zip(connected)
        .enumerate()
        .filter(|(_, (element, connected))| !connected && element.children.is_empty())
        .map(|(index, _)| ElementId(index as u32))
        .collect()
}

/// The findings for `orphans` (one file's, read from its part, or the
/// whole model's). Not asked for when the model's `builtin_missing` is
/// set: without the built-in metamodel its relation kinds do not resolve,
/// so their relationships are missing and every element would look alone.
pub(crate) fn report<'e>(
    orphans: impl IntoIterator<Item = &'e Element>,
    out: &mut Vec<Diagnostic>,
) {
    for element in orphans {
        out.push(Diagnostic::new(
            Rule::OrphanElement,
            element.info.name_loc.file,
            element.info.name_loc.span,
            format!(
                "element `{}` has no relationship and no children",
                element.path
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn isolated_leaves_fire() {
        let src = "use society5\nsystem a { component b }\nsystem c\nsystem d\nsystem e\nd -> e\n";
        assert_eq!(fires(src, Rule::OrphanElement), ["b", "c"]);
    }
}
