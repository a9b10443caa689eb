//! `view-curation`: a view's exclusions, groups or notes do not do what
//! they say: they name nothing the view shows, match no relationship, or
//! ask for a box the diagram cannot draw.

use super::{Rule, RuleDoc};
use crate::diagnostic::Diagnostic;
use crate::model::Model;

pub const DOC: RuleDoc = RuleDoc {
    summary:
        "a view's exclusion, group or note names nothing the view shows, or a group cannot be drawn",
    explanation: r#"## view-curation

**What.** A view curates its diagram with `exclude` (elements, or
relationships `exclude a -> b : kind`), `group id "Label" { include ... }`
and `note "text"`, and one of them does nothing or cannot be drawn:

- an `exclude` of elements takes out nothing the view's `include` selects;
- an `exclude a -> b` matches no relationship of the model (from `a` or an
  element inside it, to `b` or an element inside it, of the kind named), or
  none that the view would draw;
- a group holds no element, or takes an element the view does not show;
- a group would split a container's children (some of its elements are
  drawn inside a container and others outside it), spans two layers (a
  group is drawn inside one layer's band), or takes an element that an
  earlier group of the view already holds (group boxes do not overlap);
- a note is empty.

Names that resolve to nothing are `undefined-reference` findings instead.

**Why.** A view is written for its stakeholders (ISO/IEC/IEEE 42010); its
curation is part of what it says. An exclusion or a group that has stopped
matching after the model changed is silently wrong: the reviewer believes a
relationship is hidden, or that a box holds what it names, when it does not.

**Example.**

```kozo
view building of data_flow {
  include bms, occupancy
  exclude bms.legacy                 // not included: takes out nothing
  exclude occupancy -> bms           // no relationship runs that way
  group edge "Edge" { include gw }   // gw is not shown by this view
}
```

**Fix.** Remove the clause, point it at what the view shows (`exclude bms ->
occupancy`), include the grouped element in the view, or split the group so
that each box stays inside one container and one layer.
"#,
};

pub(crate) fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for id in model.view_ids() {
        let file = model.view(id).info.name_loc.file;
        for problem in model.view_curation(id).problems {
            out.push(Diagnostic::new(
                Rule::ViewCuration,
                file,
                problem.span,
                problem.message,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::{fires, messages};

    const SRC: &str = "use society5\n\
        system bms { component hvac  component gw  hvac -> gw : flows }\n\
        system crm\n\
        system portal { component web }\n\
        dataset occ\n\
        bms.gw -> occ : flows\n";

    #[test]
    fn exclusions_that_take_out_nothing_fire() {
        let src = format!(
            "{SRC}view v {{\n  include bms, occ\n  exclude crm\n  exclude occ -> bms\n  exclude bms -> occ : uses\n  exclude bms.hvac -> bms.gw\n  exclude bms -> occ\n}}\n"
        );
        assert_eq!(
            fires(&src, Rule::ViewCuration),
            [
                "crm",
                "occ -> bms",
                "bms -> occ : uses",
                "bms.hvac -> bms.gw"
            ]
        );
        assert_eq!(
            messages(&src, Rule::ViewCuration),
            [
                "`exclude crm` takes out nothing: view `v` does not include it",
                "`exclude occ -> bms` matches no relationship of the model",
                "`exclude bms -> occ : uses` matches no relationship of the model",
                "`exclude bms.hvac -> bms.gw` leaves out nothing: view `v` draws no relationship it matches",
            ]
        );
    }

    #[test]
    fn groups_that_name_what_the_view_hides_or_cannot_draw_fire() {
        let src = format!(
            "{SRC}view v {{\n  include bms, bms.*, crm, portal, portal.web, occ\n  group empty\n  group a \"A\" {{ include bms.hvac, crm }}\n  group b {{ include portal, occ }}\n  group c {{ include bms.hvac, bms.gw }}\n  group d {{ include nothing_here }}\n  note \"  \"\n  note \"kept\"\n}}\n"
        );
        assert_eq!(
            fires(&src, Rule::ViewCuration),
            ["empty", "crm", "occ", "bms.hvac", "note \"  \""]
        );
        let messages = messages(&src, Rule::ViewCuration);
        assert_eq!(
            messages[0],
            "group `empty` holds no element: add `include ...`"
        );
        assert_eq!(messages[1], "group `a` would split a container's children: `crm` is drawn at the top level, `bms.hvac` inside `bms`");
        assert_eq!(messages[2], "group `b` spans two layers: `occ` is on layer `data`, `portal` on layer `function`; a group is drawn inside one layer's band");
        assert_eq!(
            messages[3],
            "`bms.hvac` is already in group `a`; group boxes may not overlap"
        );
        assert_eq!(messages[4], "a note of view `v` says nothing");
    }

    #[test]
    fn group_of_hidden_element_fires() {
        let src = format!("{SRC}view v {{\n  include bms\n  group g {{ include crm }}\n}}\n");
        assert_eq!(
            messages(&src, Rule::ViewCuration),
            ["group `g` takes `crm`, which view `v` does not show"]
        );
    }

    #[test]
    fn repeated_settings_and_group_ids_are_duplicates_notes_and_exclusions_add_up() {
        let src = format!(
            "{SRC}view v {{\n  include bms, occ\n  implied on\n  implied off\n  direction down\n  direction right\n  group g {{ include bms }}\n  group g {{ include occ }}\n  note \"a\"\n  note \"b\"\n  exclude bms -> occ\n  exclude bms -> occ : flows\n}}\n"
        );
        assert_eq!(
            fires(&src, Rule::DuplicateDefinition),
            ["implied off", "direction right", "g"]
        );
        assert!(fires(&src, Rule::ViewCuration).is_empty());
    }

    #[test]
    fn curated_views_that_hold_are_clean() {
        let src = format!(
            "{SRC}view v {{\n  include bms, bms.*, crm, portal, occ\n  exclude bms.hvac -> bms.gw\n  exclude bms -> occ : flows\n  implied off\n  direction right\n  group g \"G\" {{ include crm, portal }}\n  group h {{ include bms.hvac, bms.gw }}\n  note \"Counts every 5 minutes.\"\n}}\n"
        );
        assert!(fires(&src, Rule::ViewCuration).is_empty());
    }
}
