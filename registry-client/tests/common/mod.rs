//! What the registry tests share: the recorded transcripts, a retry policy quick enough for
//! tests, and copies of the sample repository.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use tidings_registry::RetryPolicy;

/// The exchanges of a recorded transcript in `tests/transcripts/` (`karapace.jsonl`,
/// `karapace-2.jsonl`), in order.
pub(crate) fn transcript(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/transcripts")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the transcript is missing at {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `retries` retries, milliseconds apart.
pub(crate) fn quick(retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries: retries,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
    }
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
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

/// The sample repository, copied, with `extra` appended to its tidings.toml.
pub(crate) fn sample_project(extra: &str) -> tempfile::TempDir {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("schemas"), &dir.path().join("schemas"));
    let config = std::fs::read_to_string(root.join("tidings.toml")).unwrap();
    std::fs::write(dir.path().join("tidings.toml"), config + extra).unwrap();
    dir
}
