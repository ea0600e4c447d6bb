//! Which topic an event goes to: `[events."domain/event"] topic` of `tidings.toml`, else
//! `<domain>.<event>` (the event type), as `tidings publish` names subjects.

use std::collections::HashMap;

use tidings_schema::repo::Config;

/// The topic of each event type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topics {
    /// Event type (`organizations.member_added`) → topic, where it is not the event type.
    overrides: HashMap<String, String>,
}

impl Topics {
    /// The topics `tidings.toml` names.
    pub fn from_config(config: &Config) -> Self {
        let overrides = config
            .events
            .iter()
            .filter_map(|(key, event)| {
                let topic = event.topic.clone()?;
                Some((key.replacen('/', ".", 1), topic))
            })
            .collect();
        Topics { overrides }
    }

    /// Sends `event_type` (`orders.order_created`) to `topic`.
    pub fn with(mut self, event_type: impl Into<String>, topic: impl Into<String>) -> Self {
        self.overrides.insert(event_type.into(), topic.into());
        self
    }

    /// The topic of an event type.
    pub fn topic_of<'a>(&'a self, event_type: &'a str) -> &'a str {
        self.overrides
            .get(event_type)
            .map_or(event_type, String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_topics_and_the_default() {
        let config = Config::parse(
            std::path::Path::new("tidings.toml"),
            "[events.\"organizations/member_added\"]\ntopic = \"organizations.members\"\n",
        )
        .unwrap();
        let topics = Topics::from_config(&config);
        assert_eq!(
            topics.topic_of("organizations.member_added"),
            "organizations.members"
        );
        assert_eq!(
            topics.topic_of("orders.order_created"),
            "orders.order_created"
        );
        assert_eq!(Topics::default().with("a.b", "t").topic_of("a.b"), "t");
    }
}
