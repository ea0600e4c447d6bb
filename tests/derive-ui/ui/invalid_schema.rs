use serde::{Deserialize, Serialize};

#[derive(tidings::Event, Serialize, Deserialize)]
#[event(schema = "ui/schemas/orders/broken_thing/v1.avsc")]
struct BrokenThing {
    amount: i64,
}

fn main() {}
