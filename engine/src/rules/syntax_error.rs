//! `syntax-error`: text that does not parse, or a file that is not UTF-8.

use kozo_lang::Span;

use super::{Rule, RuleDoc};
use crate::db::{self, SourceFile};
use crate::diagnostic::Diagnostic;

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
    if let Some(offset) = *file.invalid_utf8(db) {
        let offset = offset as usize;
        out.push(Diagnostic::new(
            Rule::SyntaxError,
            file,
            Span::new(offset, offset),
            "this file is not valid UTF-8 (kozo reads UTF-8 text only); its model is not read",
        ));
        return;
    }
    for error in &db::parse(db, file).errors {
        out.push(Diagnostic::new(
            Rule::SyntaxError,
            file,
            error.span,
            error.message.clone(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::Rule;
    use crate::testing::fires;

    #[test]
    fn reports_and_recovers() {
        let found = fires(
            "use society5\nsystem a {\n  component b\n  b -> \n}\nsystem c\na -> c : ",
            Rule::SyntaxError,
        );
        assert_eq!(found.len(), 2, "{found:?}");
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
