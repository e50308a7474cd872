//! Checksums and structural rules for the numeric identifiers.
//!
//! Every function takes ASCII digits (or, for IBAN, upper-case alphanumerics) already
//! stripped of separators.

/// Luhn (mod 10) over ASCII digits. False for an empty slice or a non-digit.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        if !d.is_ascii_digit() {
            return false;
        }
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0u32, |a, &c| a.wrapping_mul(10).wrapping_add(u32::from(c.wrapping_sub(b'0'))))
}

/// Card brand, from the IIN ranges and lengths (the caller checks Luhn).
pub fn card_brand(d: &[u8]) -> Option<&'static str> {
    let len = d.len();
    if !(12..=19).contains(&len) {
        return None;
    }
    let p = |n: usize| num(&d[..n.min(len)]);
    let (p1, p2, p3, p4, p6) = (p(1), p(2), p(3), p(4), p(6));
    if p1 == 4 && matches!(len, 13 | 16 | 19) {
        return Some("visa");
    }
    if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        return Some("mastercard");
    }
    if (p2 == 34 || p2 == 37) && len == 15 {
        return Some("amex");
    }
    if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6))
        && (16..=19).contains(&len)
    {
        return Some("discover");
    }
    if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        return Some("jcb");
    }
    if ((300..=305).contains(&p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39)
        && (14..=19).contains(&len)
    {
        return Some("diners");
    }
    if p2 == 62 && (16..=19).contains(&len) {
        return Some("unionpay");
    }
    if (2200..=2204).contains(&p4) && (16..=19).contains(&len) {
        return Some("mir");
    }
    if (p2 == 50 || (56..=69).contains(&p2)) && (12..=19).contains(&len) {
        return Some("maestro");
    }
    None
}

/// A valid card number: brand range and length, and Luhn.
pub fn is_card(d: &[u8]) -> bool {
    card_brand(d).is_some() && luhn(d)
}

/// US SSN rules (9 digits): area not 000, 666 or 9xx; group not 00; serial not 0000;
/// and the numbers known to have been published (Woolworth's wallet card etc.).
pub fn is_ssn(d: &[u8]) -> bool {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let area = num(&d[..3]);
    let group = num(&d[3..5]);
    let serial = num(&d[5..]);
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    !matches!(d, b"078051120" | b"457555462" | b"219099999")
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) {
                29
            } else {
                28
            }
        }
        _ => 0,
    }
}

/// Whether `yy`/`yyyy`, month and day form a real date. With a two-digit year, a 29 February
/// is accepted if any century makes it real.
pub fn valid_date(year: Option<u32>, yy: u32, month: u32, day: u32) -> bool {
    if !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let max = match year {
        Some(y) => days_in_month(y, month),
        None => {
            if month == 2 {
                if yy.is_multiple_of(4) { 29 } else { 28 }
            } else {
                days_in_month(2001, month)
            }
        }
    };
    day <= max
}

/// Personnummer or samordningsnummer: `d` is 10 or 12 digits (separators stripped).
/// Returns `Some(true)` for a samordningsnummer (day + 60), `Some(false)` for a personnummer.
pub fn personnummer(d: &[u8]) -> Option<bool> {
    let (century, ten) = match d.len() {
        10 => (None, d),
        12 => {
            let c = num(&d[..2]);
            if !(18..=20).contains(&c) {
                return None;
            }
            (Some(c), &d[2..])
        }
        _ => return None,
    };
    let yy = num(&ten[..2]);
    let month = num(&ten[2..4]);
    let mut day = num(&ten[4..6]);
    let coord = day > 60;
    if coord {
        day -= 60;
    }
    let year = century.map(|c| c * 100 + yy);
    if !valid_date(year, yy, month, day) {
        return None;
    }
    if !luhn(ten) {
        return None;
    }
    Some(coord)
}

/// Organisationsnummer: 10 digits (or 12 with the `16` prefix), Luhn.
/// Returns `Some(true)` when the third digit is 2 or more (a legal person, never a birth
/// date), `Some(false)` when it is Luhn-valid but could also be a personnummer.
pub fn orgnr(d: &[u8]) -> Option<bool> {
    let ten = match d.len() {
        10 => d,
        12 if d.starts_with(b"16") => &d[2..],
        _ => return None,
    };
    if ten[0] == b'0' || !luhn(ten) {
        return None;
    }
    Some(ten[2] >= b'2')
}

