//! Issue 19, POSTAL_ADDRESS and DATE_OF_BIRTH: Swedish addresses in prose, European and UK
//! postcode grammars, a company's letterhead address left alone; dates of birth after a
//! label, after a name on a chat line, and in a date-of-birth column far below its header.

use sekretess_detect::{Format, Label};

use crate::{findings, labels_at, labels_over};

fn found(doc: &str, value: &str, label: Label) {
    let start = doc.find(value).unwrap();
    let end = start + value.len();
    let fs = findings(doc, Format::Text);
    assert!(
        labels_at(&fs, start, end).contains(&label),
        "{value:?} in {doc:?}: expected {label}, got {:?}",
        fs.iter().map(|f| (&doc[f.start_byte..f.end_byte], f.label)).collect::<Vec<_>>()
    );
}

fn not_found(doc: &str, value: &str, label: Label) {
    let start = doc.find(value).unwrap();
    let fs = findings(doc, Format::Text);
    assert!(
        !labels_over(&fs, start, start + value.len()).contains(&label),
        "{value:?} in {doc:?} reported as {label}"
    );
}

const A: Label = Label::PostalAddress;
const D: Label = Label::DateOfBirth;

#[test]
fn swedish_address_in_running_prose_with_an_invoice() {
    // One span: street and number, postcode and town (the hand-labelled set's convention).
    let doc = "Vi skickar fakturan till Hagagatan 31, 113 47 Stockholm i morgon.";
    found(doc, "Hagagatan 31, 113 47 Stockholm", A);
    let doc = "Yusuf Demirci\nNorra Vallgatan 70 B\n211 22 Malmö\n\nVi har ännu inte fått betalt.";
    found(doc, "Norra Vallgatan 70 B\n211 22 Malmö", A);
    let doc = "Lägenhet: Fältspatsgatan 14, lgh 1204, 421 30 Västra Frölunda\nKontraktsnr: 3";
    found(doc, "Fältspatsgatan 14, lgh 1204, 421 30 Västra Frölunda", A);
    // The street line alone when that is all there is.
    found("Det droppar i badrummet på Solrosvägen 8, lgh 1302. Grannen", "Solrosvägen 8, lgh 1302", A);
}

#[test]
fn european_postcodes_after_a_street_and_number() {
    for (doc, whole) in [
        ("Send it to Thorvald Meyers gate 20, 0555 Oslo.", "Thorvald Meyers gate 20, 0555 Oslo"),
        ("Adresse: Nørrebrogade 44, 2200 København N", "Nørrebrogade 44, 2200 København N"),
        ("Adres: Prinsengracht 263, 1016 GV Amsterdam", "Prinsengracht 263, 1016 GV Amsterdam"),
        ("Adres: ul. Floriańska 15, 31-019 Kraków", "ul. Floriańska 15, 31-019 Kraków"),
        ("Dirección: Gran Vía 28, 28013 Madrid", "Gran Vía 28, 28013 Madrid"),
        ("Osoite: Hämeenkatu 10, 33100 Tampere", "Hämeenkatu 10, 33100 Tampere"),
        ("Anschrift: Sonnenallee 221, 12059 Berlin\n", "Sonnenallee 221, 12059 Berlin"),
        (
            "the address Calle de Alcalá 145, 3º B, 28009 Madrid, and",
            "Calle de Alcalá 145, 3º B, 28009 Madrid",
        ),
    ] {
        found(doc, whole, A);
    }
    // Four digits before a capitalised word are not a postcode without the street before
    // them or an address cue: a house number, a year, a quantity.
    // "4521 Birch Avenue" is a house number and street, found whole, not a postcode; the
    // town that ends the phrase belongs to it.
    found("Address: 4521 Birch Avenue, Portland", "4521 Birch Avenue, Portland", A);
    not_found("In 1998 Oslo hosted the meeting.", "1998", A);
    not_found("We shipped 2400 Units yesterday.", "2400", A);
}

#[test]
fn uk_and_us_addresses() {
    found("Unit 7, Harbour Court, London E14 9GE", "Unit 7, Harbour Court, London E14 9GE", A);
    found("Flat 2, 18 Mill Lane, Leeds LS6 2QF", "Flat 2, 18 Mill Lane, Leeds LS6 2QF", A);
    found(
        "Address: 1842 Willow Creek Lane, Boise, ID 83706\nPhone",
        "1842 Willow Creek Lane, Boise, ID 83706",
        A,
    );
    // Inward codes never use C, I, K, M, O or V.
    not_found("Flat 2, 18 Mill Lane, Leeds LS6 2QC", "LS6 2QC", A);
    // A part number with the same letters and digits but no town or cue.
    not_found("Replace part AB1 2CD today", "AB1 2CD", A);
}

