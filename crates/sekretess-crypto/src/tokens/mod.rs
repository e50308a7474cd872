//! Tokens for other systems: format-preserving (FF1, NIST SP 800-38G, through the `fpe`
//! crate on RustCrypto AES) and deterministic (`dtk_…`, HMAC-SHA256).
//!
//! # FF1 tokens
//!
//! [`Ff1Tokens`] holds one AES-256 key schedule for FF1 (derived from a group's key with
//! its own HKDF label, [`crate::kdf::labels::FF1_TOKEN`]) and tokenizes:
//!
//! - **card numbers** (16 to 19 digits): the first 6 and last 4 digits are kept; the middle
//!   (6 to 9 digits, so the FF1 domain is at least 10^6, the minimum of the SP 800-38G Rev. 1
//!   draft) is encrypted in radix 10 with the kept 10 digits as tweak. A token always
//!   *fails* Luhn, so it is never taken for a card. Shorter numbers (12 to 15 digits: Amex,
//!   Diners, 13-digit Visa, Maestro) keep the last 4 and only as many leading digits as
//!   leave 6 to encrypt (`len - 10`: 2 to 5), so the domain stays 10^6; numbers under 12
//!   digits are refused ([`TokenError::CardTooShort`]).
//! - **personnummer / samordningsnummer** (10 or 12 digits): the century (12-digit form), the
//!   year `YY` and the check digit are kept; the date within the year and the birth number
//!   (`MMDD` + `NNN`) are encrypted together as one number `ordinal_day * 1000 + NNN`
//!   (fewer than 366,000 values) written as 6 digits, so the FF1 domain is 10^6. The token
//!   carries a real date of the same year (a samordningsnummer stays one: day + 60) and a
//!   *wrong* check digit.
//! - **other digit strings** of 6 digits or more: all digits are encrypted (domain
//!   10^len), with the length in the tweak.
//!
//! Spaces, dashes and `+` stay where they were, so length and character set are kept.
//!
//! ## Domain sizes
//!
//! - Card, 16 digits: FF1 domain 10^6 per tweak (the kept 10 digits); 10^5 cards map into
//!   the 9 * 10^5 Luhn-invalid middles. 19 digits: 10^9 and 10^8.
//! - Personnummer: FF1 domain 10^6 (6 digits) per tweak (form, kind, century, `YY`, check
//!   digit); the walk stays on `z < 365,000` (366,000 in a leap year) with a wrong check
//!   digit: about 328,500 token values for about 36,500 numbers per tweak. Encrypting only
//!   the 3-digit birth number (10^3) or the day and birth number of one month (< 31,000)
//!   would be under the 10^6 minimum, hence the whole day of the year. The birth date of a
//!   token is a real date but not the person's; the year is kept (and so the age to a
//!   year).
//! - Other digit strings: 10^len, len >= 6.
//!
//! The tweaks carry only the kept digits, so they take few values (for cards, those of
//! issuer prefixes and last four digits). FF1's security is that of a tweakable
//! pseudorandom permutation of each domain under a secret key; it does not hide how many
//! distinct values share a tweak, and a key that leaks reveals every token.
//!
//! ## Why the walk is built the way it is (proof)
//!
//! Let `D` be the FF1 domain (all middles), `π` the FF1 permutation of `D` under the key and
//! tweak, `A ⊂ D` the values a caller may tokenize (Luhn-valid card; real date with a
//! correct check digit) and `B ⊂ D` the values a token may take (Luhn-invalid; real date
//! with a wrong check digit). `A ∩ B = ∅`.
//!
//! The tempting rule "encrypt until the result is in `B`; decrypt until it is in `A`" is
//! **not** a bijection. If `π(x) = z ∈ A` and `π(z) = y ∈ B` then both `x` and `z`
//! tokenize to `y`, and detokenizing `y` gives `z` (the first `A` value met backwards), so
//! `x` is lost. For cards about one value in ten meets this; the test
//! `tokens::naive_walk_is_not_a_bijection` finds such a pair.
//!
//! What is done instead:
//!
//! 1. `φ: A -> B`, a fixed public injection: add 1 (mod 10) to the last encrypted digit
//!    (for a personnummer the last digit of `NNN`). Luhn weighs each position by a
//!    bijection of the digits 0..9 (`d` or `2d` folded), so changing one digit changes the
//!    sum mod 10: a valid value becomes invalid. The date part is untouched, so a real date
//!    stays the same real date. `φ⁻¹` subtracts 1.
//! 2. `σ_B`, cycle-walking restricted to `B`: `σ_B(y)` is the first of `π(y), π²(y), …`
//!    that is in `B`. The cycle of `π` through `y` comes back to `y ∈ B`, so the walk ends;
//!    and `σ_B` is a permutation of `B` whose inverse is the first of `π⁻¹(y), π⁻²(y), …`
//!    in `B` (on the cycle, the elements of `B` come in a fixed order and `σ_B` steps to
//!    the next one, `σ_B⁻¹` to the previous one).
//! 3. `tokenize = σ_B ∘ φ` (injective: a bijection after an injection) and
//!    `detokenize = φ⁻¹ ∘ σ_B⁻¹`, which answers [`TokenError::NotAToken`] when `φ⁻¹` of
//!    the value reached is not in `A` (a value of `B` that no card or personnummer maps
//!    to under this key: about 8 in 9 of them for cards).
//!
//! The walk costs `|D| / |B|` FF1 calls on average: 10/9 for a card, about 3 for a
//! personnummer. Tests: `tokens::walk_is_a_bijection_on_a_whole_card_domain` (all 10^6
//! middles of one 16-digit prefix/suffix) and the round trips over `testdata/`.
//!
//! # Deterministic tokens
//!
//! [`DeterministicTokens`]: `dtk_` + Crockford base32 of the first 20 bytes of
//! HMAC-SHA256 under a group key derived with [`crate::kdf::labels::DETERMINISTIC_TOKEN`],
//! over the kind and the value the caller has already normalized. Same value and group,
//! same token; another group, another token. Not reversible by itself.

