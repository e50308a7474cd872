//! The detector and the redaction of plain text: no panic, offsets inside the input and in
//! order, and the redacted output can be redacted again.
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
    // Redacting the output again must not panic either. (Idempotence is tested on real
    // text in the integration tests; contrived inputs where digit groups run straight into an
    // e-mail address can leave a phone-shaped remainder: see docs/redaction.md.)
    let _ = redact_bytes(&out, Format::Text, &opts);
    let _ = out;
});
