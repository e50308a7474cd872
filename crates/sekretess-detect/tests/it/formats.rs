//! Formats keep their structure; streaming gives the same result as in memory.

use sekretess_detect::{Format, Label, Options, redact_bytes, redact_str, redact_stream};

#[test]
fn csv_structure_and_header_context() {
    let doc = "name,phone,ssn,note\nJohn Smith,0701234567,536904399,\"likes \"\"tea\"\", lives in Lund\"\n";
    let r = redact_str(doc, Format::Csv, &Options::default()).unwrap();
    let lines: Vec<&str> = r.text.lines().collect();
    assert_eq!(lines[0], "name,phone,ssn,note");
    assert_eq!(lines[1], "██████████,██████████,█████████,\"likes \"\"tea\"\", lives in Lund\"");
    let labels: Vec<Label> = r.findings.iter().map(|f| f.label).collect();
    assert_eq!(labels, vec![Label::Person, Label::Phone, Label::UsSsn]);
}

#[test]
fn csv_semicolon_quoted() {
    let doc = "Namn;E-post\n\"Svensson, Anna\";\"anna@example.se\"\n";
    let r = redact_str(doc, Format::Auto, &Options::default()).unwrap();
    // Auto without a file name sees text; ask for CSV explicitly.
    let r2 = redact_str(doc, Format::Csv, &Options::default()).unwrap();
    assert_eq!(r2.text, "Namn;E-post\n\"██████████████\";\"███████████████\"\n");
    assert!(!r.findings.is_empty());
}

#[test]
fn json_structure_and_keys() {
    let doc = r#"{"customer":{"name":"Anna Svensson","phones":["070-123 45 67","08-123 456 78"],"pnr":8803200016,"note":"mail \"a@b.se\""},"n":3}"#;
    let r = redact_str(
        doc,
        Format::Json,
        &Options { operator: sekretess_detect::Operator::Label, ..Options::default() },
    )
    .unwrap();
    assert_eq!(
        r.text,
        r#"{"customer":{"name":"[PERSON]","phones":["[PHONE]","[PHONE]"],"pnr":"[SE_PERSONNUMMER]","note":"mail \"[EMAIL]\""},"n":3}"#
    );
    // Offsets point into the original document.
    for f in &r.findings {
        assert!(f.end_byte <= doc.len());
    }
    let email = r.findings.iter().find(|f| f.label == Label::Email).unwrap();
    assert_eq!(&doc[email.start_byte..email.end_byte], "a@b.se");
}

#[test]
fn ndjson_lines() {
    let doc = "{\"email\":\"x@y.com\"}\n\n{\"ip\":\"10.0.0.1\"}\n";
    let r = redact_str(doc, Format::Ndjson, &Options::default()).unwrap();
    assert_eq!(r.text, "{\"email\":\"███████\"}\n\n{\"ip\":\"████████\"}\n");
}

#[test]
fn malformed_json_reports_offset() {
    let err = redact_str("{\"a\": \"unterminated", Format::Json, &Options::default()).unwrap_err();
    assert!(err.to_string().contains("byte 6"), "{err}");
}

#[test]
fn key_value_logs() {
    let doc = "ts=1709231234 level=info user_name=\"Anna Svensson\" phone=0701234567 msg=\"paid with 4111111111111111\"\n";
    let r = redact_str(doc, Format::KeyValue, &Options::default()).unwrap();
    assert_eq!(
        r.text,
        "ts=1709231234 level=info user_name=\"█████████████\" phone=██████████ msg=\"paid with ████████████████\"\n"
    );
}

