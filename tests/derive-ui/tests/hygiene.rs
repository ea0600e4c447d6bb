//! The derive's expansion names everything it uses by absolute path: it compiles, without
//! warnings, in a module where `Result`, `Option`, `Some`, `None`, `core` and `tidings` are
//! shadowed. An ordinary test rather than a trybuild pass case: cargo compiles it with the rest
//! of the workspace, and trybuild then only checks (a pass case makes it build every dependency
//! to machine code in its own target folder).
#![deny(warnings)]
#![allow(dead_code)]

use serde::{Deserialize, Serialize};

mod shadows {
    pub(crate) type Result = ();
    pub(crate) struct Option;
    pub(crate) struct Some;
    pub(crate) struct None;
    pub(crate) mod core {}
    pub(crate) mod tidings {}
}

mod events {
    #[allow(unused_imports)]
    use super::shadows::*;
    use super::{Deserialize, Serialize};

    /// A customer paid for an order.
    #[derive(::tidings::Event, Serialize, Deserialize)]
    #[event(
        schema = "ui/schemas/orders/thing_created/v1.avsc",
        name = "ThingCreated"
    )]
    #[serde(rename = "ThingCreated")]
    pub(crate) struct Created {
        id: String,
        amount: i64,
        count: i32,
        note: ::core::option::Option<String>,
        address: Address,
    }

    #[derive(::tidings::Record, Serialize, Deserialize)]
    #[record(schema = "ui/schemas/orders/thing_created/v1.avsc", name = "Address")]
    pub(crate) struct Address {
        city: String,
    }
}

#[test]
fn expands_with_the_prelude_shadowed() {
    use ::tidings::Event;
    assert_eq!(events::Created::NAME, "ThingCreated");
    assert_eq!(events::Created::VERSION, 1);
}
