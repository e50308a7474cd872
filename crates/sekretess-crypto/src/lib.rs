//! Keys and primitives for Sekretess.
//!
//! Everything here wraps well-kept crates (aws-lc-rs for AEAD, key wrap, HKDF and HMAC;
//! vsss-rs for Shamir; `fpe` on RustCrypto AES for FF1 tokens). No I/O, no async. Errors are opaque on purpose: a caller learns
//! *that* a check failed, never *why*, so nothing leaks about keys or plaintexts.
#![forbid(unsafe_code)]
// Unit tests beside the code may unwrap; non-test builds keep the workspace lints.

pub mod backup;
pub mod crockford;
pub mod digest;
pub mod envelope;
pub mod kdf;
pub mod keywrap;
pub mod mac;
pub mod offline;
pub mod password;
pub mod secret;
pub mod shamir;
pub mod tokens;
pub mod totp;

pub use envelope::{Header, KeyRef};
pub use secret::Key32;

/// The one error type of this crate. Deliberately coarse.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum CryptoError {
    /// Decryption, unwrapping or MAC verification failed. The same error for every cause
    /// (wrong key, wrong binding, damaged bytes, truncated input).
    #[error("integrity check failed")]
    Integrity,
    /// A parameter outside what the primitive supports (length, size, count).
    #[error("invalid parameter: {0}")]
    InvalidParameter(&'static str),
    /// The operating system's random generator failed.
    #[error("random generator unavailable")]
    Random,
}

/// Fills `out` from the operating system CSPRNG (through aws-lc-rs).
pub fn fill_random(out: &mut [u8]) -> Result<(), CryptoError> {
    aws_lc_rs::rand::fill(out).map_err(|_| CryptoError::Random)
}
