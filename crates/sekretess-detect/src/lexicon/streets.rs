//! Street words and US state codes that address grammars look for.

use std::sync::LazyLock;

use crate::wordset::WordSet;

/// Swedish street-name endings ("Storgatan", "Kungsvägen" …).
pub fn is_se_street(w: &str) -> bool {
    const SUFFIX: &[&str] = &[
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
    SUFFIX.iter().any(|s| w.len() > s.len() + 1 && w.ends_with(s))
}

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
