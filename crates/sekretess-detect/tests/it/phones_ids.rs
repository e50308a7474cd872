//! Issue 19, item 2: a checksum-valid identifier beats a phone shape; organisation numbers in
//! prose without a cue, and not for Luhn-valid phone numbers; North American extensions and
//! national phone plans of the UK and the Nordic countries.

use sekretess_detect::{Format, Label};

use crate::{findings, labels_at, labels_over};

/// `value` inside `doc` is found exactly as `label`.
fn found(doc: &str, value: &str, label: Label) {
    let start = doc.find(value).unwrap();
    let end = start + value.len();
    let fs = findings(doc, Format::Text);
    assert!(
        labels_at(&fs, start, end).contains(&label),
        "{value:?} in {doc:?}: expected {label}, got {:?}",
        fs.iter().map(|f| (f.start_byte, f.end_byte, f.label)).collect::<Vec<_>>()
    );
}

/// `value` inside `doc` is not reported under `label` (nor any part of it).
fn not_found(doc: &str, value: &str, label: Label) {
    let start = doc.find(value).unwrap();
    let fs = findings(doc, Format::Text);
    assert!(
        !labels_over(&fs, start, start + value.len()).contains(&label),
        "{value:?} in {doc:?} reported as {label}"
    );
}

#[test]
fn personnummer_in_brackets_after_a_name_is_not_a_phone() {
    for doc in [
        "Lisa Berg (811218-9876) har flyttat.",
        "Ny styrelseledamot: Lisa Berg (811218-9876)",
        "Lisa Berg (8112189876) ringde.",
        "Lisa Berg (19811218-9876).",
    ] {
        let v = doc.split('(').nth(1).unwrap().split(')').next().unwrap();
        found(doc, v, Label::SePersonnummer);
        not_found(doc, v, Label::Phone);
        let fs = findings(doc, Format::Text);
        assert!(fs.iter().all(|f| &doc[f.start_byte..f.end_byte] != format!("({v}").as_str()), "{doc}");
    }
}

#[test]
fn us_area_code_in_brackets_needs_the_closing_bracket() {
    found("Call (415) 555-0132 today.", "(415) 555-0132", Label::Phone);
    found("Call (202)555-0143 today.", "(202)555-0143", Label::Phone);
    not_found("Call (4155550-132 now.", "(4155550-132", Label::Phone);
}

#[test]
fn orgnr_in_prose_without_a_cue() {
    found("Fakturan till 556036-0793 skickas i dag.", "556036-0793", Label::SeOrgnr);
    found("Invoice to 556036-0793, due in 30 days.", "556036-0793", Label::SeOrgnr);
    found("Vi har fått 5560360793 som mottagare.", "5560360793", Label::SeOrgnr);
}

/// 2025550142 passes Luhn and has a third digit of 2 or more: a phone cue makes it a phone.
#[test]
fn luhn_valid_phone_with_a_phone_cue_is_not_an_orgnr() {
    for doc in ["ring 2025550142 i morgon", "tel 2025550142", "Call me on 2025550142.", "Mobil: 2025550142"] {
        not_found(doc, "2025550142", Label::SeOrgnr);
        found(doc, "2025550142", Label::Phone);
    }
    for doc in ["ring 0701234567", "tel 070-123 45 67", "Tel: 070-1234567"] {
        let v = doc.split_once(' ').unwrap().1;
        not_found(doc, v, Label::SeOrgnr);
        found(doc, v, Label::Phone);
    }
    // In the organisation number's own shape a phone cue does not change it.
    found("Ring oss om 556036-0793 i dag.", "556036-0793", Label::SeOrgnr);
    // With an organisation cue it stays an organisation number.
    found("Org.nr 2025550142, tel 08-123 456 78", "2025550142", Label::SeOrgnr);
}

#[test]
fn north_american_extensions() {
    for v in [
        "+1-202-555-0143x521",
        "(202)555-0143x88",
        "001-202-555-0143x9170",
        "202.555.0143x12",
        "202-555-0143 ext. 4021",
        "(202) 555-0143 x 7",
    ] {
        found(&format!("Contact: {v}"), v, Label::Phone);
        found(&format!("Reach the office at {v} before noon."), v, Label::Phone);
    }
    // Not an extension: dimensions, a lone x.
    not_found("Screen 1920x1080 pixels", "1920x1080", Label::Phone);
}

