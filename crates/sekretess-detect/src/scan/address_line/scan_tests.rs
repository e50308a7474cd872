use super::super::Scanner;

fn spans(text: &str) -> Vec<(String, &'static str)> {
    let mut sc = Scanner::new(text.as_bytes(), None);
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
        let mut sc = Scanner::new(text.as_bytes(), None);
        sc.run();
        assert!(sc.out.iter().all(|c| c.label != crate::Label::PostalAddress), "{text}");
    }
    // A post-office box is not a street line.
    assert!(whole("Avsändare: Kronofogden, Box 1050, 172 21 Sundbyberg\n").is_empty());
}
