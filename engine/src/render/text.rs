//! Text for diagrams: estimated widths (full-width CJK characters count
//! double, through `unicode-width`), line wrapping that respects Japanese
//! line-breaking rules, and escaping for XML.

use unicode_width::UnicodeWidthChar;

/// The estimated advance of `c`, in ems, for a proportional sans-serif face.
/// Full-width characters (CJK ideographs, kana, full-width forms) take a
/// whole em; narrow ones are estimated by their class.
pub fn char_width(c: char) -> f64 {
    match c.width() {
        None | Some(0) => 0.0,
        Some(2..) => 1.0,
        Some(_) => match c {
            ' ' => 0.28,
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' | '(' | ')' | '['
            | ']' | 'f' | 't' | 'r' => 0.32,
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.86,
            'A'..='Z' | '&' | '#' => 0.66,
            '0'..='9' => 0.56,
            'a'..='z' => 0.54,
            _ => 0.6,
        },
    }
}

/// The estimated width of a line of text at `size` pixels.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(char_width).sum::<f64>() * size
}

/// Characters a Japanese line may not start with (kinsoku shori).
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '・'
            | 'ー'
            | '？'
            | '！'
            | '：'
            | '；'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | ')'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
    )
}

/// Characters a Japanese line may not end with.
fn no_line_end(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '【' | '〔' | '〈' | '《' | '(')
}

/// Splits `text` into lines no wider than `max_width` at `size` pixels.
/// Breaks at spaces, between full-width characters (not before closing
/// punctuation or small kana), and inside a word only when the word alone
/// is too wide. Hard newlines are kept. Never returns an empty list.
pub fn wrap(text: &str, max_width: f64, size: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let paragraph = paragraph.trim_end_matches('\r');
        let mut greedy = Vec::new();
        wrap_paragraph(paragraph, max_width, size, &mut greedy);
        // Balance the lines: the narrowest width that still needs no more
        // lines than the greedy wrap, so no line is left with one word or
        // one character.
        if greedy.len() > 1 {
            let total = text_width(paragraph, size);
            let mut width = (total / greedy.len() as f64).max(size);
            while width < max_width {
                let mut tried = Vec::new();
                wrap_paragraph(paragraph, width, size, &mut tried);
                if tried.len() <= greedy.len() {
                    greedy = tried;
                    break;
                }
                width += size * 0.5;
            }
        }
        lines.extend(greedy);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn wrap_paragraph(text: &str, max_width: f64, size: f64, lines: &mut Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let max = (max_width / size).max(1.0);
    let mut start = 0;
    while start < chars.len() {
        // Skip spaces at the start of a continued line.
        while start < chars.len() && start > 0 && chars[start] == ' ' && !lines.is_empty() {
            start += 1;
        }
        if start >= chars.len() {
            break;
        }
        let mut width = 0.0;
        let mut end = start;
        let mut last_break: Option<usize> = None;
        while end < chars.len() {
            let w = char_width(chars[end]);
            if width + w > max && end > start {
                break;
            }
            width += w;
            end += 1;
            if end < chars.len() && can_break(chars[end - 1], chars[end]) {
                last_break = Some(end);
            }
        }
        if end < chars.len() {
            if let Some(at) = last_break.filter(|&b| b > start) {
                end = at;
            }
        }
        let line: String = chars[start..end].iter().collect();
        lines.push(line.trim_end().to_string());
        start = end;
    }
    if chars.is_empty() {
        lines.push(String::new());
    }
}

/// May a line end between `before` and `after`?
fn can_break(before: char, after: char) -> bool {
    if no_line_start(after) || no_line_end(before) {
        return false;
    }
    let wide = |c: char| c.width() == Some(2);
    before == ' '
        || wide(before)
        || wide(after)
        || (matches!(before, '-' | '/' | '–' | '—') && after != ' ')
}

/// The width of the widest line.
pub fn block_width(lines: &[String], size: f64) -> f64 {
    lines
        .iter()
        .map(|l| text_width(l, size))
        .fold(0.0, f64::max)
}

/// Drops characters XML 1.0 cannot carry (most C0 controls, lone
/// surrogates cannot occur in a Rust string) and turns tabs into spaces.
pub fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            '\n' => Some('\n'),
            '\r' => None,
            c if (c as u32) < 0x20 => None,
            '\u{FFFE}' | '\u{FFFF}' => None,
            c => Some(c),
        })
        .collect()
}

/// Escapes text for XML content and attribute values (SVG, and Graphviz
/// HTML-like labels, which follow the same rules).
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

/// A number for SVG output: at most two decimals, no trailing zeros, never
/// `-0`, never NaN (so output stays byte-identical and valid).
pub fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_string();
    }
    let rounded = (value * 100.0).round() / 100.0;
    if rounded == 0.0 {
        return "0".to_string();
    }
    let s = format!("{rounded:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_characters_count_double() {
        let latin = text_width("abcd", 10.0);
        let japanese = text_width("ビル管理", 10.0);
        assert!(japanese > 1.7 * latin, "{japanese} vs {latin}");
        assert_eq!(text_width("データ", 10.0), 30.0);
    }

    #[test]
    fn wraps_at_spaces_and_between_ideographs() {
        assert_eq!(
            wrap("Building management system", 120.0, 10.0),
            ["Building", "management system"]
        );
        // Balanced: no line left with a single character.
        assert_eq!(
            wrap("健康で快適なワークプレイス", 120.0, 10.0),
            ["健康で快適な", "ワークプレイス"]
        );
        let lines = wrap("ビルエネルギー管理システム（BEMS）", 80.0, 10.0);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(text_width(line, 10.0) <= 80.0, "{line}");
            assert!(!line.starts_with('ー') && !line.starts_with('）'), "{line}");
        }
        assert_eq!(lines.concat(), "ビルエネルギー管理システム（BEMS）");
    }

    #[test]
    fn keeps_hard_newlines_and_breaks_long_words() {
        assert_eq!(wrap("a\nb", 100.0, 10.0), ["a", "b"]);
        let lines = wrap("abcdefghijklmnopqrstuvwxyz", 60.0, 10.0);
        assert!(lines.len() > 2);
        assert_eq!(lines.concat(), "abcdefghijklmnopqrstuvwxyz");
        assert_eq!(wrap("", 60.0, 10.0), [""]);
        assert_eq!(wrap("abcdef    ", 40.0, 10.0), ["abcdef"]);
    }

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            xml_escape("\"</text><script>\u{1}&'"),
            "&quot;&lt;/text&gt;&lt;script&gt;&amp;&#39;"
        );
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
    }
}
