//! Envelope encryption: AES-256-GCM with a random 96-bit nonce and a versioned header.
//!
//! Layout of a sealed value:
//!
//! ```text
//! [0]      format version (1)
//! [1]      algorithm (1 = AES-256-GCM)
//! [2..6]   key id, big-endian u32
//! [6..10]  key version, big-endian u32
//! [10..22] nonce (96 bits, random)
//! [22..]   ciphertext || 128-bit tag
//! ```
//!
//! The header bytes are authenticated together with the caller's AAD, so a changed header,
//! a value moved to another binding, or a wrong key all fail with [`CryptoError::Integrity`].

use aws_lc_rs::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::secret::SecretBytes;
use crate::{CryptoError, Key32, fill_random};

pub const FORMAT_V1: u8 = 1;
pub const ALG_AES_256_GCM: u8 = 1;
pub const HEADER_LEN: usize = 10;
pub const TAG_LEN: usize = 16;
/// Bytes an envelope adds to its plaintext.
pub const OVERHEAD: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;

/// Which key sealed a value: an id chosen by the caller and that key's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRef {
    pub key_id: u32,
    pub version: u32,
}

/// The readable header of a sealed value (readable without any key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub format: u8,
    pub algorithm: u8,
    pub key: KeyRef,
}

/// Reads the header, so the caller can pick the key version to open with.
pub fn header(sealed: &[u8]) -> Result<Header, CryptoError> {
    if sealed.len() < OVERHEAD || sealed[0] != FORMAT_V1 || sealed[1] != ALG_AES_256_GCM {
        return Err(CryptoError::Integrity);
    }
    Ok(Header {
        format: sealed[0],
        algorithm: sealed[1],
        key: KeyRef {
            key_id: u32::from_be_bytes([sealed[2], sealed[3], sealed[4], sealed[5]]),
            version: u32::from_be_bytes([sealed[6], sealed[7], sealed[8], sealed[9]]),
        },
    })
}

/// Encrypts `plaintext` under `key`, binding it to `aad`.
pub fn seal(key: &Key32, key_ref: KeyRef, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    EnvelopeKey::new(key, key_ref)?.seal(aad, plaintext)
}

/// Decrypts a value made by [`seal`] with the same key and AAD.
pub fn open(key: &Key32, aad: &[u8], sealed: &[u8]) -> Result<SecretBytes, CryptoError> {
    // The key reference only matters for sealing; opening reads it from the header.
    EnvelopeKey::new(key, KeyRef { key_id: 0, version: 0 })?.open(aad, sealed)
}

/// A key expanded once for many envelopes (e.g. every field of one customer).
pub struct EnvelopeKey {
    key: LessSafeKey,
    key_ref: KeyRef,
}

impl std::fmt::Debug for EnvelopeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvelopeKey").field("key_ref", &self.key_ref).finish_non_exhaustive()
    }
}

impl EnvelopeKey {
    pub fn new(key: &Key32, key_ref: KeyRef) -> Result<Self, CryptoError> {
        Ok(EnvelopeKey { key: gcm_key(key.expose())?, key_ref })
    }

    /// Encrypts `plaintext` with a fresh random nonce, binding it to `aad`.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce)?;
        self.seal_with_nonce(nonce, aad, plaintext)
    }

    /// Seals each `(aad, plaintext)` as [`EnvelopeKey::seal`] does, each with its own
    /// random nonce, drawing all the nonces from the generator at once: for short values
    /// that draw costs more than the encryption.
    pub fn seal_all(&self, items: &[(&[u8], &[u8])]) -> Result<Vec<Vec<u8>>, CryptoError> {
        let mut nonces = vec![0u8; items.len() * NONCE_LEN];
        fill_random(&mut nonces)?;
        items
            .iter()
            .zip(nonces.chunks_exact(NONCE_LEN))
            .map(|(&(aad, plaintext), nonce)| {
                let mut n = [0u8; NONCE_LEN];
                n.copy_from_slice(nonce);
                self.seal_with_nonce(n, aad, plaintext)
            })
            .collect()
    }

    fn seal_with_nonce(
        &self,
        nonce: [u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let mut out = Vec::with_capacity(plaintext.len() + OVERHEAD);
        out.push(FORMAT_V1);
        out.push(ALG_AES_256_GCM);
        out.extend_from_slice(&self.key_ref.key_id.to_be_bytes());
        out.extend_from_slice(&self.key_ref.version.to_be_bytes());
        out.extend_from_slice(&nonce);
        let full_aad = bound_aad(&out[..HEADER_LEN], aad);
        let start = out.len();
        out.extend_from_slice(plaintext);
        let tag = self
            .key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(&full_aad),
                &mut out[start..],
            )
            .map_err(|_| CryptoError::InvalidParameter("AES-GCM input too long"))?;
        out.extend_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Decrypts a sealed value; every failure is the one [`CryptoError::Integrity`].
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<SecretBytes, CryptoError> {
        header(sealed)?;
        let (head, rest) = sealed.split_at(HEADER_LEN);
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let full_aad = bound_aad(head, aad);
        let n = gcm_nonce(nonce)?;
        let mut in_out = SecretBytes::new(body.to_vec());
        let len = self
            .key
            .open_in_place(n, Aad::from(&full_aad), &mut in_out)
            .map_err(|_| CryptoError::Integrity)?
            .len();
        in_out.truncate(len);
        Ok(in_out)
    }
}

