//! HTML redaction (html5ever tokenizer, token stream written back) on arbitrary bytes behind
//! a doctype: no panic; an output is itself readable HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekretess_detect::Format;
use sekretess_detect::doc::{DocOptions, UninspectedPolicy, redact_document};

fuzz_target!(|data: &[u8]| {
    let input = [b"<!DOCTYPE html>".as_slice(), data].concat();
    let opts = DocOptions { uninspected: UninspectedPolicy::Skip, ..DocOptions::default() };
    if let Ok(r) = redact_document(&input, Format::Auto, &opts)
        && let Some(out) = r.output
    {
        let _ = redact_document(&out, Format::Auto, &opts);
    }
});