#[test]
fn a_company_letterhead_address_is_not_a_persons() {
    let doc =
        "Transportfirman Väst AB, Hamngatan 4, 411 14 Göteborg\n\nTill Amira Saleh, Ekvägen 9, 443 31 Lerum.";
    not_found(doc, "411 14", A);
    not_found(doc, "Hamngatan 4", A);
    found(doc, "Ekvägen 9, 443 31 Lerum", A);
    not_found("Nordlys Eiendom AS, Kirkegata 3, 0153 Oslo", "0153", A);
    // The company's name on the line above its address.
    not_found("Nowak Bygg AB\nIndustrivägen 4, 553 02 Jönköping\nOrg.nr", "Industrivägen 4", A);
}

#[test]
fn redaction_covers_at_least_the_parts_it_covered_before() {
    // Street and postcode were two spans; the whole covers both and the town.
    let doc = "Vi skickar fakturan till Hagagatan 31, 113 47 Stockholm i morgon.";
    let out = sekretess_detect::redact_str(doc, Format::Text, &sekretess_detect::Options::default()).unwrap();
    for part in ["Hagagatan", "31", "113 47", "Stockholm"] {
        assert!(!out.text.contains(part), "{part} left in {:?}", out.text);
    }
}

#[test]
fn dates_of_birth_by_label_name_and_column() {
    found("Date of birth: 23.09.1976\nNationality: NO", "23.09.1976", D);
    found("[10:02] Rojin Barzani 17/04/1991 wants to change the plan", "17/04/1991", D);
    // The same date after a non-name is not a date of birth.
    not_found("[10:02] Ticket closed 17/04/1991 by system", "17/04/1991", D);
    let mut doc = String::from("kundnr,namn,ort,födelsedatum,kommentar\n");
    for k in 0..60 {
        doc.push_str(&format!("{k},Helin Aziz,Eskilstuna,1988-02-11,inget\n"));
    }
    doc.push_str("61,Goran Sleman,Kalmar,1979-10-30,ny\n");
    found(&doc, "1979-10-30", D);
    // A date in another column of the same rows is not a date of birth.
    let mut doc = String::from("kundnr,namn,registrerad,födelsedatum\n");
    doc.push_str("7,Helin Aziz,2019-03-04,1990-01-02\n");
    found(&doc, "1990-01-02", D);
    not_found(&doc, "2019-03-04", D);
}

#[test]
fn a_street_address_ends_with_its_towns_postal_district() {
    found("Delivery to 17 Ashgrove Road, Dublin 8. Order no. 55.", "17 Ashgrove Road, Dublin 8", A);
    found("Registered at 9 Mill Lane, Dublin 14; call us.", "9 Mill Lane, Dublin 14", A);
    // Three digits are not a district.
    not_found("Delivery to 17 Ashgrove Road, Dublin 123 is late.", "Dublin 123", A);
}

#[test]
fn a_field_named_for_an_address_is_one_address() {
    for (doc, format) in [
        ("Name,Address\nCarys Pugh,\"Flat 3, 40 Heol Fach, Swansea\"\n", Format::Csv),
        ("{\"address\": \"Flat 3, 40 Heol Fach, Swansea\"}", Format::Json),
    ] {
        let value = "Flat 3, 40 Heol Fach, Swansea";
        let s = doc.find(value).unwrap();
        let fs = findings(doc, format);
        assert!(
            labels_at(&fs, s, s + value.len()).contains(&A),
            "{doc:?}: {:?}",
            fs.iter().map(|f| (&doc[f.start_byte..f.end_byte], f.label)).collect::<Vec<_>>()
        );
    }
    // "Postnr" names the postcode column.
    let doc = "Namn;Gata;Postnr;Ort\nLinnea Ek;Åsvägen 4;553 21;Jönköping\n";
    let s = doc.find("553 21").unwrap();
    assert!(labels_at(&findings(doc, Format::Csv), s, s + 6).contains(&A));
}

