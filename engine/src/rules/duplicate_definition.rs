//! `duplicate-definition`: two declarations of one name in one scope. Found
//! while the model is built (`model::build`); this module words the findings.

use kozo_lang::Span;
use smol_str::SmolStr;

use super::{Rule, RuleDoc};
use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;

pub const DOC: RuleDoc = RuleDoc {
    summary: "two declarations of one name in the same scope",
    explanation: r#"## duplicate-definition

**What.** Two declarations share a name in one scope. Top-level elements,
concerns, stakeholders, viewpoints, views and decisions each have a name
space of their own (a stakeholder `city` and an organization `city` are
fine: each clause says which space its names come from); children are
scoped by their parent; layers, element kinds and relation kinds each have a
namespace of their own. Only one relation kind may be `default`.
(A workspace declaration of a built-in layer, kind or relation kind is not a
duplicate: it replaces the built-in one.) The two built-in metamodels
declare some of the same names, so `use archimate` beside `use society5` is
one finding at the second `use`; only the module used first is loaded.

**Why.** An architecture description identifies each entity by name. Two
entities with one name make every reference to it ambiguous, across files too.

**Example.**

```kozo
system bms "Building management"
system bms "BMS"                 // `bms` is already defined
concern bms "BMS availability"   // fine: concerns have a name space of their own
```

**Fix.** Rename one of them (the language server's rename updates every
reference), or merge the two declarations.
"#,
};

pub(crate) fn duplicate(
    file: SourceFile,
    span: Span,
    what: &str,
    name: &str,
    first_file: SourceFile,
    first: Span,
) -> Diagnostic {
    Diagnostic::new(
        Rule::DuplicateDefinition,
        file,
        span,
        format!("the {what} `{name}` is already defined at "),
    )
    .with_place_at_end(first_file, first)
    .with_related(first_file, first, format!("`{name}` is first defined here"))
}

pub(crate) fn repeated(
    file: SourceFile,
    span: Span,
    what: &str,
    first_file: SourceFile,
    first: Span,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        Rule::DuplicateDefinition,
        file,
        span,
        format!("{what} is already given at "),
    )
    .with_place_at_end(first_file, first);
    d.message.push_str("; only one can hold");
    d.with_related(first_file, first, "first given here")
}

pub(crate) fn second_default(
    file: SourceFile,
    span: Span,
    first_name: &str,
    first_file: SourceFile,
    first: Span,
) -> Diagnostic {
    Diagnostic::new(
        Rule::DuplicateDefinition,
        file,
        span,
        format!("only one relation kind can be `default`; `{first_name}` already is, at "),
    )
    .with_place_at_end(first_file, first)
    .with_related(first_file, first, "the first `default`")
}

/// `use second` where another built-in module is already used: the two
/// declare `shared` names, so only the first one is loaded.
pub(crate) fn second_module(
    file: SourceFile,
    span: Span,
    second: &str,
    kept: &str,
    shared: &[SmolStr],
    first_file: SourceFile,
    first: Span,
) -> Diagnostic {
    const SHOWN: usize = 4;
    let mut names: Vec<String> = shared
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{n}`"))
        .collect();
    if shared.len() > SHOWN {
        names.push(format!("{} more", shared.len() - SHOWN));
    }
    let names = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    };
    let mut d = Diagnostic::new(
        Rule::DuplicateDefinition,
        file,
        span,
        format!(
            "`use {second}` cannot stand beside `use {kept}`: both built-in metamodels declare {names}, \
             so only `{kept}`, used first, is loaded; use one of them (declare what you need of the other in your own files). `use {kept}` is at "
        ),
    )
    .with_place_at_end(first_file, first);
    d.message.push('.');
    d.with_related(first_file, first, format!("`{kept}` is used here"))
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::{fires, fires_in};

    /// `use archimate` beside `use society5` is one finding at the second
    /// `use`, not one per clashing name in files the user cannot edit.
    #[test]
    fn a_second_built_in_module_is_one_finding_at_its_use() {
        let analysis = crate::testing::run(&[
            (
                "a.kozo",
                "use society5\nsystem s\ndevice d\nd -> s : flows\n",
            ),
            ("b.kozo", "use archimate\n"),
        ]);
        let duplicates: Vec<_> = analysis
            .diagnostics()
            .iter()
            .filter(|d| d.rule == Rule::DuplicateDefinition)
            .collect();
        assert_eq!(duplicates.len(), 1, "{duplicates:#?}");
        let d = duplicates[0];
        assert_eq!(analysis.path(d.file), "b.kozo");
        assert_eq!(&analysis.text(d.file)[d.span.range()], "archimate");
        assert!(
            d.message.starts_with("`use archimate` cannot stand beside `use society5`: both built-in metamodels declare `strategy`, `business`"),
            "{}",
            d.message
        );
        assert_eq!(analysis.path(d.related[0].file), "a.kozo");
        assert!(analysis.model().modules.iter().all(|m| m != "archimate"));
    }

    #[test]
    fn each_top_level_space_is_its_own_scope() {
        let src = "use society5\nsystem bms\nconcern bms\nstakeholder bms\nconcern bms\nsystem a { component x\n component x }\nsystem b { component x }\n";
        assert_eq!(fires(src, Rule::DuplicateDefinition), ["bms", "x"]);
    }

    #[test]
    fn across_files_and_namespaces() {
        let files = [
            (
                "a.kozo",
                "use society5\nlayer data2\nkind thing { layer data2 }\nthing t\n",
            ),
            (
                "b.kozo",
                "layer data2\nkind thing\nrelation r { default }\nrelation s { default }\n",
            ),
        ];
        assert_eq!(
            fires_in(&files, Rule::DuplicateDefinition),
            ["b.kozo:data2", "b.kozo:thing", "b.kozo:default"]
        );
    }

    #[test]
    fn single_valued_clauses_given_twice() {
        let src = "decision d {\n  status proposed\n  status accepted\n  label ja \"a\"\n  label en \"b\"\n  label ja \"c\"\n  addresses x\n  addresses y\n}\n";
        assert_eq!(
            fires(src, Rule::DuplicateDefinition),
            ["status accepted", "label ja \"c\""]
        );
    }

    #[test]
    fn overriding_builtins_is_not_a_duplicate() {
        let src = "use society5\nkind system \"System\" { layer function shape component }\nlayer data\nsystem a\n";
        assert!(fires(src, Rule::DuplicateDefinition).is_empty());
    }
}
