use super::*;

#[test]
fn house_numbers_by_shape() {
    for ok in ["1", "17", "33A", "88-2", "19/4", "221B", "1234"] {
        assert!(is_house_number(ok), "{ok}");
    }
    for bad in ["0", "012", "12345", "A1", "12-", "1-2-3", ""] {
        assert!(!is_house_number(bad), "{bad}");
    }
}

#[test]
fn unit_segments() {
    assert_eq!(unit_segment("lgh 1204"), Some(false));
    assert_eq!(unit_segment("5 tr"), Some(false));
    assert_eq!(unit_segment("3º B"), Some(false));
    assert_eq!(unit_segment("Flat B"), Some(true));
    assert_eq!(unit_segment("Unit 2"), Some(true));
    assert_eq!(unit_segment("c/o Nasrin Rahimi"), Some(false));
    assert_eq!(unit_segment("Sparkhill"), None);
    assert_eq!(unit_segment("Storgatan 12"), None);
}

#[test]
fn street_lines_in_both_orders() {
    fn start(s: &str) -> Option<&str> {
        continental(&words(s)).map(|o| &s[o..])
    }
    assert_eq!(start("Norra Vallgatan 70"), Some("Norra Vallgatan 70"));
    assert_eq!(start("Calle de Alcalá 145"), Some("Calle de Alcalá 145"));
    assert_eq!(start("ul. Piotrkowska 104 m. 12"), Some("ul. Piotrkowska 104 m. 12"));
    assert_eq!(start("Mannerheimintie 112 A 14"), Some("Mannerheimintie 112 A 14"));
    assert_eq!(start("brev till Kinkerstraat 88-2"), Some("Kinkerstraat 88-2"));
    assert_eq!(start("Fastigheten Bergsgatan 11"), Some("Bergsgatan 11"));
    assert_eq!(start("Doktor Widerströms gata 4"), Some("Doktor Widerströms gata 4"));
    assert_eq!(start("betalade 12"), None);
    fn en(s: &str) -> Option<&str> {
        english_street(&words(s)).map(|o| &s[o..])
    }
    assert_eq!(en("address is 42 Ashgrove Road"), Some("42 Ashgrove Road"));
    assert_eq!(en("812 W 23rd Street"), Some("812 W 23rd Street"));
    assert_eq!(en("77 Grand St Apt 5F"), Some("77 Grand St Apt 5F"));
    assert_eq!(en("92 Deansgate"), Some("92 Deansgate"));
    assert_eq!(en("we paid 92 Pounds"), None);
}

#[test]
fn units_and_street_names_of_more_countries() {
    // Danish floor and side, an ordinal floor, a Spanish door, English plots.
    assert_eq!(unit_segment("2. th."), Some(false));
    assert_eq!(unit_segment("st. tv."), Some(false));
    assert_eq!(unit_segment("3rd floor"), Some(false));
    assert_eq!(unit_segment("pta. 4"), Some(false));
    assert_eq!(unit_segment("Plot 9"), Some(true));
    assert_eq!(unit_segment("LGH 1201"), Some(false));
    assert_eq!(unit_segment("2 Things"), None);
    // Dutch floors in Roman numerals.
    assert!(is_house_number("7-III"));
    assert!(!is_house_number("7-IIIIII"));
    // The French order.
    let fr = |s: &str| french(&words(s)).map(|o| s[o..].to_string());
    assert_eq!(fr("chez 8 rue des Lilas").as_deref(), Some("8 rue des Lilas"));
    assert_eq!(fr("12 bis avenue Victor Hugo").as_deref(), Some("12 bis avenue Victor Hugo"));
    assert_eq!(fr("8 rue"), None);
    assert_eq!(fr("we sold 8 rue bottles"), None);
    // Welsh and Irish streets, their type first.
    let ce = |s: &str| celtic(&words(s)).map(|o| s[o..].to_string());
    assert_eq!(ce("at 12 Heol yr Eglwys").as_deref(), Some("12 Heol yr Eglwys"));
    assert_eq!(ce("Sráid na Cille 7").as_deref(), Some("Sráid na Cille 7"));
    assert_eq!(ce("Heol y 7"), None);
    assert_eq!(ce("Ffordd is long"), None);
    // Turkish streets: the type inside the name, "No:" before the number, the flat after.
    let tr = |s: &str| turkish(&words(s)).map(|o| s[o..].to_string());
    assert_eq!(tr("Gazi Bulvarı No: 12 Daire 3").as_deref(), Some("Gazi Bulvarı No: 12 Daire 3"));
    assert_eq!(tr("bor på Lale Sok. No 4").as_deref(), Some("Lale Sok. No 4"));
    assert_eq!(tr("Order No: 12"), None);
    // A given name or a title before a genitive street; a capitalised particle.
    assert!(joins_street_name("Erik", "Dahlbergsgatan"));
    assert!(joins_street_name("Kapten", "Nemosgatan"));
    assert!(joins_street_name("Van", "Baerlestraat"));
    assert!(!joins_street_name("Fastigheten", "Bergsgatan"));
    assert!(!joins_street_name("Erik", "Storgatan"));
}

#[test]
fn canadian_postal_codes_by_shape() {
    assert_eq!(ca_postcode(b"M5V 0E9"), Some(7));
    assert_eq!(ca_postcode(b"H2T 2K8,"), Some(7));
    for bad in [&b"W5V 0E9"[..], b"M5V 0E", b"M5V0E9", b"MDV 0E9", b"M5V 0E9X", b"m5v 0e9"] {
        assert_eq!(ca_postcode(bad), None, "{}", String::from_utf8_lossy(bad));
    }
    assert!(is_ca_province(b"QC") && !is_ca_province(b"TX"));
}

#[test]
fn titles_that_streets_are_named_with_start_the_street() {
    fn start(s: &str) -> Option<&str> {
        continental(&words(s)).map(|o| &s[o..])
    }
    assert_eq!(start("Burgemeester Reigerstraat 64"), Some("Burgemeester Reigerstraat 64"));
    assert!(is_prefix_word("Doktor") && is_prefix_word("Sint"));
    assert!(!is_prefix_word("Anna"));
}
