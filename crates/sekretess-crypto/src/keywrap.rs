//! Data-key wrapping with AES key wrap with padding (AES-KWP, RFC 5649 / NIST SP 800-38F).

use aws_lc_rs::key_wrap::{AES_128, AES_256, AesKek, KeyWrapPadded};

use crate::secret::{SecretBytes, scrub_stack};
use crate::{CryptoError, Key32};

/// Wraps a 256-bit data key under a 256-bit key-encryption key.
pub fn wrap_key(kek: &Key32, key: &Key32) -> Result<Vec<u8>, CryptoError> {
    kwp_wrap(kek.expose(), key.expose())
}

/// Unwraps a data key; any damage or a wrong KEK gives [`CryptoError::Integrity`].
pub fn unwrap_key(kek: &Key32, wrapped: &[u8]) -> Result<Key32, CryptoError> {
    let plain = kwp_unwrap(kek.expose(), wrapped)?;
    Key32::from_slice(&plain).map_err(|_| CryptoError::Integrity)
}

fn kek(key: &[u8]) -> Result<AesKek, CryptoError> {
    let alg = match key.len() {
        16 => &AES_128,
        32 => &AES_256,
        _ => return Err(CryptoError::InvalidParameter("AES-KWP key must be 128 or 256 bits")),
    };
    AesKek::new(alg, key).map_err(|_| CryptoError::InvalidParameter("AES-KWP key"))
}

/// Raw AES-KWP wrap (128 or 256-bit KEK). Public for known-answer tests.
pub fn kwp_wrap(key: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    // aws-lc-rs expands the KEK into an AES key schedule on the stack and leaves it there:
    // wipe the frames the wrap used once it has returned.
    let out = kwp_wrap_frames(key, plaintext);
    scrub_stack();
    out
}

#[inline(never)]
fn kwp_wrap_frames(key: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if plaintext.is_empty() {
        return Err(CryptoError::InvalidParameter("AES-KWP input must not be empty"));
    }
    let mut out = vec![0u8; plaintext.len() + 16];
    let len = kek(key)?
        .wrap_with_padding(plaintext, &mut out)
        .map_err(|_| CryptoError::InvalidParameter("AES-KWP input"))?
        .len();
    out.truncate(len);
    Ok(out)
}

/// Raw AES-KWP unwrap. Public for known-answer tests.
pub fn kwp_unwrap(key: &[u8], wrapped: &[u8]) -> Result<SecretBytes, CryptoError> {
    let out = kwp_unwrap_frames(key, wrapped);
    scrub_stack(); // as in kwp_wrap
    out
}

#[inline(never)]
fn kwp_unwrap_frames(key: &[u8], wrapped: &[u8]) -> Result<SecretBytes, CryptoError> {
    let k = kek(key)?;
    if wrapped.len() < 16 || !wrapped.len().is_multiple_of(8) {
        return Err(CryptoError::Integrity);
    }
    let mut out = SecretBytes::new(vec![0u8; wrapped.len()]);
    let len = k.unwrap_with_padding(wrapped, &mut out).map_err(|_| CryptoError::Integrity)?.len();
    out.truncate(len);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_round_trip_and_wrong_kek() {
        let kek = Key32::generate().unwrap();
        let dek = Key32::generate().unwrap();
        let wrapped = wrap_key(&kek, &dek).unwrap();
        assert_eq!(wrapped.len(), 40);
        assert_eq!(unwrap_key(&kek, &wrapped).unwrap(), dek);
        let other = Key32::generate().unwrap();
        assert_eq!(unwrap_key(&other, &wrapped), Err(CryptoError::Integrity));
    }
}