#[test]
fn key_value_addresses_by_whose_line_it_is() {
    let addrs = |doc: &str| -> Vec<String> {
        let r = redact_str(doc, Format::KeyValue, &Options::default()).unwrap();
        r.findings
            .iter()
            .filter(|f| f.label == Label::PostalAddress)
            .map(|f| doc[f.start_byte..f.end_byte].to_string())
            .collect()
    };
    // A person's own PO box under an address key.
    assert_eq!(addrs("step=moved address=\"Box 512, 722 10 Västerås\"\n"), vec!["Box 512, 722 10 Västerås"]);
    // A firm's line (an orgnr, a company name under a name key) or a place key's value.
    assert!(
        addrs("name=\"Vinga Rör AB\" orgnr=5560360793 address=\"Hamngatan 4, 411 14 Göteborg\"\n").is_empty()
    );
    assert!(addrs("pickup_point=\"Kiosken Torget, Torggatan 8, 722 15 Västerås\" status=ready\n").is_empty());
    assert!(addrs("step=moved address=\"Box 512, 722 10 Västerås\" orgnr=5560360793\n").is_empty());
    // The record's kind says it is a business's.
    assert!(addrs("req=9 input=\"88 Harbor Blvd, Oakland, CA 94607\" type=commercial\n").is_empty());
    assert_eq!(
        addrs("req=9 input=\"88 Harbor Blvd, Oakland, CA 94607\" type=residential\n"),
        vec!["88 Harbor Blvd, Oakland, CA 94607"]
    );
}

#[test]
fn an_address_field_after_care_of_starts_at_the_street() {
    let doc = r#"{"name": "Ida Lind", "postadress": "c/o Marklund, Tallgatan 4, 903 31 Umeå"}"#;
    let r = redact_str(doc, Format::Json, &Options::default()).unwrap();
    let a: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.label == Label::PostalAddress)
        .map(|f| &doc[f.start_byte..f.end_byte])
        .collect();
    assert_eq!(a, vec!["Tallgatan 4, 903 31 Umeå"]);
}

#[test]
fn csv_one_flat_down_every_row_is_nobodys_home() {
    let addrs = |doc: &str| -> usize {
        let r = redact_str(doc, Format::Csv, &Options::default()).unwrap();
        r.findings.iter().filter(|f| f.label == Label::PostalAddress).count()
    };
    let mut viewings = String::from("flat;time;name;phone\n");
    let mut tenants = String::from("name;address;phone\n");
    for (k, name) in ["Olle Berg", "Sanna Kivi", "Ali Demir", "Eva Holm", "Juan Ruiz"].iter().enumerate() {
        viewings.push_str(&format!("Lindvägen 3 lgh 1104;2026-01-1{k} 12:00;{name};070-555 01 2{k}\n"));
        tenants.push_str(&format!("{name};Lindvägen 3 lgh 110{k};070-555 01 2{k}\n"));
    }
    assert_eq!(addrs(&viewings), 0);
    assert_eq!(addrs(&tenants), 5);
}

#[test]
fn key_value_field_and_value_pairs() {
    let doc =
        "job=7 field=birth_date value=\"1979-02-11\" conf=0.91\njob=7 field=due_date value=\"2026-02-11\"\n";
    let r = redact_str(doc, Format::KeyValue, &Options::default()).unwrap();
    let got: Vec<(&str, Label)> =
        r.findings.iter().map(|f| (&doc[f.start_byte..f.end_byte], f.label)).collect();
    assert_eq!(got, vec![("1979-02-11", Label::DateOfBirth)]);
}

#[test]
fn json_post_boxes_of_people_and_addresses_of_workplaces() {
    let addrs = |doc: &str| -> Vec<String> {
        let r = redact_str(doc, Format::Json, &Options::default()).unwrap();
        r.findings
            .iter()
            .filter(|f| f.label == Label::PostalAddress)
            .map(|f| doc[f.start_byte..f.end_byte].to_string())
            .collect()
    };
    let person = r#"{"name": "Lova Berglund", "addresses": [{"type": "post", "street": "Box 318"},
        {"type": "workplace", "street": "Lasarettet, Sjukhusvägen 2"}]}"#;
    assert_eq!(addrs(person), vec!["Box 318"]);
    let firm = r#"{"name": "Berglund Rör AB", "addresses": [{"street": "Box 318"}]}"#;
    assert!(addrs(firm).is_empty());
    // A person's object beside the place in a pickup-point delivery holds their home.
    let pickup = r#"{"delivery": {"type": "pickup_point", "point": {"street": "Kioskgatan 2"},
        "recipient": {"name": "Lova Berglund", "street": "Björkvägen 7"}}}"#;
    assert_eq!(addrs(pickup), vec!["Björkvägen 7"]);
}

