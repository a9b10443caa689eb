//! Test fixtures for the editor features: model text with a `$0` cursor
//! marker, one file or several (each starting with a `//- path` line).

use crate::analysis::Analysis;
use crate::db::SourceFile;

pub(crate) struct Fixture {
    pub analysis: Analysis,
    /// The file holding the cursor (the first file when there is none).
    pub file: SourceFile,
    /// The cursor's byte offset (0 when there is none).
    pub offset: usize,
}

pub(crate) const CURSOR: &str = "$0";

impl Fixture {
    pub fn new(fixture: &str) -> Fixture {
        let mut files: Vec<(String, String)> = Vec::new();
        if fixture.trim_start().starts_with("//- ") {
            for line in fixture.trim_start().split_inclusive('\n') {
                if let Some(path) = line.strip_prefix("//- ") {
                    files.push((path.trim().to_string(), String::new()));
                } else if let Some((_, text)) = files.last_mut() {
                    text.push_str(line);
                }
            }
        } else {
            files.push(("model.kozo".to_string(), fixture.to_string()));
        }
        let mut analysis = Analysis::default();
        let mut cursor = None;
        for (path, text) in files {
            let (text, offset) = match text.find(CURSOR) {
                Some(at) => (text.replacen(CURSOR, "", 1), Some(at)),
                None => (text, None),
            };
            let file = analysis.set_file(&path, text);
            if let Some(offset) = offset {
                cursor = Some((file, offset));
            }
        }
        let (file, offset) = cursor.unwrap_or_else(|| {
            let first = analysis.files().next().expect("a fixture has a file");
            (first, 0)
        });
        Fixture {
            analysis,
            file,
            offset,
        }
    }

    pub fn text(&self) -> &str {
        self.analysis.text(self.file)
    }

    /// The text of a file after applying edits (which must not overlap).
    pub fn apply(&self, file: SourceFile, edits: &[crate::ide::TextEdit]) -> String {
        apply_edits(self.analysis.text(file), edits)
    }
}

pub(crate) fn apply_edits(text: &str, edits: &[crate::ide::TextEdit]) -> String {
    let mut sorted: Vec<&crate::ide::TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.span.start);
    let mut out = String::new();
    let mut at = 0;
    for edit in sorted {
        out.push_str(&text[at..edit.span.start as usize]);
        out.push_str(&edit.new_text);
        at = edit.span.end as usize;
    }
    out.push_str(&text[at..]);
    out
}