/// Issue 19, DATE_OF_BIRTH as forms, calls and tables write it.
#[test]
fn dates_of_birth_in_ocr_forms_calls_and_tables() {
    // OCR puts spaces around the separators.
    found("Födelsedatum   1984 - 05 - 19\n", "1984 - 05 - 19", D);
    found("Date of Birth :  12 / 09 / 1985     Sex: F\n", "12 / 09 / 1985", D);
    found("Date of birth:   29 . 01 . 1983\n", "29 . 01 . 1983", D);
    // Month names in any case, and the abbreviation with full stops.
    found("Passenger 1  ADT  DOB 04 FEB 1990\n", "04 FEB 1990", D);
    found("Given names Mei  D.o.B. 07/09/1990\n", "07/09/1990", D);
    // The question on the line above, the answer opening its line.
    found("AGENT: and your date of birth please\nCALLER: 3 june 1975\n", "3 june 1975", D);
    found("named Ann Lee (date of birth\nOctober 2, 2009) as beneficiary", "October 2, 2009", D);
    // A table aligned with spaces whose header has a birth column.
    let table = "Nr  Namn                 Född         Ort\n 1  Berg, Anna           1961-04-02   Umeå\n 2  Lind, Per            1959-10-17   Luleå\n";
    found(table, "1961-04-02", D);
    found(table, "1959-10-17", D);
    // Not: a date of death, a date under another column, a date whose line names another
    // date, a date in prose under a line that mentioned a birthday.
    not_found("born March 14, 1941, died April 2, 2025\n", "April 2, 2025", D);
    let visits = "Nr  Namn                 Besök        Ort\n 1  Berg, Anna           2024-04-02   Umeå\n";
    not_found(visits, "2024-04-02", D);
    not_found("Date of birth: 1980-01-01\nDate of visit: 2024-02-02\n", "2024-02-02", D);
    not_found("we sent a birthday card\nOn 3 Nov 2026 she fell on the steps.", "3 Nov 2026", D);
}

#[test]
fn birth_abbreviations_signs_and_words_of_other_languages() {
    // "f." (född) and "b." (born) as words of their own, the genealogical asterisk opening
    // the line, and family histories of the nineteenth century.
    found("Gifte sig 1886 med Hanna Nilsdotter (f. 1864-05-30). De flyttade", "1864-05-30", D);
    found("Dottern Elin, f. 3/9/1891, gifte sig", "3/9/1891", D);
    found("John Smith, b. 12 March 1950, of Leeds", "12 March 1950", D);
    found("       Sven Gustavsson\n       * 4 mars 1938\n", "4 mars 1938", D);
    found("Farfars far Per Erik föddes 12 januari 1861 på torpet", "12 januari 1861", D);
    // Date-of-birth words of Dutch, German, Norwegian, Finnish, Polish.
    for (doc, v) in [
        ("Geboortedatum: 08-03-1971\nAdres: X", "08-03-1971"),
        ("Geburtsdatum: 14.05.1980\n", "14.05.1980"),
        ("Fødselsdato: 02.11.1975\n", "02.11.1975"),
        ("Syntymäaika: 7.6.1990\n", "7.6.1990"),
        ("Data urodzenia: 1985-01-30\n", "1985-01-30"),
    ] {
        found(doc, v, D);
    }
    // An asterisk inside a line, a word ending in "f." and a date with no cue stay dates.
    not_found("Footnote 2 * 4 mars 1938 in the ledger", "4 mars 1938", D);
    not_found("Ref. 1864-05-30 archived", "1864-05-30", D);
    not_found("Auktion 1861-01-12 på gården", "1861-01-12", D);
}

#[test]
fn a_date_inside_a_birth_object_of_json_is_a_date_of_birth() {
    let doc = r#"{"people":[{"name":{"given":"Jan"},"birth":{"date":"1902-04-08","place":"Kraków"},"death":{"date":"1977-12-19"}}]}"#;
    let fs = findings(doc, Format::Json);
    let start = doc.find("1902-04-08").unwrap();
    assert!(labels_at(&fs, start, start + 10).contains(&D), "{fs:?}");
    let death = doc.find("1977-12-19").unwrap();
    assert!(!labels_over(&fs, death, death + 10).contains(&D));
}

