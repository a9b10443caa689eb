//! `layer-violation`: a `downward` relation pointing from a lower layer up,
//! or an `upward` one pointing down.

use super::{Facts, Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Relationship;

pub const DOC: RuleDoc = RuleDoc {
    summary:
        "a `downward` relation points from a lower layer to a higher one (or an `upward` one down)",
    explanation: r#"## layer-violation

**What.** A relationship of a relation kind marked `downward` (in `society5`:
`depends`) goes from an element on a lower layer to one on a higher layer.
Layers are ranked by `order`, else by declaration order, top first. A
relation kind marked `upward` (in `society5`: `realizes`, which points from
what realises up to what is realised) is the dual: its target may not sit
on a lower layer than its source.

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

The same holds upside down: `system crm -> service sales : realizes` is
fine, `sales -> crm : realizes` points down and is reported.

**Fix.** Reverse the dependency (or the realisation) (the higher layer depends on the lower), put
one of the elements on its proper layer, or use a relation kind that is not
`downward` (such as `flows`) if this is a data flow rather than a dependency.
"#,
};

pub(crate) fn check(model: &Facts, relationships: &[Relationship], out: &mut Vec<Diagnostic>) {
    for rel in relationships {
        let kind = model.relation_kind(rel.kind);
        if !kind.downward && !kind.upward {
            continue;
        }
        let (Some(source_layer), Some(target_layer)) = (
            model.element_layer(rel.source),
            model.element_layer(rel.target),
        ) else {
            continue;
        };
        let (source, target) = (model.layer(source_layer), model.layer(target_layer));
        let (way, what) = if kind.downward && target.rank < source.rank {
            ("up", "higher")
        } else if kind.upward && target.rank > source.rank {
            ("down", "lower")
        } else {
            continue;
        };
        out.push(Diagnostic::new(
            Rule::LayerViolation,
            rel.loc.file,
            rel.loc.span,
            format!(
                "`{}` points {way} from layer `{}` to `{}` on the {what} layer `{}`",
                model.element(rel.source).path,
                source.info.name,
                model.element(rel.target).path,
                target.info.name
            ),
        ));
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

    #[test]
    fn upward_relations_may_not_point_down() {
        let src = "layer top\nlayer bottom\nkind a { layer top }\nkind b { layer bottom }\nrelation up { upward default }\na x\nb y\nb z\ny -> x\nx -> y\ny -> z\n";
        assert_eq!(fires(src, Rule::LayerViolation), ["x -> y"]);
        assert_eq!(
            crate::testing::messages(src, Rule::LayerViolation),
            ["`x` points down from layer `top` to `y` on the lower layer `bottom`"]
        );
    }
}
