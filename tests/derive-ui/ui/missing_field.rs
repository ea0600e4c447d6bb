use serde::{Deserialize, Serialize};

#[derive(tidings::Record, Serialize, Deserialize)]
#[record(schema = "ui/schemas/orders/thing_created/v1.avsc", name = "Address")]
struct Address {
    city: String,
}

#[derive(tidings::Event, Serialize, Deserialize)]
#[event(schema = "ui/schemas/orders/thing_created/v1.avsc")]
struct ThingCreated {
    id: String,
    amount: i64,
    note: Option<String>,
    address: Address,
}

fn main() {}
