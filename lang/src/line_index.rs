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
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex {
            line_starts,
            len: text.len() as u32,
        }
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
            // The last line has no line break: a `\r` ending it is content.
            return Some(start..text.len());
        };
        let end = next as usize - 1;
        let end = if text.as_bytes().get(end.wrapping_sub(1)) == Some(&b'\r') && end > start {
            end - 1
        } else {
            end
        };
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
    fn a_carriage_return_ends_a_line_only_before_a_newline() {
        // On the last line there is no line break: the `\r` is content.
        let text = "a\r\nb\r";
        let index = LineIndex::new(text);
        assert_eq!(index.line_range(text, 0), Some(0..1));
        assert_eq!(index.line_range(text, 1), Some(3..5));
        assert_eq!(index.position(text, 5, ColumnUnit::Char), (1, 2));
        assert_eq!(index.offset(text, 1, 2, ColumnUnit::Char), Some(5));
        let text = "\r";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, 0, 1, ColumnUnit::Utf16), Some(1));
    }
}
