//! Tenth pass (batch r): shipping labels, country prefixes before postcodes.

use super::super::Scanner;

fn reported(text: &str) -> Vec<String> {
    let mut sc = Scanner::new(text.as_bytes(), Some(text), None);
    sc.run();
    sc.out
        .iter()
        .filter(|c| c.label == crate::Label::PostalAddress)
        .map(|c| text[c.start..c.end].to_string())
        .collect()
}

#[test]
fn a_country_prefix_before_the_postcode_joins_the_street_line_above() {
    assert_eq!(
        reported("MOTTAGARE:\nLinnea Qvist\nBjörkstigen 4, lgh 1201\nSE-722 18 VÄSTERÅS\nSVERIGE\n"),
        vec!["Björkstigen 4, lgh 1201\nSE-722 18 VÄSTERÅS"]
    );
    assert_eq!(
        reported("Recipient:\nTorunn Vik\nSkogveien 31\nNO-5015 BERGEN\n"),
        vec!["Skogveien 31\nNO-5015 BERGEN"]
    );
    // Under a company's name it is the company's own address.
    assert!(reported("Avsändare:\nKvarnens Textil AB\nFabriksvägen 9\nSE-503 38 BORÅS\n").is_empty());
}
