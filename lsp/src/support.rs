//! The server's support files: read-only copies of the built-in metamodel
//! (`society5.kozo`, opened by go-to-definition) and of each rule's
//! explanation (`rules/<rule>.md`, linked from each diagnostic), for editors
//! that can only open files by path.
//!
//! They live in a private per-user, per-version cache folder,
//! `$XDG_CACHE_HOME/kozo/<version>` (else `~/.cache/kozo/<version>`). A
//! shared, predictable folder would let another local user plant a symlink
//! there and make the server overwrite a file of their choosing, so:
//! - each folder the server makes there is created with mode 0700 and, before
//!   use, checked to be a real folder (not a symlink) owned by the user, and
//!   made private again when it is not;
//! - a file is written to a new temporary file (`O_CREAT | O_EXCL`, which
//!   never follows a symlink) that is then renamed over the old name, which
//!   replaces a planted symlink rather than writing through it;
//! - an existing copy is opened with `O_NOFOLLOW` and compared with the
//!   embedded text at every start: a copy that differs (edited by a user
//!   with the privileges to ignore its read-only mode) is rewritten.
//!
//! Editors that can show a document without a file (VS Code, through the
//! extension's `kozo:` documents) get the same texts from [`text`] by the
//! `kozo/supportText` request instead.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use kozo_engine::Rule;

/// The file name of the built-in metamodel's copy.
pub const BUILTIN_NAME: &str = "society5.kozo";

/// The file name of the built-in ArchiMate metamodel's copy.
pub const ARCHIMATE_NAME: &str = "archimate.kozo";

/// The folder of the rules' explanations, one file per rule.
pub const RULES_FOLDER: &str = "rules";

/// The support files once written: where they are.
#[derive(Debug, Clone)]
pub struct Support {
    /// The built-in metamodel's copy.
    pub builtin: PathBuf,
    /// The built-in ArchiMate metamodel's copy.
    pub archimate: PathBuf,
    /// The folder holding `<rule>.md` for every rule.
    pub rules: PathBuf,
}

impl Support {
    /// The `file:` link to one rule's explanation, with `{rule}` standing for
    /// the rule's name (see [`rule_href`]).
    pub fn rules_template(&self) -> Option<String> {
        let uri = tower_lsp_server::ls_types::Uri::from_file_path(self.rules.join("x.md"))?;
        let text = uri.as_str();
        let base = text.strip_suffix("x.md")?;
        Some(format!("{base}{{rule}}.md"))
    }
}

/// The link to `rule`'s explanation from a template: `{rule}` is replaced by
/// the rule's name, and a template without it gets the name appended (a
/// base such as `https://example.org/rules.md#`).
pub fn rule_href(template: &str, rule: Rule) -> String {
    if template.contains("{rule}") {
        template.replace("{rule}", rule.name())
    } else {
        format!("{template}{}", rule.name())
    }
}

/// The private cache folder of this version of kozo, from the environment:
/// `XDG_CACHE_HOME` when it is an absolute path, else `~/.cache` (on
/// Windows, `%LOCALAPPDATA%`). None when there is no home folder.
pub fn cache_dir() -> Option<PathBuf> {
    cache_dir_from(|name| std::env::var_os(name))
}

fn cache_dir_from(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let absolute = |name: &str| var(name).map(PathBuf::from).filter(|p| p.is_absolute());
    let base = if cfg!(windows) {
        absolute("LOCALAPPDATA")?
    } else {
        absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|h| h.join(".cache")))?
    };
    Some(base.join("kozo").join(env!("CARGO_PKG_VERSION")))
}

