//! Every `.kozo` file of the repository, edited line by line in a few ways:
//! re-parsing from the file's parse gives the fresh parse of the edited
//! text.

use std::path::{Path, PathBuf};

use kozo_lang::{parse, reparse};

/// Every `.kozo` file under the repository's root (build output, installed
/// packages and hidden folders aside), each distinct text once.
fn kozo_files() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if !(name.starts_with('.') || name == "target" || name == "node_modules") {
                    stack.push(path);
                }
            } else if name.ends_with(".kozo") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push((path, text));
                }
            }
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    files.dedup_by(|a, b| a.1 == b.1);
    files
}

/// Where each line starts and ends (without its line break), and where the
/// next starts.
fn lines(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = text[start..]
            .find(['\n', '\r'])
            .map_or(text.len(), |i| start + i);
        let next = if text[end..].starts_with("\r\n") {
            end + 2
        } else {
            (end + 1).min(text.len())
        };
        out.push((start, end, next));
        start = next;
    }
    out
}

/// Marks that open or close something, put at the start of a line.
const MARKS: &[&str] = &[
    "{", "}", "\"", "\"\"\"", "/*", "*/", "/// ", "of ", ": ", "建物 ",
];

/// Two edits of line `n`: a character typed in its middle, and in turn
/// one deleted there, the line deleted, the line repeated, or a mark put
/// before it.
fn edits(text: &str, (start, end, next): (usize, usize, usize), n: usize) -> [String; 2] {
    let line = &text[start..end];
    let middle = line
        .char_indices()
        .map(|(i, _)| start + i)
        .nth(line.chars().count() / 2)
        .unwrap_or(end);
    let after_middle = text[middle..end]
        .chars()
        .next()
        .map_or(middle, |c| middle + c.len_utf8());
    let splice =
        |from: usize, to: usize, with: &str| format!("{}{with}{}", &text[..from], &text[to..]);
    let other = match n % 4 {
        0 => splice(middle, after_middle, ""),
        1 => splice(start, next, ""),
        2 => splice(start, start, &text[start..next]),
        _ => splice(start, start, MARKS[n / 4 % MARKS.len()]),
    };
    [splice(middle, middle, "x"), other]
}

/// Checks the files whose place in [`kozo_files`] is `half` modulo 2
/// (two tests, so that the test harness runs them on two cores).
fn check_half(half: usize) {
    let files = kozo_files();
    assert!(files.len() > 50, "{} files", files.len());
    let mut checked = 0;
    for (path, text) in files.iter().skip(half).step_by(2) {
        let old = parse(text);
        let all = lines(text);
        // Big files (the built-in metamodels, the larger examples) every few
        // lines, so that no file costs more than a few hundred edits of a
        // small one: the test parses in a debug build.
        let step = (all.len() * text.len() / 400_000).max(1);
        for (n, &line) in all.iter().enumerate().step_by(step) {
            for new in edits(text, line, n) {
                let fresh = parse(&new);
                let reparsed = reparse(&old, text, &new);
                assert!(
                    reparsed == fresh,
                    "{}, line {}: re-parsing the edit {:?} differs from parsing it",
                    path.display(),
                    n + 1,
                    &new[line.0.min(new.len())..]
                        .chars()
                        .take(80)
                        .collect::<String>()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 2_000, "{checked} edits");
}

#[test]
fn every_line_of_half_the_kozo_files_reparses_as_parsed() {
    check_half(0);
}

#[test]
fn every_line_of_the_other_half_reparses_as_parsed() {
    check_half(1);
}
