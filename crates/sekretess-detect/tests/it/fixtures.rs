//! Every fixture value, in English and Swedish sentences, a CSV cell, a JSON value, a form
//! field and log lines.

use sekretess_detect::{Format, Label, validate};

use crate::{findings, labels_at, labels_over};

/// Non-empty lines of a file in the repository's `testdata/` folder; a missing file panics
/// with its path.
pub(crate) fn fixture(rel: &str) -> Vec<String> {
    let path = format!("{}/../../testdata/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("fixture {path} is missing ({e}); it belongs in the repository's testdata/ folder")
    });
    text.lines().map(str::trim_end).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// Templates: (format, text with `{}` for the value).
fn templates(label: Label) -> Vec<(Format, String)> {
    let (field, log) = match label {
        Label::SePersonnummer => ("Personnummer", "pnr"),
        Label::SeOrgnr => ("Organisationsnummer", "orgnr"),
        Label::Iban => ("IBAN", "iban"),
        Label::UsSsn => ("SSN", "ssn"),
        Label::CardNumber => ("Card number", "pan"),
        _ => unreachable!(),
    };
    let (en, sv, key) = match label {
        Label::SePersonnummer => (
            "My personal identity number is {} and I live in Lund.",
            "Mitt personnummer är {}, tack.",
            "personnummer",
        ),
        Label::SeOrgnr => (
            "The company's organisation number is {} (Sweden).",
            "Bolagets organisationsnummer är {}.",
            "orgnr",
        ),
        Label::Iban => {
            ("Please pay to IBAN {} by Friday.", "Betala till kontot {} senast på fredag.", "iban")
        }
        Label::UsSsn => {
            ("My SSN is {}, please keep it safe.", "Hans amerikanska SSN är {} enligt intyget.", "ssn")
        }
        Label::CardNumber => {
            ("Charge my card {} today.", "Dra beloppet från kortet {} i dag.", "card_number")
        }
        _ => unreachable!(),
    };
    vec![
        (Format::Text, en.to_string()),
        (Format::Text, sv.to_string()),
        (Format::Csv, format!("namn,{key},stad\nAnna Svensson,{{}},Lund\n")),
        (Format::Csv, format!("name;{key}\n\"Smith, John\";\"{{}}\"\n")),
        (Format::Json, format!("{{\"customer\": {{\"{key}\": \"{{}}\", \"city\": \"Lund\"}}}}")),
        (Format::Ndjson, format!("{{\"id\":1,\"{key}\":\"{{}}\"}}\n{{\"id\":2}}\n")),
        // A form and a log line read as plain text (issue 19: "prose, forms, CSV, JSON and log
        // lines").
        (Format::Text, format!("Namn: Anna Svensson\n{field}: {{}}\nOrt: Lund\n")),
        (Format::Text, format!("2026-03-01T10:22:31Z INFO kyc check {log}={{}} result=ok\n")),
        (Format::KeyValue, format!("ts=2026-03-01T10:22:31Z level=info {log}=\"{{}}\" result=ok\n")),
    ]
}

fn check_valid(files: &[&str], label: Label) {
    let values: Vec<(&str, String)> =
        files.iter().flat_map(|f| fixture(f).into_iter().map(move |v| (*f, v))).collect();
    check_found(&values, label, label);
}

