//! The events of the sample repository (`schemas/`), generated at build time by
//! `tidings_codegen::Config::compile` and included with `tidings::include_events!`.
#![deny(warnings)]

/// Audit events.
pub mod audit {
    tidings::include_events!("audit");
}

/// Identity events.
pub mod identity {
    tidings::include_events!("identity");
}

/// Notification events.
pub mod notifications {
    tidings::include_events!("notifications");
}

/// Order events.
pub mod orders {
    tidings::include_events!("orders");
}

/// Organization events.
pub mod organizations {
    tidings::include_events!("organizations");
}

/// Payment events.
pub mod payments {
    tidings::include_events!("payments");
}
