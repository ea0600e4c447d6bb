//! The awkward names survive the wire, and the hand-written migration runs.

use serde_json::json;
use tidings_generated_fixture::shop::*;

#[test]
fn keywords_renames_and_collisions_keep_their_wire_names() {
    let v1 = json!({
        "type": "42", "match": null, "self": 1, "itemId": "i-1",
        "item": {"sku": "s"}, "other": {"code": 7}, "ItemListed": "used", "listed_at": 1_767_225_600_123_i64,
        "price": [4, 210], "blob": [1, 2, 3]
    });
    let ShopEvent::ItemListed(latest) =
        ShopEvent::from_json("shop.item_listed", 1, v1.to_string().as_bytes()).unwrap()
    else {
        panic!("another event")
    };
    assert_eq!(latest.r#type, 42, "migrated by hand");
    assert_eq!(latest.item_id, "i-1");
    assert_eq!(latest.other.code, 7);
    let back = serde_json::to_value(&latest).unwrap();
    assert_eq!(back["itemId"], "i-1");
    assert_eq!(back["self"], 1);
    assert_eq!(back["ItemListed"], "used");
    // The chrono mapping reads and writes the number Avro holds.
    assert_eq!(latest.listed_at.timestamp_millis(), 1_767_225_600_123);
    // Decimals are their unscaled bytes by default: 0x04D2 = 1234, so 12.34 at scale 2.
    assert_eq!(latest.price, [4, 210]);
    assert_eq!(latest.blob.as_deref(), Some(&[1, 2, 3][..]));
    assert_eq!(back["listed_at"], 1_767_225_600_123_i64);
    let registry = std::sync::Arc::new(tidings::registry::InMemoryRegistry::new());
    let event = ShopEvent::ItemListed(latest.clone());
    let wire = event.to_wire(registry.as_ref()).unwrap();
    assert_eq!(ShopEvent::from_wire(registry, &wire).unwrap(), event);

    let cart = json!({"cart_id": "c", "type": "guest", "items": [{"sku": "a"}], "total": "12.50", "paid_at": "2026-01-01T10:00:00Z", "channel": "web"});
    let ShopEvent::CartCheckedOut(cart) =
        ShopEvent::from_json("shop.cart_checked_out", 1, cart.to_string().as_bytes()).unwrap()
    else {
        panic!("another event")
    };
    assert_eq!(cart.coupon, None);
    assert_eq!(cart.channel, "web", "a const is typed by its value");
    assert_eq!(serde_json::to_value(&cart).unwrap()["total"], "12.50");
    assert_eq!(cart.paid_at.to_rfc3339(), "2026-01-01T10:00:00+00:00");
    let closed = json!({"cart_id": "c", "type": "guest", "items": [], "total": 1, "paid_at": "2026-01-01T10:00:00Z", "channel": "web", "extra": true});
    assert!(
        ShopEvent::from_json("shop.cart_checked_out", 1, closed.to_string().as_bytes()).is_err(),
        "additionalProperties: false"
    );
}

#[test]
fn the_time_crate_mapping_reads_and_writes_the_same_data() {
    use tidings_generated_fixture::shop_time;
    let v2 = json!({
        "type": 42, "match": "exact", "self": 1, "itemId": "i-1",
        "item": {"sku": "s"}, "other": {"code": 7}, "ItemListed": "NEW", "listed_at": 1_767_225_600_123_i64,
        "price": [4, 210], "blob": null
    });
    let shop_time::ShopEvent::ItemListed(event) =
        shop_time::ShopEvent::from_json("shop.item_listed", 2, v2.to_string().as_bytes()).unwrap()
    else {
        panic!("another event")
    };
    assert_eq!(
        event.listed_at.unix_timestamp_nanos() / 1_000_000,
        1_767_225_600_123
    );
    assert_eq!(
        serde_json::to_value(&event).unwrap()["listed_at"],
        1_767_225_600_123_i64
    );
    let registry = std::sync::Arc::new(tidings::registry::InMemoryRegistry::new());
    let event = shop_time::ShopEvent::ItemListed(event);
    let wire = event.to_wire(registry.as_ref()).unwrap();
    assert_eq!(
        shop_time::ShopEvent::from_wire(registry, &wire).unwrap(),
        event
    );
    let cart = json!({"cart_id": "c", "type": "member", "items": [], "total": 3, "paid_at": "2026-01-01T10:00:00Z", "channel": "web"});
    let shop_time::ShopEvent::CartCheckedOut(cart) =
        shop_time::ShopEvent::from_json("shop.cart_checked_out", 1, cart.to_string().as_bytes())
            .unwrap()
    else {
        panic!("another event")
    };
    assert_eq!(cart.paid_at.unix_timestamp(), 1_767_261_600);
}

/// A JSON Schema that refers to itself (`$ref: "#"`) and a tree under `$defs` generate boxed
/// types that compile, validate and round-trip on the wire.
#[test]
fn recursive_json_schemas_generate_and_round_trip() {
    use std::sync::Arc;
    use tidings::registry::InMemoryRegistry;

    let leaf = |name: &str| {
        Box::new(CategoryChangedTree {
            name: name.into(),
            children: Vec::new(),
        })
    };
    let earlier = CategoryChangedV1 {
        category_id: "c-0".into(),
        tree: CategoryChangedTree {
            name: "root".into(),
            children: vec![leaf("a")],
        },
        previous: None,
    };
    let event = CategoryChangedV1 {
        category_id: "c-1".into(),
        tree: CategoryChangedTree {
            name: "root".into(),
            children: vec![leaf("a"), leaf("b")],
        },
        previous: Some(Box::new(earlier)),
    };
    let registry = Arc::new(InMemoryRegistry::new());
    let wire = ShopEvent::CategoryChanged(event.clone())
        .to_wire(registry.as_ref())
        .unwrap();
    let ShopEvent::CategoryChanged(back) = ShopEvent::from_wire(registry, &wire).unwrap() else {
        panic!("another event")
    };
    assert_eq!(back, event);
    assert_eq!(back.previous.unwrap().tree.children[0].name, "a");
}
