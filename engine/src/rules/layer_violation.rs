//! `layer-violation`: a `downward` relation pointing from a lower layer up.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Model;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a `downward` relation points from a lower layer to a higher one",
    explanation: r#"## layer-violation

**What.** A relationship of a relation kind marked `downward` (in `society5`:
`depends`) goes from an element on a lower layer to one on a higher layer.
Layers are ranked by `order`, else by declaration order, top first.

**Why.** In a layered reference architecture (such as Society 5.0's, from
strategy down to assets) lower layers serve higher ones. An asset that
depends on a business process inverts the layering and couples the stable
base to what changes most.

**Example.**

```kozo
device sensor          // asset layer
process billing        // business layer
sensor -> billing : depends   // upward dependency
```

**Fix.** Reverse the dependency (the higher layer depends on the lower), put
one of the elements on its proper layer, or use a relation kind that is not
`downward` (such as `flows`) if this is a data flow rather than a dependency.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for rel in &model.relationships {
        if !model.relation_kind(rel.kind).downward {
            continue;
        }
        let (Some(source_layer), Some(target_layer)) = (
            model.element_layer(rel.source),
            model.element_layer(rel.target),
        ) else {
            continue;
        };
        let (source, target) = (model.layer(source_layer), model.layer(target_layer));
        if target.rank < source.rank {
            out.push(Diagnostic::new(
                Rule::LayerViolation,
                rel.loc.file,
                rel.loc.span,
                format!(
                    "`{}` points up from layer `{}` to `{}` on the higher layer `{}`",
                    model.element(rel.source).path,
                    source.info.name,
                    model.element(rel.target).path,
                    target.info.name
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
    fn upward_is_reported_downward_and_level_are_not() {
        let src = "use society5\nprocess billing\ndevice sensor\nsystem s\nsystem t\nsensor -> billing : depends\nbilling -> sensor : depends\ns -> t : depends\nsensor -> billing : flows\n";
        assert_eq!(
            fires(src, Rule::LayerViolation),
            ["sensor -> billing : depends"]
        );
    }
}
