//! Issue 19, SE_BANK_ACCOUNT: clearing + account numbers by Bankgirot's rules, checked
//! against the known answers of another implementation (testdata/se_bank, from the
//! `kontonummer` package's tests).

use sekretess_detect::{Format, Label};

use crate::fixtures::fixture;
use crate::{findings, labels_at, labels_over};

fn vectors() -> Vec<(String, bool)> {
    let rows: Vec<(String, bool)> = fixture("se_bank/kontonummer_vectors.tsv")
        .into_iter()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let mut f = l.split('\t');
            let written = f.next().unwrap().to_string();
            let valid = f.next().unwrap() == "1";
            (written, valid)
        })
        .collect();
    assert!(rows.len() >= 7, "{} rows", rows.len());
    rows
}

fn found_in(doc: &str, value: &str) -> bool {
    let s = doc.find(value).unwrap();
    labels_at(&findings(doc, Format::Text), s, s + value.len()).contains(&Label::SeBankAccount)
}

#[test]
fn known_valid_accounts_are_found_after_a_cue_in_every_written_form() {
    for (written, valid) in vectors() {
        if !valid {
            continue;
        }
        for doc in [
            format!("Lönen sätts in på konto {written} varje månad."),
            format!("Kontonummer: {written}\nTelefon: 08-123 45 67"),
            format!("2025-02-10 07:00:01 INFO payout konto={written} netto=31204"),
        ] {
            assert!(found_in(&doc, &written), "{written:?} not found in {doc:?}");
        }
    }
}

#[test]
fn checksum_valid_grouped_accounts_need_no_cue() {
    for (written, valid) in vectors() {
        // Grouped forms only: a bare run of digits always needs an account key.
        if !valid || !written.contains([' ', '-', ',']) {
            continue;
        }
        let doc = format!("Pengarna går till {written} på fredag.");
        assert!(found_in(&doc, &written), "{written:?} not found in {doc:?}");
    }
}

#[test]
fn an_account_whose_check_fails_needs_a_cue() {
    for (written, valid) in vectors() {
        if valid {
            continue;
        }
        let doc = format!("Referens {written} gäller ordern.");
        let s = doc.find(&written).unwrap();
        assert!(
            !labels_over(&findings(&doc, Format::Text), s, s + written.len()).contains(&Label::SeBankAccount),
            "{written:?} found without a cue"
        );
    }
}

#[test]
fn the_line_above_can_name_the_account() {
    // Bankgirot type 1 (SEB 5361, mod 11 over 361 + 8461313) written in the bank's groups.
    let doc = "Jag vill att autogirot dras från mitt nya konto\n5361 84 613 13 i stället.";
    assert!(found_in(doc, "5361 84 613 13"));
    // Unknown clearing range (21xx): not an account by these rules.
    let doc = "Ordernummer 2100 84 613 14 skickas i dag.";
    let s = doc.find("2100").unwrap();
    assert!(!labels_over(&findings(doc, Format::Text), s, s + 14).contains(&Label::SeBankAccount));
}

#[test]
fn after_an_account_key_a_known_clearing_range_with_another_length_is_an_account() {
    // Swedbank 7xxx has 7-digit accounts by Bankgirot's table; a bank's own longer form
    // right after an account key is still the account.
    let doc = "2025-02-10 07:00:01 INFO lön anst=3302 konto=73001234567890 netto=26877";
    assert!(found_in(doc, "73001234567890"));
    // Without the key it is not, and an unknown clearing range (21xx) is not either.
    let doc = "2025-02-10 07:00:01 INFO lön anst=3302 ref=73001234567890 netto=26877";
    let s = doc.find("7300").unwrap();
    assert!(!labels_over(&findings(doc, Format::Text), s, s + 14).contains(&Label::SeBankAccount));
    let doc = "konto=21001234567890";
    assert!(!labels_over(&findings(doc, Format::Text), 6, 20).contains(&Label::SeBankAccount));
}

