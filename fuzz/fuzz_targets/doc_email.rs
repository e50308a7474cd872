//! E-mail redaction (mail-parser in, mail-builder out, mbox framing) on arbitrary bytes
//! behind a message header: no panic; an output is itself a readable message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekretess_detect::Format;
use sekretess_detect::doc::{DocOptions, Limits, UninspectedPolicy, redact_document};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let head: &[u8] = if sel % 2 == 0 {
        b"From: a@example.com\nTo: b@example.com\n"
    } else {
        b"From a@example.com Sun Dec  6 10:00:00 2026\nFrom: a@example.com\n"
    };
    let input = [head, rest].concat();
    let opts = DocOptions {
        uninspected: UninspectedPolicy::Skip,
        limits: Limits { max_unpacked: 16 << 20, max_depth: 4, ..Limits::default() },
        ..DocOptions::default()
    };
    if let Ok(r) = redact_document(&input, Format::Auto, &opts)
        && let Some(out) = r.output
    {
        let _ = redact_document(&out, Format::Auto, &opts);
    }
});
