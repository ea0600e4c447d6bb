use serde::{Deserialize, Serialize};

#[derive(tidings::Record, Serialize, Deserialize)]
#[record(schema = "ui/schemas/orders/thing_created/v1.avsc", name = "Address")]
struct Address {
    city: String,
}

#[derive(tidings::Event, Serialize, Deserialize)]
#[event(schema = "ui/schemas/orders/thing_created/v1.avsc")]
struct ThingCreated {
    id: Option<String>,
    amount: i64,
    count: i32,
    note: String,
    address: Address,
}

fn main() {}