#[test]
fn uk_and_nordic_national_forms_with_a_country_code_or_a_cue() {
    for (doc, v) in [
        ("Mobile: 07700 900123", "07700 900123"),
        ("Phone 020 7946 0958 (office)", "020 7946 0958"),
        ("+44 7700 900123", "+44 7700 900123"),
        ("Ring +47 912 34 567 i morgen.", "+47 912 34 567"),
        ("Tlf. 912 34 567", "912 34 567"),
        ("Ring +45 32 12 34 56.", "+45 32 12 34 56"),
        ("tlf 32 12 34 56", "32 12 34 56"),
        ("Puh. +358 40 123 4567", "+358 40 123 4567"),
        ("puhelin 040 123 4567", "040 123 4567"),
    ] {
        found(doc, v, Label::Phone);
    }
    // A country code alone is enough.
    for v in ["+47 912 34 567", "+45 32 12 34 56", "+358 40 123 4567", "+44 7700 900123"] {
        found(&format!("Kontakt {v} efter klockan tio."), v, Label::Phone);
    }
    // Without a cue or a country code the national forms are not taken: amounts and
    // article numbers look the same.
    not_found("Summa 912 34 567 kr", "912 34 567", Label::Phone);
    not_found("Article 32 12 34 56 in stock", "32 12 34 56", Label::Phone);
    // A UK number in groups the numbering plan does not print needs a cue too.
    not_found("Batch 077 0090 0123 shipped", "077 0090 0123", Label::Phone);
}

#[test]
fn national_plans_printed_forms_need_no_cue() {
    // UK numbers in Ofcom's printed groups (the plan's 02x / 01x1 / 011x / 01xxx / 03xx /
    // 07xxx layouts), Swedish numbers in the area-code form, even next to an invoice word.
    for (doc, v) in [
        ("Seller: text me on 07700 900561 when you're outside", "07700 900561"),
        ("old one was 020 7946 0371", "020 7946 0371"),
        ("contact the case officer on 0121 303 1115.", "0121 303 1115"),
        ("Lucy Barnes, Buyer's agent, 01227 555 014", "01227 555 014"),
        ("Customer Care | Northwind Home\n0344 555 0177", "0344 555 0177"),
        ("Frågor om fakturan: faktura@example.se, 0660-29 18 40", "0660-29 18 40"),
        ("Vår referens: Leif Hammar, 0498-20 41 10", "0498-20 41 10"),
    ] {
        found(doc, v, Label::Phone);
    }
}

#[test]
fn an_ip_address_is_a_version_only_right_after_a_version_word() {
    found("Angripet system: kundportalen (10.40.1.12), version 2.14.3", "10.40.1.12", Label::IpAddress);
    not_found("Installed build 10.4.1.12 yesterday", "10.4.1.12", Label::IpAddress);
    not_found("fw_version=7.2.1.4 ok", "7.2.1.4", Label::IpAddress);
}

#[test]
fn dutch_spanish_and_polish_national_forms_with_a_cue() {
    for (doc, v) in [
        ("Bel me op 06 2345 6789 na vijf uur.", "06 2345 6789"),
        ("Tel: 010-2345678", "010-2345678"),
        ("Teléfono: 634 567 890", "634 567 890"),
        ("Tel. 93 456 78 90 (oficina)", "93 456 78 90"),
        ("tel. 601 234 567", "601 234 567"),
        ("Telefon: 12 345 67 89", "12 345 67 89"),
    ] {
        found(doc, v, Label::Phone);
    }
    for v in ["+31 6 2345 6789", "+34 634 567 890", "+48 601 234 567"] {
        found(&format!("Kontakt {v} efter klockan tio."), v, Label::Phone);
    }
    // Nine digits without a cue are an amount or an article number.
    not_found("Summa 634 567 890 kr", "634 567 890", Label::Phone);
    not_found("Order number 601 234 567 shipped", "601 234 567", Label::Phone);
}

