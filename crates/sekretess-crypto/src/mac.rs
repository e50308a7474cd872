//! HMAC-SHA256 and the blind index built on it.

use aws_lc_rs::{constant_time, hmac};

use crate::{CryptoError, Key32, kdf};

pub const TAG_LEN: usize = 32;

/// HMAC-SHA256 of `msg` under `key` (any key length).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; TAG_LEN] {
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    let tag = hmac::sign(&k, msg);
    let mut out = [0u8; TAG_LEN];
    out.copy_from_slice(tag.as_ref());
    out
}

/// Verifies a tag in constant time. A truncated tag (at least 10 bytes, as in
/// NIST SP 800-107) is compared against the same prefix of the full tag.
pub fn hmac_sha256_verify(key: &[u8], msg: &[u8], tag: &[u8]) -> Result<(), CryptoError> {
    if tag.len() < 10 || tag.len() > TAG_LEN {
        return Err(CryptoError::Integrity);
    }
    let full = hmac_sha256(key, msg);
    constant_time::verify_slices_are_equal(&full[..tag.len()], tag).map_err(|_| CryptoError::Integrity)
}

/// An HMAC-SHA256 key set up once (its padded key blocks hashed) for many tags, as a
/// batch of customers or a round of audit entries needs. aws-lc wipes that state when it
/// is dropped.
#[derive(Clone)]
pub struct MacKey(hmac::Key);

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacKey(..)")
    }
}

impl MacKey {
    pub fn new(key: &Key32) -> Self {
        MacKey(hmac::Key::new(hmac::HMAC_SHA256, key.expose()))
    }

    /// The tag of the concatenation of `parts`.
    pub fn sign(&self, parts: &[&[u8]]) -> [u8; TAG_LEN] {
        let mut context = hmac::Context::with_key(&self.0);
        for part in parts {
            context.update(part);
        }
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(context.sign().as_ref());
        out
    }
}

/// Blind index key for one field of one group: equal normalized values give equal indexes
/// within that (group, field), and unrelated ones everywhere else.
#[derive(Clone)]
pub struct BlindIndexKey(MacKey);

impl std::fmt::Debug for BlindIndexKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlindIndexKey(..)")
    }
}

impl BlindIndexKey {
    /// `group_index_key` is the group's blind-index root; `field` names the field.
    pub fn for_field(group_index_key: &Key32, field: &str) -> Result<Self, CryptoError> {
        let key = kdf::derive_key(group_index_key, kdf::labels::BLIND_INDEX, field.as_bytes())?;
        Ok(BlindIndexKey(MacKey::new(&key)))
    }

    /// The index of a value that the caller has already normalized.
    pub fn index(&self, normalized: &[u8]) -> [u8; TAG_LEN] {
        self.0.sign(&[normalized])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blind_index_depends_on_field_and_group() {
        let g1 = Key32::generate().unwrap();
        let g2 = Key32::generate().unwrap();
        let a = BlindIndexKey::for_field(&g1, "email").unwrap().index(b"x@example.com");
        let b = BlindIndexKey::for_field(&g1, "phone").unwrap().index(b"x@example.com");
        let c = BlindIndexKey::for_field(&g2, "email").unwrap().index(b"x@example.com");
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, BlindIndexKey::for_field(&g1, "email").unwrap().index(b"x@example.com"));
        // The index is the HMAC under the derived field key.
        let field_key = kdf::derive_key(&g1, kdf::labels::BLIND_INDEX, b"email").unwrap();
        assert_eq!(a, hmac_sha256(field_key.expose(), b"x@example.com"));
        assert_eq!(format!("{:?}", BlindIndexKey::for_field(&g1, "email").unwrap()), "BlindIndexKey(..)");
    }

    #[test]
    fn mac_key_signs_the_concatenation_of_its_parts() {
        let key = Key32::generate().unwrap();
        let mac = MacKey::new(&key);
        let whole = hmac_sha256(key.expose(), b"previous tag|entry");
        assert_eq!(mac.sign(&[b"previous tag|entry"]), whole);
        assert_eq!(mac.sign(&[b"previous", b" tag|", b"entry"]), whole);
        assert_ne!(mac.sign(&[b"previous tag|entr"]), whole);
        assert_eq!(format!("{mac:?}"), "MacKey(..)");
    }

    #[test]
    fn truncated_and_wrong_tags() {
        let tag = hmac_sha256(b"k", b"m");
        assert!(hmac_sha256_verify(b"k", b"m", &tag).is_ok());
        assert!(hmac_sha256_verify(b"k", b"m", &tag[..16]).is_ok());
        let mut bad = tag;
        bad[0] ^= 1;
        assert!(hmac_sha256_verify(b"k", b"m", &bad).is_err());
        assert!(hmac_sha256_verify(b"k", b"m", &tag[..4]).is_err());
    }
}
