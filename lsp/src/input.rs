//! The wire: LSP frames (`Content-Length: N` header lines, a blank line,
//! then N bytes of JSON) read from the client, and the server's frames
//! written back.
//!
//! The protocol library stops reading at the first frame it cannot use,
//! which would end the server, so every frame is checked here first with
//! [`FrameDecoder`], a byte-level decoder that survives any input: header
//! lines are bounded ([`MAX_HEADER_LINE`], [`MAX_HEADER_LINES`]), a message
//! above [`MAX_MESSAGE`] is never buffered, header bytes need not be UTF-8,
//! and after any broken frame the decoder resynchronises on the next
//! `Content-Length` header. Broken frames and bodies that are not JSON-RPC
//! are answered with a JSON-RPC error (id `null`), written between the
//! server's own frames.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message body accepted. A 16 MiB file (the loader's default
/// limit) fits in a `didOpen` even with every character escaped.
pub const MAX_MESSAGE: usize = 64 << 20;

/// The longest header line accepted.
pub const MAX_HEADER_LINE: usize = 8 << 10;

/// The most header lines one frame may have.
pub const MAX_HEADER_LINES: usize = 32;

const LENGTH_HEADER: &[u8] = b"content-length:";

/// What the decoder made of the bytes it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A message body, not yet checked to be JSON-RPC.
    Message(Vec<u8>),
    /// Framing that could not be used; the bytes up to the next
    /// `Content-Length` header are skipped.
    Broken(FrameError),
}

/// Why a frame could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// A header line longer than [`MAX_HEADER_LINE`].
    HeaderLineTooLong,
    /// More than [`MAX_HEADER_LINES`] header lines.
    TooManyHeaderLines,
    /// A header without a valid `Content-Length`.
    NoLength,
    /// A `Content-Length` above [`MAX_MESSAGE`]; the length.
    TooLarge(u64),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::HeaderLineTooLong => {
                write!(f, "a header line is longer than {MAX_HEADER_LINE} bytes")
            }
            FrameError::TooManyHeaderLines => {
                write!(f, "a header has more than {MAX_HEADER_LINES} lines")
            }
            FrameError::NoLength => f.write_str("a header has no valid Content-Length"),
            FrameError::TooLarge(n) => write!(
                f,
                "a message of {n} bytes is larger than the limit of {MAX_MESSAGE} bytes"
            ),
        }
    }
}

enum State {
    /// Reading header lines.
    Header {
        length: Option<Option<u64>>,
        lines: usize,
    },
    /// Reading a body of this many bytes.
    Body(usize),
    /// Skipping bytes up to the next `Content-Length` header.
    Resync,
}

/// Splits a byte stream into frames. Feed it with [`FrameDecoder::push`]
/// and take frames with [`FrameDecoder::next_frame`]; it holds at most
/// one header line or one body (bounded by [`MAX_MESSAGE`]) at a time.
pub struct FrameDecoder {
    buffer: Vec<u8>,
    state: State,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        FrameDecoder {
            buffer: Vec::new(),
            state: State::Header {
                length: None,
                lines: 0,
            },
        }
    }
}

