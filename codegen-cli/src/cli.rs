//! The command line, declared with clap.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

const EXIT_STATUS: &str = "\
Exit status:
  0  ok: compatible, nothing found
  1  the run worked and found incompatibilities
  2  error: bad usage, an unreadable or invalid schema, an unreachable registry";

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
    #[command(
        override_usage = "tidings compat [OPTIONS] <OLD>... <NEW>",
        after_help = "Exit status:\n  0  compatible\n  1  the run worked and found incompatibilities (every finding is printed)\n  2  error: bad usage, an unreadable or invalid schema"
    )]
    Compat(CompatArgs),
    /// Check naming and layout rules of the schema repository.
    #[command(
        after_help = "Exit status:\n  0  no rule found an error (warnings do not fail)\n  1  a rule found an error\n  2  error: bad usage, an invalid tidings.toml, an unreadable schema"
    )]
    Lint(LintArgs),
    /// Check every event's versions at its compatibility level, and against a git baseline.
    #[command(
        after_help = "Exit status:\n  0  every event passed (warnings do not fail)\n  1  an incompatible version, a lint error, a published version changed or removed, or\n     (with --registry) a version the registry would refuse\n  2  error: bad usage, an invalid tidings.toml, an unreadable schema, an unreachable registry"
    )]
    Check(CheckArgs),
    /// Generate Rust types for every event: structs per version, upcasters, domain enums.
    #[command(
        after_help = "Exit status:\n  0  generated (or, with --check, up to date)\n  1  with --check: the files on disk are stale\n  2  error"
    )]
    Generate(GenerateArgs),
    /// Show every difference between two versions and which levels it breaks.
    #[command(
        after_help = "Exit status:\n  0  the files were compared (whatever the differences)\n  2  error: bad usage, an unreadable or invalid schema"
    )]
    Diff(DiffArgs),
    /// Register every new schema version, after checking that the registry would accept all of them.
    #[command(
        after_help = "Exit status:\n  0  everything is in the registry (or, with --dry-run, could be)\n  1  nothing was registered: a check failed or the registry drifted from the repository\n  2  error: bad usage, an invalid schema, a registry that failed (the report says what was registered)"
    )]
    Publish(PublishArgs),
    /// The embedded local registry.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Print a shell completion script (`tidings completions bash > /etc/bash_completion.d/tidings`).
    #[command(
        after_help = "Exit status:\n  0  the script was printed\n  2  error: an unknown shell"
    )]
    Completions(CompletionsArgs),
}

/// `tidings completions`
#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub(crate) shell: clap_complete::Shell,
}

/// Which registry to talk to, and how.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RegistryArgs {
    /// Seconds one request may take.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub(crate) timeout: u64,

    /// A CA certificate (PEM) to trust besides the system's.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_cert: Option<PathBuf>,

    /// Requests at once.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) concurrency: u16,
}

/// `tidings publish`
#[derive(Debug, clap::Args)]
pub(crate) struct PublishArgs {
    #[command(flatten)]
    pub(crate) project: ProjectArgs,

    /// The registry's URL; by default `TIDINGS_REGISTRY_URL`, then `[registry] url` of
    /// tidings.toml, then the embedded local registry in `.tidings/registry/`.
    #[arg(long, value_name = "URL")]
    pub(crate) registry: Option<String>,

    #[command(flatten)]
    pub(crate) connection: RegistryArgs,

    /// Check everything and show what would be registered; register nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,

    /// Before registering, set each subject's compatibility level to the configured one.
    #[arg(long)]
    pub(crate) set_levels: bool,

    /// Skip the lint rules (by default `publish` runs `check`'s whole gate, lint included).
    #[arg(long)]
    pub(crate) no_lint: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

/// `tidings registry ...`
#[derive(Debug, Subcommand)]
pub(crate) enum RegistryCommand {
    /// Serve the local registry over the Confluent REST API until interrupted.
    #[command(
        after_help = "Exit status:\n  0  stopped (Ctrl-C)\n  2  error: the address is taken, the data folder is unreadable or damaged"
    )]
    Serve(ServeArgs),
}

/// `tidings registry serve`
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) project: ProjectArgs,

    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8081", value_name = "ADDR")]
    pub(crate) listen: std::net::SocketAddr,

    /// The data folder; by default `.tidings/registry/` in the project.
    #[arg(long, value_name = "DIR")]
    pub(crate) data: Option<PathBuf>,
}

