//! Validation and normalization per field type. Errors name the field and the rule that
//! failed, never the value.

use crate::error::VaultError;
use crate::schema::{FieldDef, FieldType};
use sekretess_ident::{OrgnrFault, PersonnummerFault, SsnFault};

/// A checked value: what to store, and what to index (for searchable fields).
#[derive(Clone, PartialEq, Eq)]
pub struct Normalized {
    pub stored: String,
    pub index_form: String,
}

impl std::fmt::Debug for Normalized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Normalized(<redacted>)")
    }
}

pub fn check(def: &FieldDef, value: &str, today_year: i32) -> Result<Normalized, VaultError> {
    let invalid = |rule: &'static str| VaultError::Invalid { field: def.name.clone(), rule };
    let value = value.trim();
    let max = def.field_type.max_chars();
    if value.chars().count() > max {
        return Err(VaultError::TooLong { field: def.name.clone(), max });
    }
    if value.is_empty() {
        return Err(invalid("must not be empty"));
    }
    let allow_newlines = matches!(def.field_type, FieldType::Address | FieldType::Text);
    if value.chars().any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t'))) {
        return Err(invalid("must not contain control characters"));
    }
    let index_form = match def.field_type {
        FieldType::Name => name(value).map_err(invalid)?,
        FieldType::Email => email(value).map_err(invalid)?,
        FieldType::Phone => phone(value).map_err(invalid)?,
        FieldType::Address | FieldType::Text => collapse_whitespace(value).to_lowercase(),
        FieldType::Date => date(value, today_year).map_err(invalid)?,
        FieldType::SePersonnummer => personnummer(value, today_year).map_err(invalid)?,
        FieldType::UsSsn => us_ssn(value).map_err(invalid)?,
        FieldType::NationalId => national_id(value, today_year).map_err(invalid)?,
        FieldType::SeOrgnr => se_orgnr(value).map_err(invalid)?,
        FieldType::CardNumber => card_number(value).map_err(invalid)?,
        FieldType::Iban => crate::iban::validate(value).map_err(invalid)?,
        FieldType::BankAccount => bank_account(value).map_err(invalid)?,
    };
    Ok(Normalized { stored: value.to_owned(), index_form })
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Normalized form of a free-text lookup key, as used for names (case and spacing folded).
pub fn name(value: &str) -> Result<String, &'static str> {
    if !value.chars().any(char::is_alphabetic) {
        return Err("a name must contain a letter");
    }
    Ok(collapse_whitespace(value).to_lowercase())
}

pub fn email(value: &str) -> Result<String, &'static str> {
    const RULE: &str = "not an e-mail address (local@domain.tld)";
    let (local, domain) = value.rsplit_once('@').ok_or(RULE)?;
    if local.is_empty() || local.len() > 64 || local.contains('@') {
        return Err(RULE);
    }
    if local.chars().any(|c| c.is_whitespace() || c == '"' || c == ',' || c == '<' || c == '>') {
        return Err(RULE);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(RULE);
    }
    for label in &labels {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !ok {
            return Err(RULE);
        }
    }
    let tld = labels[labels.len() - 1];
    if tld.len() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return Err(RULE);
    }
    Ok(value.to_lowercase())
}

/// E.164: `+` (or `00`), country code and number, 8 to 15 digits; spaces, dashes, dots
/// and parentheses are allowed between digits.
pub fn phone(value: &str) -> Result<String, &'static str> {
    const RULE: &str = "not an international (E.164) phone number: + and 8-15 digits";
    // "+46 (0)70 …": the bracketed trunk prefix is not dialled internationally.
    let value = &value.replacen("(0)", "", 1);
    let rest = if let Some(r) = value.strip_prefix('+') {
        r
    } else if let Some(r) = value.strip_prefix("00") {
        r
    } else {
        return Err(RULE);
    };
    let mut digits = String::with_capacity(16);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return Err(RULE),
        }
    }
    if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
        return Err(RULE);
    }
    Ok(format!("+{digits}"))
}

/// ISO 8601 calendar date `YYYY-MM-DD`, from 1850 up to this year.
pub fn date(value: &str, today_year: i32) -> Result<String, &'static str> {
    const RULE: &str = "not a date in the form YYYY-MM-DD";
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(RULE);
    }
    let num = |s: &str| s.parse::<u32>().map_err(|_| RULE);
    let y = num(&value[0..4])?;
    let (m, d) = (num(&value[5..7])?, num(&value[8..10])?);
    if !sekretess_ident::valid_date(Some(y), y % 100, m, d) {
        return Err("not a real calendar date");
    }
    if !i32::try_from(y).is_ok_and(|y| (1850..=today_year).contains(&y)) {
        return Err("year out of range");
    }
    Ok(value.to_owned())
}

/// Luhn (mod 10) check over ASCII digits (the rule lives in `sekretess-ident`).
pub fn luhn_valid(digits: &[u8]) -> bool {
    sekretess_ident::luhn(digits)
}

