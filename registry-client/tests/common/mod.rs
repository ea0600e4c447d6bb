//! What the registry tests share: the recorded transcripts, a retry policy quick enough for
//! tests, and copies of the sample repository.
#![allow(dead_code)]

use std::path::PathBuf;
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

#[allow(unused_imports)] // Not every test binary that includes this module copies the sample.
pub(crate) use tidings_tests::sample_project;
