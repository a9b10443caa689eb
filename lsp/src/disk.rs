//! What the server knows of the disk beside the shared loader (crate
//! `kozo-loader`, which reads the workspaces): workspace roots (the
//! nearest folder upward holding `kozo.toml`, remembered), canonical
//! paths, and the read-only copies of the built-in metamodel and of the
//! rules' explanations that go-to-definition and diagnostics link to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kozo_engine::config::CONFIG_FILE;
use kozo_engine::Rule;

/// Finds workspace roots, remembering which folders hold a `kozo.toml`.
#[derive(Default)]
pub struct Roots {
    has_config: HashMap<PathBuf, bool>,
}

impl Roots {
    /// The nearest folder at or above `dir` holding `kozo.toml`.
    pub fn configured_root(&mut self, dir: &Path) -> Option<PathBuf> {
        let mut current = Some(dir);
        while let Some(d) = current {
            let has = *self
                .has_config
                .entry(d.to_path_buf())
                .or_insert_with(|| d.join(CONFIG_FILE).is_file());
            if has {
                return Some(d.to_path_buf());
            }
            current = d.parent();
        }
        None
    }

    /// The root of a file found under a workspace folder: its configured
    /// root, else the folder.
    pub fn root_of(&mut self, file: &Path, folder: &Path) -> PathBuf {
        file.parent()
            .and_then(|dir| self.configured_root(dir))
            .unwrap_or_else(|| folder.to_path_buf())
    }
}

/// A path made absolute and canonical when it exists (symlinks resolved),
/// so that the same file always has the same key.
pub fn normalize(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    // A file that does not exist (any more): canonicalize its folder.
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => match parent.canonicalize() {
            Ok(parent) => parent.join(name),
            Err(_) => path.to_path_buf(),
        },
        _ => path.to_path_buf(),
    }
}

/// Where the read-only support files live: the built-in metamodel (opened
/// by go-to-definition) and the rules' explanations (linked from each
/// diagnostic). One folder per kozo version, in the system's temp folder.
pub fn support_dir() -> PathBuf {
    std::env::temp_dir().join(format!("kozo-{}", env!("CARGO_PKG_VERSION")))
}

/// Writes `text` to `dir/name`, read-only, unless it is already there.
pub fn write_read_only(dir: &Path, name: &str, text: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
        if path.exists() {
            let mut permissions = std::fs::metadata(&path)?.permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            permissions.set_readonly(false);
            std::fs::set_permissions(&path, permissions)?;
        }
        std::fs::write(&path, text)?;
    }
    let mut permissions = std::fs::metadata(&path)?.permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions)?;
    normalize(&path).canonicalize().or(Ok(path))
}

/// Every rule's explanation as one Markdown page, each under a heading
/// whose anchor is the rule's name.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# kozo rules\n\nThe explanations `kozo explain RULE` prints, for the language server's diagnostics to link to.\n\n",
    );
    for rule in Rule::ALL {
        out.push_str(&format!("<a id=\"{}\"></a>\n\n", rule.name()));
        out.push_str(rule.doc().explanation.trim_end());
        out.push_str(&format!(
            "\n\nDefault severity: {}. Change it in kozo.toml: `[rules] {} = \"off\"`.\n\n",
            rule.default_severity().as_str(),
            rule.name()
        ));
    }
    out
}
