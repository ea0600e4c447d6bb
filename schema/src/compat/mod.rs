//! The compatibility engine: a candidate version against the previous ones, at one of
//! Confluent's seven levels, with every finding.
//!
//! Which pairs a level checks, and in which direction, is the table in [`Level::directions`] and
//! [`Level::is_transitive`]; the format-specific checkers in [`avro`] and [`json`] know nothing
//! of levels.

pub mod avro;
pub mod diff;
pub mod json;
mod report;

use std::borrow::Borrow;
use std::fmt;
use std::hash::Hasher;
use std::str::FromStr;

/// The model type lives at the crate root (`tidings_schema::SchemaDoc`); named here too, as
/// before.
pub use crate::SchemaDoc;
pub use report::{Finding, Location, Report};

/// Confluent Schema Registry's compatibility levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", try_from = "String")]
pub enum Level {
    /// The new version reads data of the latest one.
    Backward,
    /// The new version reads data of every previous one.
    BackwardTransitive,
    /// The latest version reads data of the new one.
    Forward,
    /// Every previous version reads data of the new one.
    ForwardTransitive,
    /// Backward and forward against the latest version.
    Full,
    /// Backward and forward against every previous version.
    FullTransitive,
    /// No check.
    None,
}

/// Which way data flows in a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Consumers on the new version read data written with an old one.
    Backward,
    /// Consumers on an old version read data written with the new one.
    Forward,
}

impl Level {
    /// Every level, in Confluent's order.
    pub const ALL: [Level; 7] = [
        Level::Backward,
        Level::BackwardTransitive,
        Level::Forward,
        Level::ForwardTransitive,
        Level::Full,
        Level::FullTransitive,
        Level::None,
    ];

    /// The directions this level checks.
    pub fn directions(self) -> &'static [Direction] {
        match self {
            Level::Backward | Level::BackwardTransitive => &[Direction::Backward],
            Level::Forward | Level::ForwardTransitive => &[Direction::Forward],
            Level::Full | Level::FullTransitive => &[Direction::Backward, Direction::Forward],
            Level::None => &[],
        }
    }

    /// Whether every previous version is checked, not only the latest.
    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            Level::BackwardTransitive | Level::ForwardTransitive | Level::FullTransitive
        )
    }

    /// Confluent's spelling (`FULL_TRANSITIVE`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Backward => "BACKWARD",
            Level::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Level::Forward => "FORWARD",
            Level::ForwardTransitive => "FORWARD_TRANSITIVE",
            Level::Full => "FULL",
            Level::FullTransitive => "FULL_TRANSITIVE",
            Level::None => "NONE",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level name that is not one of the seven.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown compatibility level `{0}`: expected one of BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE")]
pub struct UnknownLevel(pub String);

impl TryFrom<String> for Level {
    type Error = UnknownLevel;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for Level {
    type Err = UnknownLevel;

    /// Case-insensitive; `-` may stand for `_` (`full-transitive`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_uppercase().replace('-', "_");
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == wanted)
            .ok_or_else(|| UnknownLevel(s.to_owned()))
    }
}

/// How strictly JSON Schema changes to content models are judged (Confluent's policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Properties may not appear in or vanish from open content models; the registry default.
    #[default]
    Strict,
    /// Also accepts property and additional-property changes that are safe only when producers
    /// never send undeclared properties.
    Lenient,
}

/// Options of a check.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The JSON Schema policy.
    pub policy: Policy,
}

/// Checks `new` against `previous` (oldest first) at `level`, with the default options.
pub fn check<D: Borrow<SchemaDoc>>(previous: &[D], new: &SchemaDoc, level: Level) -> Report {
    check_with(previous, new, level, Options::default())
}

/// Whether [`check_with`] would find nothing: the verdict alone, which a registry deciding to
/// accept or refuse needs (Avro stops at the first problem; no finding is written).
pub fn is_compatible<D: Borrow<SchemaDoc>>(
    previous: &[D],
    new: &SchemaDoc,
    level: Level,
    options: Options,
) -> bool {
    let compared = if level.is_transitive() {
        previous
    } else {
        &previous[previous.len().saturating_sub(1)..]
    };
    compared.iter().rev().all(|old| {
        level
            .directions()
            .iter()
            .all(|&direction| report::compatible(old.borrow(), new, direction, options))
    })
}

/// Checks `new` against `previous` (oldest first) at `level`. Non-transitive levels look at the
/// latest previous version only; transitive ones at every one, newest first. `previous` holds
/// the schemas or references to them (a repository compares the versions it holds in place).
pub fn check_with<D: Borrow<SchemaDoc>>(
    previous: &[D],
    new: &SchemaDoc,
    level: Level,
    options: Options,
) -> Report {
    let mut report = Report::new(level);
    let indices: Vec<usize> = if level.is_transitive() {
        (0..previous.len()).rev().collect()
    } else {
        previous.len().checked_sub(1).into_iter().collect()
    };
    for index in indices {
        for &direction in level.directions() {
            report.extend(report::compare(
                previous[index].borrow(),
                index,
                new,
                direction,
                options,
            ));
        }
    }
    report
}

/// The engines memoise pairs of type or node ids, small dense integers: a multiply-and-rotate
/// hash is enough, and much cheaper than SipHash on the hot path.
#[derive(Default)]
pub(crate) struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}
