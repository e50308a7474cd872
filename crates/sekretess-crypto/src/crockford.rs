//! Crockford base32: an alphabet without I, L, O and U, read case-insensitively with
//! I/L taken as 1 and O as 0, so people can copy it by hand.

pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The value of one symbol, folding case and the look-alikes I, L -> 1 and O -> 0.
pub fn symbol_value(c: char) -> Option<u8> {
    let c = c.to_ascii_uppercase();
    let c = match c {
        'I' | 'L' => '1',
        'O' => '0',
        other => other,
    };
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u8)
}

/// Encodes bytes, most significant bit first, padding the last symbol with zero bits.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes exactly `len` bytes from symbols (separators must already be removed).
/// Fails on an unknown symbol, a wrong length, or non-zero padding bits.
pub fn decode(symbols: &str, len: usize) -> Option<Vec<u8>> {
    if symbols.chars().count() != (len * 8).div_ceil(5) {
        return None;
    }
    // Wiped if decoding stops half-way: the bytes may be part of a share.
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(len));
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in symbols.chars() {
        acc = (acc << 5) | u32::from(symbol_value(c)?);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    if acc & ((1 << bits) - 1) != 0 {
        return None;
    }
    Some(std::mem::take(&mut *out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_all_lengths() {
        for len in 0..40usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode(&bytes);
            assert_eq!(decode(&text, len).unwrap(), bytes);
            assert_eq!(decode(&text.to_lowercase(), len).unwrap(), bytes);
        }
    }

    #[test]
    fn look_alikes_fold() {
        assert_eq!(symbol_value('o'), Some(0));
        assert_eq!(symbol_value('L'), Some(1));
        assert_eq!(symbol_value('i'), Some(1));
        assert_eq!(symbol_value('U'), None);
    }

    #[test]
    fn known_answer() {
        // "f" = 0x66 = 01100 110(00) -> symbols 12, 24 -> "CR"
        assert_eq!(encode(b"f"), "CR");
    }
}
