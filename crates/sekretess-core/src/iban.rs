//! IBAN validation (ISO 13616): country, length and BBAN format from the SWIFT IBAN
//! registry, ISO 7064 mod 97-10, and the national check digits of Spain and Belgium.

/// Country code, IBAN length, BBAN format (`n` digits, `a` upper-case letters, `c` either).
const REGISTRY: &[(&str, usize, &str)] = &[
    ("AD", 24, "4!n4!n12!c"),
    ("AE", 23, "3!n16!n"),
    ("AL", 28, "8!n16!c"),
    ("AT", 20, "5!n11!n"),
    ("AZ", 28, "4!a20!c"),
    ("BA", 20, "3!n3!n8!n2!n"),
    ("BE", 16, "3!n7!n2!n"),
    ("BG", 22, "4!a4!n2!n8!c"),
    ("BH", 22, "4!a14!c"),
    ("BR", 29, "8!n5!n10!n1!a1!c"),
    ("BY", 28, "4!c4!n16!c"),
    ("CH", 21, "5!n12!c"),
    ("CR", 22, "4!n14!n"),
    ("CY", 28, "3!n5!n16!c"),
    ("CZ", 24, "4!n6!n10!n"),
    ("DE", 22, "8!n10!n"),
    ("DK", 18, "4!n9!n1!n"),
    ("DO", 28, "4!c20!n"),
    ("EE", 20, "2!n2!n11!n1!n"),
    ("EG", 29, "4!n4!n17!n"),
    ("ES", 24, "4!n4!n1!n1!n10!n"),
    ("FI", 18, "3!n11!n"),
    ("FO", 18, "4!n9!n1!n"),
    ("FR", 27, "5!n5!n11!c2!n"),
    ("GB", 22, "4!a6!n8!n"),
    ("GE", 22, "2!a16!n"),
    ("GI", 23, "4!a15!c"),
    ("GL", 18, "4!n9!n1!n"),
    ("GR", 27, "3!n4!n16!c"),
    ("GT", 28, "4!c20!c"),
    ("HR", 21, "7!n10!n"),
    ("HU", 28, "3!n4!n1!n15!n1!n"),
    ("IE", 22, "4!a6!n8!n"),
    ("IL", 23, "3!n3!n13!n"),
    ("IQ", 23, "4!a3!n12!n"),
    ("IS", 26, "4!n2!n6!n10!n"),
    ("IT", 27, "1!a5!n5!n12!c"),
    ("JO", 30, "4!a4!n18!c"),
    ("KW", 30, "4!a22!c"),
    ("KZ", 20, "3!n13!c"),
    ("LB", 28, "4!n20!c"),
    ("LC", 32, "4!a24!c"),
    ("LI", 21, "5!n12!c"),
    ("LT", 20, "5!n11!n"),
    ("LU", 20, "3!n13!c"),
    ("LV", 21, "4!a13!c"),
    ("LY", 25, "3!n3!n15!n"),
    ("MC", 27, "5!n5!n11!c2!n"),
    ("MD", 24, "2!c18!c"),
    ("ME", 22, "3!n13!n2!n"),
    ("MK", 19, "3!n10!c2!n"),
    ("MR", 27, "5!n5!n11!n2!n"),
    ("MT", 31, "4!a5!n18!c"),
    ("MU", 30, "4!a2!n2!n12!n3!n3!a"),
    ("NL", 18, "4!a10!n"),
    ("NO", 15, "4!n6!n1!n"),
    ("PK", 24, "4!a16!c"),
    ("PL", 28, "8!n16!n"),
    ("PS", 29, "4!a21!c"),
    ("PT", 25, "4!n4!n11!n2!n"),
    ("QA", 29, "4!a21!c"),
    ("RO", 24, "4!a16!c"),
    ("RS", 22, "3!n13!n2!n"),
    ("SA", 24, "2!n18!c"),
    ("SC", 31, "4!a2!n2!n16!n3!a"),
    ("SE", 24, "3!n16!n1!n"),
    ("SI", 19, "5!n8!n2!n"),
    ("SK", 24, "4!n6!n10!n"),
    ("SM", 27, "1!a5!n5!n12!c"),
    ("ST", 25, "4!n4!n11!n2!n"),
    ("SV", 28, "4!a20!n"),
    ("TL", 23, "3!n14!n2!n"),
    ("TN", 24, "2!n3!n13!n2!n"),
    ("TR", 26, "5!n1!n16!c"),
    ("UA", 29, "6!n19!c"),
    ("VA", 22, "3!n15!n"),
    ("VG", 24, "4!a16!n"),
    ("XK", 20, "4!n10!n2!n"),
];

