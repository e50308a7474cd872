use super::super::Scanner;

fn spans(text: &str) -> Vec<(String, &'static str)> {
    let mut sc = Scanner::new(text.as_bytes(), Some(text), None);
    sc.run();
    sc.out.iter().map(|c| (text[c.start..c.end].to_string(), c.rec)).collect()
}

fn whole(text: &str) -> Vec<String> {
    spans(text).into_iter().filter(|(_, r)| *r == "address").map(|(s, _)| s).collect()
}

#[test]
fn an_address_is_one_span_by_country_grammar() {
    let cases = [
        ("Gammal adress: Fridhemsgatan 27, 112 40 Stockholm\nNy", "Fridhemsgatan 27, 112 40 Stockholm"),
        ("Yusuf Demirci\nNorra Vallgatan 70 B\n211 22 Malmö\n\nVi", "Norra Vallgatan 70 B\n211 22 Malmö"),
        (
            "Lägenhet: Fältspatsgatan 14, lgh 1204, 421 30 Västra Frölunda\n",
            "Fältspatsgatan 14, lgh 1204, 421 30 Västra Frölunda",
        ),
        ("previous address: Storgata 22, 0184 Oslo\n", "Storgata 22, 0184 Oslo"),
        ("lives at Kinkerstraat 88-2, 1053 EB Amsterdam.", "Kinkerstraat 88-2, 1053 EB Amsterdam"),
        ("Buyer: ul. Piotrkowska 104 m. 12, 90-004 Łódź\n", "ul. Piotrkowska 104 m. 12, 90-004 Łódź"),
        (
            "the address Calle de Alcalá 145, 3º B, 28009 Madrid, and",
            "Calle de Alcalá 145, 3º B, 28009 Madrid",
        ),
        ("brev till Mannerheimintie 112 A 14, 00250 Helsinki.", "Mannerheimintie 112 A 14, 00250 Helsinki"),
        ("Address: Sonnenallee 221, 12059 Berlin\n", "Sonnenallee 221, 12059 Berlin"),
        ("to:\nFlat 11, 4 Coleridge Road, London N8 8ED\nYour", "Flat 11, 4 Coleridge Road, London N8 8ED"),
        ("Sender: Unit 3, Quay Court, London E1 6AN\n", "Unit 3, Quay Court, London E1 6AN"),
        (
            "Current address: 45 Elm Street, Unit 2, Somerville, MA 02144\n",
            "45 Elm Street, Unit 2, Somerville, MA 02144",
        ),
        (
            "SHIP TO:\nMARCUS OYELARAN\n4420 RIVERSIDE DR APT 12\nBURBANK CA 91505-4121\nUSA",
            "4420 RIVERSIDE DR APT 12\nBURBANK CA 91505-4121",
        ),
    ];
    let long = "Hon är född 1941-11-07 i Uppsala. Mitt personnummer är 9208285867 och jag bor på Björkvägen 8, 370 90 Västerås.";
    assert_eq!(whole(long), vec!["Björkvägen 8, 370 90 Västerås".to_string()]);
    for (text, want) in cases {
        assert_eq!(whole(text), vec![want.to_string()], "{text}");
    }
}

#[test]
fn a_company_letterhead_address_is_not_reported() {
    for text in [
        "Fraktbolaget Nord AB, Industrigatan 4, 413 01 Göteborg\n",
        "Nowak Bygg AB\nIndustrivägen 4, 553 02 Jönköping\nOrg.nr",
    ] {
        let mut sc = Scanner::new(text.as_bytes(), Some(text), None);
        sc.run();
        assert!(sc.out.iter().all(|c| c.label != crate::Label::PostalAddress), "{text}");
    }
    // A department's or a site's name before the address at the top of a form.
    for text in [
        "Form 12\nPayroll Office, 14 Harbour Road, Leeds LS1 4AB\nName:",
        "Kommunen\nKundtjänst Norr, Lärkvägen 9, 721 30 Västerås\nNamn:",
    ] {
        assert!(reported(text).is_empty(), "{text}");
    }
    assert_eq!(
        reported("Brev\nHenrik Söderlund, Lärkvägen 9, 721 30 Västerås\n"),
        vec!["Lärkvägen 9, 721 30 Västerås".to_string()]
    );
    // A post-office box is not a street line.
    assert!(whole("Avsändare: Kronofogden, Box 1050, 172 21 Sundbyberg\n").is_empty());
}

