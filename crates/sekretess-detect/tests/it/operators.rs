//! Operators: idempotence, partial card display, per-label choice, hooks.

use std::sync::Arc;

use sekretess_detect::{Format, Label, Operator, Options, Replacer, redact_str};

const DOC: &str = "Dear Mr Smith, card 4111 1111 1111 1111 (also 5555555555554444), IBAN DE89 3704 0044 0532 0130 00, \
pnr 880320-0016, orgnr 556036-0793, SSN 536-90-4399, mail john.smith@example.com, call +1 415 555 0132, \
ip 10.1.2.3, born 1985-03-12, lives at Storgatan 12, 123 45 Stockholm. Hej Anna Svensson!";

fn operators() -> Vec<Operator> {
    vec![
        Operator::Mask,
        Operator::Label,
        Operator::Partial { card_first6: false },
        Operator::Partial { card_first6: true },
        Operator::Hash,
        Operator::Fixed("[REDACTED]".into()),
    ]
}

#[test]
fn redacting_twice_changes_nothing() {
    for op in operators() {
        let opts = Options { operator: op.clone(), hash_key: b"test key".to_vec(), ..Options::default() };
        for format in [Format::Text, Format::KeyValue] {
            let once = redact_str(DOC, format, &opts).unwrap();
            // 13 values: the address (street, postcode, town) is one finding.
            assert!(once.findings.len() >= 13, "{op:?}: {:?}", once.findings);
            let twice = redact_str(&once.text, format, &opts).unwrap();
            assert_eq!(twice.text, once.text, "{op:?}");
            assert!(twice.findings.is_empty(), "{op:?}: {:?} in {}", twice.findings, once.text);
        }
    }
}

/// The shapes added for issue 19 (extensions, national phone plans, CIDR, zone indexes,
/// dotted SSN, punycode TLD, UATP, an identifier in brackets) also redact to a fixed point.
#[test]
fn issue19_shapes_redact_twice_unchanged() {
    const DOC19: &str = "Lisa Berg (811218-9876) paid with card 122000000000003 for order 7. \
Call +1-202-555-0143x521, (202)555-0143x88, 001-202-555-0143x9170 or 202.555.0143 ext. 12.\n\
Mobile: 07700 900123. Tlf. 912 34 567, tlf 32 12 34 56, ring +47 912 34 567.\n\
Subnet 192.168.1.0/24 via fe80::1%eth0/64; SSN 078.05.1123; mail a@xn--d1acufc.xn--p1ai.\n\
Fakturan till 556036-0793 skickas i dag.";
    for op in operators() {
        let opts = Options { operator: op.clone(), hash_key: b"test key".to_vec(), ..Options::default() };
        for format in [Format::Text, Format::KeyValue] {
            let once = redact_str(DOC19, format, &opts).unwrap();
            assert!(once.findings.len() >= 16, "{op:?}: {} findings: {}", once.findings.len(), once.text);
            let twice = redact_str(&once.text, format, &opts).unwrap();
            assert_eq!(twice.text, once.text, "{op:?}");
            assert!(twice.findings.is_empty(), "{op:?}: {:?} in {}", twice.findings, once.text);
        }
    }
}

#[test]
fn card_never_more_than_first6_last4() {
    for card in crate::fixtures::fixture("cards/test_pans_luhn_valid.txt") {
        for (op, first) in
            [(Operator::Partial { card_first6: true }, 6), (Operator::Partial { card_first6: false }, 0)]
        {
            let doc = format!("card {card} ok");
            let opts = Options { operator: op, ..Options::default() };
            let out = redact_str(&doc, Format::Text, &opts).unwrap().text;
            let shown: String =
                out["card ".len()..out.len() - " ok".len()].chars().filter(char::is_ascii_digit).collect();
            assert!(shown.len() <= first + 4, "{out}");
            assert!(card.ends_with(&shown[shown.len() - 4..]), "{out}");
            assert!(card.starts_with(&shown[..first]), "{out}");
        }
    }
}

