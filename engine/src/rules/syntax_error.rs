//! `syntax-error`: text that does not parse, or a file that is not UTF-8.

use kozo_lang::Span;

use super::{Rule, RuleDoc};
use crate::db::{self, SourceFile};
use crate::diagnostic::Diagnostic;
use crate::model::Model;

pub const DOC: RuleDoc = RuleDoc {
    summary: "text does not parse; the rest of the file and workspace is still checked as far as it can be",
    explanation: r#"## syntax-error

**What.** The text does not follow the kozo grammar: a keyword is misspelt, a
`}` is missing, a string is not closed, a relationship lacks its target, or the
file is not valid UTF-8.

**Why.** An architecture description is only useful when every tool reads it
the same way. kozo keeps going after a syntax error (it skips to the next
statement), so you still see every other finding, but the statement with the
error is left out of the model.

**Example.**

```kozo
bms.edge_gw -> : flows    // the target is missing
```

**Fix.** Read the message: it says what was expected where ("expected the
target element's path after `->`"). Save files as UTF-8.
"#,
};

pub(crate) fn check_file(db: &dyn crate::db::Db, file: SourceFile, out: &mut Vec<Diagnostic>) {
    out.extend(findings(db, file).iter().cloned());
}

/// A file's syntax errors as findings: kept apart from its tree, so that a
/// check that frees the trees as it goes
/// ([`Analysis::check_freeing_trees`](crate::Analysis::check_freeing_trees))
/// does not parse a file again to report them.
#[salsa::tracked(returns(ref))]
pub(crate) fn findings(db: &dyn crate::db::Db, file: SourceFile) -> Vec<Diagnostic> {
    if let Some(offset) = *file.invalid_utf8(db) {
        let offset = offset as usize;
        return vec![Diagnostic::new(
            Rule::SyntaxError,
            file,
            Span::new(offset, offset),
            "this file is not valid UTF-8 (kozo reads UTF-8 text only); its model is not read",
        )];
    }
    db::parse(db, file)
        .errors
        .iter()
        .map(|error| Diagnostic::new(Rule::SyntaxError, file, error.span, error.message.clone()))
        .collect()
}

/// Puts syntax-error examples in the workspace's own words: "such as
/// `system bms`" names a kind of the built-in metamodel, which a workspace
/// with a metamodel of its own may not have. The example becomes a kind the
/// workspace declares (one that may stand at top level, declared first),
/// with the name of one of its elements when it has one.
pub(crate) fn in_workspace_words(model: &Model, found: &mut [Diagnostic]) {
    let Some(example) = element_example(model) else {
        return;
    };
    for d in found.iter_mut() {
        put_example(d, &example);
    }
}

/// Writes `example` (see [`element_example`]) into a syntax error's
/// example, if it has one.
pub(crate) fn put_example(d: &mut Diagnostic, example: &str) {
    if d.rule == Rule::SyntaxError && d.message.contains(kozo_lang::ELEMENT_EXAMPLE) {
        d.message = d.message.replace(kozo_lang::ELEMENT_EXAMPLE, example);
    }
}

/// `` `KIND NAME` `` for the workspace's first own top-level kind; `None`
/// when the workspace declares no kind (the built-in example then holds).
pub(crate) fn element_example(model: &Model) -> Option<String> {
    let own = model
        .kinds
        .iter()
        .enumerate()
        .filter(|(_, k)| !k.info.builtin);
    let (index, kind) = own
        .clone()
        .find(|(_, k)| k.parents.is_none())
        .or_else(|| own.clone().next())?;
    let name = model
        .elements
        .iter()
        .find(|e| e.kind.map(|k| k.index()) == Some(index) && e.parent.is_none())
        .map_or_else(
            || format!("my_{}", kind.info.name),
            |e| e.info.name.to_string(),
        );
    Some(format!("`{} {name}`", kind.info.name))
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::{fires, messages};

    #[test]
    fn reports_and_recovers() {
        let found = fires(
            "use society5\nsystem a {\n  component b\n  b -> \n}\nsystem c\na -> c : ",
            Rule::SyntaxError,
        );
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn examples_use_a_kind_the_workspace_declares() {
        let message = |src: &str| messages(src, Rule::SyntaxError)[0].clone();
        let own = message(
            "kind software_system\nkind container { parents software_system }\nsoftware_system bank\n= oops\n",
        );
        assert!(own.contains("such as `software_system bank`"), "{own}");
        assert!(!own.contains("system bms"), "{own}");
        let unnamed = message("kind person\n= oops\n");
        assert!(unnamed.contains("such as `person my_person`"), "{unnamed}");
        // The built-in metamodel's own example stays with `use society5`.
        let builtin = message("use society5\n= oops\n");
        assert!(builtin.contains("such as `system bms`"), "{builtin}");
    }

    #[test]
    fn a_second_string_after_a_label_says_where_a_description_goes() {
        let src = "kind software_system\nsoftware_system a \"A\" \"Does things\"\n";
        assert_eq!(fires(src, Rule::SyntaxError), ["\"Does things\""]);
        let found = messages(src, Rule::SyntaxError);
        assert!(
            found[0].contains("a description is written `description \"...\"`"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn clean_text_has_none() {
        assert!(fires("use society5\nsystem a", Rule::SyntaxError).is_empty());
    }

    #[test]
    fn non_utf8_is_reported_once() {
        let mut analysis = crate::Analysis::default();
        analysis.set_file_bytes("bad.kozo", b"system a \xff\xfe".to_vec());
        let found: Vec<_> = analysis
            .diagnostics()
            .iter()
            .filter(|d| d.rule == Rule::SyntaxError)
            .collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span.start, 9);
    }
}