/// Address spans that would be reported at the default threshold (shared by the other
/// address tests).
pub(super) fn reported(text: &str) -> Vec<String> {
    let mut sc = Scanner::new(text.as_bytes(), Some(text), None);
    sc.run();
    sc.out
        .iter()
        .filter(|c| c.label == crate::Label::PostalAddress && c.conf >= 0.5)
        .map(|c| text[c.start..c.end].to_string())
        .collect()
}

#[test]
fn more_countries_units_and_street_names_are_one_span() {
    let cases = [
        // Danish floor and side after the number.
        ("Kunde:\nBirkevej 12, 2. th.\n5000 Odense C\n", "Birkevej 12, 2. th.\n5000 Odense C"),
        // Portuguese postcode NNNN-NNN.
        ("Morada: Rua do Carmo 45, 2º Dto., 1200-093 Lisboa\n", "Rua do Carmo 45, 2º Dto., 1200-093 Lisboa"),
        // French order: number, street type, name.
        ("écrire au 8 rue des Lilas, 31000 Toulouse.", "8 rue des Lilas, 31000 Toulouse"),
        // Spanish door after the floor.
        ("Domicilio: Calle Mayor 21, 2º, pta. 4, 28013 Madrid\n", "Calle Mayor 21, 2º, pta. 4, 28013 Madrid"),
        // An ordinal floor between street and postcode.
        ("Address: Odos Athinas 10, 2nd floor, 105 51 Athens\n", "Odos Athinas 10, 2nd floor, 105 51 Athens"),
        // A street named after a person, in the genitive, with the given name before it.
        ("Hemadress: Erik Dahlbergsgatan 14, 411 26 Göteborg\n", "Erik Dahlbergsgatan 14, 411 26 Göteborg"),
        ("Adress: Kapten Lindqvists väg 3, 123 45 Skogås\n", "Kapten Lindqvists väg 3, 123 45 Skogås"),
        // A capitalised particle that starts a Dutch street name; a floor in Roman numerals.
        ("Adres: Van Baerlestraat 20, 1071 AZ Amsterdam\n", "Van Baerlestraat 20, 1071 AZ Amsterdam"),
        ("Prinsengracht 7-III\n1015 DK Amsterdam\n", "Prinsengracht 7-III\n1015 DK Amsterdam"),
        // Capitals, with the flat number in capitals too.
        ("KYRKOGATAN 4 LGH 1201\n123 45 SKOGEN\n", "KYRKOGATAN 4 LGH 1201\n123 45 SKOGEN"),
        // An English unit and a building before the street.
        (
            "Flat 7, Rowan House, 22 Elm Grove, Bristol BS6 5AA\n",
            "Flat 7, Rowan House, 22 Elm Grove, Bristol BS6 5AA",
        ),
        // A number after a word in lower case starts the street.
        ("care of 5 Oak Bank, Leeds LS6 2AB\n", "5 Oak Bank, Leeds LS6 2AB"),
        // A numeric code after the town (South Africa).
        (
            "My address is 9 Protea Road, Claremont, Cape Town 7708.",
            "9 Protea Road, Claremont, Cape Town 7708",
        ),
        // Irish Eircodes, with a Dublin district.
        ("lives at 14 Shore Road, Galway H91 A2B3.", "14 Shore Road, Galway H91 A2B3"),
        ("Address: Apt 2, 8 Quay Street, Dublin 2, D02 X285\n", "Apt 2, 8 Quay Street, Dublin 2, D02 X285"),
        // Two spaces before an OCR'd UK postcode.
        ("Address:  12 Ash Lane\nYork  YO1 7HH\n", "12 Ash Lane\nYork  YO1 7HH"),
    ];
    for (text, want) in cases {
        assert_eq!(reported(text), vec![want.to_string()], "{text}");
    }
    // A unit before a street found without its postcode.
    assert_eq!(reported("\"line1\": \"Flat 2, 14 Mill Road\""), vec!["Flat 2, 14 Mill Road".to_string()]);
    // A postcode-and-town field keeps its town.
    assert_eq!(reported("Postnr och ort: 123 45  Byholma\n"), vec!["123 45  Byholma".to_string()]);
    // A capitalised word before a one-word street that is not a given name stays out.
    assert_eq!(
        reported("Fastigheten Bergsgatan 11, 123 45 Stad\n"),
        vec!["Bergsgatan 11, 123 45 Stad".to_string()]
    );
}

