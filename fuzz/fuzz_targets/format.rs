//! Formatting is idempotent and lossless: whatever text formats, formatting
//! the result again changes nothing (the formatter's own check refuses any
//! output whose tokens or comments differ from the input's).
#![no_main]

use kozo_lang::format::{format, FormatOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let options = FormatOptions::default();
    if let Ok(once) = format(&text, &options) {
        let twice = format(&once, &options);
        assert_eq!(twice.as_deref(), Ok(once.as_str()), "formatting twice differs");
    }
});
