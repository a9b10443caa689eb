//! Snapshot tests of the formatter: every `tests/format/*.kozo` is formatted
//! and the result compared with `tests/format/snapshots/<fixture>.snap`.
//!
//! A fixture may start with a comment that sets the options, such as
//! `// format: width=40 indent=4` (the comment is formatted like any other).
//! Besides the snapshot, every fixture must format losslessly: formatting
//! the output again changes nothing, the syntax tree is the same spans
//! aside, and the comments are the same, in the same order.

mod format_support;

use std::path::PathBuf;

use format_support::{assert_lossless, options_from_header};
use kozo_lang::format::{format, FormatError, FormatOptions};

#[test]
fn fixtures() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/format");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/format exists")
        .map(|entry| entry.expect("readable fixture folder").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "kozo"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "fixtures missing in {}", dir.display());

    let mut failed = Vec::new();
    for file in &files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let outcome = std::panic::catch_unwind(|| {
            let text = std::fs::read_to_string(file).expect("fixture is UTF-8");
            let options = options_from_header(&text);
            let formatted =
                format(&text, &options).unwrap_or_else(|e| panic!("{name}: not formatted: {e}"));
            assert_lossless(&text, &formatted, &options);
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(dir.join("snapshots"));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_omit_expression(true);
            settings.set_input_file(file);
            settings.bind(|| insta::assert_snapshot!(name.as_str(), formatted));
        });
        if outcome.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "failing fixtures: {failed:?}");
}

#[test]
fn a_file_with_a_syntax_error_is_refused() {
    let text = "system bms {\n  component\n}\n";
    match format(text, &FormatOptions::default()) {
        Err(FormatError::Syntax(errors)) => {
            assert!(!errors.is_empty());
            assert!(errors[0].span.start as usize <= text.len());
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    // Unclosed bodies, strings and comments are syntax errors too.
    for broken in [
        "system a {",
        "system a \"L",
        "/* open",
        "system a \"\"\"open",
        "x -> y :",
    ] {
        assert!(
            matches!(
                format(broken, &FormatOptions::default()),
                Err(FormatError::Syntax(_))
            ),
            "{broken:?} should be refused"
        );
    }
}

#[test]
fn empty_and_blank_files_become_empty() {
    let options = FormatOptions::default();
    assert_eq!(format("", &options).unwrap(), "");
    assert_eq!(format("  \n\n\t\n", &options).unwrap(), "");
    assert_eq!(format("// only\n\n\n", &options).unwrap(), "// only\n");
}

#[test]
fn crlf_files_stay_crlf() {
    let options = FormatOptions::default();
    let text = "system a {\r\n// c\r\ncomponent b}\r\n";
    assert_eq!(
        format(text, &options).unwrap(),
        "system a {\r\n  // c\r\n  component b\r\n}\r\n"
    );
}

#[test]
fn a_byte_order_mark_is_kept() {
    let options = FormatOptions::default();
    assert_eq!(
        format("\u{FEFF}system   a\n", &options).unwrap(),
        "\u{FEFF}system a\n"
    );
}

#[test]
fn trailing_spaces_of_line_comments_go() {
    let options = FormatOptions::default();
    assert_eq!(
        format("system a // note \t\n", &options).unwrap(),
        "system a // note\n"
    );
}

#[test]
fn the_width_decides_where_lists_wrap() {
    let text = "view v {\n  include aaaa, bbbb, cccc, dddd\n  x = [\"one\", \"two\"]\n}\n";
    let wide = FormatOptions {
        width: 40,
        indent: 2,
    };
    assert_eq!(format(text, &wide).unwrap(), text);
    // `  include aaaa, bbbb, cccc,` is 27 columns: ` dddd` does not fit.
    let narrow = FormatOptions {
        width: 28,
        indent: 2,
    };
    assert_eq!(
        format(text, &narrow).unwrap(),
        "view v {\n  include aaaa, bbbb, cccc,\n          dddd\n  x = [\"one\", \"two\"]\n}\n"
    );
    // `  x = ["one", "two"]` is 20 columns.
    let narrower = FormatOptions {
        width: 19,
        indent: 4,
    };
    assert_eq!(
        format(text, &narrower).unwrap(),
        "view v {\n    include aaaa,\n            bbbb,\n            cccc,\n            dddd\n    x = [\n        \"one\",\n        \"two\",\n    ]\n}\n"
    );
}

#[test]
fn east_asian_characters_count_two_columns() {
    // `  include 建物, 設備` is 16 characters but 20 columns.
    let text = "view v {\n  include 建物, 設備\n}\n";
    let fits = FormatOptions {
        width: 20,
        indent: 2,
    };
    assert_eq!(format(text, &fits).unwrap(), text);
    let tight = FormatOptions {
        width: 19,
        indent: 2,
    };
    assert_eq!(
        format(text, &tight).unwrap(),
        "view v {\n  include 建物,\n          設備\n}\n"
    );
}

/// The "Before and after" example of docs/formatting.md is what the
/// formatter does.
#[test]
fn the_documented_example_is_true() {
    let doc = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/formatting.md"),
    )
    .expect("docs/formatting.md exists");
    let section = doc
        .split("## Before and after")
        .nth(1)
        .expect("the section exists");
    let blocks: Vec<&str> = section
        .split("```kozo\n")
        .skip(1)
        .take(2)
        .map(|block| block.split("```").next().unwrap_or(""))
        .collect();
    let [before, after] = blocks[..] else {
        panic!("two kozo blocks expected")
    };
    assert_eq!(format(before, &FormatOptions::default()).unwrap(), after);
    assert_lossless(before, after, &FormatOptions::default());
}

/// Cases the property tests found.
#[test]
fn regressions() {
    let cases = [
        // A block comment that ends its line only once formatted must not
        // be aligned on the second pass alone.
        (" device edge_gw /* c */ use society5 /* c */ ", 20, 1),
        // A doc comment a blank line away from a declaration stays detached.
        (
            "\n/// a doc comment a blank line away documents nothing\n\nbms -> bms : a ",
            20,
            1,
        ),
    ];
    for (text, width, indent) in cases {
        let options = FormatOptions { width, indent };
        let formatted = format(text, &options).unwrap();
        assert_lossless(text, &formatted, &options);
    }
}

#[test]
fn each_line_break_ends_a_line() {
    // `\n`, `\r\n` and a lone `\r` all end a line: a line comment stops at
    // any of them, and blank lines and own-line comments are seen with each.
    let expected = "system a // c\nsystem b {\n  component x\n\n  // own line\n  component y\n}\n";
    for br in ["\n", "\r\n", "\r"] {
        let text = format!(
            "system a // c{br}system b {{{br}component x{br}{br}// own line{br}component y }}{br}"
        );
        let out = format(&text, &FormatOptions::default()).expect("formats");
        // A file of lone `\r` line breaks is written with `\n` ones.
        let out_br = if br == "\r\n" { "\r\n" } else { "\n" };
        assert_eq!(out, expected.replace('\n', out_br), "line break {br:?}");
        assert_lossless(&text, &out, &FormatOptions::default());
    }
}
