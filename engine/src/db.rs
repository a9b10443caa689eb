//! The salsa database: inputs (files, the workspace) and the tracked queries
//! every consumer answers from.
//!
//! Architecture invariant: a query's result depends only on its inputs. The
//! command line and the language server drive the same queries; an edit is an
//! input change, and only what depends on the changed file is recomputed.

use kozo_lang::Parse;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// One `.kozo` file of the workspace (or the built-in metamodel).
#[salsa::input(debug)]
pub struct SourceFile {
    /// Relative to the workspace root, with `/` separators.
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
    /// When the file on disk is not UTF-8: the byte offset of the first bad
    /// byte. `text` then holds the valid part before it, and is not parsed.
    pub invalid_utf8: Option<u32>,
}

/// The workspace: its files, in path order, and its configuration.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    /// The built-in `society5` metamodel, loaded by `use society5`.
    pub builtin: SourceFile,
    #[returns(ref)]
    pub config: Config,
}

#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
}

#[salsa::db]
impl salsa::Database for Database {}

/// The syntax tree of a file. A file that is not UTF-8 has an empty tree.
#[salsa::tracked(returns(ref))]
pub fn parse(db: &dyn salsa::Database, file: SourceFile) -> Parse {
    if file.invalid_utf8(db).is_some() {
        return Parse::default();
    }
    kozo_lang::parse(file.text(db))
}

/// The resolved model of the whole workspace.
///
/// `no_eq`: an edit almost always changes some span or text, so comparing
/// the new model with the old one (to spare what depends on it) would cost
/// a deep walk of the whole model and rarely spare anything.
#[salsa::tracked(returns(ref), no_eq)]
pub fn model(db: &dyn salsa::Database, workspace: Workspace) -> Model {
    crate::model::build_model(db, workspace)
}

/// Every finding of the workspace, configured, filtered by `kozo-allow` and
/// sorted by file and position.
#[salsa::tracked(returns(ref))]
pub fn diagnostics(db: &dyn salsa::Database, workspace: Workspace) -> Vec<Diagnostic> {
    crate::check::collect(db, workspace)
}
