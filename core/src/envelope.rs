//! `Envelope<E>`: an event with what every event carries (id, type, version, time, aggregate,
//! actor, correlation and causation), and its CloudEvents 1.0 forms: structured JSON, and
//! binary mode as Kafka headers.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::event::Event;

/// An event and its metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<E> {
    /// Unique id (UUID v7, so ids sort by creation time).
    pub id: Uuid,
    /// Where the event comes from (CloudEvents `source`), e.g. `/services/identity`.
    pub source: String,
    /// What kind of aggregate the event is about (`user`).
    pub aggregate_type: Option<String>,
    /// Which aggregate (`8b0c…`).
    pub aggregate_id: Option<String>,
    /// When the fact happened.
    pub occurred_at: SystemTime,
    /// Who caused it.
    pub actor: Option<String>,
    /// The request or saga it belongs to.
    pub correlation_id: Option<String>,
    /// The event that caused it.
    pub causation_id: Option<String>,
    /// Further attributes (CloudEvents extensions: lowercase letters and digits only).
    pub metadata: BTreeMap<String, String>,
    /// The event.
    pub data: E,
}

/// An envelope that cannot be mapped to or from CloudEvents.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// A required attribute is missing.
    #[error("the CloudEvent has no `{0}`")]
    Missing(&'static str),
    /// An attribute has a value that cannot be read.
    #[error("the CloudEvent's `{name}` is invalid: {message}")]
    Invalid {
        /// The attribute.
        name: String,
        /// Why.
        message: String,
    },
    /// The CloudEvent is of another event type or version.
    #[error("the CloudEvent is `{actual}`, not `{expected}`")]
    WrongType {
        /// What the type expects.
        expected: String,
        /// What the CloudEvent says.
        actual: String,
    },
    /// The data does not fit the event type.
    #[error("the CloudEvent's data is not a valid `{event}`: {message}")]
    Data {
        /// The event type.
        event: &'static str,
        /// Why.
        message: String,
    },
}

/// The CloudEvents attributes tidings writes besides the required ones.
const EXTENSIONS: [&str; 6] = [
    "eventversion",
    "aggregatetype",
    "actor",
    "correlationid",
    "causationid",
    "eventname",
];

impl<E: Event> Envelope<E> {
    /// An envelope with a new id and the current time.
    pub fn new(source: impl Into<String>, data: E) -> Self {
        Envelope {
            id: Uuid::now_v7(),
            source: source.into(),
            aggregate_type: None,
            aggregate_id: None,
            occurred_at: SystemTime::now(),
            actor: None,
            correlation_id: None,
            causation_id: None,
            metadata: BTreeMap::new(),
            data,
        }
    }

    /// Sets the aggregate the event is about.
    pub fn aggregate(mut self, kind: impl Into<String>, id: impl Into<String>) -> Self {
        self.aggregate_type = Some(kind.into());
        self.aggregate_id = Some(id.into());
        self
    }

    /// Sets who caused the event.
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    /// Sets the correlation id.
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Sets the id of the event that caused this one.
    pub fn caused_by<C>(mut self, cause: &Envelope<C>) -> Self {
        self.causation_id = Some(cause.id.to_string());
        if self.correlation_id.is_none() {
            self.correlation_id = cause
                .correlation_id
                .clone()
                .or_else(|| Some(cause.id.to_string()));
        }
        self
    }

    /// Adds a metadata attribute.
    ///
    /// # Errors
    /// A name that is not a valid CloudEvents extension name (lowercase letters and digits), or
    /// one tidings already uses.
    pub fn with_metadata(
        mut self,
        name: &str,
        value: impl Into<String>,
    ) -> Result<Self, EnvelopeError> {
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let reserved = EXTENSIONS.contains(&name)
            || [
                "id",
                "source",
                "type",
                "specversion",
                "time",
                "subject",
                "data",
                "datacontenttype",
                "dataschema",
            ]
            .contains(&name);
        if !valid || reserved {
            return Err(EnvelopeError::Invalid {
                name: name.to_owned(),
                message: if reserved {
                    "the name is taken by a CloudEvents or tidings attribute".into()
                } else {
                    "extension names are lowercase letters and digits".into()
                },
            });
        }
        self.metadata.insert(name.to_owned(), value.into());
        Ok(self)
    }

