//! `relation-not-allowed`: a relationship's ends are outside its relation
//! kind's `from`/`to` or `allow` pairs, or a `same_kind` relation joins two
//! kinds. A relationship whose reverse would be allowed suggests the swap.

use super::{Facts, Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use kozo_lang::Span;

use crate::model::{KindId, KindSet, RelationKind, Relationship};

pub const DOC: RuleDoc = RuleDoc {
    summary: "a relationship's source or target kind is outside its relation kind's `from`/`to` or `allow` pairs (or a `same_kind` relation joins two kinds)",
    explanation: r#"## relation-not-allowed

**What.** The source element's kind is not in the relation kind's `from`
list, or the target's kind is not in its `to` list; or the relation kind
lists `allow` pairs and none allows this source kind with this target kind
(when `from`/`to` are written beside pairs, passing them is enough too); or
the relation kind is `same_kind` and the two ends are of different kinds.
When the relationship would be allowed the other way round, the message
ends with "did you mean `b -> a`?" and editors offer the swap.

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

```kozo
relation serving { allow application_service -> business_process }
application_service billing_api
business_process invoicing
invoicing -> billing_api : serving   // reversed: did you mean `billing_api -> invoicing`?
```

**Fix.** Pick the relation kind that fits (`uses`, `owns`, ...), connect the
right element, swap the ends, or widen the relation kind in your
metamodel (for a built-in one, `extend relation flows { from my_kind }`).
"#,
};

fn names(model: &Facts, set: &KindSet) -> String {
    match set {
        KindSet::Any => "any kind".to_string(),
        KindSet::Only(kinds) => kinds
            .iter()
            .map(|k| model.kind(*k).info.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub(crate) fn check(model: &Facts, relationships: &[Relationship], out: &mut Vec<Diagnostic>) {
    for rel in relationships {
        let kind = model.relation_kind(rel.kind);
        let (source, target) = (model.element(rel.source), model.element(rel.target));
        let (Some(source_kind), Some(target_kind)) = (source.kind, target.kind) else {
            ends_one_by_one(model, rel, out);
            continue;
        };
        if kind.same_kind && source_kind != target_kind {
            out.push(Diagnostic::new(
                Rule::RelationNotAllowed,
                rel.loc.file,
                rel.source_span.cover(rel.target_span),
                format!(
                    "`{}` joins elements of one kind, but `{}` is {} and `{}` is {}",
                    kind.info.name, source.path, source.kind_name, target.path, target.kind_name
                ),
            ));
        }
        if kind.allow.is_empty() {
            ends_one_by_one(model, rel, out);
        } else if !kind.allows(source_kind, target_kind) && !unresolved_lists(kind) {
            out.push(pair_not_allowed(model, rel, source_kind));
        }
    }
}

/// `from`/`to` alone: each end is checked against its list.
fn ends_one_by_one(model: &Facts, rel: &Relationship, out: &mut Vec<Diagnostic>) {
    let kind = model.relation_kind(rel.kind);
    let ends = [
        (rel.source, &kind.from, rel.source_span, "source", "from"),
        (rel.target, &kind.to, rel.target_span, "target", "to"),
    ];
    let mut hinted = false;
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
        let mut message = format!(
            "`{}` ({}) cannot be the {end} of `{}`: its `{clause}` allows {}",
            element.path,
            element.kind_name,
            kind.info.name,
            names(model, allowed)
        );
        let mut d = Diagnostic::new(Rule::RelationNotAllowed, rel.loc.file, span, "");
        if !hinted {
            hinted = true;
            if let Some((reversed, whole)) = reverse_if_allowed(model, rel) {
                message.push_str(&format!("; did you mean `{reversed}`?"));
                d.span = whole;
                d.suggestion = Some(reversed);
            }
        }
        d.message = message;
        out.push(d);
    }
}

/// `allow` pairs: one finding for the relationship, naming what its source may point to.
fn pair_not_allowed(model: &Facts, rel: &Relationship, source_kind: KindId) -> Diagnostic {
    let kind = model.relation_kind(rel.kind);
    let (source, target) = (model.element(rel.source), model.element(rel.target));
    let mut targets = kind.allowed_targets(source_kind);
    if kind.ends_written && kind.from.allows(source_kind) {
        if let KindSet::Only(to) = &kind.to {
            for k in to {
                if !targets.contains(k) {
                    targets.push(*k);
                }
            }
        }
    }
    let allowed = if kind.ends_written && kind.from.allows(source_kind) && kind.to == KindSet::Any {
        format!("any kind from {}", source.kind_name)
    } else if targets.is_empty() {
        format!("nothing from {}", source.kind_name)
    } else {
        let names: Vec<&str> = targets
            .iter()
            .map(|k| model.kind(*k).info.name.as_str())
            .collect();
        format!("{} -> {}", source.kind_name, names.join(", "))
    };
    let mut message = format!(
        "`{}` ({}) cannot point to `{}` ({}) with `{}`: it allows {allowed}",
        source.path, source.kind_name, target.path, target.kind_name, kind.info.name
    );
    let mut d = Diagnostic::new(
        Rule::RelationNotAllowed,
        rel.loc.file,
        rel.source_span.cover(rel.target_span),
        "",
    );
    if let Some((reversed, whole)) = reverse_if_allowed(model, rel) {
        message.push_str(&format!("; did you mean `{reversed}`?"));
        d.span = whole;
        d.suggestion = Some(reversed);
    }
    d.message = message;
    d
}

/// True when every `allow` list and every `from`/`to` list is empty: none
/// of their names resolved (already an undefined reference).
fn unresolved_lists(kind: &RelationKind) -> bool {
    let empty = |set: &KindSet| matches!(set, KindSet::Only(k) if k.is_empty());
    kind.allow
        .iter()
        .all(|p| p.sources.is_empty() || p.targets.is_empty())
        && (!kind.ends_written || empty(&kind.from) || empty(&kind.to))
}

/// `b -> a` as written in the source, and the span of `a -> b`, when the
/// relationship's relation kind would allow it the other way round.
fn reverse_if_allowed(model: &Facts, rel: &Relationship) -> Option<(String, Span)> {
    let kind = model.relation_kind(rel.kind);
    let (source_kind, target_kind) = (
        model.element(rel.source).kind?,
        model.element(rel.target).kind?,
    );
    if !kind.allows(target_kind, source_kind) {
        return None;
    }
    // Full paths resolve from anywhere a relationship may stand (a path's
    // first segment falls back to the top level), so the swap is safe to
    // write whatever scope the relationship is in.
    let reversed = format!(
        "{} -> {}",
        model.element(rel.target).path,
        model.element(rel.source).path
    );
    Some((reversed, rel.source_span.cover(rel.target_span)))
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

    const PAIRS: &str = "layer l\nkind service { layer l }\nkind process { layer l }\nkind app { layer l }\nkind data { layer l }\nrelation serving { allow service -> process, app; allow app -> app }\nservice s\nprocess p\napp a\ndata d\n";

    #[test]
    fn pairs_allow_only_their_combinations() {
        let src = format!("{PAIRS}s -> p : serving\ns -> a : serving\na -> a : serving\ns -> d : serving\na -> s : serving\n");
        assert_eq!(fires(&src, Rule::RelationNotAllowed), ["s -> d", "a -> s"]);
        assert_eq!(
            messages(&src, Rule::RelationNotAllowed),
            [
                "`s` (service) cannot point to `d` (data) with `serving`: it allows service -> process, app",
                "`a` (app) cannot point to `s` (service) with `serving`: it allows app -> app; did you mean `s -> a`?",
            ]
        );
    }

    #[test]
    fn written_ends_or_a_pair_either_allow() {
        let src = format!("{PAIRS}relation r {{ from data to data allow service -> app }}\nd -> d : r\ns -> a : r\ns -> d : r\n");
        assert_eq!(fires(&src, Rule::RelationNotAllowed), ["s -> d"]);
    }

    #[test]
    fn same_kind_joins_one_kind() {
        let src = format!("{PAIRS}relation specializes {{ same_kind }}\na -> a : specializes\ns -> p : specializes\n");
        assert_eq!(fires(&src, Rule::RelationNotAllowed), ["s -> p"]);
        assert_eq!(
            messages(&src, Rule::RelationNotAllowed),
            ["`specializes` joins elements of one kind, but `s` is service and `p` is process"]
        );
    }

    #[test]
    fn a_reversed_end_suggests_the_swap() {
        let src = "use society5\norganization city\nsystem s\ns -> city : owns\n";
        assert_eq!(fires(src, Rule::RelationNotAllowed), ["s -> city"]);
        assert!(messages(src, Rule::RelationNotAllowed)[0].ends_with("did you mean `city -> s`?"));
    }

    #[test]
    fn extensions_add_pairs_and_ends() {
        let src = "use society5\nkind fleet { layer asset }\nextend relation flows { from fleet }\nfleet f\nsystem s\nf -> s : flows\n";
        assert!(fires(src, Rule::RelationNotAllowed).is_empty());
    }
}
