//! Issue 19, PERSON: names of many origins found from the lexicons and from structure (mail
//! headers, signatures, form labels, CSV columns read as text, JSON keys); places, companies,
//! role nouns and sentence words are not people.

use sekretess_detect::{Format, Label};

use crate::{findings, labels_at, labels_over};

fn found_in(doc: &str, value: &str, format: Format) {
    let start = doc.find(value).unwrap();
    let end = start + value.len();
    let fs = findings(doc, format);
    assert!(
        labels_at(&fs, start, end).contains(&Label::Person),
        "{value:?} in {doc:?}: expected PERSON, got {:?}",
        fs.iter().map(|f| (&doc[f.start_byte..f.end_byte], f.label)).collect::<Vec<_>>()
    );
}

fn found(doc: &str, value: &str) {
    found_in(doc, value, Format::Text);
}

fn not_found(doc: &str, value: &str) {
    let start = doc.find(value).unwrap();
    let fs = findings(doc, Format::Text);
    assert!(
        !labels_over(&fs, start, start + value.len()).contains(&Label::Person),
        "{value:?} in {doc:?} reported as PERSON: {:?}",
        fs.iter().map(|f| (&doc[f.start_byte..f.end_byte], f.label)).collect::<Vec<_>>()
    );
}

#[test]
fn names_of_many_origins_in_prose() {
    // Given name + surname, both from the lexicons of their tradition, without any cue.
    for name in [
        "Khadija Haddad",    // Arabic
        "Hodan Warsame",     // Somali
        "Shirin Mousavi",    // Persian
        "Rebaz Barzani",     // Kurdish
        "Zeynep Korkmaz",    // Turkish
        "Nermin Mujić",      // Bosnian
        "Eleni Papadakis",   // Greek
        "Rocío Castillo",    // Spanish
        "Jianguo Zhao",      // Chinese
        "Huong Pham",        // Vietnamese
        "Semhar Tesfay",     // Tigrinya
        "Małgorzata Wójcik", // Polish
        "Aylin Öztürk",      // Turkish with diacritics
    ] {
        found(&format!("Igår ringde {name} om sin ansökan."), name);
        found(&format!("Yesterday {name} called about the claim."), name);
    }
}

#[test]
fn mail_headers_and_signatures() {
    let doc = "From: Hiwa Karwan <h.k@example.org>\nTo: \"Tran Minh Khoa\" <tmk@example.net>\nCc: Salma Darwish <sd@example.com>\nSubject: Lease\n\nHi,\nthe papers are signed.\n\nKind regards,\nNg Siu Fung\n";
    found(doc, "Hiwa Karwan");
    found(doc, "Tran Minh Khoa");
    found(doc, "Salma Darwish");
    // A signature line under a closing: every capitalised word on it.
    found(doc, "Ng Siu Fung");
    let sv = "Hej!\n\nVi återkommer.\n\nMed vänliga hälsningar\nDawit Gebremedhin\nKundtjänst";
    found(sv, "Dawit Gebremedhin");
    not_found(sv, "Kundtjänst");
}

#[test]
fn form_labels_name_the_value() {
    for (doc, name) in [
        ("Patient Name: Tigist Alemu\nWard: 7", "Tigist Alemu"),
        ("Tenant: Soran Qadir\nRent: 9 200 SEK", "Soran Qadir"),
        ("Landlord: Wiktoria Sikora", "Wiktoria Sikora"),
        ("Ny styrelseledamot: Kaveh Tabrizi (720914-1234)", "Kaveh Tabrizi"),
        ("Er referens: Dragana Ilić\nVår referens: Ioanna Makris", "Dragana Ilić"),
        ("Er referens: Dragana Ilić\nVår referens: Ioanna Makris", "Ioanna Makris"),
        // Unknown words after a label are still a name.
        ("Tenant: Qorvath Elmindo\n", "Qorvath Elmindo"),
        // "Surname, Given" as the labelled value.
        ("Namn: Abdullahi, Sagal\n", "Abdullahi, Sagal"),
    ] {
        found(doc, name);
    }
    // A label that does not announce a person.
    not_found("Product: Nordic Star\n", "Nordic Star");
}

