//! Generated code for awkward schemas, compiled with `#![deny(warnings)]`.
#![deny(warnings)]

/// The fixture's one domain.
pub mod shop {
    tidings::include_events!("shop");

    /// v2 of `ItemListed` cannot read v1 (`type` became a number): the generated trait makes
    /// the build fail until this migration exists.
    impl MigrateItemListedV1ToV2 for Migrations {
        fn migrate(old: ItemListedV1) -> ItemListedV2 {
            ItemListedV2 {
                r#type: old.r#type.parse().unwrap_or(0),
                r#match: old.r#match,
                self_: old.self_,
                item_id: old.item_id,
                item: old.item,
                other: old.other,
                item_listed: old.item_listed,
                listed_at: old.listed_at,
                price: old.price,
                blob: old.blob,
            }
        }
    }
}

/// The same schemas with timestamps as `time::OffsetDateTime`.
pub mod shop_time {
    include!(concat!(env!("OUT_DIR"), "/tidings-time/shop.rs"));

    /// v2 of `ItemListed` cannot read v1 (`type` became a number): the generated trait makes
    /// the build fail until this migration exists.
    impl MigrateItemListedV1ToV2 for Migrations {
        fn migrate(old: ItemListedV1) -> ItemListedV2 {
            ItemListedV2 {
                r#type: old.r#type.parse().unwrap_or(0),
                r#match: old.r#match,
                self_: old.self_,
                item_id: old.item_id,
                item: old.item,
                other: old.other,
                item_listed: old.item_listed,
                listed_at: old.listed_at,
                price: old.price,
                blob: old.blob,
            }
        }
    }
}
