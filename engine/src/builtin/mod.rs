//! Metamodels that ship inside kozo, written in kozo itself.

/// The module name of the Society 5.0 reference-architecture metamodel.
pub const SOCIETY5: &str = "society5";

/// The path the built-in metamodel is shown under (go to definition opens it read-only).
pub const SOCIETY5_PATH: &str = "builtin/society5.kozo";

/// The text of `society5.kozo`.
pub const SOCIETY5_SOURCE: &str = include_str!("society5.kozo");

/// The modules `use` can load.
pub const MODULES: &[&str] = &[SOCIETY5];