#[test]
fn csv_read_as_text_uses_its_header_by_column_position() {
    let mut doc = String::from("id;efternamn;förnamn;stad;anteckning\n");
    for k in 0..40 {
        doc.push_str(&format!("{k};Osmanović;Ajla;Borås;förnyelse\n"));
    }
    doc.push_str("41;Qadiri;Nesrin;Kiruna;ny kund\n");
    found(&doc, "Qadiri");
    found(&doc, "Nesrin");
    // The town column is not a name column.
    not_found(&doc, "Kiruna");
    // JSON keys and CSV cells "Surname, Given" (format-aware).
    found_in(r#"{"firstName": "Yonas", "lastName": "Okbay", "city": "Lund"}"#, "Yonas", Format::Json);
    found_in(r#"{"firstName": "Yonas", "lastName": "Okbay", "city": "Lund"}"#, "Okbay", Format::Json);
    found_in("kund,ort\n\"Rahimi, Parisa\",Gävle\n", "Rahimi, Parisa", Format::Csv);
}

#[test]
fn places_companies_role_nouns_and_sentence_words_are_not_people() {
    not_found("Vi möts vid Karl Johans torg klockan tre.", "Karl Johans");
    not_found("Beställningen gick till Kowalski Bygg AB i tisdags.", "Kowalski");
    not_found("Offerten från Lund & Söner kom i går.", "Lund");
    not_found("Meet me at Baker Street station.", "Baker");
    not_found("Handläggare Ekonomiavdelningen svarar inom en vecka.", "Ekonomiavdelningen");
    not_found("Ja, det går bra. Nej, inte i dag.", "Ja");
    not_found("Ja, det går bra. Nej, inte i dag.", "Nej");
    // The name itself after the role noun still is one.
    found("Handläggare Anna Lindqvist svarar inom en vecka.", "Anna Lindqvist");
}

/// A full name in capitals ("YOUSEF WEISS" in a ticket, a form field) is a person when its
/// first word is a known given name; capitalised headings and a company stay.
#[test]
fn full_names_in_capitals_are_people() {
    use sekretess_detect::{Label, Options, detect};
    let people = |text: &str| -> Vec<String> {
        detect(text, &Options::default())
            .into_iter()
            .filter(|f| f.label == Label::Person)
            .map(|f| text[f.start_byte..f.end_byte].to_owned())
            .collect()
    };
    assert_eq!(people("note: caller said YOUSEF WEISS is involved"), ["YOUSEF WEISS"]);
    assert_eq!(people("5,\"LENE AKIN\",ok"), ["LENE AKIN"]);
    assert_eq!(people("Kund: ÅSA LINDSTRÖM"), ["ÅSA LINDSTRÖM"]);
    assert!(people("PLEASE NOTE THE NEW ADDRESS").is_empty());
    assert!(people("IDA AB har skickat fakturan").is_empty());
}

/// Issue 19, third pass (names written for these tests): a hyphenated given name with a
/// non-ASCII letter after the hyphen is one word, a particle joins a name, the parts of a JSON
/// name object are names, and companies of other countries' forms are not people.
#[test]
fn particles_hyphens_json_name_objects_and_foreign_company_forms() {
    found("Hyresvärd: Per-Åke Lindqvist\nTelefon: 070-000 00 00\n", "Per-Åke Lindqvist");
    found("Er referens: Margareta von Essen\n", "Margareta von Essen");
    found("Contact: Pieter van der Woude <pw@example.org>\n", "Pieter van der Woude");
    let doc = r#"{"id": 7, "name": {"first": "Tsegereda", "last": "Woldeyohannes"}, "note": "ok"}"#;
    found_in(doc, "Tsegereda", Format::Json);
    found_in(doc, "Woldeyohannes", Format::Json);
    // A company's name is not a person's, whatever its country's form.
    not_found("Leverantör: Ferreira Construções Lda, Porto\n", "Ferreira");
    not_found("Supplier: Moreno Ribera SL, Valencia\n", "Moreno");
    not_found("Faktura från Horváth Építő Kft. för april.\n", "Horváth");
}

/// A street after a comma is where the person lives, not the end of a place's name: the
/// place veto ("Karl Johans torg") needs the place word right after the name.
#[test]
fn a_name_before_a_street_across_a_comma_is_a_person() {
    found("Till Jelena Petrović, Lindvägen 7, 722 14 Västerås.", "Jelena Petrović");
    found("Anna Svensson, Storgatan 12, 114 55 Stockholm", "Anna Svensson");
    found("Kontakt: Anna Svensson, Lindvägen 7, 722 14 Västerås.", "Anna Svensson");
    not_found("Vi ses vid Karl Johans torg i morgon.", "Karl Johans");
}
