//! Deterministic tokens (`dtk_…`).

use crate::mac::MacKey;
use crate::{CryptoError, Key32, crockford, kdf};

// ---------------------------------------------------------------------------------------
// Deterministic tokens.

/// What a deterministic token stands for; each kind MACs apart, so the same digits as a
/// card and as another digit string give different tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DtkKind {
    /// Card number: 12 to 19 ASCII digits, no separators.
    Card,
    /// Personnummer or samordningsnummer: 12 ASCII digits (century included).
    Personnummer,
    /// Any other digit string: ASCII digits only, at least one.
    Digits,
    /// Any other value, already normalized by the caller (non-empty).
    Text,
}

impl DtkKind {
    fn tag(self) -> &'static [u8] {
        match self {
            DtkKind::Card => b"card",
            DtkKind::Personnummer => b"se_personnummer",
            DtkKind::Digits => b"digits",
            DtkKind::Text => b"text",
        }
    }

    fn accepts(self, v: &str) -> bool {
        let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        match self {
            DtkKind::Card => digits && (12..=19).contains(&v.len()),
            DtkKind::Personnummer => digits && v.len() == 12,
            DtkKind::Digits => digits,
            DtkKind::Text => !v.is_empty(),
        }
    }
}

/// Why a deterministic token could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum DtkError {
    /// The value is not in the normalized form its kind requires.
    #[error("value is not in the normalized form of its kind")]
    NotNormalized,
    /// Key derivation failed.
    #[error("key derivation failed")]
    Crypto(#[from] CryptoError),
}

/// The prefix of every deterministic token.
pub const DTK_PREFIX: &str = "dtk_";
/// Bytes of the HMAC kept in a token (160 bits: 32 Crockford symbols).
pub const DTK_BYTES: usize = 20;

/// Deterministic tokens of one group. `Debug` shows no key; aws-lc wipes the HMAC state.
#[derive(Clone, Debug)]
pub struct DeterministicTokens(MacKey);

impl DeterministicTokens {
    /// Under `key` itself (already the deterministic-token key).
    pub fn new(key: &Key32) -> Self {
        DeterministicTokens(MacKey::new(key))
    }

    /// Under the key derived from a group's derivation key with
    /// [`kdf::labels::DETERMINISTIC_TOKEN`] and `context` (the group id).
    pub fn from_group_key(group_key: &Key32, context: &[u8]) -> Result<Self, DtkError> {
        Ok(Self::new(&kdf::derive_key(group_key, kdf::labels::DETERMINISTIC_TOKEN, context)?))
    }

    /// `dtk_` + 32 Crockford symbols for an already normalized value of `kind`.
    pub fn token(&self, kind: DtkKind, normalized: &str) -> Result<String, DtkError> {
        if !kind.accepts(normalized) {
            return Err(DtkError::NotNormalized);
        }
        let tag = self.0.sign(&[kind.tag(), &[0], normalized.as_bytes()]);
        let mut out = String::with_capacity(DTK_PREFIX.len() + 32);
        out.push_str(DTK_PREFIX);
        out.push_str(&crockford::encode(&tag[..DTK_BYTES]));
        Ok(out)
    }
}
