//! The check symbol of the vault's customer codes (`K7Q4-M92D-J3X8`): eleven Crockford
//! base32 data symbols and one check symbol that makes `Σ w_i · s_i` over GF(32) vanish,
//! with twelve distinct non-zero weights (`w_i = α^(i+1)` for the data symbols, `1` for the
//! check symbol), so every single-symbol substitution and every transposition of two
//! symbols is caught. One implementation for the vault (which makes and parses codes) and
//! the detector (which finds them in text).

/// Data symbols of a code.
pub const CODE_DATA_SYMBOLS: usize = 11;
/// Symbols of a code, the check symbol included.
pub const CODE_SYMBOLS: usize = CODE_DATA_SYMBOLS + 1;

/// Crockford base32 in canonical (upper-case) form.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Multiplication in GF(2^5) modulo x^5 + x^2 + 1 (a primitive polynomial; α = x).
pub(crate) fn gf32_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0b10_0101;
        }
    }
    product
}

/// Weights α^1 … α^11 for the data symbols.
pub(crate) fn code_weights() -> [u8; CODE_DATA_SYMBOLS] {
    let mut w = [0u8; CODE_DATA_SYMBOLS];
    let mut power = 1u8;
    for slot in w.iter_mut() {
        power = gf32_mul(power, 2);
        *slot = power;
    }
    w
}

/// The check value (0..32) of the data symbol values (each 0..32; extra values are ignored).
pub fn code_check(data: &[u8]) -> u8 {
    code_weights().iter().zip(data).fold(0u8, |acc, (&w, &s)| acc ^ gf32_mul(w, s & 31))
}

/// The value of a canonical (upper-case, no look-alike) Crockford symbol.
pub fn code_symbol_value(b: u8) -> Option<u8> {
    ALPHABET.iter().position(|&a| a == b).and_then(|p| u8::try_from(p).ok())
}

/// Whether `symbols` are the twelve canonical symbols of a code with a valid check symbol.
pub fn is_customer_code(symbols: &[u8]) -> bool {
    if symbols.len() != CODE_SYMBOLS {
        return false;
    }
    let mut values = [0u8; CODE_SYMBOLS];
    for (v, &s) in values.iter_mut().zip(symbols) {
        match code_symbol_value(s) {
            Some(x) => *v = x,
            None => return false,
        }
    }
    code_check(&values[..CODE_DATA_SYMBOLS]) == values[CODE_DATA_SYMBOLS]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_distinct_and_nonzero() {
        let mut all = code_weights().to_vec();
        all.push(1);
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), CODE_SYMBOLS);
        assert!(!all.contains(&0));
    }

    #[test]
    fn gf32_is_a_field() {
        for a in 1..32u8 {
            assert!((1..32u8).any(|b| gf32_mul(a, b) == 1), "{a} has no inverse");
        }
    }

    #[test]
    fn checks_and_catches_substitutions_and_transpositions() {
        // A code built by hand: data symbols 0..11, check computed.
        let data: Vec<u8> = (0..11u8).collect();
        let mut code: Vec<u8> = data.iter().map(|&v| ALPHABET[usize::from(v)]).collect();
        code.push(ALPHABET[usize::from(code_check(&data))]);
        assert!(is_customer_code(&code));
        for i in 0..CODE_SYMBOLS {
            for &r in ALPHABET {
                if r != code[i] {
                    let mut bad = code.clone();
                    bad[i] = r;
                    assert!(!is_customer_code(&bad));
                }
            }
            if i + 1 < CODE_SYMBOLS && code[i] != code[i + 1] {
                let mut bad = code.clone();
                bad.swap(i, i + 1);
                assert!(!is_customer_code(&bad));
            }
        }
        assert!(!is_customer_code(b"K7Q4M92DJ3X"));
        assert!(!is_customer_code(b"k7q4m92dj3x8"));
    }
}
