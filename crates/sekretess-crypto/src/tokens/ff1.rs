//! FF1 (NIST SP 800-38G) through the `fpe` crate: any AES key size for the known-answer
//! vectors, and a radix-10 numeral string that avoids `fpe`'s big-integer arithmetic.

use aes::{Aes128, Aes192, Aes256};
use fpe::ff1::{FF1, FlexibleNumeralString, NumeralStringError};

use super::TokenError;

// ---------------------------------------------------------------------------------------
// FF1 with any AES key size (for the known-answer vectors) and AES-256 (for tokens).

pub(super) enum AnyFf1 {
    Aes128(FF1<Aes128>),
    Aes192(FF1<Aes192>),
    Aes256(FF1<Aes256>),
}

pub(super) fn ff1_error(e: NumeralStringError) -> TokenError {
    match e {
        NumeralStringError::InvalidForRadix(_) => TokenError::Ff1("numeral outside the radix"),
        NumeralStringError::TooLong { .. } => TokenError::Ff1("numeral string too long"),
        NumeralStringError::TooShort { .. } => TokenError::Ff1("domain smaller than 10^6 (radix^length)"),
    }
}

impl AnyFf1 {
    fn new(key: &[u8], radix: u32) -> Result<Self, TokenError> {
        let bad_radix = |_| TokenError::Ff1("radix outside 2..=65536");
        // `FF1::new` panics on a key of the wrong length: check it here first.
        Ok(match key.len() {
            16 => AnyFf1::Aes128(FF1::new(key, radix).map_err(bad_radix)?),
            24 => AnyFf1::Aes192(FF1::new(key, radix).map_err(bad_radix)?),
            32 => AnyFf1::Aes256(FF1::new(key, radix).map_err(bad_radix)?),
            _ => return Err(TokenError::KeySize),
        })
    }

    fn run(
        &self,
        encrypt: bool,
        tweak: &[u8],
        x: &FlexibleNumeralString,
    ) -> Result<FlexibleNumeralString, TokenError> {
        let out = match (self, encrypt) {
            (AnyFf1::Aes128(f), true) => f.encrypt(tweak, x),
            (AnyFf1::Aes128(f), false) => f.decrypt(tweak, x),
            (AnyFf1::Aes192(f), true) => f.encrypt(tweak, x),
            (AnyFf1::Aes192(f), false) => f.decrypt(tweak, x),
            (AnyFf1::Aes256(f), true) => f.encrypt(tweak, x),
            (AnyFf1::Aes256(f), false) => f.decrypt(tweak, x),
        };
        out.map_err(ff1_error)
    }
}

/// Plain FF1 encryption of `numerals` (each `< radix`) under an AES key of 16, 24 or 32
/// bytes, as SP 800-38G defines it, with the Rev. 1 draft's minimum domain
/// (`radix^len >= 10^6`). For known-answer tests and callers with their own format.
pub fn ff1_encrypt(key: &[u8], radix: u32, tweak: &[u8], numerals: &[u16]) -> Result<Vec<u16>, TokenError> {
    let f = AnyFf1::new(key, radix)?;
    Ok(f.run(true, tweak, &FlexibleNumeralString::from(numerals.to_vec()))?.into())
}

/// Plain FF1 decryption; see [`ff1_encrypt`].
pub fn ff1_decrypt(key: &[u8], radix: u32, tweak: &[u8], numerals: &[u16]) -> Result<Vec<u16>, TokenError> {
    let f = AnyFf1::new(key, radix)?;
    Ok(f.run(false, tweak, &FlexibleNumeralString::from(numerals.to_vec()))?.into())
}

// ---------------------------------------------------------------------------------------
// Decimal numeral strings for `fpe`'s FF1, in machine integers.

/// The longest decimal string [`Decimal`] takes: each half at most 18 digits (< 2^60).
pub(super) const DECIMAL_MAX: usize = 36;

/// A radix-10 numeral string of at most 36 digits for `fpe`'s FF1. The FF1 algorithm (the
/// Feistel rounds, the PRF, the tweak handling) stays in `fpe`; this type only gives it
/// the numeral-string arithmetic through the crate's own `NumeralString` / `Operations`
/// traits, in `u64`/`u128` instead of `fpe`'s `FlexibleNumeralString` (`Vec<u16>` and
/// `BigUint`, which allocates in every round). It is checked against `fpe`'s own type on
/// every Wycheproof radix-10 vector of up to 36 digits and NIST's radix-10 samples.
pub(super) struct Decimal(pub(super) Vec<u8>);

