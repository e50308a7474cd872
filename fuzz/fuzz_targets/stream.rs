//! Streaming with tiny blocks and several threads gives the same output as one block.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekretess_detect::{Format, Options, redact_stream};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let format = match sel % 4 {
        0 => Format::Text,
        1 => Format::KeyValue,
        2 => Format::Csv,
        _ => Format::Ndjson,
    };
    let small = Options { block_size: 4096, threads: 3, ..Options::default() };
    let mut out = Vec::new();
    let r = redact_stream(rest, &mut out, format, None, &small, |f| {
        assert!(f.end_byte <= rest.len());
    });
    if let Ok(summary) = r {
        assert_eq!(summary.bytes_in, rest.len() as u64);
    }
});
