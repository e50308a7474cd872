//! Known-answer integration tests for `sekretess-crypto`: Wycheproof (AES-GCM, AES-KWP,
//! HKDF-SHA256, HMAC-SHA256), RFC 4231 / RFC 5869, and exhaustive Shamir share checks.
//!
//! The vectors live in the repository's `testdata/` folder (see its README); a missing file
//! fails the test with the path it looked for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod logins;
mod rfc;
mod shamir;
mod wycheproof;
