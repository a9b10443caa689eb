//! `redefined-builtin`: a workspace declares a layer, kind or relation kind
//! of the same name as one of the built-in metamodel's, replacing it.

use kozo_lang::Span;

use super::{Rule, RuleDoc};
use crate::db::SourceFile;
use crate::diagnostic::Diagnostic;

pub const DOC: RuleDoc = RuleDoc {
    summary:
        "a layer, kind or relation kind of the workspace replaces a built-in one of the same name",
    explanation: r#"## redefined-builtin

**What.** A workspace declares a layer, element kind or relation kind whose
name the built-in metamodel (`use society5`) already declares. The
workspace's declaration replaces the built-in one whole: its labels, its
Japanese translation, its notation and its rules are gone unless written
again.

**Why.** Most redefinitions mean to add something (a new source kind for
`flows`, a translation, a property) and lose the rest by accident. `extend`
says what is added and keeps what the shared vocabulary already says, so a
working group's models keep agreeing with the reference architecture.

**Example.**

```kozo
use society5
kind fleet { layer asset }
relation flows { from fleet }   // replaces `flows`: its other sources and its label are gone
```

**Fix.** Write `extend relation flows { from fleet }` to add to the built-in
declaration. If replacing it is really meant, keep the declaration and
silence the finding with `// kozo-allow: redefined-builtin`.
"#,
};

pub(crate) fn finding(
    file: SourceFile,
    span: Span,
    what: &str,
    keyword: &str,
    name: &str,
    builtin_file: SourceFile,
    builtin: Span,
) -> Diagnostic {
    Diagnostic::new(
        Rule::RedefinedBuiltin,
        file,
        span,
        format!(
            "this replaces the built-in {what} `{name}` and loses its labels and rules; \
             write `extend {keyword} {name} {{ ... }}` to add to it"
        ),
    )
    .with_related(builtin_file, builtin, format!("the built-in `{name}`"))
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::{fires, messages};

    #[test]
    fn replacing_a_builtin_warns_and_extending_does_not() {
        let src = "use society5\nkind fleet { layer asset }\nrelation flows { from fleet }\nfleet f\nf -> f : flows\n";
        assert_eq!(fires(src, Rule::RedefinedBuiltin), ["flows"]);
        assert!(messages(src, Rule::RedefinedBuiltin)[0]
            .contains("write `extend relation flows { ... }`"));
        let src = "use society5\nkind fleet { layer asset }\nextend relation flows { from fleet }\nfleet f\nsystem s\nf -> s : flows\n";
        assert!(fires(src, Rule::RedefinedBuiltin).is_empty());
    }
}