/// ISO 7064 mod 97-10 over an IBAN (upper-case, compact).
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

/// (country, total length, BBAN pattern). Pattern: groups of count + kind, kind n = digits,
/// a = upper-case letters, c = alphanumerics. An empty pattern means "alphanumerics".
const IBAN_COUNTRIES: &[(&[u8; 2], u8, &str)] = &[
    (b"AD", 24, "4n4n12c"),
    (b"AE", 23, "3n16n"),
    (b"AL", 28, "8n16c"),
    (b"AT", 20, "5n11n"),
    (b"AZ", 28, "4a20c"),
    (b"BA", 20, "3n3n8n2n"),
    (b"BE", 16, "3n7n2n"),
    (b"BG", 22, "4a4n2n8c"),
    (b"BH", 22, "4a14c"),
    (b"BI", 27, ""),
    (b"BR", 29, "8n5n10n1a1c"),
    (b"BY", 28, ""),
    (b"CH", 21, "5n12c"),
    (b"CR", 22, "4n14n"),
    (b"CY", 28, "3n5n16c"),
    (b"CZ", 24, "4n6n10n"),
    (b"DE", 22, "8n10n"),
    (b"DJ", 27, ""),
    (b"DK", 18, "4n9n1n"),
    (b"DO", 28, "4c20n"),
    (b"EE", 20, "2n2n11n1n"),
    (b"EG", 29, "25n"),
    (b"ES", 24, "4n4n1n1n10n"),
    (b"FI", 18, "3n11n"),
    (b"FK", 18, ""),
    (b"FO", 18, "4n9n1n"),
    (b"FR", 27, "5n5n11c2n"),
    (b"GB", 22, "4a6n8n"),
    (b"GE", 22, "2a16n"),
    (b"GI", 23, "4a15c"),
    (b"GL", 18, "4n9n1n"),
    (b"GR", 27, "3n4n16c"),
    (b"GT", 28, "4c20c"),
    (b"HN", 28, ""),
    (b"HR", 21, "7n10n"),
    (b"HU", 28, "3n4n1n15n1n"),
    (b"IE", 22, "4a6n8n"),
    (b"IL", 23, "3n3n13n"),
    (b"IQ", 23, ""),
    (b"IS", 26, "4n2n6n10n"),
    (b"IT", 27, "1a5n5n12c"),
    (b"JO", 30, "4a4n18c"),
    (b"KW", 30, "4a22c"),
    (b"KZ", 20, "3n13c"),
    (b"LB", 28, "4n20c"),
    (b"LC", 32, ""),
    (b"LI", 21, "5n12c"),
    (b"LT", 20, "5n11n"),
    (b"LU", 20, "3n13c"),
    (b"LV", 21, "4a13c"),
    (b"LY", 25, ""),
    (b"MC", 27, "5n5n11c2n"),
    (b"MD", 24, "2c18c"),
    (b"ME", 22, "3n13n2n"),
    (b"MK", 19, "3n10c2n"),
    (b"MN", 20, ""),
    (b"MR", 27, "5n5n11n2n"),
    (b"MT", 31, "4a5n18c"),
    (b"MU", 30, "4a2n2n12n3n3a"),
    (b"NI", 28, ""),
    (b"NL", 18, "4a10n"),
    (b"NO", 15, "4n6n1n"),
    (b"OM", 23, ""),
    (b"PK", 24, "4a16c"),
    (b"PL", 28, "8n16n"),
    (b"PS", 29, "4a21c"),
    (b"PT", 25, "4n4n11n2n"),
    (b"QA", 29, "4a21c"),
    (b"RO", 24, "4a16c"),
    (b"RS", 22, "3n13n2n"),
    (b"RU", 33, ""),
    (b"SA", 24, "2n18c"),
    (b"SC", 31, ""),
    (b"SD", 18, ""),
    (b"SE", 24, "3n16n1n"),
    (b"SI", 19, "5n8n2n"),
    (b"SK", 24, "4n6n10n"),
    (b"SM", 27, "1a5n5n12c"),
    (b"SO", 23, ""),
    (b"ST", 25, ""),
    (b"SV", 28, ""),
    (b"TL", 23, "3n14n2n"),
    (b"TN", 24, "2n3n13n2n"),
    (b"TR", 26, "5n1n16c"),
    (b"UA", 29, "6n19c"),
    (b"VA", 22, "3n15n"),
    (b"VG", 24, "4a16n"),
    (b"XK", 20, "4n10n2n"),
    (b"YE", 30, ""),
];

