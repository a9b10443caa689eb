//! `undefined-reference`: a name or path that resolves to nothing. Found while
//! the model is built (`model::build`); this module words the findings.

use kozo_lang::Span;

use super::{Rule, RuleDoc};
use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;
use crate::suggest::closest;

pub const DOC: RuleDoc = RuleDoc {
    summary: "a name or path resolves to nothing; the message suggests the closest existing name",
    explanation: r#"## undefined-reference

**What.** A name or path refers to nothing: an element kind, layer, relation
kind, concern, stakeholder, viewpoint, element or `use` module that is not
declared (or is misspelt), or a `kozo-allow` comment naming no rule.

**Why.** In ISO/IEC/IEEE 42010 terms, every correspondence in an architecture
description must relate things that exist. A dangling reference is a
relationship, a framed concern or a view that silently means nothing.

**Example.**

```kozo
dataset occupancy "Occupancy counts"
bms.edge_gw -> ocupancy : flows   // no element named `ocupancy`
```

**Fix.** Use the suggested name (it may be a path to an element nested out
of sight, such as `internet_banking.database`), or declare what is missing.
A path's first segment names a child of the enclosing element, else of each
ancestor in turn, else a top-level declaration; `this` names the enclosing
element and exists only inside an element body.
"#,
};

/// "no element named `x`; did you mean `y`?"
/// `suggestion` comes from [`crate::suggest`], found by the caller (which
/// keeps the model's suggestion budget).
pub(crate) fn not_found(
    file: SourceFile,
    span: Span,
    what: &str,
    name: &str,
    suggestion: Option<&str>,
) -> Diagnostic {
    let suggestion = suggestion.map(str::to_string);
    let message = match &suggestion {
        Some(s) => format!("no {what} named `{name}`; did you mean `{s}`?"),
        None => format!("no {what} named `{name}`"),
    };
    Diagnostic::new(Rule::UndefinedReference, file, span, message).with_suggestion(suggestion)
}

/// "no element named `x` here; did you mean `a.x`?": the name exists,
/// nested where the reference cannot see it.
pub(crate) fn not_visible(file: SourceFile, span: Span, name: &str, path: &str) -> Diagnostic {
    let message = format!(
        "no element named `{name}` here (one is nested out of sight); did you mean `{path}`?"
    );
    Diagnostic::new(Rule::UndefinedReference, file, span, message)
        .with_suggestion(Some(path.to_string()))
}

/// "`bms` has no child named `x`; did you mean `y`?"
pub(crate) fn no_child(
    file: SourceFile,
    span: Span,
    parent: &str,
    name: &str,
    suggestion: Option<&str>,
) -> Diagnostic {
    let suggestion = suggestion.map(str::to_string);
    let message = match &suggestion {
        Some(s) => format!("`{parent}` has no child named `{name}`; did you mean `{s}`?"),
        None => format!("`{parent}` has no child named `{name}`"),
    };
    Diagnostic::new(Rule::UndefinedReference, file, span, message).with_suggestion(suggestion)
}

pub(crate) fn plain(
    file: SourceFile,
    span: Span,
    message: String,
    suggestion: Option<String>,
) -> Diagnostic {
    Diagnostic::new(Rule::UndefinedReference, file, span, message).with_suggestion(suggestion)
}

pub(crate) fn no_default_relation(
    file: SourceFile,
    arrow: Span,
    uses_society5: bool,
) -> Diagnostic {
    let message = if uses_society5 {
        "no default relation kind: name one (`a -> b : uses`) or mark a relation kind `default`"
    } else {
        "no default relation kind: name one (`a -> b : uses`), mark a relation kind `default`, or `use society5`"
    };
    Diagnostic::new(Rule::UndefinedReference, file, arrow, message)
}

pub(crate) fn unknown_rule(file: SourceFile, span: Span, name: &str) -> Diagnostic {
    let suggestion = closest(name, Rule::ALL.iter().map(|r| r.name()));
    not_found(file, span, "rule", name, suggestion)
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::{fires, messages};

    const BASE: &str = "use society5\nsystem bms {\n  component hvac_ctl\n  component edge_gw\n}\ndataset occupancy\n";

    #[test]
    fn misspelt_element_suggests_the_closest_name() {
        let src = format!("{BASE}bms.edge_gw -> ocupancy : flows\n");
        assert_eq!(fires(&src, Rule::UndefinedReference), ["ocupancy"]);
        assert_eq!(
            messages(&src, Rule::UndefinedReference),
            ["no element named `ocupancy`; did you mean `occupancy`?"]
        );
    }

    #[test]
    fn child_paths_and_scopes() {
        let src = format!(
            "{BASE}bms.edge_gww -> occupancy : flows\nsystem other {{ component x\n  x -> bms.hvac_ctl\n  x -> hvac_ctl }}\n"
        );
        assert_eq!(
            fires(&src, Rule::UndefinedReference),
            ["edge_gww", "hvac_ctl"]
        );
        assert_eq!(
            messages(&src, Rule::UndefinedReference)[0],
            "`bms` has no child named `edge_gww`; did you mean `edge_gw`?"
        );
    }

    #[test]
    fn kinds_layers_relations_concerns_modules_and_rules() {
        let src = "use society6\nuse society5\nsytem a\nkind k { layer dta }\nsystem b\nb -> b2 : flowz\nviewpoint vp { frames privcy }\nview v of vpp { include b }\n// kozo-allow: orphan-elemnt\nsystem c\n";
        assert_eq!(
            fires(src, Rule::UndefinedReference),
            [
                "society6",
                "sytem",
                "dta",
                "b2",
                "flowz",
                "privcy",
                "vpp",
                "orphan-elemnt"
            ]
        );
    }

    #[test]
    fn misspelt_keyword_is_suggested() {
        let src = "use society5\nviewpont vp\n";
        assert_eq!(
            messages(src, Rule::UndefinedReference),
            ["no element kind named `viewpont`; did you mean the keyword `viewpoint`?"]
        );
    }

    #[test]
    fn overriding_the_default_relation_keeps_it_default() {
        let src = "use society5\nrelation uses \"uses\" { label ja \"利用する\" }\nsystem a\nsystem b\na -> b\n";
        assert!(fires(src, Rule::UndefinedReference).is_empty());
    }

    #[test]
    fn wrong_sort_of_name_is_named() {
        let src = "use society5\nconcern privacy\nsystem a\na -> privacy\n";
        assert_eq!(
            messages(src, Rule::UndefinedReference),
            ["`privacy` is a concern, not an element"]
        );
    }

    #[test]
    fn resolved_names_are_clean() {
        let src = format!(
            "{BASE}bms.edge_gw -> occupancy : flows\nsystem x {{ component y\n  y -> bms }}\n"
        );
        assert!(fires(&src, Rule::UndefinedReference).is_empty());
    }
}
