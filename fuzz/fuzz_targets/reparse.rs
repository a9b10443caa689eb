//! Re-parsing after an edit equals parsing the edited text. The input's
//! first four bytes are the edit (where, how many characters it removes,
//! what it inserts), the rest the text it is made to.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// What an edit inserts, chosen by its fourth byte; a byte past the list
/// repeats part of the text instead.
const INSERTS: &[&str] = &[
    "{",
    "}",
    "\"",
    "\"\"\"",
    "/*",
    "*/",
    "//",
    "///",
    "\n",
    "\r\n",
    "\r",
    " ",
    "建物",
    ":",
    "->",
    "of",
    "library",
    "extend",
    "system x",
    "label ja \"",
    "\u{FEFF}",
    "\\",
    ",",
    "x",
];

fuzz_target!(|data: &[u8]| {
    let Some((edit, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let old_text = String::from_utf8_lossy(rest);
    let bounds: Vec<usize> = old_text
        .char_indices()
        .map(|(i, _)| i)
        .chain([old_text.len()])
        .collect();
    let index = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % bounds.len();
    let start = bounds[index];
    let end = bounds[(index + usize::from(edit[2] % 21)).min(bounds.len() - 1)];
    let insert: String = match INSERTS.get(usize::from(edit[3])) {
        Some(piece) => piece.to_string(),
        None => old_text[end..]
            .chars()
            .take(usize::from(edit[3] % 21))
            .collect(),
    };
    let new_text = format!("{}{insert}{}", &old_text[..start], &old_text[end..]);
    let old = kozo_lang::parse(&old_text);
    assert!(
        kozo_lang::reparse(&old, &old_text, &new_text) == kozo_lang::parse(&new_text),
        "re-parsing differs from parsing: {start}..{end} replaced by {insert:?}"
    );
});
