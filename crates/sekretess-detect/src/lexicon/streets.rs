//! Street words and US state codes that address grammars look for.

use std::sync::LazyLock;

use crate::wordset::WordSet;

/// Swedish street-name endings ("Storgatan", "Kungsvägen" …).
pub fn is_se_street(w: &str) -> bool {
    // This runs for every capitalised word: most words end in two bytes that no ending ends
    // in, and are out before 26 comparisons (3.5 % of the time).
    let [.., x, y] = w.as_bytes() else { return false };
    se_street_end(*x, *y) && SE_STREET_SUFFIX.iter().any(|s| w.len() > s.len() + 1 && w.ends_with(s))
}

/// Whether an ending below ends in the bytes `x`, `y` ("é" and "ä" are two bytes each).
fn se_street_end(x: u8, y: u8) -> bool {
    matches!(
        (x, y),
        (b'a', b'n')
            | (b'e', b'n')
            | (b'n', b'd')
            | (b'e', b't')
            | (0xA9, b'n')
            | (b't', b'a')
            | (0xA4, b'g')
            | (b'i', b'g')
            | (b'r', b'g')
    )
}

const SE_STREET_SUFFIX: &[&str] = &[
    "gatan",
    "vägen",
    "gränd",
    "gränden",
    "torget",
    "stigen",
    "backen",
    "allén",
    "platsen",
    "leden",
    "gata",
    "väg",
    "stig",
    "plan",
    "torg",
    "kajen",
    "esplanaden",
    "promenaden",
    "strand",
    "vagen",
    "svängen",
    "slingan",
    "gången",
    "ringen",
    "stråket",
    "raden",
];

/// English street-type words.
pub fn is_en_street(w: &str) -> bool {
    const SUFFIX: &[&str] = &[
        "Street",
        "St",
        "Avenue",
        "Ave",
        "Road",
        "Rd",
        "Boulevard",
        "Blvd",
        "Lane",
        "Ln",
        "Drive",
        "Dr",
        "Court",
        "Ct",
        "Way",
        "Place",
        "Pl",
        "Terrace",
        "Circle",
        "Parkway",
        "Pkwy",
        "Highway",
        "Hwy",
        "Square",
        "Sq",
        "Trail",
        "Row",
        "Close",
        "Crescent",
        "Gardens",
    ];
    static SET: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(SUFFIX.iter().copied()));
    SET.contains(w)
}

/// US state and territory codes.
pub fn is_us_state(w: &[u8]) -> bool {
    const STATES: &[&[u8; 2]] = &[
        b"AL", b"AK", b"AZ", b"AR", b"CA", b"CO", b"CT", b"DE", b"FL", b"GA", b"HI", b"ID", b"IL", b"IN",
        b"IA", b"KS", b"KY", b"LA", b"ME", b"MD", b"MA", b"MI", b"MN", b"MS", b"MO", b"MT", b"NE", b"NV",
        b"NH", b"NJ", b"NM", b"NY", b"NC", b"ND", b"OH", b"OK", b"OR", b"PA", b"RI", b"SC", b"SD", b"TN",
        b"TX", b"UT", b"VT", b"VA", b"WA", b"WV", b"WI", b"WY", b"DC", b"PR",
    ];
    STATES.iter().any(|s| s.as_slice() == w)
}

#[cfg(test)]
mod tests {
    use super::{SE_STREET_SUFFIX, is_se_street, se_street_end};

    #[test]
    fn every_street_ending_passes_the_two_byte_filter() {
        for s in SE_STREET_SUFFIX {
            let b = s.as_bytes();
            assert!(se_street_end(b[b.len() - 2], b[b.len() - 1]), "{s}");
            assert!(is_se_street(&format!("Stor{s}")), "{s}");
            assert!(!is_se_street(&format!("S{s}")), "{s}");
        }
        for w in ["Report", "Team", "Anna", "Göran", "", "n", "Storgatans", "Kungsvägen", "Esplanaden"] {
            let slow = SE_STREET_SUFFIX.iter().any(|s| w.len() > s.len() + 1 && w.ends_with(s));
            assert_eq!(is_se_street(w), slow, "{w}");
        }
    }
}