#[test]
fn postcodes_without_their_street_are_not_whole_addresses() {
    // An Eircode or a number after a town, with no street line before: nothing.
    assert!(reported("Eircode D02 X285 on file").is_empty());
    assert!(reported("Stockholm 2024, en sammanfattning").is_empty());
    // "1200 Industrial Pkwy" is a house number and its street, not a postcode and a town.
    assert!(!reported("Depot 7, 1200 Industrial Pkwy\n").iter().any(|s| s.starts_with("Depot")));
    // A document code's digits are not a ZIP code.
    assert!(reported("Delivery note DN-48213 page 1").is_empty());
}

#[test]
fn a_business_or_public_place_address_is_not_reported() {
    for text in [
        "Registered office: 4 Mill Street, Leeds LS1 4AA\n",
        "Plats: föreningslokalen, Ekvägen 3, 123 45 Stad\n",
        "Hotellet: Storgatan 9, 123 45 Stad\n",
        "NORTHGATE & PARTNERS SOLICITORS\n2nd Floor, 10 King Street, Leeds LS1 2HL\n",
        "Box 330, 123 45 Stad\n",
        "Lindholm Law LLC | 10 King Street, Leeds LS1 2HL\n",
        "Vårdcentralen Norr\nBjörkvägen 2, 123 45 Stad\n",
        "Till: Nordbygg AB\natt. Eva Lind\nStorgatan 1, 123 45 Stad\n",
        "Hämtas hos ombud:\n  Kiosken Torget, Torggatan 2, 123 45 Stad\n",
        "Kontakt: Ringvägen 4, 123 45 Stad (kontoret, inte hemma)\n",
        "Employer: 12 Mill Road, Leeds LS1 2AB (work address)\n",
    ] {
        assert!(reported(text).is_empty(), "{text}");
    }
    // A bracket that names no place leaves the address a home.
    assert_eq!(
        reported("Ringvägen 4, 123 45 Stad (sedan 2019)\n"),
        vec!["Ringvägen 4, 123 45 Stad".to_string()]
    );
    // A person's name above the address is not an attention line.
    assert_eq!(
        reported("Eva Lind\nStorgatan 1, 123 45 Stad\n"),
        vec!["Storgatan 1, 123 45 Stad".to_string()]
    );
    // A person's address after a sentence that named a meeting room is still reported.
    assert_eq!(
        reported("The meeting moved to room 12. Our customer lives at 4 Oak Street, Boston, MA 02108."),
        vec!["4 Oak Street, Boston, MA 02108".to_string()]
    );
}

#[test]
fn two_columns_keep_each_address_in_its_column() {
    // Sender and recipient side by side: each street and each postcode-and-town is its own
    // span, never joined to the other column's line above.
    let label = "AVSÄNDARE                     MOTTAGARE\n\
                 Per Olsson                    Marie Dupont\n\
                 Storgatan 12                  8 rue Victor Hugo, Appt 3\n\
                 114 55 STOCKHOLM              69002 Lyon\n\
                 SVERIGE                       FRANKRIKE\n";
    let got = reported(label);
    for want in ["Storgatan 12", "8 rue Victor Hugo, Appt 3", "114 55 STOCKHOLM", "69002 Lyon"] {
        assert!(got.iter().any(|g| g == want), "{want:?} not in {got:?}");
    }
    assert!(got.iter().all(|g| !g.contains('\n')), "{got:?}");
    // A postcode whose column holds no street above it is not joined to anything.
    let got =
        reported("Leverans:                     Faktura:\nBox 118                       Storgatan 12\n");
    assert!(got.iter().all(|g| !g.contains("Box")), "{got:?}");
    // One column indented under a label is still one address across the line break.
    assert_eq!(
        whole("Adress:\n    Storgatan 12\n    114 55 Stockholm\n"),
        vec!["Storgatan 12\n    114 55 Stockholm"]
    );
}

#[test]
fn ocr_spacing_inside_an_address() {
    // A space before each comma and doubled spaces around the state code.
    let t = "    Address\n    4418 Magnolia Bend Dr , Apt 12\n    Houston ,  TX  77004\n";
    assert_eq!(whole(t), vec!["4418 Magnolia Bend Dr , Apt 12\n    Houston ,  TX  77004"]);
    // The flat number's digits spaced out after a spaced comma.
    let got = reported("Adress                   Fittjavägen 22 , lgh 0 1 0 3\n");
    assert_eq!(got, vec!["Fittjavägen 22 , lgh 0 1 0 3"]);
    // Three spaced digits are not a flat number.
    assert_eq!(reported("Adress: Fittjavägen 22 , lgh 0 1 0\n"), vec!["Fittjavägen 22"]);
}

