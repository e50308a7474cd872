//! A sale price printed after an address: a property sold or for sale, not a home.

/// Whether a sale price follows an address after a dash ("… Road – £412,000", "… 12 - 3 150
/// 000 kr"): a property sold or for sale (comparable sales in a valuation), not a home. Five
/// digits or more before any decimals, so a month's rent stays a tenant's home.
pub(super) fn sale_price_after(b: &[u8]) -> bool {
    let mut k = 0;
    while k < b.len() && b[k] == b' ' && k < 3 {
        k += 1;
    }
    let dash = match b.get(k..) {
        Some([b'-', ..]) => 1,
        Some([0xE2, 0x80, 0x93 | 0x94, ..]) => 3,
        _ => return false,
    };
    k += dash;
    while k < b.len() && b[k] == b' ' {
        k += 1;
    }
    let cur = match b.get(k..) {
        Some([b'$', ..]) => 1,
        Some([0xC2, 0xA3, ..]) => 2,
        Some([0xE2, 0x82, 0xAC, ..]) => 3,
        _ => 0,
    };
    k += cur;
    let mut digits = 0;
    // A dot groups thousands only before three digits (`€310.000`; not `£650.00`).
    let thousands_dot = |k: usize| {
        b[k] == b'.'
            && b.len() >= k + 4
            && b[k + 1..k + 4].iter().all(u8::is_ascii_digit)
            && !b.get(k + 4).is_some_and(u8::is_ascii_digit)
    };
    while k < b.len()
        && (b[k].is_ascii_digit() || (digits > 0 && (matches!(b[k], b',' | b' ') || thousands_dot(k))))
    {
        digits += usize::from(b[k].is_ascii_digit());
        k += 1;
    }
    let rest = &b[k..];
    let kronor = rest.starts_with(b"kr") || rest.starts_with(b"SEK") || rest.starts_with(b":-");
    digits >= 5 && (cur > 0 || kronor)
}
