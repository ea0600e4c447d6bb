//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const EXIT_STATUS: &str = "\
Exit status:
  0  ok: compatible, nothing found
  1  the run worked and found incompatibilities
  2  error: bad usage, an unreadable or invalid schema";

/// Versioned domain events: schema compatibility checks at Confluent's seven levels.
#[derive(Debug, Parser)]
#[command(name = "tidings", version, about, after_help = EXIT_STATUS)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check a new schema version against the previous ones.
    #[command(after_help = EXIT_STATUS)]
    Compat(CompatArgs),
}

/// `tidings compat [--level LEVEL] OLD... NEW`
#[derive(Debug, clap::Args)]
pub(crate) struct CompatArgs {
    /// Compatibility level: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL,
    /// FULL_TRANSITIVE or NONE (case-insensitive).
    #[arg(long, short, default_value = "BACKWARD", value_parser = parse_level)]
    pub(crate) level: tidings_schema::compat::Level,

    /// How JSON Schema content-model changes are judged.
    #[arg(long, value_enum, default_value_t = PolicyArg::Strict)]
    pub(crate) policy: PolicyArg,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,

    /// Schema format of every file; by default taken from the extension (.avsc Avro, .json JSON Schema).
    #[arg(long = "type", value_enum)]
    pub(crate) schema_type: Option<SchemaType>,

    /// The previous versions, oldest first, then the new version.
    #[arg(required = true, num_args = 2.., value_name = "OLD... NEW")]
    pub(crate) files: Vec<PathBuf>,
}

fn parse_level(text: &str) -> Result<tidings_schema::compat::Level, String> {
    text.parse()
        .map_err(|e: tidings_schema::compat::UnknownLevel| e.to_string())
}

/// `--policy`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PolicyArg {
    /// Confluent's default: properties may not appear in or vanish from open content models.
    Strict,
    /// Also accept content-model changes that are safe when producers send only declared properties.
    Lenient,
}

/// `--format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// `path:line:col: message (RULE)`, one line per finding.
    Text,
    /// One JSON document (see the README for its shape).
    Json,
}

/// `--type`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SchemaType {
    /// Avro (.avsc)
    Avro,
    /// JSON Schema (.json)
    Json,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
