//! Conversions between byte offsets (used everywhere inside kozo) and
//! line/column positions (used at the edges: the CLI counts characters, the
//! language server counts UTF-16 or UTF-8 code units).

/// Where each line of a text starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
}

/// The unit a column is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    /// Unicode scalar values (what the CLI prints).
    Char,
    /// UTF-16 code units (the LSP default).
    Utf16,
    /// Bytes.
    Utf8,
}

impl LineIndex {
    /// `\n`, `\r\n` and a lone `\r` each end a line, as they do for the
    /// grammar and for LSP clients.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                line_starts.push(i as u32 + 1);
            }
        }
        LineIndex {
            line_starts,
            len: text.len() as u32,
        }
    }

    /// The byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).map(|&s| s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 0-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len as usize) as u32;
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// The byte range of a 0-based line, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.line_starts.get(line)? as usize;
        let Some(&next) = self.line_starts.get(line + 1) else {
            return Some(start..text.len());
        };
        // `next` is just past the line break: `\n`, `\r\n` or `\r`.
        let bytes = text.as_bytes();
        let mut end = next as usize - 1;
        if bytes.get(end) == Some(&b'\n') && end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some(start..end)
    }

    /// 0-based line and column of `offset`, the column counted in `unit`.
    /// An offset inside a character counts as that character's start.
    pub fn position(&self, text: &str, offset: usize, unit: ColumnUnit) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let slice = &text[start..end];
        let column = match unit {
            ColumnUnit::Char => slice.chars().count(),
            ColumnUnit::Utf16 => slice.chars().map(char::len_utf16).sum(),
            ColumnUnit::Utf8 => slice.len(),
        };
        (line as u32, column as u32)
    }

    /// The byte offset of a 0-based line and column counted in `unit`.
    /// A column past the end of the line clamps to its end; a line past the
    /// end of the text gives `None`.
    pub fn offset(&self, text: &str, line: u32, column: u32, unit: ColumnUnit) -> Option<usize> {
        let line = line as usize;
        if line >= self.line_starts.len() {
            return None;
        }
        let range = self.line_range(text, line)?;
        let line_text = &text[range.clone()];
        let mut counted = 0u32;
        for (i, c) in line_text.char_indices() {
            if counted >= column {
                return Some(range.start + i);
            }
            counted += match unit {
                ColumnUnit::Char => 1,
                ColumnUnit::Utf16 => c.len_utf16() as u32,
                ColumnUnit::Utf8 => c.len_utf8() as u32,
            };
        }
        Some(range.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_columns_differ_by_unit() {
        let text = "system 建物 \"ビル\"\nx -> y";
        let index = LineIndex::new(text);
        let y = text.rfind('y').unwrap();
        assert_eq!(index.position(text, y, ColumnUnit::Char), (1, 5));
        let label = text.find('"').unwrap();
        assert_eq!(index.position(text, label, ColumnUnit::Char), (0, 10));
        assert_eq!(index.position(text, label, ColumnUnit::Utf16), (0, 10));
        assert_eq!(index.position(text, label, ColumnUnit::Utf8), (0, 14));
        assert_eq!(index.offset(text, 0, 10, ColumnUnit::Char), Some(label));
        assert_eq!(index.offset(text, 1, 5, ColumnUnit::Utf16), Some(y));
    }

    #[test]
    fn astral_characters_take_two_utf16_units() {
        let text = "a 𝒳 b";
        let index = LineIndex::new(text);
        let b = text.find('b').unwrap();
        assert_eq!(index.position(text, b, ColumnUnit::Utf16), (0, 5));
        assert_eq!(index.position(text, b, ColumnUnit::Char), (0, 4));
        assert_eq!(index.offset(text, 0, 5, ColumnUnit::Utf16), Some(b));
    }

    #[test]
    fn out_of_range_is_clamped_or_none() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, 0, 99, ColumnUnit::Char), Some(2));
        assert_eq!(index.offset(text, 5, 0, ColumnUnit::Char), None);
        assert_eq!(index.position(text, 999, ColumnUnit::Char), (1, 2));
        assert_eq!(index.line_range(text, 0), Some(0..2));
    }

    #[test]
    fn each_of_the_three_line_breaks_ends_a_line() {
        // `\n`, `\r\n` and a lone `\r` (as LSP clients count them).
        let text = "a\nb\r\nc\rd\r";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 5);
        assert_eq!(index.line_range(text, 0), Some(0..1));
        assert_eq!(index.line_range(text, 1), Some(2..3));
        assert_eq!(index.line_range(text, 2), Some(5..6));
        assert_eq!(index.line_range(text, 3), Some(7..8));
        assert_eq!(index.line_range(text, 4), Some(9..9));
        let d = text.find('d').unwrap();
        assert_eq!(index.position(text, d, ColumnUnit::Char), (3, 0));
        assert_eq!(index.position(text, d + 1, ColumnUnit::Char), (3, 1));
        assert_eq!(index.offset(text, 2, 0, ColumnUnit::Utf16), Some(5));
        assert_eq!(index.offset(text, 3, 9, ColumnUnit::Utf16), Some(8));
        assert_eq!(index.line_start(4), Some(9));
        let text = "\r";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, 0, 1, ColumnUnit::Utf16), Some(0));
        assert_eq!(index.offset(text, 1, 0, ColumnUnit::Utf16), Some(1));
    }

    #[test]
    fn japanese_text_with_lone_carriage_returns() {
        let text = "建物\rビル";
        let index = LineIndex::new(text);
        let bill = text.find('ビ').unwrap();
        assert_eq!(index.position(text, bill, ColumnUnit::Utf16), (1, 0));
        assert_eq!(index.position(text, text.len(), ColumnUnit::Char), (1, 2));
    }
}
