//! Where a home's address starts and ends, and shops' addresses in running text (tuning
//! batches u to x). Examples written for these tests.

use super::grammar::is_house_number;
use super::scan_tests::reported;
use super::units::unit_segment;

fn one(text: &str, want: &str) {
    assert_eq!(reported(text), vec![want.to_string()], "{text}");
}

#[test]
fn streets_opened_by_a_preposition_or_named_in_the_genitive() {
    one("Wohnhaft: Am Kirchberg 12, 53111 Bonn\n", "Am Kirchberg 12, 53111 Bonn");
    one("Neue Anschrift\nZur Mühle 3\n79098 Freiburg\n", "Zur Mühle 3\n79098 Freiburg");
    one("Skicka till Nils Dacke-gången 4, 352 30 Växjö i dag.", "Dacke-gången 4, 352 30 Växjö");
    one("Adress: Selma Lagerlöfsgången 9, 903 38 Umeå\n", "Selma Lagerlöfsgången 9, 903 38 Umeå");
}

#[test]
fn flats_stairs_and_doors_of_more_countries() {
    one(
        "folkbokförd på Ekbacksvägen 3, lägenhetsnummer 1103, 722 41 Västerås.",
        "Ekbacksvägen 3, lägenhetsnummer 1103, 722 41 Västerås",
    );
    one(
        "Lieferadresse: Hauptgasse 9, Stiege 1, Top 7, 4020 Linz\n",
        "Hauptgasse 9, Stiege 1, Top 7, 4020 Linz",
    );
    one("Frau\nLena Gruber\nHauptgasse 9/1/7\n4020 Linz\n", "Hauptgasse 9/1/7\n4020 Linz");
    assert!(is_house_number("9/1/7") && is_house_number("123/4/56"));
    // A date is not a house, a stair and a door.
    assert!(!is_house_number("12/03/2024") && !is_house_number("3/04/05"));
}

#[test]
fn english_units_before_the_street() {
    one(
        "Mr Ola Hill\nBasement Flat\n7 Elm Terrace\nBath\nBA1 2QQ\n",
        "Basement Flat\n7 Elm Terrace\nBath\nBA1 2QQ",
    );
    one(
        "Address: 1st floor flat, 22 Kings Road, Hove BN3 2AA\n",
        "1st floor flat, 22 Kings Road, Hove BN3 2AA",
    );
    one(
        "Send to\nApt 4, Block D, Riverside Court\nCork T12 AB34\n",
        "Apt 4, Block D, Riverside Court\nCork T12 AB34",
    );
    one("moved to RR 3, 480 Ridge Rd, Perth ON K7H 3C6 last week", "RR 3, 480 Ridge Rd, Perth ON K7H 3C6");
    one("Mail to 10450 97 Avenue NW, Edmonton, AB T5K 0B1\n", "10450 97 Avenue NW, Edmonton, AB T5K 0B1");
    // Prose before the street is no unit.
    one(
        "stolen from my flat at\n18 Pine Dr, Apt 3, Dayton, OH 45402.",
        "18 Pine Dr, Apt 3, Dayton, OH 45402",
    );
    assert_eq!(unit_segment("Garden Flat"), Some(true));
    assert_eq!(unit_segment("apartment at"), None);
}

#[test]
fn towns_after_a_street_without_a_postcode() {
    one(
        "He now lives at 8 Ogui Road, Independence Layout, Enugu, Nigeria.",
        "8 Ogui Road, Independence Layout, Enugu",
    );
    one("We lived at 3 Elm Road, Ranelagh, Dublin 6 and moved.", "3 Elm Road, Ranelagh, Dublin 6");
    one("Ny adress: Kvarngatan 4, Tierp\n", "Kvarngatan 4, Tierp");
    // One word after one comma before prose may be someone spoken to.
    assert_eq!(reported("I left it at 12 Oak Road, Maria said"), vec!["12 Oak Road".to_string()]);
}

