use std::path::PathBuf;

use tidings_codegen::{Config, DecimalType, TimestampType};

fn main() {
    // The fixture twice: timestamps as chrono, as its tidings.toml's `[generate]` table says
    // (through `compile`, for `include_events!`), and timestamps as the `time` crate with
    // decimals as `tidings::avro::Decimal`, chosen here over the table (written next to it).
    if let Err(err) = Config::new().compile() {
        panic!("generating the fixture events failed: {err}");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("tidings-time");
    let project = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let generated = Config::new()
        .timestamps(TimestampType::Time)
        .decimals(DecimalType::Avro)
        .generate(&project)
        .expect("the fixture generates");
    generated.write_to(&out).expect("the files are written");
}
