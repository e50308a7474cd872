//! Customer codes such as `K7Q4-M92D-J3X8`.
//!
//! Eleven random Crockford base32 symbols (55 bits, from the OS CSPRNG, derived from no
//! personal data) and one check symbol. The check makes the weighted sum
//! `Σ w_i · s_i` over GF(32) vanish, with twelve distinct non-zero weights
//! (`w_i = α^(i+1)` for the data symbols, `1` for the check symbol), so every single-symbol
//! substitution and every transposition of two symbols changes the sum and is caught
//! (`sekretess_ident::code_check`, shared with the detector).
//! (ISO 7064 MOD 37,36 would need a 36-symbol alphabet with I, L, O, U, which Crockford
//! base32 leaves out on purpose; GF(32) keeps the alphabet and the guarantees.)

use std::fmt;
use std::str::FromStr;

use sekretess_crypto::crockford;

use crate::error::VaultError;

pub const DATA_SYMBOLS: usize = 11;
pub const SYMBOLS: usize = DATA_SYMBOLS + 1;

/// A validated customer code, kept in canonical form (upper case, no separators).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerCode([u8; SYMBOLS]);

fn check_value(data: &[u8]) -> u8 {
    sekretess_ident::code_check(data)
}

impl CustomerCode {
    /// A fresh random code.
    pub fn generate() -> Result<Self, VaultError> {
        Ok(Self::generate_many(1)?.remove(0))
    }

    /// `n` fresh random codes from one draw of the random generator.
    pub fn generate_many(n: usize) -> Result<Vec<Self>, VaultError> {
        let mut random = vec![0u8; n * DATA_SYMBOLS];
        sekretess_crypto::fill_random(&mut random).map_err(|_| VaultError::Internal("random generator"))?;
        Ok(random
            .chunks_exact(DATA_SYMBOLS)
            .map(|data| {
                let mut values = [0u8; SYMBOLS];
                for (v, r) in values.iter_mut().zip(data) {
                    *v = r & 31;
                }
                values[DATA_SYMBOLS] = check_value(&values[..DATA_SYMBOLS]);
                Self::from_values(values)
            })
            .collect())
    }

    fn from_values(values: [u8; SYMBOLS]) -> Self {
        CustomerCode(values.map(|v| crockford::ALPHABET[v as usize]))
    }

    /// Parses a code typed by a person: case-insensitive, spaces and dashes ignored,
    /// I/L read as 1 and O as 0. A wrong check symbol is an error of its own.
    pub fn parse(input: &str) -> Result<Self, VaultError> {
        let mut values = Vec::with_capacity(SYMBOLS);
        for c in input.chars().filter(|c| !matches!(c, '-' | ' ')) {
            values.push(crockford::symbol_value(c).ok_or(VaultError::MalformedCode)?);
            if values.len() > SYMBOLS {
                return Err(VaultError::MalformedCode);
            }
        }
        let values: [u8; SYMBOLS] = values.try_into().map_err(|_| VaultError::MalformedCode)?;
        if check_value(&values[..DATA_SYMBOLS]) != values[DATA_SYMBOLS] {
            return Err(VaultError::CodeCheckFailed);
        }
        Ok(Self::from_values(values))
    }

    /// Canonical form without separators, as stored.
    pub fn compact(&self) -> &str {
        // Only alphabet bytes are ever stored in the array, so this cannot fail.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for CustomerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.compact();
        write!(f, "{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
    }
}

// A code is a pseudonym, not personal data, so Debug may show it.
impl fmt::Debug for CustomerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomerCode({self})")
    }
}

impl FromStr for CustomerCode {
    type Err = VaultError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_in_every_spelling() {
        for _ in 0..200 {
            let code = CustomerCode::generate().unwrap();
            let shown = code.to_string();
            assert_eq!(shown.len(), 14);
            assert_eq!(CustomerCode::parse(&shown).unwrap(), code);
            assert_eq!(CustomerCode::parse(&shown.to_lowercase()).unwrap(), code);
            assert_eq!(CustomerCode::parse(&shown.replace('-', " ")).unwrap(), code);
            assert_eq!(CustomerCode::parse(code.compact()).unwrap(), code);
        }
    }

    #[test]
    fn every_single_substitution_and_adjacent_transposition_is_caught() {
        for _ in 0..300 {
            let code = CustomerCode::generate().unwrap();
            let symbols: Vec<u8> = code.compact().bytes().collect();
            for i in 0..SYMBOLS {
                for &replacement in crockford::ALPHABET {
                    if replacement == symbols[i] {
                        continue;
                    }
                    let mut bad = symbols.clone();
                    bad[i] = replacement;
                    let bad = String::from_utf8(bad).unwrap();
                    assert_eq!(CustomerCode::parse(&bad), Err(VaultError::CodeCheckFailed), "{bad}");
                }
                if i + 1 < SYMBOLS && symbols[i] != symbols[i + 1] {
                    let mut swapped = symbols.clone();
                    swapped.swap(i, i + 1);
                    let swapped = String::from_utf8(swapped).unwrap();
                    assert_eq!(CustomerCode::parse(&swapped), Err(VaultError::CodeCheckFailed));
                }
            }
        }
    }

    #[test]
    fn malformed_codes() {
        assert_eq!(CustomerCode::parse("K7Q4-M92D"), Err(VaultError::MalformedCode));
        assert_eq!(CustomerCode::parse("K7Q4-M92D-J3X8-0"), Err(VaultError::MalformedCode));
        assert_eq!(CustomerCode::parse("K7Q4-M92D-J3U8"), Err(VaultError::MalformedCode));
    }
}