#[test]
fn a_house_named_over_a_street_in_a_block_of_lines() {
    one(
        "Previous address:\nHollinshaw\nMoor Lane\nBrampton\nChesterfield\nS42 7QT\n",
        "Hollinshaw\nMoor Lane\nBrampton\nChesterfield\nS42 7QT",
    );
    // A person's line over the street is not a house.
    assert_eq!(reported("Mrs Ann Kelly\nMoor Lane\nBrampton\nS42 7QT\n"), Vec::<String>::new());
}

#[test]
fn a_shop_named_before_its_address_in_running_text_is_not_a_home() {
    assert!(reported("Hämta paketet hos Kvarnens Cykel Service, Torggatan 3, 582 22 Linköping.").is_empty());
    assert!(reported("Collect it from Riverside Cycle Studio, 14 Mill Road, Ely CB7 4AA.").is_empty());
    assert!(reported("Questions go to the Office of Housing, 200 Main St, Salem, OR 97301.").is_empty());
    // A person before their home stays a home.
    one("Send it to Ingrid Holm, Torggatan 3, 582 22 Linköping.", "Torggatan 3, 582 22 Linköping");
}

#[test]
fn a_genitive_street_with_its_type_as_a_word_of_its_own() {
    one("Vi flyttar till Karin Boyes gata 14 i maj.", "Karin Boyes gata 14");
    one("Adress: Doktor Lindhs väg 3 B\n", "Doktor Lindhs väg 3 B");
    one("Hyresgäst på Tegnérs gata 8, lgh 1103.", "Tegnérs gata 8, lgh 1103");
    // A genitive before a word that is no street type is no street.
    assert!(reported("Karin Boyes bok 14 kapitel").is_empty());
}

#[test]
fn prose_wrapped_before_an_address_says_it_is_a_home() {
    one(
        "Mormor bor fortfarande kvar i huset i Byn,\nÄngsvägen 4, 796 30 Älvdalen, och trivs.",
        "Ängsvägen 4, 796 30 Älvdalen",
    );
    one("Vi firar hemma hos Ann Ek,\nLövgatan 2, 652 25 Karlstad, kl 18.", "Lövgatan 2, 652 25 Karlstad");
}

#[test]
fn a_possessive_before_an_address_and_a_unit_after_it() {
    // The person whose home it is stays outside the address.
    one("Supper at Dele's, 41 Birch St, Tulsa, OK 74104, at six.", "41 Birch St, Tulsa, OK 74104");
    // A unit after a comma belongs to the street; five words of a street's name.
    one("Choir meets at 88 Lark Ave, Unit 3, on Sundays.", "88 Lark Ave, Unit 3");
    one("Send it to 200 Rosa Lee Parks Jr Ave, Suite 9B.", "200 Rosa Lee Parks Jr Ave, Suite 9B");
}

#[test]
fn a_semicolon_ends_the_cell_before_an_address() {
    one("7301;Berg, Ada;Linvägen 8, 611 30 Nyköping;0155-123 45\n", "Linvägen 8, 611 30 Nyköping");
    one("Ada;Linvägen 8, 611 30 Nyköping;0155-123 45\n", "Linvägen 8, 611 30 Nyköping");
}

#[test]
fn dutch_streets_named_after_a_person_and_spanish_abbreviations() {
    one("Oud adres: Pieter Baststraat 12, 1071 XR Amsterdam\n", "Pieter Baststraat 12, 1071 XR Amsterdam");
    one(
        "Bewoner\n3e Kostverlorenkade 8-I\n1054 TS Amsterdam\n",
        "3e Kostverlorenkade 8-I\n1054 TS Amsterdam",
    );
    one("Remitente: C/ Olmo 14, 2º A, 41003 Sevilla\n", "C/ Olmo 14, 2º A, 41003 Sevilla");
}

#[test]
fn a_flat_after_the_street_on_the_next_line() {
    one("Vi bor nu på Ekgatan 9 A,\nlägenhet 1204, högst upp.", "Ekgatan 9 A,\nlägenhet 1204");
    one("Ny adress: Ekgatan 9, lgh 1204.", "Ekgatan 9, lgh 1204");
}
