//! Metamodels that ship inside kozo, written in kozo itself.

/// The module name of the Society 5.0 reference-architecture metamodel.
pub const SOCIETY5: &str = "society5";

/// The path the built-in metamodel is shown under (go to definition opens it read-only).
pub const SOCIETY5_PATH: &str = "builtin/society5.kozo";

/// The text of `society5.kozo`.
pub const SOCIETY5_SOURCE: &str = include_str!("society5.kozo");

/// The module name of the ArchiMate 3.2 metamodel.
pub const ARCHIMATE: &str = "archimate";

/// The path the ArchiMate metamodel is shown under.
pub const ARCHIMATE_PATH: &str = "builtin/archimate.kozo";

/// The text of `archimate.kozo`.
pub const ARCHIMATE_SOURCE: &str = include_str!("archimate.kozo");

/// The modules `use` can load.
pub const MODULES: &[&str] = &[SOCIETY5, ARCHIMATE];

/// A built-in module's path and text, by its name.
pub fn module(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        SOCIETY5 => Some((SOCIETY5_PATH, SOCIETY5_SOURCE)),
        ARCHIMATE => Some((ARCHIMATE_PATH, ARCHIMATE_SOURCE)),
        _ => None,
    }
}