#[test]
fn invalid_utf8_passes_through() {
    let mut doc = b"name: Anna \xff\xfe Svensson, card 4111111111111111\n".to_vec();
    doc.extend_from_slice(b"\xc3(");
    let (out, fs) = redact_bytes(&doc, Format::Text, &Options::default()).unwrap();
    assert!(out.windows(2).any(|w| w == b"\xff\xfe"));
    assert!(out.ends_with(b"\xc3("));
    let card = fs.iter().find(|f| f.label == Label::CardNumber).unwrap();
    assert_eq!(&doc[card.start_byte..card.end_byte], b"4111111111111111");
    // Each invalid byte counts as one character.
    assert_eq!(card.start, card.start_byte);
}

fn corpus() -> String {
    let mut s = String::new();
    for i in 0..3000 {
        s.push_str(&format!(
            "Row {i}: Dear Anna Svensson, your card 4111 1111 1111 1111 and IBAN SE45 5000 0000 0583 9825 7466 — ring 070-123 45 {:02}. Åäö.\n",
            i % 100
        ));
    }
    s
}

#[test]
fn stream_equals_memory_text() {
    let doc = corpus();
    let opts = Options { block_size: 4096, threads: 3, ..Options::default() };
    let mem = redact_str(&doc, Format::Text, &opts).unwrap();
    let mut out = Vec::new();
    let mut fs = Vec::new();
    let sum = redact_stream(doc.as_bytes(), &mut out, Format::Text, None, &opts, |f| fs.push(*f)).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), mem.text);
    assert_eq!(fs, mem.findings);
    assert_eq!(sum.bytes_in, doc.len() as u64);
    assert_eq!(sum.chars_in, doc.chars().count() as u64);
}

#[test]
fn stream_equals_memory_csv() {
    let mut doc = String::from("name,email,comment\n");
    for i in 0..2000 {
        doc.push_str(&format!("Erik Johansson,erik{i}@example.com,\"multi\nline, with 880320-0016\"\n"));
    }
    let opts = Options { block_size: 4096, threads: 2, ..Options::default() };
    let mem = redact_str(&doc, Format::Csv, &opts).unwrap();
    let mut out = Vec::new();
    let mut fs = Vec::new();
    redact_stream(doc.as_bytes(), &mut out, Format::Csv, None, &opts, |f| fs.push(*f)).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), mem.text);
    assert_eq!(fs.len(), 6000);
    assert_eq!(fs, mem.findings);
}

/// Issue 19: an address under a JSON key that names a business's or public place (a hotel,
/// an office, a bank) is not a person's; the same address under a person is.
#[test]
fn json_place_keys_hold_no_persons_address() {
    let doc = r#"{"guest": {"address": "Storgatan 9, 123 45 Stad"}, "hotel": {"name": "Hotell Norr", "address": "Kungsgatan 2, 123 46 Stad"}, "office": "Ringvägen 4, 123 47 Stad"}"#;
    let fs = crate::findings(doc, sekretess_detect::Format::Json);
    let at = |v: &str| {
        let s = doc.find(v).unwrap();
        crate::labels_over(&fs, s, s + v.len()).contains(&sekretess_detect::Label::PostalAddress)
    };
    assert!(at("Storgatan 9, 123 45 Stad"));
    assert!(!at("Kungsgatan 2, 123 46 Stad"));
    assert!(!at("Ringvägen 4, 123 47 Stad"));
}
