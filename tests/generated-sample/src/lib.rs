//! The events of the sample repository (`schemas/`), generated at build time by
//! `tidings_codegen::Config::compile` and included with `tidings::include_events!`.
#![deny(warnings)]

/// Identity events.
pub mod identity {
    tidings::include_events!("identity");
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