use std::fmt;

use aes::Aes256;
use fpe::ff1::{FF1, FlexibleNumeralString};

use zeroize::Zeroizing;

use crate::{CryptoError, Key32, kdf};

/// Why a value could not be tokenized or a token detokenized. Never carries the value.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum TokenError {
    /// Something other than ASCII digits and the separators space, `-` and `+`.
    #[error("value must be digits, optionally separated by spaces, '-' or '+'")]
    NotDigits,
    /// A card number of fewer than 12 digits: under 6 digits would be left to encrypt.
    #[error(
        "card number too short for a format-preserving token: at least 12 digits are needed \
         (the last 4 kept, at least 6 encrypted)"
    )]
    CardTooShort,
    /// A card number of more than 19 digits.
    #[error("card number too long: at most 19 digits")]
    CardTooLong,
    /// The digits fail Luhn, so they are not a card number (or a token was given).
    #[error("not a valid card number (Luhn check fails)")]
    NotACard,
    /// Not 10 or 12 digits, a date that does not exist, or a wrong check digit.
    #[error("not a valid personnummer or samordningsnummer")]
    NotAPersonnummer,
    /// A digit string of fewer than 6 digits (FF1 domain under 10^6).
    #[error("digit string too short for a format-preserving token: at least 6 digits")]
    TooShort,
    /// A token that this key did not make (or the wrong key for it).
    #[error("not a token of this key")]
    NotAToken,
    /// FF1 key of another size than 16, 24 or 32 bytes.
    #[error("FF1 key must be 16, 24 or 32 bytes")]
    KeySize,
    /// FF1 input refused: radix, numeral or length outside the algorithm's domain.
    #[error("FF1 input refused: {0}")]
    Ff1(&'static str),
    /// Key derivation failed.
    #[error("key derivation failed")]
    Crypto(#[from] CryptoError),
}

/// The smallest FF1 domain this module accepts (SP 800-38G Rev. 1 draft): 10^6.
pub const MIN_DOMAIN: u64 = 1_000_000;

mod deterministic;
mod ff1;

pub use deterministic::{DTK_BYTES, DTK_PREFIX, DeterministicTokens, DtkError, DtkKind};
use ff1::{DECIMAL_MAX, Decimal, ff1_error};
pub use ff1::{ff1_decimal, ff1_decrypt, ff1_encrypt};

// ---------------------------------------------------------------------------------------
// Digits with their separators.

/// The digits of a value (0..=9 each) and where its separators were.
struct Digits {
    /// Wiped on drop: these are the digits of a card or personnummer.
    digits: Zeroizing<Vec<u8>>,
    /// (position in the original string, separator byte)
    separators: Vec<(usize, u8)>,
}

impl Digits {
    fn parse(value: &str) -> Result<Self, TokenError> {
        let mut digits = Vec::with_capacity(value.len());
        let mut separators = Vec::new();
        for (i, b) in value.bytes().enumerate() {
            match b {
                b'0'..=b'9' => digits.push(b - b'0'),
                b' ' | b'-' | b'+' => separators.push((i, b)),
                _ => return Err(TokenError::NotDigits),
            }
        }
        Ok(Digits { digits: Zeroizing::new(digits), separators })
    }

    /// The string with `digits` in place of the original digits, separators where they were.
    fn render(&self, digits: &[u8]) -> String {
        let mut out = String::with_capacity(digits.len() + self.separators.len());
        let mut seps = self.separators.iter().peekable();
        let mut next = digits.iter();
        let total = digits.len() + self.separators.len();
        for i in 0..total {
            if let Some(&&(pos, sep)) = seps.peek()
                && pos == i
            {
                out.push(char::from(sep));
                seps.next();
                continue;
            }
            if let Some(d) = next.next() {
                out.push(char::from(b'0' + d));
            }
        }
        out
    }
}

/// Luhn (mod 10) over digit values 0..=9. Sekretess-ident holds the rule for the rest of
/// the workspace; this crate uses no crate of ours, and the tests check the two agree.
fn luhn_ok(digits: &[u8]) -> bool {
    luhn_parts(&[digits])
}

/// Luhn over the concatenation of `parts`, without building it.
fn luhn_parts(parts: &[&[u8]]) -> bool {
    let mut sum = 0u32;
    let mut empty = true;
    for (i, &d) in parts.iter().rev().flat_map(|p| p.iter().rev()).enumerate() {
        empty = false;
        let mut v = u32::from(d);
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !empty && sum.is_multiple_of(10)
}

fn to_ns(digits: &[u8]) -> FlexibleNumeralString {
    FlexibleNumeralString::from(digits.iter().map(|&d| u16::from(d)).collect::<Vec<u16>>())
}

fn from_ns(ns: FlexibleNumeralString) -> Vec<u8> {
    // Every numeral is < 10 (radix 10), so the cast keeps it.
    Vec::<u16>::from(ns).into_iter().map(|d| (d % 10) as u8).collect()
}

/// `φ`: the last digit + 1 (mod 10). `φ⁻¹` with `back`.
fn nudge_last(digits: &mut [u8], back: bool) {
    if let Some(last) = digits.last_mut() {
        *last = if back { (*last + 9) % 10 } else { (*last + 1) % 10 };
    }
}

// ---------------------------------------------------------------------------------------
// FF1 tokens.

/// FF1 tokens under one group's FF1 key: the AES-256 key schedule is built once here and
/// reused for every value. Wiped on drop (RustCrypto AES with `zeroize`); `Debug` shows no
/// key.
pub struct Ff1Tokens {
    ff1: FF1<Aes256>,
}

impl fmt::Debug for Ff1Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ff1Tokens(<redacted>)")
    }
}

