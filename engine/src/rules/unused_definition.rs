//! `unused-definition`: a layer, kind or relation kind declared in the
//! workspace and never used.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Extension, Info, Kind, Layer, Loc, Model, Reference, RelationKind, Relationship, Target,
};

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

/// The layers, kinds and relation kinds some text uses, by index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Used {
    pub layers: Vec<bool>,
    pub kinds: Vec<bool>,
    pub relations: Vec<bool>,
}

impl Used {
    pub(crate) fn new(layers: usize, kinds: usize, relations: usize) -> Used {
        Used {
            layers: vec![false; layers],
            kinds: vec![false; kinds],
            relations: vec![false; relations],
        }
    }

    /// What `references` and `relationships` use (references `skip`
    /// leaves out do not count).
    pub(crate) fn mark<'r>(
        &mut self,
        references: impl IntoIterator<Item = &'r Reference>,
        relationships: impl IntoIterator<Item = &'r Relationship>,
        skip: impl Fn(&Reference) -> bool,
    ) {
        let set = |list: &mut Vec<bool>, index: usize| {
            if let Some(slot) = list.get_mut(index) {
                *slot = true;
            }
        };
        for reference in references {
            if skip(reference) {
                continue;
            }
            match reference.target {
                Target::Layer(id) => set(&mut self.layers, id.index()),
                Target::Kind(id) => set(&mut self.kinds, id.index()),
                Target::RelationKind(id) => set(&mut self.relations, id.index()),
                _ => {}
            }
        }
        for rel in relationships {
            set(&mut self.relations, rel.kind.index());
        }
    }

    /// Adds what `other` uses.
    pub(crate) fn add(&mut self, other: &Used) {
        for (mine, theirs) in [
            (&mut self.layers, &other.layers),
            (&mut self.kinds, &other.kinds),
            (&mut self.relations, &other.relations),
        ] {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m |= *t;
            }
        }
    }
}

/// What the metamodel's own text uses: `extend kind x` names `x` without
/// using it, and a kind named only in its own `parents` is still unused.
pub(crate) fn used_by_metamodel(
    layers: &[Layer],
    kinds: &[Kind],
    relation_kinds: &[RelationKind],
    extensions: &[Extension],
    references: &[Reference],
) -> Used {
    let mut used = Used::new(layers.len(), kinds.len(), relation_kinds.len());
    used.mark(references, [], |reference| {
        extensions.iter().any(|e| e.name_loc == reference.loc)
            || matches!(reference.target, Target::Kind(id)
                if kinds.get(id.index()).is_some_and(|k| within(&k.info, reference.loc)))
    });
    used
}

/// The findings for what `used` leaves unused in `model`.
pub(crate) fn report(model: &Model, used: &Used, out: &mut Vec<Diagnostic>) {
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
    for (layer, used) in model.layers.iter().zip(&used.layers) {
        if !used {
            report(&layer.info, "layer");
        }
    }
    for (kind, used) in model.kinds.iter().zip(&used.kinds) {
        if !used {
            report(&kind.info, "element kind");
        }
    }
    for (relation, used) in model.relation_kinds.iter().zip(&used.relations) {
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