/// Where the project is.
#[derive(Debug, clap::Args)]
pub(crate) struct ProjectArgs {
    /// Run as if started in DIR: the project is the nearest folder at or above it that holds
    /// tidings.toml.
    #[arg(long, short = 'C', default_value = ".", value_name = "DIR")]
    pub(crate) project: PathBuf,
}

impl ProjectArgs {
    /// The project folder: the nearest one holding tidings.toml, from `-C` (or here) upwards;
    /// `-C` itself when there is none (the error then names it).
    pub(crate) fn root(&self) -> PathBuf {
        tidings_schema::repo::find_project(&self.project).unwrap_or_else(|| self.project.clone())
    }

    /// The project's repository, its paths shown relative to the folder the command runs in.
    pub(crate) fn open(&self) -> anyhow::Result<tidings_schema::repo::Repository> {
        use anyhow::Context;
        let mut repo = tidings_schema::repo::Repository::open(&self.root())
            .context("cannot open the schema repository")?;
        repo.show_paths_from(Path::new("."));
        Ok(repo)
    }
}

/// `tidings lint`
#[derive(Debug, clap::Args)]
pub(crate) struct LintArgs {
    #[command(flatten)]
    pub(crate) project: ProjectArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub(crate) format: ReportFormat,
}

/// `tidings check`
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) project: ProjectArgs,

    /// Compare with the schema root at this git revision: versions there are published and must
    /// not change or disappear; new versions are checked against them.
    #[arg(long, value_name = "GIT_REF")]
    pub(crate) against: Option<String>,

    /// Skip the lint rules (by default `check` runs them too, so one command gates a change).
    #[arg(long)]
    pub(crate) no_lint: bool,

    /// Also check against a registry: new versions at the level the registry has for each
    /// subject, and drift (published versions the repository lacks or changed). Without a
    /// URL: `TIDINGS_REGISTRY_URL`, `[registry] url`, or the embedded local registry.
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    pub(crate) registry: Option<String>,

    #[command(flatten)]
    pub(crate) connection: RegistryArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub(crate) format: ReportFormat,
}

/// Where `tidings generate` writes when `--out` is not given.
pub(crate) const DEFAULT_GENERATE_OUT: &str = "src/events";

/// `tidings generate`
#[derive(Debug, clap::Args)]
pub(crate) struct GenerateArgs {
    #[command(flatten)]
    pub(crate) project: ProjectArgs,

    /// Where to write `mod.rs` and one file per domain, relative to the project.
    #[arg(long, default_value = DEFAULT_GENERATE_OUT, value_name = "DIR")]
    pub(crate) out: PathBuf,

    /// Write nothing; exit 1 when the files on disk differ from what would be generated.
    #[arg(long)]
    pub(crate) check: bool,

    /// Type uuids as `tidings::uuid::Uuid` instead of `String`.
    #[arg(long)]
    pub(crate) uuid: bool,
}

/// `--format` of lint and check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// `path:line:col: message (RULE)`, one line per finding.
    Text,
    /// One JSON document.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, one test case per event.
    Junit,
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

    /// An Avro file defining named types the schemas use (repeatable). Inside a project, the
    /// shared folders of its schema root (`schemas/_shared/`) are read without this.
    #[arg(long = "reference", value_name = "FILE")]
    pub(crate) references: Vec<PathBuf>,

    /// The previous versions, oldest first, then the new version.
    #[arg(required = true, num_args = 2.., value_names = ["OLD", "NEW"])]
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

impl From<PolicyArg> for tidings_schema::compat::Policy {
    fn from(policy: PolicyArg) -> Self {
        match policy {
            PolicyArg::Strict => tidings_schema::compat::Policy::Strict,
            PolicyArg::Lenient => tidings_schema::compat::Policy::Lenient,
        }
    }
}

/// `tidings diff OLD NEW`
#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// How JSON Schema content-model changes are judged.
    #[arg(long, value_enum, default_value_t = PolicyArg::Strict)]
    pub(crate) policy: PolicyArg,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,

    /// Schema format of both files; by default taken from the extension.
    #[arg(long = "type", value_enum)]
    pub(crate) schema_type: Option<SchemaType>,

    /// An Avro file defining named types the schemas use (repeatable).
    #[arg(long = "reference", value_name = "FILE")]
    pub(crate) references: Vec<PathBuf>,

    /// The old version.
    pub(crate) old: PathBuf,

    /// The new version.
    pub(crate) new: PathBuf,
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
