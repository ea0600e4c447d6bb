use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Address {
    city: String,
}

#[derive(tidings::Event, Serialize, Deserialize)]
#[event(schema = "ui/schemas/orders/thing_created/v1.avsc")]
struct ThingCreated {
    id: String,
    amount: i64,
    count: i32,
    note: Option<String>,
    address: Address,
}

fn main() {}