/// Writes (or checks and repairs) every support file under `dir`, which is
/// [`cache_dir`] outside tests. Folders between the cache base and `dir`'s
/// parent are created as needed; `dir` and its parent (`kozo`) are private.
pub fn install(dir: &Path) -> Result<Support, String> {
    let parent = dir
        .parent()
        .ok_or_else(|| format!("{}: not a folder for the cache", dir.display()))?;
    if let Some(base) = parent.parent() {
        std::fs::create_dir_all(base)
            .map_err(|e| format!("cannot create {}: {e}", base.display()))?;
    }
    private_dir(parent)?;
    private_dir(dir)?;
    let rules = dir.join(RULES_FOLDER);
    private_dir(&rules)?;
    let builtin = write_verified(dir, BUILTIN_NAME, kozo_engine::builtin::SOCIETY5_SOURCE)
        .map_err(|e| format!("cannot write {}: {e}", dir.join(BUILTIN_NAME).display()))?;
    let archimate = write_verified(dir, ARCHIMATE_NAME, kozo_engine::builtin::ARCHIMATE_SOURCE)
        .map_err(|e| format!("cannot write {}: {e}", dir.join(ARCHIMATE_NAME).display()))?;
    for rule in Rule::ALL {
        let name = format!("{}.md", rule.name());
        write_verified(&rules, &name, &rule_markdown(*rule))
            .map_err(|e| format!("cannot write {}: {e}", rules.join(&name).display()))?;
    }
    Ok(Support {
        builtin: crate::disk::normalize(&builtin),
        archimate: crate::disk::normalize(&archimate),
        rules: crate::disk::normalize(&rules),
    })
}

/// One rule's explanation as a Markdown page of its own, so that a link to
/// it opens on the rule.
pub fn rule_markdown(rule: Rule) -> String {
    let mut out = rule.doc().explanation.trim_end().to_string();
    out.push_str(&format!(
        "\n\nDefault severity: {}. Change it in kozo.toml: `[rules] {} = \"off\"`.\n",
        rule.default_severity().as_str(),
        rule.name()
    ));
    out
}

/// A support file's text by its path in the cache folder
/// (`society5.kozo`, `rules/<rule>.md`), for editors that show it without
/// a file. A leading `/` and a `builtin/` folder are accepted too.
pub fn text(path: &str) -> Option<String> {
    let path = path.trim_start_matches('/');
    let path = path.strip_prefix("builtin/").unwrap_or(path);
    if path == BUILTIN_NAME {
        return Some(kozo_engine::builtin::SOCIETY5_SOURCE.to_string());
    }
    if path == ARCHIMATE_NAME {
        return Some(kozo_engine::builtin::ARCHIMATE_SOURCE.to_string());
    }
    let name = path
        .strip_prefix(RULES_FOLDER)?
        .strip_prefix('/')?
        .strip_suffix(".md")?;
    Rule::from_name(name).map(rule_markdown)
}

/// Makes `dir` (its parent must exist) unless it is there, then checks that
/// it is a folder, not a symlink, owned by the user, and private (mode 0700,
/// set when it is not).
fn private_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    match builder.create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(format!("cannot create {}: {e}", dir.display())),
    }
    let meta = std::fs::symlink_metadata(dir)
        .map_err(|e| format!("cannot inspect {}: {e}", dir.display()))?;
    if meta.file_type().is_symlink() {
        return Err(format!(
            "{} is a symbolic link; refusing to use it (remove it and restart the server)",
            dir.display()
        ));
    }
    if !meta.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let me = current_uid();
        if meta.uid() != me {
            return Err(format!(
                "{} belongs to user {}, not to you (user {me}); refusing to use it",
                dir.display(),
                meta.uid()
            ));
        }
        if meta.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| format!("cannot make {} private: {e}", dir.display()))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// `dir/name` holding exactly `text`, read-only: kept when it already does
