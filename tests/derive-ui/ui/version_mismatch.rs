use serde::{Deserialize, Serialize};

#[derive(tidings::Event, Serialize, Deserialize)]
#[event(schema = "orders/order_delivered/v1.avsc", version = 2)]
struct OrderDelivered {
    metadata: serde_json::Value,
    order_id: String,
    delivered_at: i64,
    signed_by: Option<String>,
}

fn main() {}
