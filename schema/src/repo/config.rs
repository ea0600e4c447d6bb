//! `tidings.toml`: where the schemas are, which compatibility level applies, how subjects are
//! named, which lint rules run. Unknown keys are errors that name the key, the file and the line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::compat::{Level, Policy};
use crate::source::Pos;

/// The name of the configuration file at the project root.
pub const CONFIG_FILE: &str = "tidings.toml";

/// The project configuration.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The folder that holds `<domain>/<event>/vN.(avsc|json)`, relative to the project root.
    #[serde(default = "default_schema_root")]
    pub schema_root: PathBuf,
    /// The level every event is checked at unless overridden.
    #[serde(default = "default_level")]
    pub compatibility: Level,
    /// The JSON Schema policy.
    #[serde(default)]
    pub policy: Policy,
    /// How subjects are named, as Confluent's serializers do.
    #[serde(default)]
    pub subject_naming: SubjectNaming,
    /// The schema registry, when there is one.
    #[serde(default)]
    pub registry: Option<RegistryConfig>,
    /// Lint rule selection.
    #[serde(default)]
    pub lint: LintConfig,
    /// `[generate]`: options of the code generator, which reads them (so that `tidings generate`
    /// and a build.rs produce the same code); kept as written.
    #[serde(default)]
    pub generate: Option<toml::Table>,
    /// Per-event settings, keyed `domain/event` (`identity/user_registered`).
    #[serde(default)]
    pub events: BTreeMap<String, EventConfig>,
}

fn default_schema_root() -> PathBuf {
    PathBuf::from("schemas")
}

fn default_level() -> Level {
    Level::FullTransitive
}

impl Default for Config {
    fn default() -> Self {
        Config {
            schema_root: default_schema_root(),
            compatibility: default_level(),
            policy: Policy::default(),
            subject_naming: SubjectNaming::default(),
            registry: None,
            lint: LintConfig::default(),
            generate: None,
            events: BTreeMap::new(),
        }
    }
}

/// Confluent's subject name strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectNaming {
    /// `<topic>-value` (TopicNameStrategy, Confluent's default).
    #[default]
    Topic,
    /// `<record full name>` (RecordNameStrategy).
    Record,
    /// `<topic>-<record full name>` (TopicRecordNameStrategy).
    TopicRecord,
}

/// The registry a project publishes to.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegistryConfig {
    /// Base URL of a Confluent-compatible REST API (else `TIDINGS_REGISTRY_URL` or a flag).
    #[serde(default)]
    pub url: Option<String>,
    /// How JSON Schema events that refer to shared files are registered.
    #[serde(default)]
    pub json_references: JsonReferences,
}

/// How a JSON Schema that refers to shared files goes to a registry.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JsonReferences {
    /// As Confluent references: each shared file is a subject of its own (Confluent,
    /// Apicurio, the local registry).
    #[default]
    References,
    /// The shared files bundled under `$defs` of each event's schema, for registries without
    /// JSON Schema references (Karapace: error 44302).
    Bundle,
}

impl Config {
    /// How JSON Schema references are registered.
    pub fn json_references(&self) -> JsonReferences {
        self.registry
            .as_ref()
            .map(|r| r.json_references)
            .unwrap_or_default()
    }
}

/// Settings of one event.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EventConfig {
    /// Its compatibility level, instead of the project's.
    pub compatibility: Option<Level>,
    /// Its topic, instead of `<domain>.<event>`.
    pub topic: Option<String>,
}

/// Which lint rules run where.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// How field and property names are written.
    #[serde(default)]
    pub field_case: FieldCase,
    /// Rules switched off everywhere.
    #[serde(default)]
    pub except: Vec<String>,
    /// Paths (below the schema root) no rule looks at.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Paths (below the schema root) a given rule does not look at, as buf's `ignore_only`.
    #[serde(default)]
    pub ignore_only: BTreeMap<String, Vec<String>>,
}

/// The case of field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldCase {
    /// `order_id`
    #[default]
    Snake,
    /// `orderId`
    Camel,
    /// No rule.
    Any,
}

