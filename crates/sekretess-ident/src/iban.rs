//! IBAN (ISO 13616): country, length and BBAN format from the SWIFT IBAN registry, ISO 7064
//! mod 97-10, and the national check digits of Belgium and Spain.

use crate::num;

/// (country, IBAN length, BBAN format) from the SWIFT IBAN registry, as python-stdnum 2.2
/// carries it. Format: groups of count, `!` (fixed length) and kind: `n` digits, `a`
/// upper-case letters, `c` either.
const REGISTRY: &[(&[u8; 2], u8, &str)] = &[
    (b"AD", 24, "4!n4!n12!c"),
    (b"AE", 23, "3!n16!n"),
    (b"AL", 28, "8!n16!c"),
    (b"AT", 20, "5!n11!n"),
    (b"AZ", 28, "4!a20!c"),
    (b"BA", 20, "3!n3!n8!n2!n"),
    (b"BE", 16, "3!n7!n2!n"),
    (b"BG", 22, "4!a4!n2!n8!c"),
    (b"BH", 22, "4!a14!c"),
    (b"BI", 27, "5!n5!n11!n2!n"),
    (b"BR", 29, "8!n5!n10!n1!a1!c"),
    (b"BY", 28, "4!c4!n16!c"),
    (b"CH", 21, "5!n12!c"),
    (b"CR", 22, "4!n14!n"),
    (b"CY", 28, "3!n5!n16!c"),
    (b"CZ", 24, "4!n16!n"),
    (b"DE", 22, "8!n10!n"),
    (b"DJ", 27, "5!n5!n11!n2!n"),
    (b"DK", 18, "4!n9!n1!n"),
    (b"DO", 28, "4!c20!n"),
    (b"EE", 20, "2!n14!n"),
    (b"EG", 29, "4!n4!n17!n"),
    (b"ES", 24, "4!n4!n1!n1!n10!n"),
    (b"FI", 18, "3!n11!n"),
    (b"FK", 18, "2!a12!n"),
    (b"FO", 18, "4!n9!n1!n"),
    (b"FR", 27, "5!n5!n11!c2!n"),
    (b"GB", 22, "4!a6!n8!n"),
    (b"GE", 22, "2!a16!n"),
    (b"GI", 23, "4!a15!c"),
    (b"GL", 18, "4!n9!n1!n"),
    (b"GR", 27, "3!n4!n16!c"),
    (b"GT", 28, "4!c20!c"),
    (b"HN", 28, "4!a20!n"),
    (b"HR", 21, "7!n10!n"),
    (b"HU", 28, "3!n4!n1!n15!n1!n"),
    (b"IE", 22, "4!a6!n8!n"),
    (b"IL", 23, "3!n3!n13!n"),
    (b"IQ", 23, "4!a3!n12!n"),
    (b"IS", 26, "4!n2!n6!n10!n"),
    (b"IT", 27, "1!a5!n5!n12!c"),
    (b"JO", 30, "4!a4!n18!c"),
    (b"KW", 30, "4!a22!c"),
    (b"KZ", 20, "3!n13!c"),
    (b"LB", 28, "4!n20!c"),
    (b"LC", 32, "4!a24!c"),
    (b"LI", 21, "5!n12!c"),
    (b"LT", 20, "5!n11!n"),
    (b"LU", 20, "3!n13!c"),
    (b"LV", 21, "4!a13!c"),
    (b"LY", 25, "3!n3!n15!n"),
    (b"MC", 27, "5!n5!n11!c2!n"),
    (b"MD", 24, "2!c18!c"),
    (b"ME", 22, "3!n13!n2!n"),
    (b"MK", 19, "3!n10!c2!n"),
    (b"MN", 20, "4!n12!n"),
    (b"MR", 27, "5!n5!n11!n2!n"),
    (b"MT", 31, "4!a5!n18!c"),
    (b"MU", 30, "4!a2!n2!n12!n3!n3!a"),
    (b"NI", 28, "4!a20!n"),
    (b"NL", 18, "4!a10!n"),
    (b"NO", 15, "4!n6!n1!n"),
    (b"OM", 23, "3!n16!c"),
    (b"PK", 24, "4!a16!c"),
    (b"PL", 28, "8!n16!n"),
    (b"PS", 29, "4!a21!c"),
    (b"PT", 25, "4!n4!n11!n2!n"),
    (b"QA", 29, "4!a21!c"),
    (b"RO", 24, "4!a16!c"),
    (b"RS", 22, "3!n13!n2!n"),
    (b"RU", 33, "9!n5!n15!c"),
    (b"SA", 24, "2!n18!c"),
    (b"SC", 31, "4!a2!n2!n16!n3!a"),
    (b"SD", 18, "2!n12!n"),
    (b"SE", 24, "3!n16!n1!n"),
    (b"SI", 19, "5!n8!n2!n"),
    (b"SK", 24, "4!n6!n10!n"),
    (b"SM", 27, "1!a5!n5!n12!c"),
    (b"SO", 23, "4!n3!n12!n"),
    (b"ST", 25, "4!n4!n11!n2!n"),
    (b"SV", 28, "4!a20!n"),
    (b"TL", 23, "3!n14!n2!n"),
    (b"TN", 24, "2!n3!n13!n2!n"),
    (b"TR", 26, "5!n1!n16!c"),
    (b"UA", 29, "6!n19!c"),
    (b"VA", 22, "3!n15!n"),
    (b"VG", 24, "4!a16!n"),
    (b"XK", 20, "4!n10!n2!n"),
    (b"YE", 30, "4!a4!n18!c"),
];

