//! The detector and the redaction of plain text: no panic, offsets inside the input and in
//! order, redacting twice changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekretess_detect::{Format, Operator, Options, redact_bytes};

fuzz_target!(|data: &[u8]| {
    let opts = Options { operator: Operator::Label, min_confidence: 0.0, ..Options::default() };
    let Ok((out, findings)) = redact_bytes(data, Format::Text, &opts) else { return };
    let mut last = 0;
    for f in &findings {
        assert!(f.start_byte >= last && f.start_byte < f.end_byte && f.end_byte <= data.len());
        assert!(f.start <= f.start_byte && f.end <= f.end_byte);
        last = f.end_byte;
    }
    // Idempotence with the default threshold.
    let opts = Options { operator: Operator::Label, ..Options::default() };
    if let Ok((once, _)) = redact_bytes(data, Format::Text, &opts)
        && let Ok((twice, f2)) = redact_bytes(&once, Format::Text, &opts)
    {
        assert!(f2.is_empty(), "second pass found {:?}", f2);
        assert_eq!(once, twice);
    }
    let _ = out;
});
