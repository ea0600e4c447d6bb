//! End-to-end tests of the tidings crates live in `tests/`. This library holds what the test
//! suites of several crates share: copies of the sample repository.

use std::path::{Path, PathBuf};

/// The workspace's folder, which holds the sample repository (`tidings.toml`, `schemas/`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Copies the folder `from` to `to`, files and folders below it.
///
/// # Panics
/// A file or folder that cannot be read or written.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The sample repository, copied to a temporary folder, with `extra` appended to its
/// `tidings.toml`.
///
/// # Panics
/// A file or folder that cannot be read or written.
pub fn sample_project(extra: &str) -> tempfile::TempDir {
    let root = workspace_root();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("schemas"), &dir.path().join("schemas"));
    let config = std::fs::read_to_string(root.join("tidings.toml")).unwrap();
    std::fs::write(dir.path().join("tidings.toml"), config + extra).unwrap();
    dir
}