/// (a regular file, not a symlink), else written anew atomically.
fn write_verified(dir: &Path, name: &str, text: &str) -> std::io::Result<PathBuf> {
    let path = dir.join(name);
    if holds_exactly(&path, text) {
        return Ok(path);
    }
    let temp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        // `create_new` is O_CREAT | O_EXCL: it fails on any existing entry,
        // a symlink included, rather than following it.
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o444).custom_flags(libc::O_NOFOLLOW);
        }
        let mut file = options.open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        #[cfg(not(unix))]
        {
            let mut permissions = std::fs::metadata(&temp)?.permissions();
            permissions.set_readonly(true);
            std::fs::set_permissions(&temp, permissions)?;
            // Windows cannot rename over a read-only file.
            if let Ok(old) = std::fs::symlink_metadata(&path) {
                let mut p = old.permissions();
                #[allow(clippy::permissions_set_readonly_false)]
                p.set_readonly(false);
                let _ = std::fs::set_permissions(&path, p);
            }
        }
        // A rename replaces whatever entry has the name, a symlink
        // included, and never writes through it.
        std::fs::rename(&temp, &path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    Ok(path)
}

/// True when `path` is a regular file (not a symlink) owned by the user,
/// read-only, holding exactly `text`.
fn holds_exactly(path: &Path, text: &str) -> bool {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let Ok(file) = options.open(path) else {
        return false;
    };
    let Ok(meta) = file.metadata() else {
        return false;
    };
    if !meta.is_file() || meta.len() != text.len() as u64 || !meta.permissions().readonly() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != current_uid() || meta.mode() & 0o222 != 0 {
            return false;
        }
    }
    let mut bytes = Vec::with_capacity(text.len());
    // One byte more than expected tells a file that grew meanwhile.
    if file
        .take(text.len() as u64 + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return false;
    }
    bytes == text.as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version_dir(base: &Path) -> PathBuf {
        base.join("kozo").join(env!("CARGO_PKG_VERSION"))
    }

    #[test]
    fn cache_dir_follows_xdg_then_home() {
        if cfg!(windows) {
            return;
        }
        let v = env!("CARGO_PKG_VERSION");
        let env = |xdg: Option<&str>, home: Option<&str>| {
            cache_dir_from(|name| match name {
                "XDG_CACHE_HOME" => xdg.map(Into::into),
                "HOME" => home.map(Into::into),
                _ => None,
            })
        };
        assert_eq!(
            env(Some("/c"), Some("/h")),
            Some(PathBuf::from(format!("/c/kozo/{v}")))
        );
        assert_eq!(
            env(None, Some("/h")),
            Some(PathBuf::from(format!("/h/.cache/kozo/{v}")))
        );
        // A relative XDG_CACHE_HOME is ignored, as the specification says.
        assert_eq!(
            env(Some("rel"), Some("/h")),
            Some(PathBuf::from(format!("/h/.cache/kozo/{v}")))
        );
        assert_eq!(env(None, None), None);
    }

    #[test]
    fn installs_private_read_only_copies() {
        let base = tempfile::tempdir().unwrap();
        let dir = version_dir(base.path());
        let support = install(&dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(&support.builtin).unwrap(),
            kozo_engine::builtin::SOCIETY5_SOURCE
        );
        assert_eq!(
            std::fs::read_to_string(&support.archimate).unwrap(),
            kozo_engine::builtin::ARCHIMATE_SOURCE
        );
        assert_eq!(
            super::text("builtin/archimate.kozo").as_deref(),
            Some(kozo_engine::builtin::ARCHIMATE_SOURCE)
        );
        for rule in Rule::ALL {
            let text =
                std::fs::read_to_string(support.rules.join(format!("{}.md", rule.name()))).unwrap();
            assert!(text.starts_with(&format!("## {}", rule.name())), "{text}");
            assert_eq!(
                super::text(&format!("rules/{}.md", rule.name())),
                Some(text)
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(dir.parent().unwrap()), 0o700);
            assert_eq!(mode(&support.rules), 0o700);
            assert_eq!(mode(&support.builtin), 0o444);
        }
        // No temporary file is left behind.
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        // A second start keeps the files.
        install(&dir).unwrap();
    }

    #[test]
    fn a_modified_copy_is_rewritten() {
        let base = tempfile::tempdir().unwrap();
        let dir = version_dir(base.path());
        let support = install(&dir).unwrap();
        let mut permissions = std::fs::metadata(&support.builtin).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(&support.builtin, permissions).unwrap();
        std::fs::write(&support.builtin, "system planted\n").unwrap();
        let rule = support.rules.join("cycle.md");
        std::fs::remove_file(&rule).unwrap();
        std::fs::write(&rule, "## cycle\n\nAll cycles are fine.\n").unwrap();
        install(&dir).unwrap();
        assert_eq!(
            std::fs::read_to_string(&support.builtin).unwrap(),
            kozo_engine::builtin::SOCIETY5_SOURCE
        );
        assert_eq!(
            std::fs::read_to_string(&rule).unwrap(),
            rule_markdown(Rule::Cycle)
        );
        assert!(std::fs::metadata(&support.builtin)
            .unwrap()
            .permissions()
            .readonly());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_is_replaced_not_written_through() {
        let base = tempfile::tempdir().unwrap();
        let victim = base.path().join("victim.txt");
        std::fs::write(&victim, "precious\n").unwrap();
        let dir = version_dir(base.path());
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(&victim, dir.join(BUILTIN_NAME)).unwrap();
        std::fs::create_dir_all(dir.join(RULES_FOLDER)).unwrap();
        std::os::unix::fs::symlink(&victim, dir.join(RULES_FOLDER).join("cycle.md")).unwrap();
        let support = install(&dir).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777,
            0o644
        );
        for path in [support.builtin.clone(), support.rules.join("cycle.md")] {
            let meta = std::fs::symlink_metadata(&path).unwrap();
            assert!(meta.is_file(), "{} is still a symlink", path.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_folder_is_refused() {
        let base = tempfile::tempdir().unwrap();
        let elsewhere = base.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let dir = version_dir(base.path());
        std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &dir).unwrap();
        let err = install(&dir).unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        // The same for the `kozo` folder above it.
        let base = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&elsewhere, base.path().join("kozo")).unwrap();
        let err = install(&version_dir(base.path())).unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_shared_folder_is_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let base = tempfile::tempdir().unwrap();
        let dir = version_dir(base.path());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        install(&dir).unwrap();
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }

    /// A folder owned by another user is refused. Only root can give a
    /// folder away, so the test runs only as root.
    #[cfg(unix)]
    #[test]
    fn a_folder_owned_by_someone_else_is_refused() {
        if current_uid() != 0 {
            return;
        }
        let base = tempfile::tempdir().unwrap();
        let dir = version_dir(base.path());
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
        let err = install(&dir).unwrap_err();
        assert!(err.contains("belongs to user 65534"), "{err}");
        assert!(!dir.join(BUILTIN_NAME).exists());
    }

    #[test]
    fn texts_by_path() {
        assert_eq!(
            text("/builtin/society5.kozo").as_deref(),
            Some(kozo_engine::builtin::SOCIETY5_SOURCE)
        );
        assert!(text("society5.kozo").is_some());
        assert!(text("rules/cycle.md").unwrap().starts_with("## cycle"));
        assert_eq!(text("rules/no-such-rule.md"), None);
        assert_eq!(text("rules/../../etc/passwd"), None);
        assert_eq!(text("rules/cycle"), None);
        assert_eq!(text(""), None);
    }

    #[test]
    fn rule_links() {
        assert_eq!(
            rule_href("kozo:/rules/{rule}.md", Rule::Cycle),
            "kozo:/rules/cycle.md"
        );
        assert_eq!(
            rule_href("https://example.org/rules.md#", Rule::Cycle),
            "https://example.org/rules.md#cycle"
        );
        let support = Support {
            builtin: PathBuf::from("/c/society5.kozo"),
            archimate: PathBuf::from("/c/archimate.kozo"),
            rules: PathBuf::from("/c/my rules"),
        };
        if cfg!(unix) {
            assert_eq!(
                support.rules_template().as_deref(),
                Some("file:///c/my%20rules/{rule}.md")
            );
        }
    }
}
