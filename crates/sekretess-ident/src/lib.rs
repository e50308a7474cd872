//! The rules of the identifiers Sekretess validates and detects, in one place: Luhn, card
//! brands, Swedish personnummer/samordningsnummer and organisationsnummer, IBAN and US SSN.
//!
//! Used by `sekretess-core` (validation of stored values, with its own normalisation and
//! error texts) and by `sekretess-detect` (detection in text, with its own scanning). No
//! I/O, no allocation: every function takes ASCII bytes the caller has already stripped of
//! separators (digits, or for IBAN upper-case alphanumerics) and never panics.
#![forbid(unsafe_code)]

mod card;
mod code;
mod date;
mod iban;
mod luhn;
mod se;
mod us;

pub use card::{card_brand, is_card};
pub use code::{CODE_DATA_SYMBOLS, CODE_SYMBOLS, code_check, code_symbol_value, is_customer_code};
pub use date::{days_in_month, valid_date};
pub use iban::{IbanFault, iban_check, iban_length, iban_mod97, is_iban};
pub use luhn::luhn;
pub use se::{OrgnrFault, PersonnummerFault, orgnr, orgnr_check, personnummer, personnummer_check};
pub use us::{SsnFault, is_ssn, ssn_check};

/// The number the ASCII digits spell (wrapping, never panicking on other bytes).
fn num(d: &[u8]) -> u32 {
    d.iter().fold(0u32, |a, &c| a.wrapping_mul(10).wrapping_add(u32::from(c.wrapping_sub(b'0'))))
}