fn bound_aad(header: &[u8], aad: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(header.len() + aad.len());
    v.extend_from_slice(header);
    v.extend_from_slice(aad);
    v
}

fn gcm_key(key: &[u8]) -> Result<LessSafeKey, CryptoError> {
    let alg = match key.len() {
        16 => &AES_128_GCM,
        32 => &AES_256_GCM,
        _ => return Err(CryptoError::InvalidParameter("AES-GCM key must be 128 or 256 bits")),
    };
    let unbound = UnboundKey::new(alg, key).map_err(|_| CryptoError::InvalidParameter("AES-GCM key"))?;
    Ok(LessSafeKey::new(unbound))
}

fn gcm_nonce(nonce: &[u8]) -> Result<Nonce, CryptoError> {
    Nonce::try_assume_unique_for_key(nonce)
        .map_err(|_| CryptoError::InvalidParameter("AES-GCM nonce must be 96 bits"))
}

/// Raw AES-GCM (128 or 256-bit key, 96-bit nonce, 128-bit tag): returns ciphertext || tag.
/// The envelope uses it with a fresh random nonce; it is public for known-answer tests.
pub fn aes_gcm_seal(key: &[u8], nonce: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let k = gcm_key(key)?;
    let n = gcm_nonce(nonce)?;
    let mut in_out = plaintext.to_vec();
    k.seal_in_place_append_tag(n, Aad::from(aad), &mut in_out)
        .map_err(|_| CryptoError::InvalidParameter("AES-GCM input too long"))?;
    Ok(in_out)
}

/// Raw AES-GCM open of ciphertext || tag. Every failure is [`CryptoError::Integrity`]
/// except unsupported key or nonce sizes.
pub fn aes_gcm_open(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext_and_tag: &[u8],
) -> Result<SecretBytes, CryptoError> {
    let k = gcm_key(key)?;
    let n = gcm_nonce(nonce)?;
    if ciphertext_and_tag.len() < TAG_LEN {
        return Err(CryptoError::Integrity);
    }
    let mut in_out = SecretBytes::new(ciphertext_and_tag.to_vec());
    let len = k.open_in_place(n, Aad::from(aad), &mut in_out).map_err(|_| CryptoError::Integrity)?.len();
    in_out.truncate(len);
    Ok(in_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REF: KeyRef = KeyRef { key_id: 7, version: 3 };

    #[test]
    fn round_trip_and_header() {
        let key = Key32::generate().unwrap();
        let ct = seal(&key, REF, b"aad", b"hello").unwrap();
        assert_eq!(header(&ct).unwrap().key, REF);
        assert_eq!(&open(&key, b"aad", &ct).unwrap()[..], b"hello");
    }

    #[test]
    fn wrong_aad_key_or_header_fails_uniformly() {
        let key = Key32::generate().unwrap();
        let other = Key32::generate().unwrap();
        let ct = seal(&key, REF, b"aad", b"hello").unwrap();
        assert_eq!(open(&key, b"other", &ct), Err(CryptoError::Integrity));
        assert_eq!(open(&other, b"aad", &ct), Err(CryptoError::Integrity));
        let mut changed = ct.clone();
        changed[9] ^= 1; // key version in the header
        assert_eq!(open(&key, b"aad", &changed), Err(CryptoError::Integrity));
        assert_eq!(open(&key, b"aad", &ct[..OVERHEAD - 1]), Err(CryptoError::Integrity));
    }

    #[test]
    fn nonces_are_fresh() {
        let key = Key32::generate().unwrap();
        let a = seal(&key, REF, b"", b"same").unwrap();
        let b = seal(&key, REF, b"", b"same").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn sealing_many_at_once_gives_each_its_own_nonce_and_binding() {
        let key = Key32::generate().unwrap();
        let sealer = EnvelopeKey::new(&key, REF).unwrap();
        let items: Vec<(&[u8], &[u8])> = vec![(b"a", b"same"), (b"b", b"same"), (b"c", b"other")];
        let sealed = sealer.seal_all(&items).unwrap();
        assert_eq!(sealed.len(), 3);
        let nonce = |ct: &Vec<u8>| ct[HEADER_LEN..HEADER_LEN + NONCE_LEN].to_vec();
        assert_ne!(nonce(&sealed[0]), nonce(&sealed[1]));
        assert_ne!(nonce(&sealed[1]), nonce(&sealed[2]));
        for ((aad, plain), ct) in items.iter().zip(&sealed) {
            assert_eq!(&open(&key, aad, ct).unwrap()[..], *plain);
        }
        assert_eq!(open(&key, b"b", &sealed[0]), Err(CryptoError::Integrity));
    }
}
