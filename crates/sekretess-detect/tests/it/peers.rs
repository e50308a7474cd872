//! Peer test suites as data (issue 19, item 4): Microsoft Presidio's recognizer test cases
//! (`testdata/presidio/cases.tsv`, made by `scripts/presidio-testdata.py`) run through
//! [`detect`] as plain text with the default options.
//!
//! Presidio's entities map to ours: `CREDIT_CARD` → `CARD_NUMBER`, `IBAN_CODE` → `IBAN`,
//! `EMAIL_ADDRESS` → `EMAIL`, `PHONE_NUMBER` → `PHONE`, `US_SSN` → `US_SSN`, `IP_ADDRESS` →
//! `IP_ADDRESS`, `SE_PERSONNUMMER` → `SE_PERSONNUMMER`, `SE_ORGANISATIONSNUMMER` →
//! `SE_ORGNR`. A positive case must give a finding of that label at exactly each expected
//! span (character offsets, as Python's); a case that expects nothing must give no finding of
//! that label anywhere. Spans Presidio itself scores below 0.5 (marked `~`) and phone cases
//! written for a non-default leniency are not checked. The cases where our rules disagree
//! with Presidio's on purpose are in [`DISAGREEMENTS`], each with its reason (also listed
//! in testdata/presidio/README.md); a test checks that they still disagree, so the list
//! cannot go stale.

use sekretess_detect::{Label, Options, detect};

use crate::fixtures::fixture;

/// `file:line` of a Presidio case, and why our answer differs on purpose.
const DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "test_iban_recognizer.py:201",
        "letter case is not part of an IBAN: a number typed in mixed case is the same account, and the check digits are valid",
    ),
    ("test_phone_recognizer.py:30", "11 bare digits without +/00 are mostly other numbers"),
    ("test_phone_recognizer.py:61", "a country code is taken only after + or 00"),
    (
        "test_ip_recognizer.py:299",
        "a dotted run of five numbers is a version or OID, not an address (digit boundaries, docs/redaction.md)",
    ),
    ("test_ip_recognizer.py:338", "every finding starts at a word boundary (keeps redaction idempotent)"),
    ("test_ip_recognizer.py:339", "the same word-boundary rule"),
    (
        "test_se_personnummer_recognizer.py:83",
        "the same word-boundary rule: a number inside a word is not taken",
    ),
];

struct Case {
    id: String,
    label: Label,
    count: usize,
    /// (start, end, weak)
    spans: Vec<(usize, usize, bool)>,
    leniency: String,
    text: String,
}

fn label(entity: &str) -> Label {
    match entity {
        "CREDIT_CARD" => Label::CardNumber,
        "IBAN_CODE" => Label::Iban,
        "EMAIL_ADDRESS" => Label::Email,
        "PHONE_NUMBER" => Label::Phone,
        "US_SSN" => Label::UsSsn,
        "IP_ADDRESS" => Label::IpAddress,
        "SE_PERSONNUMMER" => Label::SePersonnummer,
        "SE_ORGANISATIONSNUMMER" => Label::SeOrgnr,
        other => panic!("unmapped Presidio entity {other}"),
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                other => panic!("bad escape {other:?} in {s:?}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for line in fixture("presidio/cases.tsv") {
        if line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 7, "malformed line {line:?}");
        let spans = if f[4] == "-" {
            Vec::new()
        } else {
            f[4].split(',')
                .map(|s| {
                    let weak = s.ends_with('~');
                    let (a, b) = s.trim_end_matches('~').split_once('-').unwrap();
                    (a.parse().unwrap(), b.parse().unwrap(), weak)
                })
                .collect()
        };
        out.push(Case {
            id: f[0].to_string(),
            label: label(f[2]),
            count: f[3].parse().unwrap(),
            spans,
            leniency: f[5].to_string(),
            text: unescape(f[6]),
        });
    }
    out
}

/// Why the case fails under our rules, or `None` when it passes.
fn check(c: &Case) -> Option<String> {
    let fs = detect(&c.text, &Options::default());
    let got: Vec<(usize, usize)> =
        fs.iter().filter(|f| f.label == c.label).map(|f| (f.start, f.end)).collect();
    let all: Vec<(usize, usize, Label)> = fs.iter().map(|f| (f.start, f.end, f.label)).collect();
    if c.count == 0 {
        return (!got.is_empty()).then(|| format!("expected no {}, got {all:?}", c.label));
    }
    if c.spans.is_empty() {
        return (got.len() < c.count).then(|| format!("expected {} x {}, got {all:?}", c.count, c.label));
    }
    let missing: Vec<_> = c.spans.iter().filter(|(s, e, weak)| !weak && !got.contains(&(*s, *e))).collect();
    (!missing.is_empty()).then(|| format!("missing {} at {missing:?}, got {all:?}", c.label))
}

fn checked(c: &Case) -> bool {
    matches!(c.leniency.as_str(), "-" | "1") && !(c.count > 0 && c.spans.iter().all(|s| s.2))
}

#[test]
fn presidio_cases() {
    let cases = cases();
    assert!(cases.len() > 500, "{} cases", cases.len());
    let mut failures = Vec::new();
    let mut n = 0;
    for c in cases.iter().filter(|c| checked(c)) {
        if DISAGREEMENTS.iter().any(|(id, _)| *id == c.id) {
            continue;
        }
        n += 1;
        if let Some(why) = check(c) {
            failures.push(format!("{} {:?}: {why}", c.id, c.text));
        }
    }
    assert!(failures.is_empty(), "{} of {n} Presidio cases fail:\n{}", failures.len(), failures.join("\n"));
}

/// Every listed disagreement still disagrees (otherwise take it off the list).
#[test]
fn presidio_disagreements_still_disagree() {
    let cases = cases();
    for (id, why) in DISAGREEMENTS {
        let c = cases.iter().find(|c| c.id == *id).unwrap_or_else(|| panic!("{id} is not a case"));
        assert!(check(c).is_some(), "{id} ({why}) passes now: take it off DISAGREEMENTS");
    }
}
