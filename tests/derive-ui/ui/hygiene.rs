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
    #[event(schema = "ui/schemas/orders/thing_created/v1.avsc", name = "ThingCreated")]
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

fn main() {
    use ::tidings::Event;
    assert_eq!(events::Created::NAME, "ThingCreated");
    assert_eq!(events::Created::VERSION, 1);
}
