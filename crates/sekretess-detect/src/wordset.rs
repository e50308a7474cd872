//! A set of static words with a cheap lookup: open addressing over a multiplicative hash,
//! built once. The word lists are asked once or more per capitalised word of every text, so
//! a linear scan of a list (or SipHash) showed in the profile.

/// Words, each with its position in the list it was built from.
pub(crate) struct WordSet {
    /// Index + 1 into `words`, 0 for an empty slot.
    slots: Vec<u32>,
    words: Vec<&'static str>,
    mask: usize,
    max_len: usize,
    /// A Bloom filter of the words' (length, first two bytes): most words asked about are in
    /// no list, and the filter says so before the whole word is hashed.
    filter: [u64; 64],
}

/// The filter bit of a word of `len` bytes starting with `b0`, `b1` (0 past its end).
#[inline]
fn filter_bit(len: usize, b0: u8, b1: u8) -> usize {
    let k = (len as u32) << 16 | u32::from(b0) << 8 | u32::from(b1);
    (k.wrapping_mul(0x9E37_79B1) >> 20) as usize
}

/// The filter bit of `w`'s own bytes.
#[inline]
fn bit_of(w: &[u8]) -> usize {
    filter_bit(w.len(), w.first().copied().unwrap_or(0), w.get(1).copied().unwrap_or(0))
}

/// Up to eight bytes as a little-endian integer, zero-padded (a short chunk is read byte by
/// byte: a variable-length copy into an array is a call to `memcpy`, which showed in the
/// profile).
#[inline]
pub(crate) fn load_le(chunk: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(chunk) {
        Ok(a) => u64::from_le_bytes(a),
        Err(_) => chunk.iter().take(8).enumerate().fold(0, |x, (k, &b)| x | u64::from(b) << (8 * k)),
    }
}

/// ASCII capitals of eight bytes to lower case (0x20 added to the bytes 'A'..='Z' only).
#[inline]
pub(crate) fn ascii_lower(x: u64) -> u64 {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    // Sean Anderson's "hasbetween": the high bit of each byte b with '@' < b < '['.
    let low = x & (L * 127);
    let upper = (L * (127 + 0x5B) - low) & !x & (low + L * (127 - 0x40)) & H;
    x | (upper >> 2)
}