/// Issue 19, Swedish account forms written as people write them, checked or not (the values
/// below fail their bank's check on purpose: the form or the cue is the evidence).
#[test]
fn account_forms_and_giro_numbers_named_before_them() {
    // Swedbank's five-digit clearing with its dash: the form itself is Swedbank's.
    assert!(found_in("Lönen går till 8105-9, 914 552 308-2 varje månad.", "8105-9, 914 552 308-2"));
    // A bankgiro number right after its name, whatever its check digit (also on the next line).
    assert!(found_in("Betala till bankgiro 123-4567 senast fredag.", "123-4567"));
    assert!(found_in("Inbetalning till bankgiro\n5050-1111 (OCR 1234).", "5050-1111"));
    assert!(found_in("Föreningens BG 5050-1111, tack.", "5050-1111"));
    // After an account word, the whole run of groups that is written.
    assert!(found_in("Pengarna fördes till kontonummer 9150 1234 567 890 igår.", "9150 1234 567 890"));
    // The bank named before the account is a cue.
    assert!(found_in("Betalas till: SEB 5000 11 222 33\n", "5000 11 222 33"));
    // Not the tail of a longer run of groups (a look-alike IBAN that failed its check) …
    let doc = "Old account PL00 1111 2222 3333 8448 1234 5678 closed.";
    let s = doc.find("8448").unwrap();
    assert!(!labels_over(&findings(doc, Format::Text), s, doc.len()).contains(&Label::SeBankAccount));
    // … nor a Norwegian account written with dots.
    let doc = "Deposit to account 1234.56.78903 (DNB).";
    let s = doc.find("1234").unwrap();
    assert!(!labels_over(&findings(doc, Format::Text), s, s + 13).contains(&Label::SeBankAccount));
    // Without a giro name, a bankgiro-shaped number that fails its check is not taken.
    let doc = "Ärende 123-4567 är stängt.";
    let s = doc.find("123").unwrap();
    assert!(!labels_over(&findings(doc, Format::Text), s, s + 8).contains(&Label::SeBankAccount));
}

/// A CSV whose first line is a title: the header is the line below it, its column names give
/// the cells their labels, and the title is read as text.
#[test]
fn a_csv_title_line_above_the_header() {
    let doc = "Inbetalningar 2026-01-05 | Mottagare: Föreningen | BG 5050-1111\n\
               datum|belopp|avsändare|avsändarkonto\n\
               2026-01-05|300|Anna Berg|8105-9 914 552 308-2\n";
    let fs = findings(doc, Format::Csv);
    let s = doc.find("5050-1111").unwrap();
    assert!(labels_at(&fs, s, s + 9).contains(&Label::SeBankAccount), "{fs:?}");
    let s = doc.find("8105-9").unwrap();
    assert!(labels_at(&fs, s, s + 20).contains(&Label::SeBankAccount), "{fs:?}");
    // The header is kept as written.
    let h = doc.find("datum").unwrap();
    assert!(labels_over(&fs, h, h + 40).is_empty());
}

#[test]
fn an_account_column_named_in_a_space_aligned_header() {
    // A payment list: the account column's header names it; the rows are far below.
    let doc = "Mottagare             Konto / BG / PG          Belopp   Meddelande\n\
               Lindholm, Karin        5391 77 212 53           1 450,00  Arvode\n\
               Berg, Anna             9420 417 20 55             300,00  Utlägg\n";
    assert!(found_in(doc, "5391 77 212 53"), "{doc}");
    assert!(found_in(doc, "9420 417 20 55"), "{doc}");
    // The same digits under a column that names something else are not an account.
    let doc = "Mottagare             Referens                 Belopp\n\
               Lindholm, Karin        5391 77 212 53           1 450,00\n";
    assert!(!found_in(doc, "5391 77 212 53"), "{doc}");
}

#[test]
fn an_account_after_a_us_routing_number_is_not_swedish() {
    assert!(!found_in("Routing 011000015   Account 5120 3381 9902\n", "5120 3381 9902"));
    assert!(!found_in("ABA 011000015, acct 6004 118 2273\n", "6004 118 2273"));
    // The same account with a Swedish cue and no routing number is one.
    assert!(found_in("Kontonummer: 5120 3381 9902\n", "5120 3381 9902"));
}
