//! Shamir secret sharing of the root key over GF(256) (vsss-rs), with shares encoded as
//! text a person can copy by hand:
//!
//! ```text
//! SEK1-3-2-7QK9M2ZD-XXXX-XXXX-…-XXXX-CCCC
//!  |   | |    |         |            |
//!  |   | |    |         |            checksum: value parity + 15 bits of SHA-256
//!  |   | |    |         share value: 32 bytes, Crockford base32 in groups of four
//!  |   | |    key id: 5 bytes naming the root key (so a share of another vault is named)
//!  |   | index of this share (1..=255)
//!  |   threshold k
//!  format version
//! ```
//!
//! Input is case-insensitive; spaces and dashes are only separators.

use std::fmt;

use aws_lc_rs::digest;
use zeroize::Zeroizing;

use crate::{CryptoError, Key32, crockford};

pub const KEY_ID_LEN: usize = 5;
const VERSION_TAG: &str = "SEK1";
const VALUE_SYMBOLS: usize = 52; // 32 bytes
const CHECK_SYMBOLS: usize = 4; // 20 bits

/// Why a share text was refused. Never carries the share itself.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum ShareError {
    #[error("not a Sekretess unseal share (expected text starting with SEK1)")]
    NotAShare,
    #[error("unseal share is malformed: {0}")]
    Malformed(&'static str),
    #[error("unseal share is damaged: its checksum does not match (check each character)")]
    Damaged,
}

/// One unseal share. `Debug` shows index, threshold and key id, never the value.
#[derive(Clone)]
pub struct Share {
    pub index: u8,
    pub threshold: u8,
    pub key_id: [u8; KEY_ID_LEN],
    /// 32 secret bytes (the root key itself at threshold 1): wiped on drop, never copied
    /// by a move.
    value: Key32,
}

impl fmt::Debug for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Share")
            .field("index", &self.index)
            .field("threshold", &self.threshold)
            .field("key_id", &key_id_text(&self.key_id))
            .field("value", &"<redacted>")
            .finish()
    }
}

/// The printable form of a key id (8 Crockford symbols).
pub fn key_id_text(key_id: &[u8; KEY_ID_LEN]) -> String {
    crockford::encode(key_id)
}

impl Share {
    /// The text form for a person to copy. Zeroized when dropped.
    pub fn to_text(&self) -> Zeroizing<String> {
        let head = format!("{VERSION_TAG}-{}-{}-{}", self.threshold, self.index, key_id_text(&self.key_id));
        let value = Zeroizing::new(crockford::encode(self.value.expose()));
        let check = checksum(&head, &value);
        let mut out = Zeroizing::new(String::with_capacity(head.len() + 80));
        out.push_str(&head);
        for chunk in value.as_bytes().chunks(4) {
            out.push('-');
            out.extend(chunk.iter().map(|&b| b as char));
        }
        out.push('-');
        out.push_str(&check);
        out
    }

    /// Parses a share typed or pasted by a person.
    pub fn parse(text: &str) -> Result<Share, ShareError> {
        // Every buffer below is sized up front: a growing String or Vec would leave
        // partial copies of the share behind in the memory it gave up.
        let mut cleaned = Zeroizing::new(String::with_capacity(text.len()));
        cleaned.extend(
            text.trim().chars().map(|c| if c.is_whitespace() { '-' } else { c.to_ascii_uppercase() }),
        );
        let mut parts = cleaned.split('-').filter(|p| !p.is_empty());
        if parts.next() != Some(VERSION_TAG) {
            return Err(ShareError::NotAShare);
        }
        let threshold: u8 = parts
            .next()
            .and_then(|p| p.parse().ok())
            .filter(|&t| t >= 1)
            .ok_or(ShareError::Malformed("threshold"))?;
        let index: u8 = parts
            .next()
            .and_then(|p| p.parse().ok())
            .filter(|&i| i >= 1)
            .ok_or(ShareError::Malformed("index"))?;
        let key_id_part = parts.next().ok_or(ShareError::Malformed("key id"))?;
        let key_id: [u8; KEY_ID_LEN] = crockford::decode(key_id_part, KEY_ID_LEN)
            .and_then(|v| v.try_into().ok())
            .ok_or(ShareError::Malformed("key id"))?;
        let mut rest = Zeroizing::new(String::with_capacity(cleaned.len()));
        parts.for_each(|p| rest.push_str(p));
        if rest.chars().count() != VALUE_SYMBOLS + CHECK_SYMBOLS {
            return Err(ShareError::Malformed("wrong length"));
        }
        if !rest.is_ascii() {
            // The right number of symbols, one of them outside the alphabet (e.g. typed on
            // another keyboard layout): a damaged share, not one of the wrong length.
            return Err(ShareError::Damaged);
        }
        let (value_text, check_text) = rest.split_at(VALUE_SYMBOLS);
        let head = format!("{VERSION_TAG}-{threshold}-{index}-{}", key_id_text(&key_id));
        let mut canonical_value = Zeroizing::new(String::with_capacity(VALUE_SYMBOLS));
        for c in value_text.chars() {
            let v = crockford::symbol_value(c).ok_or(ShareError::Damaged)?;
            canonical_value.push(crockford::ALPHABET[v as usize] as char);
        }
        let canonical_check: String = check_text
            .chars()
            .map(|c| crockford::symbol_value(c).map(|v| crockford::ALPHABET[v as usize] as char))
            .collect::<Option<String>>()
            .ok_or(ShareError::Damaged)?;
        if checksum(&head, &canonical_value) != canonical_check {
            return Err(ShareError::Damaged);
        }
        let bytes = Zeroizing::new(crockford::decode(&canonical_value, 32).ok_or(ShareError::Damaged)?);
        let value = Key32::from_slice(&bytes).map_err(|_| ShareError::Damaged)?;
        Ok(Share { index, threshold, key_id, value })
    }
}

