//! A Bloom filter over blind-index hashes. Each index run keeps one over its unique-field
//! entries (see `migrations/sqlite/group/0003_unique_runs.sql`), so that a batch's
//! uniqueness check reads only the few runs that may hold one of its hashes.
//!
//! The hashes are HMAC-SHA256 outputs, uniformly distributed already, so the bit positions
//! are taken from their bytes (double hashing, after Kirsch and Mitzenmacher) instead of
//! hashing them again.

use sekretess_core::error::StoreError;

/// 16 bits and 11 probes per entry: a false positive about once in 2,000 lookups, which
/// then costs one index probe.
const BITS_PER_ENTRY: usize = 16;
const PROBES: u8 = 11;
const VERSION: u8 = 1;

/// A decoded filter. The encoded form is `VERSION`, the probe count, then the bits; an
/// empty blob is the filter of no entries.
pub(crate) struct HashFilter {
    probes: u8,
    bits: Vec<u8>,
}

impl HashFilter {
    /// The encoded filter of `hashes` (each at least 16 bytes long).
    pub(crate) fn encode<'a>(hashes: impl ExactSizeIterator<Item = &'a [u8]>) -> Vec<u8> {
        if hashes.len() == 0 {
            return Vec::new();
        }
        let mut blob = vec![0; 2 + hashes.len() * BITS_PER_ENTRY / 8];
        blob[..2].copy_from_slice(&[VERSION, PROBES]);
        let bits = &mut blob[2..];
        for hash in hashes {
            for bit in positions(hash, PROBES, bits.len()) {
                bits[bit / 8] |= 1 << (bit % 8);
            }
        }
        blob
    }

    pub(crate) fn decode(blob: &[u8]) -> Result<Self, StoreError> {
        match blob {
            [] => Ok(HashFilter { probes: 0, bits: Vec::new() }),
            [VERSION, probes, bits @ ..] if *probes > 0 && !bits.is_empty() => {
                Ok(HashFilter { probes: *probes, bits: bits.to_vec() })
            }
            _ => Err(StoreError::Corrupt("an index run's hash filter is malformed".into())),
        }
    }

    /// False only if `hash` was not among the filter's hashes.
    pub(crate) fn may_contain(&self, hash: &[u8]) -> bool {
        !self.bits.is_empty()
            && positions(hash, self.probes, self.bits.len())
                .all(|bit| self.bits[bit / 8] & (1 << (bit % 8)) != 0)
    }
}

/// The `probes` bit positions of `hash` in a filter of `bytes` bytes.
fn positions(hash: &[u8], probes: u8, bytes: usize) -> impl Iterator<Item = usize> {
    let word = |at: usize| {
        let mut word = [0u8; 8];
        if let Some(slice) = hash.get(at..at + 8) {
            word.copy_from_slice(slice);
        }
        u64::from_le_bytes(word)
    };
    let (first, step) = (word(0), word(8) | 1);
    let bits = (bytes * 8) as u64;
    (0..u64::from(probes)).map(move |i| (first.wrapping_add(i.wrapping_mul(step)) % bits) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sekretess_crypto::mac::hmac_sha256;

    fn hashes(from: u32, count: u32) -> Vec<[u8; 32]> {
        (from..from + count).map(|i| hmac_sha256(b"filter test", &i.to_be_bytes())).collect()
    }

    #[test]
    fn every_hash_put_in_is_found_and_few_others_are() {
        let inside = hashes(0, 10_000);
        let blob = HashFilter::encode(inside.iter().map(|h| &h[..]));
        let filter = HashFilter::decode(&blob).unwrap();
        assert!(inside.iter().all(|h| filter.may_contain(h)));
        // Expected about 0.05 %: 100,000 lookups of absent hashes give about 50.
        let false_positives =
            hashes(1_000_000, 100_000).iter().filter(|h| filter.may_contain(&h[..])).count();
        assert!(false_positives < 200, "{false_positives} false positives in 100,000");
    }

    #[test]
    fn the_filter_of_nothing_holds_nothing() {
        let blob = HashFilter::encode(std::iter::empty());
        assert!(blob.is_empty());
        let filter = HashFilter::decode(&blob).unwrap();
        assert!(hashes(0, 100).iter().all(|h| !filter.may_contain(h)));
    }

    #[test]
    fn a_damaged_filter_is_refused() {
        let blob = HashFilter::encode(hashes(0, 10).iter().map(|h| &h[..]));
        for damaged in [&[9u8, 11, 0xff][..], &[VERSION, 0, 0xff], &[VERSION, 11], &blob[..1]] {
            assert!(matches!(HashFilter::decode(damaged), Err(StoreError::Corrupt(_))), "{damaged:?}");
        }
    }
}
