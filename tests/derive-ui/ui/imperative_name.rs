use serde::{Deserialize, Serialize};

#[derive(tidings::Event, Serialize, Deserialize)]
#[event(schema = "identity/user_registered/v1.avsc")]
struct RegisterUser {
    metadata: serde_json::Value,
    user_id: String,
    email: String,
    signup_source: String,
}

fn main() {}
