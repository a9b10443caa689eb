//! The loader against the files a careless user or an attacker leaves in a
//! workspace: FIFOs, devices, links out of the root, huge files.

use std::path::Path;

use super::*;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "kozo.toml", "");
    write(dir.path(), "a.kozo", "system a\n");
    dir
}

fn root_of(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().canonicalize().unwrap()
}

/// The problems of a read, as `(relative path, message)`.
fn problems(read: &Read) -> Vec<(String, String)> {
    read.problems
        .iter()
        .map(|p| (relative(&read.root, &p.path), p.message.clone()))
        .collect()
}

fn names(read: &Read) -> Vec<&str> {
    read.files.iter().map(|(rel, _)| rel.as_str()).collect()
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path for the call's duration.
    let status = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(status, 0, "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_is_reported_not_opened_and_blocks_nothing() {
    let dir = workspace();
    let root = root_of(&dir);
    mkfifo(&root.join("x.kozo"));
    let read = read(&root, &|_| true);
    assert_eq!(names(&read), ["a.kozo"]);
    assert_eq!(
        problems(&read),
        [(
            "x.kozo".to_string(),
            "a FIFO, not a regular file (not read)".to_string()
        )]
    );
}

#[cfg(unix)]
#[test]
fn a_config_that_is_a_fifo_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = root_of(&dir);
    write(&root, "a.kozo", "system a\n");
    mkfifo(&root.join(CONFIG_FILE));
    let err = read_config(&root).unwrap_err();
    assert!(err.0.contains("a FIFO, not a regular file"), "{err}");
}

#[cfg(unix)]
#[test]
fn links_are_followed_only_to_regular_files_inside_the_root() {
    let dir = workspace();
    let root = root_of(&dir);
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.kozo", "system secret\n");
    write(&root, "models/inner.kozo", "system inner\n");
    let link = |target: &Path, name: &str| std::os::unix::fs::symlink(target, root.join(name));
    link(Path::new("/dev/zero"), "zero.kozo").unwrap();
    link(Path::new("/proc/self/environ"), "env.kozo").unwrap();
    link(&outside.path().join("secret.kozo"), "secret.kozo").unwrap();
    link(&root.join("models/inner.kozo"), "inner.kozo").unwrap();
    link(&root.join("gone.kozo"), "dangling.kozo").unwrap();
    link(&root.join("models"), "folder.kozo").unwrap();
    let read = read(&root, &|_| true);
    assert_eq!(names(&read), ["a.kozo", "inner.kozo", "models/inner.kozo"]);
    let found = problems(&read);
    let message = |name: &str| {
        found
            .iter()
            .find(|(rel, _)| rel == name)
            .map(|(_, m)| m.as_str())
            .unwrap_or_else(|| panic!("no problem for {name} in {found:?}"))
    };
    assert_eq!(
        message("zero.kozo"),
        "a symbolic link to `/dev/zero`, outside the workspace (not followed)"
    );
    assert!(message("env.kozo").starts_with("a symbolic link to `/proc/"));
    assert!(message("secret.kozo").contains("outside the workspace"));
    assert!(message("dangling.kozo").starts_with("a symbolic link that leads nowhere"));
    assert_eq!(
        message("folder.kozo"),
        "a folder, not a regular file (not read)"
    );
    assert_eq!(found.len(), 5, "{found:?}");
}

#[test]
fn files_over_the_limit_are_reported_and_the_limit_is_configurable() {
    let dir = workspace();
    let root = root_of(&dir);
    let big = format!("system big \"{}\"\n", "x".repeat(2 << 20));
    write(&root, "big.kozo", &big);
    // Under the default 16 MiB limit it is read.
    assert_eq!(names(&read(&root, &|_| true)), ["a.kozo", "big.kozo"]);

    write(&root, CONFIG_FILE, "[limits]\nmax-file-mib = 1\n");
    let read = read(&root, &|_| true);
    assert_eq!(names(&read), ["a.kozo"]);
    assert_eq!(
        problems(&read),
        [(
            "big.kozo".to_string(),
            "larger than 1 MiB (`[limits] max-file-mib` in kozo.toml)".to_string()
        )]
    );
}