#[test]
fn per_label_operator_and_hook() {
    struct Codes;
    impl Replacer for Codes {
        fn replace(&self, label: Label, value: &str) -> Option<String> {
            (label == Label::Email && value.starts_with("john")).then(|| "K7Q4-M92D-J3X8".to_string())
        }
    }
    let opts = Options {
        operator: Operator::Label,
        per_label: vec![(Label::Email, Operator::Custom(Arc::new(Codes))), (Label::Iban, Operator::Keep)],
        ..Options::default()
    };
    let out = redact_str(DOC, Format::Text, &opts).unwrap().text;
    assert!(out.contains("mail K7Q4-M92D-J3X8,"), "{out}");
    assert!(out.contains("DE89 3704 0044 0532 0130 00"));
    assert!(out.contains("pnr [SE_PERSONNUMMER]"));
}

#[test]
fn hash_needs_key_and_is_keyed() {
    let doc = "mail a@b.se";
    let no_key = Options { operator: Operator::Hash, ..Options::default() };
    assert!(redact_str(doc, Format::Text, &no_key).is_err());
    let k1 = Options { operator: Operator::Hash, hash_key: b"one".to_vec(), ..Options::default() };
    let k2 = Options { operator: Operator::Hash, hash_key: b"two".to_vec(), ..Options::default() };
    let a = redact_str(doc, Format::Text, &k1).unwrap().text;
    let b = redact_str(doc, Format::Text, &k2).unwrap().text;
    assert_ne!(a, b);
    assert_eq!(a, redact_str(doc, Format::Text, &k1).unwrap().text);
}

#[test]
fn debug_output_has_no_values() {
    let opts = Options {
        hash_key: b"secret-key".to_vec(),
        operator: Operator::Fixed("xyz".into()),
        ..Options::default()
    };
    let r = redact_str(DOC, Format::Text, &opts).unwrap();
    let dbg = format!("{:?} {:?}", r.findings, opts);
    assert!(
        !dbg.contains("4111")
            && !dbg.contains("Smith")
            && !dbg.contains("secret-key")
            && !dbg.contains("xyz")
    );
}

/// Customer codes with check symbols computed by an independent implementation of the
/// GF(32) check (a Python script: weights α^1..α^11 modulo x^5 + x^2 + 1, check weight 1).
const CODES: [&str; 3] = ["K7Q4-M92D-J3XP", "7H2K-Q9MZ-T4R4", "ABCD-EFGH-JKM7"];

#[test]
fn customer_codes_are_reported_and_kept() {
    for op in operators() {
        let opts = Options { operator: op, hash_key: b"k".to_vec(), ..Options::default() };
        for code in CODES {
            let doc = format!("Kund [{code}] och {code}, mail a@b.se");
            let r = redact_str(&doc, Format::Text, &opts).unwrap();
            assert_eq!(r.text.matches(code).count(), 2, "{}", r.text);
            let codes: Vec<_> = r.findings.iter().filter(|f| f.label == Label::CustomerCode).collect();
            assert_eq!(codes.len(), 2);
            assert!(!r.text.contains("a@b.se"));
        }
    }
    // One wrong symbol, a transposition, lower case or a longer token: not a code.
    for doc in ["K7Q4-M92D-J3X8", "K7Q4-M92D-JX3P", "k7q4-m92d-j3xp", "K7Q4-M92D-J3XP-1", "XK7Q4-M92D-J3XP"] {
        let r = redact_str(doc, Format::Text, &Options::default()).unwrap();
        assert!(r.findings.iter().all(|f| f.label != Label::CustomerCode), "{doc}");
    }
}

#[test]
fn span_hook_adds_findings_in_every_text() {
    use sekretess_detect::SpanHook;
    use std::ops::Range;
    struct Zed;
    impl SpanHook for Zed {
        fn spans(&self, text: &str, _found: &[(Range<usize>, Label)]) -> Vec<(Range<usize>, Label)> {
            text.match_indices("qwx zyv").map(|(i, m)| (i..i + m.len(), Label::Person)).collect()
        }
    }
    let opts = Options { operator: Operator::Label, spans: Some(Arc::new(Zed)), ..Options::default() };
    let r = redact_str("hello qwx zyv, and xqwx zyv", Format::Text, &opts).unwrap();
    // The second is inside a word: not a span (findings keep word boundaries).
    assert_eq!(r.text, "hello [PERSON], and xqwx zyv");
    let csv = redact_str("id,who\n1,qwx zyv\n", Format::Csv, &opts).unwrap();
    assert!(csv.text.contains("1,[PERSON]"), "{}", csv.text);
    let plain = redact_str("hello qwx zyv", Format::Text, &Options::default()).unwrap();
    assert!(plain.findings.is_empty());
}
