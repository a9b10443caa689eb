//! The input filter: reads LSP frames from the client and passes on only
//! well-formed JSON-RPC messages.
//!
//! The protocol library stops reading its input at the first frame that is
//! not a JSON-RPC message, which would end the server; a frame that is not
//! is dropped here instead, with a line in the log.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message accepted (a whole workspace edit fits easily).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// Copies well-formed frames from `input` to `output` until `input` ends.
pub async fn filter<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    loop {
        let mut length: Option<usize> = None;
        let mut header_lines = 0;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                if header_lines > 0 {
                    break;
                }
                continue;
            }
            header_lines += 1;
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok();
                }
            }
        }
        let Some(length) = length.filter(|&n| n <= MAX_MESSAGE) else {
            eprintln!("kozo lsp: ignoring a message without a valid Content-Length");
            continue;
        };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let valid = serde_json::from_slice::<Request>(&body).is_ok()
            || serde_json::from_slice::<Response>(&body).is_ok();
        if !valid {
            let shown = String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned();
            eprintln!("kozo lsp: ignoring a message that is not JSON-RPC: {shown}");
            continue;
        }
        let header = format!("Content-Length: {length}\r\n\r\n");
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}