#[test]
fn the_total_limit_stops_reading_and_says_so() {
    let dir = workspace();
    let root = root_of(&dir);
    write(&root, CONFIG_FILE, "[limits]\nmax-total-mib = 1\n");
    let part = format!("system p \"{}\"\n", "x".repeat(600 << 10));
    write(&root, "b.kozo", &part);
    write(&root, "c.kozo", &part);
    let read = read(&root, &|_| true);
    assert_eq!(names(&read), ["a.kozo", "b.kozo"]);
    let found = problems(&read);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "c.kozo");
    assert!(found[0].1.contains("larger than 1 MiB in all"), "{found:?}");
}

#[test]
fn an_oversized_config_is_refused() {
    let dir = workspace();
    let root = root_of(&dir);
    write(
        &root,
        CONFIG_FILE,
        &format!("# {}\n", "x".repeat(MAX_CONFIG_BYTES as usize)),
    );
    let err = read_config(&root).unwrap_err();
    assert!(err.0.contains("larger than 1 MiB"), "{err}");
}

#[test]
fn nested_workspaces_are_found_and_not_walked_into() {
    let dir = workspace();
    let root = root_of(&dir);
    write(&root, "sub/kozo.toml", "");
    write(&root, "sub/b.kozo", "system b\n");
    write(&root, "sub/deeper/kozo.toml", "");
    write(&root, "plain/c.kozo", "system c\n");
    write(&root, ".hidden/d.kozo", "system d\n");
    write(&root, "target/e.kozo", "system e\n");
    assert_eq!(
        collect_files(&root),
        [root.join("a.kozo"), root.join("plain/c.kozo")]
    );
    assert_eq!(
        nested_roots(&root),
        [root.join("sub"), root.join("sub/deeper")]
    );
    assert_eq!(
        discover(&root.join("plain")),
        [root.clone(), root.join("sub"), root.join("sub/deeper")][..1]
    );
    assert_eq!(
        discover(&root),
        [root.clone(), root.join("sub"), root.join("sub/deeper")]
    );
    assert_eq!(
        find_root(&root.join("sub/b.kozo")).unwrap(),
        root.join("sub")
    );
}

#[test]
fn load_batches_files_and_reports_non_utf8() {
    let dir = workspace();
    let root = root_of(&dir);
    for n in 0..200 {
        write(
            &root,
            &format!("many/f{n:03}.kozo"),
            &format!("system s{n}\n"),
        );
    }
    std::fs::write(root.join("bad.kozo"), b"system \xff\n").unwrap();
    let loaded = load(&root).unwrap();
    assert_eq!(loaded.analysis.files().count(), 202);
    assert_eq!(loaded.not_utf8, ["bad.kozo"]);
    assert!(loaded.problems.is_empty());
    assert_eq!(loaded.analysis.model().element_ids().count(), 201);
}

#[test]
fn a_folder_without_files_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = root_of(&dir);
    let err = load(&root).map(|_| ()).unwrap_err();
    assert!(err.0.starts_with("no `.kozo` file in"), "{err}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace();
    let root = root_of(&dir);
    write(&root, "locked/b.kozo", "system b\n");
    let locked = root.join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let listed = std::fs::read_dir(&locked).is_ok();
    let read = read(&root, &|_| true);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if listed {
        // The superuser lists any folder: then the files are simply read.
        assert_eq!(names(&read), ["a.kozo", "locked/b.kozo"]);
        eprintln!(
            "warning: running as the superuser; the unreadable-folder case was not exercised"
        );
        return;
    }
    assert_eq!(names(&read), ["a.kozo"]);
    assert_eq!(
        problems(&read),
        [("locked".to_string(), "permission denied".to_string())]
    );
}
