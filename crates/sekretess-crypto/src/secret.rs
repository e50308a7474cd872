//! Secret key material: zeroized on drop, never printed.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{CryptoError, fill_random};

/// A 256-bit secret key. `Debug` never shows the bytes; the memory is wiped on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Key32([u8; 32]);

impl Key32 {
    /// A fresh random key from the OS CSPRNG.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut k = Key32([0u8; 32]);
        fill_random(&mut k.0)?;
        Ok(k)
    }

    /// `n` fresh random keys from one draw of the CSPRNG (a draw costs about as much as
    /// sealing a short value, so batches draw once).
    pub fn generate_many(n: usize) -> Result<Vec<Self>, CryptoError> {
        let mut bytes = Zeroizing::new(vec![0u8; n * 32]);
        fill_random(&mut bytes)?;
        bytes.chunks_exact(32).map(Self::from_slice).collect()
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Key32(bytes)
    }

    /// Copies from a slice; the slice must be exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let arr: [u8; 32] =
            bytes.try_into().map_err(|_| CryptoError::InvalidParameter("key must be 32 bytes"))?;
        Ok(Key32(arr))
    }

    /// The raw bytes, for handing to a primitive. Keep the borrow short.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Key32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key32(<redacted>)")
    }
}

/// Secret bytes of any length (decrypted plaintexts, share payloads).
pub type SecretBytes = Zeroizing<Vec<u8>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_bytes() {
        let k = Key32::from_bytes([0xAB; 32]);
        let shown = format!("{k:?}");
        assert!(!shown.to_lowercase().contains("ab"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn generated_keys_differ() {
        let a = Key32::generate().unwrap();
        let b = Key32::generate().unwrap();
        assert_ne!(a.expose(), b.expose());
        let many = Key32::generate_many(3).unwrap();
        assert_eq!(many.len(), 3);
        assert!(many[0] != many[1] && many[1] != many[2] && many[0] != many[2]);
    }
}