#[test]
fn a_swedish_address_on_one_line_without_a_comma_is_one_span() {
    // Street, unit words and postcode with town written in a row.
    for a in [
        "Stora Nygatan 24 2 tr 211 37 Malmö",
        "Kungsgatan 19 lgh 1402 611 32 Nyköping",
        "Lillgatan 17 981 39 Kiruna",
        "Storgatan 11 1tr 753 26 Uppsala",
        "Solrosvägen 12 c/o Lindqvist 663 30 Skoghall",
    ] {
        let t = format!("Vår nya adress är {a} från december.");
        assert_eq!(whole(&t), vec![a.to_string()], "{t}");
    }
    // A floor after the street on the line above the postcode.
    assert_eq!(
        whole("Eva Berg\nBergsgatan 18 3 tr\n163 74 Spånga\n"),
        vec!["Bergsgatan 18 3 tr\n163 74 Spånga"]
    );
    // Other words between street and postcode break the address.
    assert!(whole("Storgatan 12 och sedan 211 37 Malmö").is_empty());
}

#[test]
fn a_canadian_address_ends_with_province_and_postal_code() {
    for a in [
        "300 Front St W, Toronto ON M5V 0E9",
        "Apt 1506, 300 Front St W, Toronto ON M5V 0E9",
        "88 Maple Dr, Brampton, ON L6Y 5H8",
    ] {
        let t = format!("Home: {a}\nCell: none");
        assert_eq!(whole(&t), vec![a.to_string()], "{t}");
    }
    // The letters Canada Post never uses (here O and I) make it no postal code.
    assert!(whole("300 Front St W, Toronto ON O5V 0I9").is_empty());
    // Without a province code before it, no whole address is read.
    assert!(whole("300 Front St W, Toronto M5V 0E9").is_empty());
}

#[test]
fn an_irish_county_before_the_eircode_belongs_to_the_address() {
    let a = "27 Orchard Grove, Ballincollig, Co. Cork P31 X2K7";
    assert_eq!(whole(&format!("We called at {a} but nobody was home.")), vec![a.to_string()]);
    // "Co." alone as the town, with nothing before it, is no address.
    assert!(whole("Contact Co. P31 X2K7 today").is_empty());
}

#[test]
fn unit_words_of_more_countries_and_floors_after_a_swedish_street() {
    for a in [
        "Sonnenallee 211, Vorderhaus 2. OG links, 12059 Berlin",
        "Lützowstraße 88, Hinterhaus 3. OG, 10785 Berlin",
        "Via dei Serpenti 112, scala A, int. 9, 00184 Roma RM",
        "Avenida de la Constitución 34, Esc. 2, 5º D, 41001 Sevilla",
        "4810 Meadowbrook Dr Apt 2C Raleigh NC 27612",
    ] {
        let t = format!("Home: {a} (since May)");
        assert_eq!(whole(&t), vec![a.to_string()], "{t}");
    }
    // A floor after a Swedish street belongs to it, with or without a comma.
    assert_eq!(reported("Ljus tvåa på Mariagatan 14, 3 tr. Uthyres nu."), vec!["Mariagatan 14, 3 tr"]);
    assert_eq!(
        whole("Eva Berg\nRinkebysvängen 18 3 tr\n163 74 Spånga\n"),
        vec!["Rinkebysvängen 18 3 tr\n163 74 Spånga"]
    );
    // A number of trips is no floor.
    assert_eq!(reported("Bor på Mariagatan 14, 3 trevliga grannar"), vec!["Mariagatan 14"]);
}

#[test]
fn german_floors_and_more_unit_words_are_units() {
    use super::units::unit_segment;
    for u in [
        "3. OG",
        "2. Etage",
        "Hinterhaus 3. OG",
        "Vorderhaus 2. OG links",
        "scala A",
        "int. 9",
        "Esc. 2",
        "interno 5",
    ] {
        assert!(unit_segment(u).is_some(), "{u}");
    }
    assert_eq!(unit_segment("Hauptstraße 5"), None);
}

#[test]
fn a_postcode_at_the_very_start_of_the_text_is_read_without_panic() {
    assert!(whole("114 55 Stockholm").is_empty());
    assert!(whole("\t114 55 Stockholm   Tel 08-123 45 67").is_empty());
}

