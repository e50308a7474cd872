//! Payment card numbers: brand IIN ranges and lengths (ISO/IEC 7812, as the brands publish
//! them).
//!
//! Source of the table: the issuer identification number table of Wikipedia's "Payment card
//! number" article (https://en.wikipedia.org/wiki/Payment_card_number#Issuer_identification_number_(IIN),
//! as of 2026), which cites each brand's own rules: Visa 4 (13, 16, 19 digits); Mastercard
//! 51-55 and 2221-2720 (16); American Express 34, 37 (15); Discover 6011, 644-649, 65 and
//! the China UnionPay co-brand 622126-622925 (16-19); JCB 3528-3589 (16-19); Diners Club
//! 300-305, 3095, 36, 38, 39 (14-19); UnionPay 62 (16-19); Mir 2200-2204 (16-19); Maestro 50
//! and 56-69 (12-19); UATP 1 (15). Ranges that overlap are tried in this order, and any
//! brand's number is a card: the brand name is only informative.

use crate::luhn::luhn;
use crate::num;

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
    if p1 == 1 && len == 15 {
        return Some("uatp");
    }
    None
}

/// A valid card number: brand range and length, and Luhn.
pub fn is_card(d: &[u8]) -> bool {
    card_brand(d).is_some() && luhn(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands() {
        assert_eq!(card_brand(b"4111111111111111"), Some("visa"));
        assert_eq!(card_brand(b"2221000000000009"), Some("mastercard"));
        assert_eq!(card_brand(b"378282246310005"), Some("amex"));
        assert!(is_card(b"4222222222222"));
        assert!(!is_card(b"4222222222223"));
    }

    /// Mir (2200-2204) was known to detection and not to validation.
    #[test]
    fn mir_is_a_brand() {
        assert_eq!(card_brand(b"2200000000000004"), Some("mir"));
        assert_eq!(card_brand(b"2205000000000000"), None);
        assert_eq!(card_brand(b"220000000000000"), None, "15 digits");
    }

    /// UATP (airline cards): major industry identifier 1, 15 digits.
    #[test]
    fn uatp_is_a_brand() {
        assert_eq!(card_brand(b"122000000000003"), Some("uatp"));
        assert!(is_card(b"122000000000003"));
        assert_eq!(card_brand(b"1220000000000003"), None, "16 digits");
    }

    /// Luhn-valid, but no brand issues a 15-digit number starting with 49.
    #[test]
    fn no_brand_for_15_digits_on_49() {
        assert!(luhn(b"490154203237518"));
        assert_eq!(card_brand(b"490154203237518"), None);
    }
}