#[inline]
fn hash(b: &[u8]) -> u64 {
    let mut h = (b.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for chunk in b.chunks(8) {
        h = (h ^ load_le(chunk)).wrapping_mul(0xD6E8_FEB8_6659_FD93).rotate_left(31);
    }
    h ^ (h >> 29)
}

impl WordSet {
    /// The set of `words`; a word listed twice keeps its first position.
    pub(crate) fn new(words: impl IntoIterator<Item = &'static str>) -> WordSet {
        let words: Vec<&'static str> = words.into_iter().collect();
        let cap = (words.len() * 2).next_power_of_two().max(8);
        let max_len = words.iter().map(|w| w.len()).max().unwrap_or(0);
        let mut filter = [0u64; 64];
        for w in &words {
            let b = bit_of(w.as_bytes());
            filter[b / 64] |= 1 << (b % 64);
        }
        let mut set = WordSet { slots: vec![0; cap], words, mask: cap - 1, max_len, filter };
        for (i, w) in set.words.iter().enumerate() {
            let mut s = (hash(w.as_bytes()) as usize) & set.mask;
            let mut dup = false;
            while let Some(&k) = set.slots.get(s).filter(|&&k| k != 0) {
                dup |= set.words.get(k as usize - 1) == Some(w);
                s = (s + 1) & set.mask;
            }
            if !dup && let Some(slot) = set.slots.get_mut(s) {
                *slot = u32::try_from(i + 1).unwrap_or(0);
            }
        }
        set
    }

    /// The position of `w` in the list (first occurrence), if it is there.
    #[inline]
    pub(crate) fn find(&self, w: &str) -> Option<usize> {
        if w.len() > self.max_len || !self.may_hold(bit_of(w.as_bytes())) {
            return None;
        }
        let mut s = (hash(w.as_bytes()) as usize) & self.mask;
        loop {
            let k = *self.slots.get(s)? as usize;
            if k == 0 {
                return None;
            }
            if self.words.get(k - 1).is_some_and(|x| *x == w) {
                return Some(k - 1);
            }
            s = (s + 1) & self.mask;
        }
    }

    /// Whether the ASCII word `w` in lower case is in the set (no copy is made).
    pub(crate) fn contains_ascii_lower(&self, w: &[u8]) -> bool {
        // A listed word equal to `w` in lower case has the bytes of `w` folded.
        let fold = |k: usize| w.get(k).map_or(0, u8::to_ascii_lowercase);
        if w.len() > self.max_len || !self.may_hold(filter_bit(w.len(), fold(0), fold(1))) {
            return false;
        }
        let mut h = (w.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for chunk in w.chunks(8) {
            h = (h ^ ascii_lower(load_le(chunk))).wrapping_mul(0xD6E8_FEB8_6659_FD93).rotate_left(31);
        }
        let mut s = ((h ^ (h >> 29)) as usize) & self.mask;
        loop {
            let Some(&k) = self.slots.get(s) else { return false };
            if k == 0 {
                return false;
            }
            if self.words.get(k as usize - 1).is_some_and(|x| {
                x.len() == w.len() && x.bytes().zip(w).all(|(a, &b)| a == b.to_ascii_lowercase())
            }) {
                return true;
            }
            s = (s + 1) & self.mask;
        }
    }

    #[inline]
    fn may_hold(&self, bit: usize) -> bool {
        self.filter.get(bit / 64).is_some_and(|f| f & (1 << (bit % 64)) != 0)
    }

    #[inline]
    pub(crate) fn contains(&self, w: &str) -> bool {
        self.find(w).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exactly_the_listed_words() {
        let list = ["Anna", "anna", "Ö", "", "Åsa-Britt", "Anna", "x"];
        let set = WordSet::new(list);
        assert_eq!(set.find("Anna"), Some(0));
        assert_eq!(set.find("anna"), Some(1));
        assert_eq!(set.find("Ö"), Some(2));
        assert_eq!(set.find(""), Some(3));
        assert_eq!(set.find("Åsa-Britt"), Some(4));
        assert_eq!(set.find("x"), Some(6));
        for w in ["ANNA", "Ann", "Annas", "Åsa", "y", "Åsa-Britt "] {
            assert!(!set.contains(w), "{w}");
        }
        assert!(!WordSet::new([]).contains(""));
    }

    #[test]
    fn lower_case_lookup_of_ascii_words() {
        let set = WordSet::new(["mr", "c/o", "kontaktperson", "hej", "Dear"]);
        for w in ["MR", "Mr", "mr", "C/O", "KontaktPerson", "HEJ"] {
            assert!(set.contains_ascii_lower(w.as_bytes()), "{w}");
        }
        // The listed "Dear" is not lower case, so no lower-cased word equals it.
        for w in ["Dear", "dear", "mrs", "m", "kontaktpersonen", "@r", "[r"] {
            assert!(!set.contains_ascii_lower(w.as_bytes()), "{w}");
        }
        // Every byte value: only 'A'..='Z' change.
        for b in 0..=255u8 {
            let x = u64::from(b) * 0x0101_0101_0101_0101;
            let want = u64::from(b.to_ascii_lowercase()) * 0x0101_0101_0101_0101;
            assert_eq!(ascii_lower(x), want, "byte {b}");
        }
    }

    #[test]
    fn short_chunks_load_as_zero_padded_little_endian() {
        for n in 0..=8 {
            let bytes: Vec<u8> = (1..=n as u8).map(|b| b * 17).collect();
            let mut a = [0u8; 8];
            a[..n].copy_from_slice(&bytes);
            assert_eq!(load_le(&bytes), u64::from_le_bytes(a), "{n} bytes");
        }
    }
}
