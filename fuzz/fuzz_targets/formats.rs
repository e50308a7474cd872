//! Each format parser (key=value, CSV, JSON, NDJSON) on arbitrary bytes: no panic, offsets
//! inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekretess_detect::{Format, Options, redact_bytes};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let format = match sel % 5 {
        0 => Format::KeyValue,
        1 => Format::Csv,
        2 => Format::Json,
        3 => Format::Ndjson,
        _ => Format::Auto,
    };
    let opts = Options { min_confidence: 0.0, ..Options::default() };
    if let Ok((_, findings)) = redact_bytes(rest, format, &opts) {
        for f in &findings {
            assert!(f.start_byte < f.end_byte && f.end_byte <= rest.len());
        }
    }
});