/// Expected total IBAN length for a country code (upper case), if the country uses IBAN.
pub fn iban_length(cc: &[u8]) -> Option<usize> {
    IBAN_COUNTRIES.iter().find(|(c, _, _)| c.as_slice() == cc).map(|(_, l, _)| usize::from(*l))
}

fn bban_matches(pattern: &str, bban: &[u8]) -> bool {
    let mut pos = 0usize;
    let mut count = 0usize;
    for ch in pattern.bytes() {
        if ch.is_ascii_digit() {
            count = count * 10 + usize::from(ch - b'0');
            continue;
        }
        let Some(part) = bban.get(pos..pos + count) else { return false };
        let ok = match ch {
            b'n' => part.iter().all(u8::is_ascii_digit),
            b'a' => part.iter().all(u8::is_ascii_uppercase),
            _ => part.iter().all(u8::is_ascii_alphanumeric),
        };
        if !ok {
            return false;
        }
        pos += count;
        count = 0;
    }
    pos == bban.len() || pattern.is_empty()
}

fn es_check(digits: &[u8], weights: &[u32]) -> u32 {
    let s: u32 = digits.iter().zip(weights).map(|(&d, &w)| u32::from(d - b'0') * w).sum();
    match 11 - s % 11 {
        11 => 0,
        10 => 1,
        v => v,
    }
}

/// National check digits inside the BBAN, for the countries where they are well known.
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

/// A full IBAN check on a compact, upper-case candidate: country, length, BBAN format,
/// check digits (mod 97) and, for BE and ES, the national check digits.
pub fn is_iban(s: &[u8]) -> bool {
    if s.len() < 15 {
        return false;
    }
    let Some((_, len, pat)) = IBAN_COUNTRIES.iter().find(|(c, _, _)| c.as_slice() == &s[..2]) else {
        return false;
    };
    if s.len() != usize::from(*len) || !s[2].is_ascii_digit() || !s[3].is_ascii_digit() {
        return false;
    }
    let bban = &s[4..];
    bban_matches(pat, bban) && iban_mod97(s) && bban_national(&s[..2], bban)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn luhn_known() {
        assert!(luhn(b"79927398713"));
        assert!(!luhn(b"79927398710"));
        assert!(!luhn(b""));
    }

    #[test]
    fn brands() {
        assert_eq!(card_brand(b"4111111111111111"), Some("visa"));
        assert_eq!(card_brand(b"2221000000000009"), Some("mastercard"));
        assert_eq!(card_brand(b"378282246310005"), Some("amex"));
        assert!(is_card(b"4222222222222"));
        assert!(!is_card(b"4222222222223"));
    }

    #[test]
    fn ssn_rules() {
        assert!(is_ssn(b"536904399"));
        assert!(!is_ssn(b"078051120"));
        assert!(!is_ssn(b"666123456"));
        assert!(!is_ssn(b"123004567"));
    }

    #[test]
    fn pnr_and_coordination() {
        assert_eq!(personnummer(b"8803200016"), Some(false));
        assert_eq!(personnummer(b"198803200016"), Some(false));
        assert_eq!(personnummer(b"8803200018"), None);
        // 1988-03-20 as a samordningsnummer: day 80, Luhn recomputed.
        let mut d = *b"880380001X";
        for c in b'0'..=b'9' {
            d[9] = c;
            if luhn(&d) {
                break;
            }
        }
        assert_eq!(personnummer(&d), Some(true));
    }

    #[test]
    fn iban_examples() {
        assert!(is_iban(b"DE89370400440532013000"));
        assert!(is_iban(b"SE4550000000058398257466"));
        assert!(!is_iban(b"DE89370400440532013001"));
        assert!(!is_iban(b"ES2121000418450200051331"));
    }
}
