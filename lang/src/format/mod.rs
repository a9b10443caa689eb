//! The formatter: one canonical layout for a kozo file, without losing a
//! token or a comment.
//!
//! ```
//! use kozo_lang::format::{format, FormatOptions};
//!
//! let text = "system bms{component hvac  /* the controller */\nhvac->bms:flows}";
//! let formatted = format(text, &FormatOptions::default()).unwrap();
//! assert_eq!(
//!     formatted,
//!     "system bms {\n  component hvac /* the controller */\n  hvac -> bms : flows\n}\n"
//! );
//! ```
//!
//! How it stays lossless: the layout is driven by the syntax tree (which
//! token starts a line, how deep it is indented, where a list wraps), but
//! every token is copied from the source text through its span, never
//! printed from the tree's values, so a string keeps its escapes and its
//! `"""` exactly as written. Comments are not in the tree: the printer
//! interleaves them by position, writing each one before the first token
//! that follows it in the source, on its own line if it stood on its own
//! line, else at the end of the line of the token before it. Before
//! returning, [`format`] lexes its output and the source again and
//! compares the two sequences of tokens and comments; if they differ
//! (which would be a bug), it refuses with [`FormatError::Internal`]
//! rather than hand back a changed model.
//!
//! docs/formatting.md lists the style rules with examples.

mod layout;
mod printer;
mod verify;

use std::fmt;

use crate::ast::SyntaxError;
use crate::parser::{parse, Parse};

/// How to lay a file out. `kozo.toml`'s `[format]` table sets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// The column lists are wrapped at. East Asian wide characters count
    /// two columns.
    pub width: usize,
    /// Spaces per indentation level.
    pub indent: usize,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            width: 100,
            indent: 2,
        }
    }
}

/// Why a text was not formatted. Either way the caller keeps the text it had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The text does not parse. A file is formatted whole or not at all.
    Syntax(Vec<SyntaxError>),
    /// The formatter would have changed a token or a comment. This is a bug
    /// in kozo; the message says where the output first differs.
    Internal(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax(errors) => match errors.as_slice() {
                [one] => write!(f, "syntax error: {}", one.message),
                many => write!(
                    f,
                    "{} syntax errors, the first: {}",
                    many.len(),
                    many.first().map_or("", |e| e.message.as_str())
                ),
            },
            FormatError::Internal(message) => {
                write!(f, "internal formatter error (please report it): {message}")
            }
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats a whole file. A text with a syntax error is refused.
pub fn format(text: &str, options: &FormatOptions) -> Result<String, FormatError> {
    format_parse(text, &parse(text), options)
}

/// Formats a file already parsed (`parse` must be the parse of `text`), for
/// callers that keep parses around, such as the language server.
pub fn format_parse(
    text: &str,
    parse: &Parse,
    options: &FormatOptions,
) -> Result<String, FormatError> {
    if !parse.errors.is_empty() {
        return Err(FormatError::Syntax(parse.errors.clone()));
    }
    let options = FormatOptions {
        width: options.width.max(1),
        indent: options.indent,
    };
    let formatted = layout::layout(text, parse, &options)?;
    if formatted != text {
        verify::same_tokens(text, &formatted)?;
    }
    Ok(formatted)
}
