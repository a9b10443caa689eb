//! `kozo lsp`: the language server on stdio (crate `kozo-lsp`).

use crate::workspace::LoadError;

pub fn run() -> Result<u8, LoadError> {
    kozo_lsp::run().map_err(|e| LoadError(format!("the language server could not start: {e}")))
}
