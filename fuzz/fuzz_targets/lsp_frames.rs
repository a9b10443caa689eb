//! The language server's input filter on any bytes: it never panics, and
//! whatever it passes on is a sequence of well-formed frames.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut output = Vec::new();
    runtime.block_on(kozo_lsp::filter_frames(data, &mut output));
    // Every frame written is `Content-Length: N\r\n\r\n` and N bytes.
    let mut rest = output.as_slice();
    while !rest.is_empty() {
        let text = std::str::from_utf8(rest).unwrap_or("");
        let header_end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete header");
        let header = std::str::from_utf8(&rest[..header_end]).expect("an ASCII header");
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a Content-Length header: {text:?}"));
        rest = &rest[header_end + 4..];
        assert!(rest.len() >= length, "a whole body");
        rest = &rest[length..];
    }
});