impl FrameDecoder {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete frame, or `None` until more bytes come.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            match self.state {
                State::Body(length) => {
                    if self.buffer.len() < length {
                        return None;
                    }
                    let rest = self.buffer.split_off(length);
                    let body = std::mem::replace(&mut self.buffer, rest);
                    self.state = State::Header {
                        length: None,
                        lines: 0,
                    };
                    return Some(Frame::Message(body));
                }
                State::Resync => {
                    match find_ignoring_case(&self.buffer, LENGTH_HEADER) {
                        Some(at) => {
                            self.buffer.drain(..at);
                            self.state = State::Header {
                                length: None,
                                lines: 0,
                            };
                        }
                        None => {
                            // Keep what could be the start of the header.
                            let keep = LENGTH_HEADER.len() - 1;
                            let cut = self.buffer.len().saturating_sub(keep);
                            self.buffer.drain(..cut);
                            return None;
                        }
                    }
                }
                State::Header { length, lines } => {
                    let Some(end) = self.buffer.iter().position(|&b| b == b'\n') else {
                        if self.buffer.len() > MAX_HEADER_LINE {
                            self.buffer.clear();
                            return Some(self.broken(FrameError::HeaderLineTooLong));
                        }
                        return None;
                    };
                    if end > MAX_HEADER_LINE {
                        self.buffer.drain(..=end);
                        return Some(self.broken(FrameError::HeaderLineTooLong));
                    }
                    let line: Vec<u8> = self.buffer.drain(..=end).collect();
                    let line = trim_ascii(&line);
                    if line.is_empty() {
                        if lines == 0 {
                            // Blank lines between frames are tolerated.
                            continue;
                        }
                        match length {
                            Some(Some(n)) if n <= MAX_MESSAGE as u64 => {
                                self.state = State::Body(n as usize);
                            }
                            Some(Some(n)) => return Some(self.broken(FrameError::TooLarge(n))),
                            _ => return Some(self.broken(FrameError::NoLength)),
                        }
                        continue;
                    }
                    if lines + 1 > MAX_HEADER_LINES {
                        return Some(self.broken(FrameError::TooManyHeaderLines));
                    }
                    let length = match line.iter().position(|&b| b == b':') {
                        Some(colon)
                            if trim_ascii(&line[..colon]).eq_ignore_ascii_case(
                                &LENGTH_HEADER[..LENGTH_HEADER.len() - 1],
                            ) =>
                        {
                            Some(parse_length(trim_ascii(&line[colon + 1..])))
                        }
                        _ => length,
                    };
                    self.state = State::Header {
                        length,
                        lines: lines + 1,
                    };
                }
            }
        }
    }

    /// Reports a broken frame and skips to the next header.
    fn broken(&mut self, error: FrameError) -> Frame {
        self.state = State::Resync;
        Frame::Broken(error)
    }
}

/// Every frame in `bytes`, as a reader that then met the end of its input
/// would see them (an incomplete last frame is left out). This is the
/// decoder the server runs, for tests and fuzzing.
pub fn decode_frames(bytes: &[u8]) -> Vec<Frame> {
    let mut decoder = FrameDecoder::default();
    decoder.push(bytes);
    std::iter::from_fn(|| decoder.next_frame()).collect()
}

fn parse_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value.len() > 20 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// What the client has said about ending.
#[derive(Default)]
pub struct Lifecycle {
    /// A `shutdown` request came.
    pub shutdown: AtomicBool,
}

/// A JSON-RPC error with id `null`, for a message that could not be read.
fn error_reply(code: i64, message: &str) -> Vec<u8> {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": format!("kozo: {message}") },
    })
    .to_string()
    .into_bytes()
}

/// Copies well-formed frames from `input` to `output` until `input` ends
/// or an `exit` notification has been passed on. Broken frames are
/// answered through `replies`.
pub async fn filter<I, O>(
    mut input: I,
    mut output: O,
    replies: mpsc::UnboundedSender<Vec<u8>>,
    lifecycle: Arc<Lifecycle>,
) where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut decoder = FrameDecoder::default();
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        while let Some(frame) = decoder.next_frame() {
            let body = match frame {
                Frame::Message(body) => body,
                Frame::Broken(error) => {
                    eprintln!("kozo lsp: ignoring input: {error}");
                    let _ = replies.send(error_reply(-32600, &error.to_string()));
                    continue;
                }
            };
            let method = match serde_json::from_slice::<Request>(&body) {
                Ok(request) => Some(request.method().to_string()),
                Err(_) if serde_json::from_slice::<Response>(&body).is_ok() => None,
                Err(_) => {
                    let shown = String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned();
                    eprintln!("kozo lsp: ignoring a message that is not JSON-RPC: {shown}");
                    let (code, what) = match serde_json::from_slice::<serde_json::Value>(&body) {
                        Ok(_) => (-32600, "a message that is not a JSON-RPC request"),
                        Err(_) => (-32700, "a message that is not JSON"),
                    };
                    let _ = replies.send(error_reply(code, what));
                    continue;
                }
            };
            let header = format!("Content-Length: {}\r\n\r\n", body.len());
            if output.write_all(header.as_bytes()).await.is_err()
                || output.write_all(&body).await.is_err()
                || output.flush().await.is_err()
            {
                return;
            }
            match method.as_deref() {
                Some("shutdown") => lifecycle.shutdown.store(true, Ordering::SeqCst),
                Some("exit") => return,
                _ => {}
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => decoder.push(&chunk[..n]),
        }
    }
}