/// One half of a [`Decimal`] during the Feistel rounds: its value and its length.
pub(super) struct Half {
    value: u64,
    len: usize,
}

/// `STR^b_256` of a half: the low `b` bytes of a 16-byte big-endian buffer.
pub(super) struct HalfBytes {
    buf: [u8; 16],
    b: usize,
}

impl AsRef<[u8]> for HalfBytes {
    fn as_ref(&self) -> &[u8] {
        &self.buf[16 - self.b.min(16)..]
    }
}

fn pow10(m: usize) -> u128 {
    10u128.pow(u32::try_from(m).unwrap_or(u32::MAX).min(38))
}

/// `NUM(S)`, reduced mod `modulus` (< 2^64) only when it nears 2^128, so any length of `S`
/// is fine; the caller reduces the result. For the lengths used here (`S` of at most 12
/// bytes) no reduction happens inside.
fn num_mod(s: impl Iterator<Item = u8>, modulus: u128) -> u128 {
    s.fold(0u128, |acc, byte| {
        let acc = if acc >> 112 != 0 { acc % modulus } else { acc };
        acc * 256 + u128::from(byte)
    })
}

impl fpe::ff1::Operations for Half {
    type Bytes = HalfBytes;

    fn numeral_count(&self) -> usize {
        self.len
    }

    fn to_be_bytes(&self, _radix: u32, b: usize) -> HalfBytes {
        // b = ceil(len * log2(10) / 8) <= 8 for len <= 18: the value fits.
        HalfBytes { buf: u128::from(self.value).to_be_bytes(), b }
    }

    fn add_mod_exp(self, other: impl Iterator<Item = u8>, _radix: u32, m: usize) -> Self {
        let modulus = pow10(m);
        let y = num_mod(other, modulus);
        let c = (u128::from(self.value) + y) % modulus; // y < 2^120, value < 2^64
        Half { value: u64::try_from(c).unwrap_or(0), len: m }
    }

    fn sub_mod_exp(self, other: impl Iterator<Item = u8>, _radix: u32, m: usize) -> Self {
        let modulus = pow10(m);
        let y = num_mod(other, modulus) % modulus;
        let c = (u128::from(self.value) % modulus + modulus - y) % modulus;
        Half { value: u64::try_from(c).unwrap_or(0), len: m }
    }
}

impl Half {
    fn of(digits: &[u8]) -> Half {
        Half { value: digits.iter().fold(0u64, |a, &d| a * 10 + u64::from(d)), len: digits.len() }
    }

    fn push_digits(&self, out: &mut Vec<u8>) {
        let start = out.len();
        let mut v = self.value;
        for _ in 0..self.len {
            out.push((v % 10) as u8);
            v /= 10;
        }
        out[start..].reverse();
    }
}

impl fpe::ff1::NumeralString for Decimal {
    type Ops = Half;

    fn is_valid(&self, radix: u32) -> bool {
        radix == 10 && self.0.len() <= DECIMAL_MAX && self.0.iter().all(|&d| d < 10)
    }

    fn numeral_count(&self) -> usize {
        self.0.len()
    }

    fn split(&self) -> (Half, Half) {
        let u = self.0.len() / 2;
        (Half::of(&self.0[..u]), Half::of(&self.0[u..]))
    }

    fn concat(a: Half, b: Half) -> Self {
        let mut out = Vec::with_capacity(a.len + b.len);
        a.push_digits(&mut out);
        b.push_digits(&mut out);
        Decimal(out)
    }
}

/// FF1 in radix 10 through [`Decimal`] (at most 36 digits, values 0..=9), for tests that
/// hold it against [`ff1_encrypt`]. Same refusals as [`ff1_encrypt`].
#[doc(hidden)]
pub fn ff1_decimal(encrypt: bool, key: &[u8], tweak: &[u8], digits: &[u8]) -> Result<Vec<u8>, TokenError> {
    let x = Decimal(digits.to_vec());
    let out = match (AnyFf1::new(key, 10)?, encrypt) {
        (AnyFf1::Aes128(f), true) => f.encrypt(tweak, &x),
        (AnyFf1::Aes128(f), false) => f.decrypt(tweak, &x),
        (AnyFf1::Aes192(f), true) => f.encrypt(tweak, &x),
        (AnyFf1::Aes192(f), false) => f.decrypt(tweak, &x),
        (AnyFf1::Aes256(f), true) => f.encrypt(tweak, &x),
        (AnyFf1::Aes256(f), false) => f.decrypt(tweak, &x),
    };
    Ok(out.map_err(ff1_error)?.0)
}