/// Four check symbols: the XOR of all value symbols' 5-bit values, which changes with
/// every single-symbol substitution in the value (so one typo is always caught), then 15
/// bits of SHA-256 over the header and value, which catch swapped or multiple changes and
/// a changed header with probability 1 - 2^-15. The key id check after combining catches
/// whatever is left.
fn checksum(head: &str, value_symbols: &str) -> String {
    let parity = value_symbols.chars().filter_map(crockford::symbol_value).fold(0u8, |acc, v| acc ^ v);
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(head.as_bytes());
    ctx.update(b"|");
    ctx.update(value_symbols.as_bytes());
    let d = ctx.finish();
    let mut symbols = String::with_capacity(CHECK_SYMBOLS);
    symbols.push(crockford::ALPHABET[usize::from(parity)] as char);
    symbols.push_str(&crockford::encode(&d.as_ref()[..2])[..CHECK_SYMBOLS - 1]);
    symbols
}

/// Splits `secret` into `count` shares of which any `threshold` recover it.
/// A threshold of 1 (dev mode only) makes every share the secret itself.
pub fn split(
    secret: &Key32,
    key_id: [u8; KEY_ID_LEN],
    threshold: u8,
    count: u8,
) -> Result<Vec<Share>, CryptoError> {
    if threshold == 0 || count < threshold {
        return Err(CryptoError::InvalidParameter("need 1 <= threshold <= share count"));
    }
    if threshold == 1 {
        return Ok((1..=count)
            .map(|index| Share { index, threshold, key_id, value: secret.clone() })
            .collect());
    }
    // ThreadRng: a CSPRNG reseeded from the OS, infallible as vsss-rs requires.
    let mut rng = rand::rng();
    let raw = vsss_rs::Gf256::split_bytes(threshold as usize, count as usize, secret.expose(), &mut rng)
        .map_err(|_| CryptoError::InvalidParameter("Shamir split"))?;
    let raw: Vec<Zeroizing<Vec<u8>>> = raw.into_iter().map(Zeroizing::new).collect();
    raw.iter()
        .map(|bytes| {
            // vsss-rs lays a share out as identifier byte followed by the value bytes.
            if bytes.len() != 33 || bytes[0] == 0 {
                return Err(CryptoError::InvalidParameter("Shamir share layout"));
            }
            let value = Key32::from_slice(&bytes[1..])?;
            Ok(Share { index: bytes[0], threshold, key_id, value })
        })
        .collect()
}

/// Combines shares. The caller checks that they name its vault and are distinct and
/// enough; this only refuses sets that cannot be combined at all.
pub fn combine(shares: &[Share]) -> Result<Key32, CryptoError> {
    let first = shares.first().ok_or(CryptoError::InvalidParameter("no shares"))?;
    if shares.len() < first.threshold as usize {
        return Err(CryptoError::InvalidParameter("fewer shares than the threshold"));
    }
    if first.threshold == 1 {
        return Ok(first.value.clone());
    }
    let raw: Vec<Vec<u8>> = shares
        .iter()
        .map(|s| {
            let mut v = Vec::with_capacity(33);
            v.push(s.index);
            v.extend_from_slice(s.value.expose());
            v
        })
        .collect();
    let combined = vsss_rs::Gf256::combine_bytes(&raw).map_err(|_| CryptoError::Integrity);
    for mut v in raw {
        zeroize::Zeroize::zeroize(&mut v);
    }
    let combined = Zeroizing::new(combined?);
    Key32::from_slice(&combined).map_err(|_| CryptoError::Integrity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trip_and_tolerance() {
        let secret = Key32::generate().unwrap();
        let shares = split(&secret, [1, 2, 3, 4, 5], 3, 5).unwrap();
        for s in &shares {
            let text = s.to_text();
            let back = Share::parse(&text).unwrap();
            assert_eq!(back.index, s.index);
            assert_eq!(back.value, s.value);
            let sloppy = text.to_lowercase().replace('-', " ");
            let sloppy = format!("SEK1-{}", &sloppy[5..]);
            assert_eq!(Share::parse(&sloppy).unwrap().value, s.value);
        }
    }

    #[test]
    fn damage_is_named() {
        let secret = Key32::generate().unwrap();
        let share = &split(&secret, [9; 5], 2, 3).unwrap()[0];
        let text = share.to_text();
        let pos = text.len() - 7; // inside the last value group, before "-CCCC"
        let mut damaged: Vec<char> = text.chars().collect();
        damaged[pos] = if damaged[pos] == 'A' { 'B' } else { 'A' };
        let damaged: String = damaged.into_iter().collect();
        assert_eq!(Share::parse(&damaged).unwrap_err(), ShareError::Damaged);
        assert_eq!(Share::parse("hello").unwrap_err(), ShareError::NotAShare);
    }

    #[test]
    fn debug_hides_value() {
        let secret = Key32::from_bytes([0x5A; 32]);
        let share = &split(&secret, [0; 5], 1, 1).unwrap()[0];
        let shown = format!("{share:?}");
        assert!(shown.contains("redacted"));
        assert!(!shown.contains(&crockford::encode(&[0x5A; 32])[..10]));
    }
}
