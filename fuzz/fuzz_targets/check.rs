//! `kozo check` on any bytes: the file (possibly not UTF-8) is loaded next
//! to a fixed one, the model is built and every rule runs, without panics,
//! and every finding points inside its file.
#![no_main]

use kozo_engine::config::Config;
use kozo_engine::Analysis;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut analysis = Analysis::new(Config::default());
    analysis.set_file("base.kozo", "use society5\nsystem base\n".to_string());
    analysis.set_file_bytes("fuzz.kozo", data.to_vec());
    for d in analysis.diagnostics() {
        let text = analysis.text(d.file);
        assert!(d.span.start <= d.span.end && (d.span.end as usize) <= text.len());
        for r in &d.related {
            assert!((r.span.end as usize) <= analysis.text(r.file).len());
        }
    }
    let _ = analysis.summary();
});
