//! The kozo engine: the salsa database, the resolved model of a workspace,
//! and the consistency rules (docs/rules.md).
//!
//! [`Analysis`] is the entry point: give it files and a configuration, ask it
//! for the model and the diagnostics. The command line and the language
//! server both use it, so they always agree.
//!
//! Architecture invariant: this crate never prints, never touches the
//! terminal, and never panics on user input; it knows nothing of LSP.

mod analysis;
pub mod builtin;
mod check;
pub mod config;
pub mod db;
mod detached;
pub mod diagnostic;
pub mod diff;
pub mod ide;
pub mod model;
pub mod render;
pub mod rules;
pub mod suggest;
pub mod suppress;
#[cfg(test)]
mod testing;

pub use analysis::{Analysis, MessageText, Summary};
pub use config::{Config, ConfigError};
pub use diagnostic::{Diagnostic, Level, MessagePlace, Related, Severity};
pub use rules::Rule;