const TWEAK_CARD: u8 = b'C';
const TWEAK_PERSONNUMMER: u8 = b'P';
const TWEAK_DIGITS: u8 = b'D';

impl Ff1Tokens {
    /// FF1 tokens under `key` itself (already the FF1 key).
    pub fn new(key: &Key32) -> Result<Self, TokenError> {
        let ff1 = FF1::<Aes256>::new(key.expose(), 10).map_err(|_| TokenError::Ff1("radix"))?;
        // The AES key expansion may leave round keys on the stack.
        crate::secret::scrub_stack();
        Ok(Ff1Tokens { ff1 })
    }

    /// FF1 tokens under the key derived from a group's derivation key with
    /// [`kdf::labels::FF1_TOKEN`] and `context` (the group id).
    pub fn from_group_key(group_key: &Key32, context: &[u8]) -> Result<Self, TokenError> {
        let key = kdf::derive_key(group_key, kdf::labels::FF1_TOKEN, context)?;
        Self::new(&key)
    }

    fn encrypt(&self, tweak: &[u8], x: &[u8]) -> Result<Vec<u8>, TokenError> {
        if x.len() <= DECIMAL_MAX {
            return Ok(self.ff1.encrypt(tweak, &Decimal(x.to_vec())).map_err(ff1_error)?.0);
        }
        Ok(from_ns(self.ff1.encrypt(tweak, &to_ns(x)).map_err(ff1_error)?))
    }