/// How many frames may wait for the output thread before the server
/// waits for it (when the client reads slower than the server writes).
const QUEUED_FRAMES: usize = 64;

/// Passes the server's frames (read back from `server`) and the filter's
/// error replies on to the output thread (see [`write_frames`]), whole
/// frames at a time, until both end or the output fails.
pub async fn write_out<S>(
    mut server: S,
    mut replies: mpsc::UnboundedReceiver<Vec<u8>>,
    frames: mpsc::Sender<Vec<u8>>,
) where
    S: AsyncRead + Unpin,
{
    let mut decoder = FrameDecoder::default();
    let mut chunk = vec![0u8; 64 << 10];
    let mut server_open = true;
    let mut replies_open = true;
    while server_open || replies_open {
        let body = tokio::select! {
            read = server.read(&mut chunk), if server_open => {
                match read {
                    Ok(0) | Err(_) => server_open = false,
                    Ok(n) => decoder.push(&chunk[..n]),
                }
                while let Some(frame) = decoder.next_frame() {
                    if let Frame::Message(body) = frame {
                        if frames.send(framed(&body)).await.is_err() {
                            return;
                        }
                    }
                }
                continue;
            }
            reply = replies.recv(), if replies_open => reply,
        };
        match body {
            Some(body) => {
                if frames.send(framed(&body)).await.is_err() {
                    return;
                }
            }
            None => replies_open = false,
        }
    }
}

/// A body with its header, as one buffer.
fn framed(body: &[u8]) -> Vec<u8> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    let mut frame = Vec::with_capacity(header.len() + body.len());
    frame.extend_from_slice(header.as_bytes());
    frame.extend_from_slice(body);
    frame
}

/// Writes frames to `output` until they end or a write fails: the server's
/// output thread. Each frame is one write, and the output is flushed once
/// no frame waits. Writing from a thread of its own costs an answer one
/// hand-over between threads; tokio's standard output took one per write
/// and one more per flush (each a task on a blocking thread), and the
/// client could read nothing of a frame until the last of them.
pub fn write_frames(mut frames: mpsc::Receiver<Vec<u8>>, mut output: impl std::io::Write) {
    while let Some(frame) = frames.blocking_recv() {
        if output.write_all(&frame).is_err() {
            return;
        }
        while let Ok(frame) = frames.try_recv() {
            if output.write_all(&frame).is_err() {
                return;
            }
        }
        if output.flush().is_err() {
            return;
        }
    }
}

