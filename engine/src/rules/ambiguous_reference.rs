//! `ambiguous-reference`: a name written inside an element body that more
//! than one level around it could supply. Found while the model is built
//! (`model::build::scope`); the nearest level wins, and this module words
//! the finding that names both elements.

use kozo_lang::Span;

use super::{Rule, RuleDoc};
use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;
use crate::model::Loc;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a name inside an element body is found at two levels; the nearest wins",
    explanation: r#"## ambiguous-reference

**What.** Inside an element body, a path's first segment is looked up in the
enclosing element's children, then in each ancestor's children in turn, then
at the top level, and the nearest level that has the name wins. This finding
says that a farther level has an element of the same name too, so the
reference means the nearer one, which a reader may not expect. It names
both. (Default severity: info.)

**Why.** An architecture description is read more than it is written. A name
that two levels could supply is a correspondence whose end depends on where
it is written; saying which one it is keeps the model's meaning visible.

**Example.**

```kozo
system shop {
  container database
  container api {
    component database
    component orders
    orders -> database : uses   // api.database, not shop.database
  }
}
```

**Fix.** Nothing, if the nearest one is meant. Otherwise write a longer
path (`shop.database`), or rename one of the two. `this` names the
enclosing element itself (`this -> database`).
"#,
};

/// "`database` here means `shop.api.database` (the nearest); `shop.database`
/// has the same name: write `shop.database` to mean it". `reach` is the
/// shortest path to the farther one from here, if any path reaches it.
pub(crate) fn shadowed(
    file: SourceFile,
    span: Span,
    name: &str,
    nearest: &str,
    farther: &str,
    reach: Option<&str>,
    farther_loc: Loc,
) -> Diagnostic {
    let farther_named = if farther == name {
        format!("the top-level `{farther}`")
    } else {
        format!("`{farther}`")
    };
    let way = match reach {
        Some(path) => format!("write `{path}` to mean it"),
        None => "rename one of them to reach it from here".to_string(),
    };
    let message = format!(
        "`{name}` here means `{nearest}` (the nearest); {farther_named} has the same name: {way}"
    );
    Diagnostic::new(Rule::AmbiguousReference, file, span, message)
        .with_related(
            farther_loc.file,
            farther_loc.span,
            format!("`{farther}` is declared here"),
        )
        .with_suggestion(reach.map(str::to_string))
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::{fires, messages};

    const SHOP: &str = "use society5\nsystem shop {\n  component database\n  component api {\n    component database\n    component orders\n    orders -> database : flows\n  }\n}\n";

    #[test]
    fn a_name_at_two_levels_names_both() {
        assert_eq!(fires(SHOP, Rule::AmbiguousReference), ["database"]);
        assert_eq!(
            messages(SHOP, Rule::AmbiguousReference),
            ["`database` here means `shop.api.database` (the nearest); `shop.database` has the same name: write `shop.database` to mean it"]
        );
    }

    #[test]
    fn a_name_at_one_level_only_is_quiet() {
        let src = SHOP.replace("    component database\n", "");
        assert!(fires(&src, Rule::AmbiguousReference).is_empty());
        assert!(fires(&src, Rule::UndefinedReference).is_empty());
    }
}