fn entry(cc: &[u8]) -> Option<&'static (&'static [u8; 2], u8, &'static str)> {
    REGISTRY.iter().find(|(c, _, _)| c.as_slice() == cc)
}

/// Expected total IBAN length for a country code (upper case), if the country uses IBAN.
pub fn iban_length(cc: &[u8]) -> Option<usize> {
    entry(cc).map(|&(_, len, _)| usize::from(len))
}

/// The groups of a BBAN format, as (count, kind): "4!a6!n" gives (4, a), (6, n).
fn groups(format: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let mut count = 0usize;
    format.bytes().filter_map(move |c| match c {
        b'0'..=b'9' => {
            count = count * 10 + usize::from(c - b'0');
            None
        }
        b'!' => None,
        kind => Some((std::mem::take(&mut count), kind)),
    })
}

fn bban_matches(format: &str, bban: &[u8]) -> bool {
    let mut pos = 0usize;
    for (count, kind) in groups(format) {
        let Some(part) = bban.get(pos..pos + count) else { return false };
        let ok = part.iter().all(|b| match kind {
            b'n' => b.is_ascii_digit(),
            b'a' => b.is_ascii_uppercase(),
            _ => b.is_ascii_uppercase() || b.is_ascii_digit(),
        });
        if !ok {
            return false;
        }
        pos += count;
    }
    pos == bban.len()
}

/// ISO 7064 mod 97-10 over an IBAN (upper-case, compact): true when the remainder is 1.
/// False for fewer than 5 bytes or a byte that is not a digit or an upper-case letter.
pub fn iban_mod97(s: &[u8]) -> bool {
    if s.len() < 5 {
        return false;
    }
    let mut r: u32 = 0;
    for &c in s[4..].iter().chain(&s[..4]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        r = if v >= 10 { (r * 100 + v) % 97 } else { (r * 10 + v) % 97 };
    }
    r == 1
}

/// Spanish control digit: weights mod 11 (11 counts as 0, 10 as 1).
fn es_check(digits: &[u8], weights: &[u32]) -> u32 {
    let s: u32 = digits.iter().zip(weights).map(|(&d, &w)| u32::from(d - b'0') * w).sum();
    match 11 - s % 11 {
        11 => 0,
        10 => 1,
        v => v,
    }
}

