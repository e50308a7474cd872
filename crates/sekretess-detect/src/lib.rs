//! PII detection and redaction (see issue 4).
#![forbid(unsafe_code)]
