//! Recognizers in running text.

use sekretess_detect::{Format, Label, Options, detect};

use crate::findings;

/// (text, expected (value, label) pairs). Every expected value must be found exactly.
const CASES: &[(&str, &[(&str, Label)])] = &[
    (
        "Mail me at anna.svensson@example.se or call +46 70 123 45 67.",
        &[("anna.svensson@example.se", Label::Email), ("+46 70 123 45 67", Label::Phone)],
    ),
    ("Ring mig på 070-123 45 67 efter lunch.", &[("070-123 45 67", Label::Phone)]),
    (
        "Call (415) 555-0132 or 415-555-0199.",
        &[("(415) 555-0132", Label::Phone), ("415-555-0199", Label::Phone)],
    ),
    (
        "Client 192.168.10.42 connected from 2001:db8::8a2e:370:7334 today.",
        &[("192.168.10.42", Label::IpAddress), ("2001:db8::8a2e:370:7334", Label::IpAddress)],
    ),
    ("Date of birth: 1985-03-12", &[("1985-03-12", Label::DateOfBirth)]),
    ("She was born on 12 March 1985 in Umeå.", &[("12 March 1985", Label::DateOfBirth)]),
    ("Hon är född 3 maj 1990.", &[("3 maj 1990", Label::DateOfBirth)]),
    ("Dear Mr Smith, thank you.", &[("Smith", Label::Person)]),
    ("Hej Anna! Vi ses imorgon.", &[("Anna", Label::Person)]),
    (
        "Our customer Erik Johansson lives at Storgatan 12, 123 45 Stockholm.",
        &[("Erik Johansson", Label::Person), ("Storgatan 12, 123 45 Stockholm", Label::PostalAddress)],
    ),
    (
        "Ship to 221 Baker Street, Springfield, IL 62704.",
        &[("221 Baker Street, Springfield, IL 62704", Label::PostalAddress)],
    ),
    ("Samordningsnummer 880380-0014 enligt Skatteverket.", &[]),
    ("Betala till bankgiro 5050-1055 senast den 30:e.", &[("5050-1055", Label::SeBankAccount)]),
    ("Card: 4111 1111 1111 1111, exp 12/27.", &[("4111 1111 1111 1111", Label::CardNumber)]),
    (
        "Personnummer 19880320-0016 och orgnr 556036-0793.",
        &[("19880320-0016", Label::SePersonnummer), ("556036-0793", Label::SeOrgnr)],
    ),
];

#[test]
fn sentences() {
    let mut failures = Vec::new();
    for (text, expected) in CASES {
        let fs = findings(text, Format::Text);
        for (value, label) in *expected {
            let start = text.find(value).unwrap();
            let end = start + value.len();
            if !fs.iter().any(|f| f.label == *label && f.start_byte == start && f.end_byte == end) {
                failures.push(format!("{value:?} as {label} in {text:?}; got {fs:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lookalikes_are_not_reported() {
    let negatives = [
        "Order #20231145 shipped; tracking 1Z999AA10123456784.",
        "SKU 4003123412341237 is back in stock.",
        "Build 10.0.19045.3803 released at 2024-03-15 14:22:01.",
        "version 4.2.1.7 fixes the crash",
        "The meeting is at 10:30 in room 301.",
        "May I ask what the invoice total was? It was 1 234 kr.",
        "Timestamp 1709231234 recorded.",
    ];
    for n in negatives {
        let fs = findings(n, Format::Text);
        assert!(fs.is_empty(), "{n:?}: {fs:?}");
    }
}

#[test]
fn digit_boundaries() {
    // A valid card inside a longer digit run is not a card.
    assert!(findings("ref 94111111111111111123", Format::Text).is_empty());
    assert!(findings("x4111111111111111", Format::Text).is_empty());
    // A valid personnummer inside a longer number is not one either.
    assert!(!findings("id 98803200016", Format::Text).iter().any(|f| f.label == Label::SePersonnummer));
}

#[test]
fn checksum_beats_phone() {
    // 0103201234-like bare numbers that pass Luhn and date rules are personnummer, not phones.
    let fs = findings("Personnummer 0103202388.", Format::Text);
    assert!(fs.iter().any(|f| f.label == Label::SePersonnummer), "{fs:?}");
    assert!(!fs.iter().any(|f| f.label == Label::Phone));
}

#[test]
fn char_offsets() {
    let text = "Åsa Öberg: 880320-0016";
    let fs = detect(text, &Options::default());
    let f = fs.iter().find(|f| f.label == Label::SePersonnummer).unwrap();
    assert_eq!(f.start_byte, text.find("880320").unwrap());
    assert_eq!(f.start, text[..f.start_byte].chars().count());
    assert_eq!(f.end - f.start, 11);
}

#[test]
fn min_confidence_filters() {
    let text = "Call 0701234567 or mail a@b.se";
    let strict = Options { min_confidence: 0.9, ..Options::default() };
    let labels: Vec<Label> = detect(text, &strict).iter().map(|f| f.label).collect();
    assert_eq!(labels, vec![Label::Email]);
    assert_eq!(detect(text, &Options::default()).len(), 2);
}