/// National check digits inside a BBAN already of its country's format, for the countries
/// where they are well known: Belgium (the last two digits are the first ten mod 97, 97 for
/// 0) and Spain (two control digits, over bank and branch and over the account).
fn bban_national(cc: &[u8], bban: &[u8]) -> bool {
    match cc {
        b"BE" => {
            let n = bban[..10].iter().fold(0u64, |a, &c| a * 10 + u64::from(c - b'0'));
            let chk = u64::from(num(&bban[10..12]));
            let r = n % 97;
            (if r == 0 { 97 } else { r }) == chk
        }
        b"ES" => {
            let c1 = es_check(&bban[..8], &[4, 8, 5, 10, 9, 7, 3, 6]);
            let c2 = es_check(&bban[10..20], &[1, 2, 4, 8, 5, 10, 9, 7, 3, 6]);
            u32::from(bban[8] - b'0') == c1 && u32::from(bban[9] - b'0') == c2
        }
        _ => true,
    }
}

/// Why bytes are not an IBAN, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IbanFault {
    /// Not two upper-case letters, two check digits and an account part.
    Shape,
    /// The registry has no such country.
    Country,
    /// Wrong length for its country.
    Length,
    /// The account part (BBAN) does not have its country's format.
    Bban,
    /// The check digits are wrong (mod 97).
    CheckDigits,
    /// The national check digits inside the account part are wrong.
    National,
}

/// A full IBAN check on a compact, upper-case candidate: country, length, BBAN format,
/// check digits (mod 97) and, for BE and ES, the national check digits.
pub fn iban_check(s: &[u8]) -> Result<(), IbanFault> {
    if s.len() < 5 || !s[..2].iter().all(u8::is_ascii_uppercase) || !s[2..4].iter().all(u8::is_ascii_digit) {
        return Err(IbanFault::Shape);
    }
    let &(_, len, format) = entry(&s[..2]).ok_or(IbanFault::Country)?;
    if s.len() != usize::from(len) {
        return Err(IbanFault::Length);
    }
    let bban = &s[4..];
    if !bban_matches(format, bban) {
        return Err(IbanFault::Bban);
    }
    if !iban_mod97(s) {
        return Err(IbanFault::CheckDigits);
    }
    if !bban_national(&s[..2], bban) {
        return Err(IbanFault::National);
    }
    Ok(())
}

/// Whether a compact, upper-case candidate passes [`iban_check`].
pub fn is_iban(s: &[u8]) -> bool {
    iban_check(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_examples() {
        assert!(is_iban(b"DE89370400440532013000"));
        assert!(is_iban(b"SE4550000000058398257466"));
        assert!(!is_iban(b"DE89370400440532013001"));
        assert!(!is_iban(b"ES2121000418450200051331"));
    }

    #[test]
    fn registry_lengths_match_formats() {
        for &(cc, len, format) in REGISTRY {
            let total = 4 + groups(format).map(|(count, _)| count).sum::<usize>();
            assert_eq!(total, usize::from(len), "{}", String::from_utf8_lossy(cc));
        }
    }

    #[test]
    fn faults_in_order() {
        assert_eq!(iban_check(b"D"), Err(IbanFault::Shape));
        assert_eq!(iban_check(b"de89370400440532013000"), Err(IbanFault::Shape));
        assert_eq!(iban_check(b"XX89370400440532013000"), Err(IbanFault::Country));
        assert_eq!(iban_check(b"DE8937040044053201300"), Err(IbanFault::Length));
        assert_eq!(iban_check(b"DE89A70400440532013000"), Err(IbanFault::Bban));
        assert_eq!(iban_check(b"DE89370400440532013001"), Err(IbanFault::CheckDigits));
        assert_eq!(iban_check(b"ES2121000418450200051331"), Err(IbanFault::National));
    }

    /// The registry examples of countries one of the two former tables lacked (validation)
    /// or knew without a BBAN format (detection).
    #[test]
    fn newer_registry_countries() {
        for iban in [
            "BI4210000100010000332045181",
            "DJ2100010000000154000100186",
            "FK88SC123456789012",
            "HN88CABF00000000000250005469",
            "MN121234123456789123",
            "NI45BAPR00000013000003558124",
            "OM810180000001299123456",
            "RU0204452560040702810412345678901",
            "SD2129010501234001",
            "SO211000001001000100141",
            "YE15CBYE0001018861234567891234",
        ] {
            assert!(is_iban(iban.as_bytes()), "{iban}");
        }
        // A BBAN against its country's format: Russia's first nine are digits.
        assert_eq!(iban_check(b"RU02A4452560040702810412345678901"), Err(IbanFault::Bban));
    }
}
