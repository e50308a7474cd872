//! Every rule against the python-stdnum lists (`testdata/stdnum`) and the card test numbers
//! (`testdata/cards`): each valid value passes, each invalid one fails.

use sekretess_ident::{is_card, is_iban, is_ssn, luhn, orgnr, personnummer};

/// Non-empty lines of a file in the repository's `testdata/` folder; a missing file panics
/// with its path.
fn testdata(rel: &str) -> Vec<String> {
    let path = format!("{}/../../testdata/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("test data {path} is missing ({e}); it belongs in the repository's testdata/ folder")
    });
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// The values of `files` on which `rule` (given the compact form) disagrees with `want`.
fn wrong(files: &[&str], want: bool, compact: fn(&str) -> Vec<u8>, rule: fn(&[u8]) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for file in files {
        let values = testdata(file);
        assert!(!values.is_empty(), "{file} is empty");
        out.extend(values.into_iter().filter(|v| rule(&compact(v)) != want));
    }
    out
}

fn digits(v: &str) -> Vec<u8> {
    v.bytes().filter(u8::is_ascii_digit).collect()
}

/// An SSN as written: `AAA-GG-SSSS` or nine bare digits; anything else is no SSN.
fn ssn_form(v: &str) -> Vec<u8> {
    let b = v.as_bytes();
    match b.len() {
        11 if b[3] == b'-' && b[6] == b'-' => [&b[0..3], &b[4..6], &b[7..11]].concat(),
        _ => b.to_vec(),
    }
}

fn iban_form(v: &str) -> Vec<u8> {
    v.bytes().filter(|b| !matches!(b, b' ' | b'-' | b'.')).map(|b| b.to_ascii_uppercase()).collect()
}

fn is_personnummer(d: &[u8]) -> bool {
    personnummer(d).is_some()
}

fn is_orgnr(d: &[u8]) -> bool {
    orgnr(d).is_some()
}

#[test]
fn stdnum_personnummer() {
    let valid = ["stdnum/se_personnummer_valid.txt"];
    assert_eq!(wrong(&valid, true, digits, is_personnummer), Vec::<String>::new());
    let invalid = ["stdnum/se_personnummer_invalid.txt", "stdnum/se_personnummer_invalid_generated.txt"];
    assert_eq!(wrong(&invalid, false, digits, is_personnummer), Vec::<String>::new());
}

#[test]
fn stdnum_orgnr() {
    assert_eq!(wrong(&["stdnum/se_orgnr_valid.txt"], true, digits, is_orgnr), Vec::<String>::new());
    let invalid = ["stdnum/se_orgnr_invalid.txt", "stdnum/se_orgnr_invalid_generated.txt"];
    assert_eq!(wrong(&invalid, false, digits, is_orgnr), Vec::<String>::new());
}

#[test]
fn stdnum_iban() {
    assert_eq!(wrong(&["stdnum/iban_valid.txt"], true, iban_form, is_iban), Vec::<String>::new());
    let invalid = [
        "stdnum/iban_invalid.txt",
        "stdnum/iban_invalid_generated.txt",
        "stdnum/iban_invalid_country_rules.txt",
    ];
    assert_eq!(wrong(&invalid, false, iban_form, is_iban), Vec::<String>::new());
}

#[test]
fn stdnum_us_ssn() {
    assert_eq!(wrong(&["stdnum/us_ssn_valid.txt"], true, ssn_form, is_ssn), Vec::<String>::new());
    assert_eq!(wrong(&["stdnum/us_ssn_invalid.txt"], false, ssn_form, is_ssn), Vec::<String>::new());
}

#[test]
fn stdnum_luhn_and_cards() {
    assert_eq!(wrong(&["stdnum/luhn_valid.txt"], true, digits, luhn), Vec::<String>::new());
    let invalid = ["stdnum/luhn_invalid.txt", "stdnum/luhn_invalid_generated.txt"];
    assert_eq!(wrong(&invalid, false, digits, luhn), Vec::<String>::new());
    // Generic Luhn numbers are not card numbers: no brand issues them.
    let all = ["stdnum/luhn_valid.txt", "stdnum/luhn_invalid.txt", "stdnum/luhn_invalid_generated.txt"];
    assert_eq!(wrong(&all, false, digits, is_card), Vec::<String>::new());
    assert_eq!(wrong(&["cards/test_pans_luhn_valid.txt"], true, digits, is_card), Vec::<String>::new());
    let invalid_cards = ["cards/test_pans_luhn_invalid_generated.txt"];
    assert_eq!(wrong(&invalid_cards, false, digits, is_card), Vec::<String>::new());
}