/// The output thread: frames sent to the returned sender are written to
/// `output`; the receiver hears when the thread has written the last of
/// them (every sender dropped) or stopped on an error.
pub fn output_thread<O>(
    output: O,
) -> std::io::Result<(mpsc::Sender<Vec<u8>>, std::sync::mpsc::Receiver<()>)>
where
    O: std::io::Write + Send + 'static,
{
    let (frames, queued) = mpsc::channel(QUEUED_FRAMES);
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("kozo-lsp-output".to_string())
        .spawn(move || {
            write_frames(queued, output);
            let _ = done.send(());
        })?;
    Ok((frames, finished))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    fn message(body: &str) -> Frame {
        Frame::Message(body.as_bytes().to_vec())
    }

    #[test]
    fn frames_split_anywhere_come_out_whole() {
        let mut bytes = frame("{\"a\":1}");
        bytes.extend(b"\r\n");
        bytes.extend(frame("{\"b\":2}"));
        for cut in 0..bytes.len() {
            let mut decoder = FrameDecoder::default();
            let mut out = Vec::new();
            decoder.push(&bytes[..cut]);
            out.extend(std::iter::from_fn(|| decoder.next_frame()));
            decoder.push(&bytes[cut..]);
            out.extend(std::iter::from_fn(|| decoder.next_frame()));
            assert_eq!(
                out,
                [message("{\"a\":1}"), message("{\"b\":2}")],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn header_bytes_need_not_be_utf8_and_names_ignore_case() {
        let mut bytes = b"X-Caf\xe9: \xff\r\ncontent-LENGTH:  2 \r\n\r\n{}".to_vec();
        bytes.extend(frame("[]"));
        assert_eq!(decode_frames(&bytes), [message("{}"), message("[]")]);
    }

    #[test]
    fn an_oversized_length_is_refused_and_the_next_frame_read() {
        let mut bytes = b"Content-Length: 999999999999\r\n\r\n{\"partial\":".to_vec();
        bytes.extend(frame("{}"));
        assert_eq!(
            decode_frames(&bytes),
            [
                Frame::Broken(FrameError::TooLarge(999_999_999_999)),
                message("{}")
            ]
        );
        // A length with too many digits for any integer is no length.
        let mut bytes = format!("Content-Length: {}\r\n\r\n", "9".repeat(40)).into_bytes();
        bytes.extend(frame("{}"));
        assert_eq!(
            decode_frames(&bytes),
            [Frame::Broken(FrameError::NoLength), message("{}")]
        );
    }

    #[test]
    fn long_header_lines_are_bounded() {
        let mut decoder = FrameDecoder::default();
        decoder.push(b"X-Long: ");
        for _ in 0..100 {
            decoder.push(&[b'a'; 1 << 16]);
            if let Some(frame) = decoder.next_frame() {
                assert_eq!(frame, Frame::Broken(FrameError::HeaderLineTooLong));
            }
            assert!(decoder.buffer.len() <= MAX_HEADER_LINE + (1 << 16));
        }
        decoder.push(b"\r\n\r\n");
        decoder.push(&frame("{}"));
        assert_eq!(decoder.next_frame(), Some(message("{}")));
    }

    #[test]
    fn too_many_header_lines_or_none_with_a_length_are_broken() {
        let mut bytes = b"X-A: 1\r\n".repeat(MAX_HEADER_LINES + 1);
        bytes.extend(frame("{}"));
        assert_eq!(
            decode_frames(&bytes),
            [Frame::Broken(FrameError::TooManyHeaderLines), message("{}")]
        );
        let mut bytes = b"X-A: 1\r\n\r\n{}".to_vec();
        bytes.extend(frame("{}"));
        assert_eq!(
            decode_frames(&bytes),
            [Frame::Broken(FrameError::NoLength), message("{}")]
        );
    }

    /// An output that records each write and flush.
    #[derive(Clone, Default)]
    struct Recorder(Arc<std::sync::Mutex<Vec<String>>>);

    impl std::io::Write for Recorder {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let text = String::from_utf8_lossy(bytes).into_owned();
            self.0.lock().unwrap().push(text);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.0.lock().unwrap().push("flush".to_string());
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_frame_is_written_whole_by_the_output_thread_then_flushed() {
        let recorder = Recorder::default();
        let (frames, finished) = output_thread(recorder.clone()).unwrap();
        let (server_side, mut server) = tokio::io::duplex(1 << 10);
        let (replies, replies_out) = mpsc::unbounded_channel();
        let writer = tokio::spawn(write_out(server_side, replies_out, frames));
        // A frame the server writes in pieces comes out as one write.
        let body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"駅\"}";
        let bytes = frame(body);
        let (head, tail) = bytes.split_at(10);
        server.write_all(head).await.unwrap();
        server.flush().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        server.write_all(tail).await.unwrap();
        // The output ends once the server's and the replies' ends do.
        drop(server);
        drop(replies);
        writer.await.unwrap();
        finished
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        let written = recorder.0.lock().unwrap().clone();
        let writes: Vec<&String> = written.iter().filter(|w| *w != "flush").collect();
        assert_eq!(writes, [&String::from_utf8(bytes).unwrap()]);
        assert_eq!(written.last().map(String::as_str), Some("flush"));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_stay_bounded() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..200 {
            let mut bytes = Vec::new();
            for _ in 0..2000 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let pick = (seed % 8) as u8;
                bytes.extend_from_slice(match pick {
                    0 => b"Content-Length: ",
                    1 => b"\r\n",
                    2 => b"12",
                    3 => b"\xff",
                    4 => b":",
                    5 => b"{}",
                    6 => b"\n",
                    _ => b"x",
                });
            }
            for frame in decode_frames(&bytes) {
                if let Frame::Message(body) = frame {
                    assert!(body.len() <= MAX_MESSAGE);
                }
            }
        }
    }
}
