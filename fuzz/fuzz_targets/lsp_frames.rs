//! The language server's frame decoder on any bytes: it never panics, every
//! message it passes on fits the size limit, and a broken frame is reported,
//! never silently dropped or allowed to stop the decoding.
#![no_main]

use kozo_lsp::{decode_frames, Frame, FrameError, MAX_MESSAGE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut total = 0usize;
    for frame in decode_frames(data) {
        match frame {
            Frame::Message(body) => {
                assert!(body.len() <= MAX_MESSAGE, "a message over the limit");
                total += body.len();
            }
            Frame::Broken(FrameError::TooLarge(length)) => {
                assert!(length > MAX_MESSAGE as u64, "a frame refused below the limit");
            }
            Frame::Broken(_) => {}
        }
    }
    // Bodies are taken from the input, never invented.
    assert!(total <= data.len());
});
