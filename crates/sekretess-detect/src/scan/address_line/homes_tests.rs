//! Ninth pass (batches m-p): districts before Swedish streets, prefixes in capitals, Dutch
//! and Belgian house-number additions, Norwegian flat numbers, named houses.

use super::super::Scanner;
use super::grammar::{district_before_street, is_house_number, is_number_addition};
use super::scan_tests::reported as kept;
use super::units::unit_segment;

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

#[test]
fn a_named_house_before_its_street_line_is_part_of_the_address() {
    use super::house::house_name_tail;
    assert_eq!(house_name_tail("Larkspur Cottage", false), Some(0));
    assert_eq!(house_name_tail("The Old Orchard", false), Some(0));
    assert_eq!(house_name_tail("Tenant: Ruth Ames of The Old Orchard", false), Some(21));
    assert_eq!(house_name_tail("Windyridge", true), Some(0));
    assert_eq!(house_name_tail("Windyridge", false), None);
    // A person's name, a company, a country or a venue is no house.
    assert_eq!(house_name_tail("Agnes Whitlow", true), None);
    assert_eq!(house_name_tail("Brightside Plumbing Ltd", true), None);
    assert_eq!(house_name_tail("The Grand Riverside Concert Hall", true), None);
    // After a person's name and "of"; a Welsh or Spanish word for a house first.
    assert_eq!(house_name_tail("Guarantor: Ruth Ames of Hillside View", false), Some(24));
    assert_eq!(house_name_tail("address was Ty Coch", false), Some(12));
    assert_eq!(house_name_tail("Stay: Casa Blanca", false), Some(6));
    assert_eq!(house_name_tail("Staff: Ty Johnson", true), None);
    for (text, a) in [
        (
            "Send it to:\nLarkspur Cottage, 9 Well Lane\nKendal LA9 4QP\n",
            "Larkspur Cottage, 9 Well Lane\nKendal LA9 4QP",
        ),
        (
            "Ship to:\nThe Old Orchard\n2 High Street\nRye TN31 7JF\n",
            "The Old Orchard\n2 High Street\nRye TN31 7JF",
        ),
        ("Home: Windyridge, 41 Moor Road, Ilkley LS29 8AB\n", "Windyridge, 41 Moor Road, Ilkley LS29 8AB"),
        (
            "Guarantor: Ruth Ames of The Old Orchard, Mill Lane, Rye TN31 7JF\n",
            "The Old Orchard, Mill Lane, Rye TN31 7JF",
        ),
    ] {
        assert_eq!(whole(text), vec![a.to_string()], "{text}");
    }
    // A name on the line above the street is the addressee's, not the house's.
    assert_eq!(
        whole("To:\nAgnes Whitlow\n9 Well Lane\nKendal LA9 4QP\n"),
        vec!["9 Well Lane\nKendal LA9 4QP".to_string()]
    );
}

#[test]
fn banks_stations_insurers_churches_employers_and_sold_comparables_are_no_homes() {
    for text in [
        "Långedals Sparebank · Elvegata 3, 4010 Stavanger · +47 51 00 00 00\n",
        "Kontor: Sydbanken Lund City, Klostergatan 4, 222 22 Lund\n",
        "Anmälan gjord vid Polisstationen Vimmerby, Torggatan 8\n",
        "Bolag: Trygghem Försäkring, Storgatan 3, 123 45 Stad\n",
        "Meet at Iglesia de Santa Ana, Calle Real 4, 29001 Málaga\n",
        "Employer address  Unit 2, Dale Works, Leeds LS9 8AB\n",
        "Carrier address: 77 Freight Rd, Dallas, TX 75201\n",
        "Jämförelse: Lingonvägen 14 (sålt 2024-05, 2 100 000 kr)\n",
        "Lunch på Kvarnens Arms, Torggatan 3, 123 45 Stad\n",
        "Kvällen hålls i Byns kulturhus, Skolvägen 2, 123 45 Stad\n",
    ] {
        assert!(kept(text).is_empty(), "{text}: {:?}", kept(text));
    }
    // A company form closed by a quote still names the company before the address.
    assert!(kept("namn=\"Kvarnby Bageri AB\" adress=\"Storgatan 9, 123 45 Stad\"\n").is_empty());
}

#[test]
fn a_town_after_a_comma_without_its_postcode_ends_a_swedish_street() {
    assert_eq!(kept("Arbetsplats: Tallvägen 9, Bjärred (fastighet 2:14)\n"), vec!["Tallvägen 9, Bjärred"]);
    assert_eq!(kept("Adress: Tallvägen 9, Bjärred\n"), vec!["Tallvägen 9, Bjärred"]);
    // Not a name or a country after the comma, nor a word the phrase goes on past.
    assert_eq!(kept("Adress: Tallvägen 9, Sverige\n"), vec!["Tallvägen 9"]);
    assert_eq!(kept("Bor på Tallvägen 9, Bjärred kommun har\n"), vec!["Tallvägen 9"]);
}

#[test]
fn a_french_street_type_in_capitals_after_the_number() {
    assert_eq!(
        whole("Forwarding: Jeanne Roux – 7 Rue des Lilas, 69003 Lyon\n"),
        vec!["7 Rue des Lilas, 69003 Lyon".to_string()]
    );
}

#[test]
fn a_persons_own_po_box_is_their_address_and_a_companys_is_not() {
    for (text, a) in [
        ("Bill to:\nNoor Haddad\nPO Box 4410\nLubbock, TX 79408\n", "PO Box 4410\nLubbock, TX 79408"),
        ("Former tenants:\n  Ines Garza – PO Box 77, Taos, NM 87571\n", "PO Box 77, Taos, NM 87571"),
        ("New mailing address:  PO Box 905\n      Eugene, OR 97401\n", "PO Box 905\n      Eugene, OR 97401"),
    ] {
        assert_eq!(kept(text), vec![a.to_string()], "{text}");
    }
    assert!(kept("Ridgeline Roofing Ltd\nPO Box 4410\nLubbock, TX 79408\n").is_empty());
    assert!(kept("Payments: Lone Star Power, PO Box 4410, Lubbock, TX 79408\n").is_empty());
}

#[test]
fn a_postcode_under_a_postcode_column_of_a_spaced_table_is_reported() {
    let text = "Order    Kund               Postnr   Ort\n5501     Lejla Dizdar       652 24   Karlstad\n";
    assert_eq!(kept(text), vec!["652 24".to_string()]);
    // A company's row keeps its own.
    let text = "Order    Kund               Postnr   Ort\n5502     Värmlandsbygg AB   652 25   Karlstad\n";
    assert!(kept(text).is_empty(), "{:?}", kept(text));
}