/// Issue 19, IP_ADDRESS precision: dotted numbers that are versions or section numbers.
#[test]
fn version_fields_and_section_numbers_are_not_ip_addresses() {
    let ip = |doc: &str, format: Format, value: &str| {
        let s = doc.find(value).unwrap();
        labels_at(&findings(doc, format), s, s + value.len()).contains(&Label::IpAddress)
    };
    // A JSON key that names a version.
    assert!(!ip(r#"{"appVersion": "3.2.0.11", "client_ip": "10.1.2.3"}"#, Format::Json, "3.2.0.11"));
    assert!(ip(r#"{"appVersion": "3.2.0.11", "client_ip": "10.1.2.3"}"#, Format::Json, "10.1.2.3"));
    assert!(!ip(r#"{"build": {"version": "5.0.2.118"}}"#, Format::Json, "5.0.2.118"));
    // A section word right before it.
    assert!(!ip("Följ instruktion 4.2.1.3 vid lossning.", Format::Text, "4.2.1.3"));
    assert!(!ip("See section 2.1.4.3 of the manual.", Format::Text, "2.1.4.3"));
    // A section word elsewhere does not lower a real address.
    assert!(ip("See section 4 for server 10.20.30.40 settings.", Format::Text, "10.20.30.40"));
}

#[test]
fn extension_words_of_other_plans_and_typeset_dashes() {
    // The whole number with its extension (the set's convention): Polish `wew.`, Swedish
    // `ankn.`, `extn`, and OCR's doubled spaces around `ext`.
    for (doc, v) in [
        ("Dział kadr: +48 22 555 27 00 wew. 118, pokój 4", "+48 22 555 27 00 wew. 118"),
        ("Växel +46 8 555 412 00 ankn. 27 efter lunch", "+46 8 555 412 00 ankn. 27"),
        ("call  +44 20 7946 0958  ext  3\nor write", "+44 20 7946 0958  ext  3"),
        ("Phone +1 202 555 0143 extn 44.", "+1 202 555 0143 extn 44"),
    ] {
        found(doc, v, Label::Phone);
    }
    // An extension word without digits, or a word that only begins like one, is not part.
    found("Ring +46 8 555 412 00 extra tid", "+46 8 555 412 00", Label::Phone);
    not_found("Ring +46 8 555 412 00 extra tid", "extra", Label::Phone);
    // A dash typeset as an en dash, and a dash spaced by OCR, between the area code and the
    // subscriber number.
    for (doc, v) in [
        ("Tel: 031\u{2013}55 80 12\n", "031\u{2013}55 80 12"),
        ("Telefon: 070 - 552 18 40\n", "070 - 552 18 40"),
    ] {
        found(doc, v, Label::Phone);
    }
    // Year ranges with a spaced dash stay what they are.
    not_found("Styrelsen 2019 - 2023 och 2024 - 2027", "2019 - 2023", Label::Phone);
}

#[test]
fn ocr_spaced_digits_are_a_phone_only_after_a_phone_cue() {
    // OCR'd forms space out every digit and double some gaps.
    found("Tel       : 0 7 0 - 4 1 2  8 8  3 1\nE-post", "0 7 0 - 4 1 2  8 8  3 1", Label::Phone);
    found(
        "Vårdnadshavare 1: Hodan Ali   mobil  0 7 2 - 5 1 1  9 0  4 4\n",
        "0 7 2 - 5 1 1  9 0  4 4",
        Label::Phone,
    );
    // Without a cue a run of spaced digits is a number of something else.
    not_found("Summa 0 7 0 4 1 2 8 8 3 1 kr", "0 7 0 4 1 2 8 8 3 1", Label::Phone);
}

#[test]
fn numbers_of_other_schemes_are_not_phones() {
    // A US routing number (ABA) is nine digits a phone shape may take; named as such, it is
    // not a phone number.
    not_found("he provided routing 067014822 and account 1002003344", "067014822", Label::Phone);
    not_found("Checking ****7710\nRouting 026009593\n", "026009593", Label::Phone);
    // Without the scheme's name the same digits are a Swedish number.
    found("Ring mig på 067014822 i kväll", "067014822", Label::Phone);
}

#[test]
fn a_postcode_alone_under_an_address_key_is_not_a_phone() {
    let doc = "2026-11-06T10:02:44Z consignee=\"M\" zip=01304-001 city=\"Sao Paulo\"\n";
    let fs = findings(doc, Format::KeyValue);
    let s = doc.find("01304-001").unwrap();
    assert!(!labels_over(&fs, s, s + 9).contains(&Label::Phone), "{fs:?}");
    assert!(labels_at(&fs, s, s + 9).contains(&Label::PostalAddress), "{fs:?}");
    // A phone key keeps its phone.
    let doc = "ts=1 phone=070-123 45 67 zip=11455\n";
    let fs = findings(doc, Format::KeyValue);
    let s = doc.find("070-123 45 67").unwrap();
    assert!(labels_at(&fs, s, s + 13).contains(&Label::Phone), "{fs:?}");
}

#[test]
fn twelve_digit_national_numbers_need_a_cue() {
    found("ok 21:00. number 0176 5550 2281", "0176 5550 2281", Label::Phone);
    found("Tel: 01865 555 0148   Mobile: none", "01865 555 0148", Label::Phone);
    not_found("Artikel 0176 5550 2281 i lager", "0176 5550 2281", Label::Phone);
}

#[test]
fn a_sole_traders_vat_number_carries_the_personnummer() {
    // SE + the ten digits + 01; a sole trader's ten digits are the owner's personnummer.
    let doc = "Momsregistreringsnummer: SE811218987601\n";
    let fs = findings(doc, Format::Text);
    let s = doc.find("8112189876").unwrap();
    assert!(labels_at(&fs, s, s + 10).contains(&Label::SePersonnummer), "{fs:?}");
    // A company's VAT number (third digit 2 or more) is no personnummer; nor is one with a
    // wrong check digit or without the 01 suffix.
    for doc in ["VAT: SE556036079301\n", "VAT: SE811218987701\n", "VAT: SE811218987602\n"] {
        let fs = findings(doc, Format::Text);
        assert!(fs.iter().all(|f| f.label != Label::SePersonnummer), "{doc:?}: {fs:?}");
    }
}
