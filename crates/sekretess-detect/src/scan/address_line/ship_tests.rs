//! Batches r, s and t of the tuning set: shipping labels and exports, tables pasted as text, places
//! that are nobody's home.

#![allow(clippy::unwrap_used)]

use crate::{Format, Label, Options, redact_str};

/// The addresses reported in `text`.
fn reported(text: &str) -> Vec<String> {
    found(text, Format::Text, Label::PostalAddress).into_iter().map(str::to_string).collect()
}

/// The spans of `label` reported in `text` read as `format`.
fn found(text: &str, format: Format, label: Label) -> Vec<&str> {
    let r = redact_str(text, format, &Options::default()).unwrap();
    r.findings.iter().filter(|f| f.label == label).map(|f| &text[f.start_byte..f.end_byte]).collect()
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

#[test]
fn a_uk_postcode_or_eircode_in_a_postcode_column_is_the_rows_postcode() {
    let t = "Member\tTown\tPostcode\tTel\nOwusu, Kwame\tLeeds\tLS6 2QT\t07700 900555\n";
    assert_eq!(reported(t), vec!["LS6 2QT"]);
    let t = "Columns: name, town, postcode.\n\nNí Bhriain, Aoife\tGalway\tH91 K2V3\n";
    assert_eq!(reported(t), vec!["H91 K2V3"]);
    // A company's row keeps its postcode.
    let t = "Member\tTown\tPostcode\nDalesway Joinery Ltd\tSkipton\tBD23 1EP\n";
    assert!(reported(t).is_empty());
}

#[test]
fn a_csv_column_named_for_a_pickup_point_holds_no_person_and_no_home() {
    let t = "order,pickup_point_name,pickup_point_address,first,last\n\
             A-1,Kiosk Vesterport,\"Vesterbrogade 9, 1620 København V\",Signe,Holt\n";
    let r = redact_str(t, Format::Csv, &Options::default()).unwrap();
    let got: Vec<(&str, Label)> =
        r.findings.iter().map(|f| (&t[f.start_byte..f.end_byte], f.label)).collect();
    assert_eq!(got, vec![("Signe", Label::Person), ("Holt", Label::Person)]);
}

#[test]
fn service_points_return_centres_and_registered_firms_are_not_homes() {
    // A return centre above a c/o line.
    let t =
        "Returadress:\nKlädhuset Returcenter\nc/o Fraktbolaget Syd\nTerminalvägen 3\nSE-641 30 KATRINEHOLM\n";
    assert!(reported(t).is_empty());
    // An organisationsnummer on the line above.
    let t = "Avsändare:\nKakelkompaniet\nOrg.nr 556677-8890\nFabriksgatan 2\n123 45 Farsta\n";
    assert!(reported(t).is_empty());
    // A sole trader's personnummer there is a person's: the address is a home.
    let t = "Avsändare:\nSnickeri Nordin\nOrg.nr 850101-2384\nFabriksgatan 2\n123 45 Farsta\n";
    assert_eq!(reported(t), vec!["Fabriksgatan 2\n123 45 Farsta"]);
    // A carrier's pickup point and a court.
    assert!(
        reported("Your parcel waits at the Pickup point Kiosk Nord, Hafenstraße 3, 20359 Hamburg.\n")
            .is_empty()
    );
    assert!(reported("Förhandling i Förvaltningsrätten, Brogatan 3, 581 10 Linköping.\n").is_empty());
}

#[test]
fn a_dutch_adjective_opens_the_street_name() {
    assert_eq!(
        reported("Bezorgd aan Sanne Visser, Oude Haven 12, 9711 LV Groningen\n"),
        vec!["Oude Haven 12, 9711 LV Groningen"]
    );
}

#[test]
fn a_country_code_cell_is_no_person() {
    let t =
        "id,name,address,country,phone\n7,Tove Lindahl,\"Kaivokatu 8, 00100 Helsinki\",FI,+358 40 123 4567\n";
    let people = found(t, Format::Csv, Label::Person);
    assert_eq!(people, vec!["Tove Lindahl"]);
}

#[test]
fn the_name_of_a_pickup_point_object_is_no_person() {
    let t = r#"{"recipient": {"name": "Ines Carvalho"}, "pickup_point": {"name": "Kiosk Lindholmen", "city": "Göteborg"}}"#;
    let people = found(t, Format::Json, Label::Person);
    assert_eq!(people, vec!["Ines Carvalho"]);
}

#[test]
fn a_firm_sending_to_a_person_keeps_its_address_and_the_person_hers() {
    let t = "nr,avsändare,avs_adress,avs_postnr,mottagare,mott_adress,mott_postnr\n\
             1,Bryggeri Norrsken AB,Bruksgatan 4,972 31,Hedda Lantto,Tallvägen 9,981 40\n\
             2,Hedda Lantto,Tallvägen 9,981 40,Kommunens Stadsbibliotek,Torget 1,972 30\n";
    let homes = found(t, Format::Csv, Label::PostalAddress);
    assert_eq!(homes, vec!["Tallvägen 9", "981 40", "Tallvägen 9", "981 40"]);
}

#[test]
fn a_firm_in_the_company_column_makes_the_row_address_the_firms() {
    let t = "Customer,Company,Street,Postcode\n\
             \"Lund, Maja\",,Granvägen 5,831 40\n\
             \"Berg, Olle\",Bergs Snickeri AB,Industrigatan 7,831 48\n";
    let homes = found(t, Format::Csv, Label::PostalAddress);
    assert_eq!(homes, vec!["Granvägen 5", "831 40"]);
}
