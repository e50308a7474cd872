//! IBAN validation (ISO 13616): the rules (country, length and BBAN format from the SWIFT
//! IBAN registry, ISO 7064 mod 97-10, the national check digits of Spain and Belgium) live in
//! `sekretess-ident`; this module normalises the written form and names the rule that failed.

use sekretess_ident::IbanFault;

/// Validates an IBAN written with or without spaces; returns its compact upper-case form.
pub fn validate(value: &str) -> Result<String, &'static str> {
    let compact: String =
        value.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect::<String>().to_uppercase();
    match sekretess_ident::iban_check(compact.as_bytes()) {
        Ok(()) => Ok(compact),
        Err(IbanFault::Shape) => Err("not an IBAN: two letters, two check digits, account"),
        Err(IbanFault::Country) => Err("IBAN: unknown country code"),
        Err(IbanFault::Length) => Err("IBAN: wrong length for its country"),
        Err(IbanFault::Bban) => Err("IBAN: account part does not have its country's format"),
        Err(IbanFault::CheckDigits) => Err("IBAN: wrong check digits (mod 97)"),
        Err(IbanFault::National) => Err("IBAN: wrong national check digits"),
    }
}