    /// The attributes, as CloudEvents names and string values (without data).
    fn attributes(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("specversion".to_owned(), "1.0".to_owned()),
            ("id".to_owned(), self.id.to_string()),
            ("source".to_owned(), self.source.clone()),
            ("type".to_owned(), E::EVENT_TYPE.to_owned()),
            (
                "time".to_owned(),
                humantime::format_rfc3339_millis(self.occurred_at).to_string(),
            ),
            ("eventversion".to_owned(), E::VERSION.to_string()),
            ("eventname".to_owned(), E::NAME.to_owned()),
        ];
        let optional = [
            ("subject", &self.aggregate_id),
            ("aggregatetype", &self.aggregate_type),
            ("actor", &self.actor),
            ("correlationid", &self.correlation_id),
            ("causationid", &self.causation_id),
        ];
        out.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.clone().map(|v| (name.to_owned(), v))),
        );
        out.extend(self.metadata.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    fn from_attributes(
        mut attributes: BTreeMap<String, String>,
        data: E,
    ) -> Result<Self, EnvelopeError> {
        let mut take = |name: &'static str| attributes.remove(name);
        match take("specversion").as_deref() {
            Some("1.0") => {}
            Some(other) => {
                return Err(EnvelopeError::Invalid {
                    name: "specversion".into(),
                    message: format!("`{other}` is not 1.0"),
                })
            }
            None => return Err(EnvelopeError::Missing("specversion")),
        }
        let kind = take("type").ok_or(EnvelopeError::Missing("type"))?;
        let version = take("eventversion").unwrap_or_else(|| E::VERSION.to_string());
        let expected = format!("{} v{}", E::EVENT_TYPE, E::VERSION);
        let actual = format!("{kind} v{version}");
        if actual != expected {
            return Err(EnvelopeError::WrongType { expected, actual });
        }
        let id = take("id").ok_or(EnvelopeError::Missing("id"))?;
        let id = Uuid::parse_str(&id).map_err(|e| EnvelopeError::Invalid {
            name: "id".into(),
            message: e.to_string(),
        })?;
        let occurred_at = match take("time") {
            Some(time) => {
                humantime::parse_rfc3339_weak(&time).map_err(|e| EnvelopeError::Invalid {
                    name: "time".into(),
                    message: e.to_string(),
                })?
            }
            None => return Err(EnvelopeError::Missing("time")),
        };
        let envelope = Envelope {
            id,
            source: take("source").ok_or(EnvelopeError::Missing("source"))?,
            aggregate_id: take("subject"),
            aggregate_type: take("aggregatetype"),
            occurred_at,
            actor: take("actor"),
            correlation_id: take("correlationid"),
            causation_id: take("causationid"),
            metadata: BTreeMap::new(),
            data,
        };
        let _ = take("eventname");
        let _ = take("datacontenttype");
        let _ = take("dataschema");
        Ok(Envelope {
            metadata: attributes,
            ..envelope
        })
    }

    /// The CloudEvent in structured mode: one JSON document, the event under `data`.
    ///
    /// # Errors
    /// Event data that cannot be written as JSON.
    pub fn to_cloudevent_json(&self) -> Result<serde_json::Value, EnvelopeError> {
        let mut map = serde_json::Map::new();
        for (name, value) in self.attributes() {
            map.insert(name, serde_json::Value::String(value));
        }
        map.insert("datacontenttype".into(), "application/json".into());
        map.insert(
            "dataschema".into(),
            format!("{}#v{}", E::SUBJECT, E::VERSION).into(),
        );
        let data = serde_json::to_value(&self.data).map_err(|e| EnvelopeError::Data {
            event: E::EVENT_TYPE,
            message: e.to_string(),
        })?;
        map.insert("data".into(), data);
        Ok(serde_json::Value::Object(map))
    }

    /// Reads a structured-mode CloudEvent of this event type and version.
    ///
    /// # Errors
    /// Missing or invalid attributes, another event type or version, or data that is not an `E`.
    pub fn from_cloudevent_json(value: &serde_json::Value) -> Result<Self, EnvelopeError> {
        let object = value.as_object().ok_or(EnvelopeError::Invalid {
            name: "event".into(),
            message: "not a JSON object".into(),
        })?;
        let mut attributes = BTreeMap::new();
        let mut data = None;
        for (name, value) in object {
            if name == "data" {
                data = Some(value);
            } else if let Some(text) = value.as_str() {
                attributes.insert(name.clone(), text.to_owned());
            } else {
                attributes.insert(name.clone(), value.to_string());
            }
        }
        let data = data.ok_or(EnvelopeError::Missing("data"))?;
        let data = E::deserialize(data).map_err(|e| EnvelopeError::Data {
            event: E::EVENT_TYPE,
            message: e.to_string(),
        })?;
        Self::from_attributes(attributes, data)
    }

    /// The CloudEvent in binary mode for Kafka: attributes as `ce_` headers, plus
    /// `content-type`; the value is the serialized event (the wire-format bytes).
    pub fn to_kafka_headers(&self, content_type: &str) -> Vec<(String, Vec<u8>)> {
        let mut headers: Vec<(String, Vec<u8>)> = self
            .attributes()
            .into_iter()
            .map(|(k, v)| (format!("ce_{k}"), v.into_bytes()))
            .collect();
        headers.push(("content-type".into(), content_type.as_bytes().to_vec()));
        headers
    }

    /// Reads binary-mode Kafka headers, with the event already decoded from the value.
    ///
    /// # Errors
    /// Missing or invalid attributes, headers that are not UTF-8, another event type or version.
    pub fn from_kafka_headers(
        headers: &[(String, Vec<u8>)],
        data: E,
    ) -> Result<Self, EnvelopeError> {
        let mut attributes = BTreeMap::new();
        for (name, value) in headers {
            if let Some(attribute) = name.strip_prefix("ce_") {
                let text =
                    String::from_utf8(value.clone()).map_err(|_| EnvelopeError::Invalid {
                        name: name.clone(),
                        message: "not UTF-8".into(),
                    })?;
                attributes.insert(attribute.to_owned(), text);
            }
        }
        Self::from_attributes(attributes, data)
    }
}

/// A structured CloudEvent of any type, as recorded by test publishers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawEnvelope {
    /// `type`
    pub event_type: String,
    /// `eventversion`
    pub version: u32,
    /// `eventname`
    pub name: String,
    /// The whole CloudEvent.
    pub cloudevent: serde_json::Value,
}