/// Swedish personnummer or samordningsnummer (day + 60): 10 or 12 digits, `-` or `+`
/// before the last four (`+` for people 100 years or older), birth date (born 1800-2099)
/// and Luhn check digit. Indexed as `SE` and 12 digits.
pub fn personnummer(value: &str, today_year: i32) -> Result<String, &'static str> {
    const FORMAT: &str = "not a Swedish personnummer: 10 or 12 digits, optionally with - or +";
    let compact: String = value.chars().filter(|c| !matches!(c, ' ' | ':')).collect();
    let plus = compact.len() > 5 && compact.as_bytes()[compact.len() - 5] == b'+';
    if compact.chars().any(|c| !(c.is_ascii_digit() || c == '-' || c == '+')) {
        return Err(FORMAT);
    }
    if compact.matches('+').count() > usize::from(plus) {
        return Err(FORMAT);
    }
    let digits: Vec<u8> = compact.bytes().filter(u8::is_ascii_digit).collect();
    let (year, ten) = match digits.len() {
        12 => {
            let century: i32 = ((digits[0] - b'0') * 10 + (digits[1] - b'0')).into();
            let yy: i32 = ((digits[2] - b'0') * 10 + (digits[3] - b'0')).into();
            (century * 100 + yy, &digits[2..])
        }
        10 => {
            let yy: i32 = ((digits[0] - b'0') * 10 + (digits[1] - b'0')).into();
            let mut century = today_year / 100;
            if yy > today_year % 100 {
                century -= 1;
            }
            if plus {
                century -= 1;
            }
            (century * 100 + yy, &digits[..])
        }
        _ => return Err(FORMAT),
    };
    let century = u32::try_from(year / 100).map_err(|_| FORMAT)?;
    match sekretess_ident::personnummer_check(&digits, Some(century)) {
        Ok(_) => {}
        Err(PersonnummerFault::Format) => return Err(FORMAT),
        Err(PersonnummerFault::BirthDate) => {
            return Err("personnummer: the birth date part is not a real date");
        }
        Err(PersonnummerFault::CheckDigit) => return Err("personnummer: wrong check digit"),
    }
    let mut out = format!("SE{year:04}");
    out.extend(ten[2..].iter().map(|&b| b as char));
    Ok(out)
}

/// US Social Security number: `AAA-GG-SSSS` (or spaces, or 9 bare digits); area not 000,
/// 666 or 900-999, group not 00, serial not 0000, and not a publicly misused number.
/// Indexed as `US` and 9 digits.
pub fn us_ssn(value: &str) -> Result<String, &'static str> {
    const FORMAT: &str = "not a US SSN: AAA-GG-SSSS";
    let b = value.as_bytes();
    let digits: Vec<u8> = match b.len() {
        9 => b.to_vec(),
        11 if (b[3] == b'-' && b[6] == b'-') || (b[3] == b' ' && b[6] == b' ') => {
            [&b[0..3], &b[4..6], &b[7..11]].concat()
        }
        _ => return Err(FORMAT),
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(FORMAT);
    }
    match sekretess_ident::ssn_check(&digits) {
        Ok(()) => {}
        Err(SsnFault::Format) => return Err(FORMAT),
        Err(SsnFault::Area) => return Err("US SSN: area number never issued"),
        Err(SsnFault::GroupOrSerial) => return Err("US SSN: group or serial number never issued"),
        Err(SsnFault::Published) => return Err("US SSN: a publicly misused example number"),
    }
    let s = std::str::from_utf8(&digits).map_err(|_| FORMAT)?;
    Ok(format!("US{s}"))
}

/// A personnummer/samordningsnummer, or a US SSN (9 digits).
pub fn national_id(value: &str, today_year: i32) -> Result<String, &'static str> {
    let digit_count = value.bytes().filter(u8::is_ascii_digit).count();
    if digit_count == 9 {
        us_ssn(value)
    } else if digit_count == 10 || digit_count == 12 {
        personnummer(value, today_year)
    } else {
        Err("not a Swedish personnummer/samordningsnummer (10 or 12 digits) or a US SSN (9 digits)")
    }
}

/// Swedish organisationsnummer: 10 digits (optionally `NNNNNN-NNNN`), first digit (the
/// group of the organisation) not 0, Luhn check digit.
pub fn se_orgnr(value: &str) -> Result<String, &'static str> {
    let digits: Vec<u8> = value.bytes().filter(|b| !matches!(b, b'-' | b' ' | b'.')).collect();
    if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
        return Err("not a Swedish organisationsnummer: 10 digits");
    }
    match sekretess_ident::orgnr_check(&digits) {
        Ok(_) => {}
        Err(OrgnrFault::Format) => return Err("not a Swedish organisationsnummer: 10 digits"),
        Err(OrgnrFault::Group) => return Err("organisationsnummer: no organisation group starts with 0"),
        Err(OrgnrFault::CheckDigit) => return Err("organisationsnummer: wrong check digit"),
    }
    Ok(format!("SEORG{}", String::from_utf8_lossy(&digits)))
}

