//! Workspaces that grow one hostile dimension to `n`: duplicates, misspelt
//! references, `kozo-allow` comments, cycles, one huge file, one large view,
//! many tiny files.
//! `kozo-scale CASE N OUT_DIR` writes them; docs/performance.md has the
//! curve of `kozo check` (and `kozo render`) over 10k, 100k and 1M.

use std::fmt::Write as _;

/// The cases, as named on the command line.
pub const CASES: [&str; 8] = [
    "duplicates",
    "misspelt",
    "allow",
    "cycles",
    "chain",
    "huge-file",
    "view",
    "files",
];

/// The `kozo.toml` written beside case `case`'s files: the one-file cases
/// pass the default 16 MiB per-file limit at 1M, so they raise it; the
/// many-files case turns off the two rules that would report every one of
/// its elements (so that it measures loading and analysis, not printing
/// `2n` findings).
pub fn kozo_toml(case: &str) -> &'static str {
    match case {
        "files" => "[rules]\norphan-element = \"off\"\nelement-not-in-view = \"off\"\n",
        _ => "[limits]\nmax-file-mib = 512\n",
    }
}

/// The files of case `case` at size `n`, or `None` for an unknown case.
pub fn scale_workspace(case: &str, n: usize) -> Option<Vec<(String, String)>> {
    let mut text = String::with_capacity(n * 40);
    let files = match case {
        // `n` names declared twice, in two files: `n` duplicate findings,
        // each with a "first defined here" in the other file.
        "duplicates" => {
            let mut first = String::from("use society5\n");
            for i in 0..n {
                let _ = writeln!(first, "system e{i}");
                let _ = writeln!(text, "system e{i}");
            }
            vec![("a.kozo".to_string(), first), ("b.kozo".to_string(), text)]
        }
        // `n` elements and `n` relationships to misspelt names, each close
        // to an existing one: `n` "did you mean" searches over `n` names.
        "misspelt" => {
            text.push_str("use society5\n");
            for i in 0..n {
                let _ = writeln!(text, "system element_{i}");
            }
            for i in 0..n {
                let _ = writeln!(text, "element_{i} -> elemnet_{}", (i + 1) % n);
            }
            vec![("misspelt.kozo".to_string(), text)]
        }
        // `n` elements, each silenced by a `kozo-allow` comment.
        "allow" => {
            text.push_str("use society5\n");
            for i in 0..n {
                let _ = writeln!(
                    text,
                    "// kozo-allow: orphan-element, element-not-in-view -- generated\nsystem e{i}"
                );
            }
            vec![("allow.kozo".to_string(), text)]
        }
        // `n / 2` two-element cycles of an acyclic kind: `n / 2` findings.
        "cycles" => {
            text.push_str("use society5\n");
            for i in 0..n {
                let _ = writeln!(text, "system e{i}");
            }
            for i in (0..n.saturating_sub(1)).step_by(2) {
                let _ = writeln!(
                    text,
                    "e{i} -> e{} : depends\ne{} -> e{i} : depends",
                    i + 1,
                    i + 1
                );
            }
            vec![("cycles.kozo".to_string(), text)]
        }
        // One cycle through all `n` elements.
        "chain" => {
            text.push_str("use society5\n");
            for i in 0..n {
                let _ = writeln!(text, "system e{i}");
            }
            for i in 0..n {
                let _ = writeln!(text, "e{i} -> e{} : depends", (i + 1) % n);
            }
            vec![("chain.kozo".to_string(), text)]
        }
        // One file of `n` labelled elements, about 100 bytes a line (1M
        // elements: 100 MB), in one view each 1,000, with relationships.
        "huge-file" => {
            text.reserve(n * 100);
            text.push_str("use society5\n");
            for i in 0..n {
                let _ = writeln!(
                    text,
                    "system e{i:07} \"Element {i:07} of the single huge file, with a label\""
                );
                if i > 0 {
                    let _ = writeln!(text, "e{:07} -> e{i:07} : flows", i - 1);
                }
            }
            for start in (0..n).step_by(1_000) {
                let _ = write!(text, "view v{start:07} {{ include ");
                let end = (start + 1_000).min(n);
                for i in start..end {
                    let sep = if i + 1 == end { " }\n" } else { ", " };
                    let _ = write!(text, "e{i:07}{sep}");
                }
            }
            vec![("huge.kozo".to_string(), text)]
        }
        // One view of `n` elements in a row, each flowing to the next.
        "view" => {
            text.push_str("use society5\n");
            for i in 0..n {
                let _ = writeln!(text, "system e{i} \"Element {i}\"");
                if i > 0 {
                    let _ = writeln!(text, "e{} -> e{i} : flows", i - 1);
                }
            }
            text.push_str("view large { include * }\n");
            vec![("view.kozo".to_string(), text)]
        }
        // `n` files of one element each, 1,000 to a folder, and one file
        // that says `use society5`.
        "files" => {
            let mut files = Vec::with_capacity(n + 1);
            files.push(("d0000/aaa.kozo".to_string(), "use society5\n".to_string()));
            for i in 0..n {
                files.push((
                    format!("d{:04}/f{i:07}.kozo", i / 1_000),
                    format!("system s{i}\n"),
                ));
            }
            files
        }
        _ => return None,
    };
    Some(files)
}
