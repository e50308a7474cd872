//! The PDF processor on arbitrary bytes behind a PDF header: no panic, and small limits so
//! a run explores structure rather than allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekretess_detect::Format;
use sekretess_detect::doc::{DocOptions, UninspectedPolicy, redact_document};

fuzz_target!(|data: &[u8]| {
    let mut input = Vec::with_capacity(data.len() + 9);
    if !data.starts_with(b"%PDF-") {
        input.extend_from_slice(b"%PDF-1.7\n");
    }
    input.extend_from_slice(data);
    let mut opts = DocOptions { uninspected: UninspectedPolicy::Skip, ..DocOptions::default() };
    opts.limits.max_unpacked = 16 << 20;
    opts.limits.max_pages = 64;
    opts.limits.max_objects = 10_000;
    let _ = redact_document(&input, Format::Auto, &opts);
});