#[test]
fn a_swedish_postcode_takes_its_town_in_its_own_cell() {
    let se = |t: &str| -> Vec<String> {
        spans(t).into_iter().filter(|(_, r)| *r == "se_postcode").map(|(s, _)| s).collect()
    };
    assert_eq!(se("Gata                  Postort\nTallstigen 3   451 90 UDDEVALLA\n"), ["451 90 UDDEVALLA"]);
    assert_eq!(se("581 02 Linköping"), ["581 02 Linköping"]);
    // A label after the postcode is no town; a town in a column of its own stays out.
    assert_eq!(se("Postnummer 581 02 Ort Linköping\n"), ["581 02"]);
    assert_eq!(se("Tallstigen 3\t451 90\tUddevalla\n"), ["451 90"]);
}

#[test]
fn a_street_cell_before_a_uk_postcode_cell_is_the_rows_street() {
    let tab = "Ann Rees\t7 Tanner Bank\tHalifax\tHX1 2QP\t07700 900 111\n";
    assert_eq!(reported(tab), ["7 Tanner Bank", "HX1 2QP"]);
    let spaced = "Rees       Ann        Flat 3, 40 Mill Rise      HX1 5RT    12.00\n";
    assert_eq!(reported(spaced), ["Flat 3, 40 Mill Rise", "HX1 5RT"]);
    let narrow = "Mr    Rees       Ann  Flat 3, 40 Mill Rise   HX1 5RT\nMrs   Lowe       Eve  Ivy Cottage, Kiln Lane   HX2 7AB\n";
    assert_eq!(reported(narrow), ["Flat 3, 40 Mill Rise", "HX1 5RT", "Ivy Cottage, Kiln Lane", "HX2 7AB"]);
    // A cell of words and amounts is no street.
    let not = "Ann Rees\t7 items ordered\tHalifax\tHX1 2QP\n";
    assert!(!reported(not).contains(&"7 items ordered".to_string()));
}

#[test]
fn a_zip_plus_four_that_ends_an_address_is_no_phone() {
    let t = "Deliver to\n12 Birch Hill Rd\nMILTON MA 02186-4410\n";
    assert_eq!(reported(t), ["12 Birch Hill Rd\nMILTON MA 02186-4410"]);
    assert!(spans(t).iter().all(|(_, r)| !r.starts_with("phone")));
}

#[test]
fn where_an_address_starts_and_ends() {
    // Written for these tests (not from any evaluation or tuning set).
    let cases = [
        // A shore or a path after a genitive, as its own word in lower case.
        (
            "Kund: Ida Lind\nKvarnholmens strand 9, lgh 1302\n131 30 Nacka\n",
            "Kvarnholmens strand 9, lgh 1302\n131 30 Nacka",
        ),
        ("Ny adress: Ekbackens stig 3, 184 40 Åkersberga\n", "Ekbackens stig 3, 184 40 Åkersberga"),
        // A room in a care home is a unit.
        ("Boende: Lindgatan 7, rum 21, 573 31 Tranås\n", "Lindgatan 7, rum 21, 573 31 Tranås"),
        // A town of two names that ends its value.
        ("new address: Odos Pindou 12, 171 21 Nea Smyrni\n", "Odos Pindou 12, 171 21 Nea Smyrni"),
        // A town joined by a small word, a Swedish genitive after a numeral, a Dutch street
        // named with a particle.
        ("To:\n9 Larch Road, Walton on Thames KT12 3QB\n", "9 Larch Road, Walton on Thames KT12 3QB"),
        ("Till:\nGustav III:s väg 14, 171 64 Solna\n", "Gustav III:s väg 14, 171 64 Solna"),
        ("Adres:\nVan Baerle Oostkade 12\n1071 AP Amsterdam\n", "Van Baerle Oostkade 12\n1071 AP Amsterdam"),
        // In columns, a street cell that ends its line over a postcode cell that opens the
        // next: nothing of the other column lies between.
        (
            "Kund                        Utlämning\nEbba Lund\nÄngsvägen 9, lgh 1101\n433 31 Partille            Ombud, Torget 2\n",
            "Ängsvägen 9, lgh 1101\n433 31 Partille",
        ),
        // A table's cell wrapped after the street's comma.
        (
            "12 | Lund, Ebba | Ängsvägen 9,\n      433 31 Partille | 070-000 00 00 |\n",
            "Ängsvägen 9,\n      433 31 Partille",
        ),
        // A form's label without a colon before a house's name.
        (
            "Address  Heather Cottage, Mill Lane, Tavistock PL19 8QA\n",
            "Heather Cottage, Mill Lane, Tavistock PL19 8QA",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(whole(text), [want], "{text}");
    }
    // A form's town field after the postcode is not the town's second name.
    let got = spans("Postnummer 611 35 Ort Nyköping\n");
    assert!(!got.iter().any(|(s, r)| s.contains("Ort") && r.contains("post")), "{got:?}");
}