/// Payment card number: 12-19 digits (spaces or dashes allowed), a known brand's IIN
/// range and length, and the Luhn check digit. Indexed as bare digits.
pub fn card_number(value: &str) -> Result<String, &'static str> {
    let digits: Vec<u8> = value.bytes().filter(|b| !matches!(b, b' ' | b'-')).collect();
    if !digits.iter().all(u8::is_ascii_digit) || !(12..=19).contains(&digits.len()) {
        return Err("not a card number: 12 to 19 digits");
    }
    if sekretess_ident::card_brand(&digits).is_none() {
        return Err("card number: no card brand issues this prefix with this length");
    }
    if !luhn_valid(&digits) {
        return Err("card number: fails the Luhn check");
    }
    Ok(String::from_utf8_lossy(&digits).into_owned())
}

/// A domestic bank account: 4-34 digits with optional spaces, dashes or dots.
pub fn bank_account(value: &str) -> Result<String, &'static str> {
    let digits: String = value.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | ',')).collect();
    if !(4..=34).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a bank account number: 4 to 34 digits");
    }
    Ok(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personnummer_century_and_samordningsnummer() {
        // 10 digits: the century follows today's year; '+' means 100 years or older.
        assert_eq!(personnummer("811228-9874", 2026).unwrap(), "SE198112289874");
        assert_eq!(personnummer("811228+9874", 2026).unwrap(), "SE188112289874");
        assert_eq!(personnummer("19811228-9874", 2026).unwrap(), "SE198112289874");
        // samordningsnummer: day + 60 (28 + 60 = 88); the check digit covers the 88.
        let check =
            (0..10u8).find(|d| luhn_valid(format!("81128898 7{d}").replace(' ', "").as_bytes())).unwrap();
        assert!(personnummer(&format!("811288-987{check}"), 2026).is_ok());
        assert!(personnummer("811232-9874", 2026).is_err(), "day 32 is no date");
        assert!(personnummer("811228-98+74", 2026).is_err());
    }

    #[test]
    fn card_brands_and_lengths() {
        assert!(card_number("4111 1111 1111 1111").is_ok()); // Visa 16
        assert!(card_number("2223000048400011").is_ok()); // Mastercard 2-series
        assert!(card_number("378282246310005").is_ok()); // Amex 15
        // Luhn-valid but no brand issues a 15-digit number starting with 49.
        assert_eq!(
            card_number("490154203237518"),
            Err("card number: no card brand issues this prefix with this length")
        );
        assert_eq!(card_number("4111111111111112"), Err("card number: fails the Luhn check"));
        assert!(card_number("4111-1111-1111-111a").is_err());
    }

    #[test]
    fn phones_emails_dates() {
        assert_eq!(phone("+46 (0)70-123 45 67").unwrap(), "+46701234567");
        assert_eq!(phone("+46 70-123 45 67").unwrap(), "+46701234567");
        assert_eq!(phone("0046701234567").unwrap(), "+46701234567");
        assert!(phone("+1234567").is_err(), "too short");
        assert_eq!(email("Anna.B@Example.COM").unwrap(), "anna.b@example.com");
        for bad in ["a@b", "@example.com", "a b@example.com", "a@-x.com", "a@example.123"] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(date("2024-02-29", 2026).is_ok());
        assert!(date("2023-02-29", 2026).is_err());
        assert!(date("2027-01-01", 2026).is_err());
    }

    /// Where validation and detection had different rules before `sekretess-ident`, the
    /// stricter correct one now holds for both.
    #[test]
    fn rules_shared_with_detection() {
        assert!(card_number("2200 0000 0000 0004").is_ok(), "Mir (2200-2204) is a card brand");
        assert!(crate::iban::validate("RU02 0445 2560 0407 0281 0412 3456 7890 1").is_ok());
        assert_eq!(
            crate::iban::validate("RU02A4452560040702810412345678901"),
            Err("IBAN: account part does not have its country's format")
        );
        assert_eq!(se_orgnr("000000-0000"), Err("organisationsnummer: no organisation group starts with 0"));
        assert!(se_orgnr("556058-1158").is_ok());
        assert_eq!(
            personnummer("21811228-9874", 2026),
            Err("personnummer: the birth date part is not a real date"),
            "no personnummer has the century 21"
        );
    }

    #[test]
    fn ssn_rules() {
        assert_eq!(us_ssn("536-90-4399").unwrap(), "US536904399");
        assert_eq!(us_ssn("536 90 4399").unwrap(), "US536904399");
        assert_eq!(us_ssn("536904399").unwrap(), "US536904399");
        assert!(us_ssn("536-904-399").is_err());
        assert!(us_ssn("900-12-3456").is_err());
    }
}
