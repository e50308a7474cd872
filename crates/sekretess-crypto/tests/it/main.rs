//! Known-answer integration tests for `sekretess-crypto`: Wycheproof (AES-GCM, AES-KWP,
//! HKDF-SHA256, HMAC-SHA256, AES-FF1), RFC 4231 / RFC 5869, NIST FF1 samples, exhaustive Shamir
//! share checks, and the card, personnummer and deterministic tokens.
//!
//! The vectors live in the repository's `testdata/` folder (see its README); a missing file
//! fails the test with the path it looked for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod logins;
mod rfc;
mod shamir;
mod tokens;
mod wycheproof;