/// A configuration file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// Where in it, when known.
    pub pos: Option<Pos>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(pos) => write!(f, "{}:{pos}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `tidings.toml` in `project`.
    ///
    /// # Errors
    /// A missing or unreadable file, malformed TOML, unknown keys, values of the wrong kind.
    pub fn load(project: &Path) -> Result<Config, ConfigError> {
        let file = project.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&file).map_err(|e| ConfigError {
            file: file.clone(),
            pos: None,
            message: if e.kind() == std::io::ErrorKind::NotFound {
                format!("no {CONFIG_FILE} here: create one (`schema_root = \"schemas\"` is enough) or run from the project root")
            } else {
                format!("cannot read the file: {e}")
            },
        })?;
        Config::parse(&file, &text)
    }

    /// Parses the text of a configuration file.
    ///
    /// # Errors
    /// See [`Config::load`].
    pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
        let config = toml::from_str::<Config>(text).map_err(|e| ConfigError {
            file: file.to_path_buf(),
            pos: e.span().map(|span| position(text, span.start)),
            message: e.message().trim().replace('\n', " "),
        })?;
        if !stays_inside(&config.schema_root) {
            return Err(ConfigError {
                file: file.to_path_buf(),
                pos: key_position(text, "schema_root"),
                message: format!(
                    "`schema_root = \"{}\"` leaves the project: the schema root must be a folder inside the project (below tidings.toml), such as `schemas`",
                    config.schema_root.display()
                ),
            });
        }
        Ok(config)
    }

    /// Where `key` is written in the text of a configuration file (its first mention).
    pub fn position_of(text: &str, key: &str) -> Option<Pos> {
        key_position(text, key)
    }

    /// The level an event is checked at.
    pub fn level_of(&self, event_key: &str) -> Level {
        self.events
            .get(event_key)
            .and_then(|e| e.compatibility)
            .unwrap_or(self.compatibility)
    }

    /// The topic of an event: configured, or `<domain>.<event>`.
    pub fn topic_of(&self, domain: &str, event: &str) -> String {
        self.events
            .get(&format!("{domain}/{event}"))
            .and_then(|e| e.topic.clone())
            .unwrap_or_else(|| format!("{domain}.{event}"))
    }

    /// The subject of an event under the configured strategy.
    pub fn subject_of(&self, domain: &str, event: &str, record_fullname: &str) -> String {
        let topic = self.topic_of(domain, event);
        match self.subject_naming {
            SubjectNaming::Topic => format!("{topic}-value"),
            SubjectNaming::Record => record_fullname.to_owned(),
            SubjectNaming::TopicRecord => format!("{topic}-{record_fullname}"),
        }
    }
}

/// Whether a relative path stays below the folder it is relative to.
fn stays_inside(path: &Path) -> bool {
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            std::path::Component::RootDir | std::path::Component::Prefix(_) => return false,
        }
    }
    true
}

fn key_position(text: &str, key: &str) -> Option<Pos> {
    text.find(key).map(|offset| position(text, offset))
}

fn position(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    Pos { line, col }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_root_outside_the_project_is_refused() {
        for root in ["/", "../..", "schemas/../../x", "/etc"] {
            let text = format!("compatibility = \"BACKWARD\"\nschema_root = \"{root}\"\n");
            let err = Config::parse(Path::new("tidings.toml"), &text).unwrap_err();
            assert_eq!(err.pos.map(|p| p.line), Some(2), "{root}: {err}");
            assert!(err.message.contains("inside the project"), "{err}");
        }
        for root in ["schemas", "./events", "a/../b"] {
            let text = format!("schema_root = \"{root}\"\n");
            assert!(
                Config::parse(Path::new("tidings.toml"), &text).is_ok(),
                "{root}"
            );
        }
    }

    #[test]
    fn defaults_apply_when_keys_are_absent() {
        let config = Config::parse(Path::new("tidings.toml"), "").unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(config.compatibility, Level::FullTransitive);
        assert_eq!(
            config.subject_of("identity", "user_registered", "com.x.UserRegistered"),
            "identity.user_registered-value"
        );
    }

    #[test]
    fn reads_every_setting() {
        let text = r#"
schema_root = "events"
compatibility = "backward"
policy = "lenient"
subject_naming = "topic_record"

[registry]
url = "http://localhost:8081"

[lint]
field_case = "camel"
except = ["FIELD_DOC_MISSING"]
ignore = ["legacy"]
ignore_only = { EVENT_NAME_PAST_TENSE = ["identity/register_user"] }

[events."identity/user_registered"]
compatibility = "FULL"
topic = "users"
"#;
        let config = Config::parse(Path::new("tidings.toml"), text).unwrap();
        assert_eq!(config.schema_root, PathBuf::from("events"));
        assert_eq!(config.policy, Policy::Lenient);
        assert_eq!(config.level_of("identity/user_registered"), Level::Full);
        assert_eq!(config.level_of("orders/order_paid"), Level::Backward);
        assert_eq!(
            config.subject_of("identity", "user_registered", "x.UserRegistered"),
            "users-x.UserRegistered"
        );
        assert_eq!(config.lint.field_case, FieldCase::Camel);
        assert_eq!(
            config.lint.ignore_only["EVENT_NAME_PAST_TENSE"],
            ["identity/register_user"]
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key_and_line() {
        let e = Config::parse(
            Path::new("tidings.toml"),
            "schema_root = \"s\"\ncompatibilty = \"FULL\"\n",
        )
        .unwrap_err();
        assert_eq!(e.pos, Some(Pos { line: 2, col: 1 }));
        assert!(
            e.message.contains("unknown field `compatibilty`"),
            "{}",
            e.message
        );
        assert!(e.to_string().starts_with("tidings.toml:2:1: "));
        let e =
            Config::parse(Path::new("tidings.toml"), "compatibility = \"SIDEWAYS\"\n").unwrap_err();
        assert!(e.message.contains("SIDEWAYS"), "{}", e.message);
        let e = Config::parse(
            Path::new("tidings.toml"),
            "[events.\"a/b\"]\nlevel = \"FULL\"\n",
        )
        .unwrap_err();
        assert!(e.message.contains("unknown field `level`"), "{}", e.message);
        let e = Config::parse(Path::new("tidings.toml"), "schema_root = [\n").unwrap_err();
        assert!(e.pos.is_some());
    }
}
