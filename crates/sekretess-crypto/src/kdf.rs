//! HKDF-SHA256 (RFC 5869) subkeys with distinct labels.

use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};

use crate::secret::SecretBytes;
use crate::{CryptoError, Key32};

/// Info labels for every subkey Sekretess derives. Each label is used for one purpose only.
pub mod labels {
    pub const BLIND_INDEX: &str = "sekretess/v1/blind-index";
    pub const AUDIT_MAC: &str = "sekretess/v1/audit-mac";
    pub const KEY_ID: &str = "sekretess/v1/key-id";
    /// Seals secrets of employees (TOTP secrets) in the control store.
    pub const PEOPLE_SECRET: &str = "sekretess/v1/people-secret";
    /// Deterministic tokens (`dtk_…`, HMAC-SHA256) of a group.
    pub const DETERMINISTIC_TOKEN: &str = "sekretess/v1/deterministic-token";
    /// FF1 format-preserving tokens (AES-256 key for FF1) of a group.
    pub const FF1_TOKEN: &str = "sekretess/v1/ff1-token";
    /// Names a stored token mapping: HMAC-SHA256 of the token, the row's key and the id
    /// in audit entries (so neither the store nor the audit log holds a token).
    pub const TOKEN_ID: &str = "sekretess/v1/token-id";
    /// Looks up the opaque token a value already has (`reuse`): HMAC-SHA256 of the value.
    pub const TOKEN_REUSE: &str = "sekretess/v1/token-reuse";
    /// Seals the values of stored token mappings (AES-256-GCM).
    pub const TOKEN_SEAL: &str = "sekretess/v1/token-seal";
}

struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA256 extract-and-expand to `len` bytes (at most 255 * 32).
pub fn hkdf_sha256(ikm: &[u8], salt: &[u8], info: &[u8], len: usize) -> Result<SecretBytes, CryptoError> {
    if len == 0 || len > 255 * 32 {
        return Err(CryptoError::InvalidParameter("HKDF-SHA256 output length"));
    }
    let prk = Salt::new(HKDF_SHA256, salt).extract(ikm);
    let info_parts = [info];
    let okm = prk
        .expand(&info_parts, Len(len))
        .map_err(|_| CryptoError::InvalidParameter("HKDF-SHA256 output length"))?;
    let mut out = SecretBytes::new(vec![0u8; len]);
    okm.fill(&mut out).map_err(|_| CryptoError::InvalidParameter("HKDF-SHA256 output length"))?;
    Ok(out)
}

/// A 256-bit subkey of `parent` for the purpose named by `label` and an optional context
/// (e.g. a group id or a field name). Distinct (label, context) pairs give independent keys.
pub fn derive_key(parent: &Key32, label: &str, context: &[u8]) -> Result<Key32, CryptoError> {
    let mut info = Vec::with_capacity(label.len() + 1 + context.len());
    info.extend_from_slice(label.as_bytes());
    info.push(0); // labels never contain NUL, so (label, context) is unambiguous
    info.extend_from_slice(context);
    let okm = hkdf_sha256(parent.expose(), b"", &info, 32)?;
    Key32::from_slice(&okm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_contexts_separate_keys() {
        let root = Key32::generate().unwrap();
        let a = derive_key(&root, labels::BLIND_INDEX, b"g1").unwrap();
        let b = derive_key(&root, labels::BLIND_INDEX, b"g2").unwrap();
        let c = derive_key(&root, labels::AUDIT_MAC, b"g1").unwrap();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, derive_key(&root, labels::BLIND_INDEX, b"g1").unwrap());
    }
}
