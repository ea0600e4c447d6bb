//! Two schema texts (split at the first NUL byte; without one, the text against itself) read
//! as Avro and as JSON Schema; every pair that parses is compared at every level, diffed, and
//! put in its registry form. Any panic, overflow or hang is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_schema::compat::diff::diff;
use tidings_schema::compat::{check, Level, Policy};
use tidings_schema::form::registry_form;
use tidings_schema::repo::Format;
use tidings_schema::SchemaDoc;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (old, new) = text.split_once('\0').unwrap_or((&text, &text));
    type Parse = fn(&str, &str) -> Result<SchemaDoc, tidings_schema::SchemaError>;
    let formats: [(Format, Parse); 2] = [
        (Format::Avro, SchemaDoc::parse_avro),
        (Format::Json, SchemaDoc::parse_json),
    ];
    for (format, parse) in formats {
        let _ = registry_form(format, old);
        let (Ok(old), Ok(new)) = (parse("old", old), parse("new", new)) else {
            continue;
        };
        for level in Level::ALL {
            let _ = check(std::slice::from_ref(&old), &new, level);
        }
        let _ = diff(&old, &new, Policy::Strict);
        let _ = diff(&old, &new, Policy::Lenient);
    }
});