    fn decrypt(&self, tweak: &[u8], x: &[u8]) -> Result<Vec<u8>, TokenError> {
        if x.len() <= DECIMAL_MAX {
            return Ok(self.ff1.decrypt(tweak, &Decimal(x.to_vec())).map_err(ff1_error)?.0);
        }
        Ok(from_ns(self.ff1.decrypt(tweak, &to_ns(x)).map_err(ff1_error)?))
    }

    /// `σ_B ∘ φ`: nudge `x` (in A) into B, then walk forwards to the next value in B.
    fn walk_encrypt(
        &self,
        tweak: &[u8],
        mut x: Vec<u8>,
        in_b: impl Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TokenError> {
        nudge_last(&mut x, false);
        loop {
            x = self.encrypt(tweak, &x)?;
            if in_b(&x) {
                return Ok(x);
            }
        }
    }

    /// `φ⁻¹ ∘ σ_B⁻¹`: walk backwards to the previous value in B, then undo the nudge.
    fn walk_decrypt(
        &self,
        tweak: &[u8],
        mut y: Vec<u8>,
        in_b: impl Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TokenError> {
        loop {
            y = self.decrypt(tweak, &y)?;
            if in_b(&y) {
                break;
            }
        }
        nudge_last(&mut y, true);
        Ok(y)
    }

    /// A card number (16 to 19 digits, Luhn-valid; spaces or dashes allowed and kept) ->
    /// its token: first 6 and last 4 digits kept, the middle encrypted, Luhn failing.
    pub fn tokenize_card(&self, pan: &str) -> Result<String, TokenError> {
        let d = Digits::parse(pan)?;
        let (tweak, middle) = card_parts(&d.digits)?;
        if !luhn_ok(&d.digits) {
            return Err(TokenError::NotACard);
        }
        let n = d.digits.len();
        let (head, tail) = (&d.digits[..card_head(n)], &d.digits[n - 4..]);
        let in_b = |m: &[u8]| !luhn_parts(&[head, m, tail]);
        let token = self.walk_encrypt(&tweak, middle.to_vec(), in_b)?;
        Ok(d.render(&with_middle(&d.digits[..n], &token)))
    }

    /// A card token -> the card number. Refuses a value that passes Luhn (never a token)
    /// and one that this key did not make.
    pub fn detokenize_card(&self, token: &str) -> Result<String, TokenError> {
        let d = Digits::parse(token)?;
        let (tweak, middle) = card_parts(&d.digits)?;
        if luhn_ok(&d.digits) {
            return Err(TokenError::NotAToken);
        }
        let n = d.digits.len();
        let (head, tail) = (&d.digits[..card_head(n)], &d.digits[n - 4..]);
        let in_b = |m: &[u8]| !luhn_parts(&[head, m, tail]);
        let plain = self.walk_decrypt(&tweak, middle.to_vec(), in_b)?;
        let full = with_middle(&d.digits, &plain);
        if !luhn_ok(&full) {
            return Err(TokenError::NotAToken);
        }
        Ok(d.render(&full))
    }

    /// A personnummer or samordningsnummer (10 or 12 digits, separators kept) -> its token:
    /// century, year and check digit kept, a real date of the same year and kind, a wrong
    /// check digit.
    pub fn tokenize_personnummer(&self, value: &str) -> Result<String, TokenError> {
        let d = Digits::parse(value)?;
        let p = Pnr::parse(&d.digits)?;
        if !p.check_digit_ok(p.z) {
            return Err(TokenError::NotAPersonnummer);
        }
        let in_b = |z: &[u8]| p.z_of(z).is_some_and(|z| !p.check_digit_ok(z));
        let token = self.walk_encrypt(&p.tweak(), six_digits(p.z), in_b)?;
        let z = p.z_of(&token).ok_or(TokenError::NotAToken)?;
        Ok(d.render(&p.render(z)))
    }

    /// A personnummer token -> the personnummer.
    pub fn detokenize_personnummer(&self, token: &str) -> Result<String, TokenError> {
        let d = Digits::parse(token)?;
        let p = Pnr::parse(&d.digits).map_err(|_| TokenError::NotAToken)?;
        if p.check_digit_ok(p.z) {
            return Err(TokenError::NotAToken);
        }
        let in_b = |z: &[u8]| p.z_of(z).is_some_and(|z| !p.check_digit_ok(z));
        let plain = self.walk_decrypt(&p.tweak(), six_digits(p.z), in_b)?;
        let z = p.z_of(&plain).ok_or(TokenError::NotAToken)?;
        if !p.check_digit_ok(z) {
            return Err(TokenError::NotAToken);
        }
        Ok(d.render(&p.render(z)))
    }

    /// Any digit string of 6 digits or more (separators kept): all digits encrypted.
    pub fn tokenize_digits(&self, value: &str) -> Result<String, TokenError> {
        self.digits(value, true)
    }

    /// The inverse of [`Ff1Tokens::tokenize_digits`].
    pub fn detokenize_digits(&self, token: &str) -> Result<String, TokenError> {
        self.digits(token, false)
    }

    fn digits(&self, value: &str, encrypt: bool) -> Result<String, TokenError> {
        let d = Digits::parse(value)?;
        if d.digits.len() < 6 {
            return Err(TokenError::TooShort);
        }
        let len = u32::try_from(d.digits.len()).map_err(|_| TokenError::Ff1("numeral string too long"))?;
        let mut tweak = vec![TWEAK_DIGITS];
        tweak.extend_from_slice(&len.to_be_bytes());
        let out = if encrypt { self.encrypt(&tweak, &d.digits)? } else { self.decrypt(&tweak, &d.digits)? };
        Ok(d.render(&out))
    }
}

/// Leading digits a card token keeps: 6, or for a card of 12 to 15 digits as many as leave
/// 6 digits to encrypt (`n - 10`).
pub fn card_head(n: usize) -> usize {
    n.saturating_sub(10).min(6)
}

/// The tweak (tag, length and the kept digits) and the middle of a card number.
fn card_parts(digits: &[u8]) -> Result<(Vec<u8>, &[u8]), TokenError> {
    let n = digits.len();
    if n < 12 {
        return Err(TokenError::CardTooShort);
    }
    if n > 19 {
        return Err(TokenError::CardTooLong);
    }
    let head = card_head(n);
    let mut tweak = Vec::with_capacity(12);
    tweak.push(TWEAK_CARD);
    if n < 16 {
        // Shorter cards keep fewer digits: their length is in the tweak too.
        tweak.push(n as u8);
    }
    tweak.extend(digits[..head].iter().chain(&digits[n - 4..]).map(|d| b'0' + d));
    Ok((tweak, &digits[head..n - 4]))
}

/// The card digits with `middle` in place of the middle.
fn with_middle(digits: &[u8], middle: &[u8]) -> Vec<u8> {
    let n = digits.len();
    let head = card_head(n);
    let mut out = Vec::with_capacity(n);
    out.extend_from_slice(&digits[..head]);
    out.extend_from_slice(middle);
    out.extend_from_slice(&digits[n - 4..]);
    out
}

fn six_digits(z: u32) -> Vec<u8> {
    let mut out = vec![0u8; 6];
    let mut v = z;
    for slot in out.iter_mut().rev() {
        *slot = (v % 10) as u8;
        v /= 10;
    }
    out
}

/// A parsed personnummer: what is kept, and `z = ordinal_day * 1000 + NNN`.
struct Pnr {
    century: Option<[u8; 2]>,
    yy: [u8; 2],
    check: u8,
    coordination: bool,
    leap: bool,
    z: u32,
}

const DAYS_BEFORE: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

impl Pnr {
    fn parse(d: &[u8]) -> Result<Pnr, TokenError> {
        let (century, ten) = match d.len() {
            10 => (None, d),
            12 => (Some([d[0], d[1]]), &d[2..]),
            _ => return Err(TokenError::NotAPersonnummer),
        };
        let num = |s: &[u8]| s.iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
        let yy = num(&ten[..2]);
        let leap = match century {
            Some(c) => {
                let c = num(&c);
                if !(18..=20).contains(&c) {
                    return Err(TokenError::NotAPersonnummer);
                }
                let year = c * 100 + yy;
                year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
            }
            // Century unknown: 29 February is accepted if some century (18, 19, 20) makes it
            // real, as sekretess-ident does; with 2000 a leap year, that is yy % 4 == 0.
            None => yy.is_multiple_of(4),
        };
        let month = num(&ten[2..4]);
        let mut day = num(&ten[4..6]);
        let coordination = day > 60;
        if coordination {
            day -= 60;
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(month, leap) {
            return Err(TokenError::NotAPersonnummer);
        }
        let ordinal = DAYS_BEFORE[(month - 1) as usize] + u32::from(leap && month > 2) + day - 1;
        Ok(Pnr {
            century,
            yy: [ten[0], ten[1]],
            check: ten[9],
            coordination,
            leap,
            z: ordinal * 1000 + num(&ten[6..9]),
        })
    }

    fn days_in_year(&self) -> u32 {
        if self.leap { 366 } else { 365 }
    }

    /// `z` from 6 digits, if it names a day of the year.
    fn z_of(&self, digits: &[u8]) -> Option<u32> {
        let z = digits.iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
        (z < self.days_in_year() * 1000).then_some(z)
    }

    /// The 10 digits `YYMMDDNNNC` for `z`.
    fn ten(&self, z: u32) -> [u8; 10] {
        let mut ordinal = z / 1000;
        let nnn = z % 1000;
        let mut month = 1;
        while month < 12 && ordinal >= days_in_month(month, self.leap) {
            ordinal -= days_in_month(month, self.leap);
            month += 1;
        }
        let day = ordinal + 1 + if self.coordination { 60 } else { 0 };
        let d = |v: u32| (v % 10) as u8;
        [
            self.yy[0],
            self.yy[1],
            d(month / 10),
            d(month),
            d(day / 10),
            d(day),
            d(nnn / 100),
            d(nnn / 10),
            d(nnn),
            self.check,
        ]
    }

    fn check_digit_ok(&self, z: u32) -> bool {
        luhn_ok(&self.ten(z))
    }

    fn render(&self, z: u32) -> Vec<u8> {
        let mut out = Vec::with_capacity(12);
        if let Some(c) = self.century {
            out.extend_from_slice(&c);
        }
        out.extend_from_slice(&self.ten(z));
        out
    }

    /// Tag, form (10 or 12), kind, then the kept digits: century, year, check digit.
    fn tweak(&self) -> Vec<u8> {
        let mut t = vec![
            TWEAK_PERSONNUMMER,
            if self.century.is_some() { 12 } else { 10 },
            u8::from(self.coordination),
        ];
        if let Some(c) = self.century {
            t.extend(c.iter().map(|d| b'0' + d));
        }
        t.extend(self.yy.iter().map(|d| b'0' + d));
        t.push(b'0' + self.check);
        t
    }
}

fn days_in_month(month: u32, leap: bool) -> u32 {
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_keeps_separators() {
        let d = Digits::parse("4111 1111-1111+1111").unwrap();
        assert_eq!(d.render(&d.digits), "4111 1111-1111+1111");
        assert!(Digits::parse("4111x").is_err());
    }

    #[test]
    fn personnummer_ordinal_round_trips() {
        for v in [&b"8803200016"[..], b"196703200016", b"0002290000", b"8812310000", b"8803800000"] {
            let d: Vec<u8> = v.iter().map(|b| b - b'0').collect();
            let p = Pnr::parse(&d).unwrap();
            assert_eq!(p.render(p.z), d);
        }
        assert!(Pnr::parse(&[0, 1, 0, 2, 2, 9, 0, 0, 0, 0]).is_err()); // 01-02-29
    }

    #[test]
    fn key_sizes() {
        assert_eq!(ff1_encrypt(&[0; 15], 10, b"", &[0; 6]).err(), Some(TokenError::KeySize));
        assert!(ff1_encrypt(&[0; 16], 10, b"", &[0; 6]).is_ok());
        assert!(ff1_encrypt(&[0; 24], 10, b"", &[0; 6]).is_ok());
        assert!(ff1_encrypt(&[0; 32], 10, b"", &[0; 6]).is_ok());
        assert!(ff1_encrypt(&[0; 16], 10, b"", &[0; 5]).is_err());
        assert!(ff1_encrypt(&[0; 16], 10, b"", &[0, 0, 0, 0, 0, 10]).is_err());
    }
}
