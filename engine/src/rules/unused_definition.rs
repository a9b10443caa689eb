//! `unused-definition`: a layer, kind or relation kind declared in the
//! workspace and never used.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::{Info, Loc, Model, Target};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a layer, kind or relation kind declared in the workspace is never used",
    explanation: r#"## unused-definition

**What.** A layer, element kind or relation kind declared in the workspace
(not a built-in one, nor one of a library file: a file whose first
statement is `library`) is never referred to: no kind sits on the layer, no
element has the kind and no list names it, no relationship has the relation
kind (relationships without `: kind` use the `default` one).

**Why.** The metamodel is the shared vocabulary of the working group. Unused
vocabulary confuses readers about what the architecture contains and tends
to drift out of date.

**Example.**

```kozo
kind sensor_cluster { layer asset }   // no element is a sensor_cluster
```

Naming a declaration in `extend kind x { ... }` is not a use of it.

**Fix.** Use it, or remove it. A file that offers vocabulary for others to
use (a shared metamodel) starts with `library`, and its declarations are
not reported.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut layers = vec![false; model.layers.len()];
    let mut kinds = vec![false; model.kinds.len()];
    let mut relations = vec![false; model.relation_kinds.len()];
    for reference in &model.references {
        // `extend kind x` names `x` without using it.
        if model.extensions.iter().any(|e| e.name_loc == reference.loc) {
            continue;
        }
        match reference.target {
            Target::Layer(id) => layers[id.index()] = true,
            // A kind named only in its own `parents` is still unused.
            Target::Kind(id) if !within(&model.kind(id).info, reference.loc) => {
                kinds[id.index()] = true
            }
            Target::Kind(_) => {}
            Target::RelationKind(id) => relations[id.index()] = true,
            _ => {}
        }
    }
    for rel in &model.relationships {
        relations[rel.kind.index()] = true;
    }
    let mut report = |info: &Info, what: &str| {
        if !info.builtin && !info.library {
            out.push(Diagnostic::new(
                Rule::UnusedDefinition,
                info.name_loc.file,
                info.name_loc.span,
                format!("{what} `{}` is never used", info.name),
            ));
        }
    };
    for (layer, used) in model.layers.iter().zip(layers) {
        if !used {
            report(&layer.info, "layer");
        }
    }
    for (kind, used) in model.kinds.iter().zip(kinds) {
        if !used {
            report(&kind.info, "element kind");
        }
    }
    for (relation, used) in model.relation_kinds.iter().zip(relations) {
        if !used {
            report(&relation.info, "relation kind");
        }
    }
}

/// True when `loc` lies inside the declaration `info` describes.
fn within(info: &Info, loc: Loc) -> bool {
    info.name_loc.file == loc.file
        && info.span.start <= loc.span.start
        && loc.span.end <= info.span.end
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn unused_workspace_vocabulary_fires() {
        let src = "layer l\nlayer unused_layer\nkind k { layer l }\nkind unused_kind { layer l }\nrelation r { default }\nrelation unused_rel\nk a\nk b\na -> b\n";
        assert_eq!(
            fires(src, Rule::UnusedDefinition),
            ["unused_layer", "unused_kind", "unused_rel"]
        );
    }

    #[test]
    fn library_files_are_never_reported() {
        let src = "library\nlayer l\nkind k { layer l }\nrelation r\n";
        assert!(fires(src, Rule::UnusedDefinition).is_empty());
        let src = "layer l\nkind k { layer l }\nextend kind k { shape box }\n";
        assert_eq!(fires(src, Rule::UnusedDefinition), ["k"]);
    }

    #[test]
    fn builtins_are_never_reported() {
        let src = "use society5\nsystem a\n";
        assert!(fires(src, Rule::UnusedDefinition).is_empty());
    }
}