/// Length and BBAN format of a country's IBAN, if the registry has the country.
pub fn country_format(country: &str) -> Option<(usize, &'static str)> {
    REGISTRY.iter().find(|(cc, _, _)| *cc == country).map(|&(_, len, fmt)| (len, fmt))
}

fn bban_matches(bban: &[u8], format: &str) -> bool {
    let mut pos = 0usize;
    let mut count = 0usize;
    for c in format.bytes() {
        match c {
            b'0'..=b'9' => count = count * 10 + usize::from(c - b'0'),
            b'!' => {}
            class => {
                let Some(part) = bban.get(pos..pos + count) else { return false };
                let ok = part.iter().all(|b| match class {
                    b'n' => b.is_ascii_digit(),
                    b'a' => b.is_ascii_uppercase(),
                    _ => b.is_ascii_uppercase() || b.is_ascii_digit(),
                });
                if !ok {
                    return false;
                }
                pos += count;
                count = 0;
            }
        }
    }
    pos == bban.len()
}

/// ISO 7064 mod 97-10 over the rearranged IBAN (letters as 10..35).
pub fn mod97(iban: &[u8]) -> u32 {
    let rearranged = iban[4..].iter().chain(&iban[..4]);
    let mut rem = 0u32;
    for &b in rearranged {
        if b.is_ascii_digit() {
            rem = (rem * 10 + u32::from(b - b'0')) % 97;
        } else {
            rem = (rem * 100 + u32::from(b - b'A') + 10) % 97;
        }
    }
    rem
}

/// Spain: two control digits over bank+branch and over the account (weights mod 11).
fn spain_ok(bban: &[u8]) -> bool {
    const W: [u32; 10] = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
    let digit = |part: &[u8]| {
        let sum: u32 = part.iter().zip(W).map(|(&d, w)| u32::from(d - b'0') * w).sum();
        match 11 - sum % 11 {
            11 => 0,
            10 => 1,
            d => d,
        }
    };
    let mut bank_branch = vec![b'0', b'0'];
    bank_branch.extend_from_slice(&bban[0..8]);
    digit(&bank_branch) == u32::from(bban[8] - b'0') && digit(&bban[10..20]) == u32::from(bban[9] - b'0')
}

/// Belgium: the last two digits are the first ten mod 97 (97 when that is 0).
fn belgium_ok(bban: &[u8]) -> bool {
    let first: u64 = bban[..10].iter().fold(0, |acc, &d| acc * 10 + u64::from(d - b'0'));
    let check = u64::from(bban[10] - b'0') * 10 + u64::from(bban[11] - b'0');
    let expected = match first % 97 {
        0 => 97,
        r => r,
    };
    check == expected
}

/// Validates an IBAN written with or without spaces; returns its compact upper-case form.
pub fn validate(value: &str) -> Result<String, &'static str> {
    let compact: String =
        value.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect::<String>().to_uppercase();
    let b = compact.as_bytes();
    if b.len() < 5 || !b[..2].iter().all(u8::is_ascii_uppercase) || !b[2..4].iter().all(u8::is_ascii_digit) {
        return Err("not an IBAN: two letters, two check digits, account");
    }
    let (len, format) = country_format(&compact[..2]).ok_or("IBAN: unknown country code")?;
    if b.len() != len {
        return Err("IBAN: wrong length for its country");
    }
    if !bban_matches(&b[4..], format) {
        return Err("IBAN: account part does not have its country's format");
    }
    if mod97(b) != 1 {
        return Err("IBAN: wrong check digits (mod 97)");
    }
    let national_ok = match &compact[..2] {
        "ES" => spain_ok(&b[4..]),
        "BE" => belgium_ok(&b[4..]),
        _ => true,
    };
    if !national_ok {
        return Err("IBAN: wrong national check digits");
    }
    Ok(compact)
}
