use serde::{Deserialize, Serialize};

#[derive(tidings::Event, Serialize, Deserialize)]
#[event(schema = "orders/order_teleported/v1.avsc")]
struct OrderTeleported {
    id: String,
}

fn main() {}
