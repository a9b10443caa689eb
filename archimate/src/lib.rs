//! The ArchiMate bridge: the Open Group ArchiMate Model Exchange File Format
//! (3.0/3.1) read ([`read`]) and written ([`write`]), an exchange model
//! turned into a kozo workspace that uses `use archimate` ([`import`]), and
//! a kozo workspace turned into an exchange model ([`export`]).
//! docs/archimate.md has the mapping both ways.
//!
//! Nothing here prints or touches the disk: the command line reads the file
//! and writes the workspace.

pub mod export;
pub mod import;
pub mod model;
mod names;
pub mod read;
pub mod types;
pub mod write;

pub use export::export;
pub use import::{import, Imported, Report};
pub use model::ExchangeModel;
pub use read::{read, ReadError};
pub use write::write;
