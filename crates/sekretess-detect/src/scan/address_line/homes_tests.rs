//! Ninth pass (batches m-p): districts before Swedish streets, prefixes in capitals, Dutch
//! and Belgian house-number additions, Norwegian flat numbers, named houses.

use super::super::Scanner;
use super::grammar::{district_before_street, is_house_number, is_number_addition, unit_segment};

fn whole(text: &str) -> Vec<String> {
    let mut sc = Scanner::new(text.as_bytes(), Some(text), None);
    sc.run();
    sc.out.iter().filter(|c| c.rec == "address").map(|c| text[c.start..c.end].to_string()).collect()
}

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
fn a_district_before_a_compound_street_is_part_of_it_where_the_phrase_opens() {
    assert!(district_before_street("Vällingby", "Kvarngatan"));
    assert!(district_before_street("Maria", "Strandväg"));
    assert!(!district_before_street("Fastigheten", "Kvarngatan"));
    assert!(!district_before_street("Restaurang", "Kvarngatan"));
    assert!(!district_before_street("Vällingby", "Kvarnsjön"));
    assert_eq!(
        whole("Till: Omar Farouk\nVällingby Kvarngatan 7, lgh 1101\n162 65 Vällingby\n"),
        vec!["Vällingby Kvarngatan 7, lgh 1101\n162 65 Vällingby"]
    );
    assert_eq!(reported("Kom förbi, jag bor på Maria Strandväg 12 nu."), vec!["Maria Strandväg 12"]);
    // After a capitalised word (a name on the same line) the district is not taken.
    assert_eq!(reported("Lisa Berg Kvarngatan 7"), vec!["Kvarngatan 7"]);
}

#[test]
fn a_prefix_in_capitals_starts_the_street_in_capitals() {
    assert_eq!(
        whole("MOTTAGARE\nKIM HOLM\nNORRA KVARNGATAN 4\n582 22 LINKÖPING\n"),
        vec!["NORRA KVARNGATAN 4\n582 22 LINKÖPING"]
    );
}

#[test]
fn dutch_and_belgian_number_additions_and_norwegian_flats_belong_to_the_address() {
    assert!(is_number_addition("bis") && is_number_addition("II") && is_number_addition("3hoog"));
    assert!(!is_number_addition("Ivan") && !is_number_addition("hoog"));
    assert!(is_house_number("40-bis") && is_house_number("9-B"));
    assert!(!is_house_number("9-Bx"));
    assert_eq!(unit_segment("H0203"), Some(false));
    assert_eq!(unit_segment("leil. U0101"), Some(false));
    assert_eq!(unit_segment("bte 4"), Some(false));
    for a in [
        "Prinsengracht 31 bis\n1015 DK Amsterdam",
        "Prinsengracht 31-bis, 1015 DK Amsterdam",
        "Ceintuurbaan 9 II, 1072 NG Amsterdam",
        "Herengracht 118 3hoog, 1015 BT Amsterdam",
        "Rue Haute 210, bte 4, 1000 Bruxelles",
        "Thorvald Meyers gate 12 A, H0203\n0555 Oslo",
        "Bogstadveien 40, leil. U0101, 0355 Oslo",
    ] {
        let t = format!("Home address:\n{a}\n");
        assert_eq!(whole(&t), vec![a.to_string()], "{t}");
    }
}
