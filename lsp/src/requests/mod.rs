//! The requests, grouped by what they are for. Each handler takes a
//! snapshot of the document's workspace (see `server::Backend::at`), calls
//! the engine's editor function on a blocking thread and converts the
//! answer.

pub mod completion;
pub mod editing;
pub mod navigation;
pub mod outline;
pub mod preview;