/// Each value, put in each of `context`'s templates, is found as `label`.
fn check_found(values: &[(&str, String)], context: Label, label: Label) {
    let mut failures = Vec::new();
    let mut count = 0;
    for (file, value) in values {
        for (format, tpl) in templates(context) {
            let doc = tpl.replacen("{}", value, 1);
            let start = doc.find(value.as_str()).unwrap();
            let end = start + value.len();
            let fs = findings(&doc, format);
            count += 1;
            if !labels_at(&fs, start, end).contains(&label) {
                failures.push(format!(
                    "{file}: {value:?} in {format:?} template {tpl:?}: got {:?}",
                    labels_over(&fs, start, end)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} not found as {label}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check_invalid(files: &[&str], label: Label) {
    let mut failures = Vec::new();
    for file in files {
        for value in fixture(file) {
            for (format, tpl) in templates(label) {
                let doc = tpl.replacen("{}", &value, 1);
                let start = doc.find(&value).unwrap();
                let fs = findings(&doc, format);
                if labels_over(&fs, start, start + value.len()).contains(&label) {
                    failures.push(format!("{file}: {value:?} in {format:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "invalid values reported as {label}:\n{}", failures.join("\n"));
}

#[test]
fn personnummer_valid_found() {
    check_valid(&["stdnum/se_personnummer_valid.txt"], Label::SePersonnummer);
}

#[test]
fn personnummer_invalid_not_reported() {
    check_invalid(
        &["stdnum/se_personnummer_invalid.txt", "stdnum/se_personnummer_invalid_generated.txt"],
        Label::SePersonnummer,
    );
}

#[test]
fn orgnr_valid_found() {
    let legal: Vec<(&str, String)> = orgnr_valid(|third| third >= b'2');
    check_found(&legal, Label::SeOrgnr, Label::SeOrgnr);
}

/// python-stdnum checks an organisation number by Luhn alone, so its valid list also holds
/// numbers whose third digit is under 2 (`3908060514`): a sole trader's, which is the
/// owner's personnummer (a legal person's third digit is 2 or more). In the same
/// organisation-number contexts they are found, as the personal number they are.
#[test]
fn orgnr_of_a_sole_trader_is_a_personnummer() {
    let sole = orgnr_valid(|third| third < b'2');
    assert!(sole.len() >= 2, "the list has sole traders' numbers");
    check_found(&sole, Label::SeOrgnr, Label::SePersonnummer);
}

/// python-stdnum's valid organisation numbers whose third digit passes `keep`.
fn orgnr_valid(keep: impl Fn(u8) -> bool) -> Vec<(&'static str, String)> {
    const FILE: &str = "stdnum/se_orgnr_valid.txt";
    fixture(FILE)
        .into_iter()
        .filter(|v| v.as_bytes().get(2).is_some_and(|&d| keep(d)))
        .map(|v| (FILE, v))
        .collect()
}

#[test]
fn orgnr_invalid_not_reported() {
    check_invalid(&["stdnum/se_orgnr_invalid.txt", "stdnum/se_orgnr_invalid_generated.txt"], Label::SeOrgnr);
}

#[test]
fn iban_valid_found() {
    check_valid(&["stdnum/iban_valid.txt"], Label::Iban);
}

#[test]
fn iban_invalid_not_reported() {
    check_invalid(
        &[
            "stdnum/iban_invalid.txt",
            "stdnum/iban_invalid_country_rules.txt",
            "stdnum/iban_invalid_generated.txt",
        ],
        Label::Iban,
    );
}

#[test]
fn ssn_valid_found() {
    check_valid(&["stdnum/us_ssn_valid.txt"], Label::UsSsn);
}

#[test]
fn ssn_invalid_not_reported() {
    check_invalid(&["stdnum/us_ssn_invalid.txt"], Label::UsSsn);
}

#[test]
fn cards_valid_found() {
    check_valid(&["cards/test_pans_luhn_valid.txt"], Label::CardNumber);
}

#[test]
fn cards_invalid_not_reported() {
    check_invalid(
        &[
            "cards/test_pans_luhn_invalid_generated.txt",
            "stdnum/luhn_invalid.txt",
            "stdnum/luhn_invalid_generated.txt",
        ],
        Label::CardNumber,
    );
}

/// `luhn_valid.txt` holds generic Luhn numbers (IMEI-like, 5 to 37 digits), not card numbers
/// or any other label: they check the Luhn routine itself.
#[test]
fn luhn_lists() {
    for v in fixture("stdnum/luhn_valid.txt") {
        assert!(validate::luhn(v.as_bytes()), "{v}");
    }
    for v in
        fixture("stdnum/luhn_invalid.txt").into_iter().chain(fixture("stdnum/luhn_invalid_generated.txt"))
    {
        assert!(!validate::luhn(v.as_bytes()), "{v}");
    }
}
