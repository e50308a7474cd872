//! Payment card numbers: brand IIN ranges and lengths (ISO/IEC 7812, as the brands publish
//! them).
//!
//! Source of the table: the issuer identification number table of Wikipedia's "Payment card
//! number" article (<https://en.wikipedia.org/wiki/Payment_card_number#Issuer_identification_number_(IIN)>,
//! as of 2026), which cites each brand's own rules: Visa 4 (13, 16, 19 digits); Mastercard
//! 51-55 and 2221-2720 (16); American Express 34, 37 (15); Discover 6011, 644-649, 65 and
//! the China UnionPay co-brand 622126-622925 (16-19); JCB 3528-3589 (16-19); Diners Club
//! 300-305, 3095, 36, 38, 39 (14-19); UnionPay 62 (16-19); Mir 2200-2204 (16-19); Maestro 50
//! and 56-69 (12-19); UATP 1 (15). Ranges that overlap are tried in this order, and any
//! brand's number is a card: the brand name is only informative.

use crate::luhn::luhn;
use crate::num;

/// One brand: its IIN ranges and the lengths its numbers have.
struct Brand {
    name: &'static str,
    /// (digits of the prefix, first, last): `(4, 2221, 2720)` is 2221-2720.
    iin: &'static [(usize, u32, u32)],
    /// Allowed lengths, bit `n` for `n` digits.
    lengths: u32,
}

const fn lens(from: u32, to: u32) -> u32 {
    (u32::MAX >> (31 - to)) & !((1 << from) - 1)
}
const fn len(n: u32) -> u32 {
    1 << n
}

/// The brand table (see the module documentation for its source). Tried in order; the first
/// brand whose range and length match names the number.
const BRANDS: &[Brand] = &[
    Brand { name: "visa", iin: &[(1, 4, 4)], lengths: len(13) | len(16) | len(19) },
    Brand { name: "mastercard", iin: &[(2, 51, 55), (4, 2221, 2720)], lengths: len(16) },
    Brand { name: "amex", iin: &[(2, 34, 34), (2, 37, 37)], lengths: len(15) },
    Brand {
        name: "discover",
        iin: &[(4, 6011, 6011), (3, 644, 649), (2, 65, 65), (6, 622126, 622925)],
        lengths: lens(16, 19),
    },
    Brand { name: "jcb", iin: &[(4, 3528, 3589)], lengths: lens(16, 19) },
    Brand {
        name: "diners",
        iin: &[(3, 300, 305), (4, 3095, 3095), (2, 36, 36), (2, 38, 39)],
        lengths: lens(14, 19),
    },
    Brand { name: "unionpay", iin: &[(2, 62, 62)], lengths: lens(16, 19) },
    Brand { name: "mir", iin: &[(4, 2200, 2204)], lengths: lens(16, 19) },
    Brand { name: "maestro", iin: &[(2, 50, 50), (2, 56, 69)], lengths: lens(12, 19) },
    Brand { name: "uatp", iin: &[(1, 1, 1)], lengths: len(15) },
];

/// Card brand, from the IIN ranges and lengths (the caller checks Luhn).
pub fn card_brand(d: &[u8]) -> Option<&'static str> {
    let n = d.len();
    if !(12..=19).contains(&n) {
        return None;
    }
    let bit = 1u32 << n;
    BRANDS
        .iter()
        .find(|b| {
            b.lengths & bit != 0 && b.iin.iter().any(|&(k, lo, hi)| (lo..=hi).contains(&num(&d[..k.min(n)])))
        })
        .map(|b| b.name)
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

    /// Every range of the table, at its bounds and with each allowed length, names its brand
    /// (unless an earlier brand's range covers it), and no brand takes a length it lacks.
    #[test]
    fn table_bounds_and_lengths() {
        assert_eq!(lens(12, 19).count_ones(), 8);
        assert_eq!(lens(16, 19), len(16) | len(17) | len(18) | len(19));
        for b in BRANDS {
            for &(k, lo, hi) in b.iin {
                for v in [lo, hi] {
                    for n in 12..=19usize {
                        let mut d = format!("{v:0k$}").into_bytes();
                        d.resize(n, b'0');
                        let got = card_brand(&d);
                        if b.lengths & (1 << n) != 0 {
                            let first = BRANDS.iter().position(|x| x.name == got.unwrap_or("")).unwrap_or(99);
                            let me = BRANDS.iter().position(|x| x.name == b.name).unwrap_or(0);
                            assert!(first <= me, "{} {v} {n}: {got:?}", b.name);
                        } else {
                            assert_ne!(got, Some(b.name), "{} {v} with {n} digits", b.name);
                        }
                    }
                }
            }
        }
        assert_eq!(card_brand(b"3527000000000000"), None, "just below JCB");
        assert_eq!(card_brand(b"3590000000000000"), None, "just above JCB");
        assert_eq!(card_brand(b"3528000000000000"), Some("jcb"));
        assert_eq!(card_brand(b"5000000000000"), Some("maestro"), "13-digit Maestro");
        assert_eq!(card_brand(b"2720990000000000"), Some("mastercard"));
        assert_eq!(card_brand(b"2721000000000000"), None);
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
