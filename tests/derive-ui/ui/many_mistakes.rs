use serde::{Deserialize, Serialize};

#[derive(tidings::Record, Serialize, Deserialize)]
#[record(schema = "ui/schemas/orders/thing_created/v1.avsc", name = "Address")]
struct Address {
    city: String,
}

#[derive(tidings::Event, Serialize, Deserialize)]
#[event(schema = "ui/schemas/orders/thing_created/v1.avsc", version = 3, colour = "red")]
#[serde(rename = "ThingCreated")]
struct CreateThing {
    id: u64,
    amount: Option<i64>,
    note: String,
    address: Address,
    extra: bool,
}

fn main() {}