#[test]
fn an_address_under_a_company_key_of_json_is_the_companys() {
    let doc = r#"{"company":{"name":"Nordbygg AB","address":"Sveavägen 20, 111 57 Stockholm"},"contact":{"address":"Storgatan 12, 114 55 Stockholm"}}"#;
    let fs = findings(doc, Format::Json);
    let co = doc.find("Sveavägen 20").unwrap();
    assert!(!labels_over(&fs, co, co + 10).contains(&A), "{fs:?}");
    let home = doc.find("Storgatan 12, 114 55 Stockholm").unwrap();
    assert!(labels_at(&fs, home, home + "Storgatan 12, 114 55 Stockholm".len()).contains(&A), "{fs:?}");
}

#[test]
fn an_address_after_a_firm_a_workshop_a_terminal_or_a_municipality_is_not_a_home() {
    for (doc, addr) in [
        ("Kontakta Lindqvist Advokatbyrå, Storgatan 9, 114 55 Stockholm.", "Storgatan 9"),
        ("Besiktigad hos Norrbilsprovning, Verkstadsgatan 12.", "Verkstadsgatan 12"),
        ("Hämtas på Postterminal Ånge, Industrivägen 2, 841 31 Ånge", "Industrivägen 2"),
        ("Arbetsgivare: Umeå kommun, Skolgatan 31, 901 84 Umeå", "Skolgatan 31"),
        ("Collect it at Northfield Garage, 4 Mill Lane, Leeds LS1 4AB.", "4 Mill Lane"),
        ("Meet me at the Red Lion pub, 7 High Street, York YO1 7LZ", "7 High Street"),
        // A property advertised for sale or auction.
        ("For sale: detached house, 9 Elm Road, Ripon HG4 1AB, offers invited", "9 Elm Road"),
        ("Viewings by appointment at 22 Park Lane, Bath BA1 2XY", "22 Park Lane"),
    ] {
        not_found(doc, addr, A);
    }
    // A person's name before the address keeps it a home.
    found("Skickas till Anna Lind, Storgatan 9, 114 55 Stockholm.", "Storgatan 9, 114 55 Stockholm", A);
}

#[test]
fn a_person_rows_po_box_is_theirs_and_a_vacant_rows_address_is_nobodys() {
    let doc = "first,last,street,city,zip\nNell,Okoro,PO Box 5521,Fargo,58102\nMidvale Rotary Club,,PO Box 90,Fargo,58103\n";
    let fs = findings(doc, Format::Csv);
    let s = doc.find("PO Box 5521").unwrap();
    assert!(labels_at(&fs, s, s + 11).contains(&A), "{fs:?}");
    let s = doc.find("PO Box 90").unwrap();
    assert!(!labels_over(&fs, s, s + 9).contains(&A), "{fs:?}");
    let doc =
        "lgh;adress;postnr;hyresgäst\n1101;Lövgatan 3;123 45;Anna Berg\n1102;Lövgatan 3;123 45;VAKANT\n";
    let fs = findings(doc, Format::Csv);
    let s = doc.find("Lövgatan 3;123 45;Anna").unwrap();
    assert!(labels_at(&fs, s, s + "Lövgatan 3".len()).contains(&A), "{fs:?}");
    let s = doc.find("Lövgatan 3;123 45;VAKANT").unwrap();
    assert!(!labels_over(&fs, s, s + "Lövgatan 3;123 45".len()).contains(&A), "{fs:?}");
}

#[test]
fn a_birth_date_on_a_forms_fill_in_line_after_dob() {
    let doc = "Patient: __KIRAN DESAI__\nD.O.B. __11 / 07 / 1969__   Sex F\n";
    found(doc, "11 / 07 / 1969", D);
    let doc = "D.O.B. ___21/04/1980___\n";
    found(doc, "21/04/1980", D);
}

#[test]
fn a_chat_answer_to_a_birth_date_question_is_a_birth_date() {
    let doc = "[10:02] Desk: Could you give me your date of birth please?\n[10:03] Tomás Ruiz: 9 May 1984\n";
    found(doc, "9 May 1984", D);
    let doc = "2026-03-01 09:10 - Lina: Vi behöver era födelsedatum till bokningen\n2026-03-01 09:12 - Omid: 1991-11-30\n";
    found(doc, "1991-11-30", D);
    // An answer to another question is not.
    let doc = "[10:02] Desk: When did the parcel arrive?\n[10:03] Tomás Ruiz: 9 May 2025\n";
    not_found(doc, "9 May 2025", D);
}
