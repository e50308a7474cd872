//! Rules for tables and papers pasted as text (tenth tuning pass), by small examples of their
//! own (not from the sets).

#![allow(clippy::unwrap_used)]

use crate::{Format, Label, Options, redact_str};

fn of(text: &str, label: Label) -> Vec<String> {
    let r = redact_str(text, Format::Text, &Options::default()).unwrap();
    r.findings
        .iter()
        .filter(|f| f.label == label)
        .map(|f| text[f.start_byte..f.end_byte].to_string())
        .collect()
}

#[test]
fn a_tab_ends_a_name() {
    let t = "Rota for the fair\n\nDay\tStall\tHelper 1\tHelper 2\nSat\tCakes\tEmma Lindgren\tOscar Nilsson\n";
    let p = of(t, Label::Person);
    assert!(p.iter().all(|n| !n.contains('\t')), "{p:?}");
}

#[test]
fn two_columns_of_a_table_are_two_names() {
    let t = "Klasslista 7B\n\nNr  Efternamn  Förnamn  Telefon\n----------------------------------\n\
             1   Lindgren   Emma     070-123 45 67\n2   Nilsson    Oscar    070-765 43 21\n";
    let p = of(t, Label::Person);
    assert!(p.contains(&"Lindgren".to_string()) && p.contains(&"Emma".to_string()), "{p:?}");
    assert!(!p.iter().any(|n| n.contains("  ")), "{p:?}");
}

#[test]
fn a_surname_in_capitals_joins_a_known_given_name() {
    let t = "Inbetalningar november\n2026-11-03  LINDGREN EMMA        450,00\n";
    assert!(of(t, Label::Person).contains(&"LINDGREN EMMA".to_string()));
    // An abbreviation without a vowel is no surname.
    let t = "Musik: DJ Emma från Lund spelar.\n";
    assert!(!of(t, Label::Person).iter().any(|n| n.starts_with("DJ")));
}

#[test]
fn nhs_numbers_are_not_phones() {
    let t = "NHS number: 321 654 0987\nMobile: 555 201 7788\n";
    assert_eq!(of(t, Label::Phone), ["555 201 7788"]);
}

#[test]
fn a_date_after_who_did_something_is_not_a_birth() {
    let t = "Signerad av Emma Lindgren 2026-03-02 av läkaren.\n";
    assert!(of(t, Label::DateOfBirth).is_empty());
    let t = "Ringde Oscar Nilsson 2026-03-02 10:15 om provsvaret.\n";
    assert!(of(t, Label::DateOfBirth).is_empty());
}

#[test]
fn an_abbreviated_birth_column() {
    let t = "Kurs i svenska\n\nNr  Deltagare         f.          Telefon\n\
             1   Lindgren, Emma    1961-04-09  070-123 45 67\n";
    assert_eq!(of(t, Label::DateOfBirth), ["1961-04-09"]);
}

#[test]
fn a_surname_in_capitals_and_a_given_name_in_a_ruled_table() {
    let t = "Bookings 12 March\n\nTime   Patient                 Reason\n=========================================\n\
             08:30  QUORBELL, Emma          review\n08:40  QUORBELL, Oscar         bloods\n";
    let p = of(t, Label::Person);
    assert!(p.contains(&"QUORBELL, Emma".to_string()), "{p:?}");
}
