//! The learned PERSON tagger (issue 19, point 2): an averaged perceptron that tags the
//! capitalised words of a text B / I / O, over hashed features of the word, its lexicon
//! membership, its neighbours and cue words, its line and field, and what the rule-based
//! scanner found on it. The model proposes the names; a few rules veto what is never a
//! person (places, companies, function words). See `docs/detection.md`.
//!
//! The weights are `data/person_model.bin`, made by
//! `cargo run --release -p sekretess-bench-detect -- train-names` and compiled in with
//! `include_bytes!`. If they cannot be read, the scanner's rules alone decide.

mod csv;
mod features;
mod lexcache;
mod model;
mod structure;

use std::cell::RefCell;

use crate::Label;
use crate::scan::Cand;
pub use features::{G_CTX, G_LEX, G_RULE, G_WORD, NBITS, Sentence, Tok};
pub use model::{encode, tag_features};

/// The recognizer name of the model's findings.
pub const RECOGNIZER: &str = "person_model";

/// Texts scanned, with the label their field name says.
pub type Traced = Vec<(Vec<u8>, Option<Label>)>;

thread_local! {
    static TRACE: RefCell<Option<Traced>> = const { RefCell::new(None) };
}

/// Replaces the scanner's PERSON candidates in `cands` by the model's, for one text.
pub(crate) fn apply(text: &[u8], key: Option<Label>, cands: &mut Vec<Cand>) {
    TRACE.with(|tr| {
        if let Some(v) = tr.borrow_mut().as_mut() {
            v.push((text.to_vec(), key));
        }
    });
    let Some(m) = model::get() else { return };
    let s = features::sentence(text, key, cands);
    cands.retain(|c| c.label != Label::Person);
    if s.toks.is_empty() {
        return;
    }
    for (start, end, conf) in m.spans(text, &s) {
        cands.push(Cand { start, end, label: Label::Person, conf, rec: RECOGNIZER });
    }
}

/// Tokens and features of a text as the detector sees it (for training): the scanner runs
/// first, as in detection, so its candidates are features.
#[doc(hidden)]
pub fn sentence(text: &[u8], key: Option<Label>) -> Sentence {
    let opts = crate::Options::default();
    let cands = crate::scan_only(text, key, &opts);
    features::sentence(text, key, &cands)
}

/// The texts (and field labels) the detector scans in `input` read as `format`: whole
/// documents, CSV cells, JSON values, log values (for training on structured documents).
#[doc(hidden)]
pub fn trace(input: &[u8], format: crate::Format) -> Traced {
    TRACE.with(|tr| *tr.borrow_mut() = Some(Vec::new()));
    let _ = crate::redact_bytes(input, format, &crate::Options { threads: 1, ..crate::Options::default() });
    TRACE.with(|tr| tr.borrow_mut().take()).unwrap_or_default()
}

/// Greedy decoding of a sentence with given weights (for training and for the model).
#[doc(hidden)]
pub fn decode(s: &Sentence, drop: u8, score: &mut dyn FnMut(&[u32]) -> [f32; 3], out: &mut Vec<u8>) {
    model::decode(s, drop, score, out);
}

/// Whether a model was compiled in and reads.
#[doc(hidden)]
pub fn model_loaded() -> bool {
    model::get().is_some()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::{Options, detect};

    fn people(text: &str) -> Vec<String> {
        detect(text, &Options::default())
            .into_iter()
            .filter(|f| f.label == Label::Person)
            .map(|f| text[f.start_byte..f.end_byte].to_string())
            .collect()
    }

    #[test]
    fn the_committed_model_reads() {
        assert!(model_loaded(), "data/person_model.bin does not read as a model");
    }

    #[test]
    fn a_damaged_model_file_is_refused() {
        let mut bytes = encode(&vec![0.5; 3 << NBITS]);
        assert!(model::read_for_test(bytes.clone()));
        bytes[0] = b'X';
        assert!(!model::read_for_test(bytes.clone()));
        bytes[0] = b'S';
        bytes.pop();
        assert!(!model::read_for_test(bytes));
    }

    #[test]
    fn names_outside_the_lexicons_are_found_from_their_context() {
        // Names written for this test (not from any evaluation set).
        assert_eq!(people("From: Tsegereda Woldeyohannes <tw@example.org>\n"), ["Tsegereda Woldeyohannes"]);
        assert_eq!(people("Hyresgäst: Zerihun Asfaw\nTelefon: 070-000 00 00\n"), ["Zerihun Asfaw"]);
        assert_eq!(people("Kind regards,\nNkechinyere Obiora\n"), ["Nkechinyere Obiora"]);
        assert_eq!(people("Kind regards,\nKwabena Asante-Darko\n"), ["Kwabena Asante-Darko"]);
        // Known limitation (docs/detection.md): a name that ends like a Swedish agent noun
        // ("Oluwadamilare", like "Handläggare", "Mottagare") loses to those role words.
    }

    #[test]
    fn places_companies_and_function_words_are_vetoed() {
        assert!(people("Vi ses på Karl Johans torg i morgon.").is_empty());
        assert!(people("Faktura från Nowak Bygg AB för mars.").is_empty());
        assert!(people("Ja, det stämmer.").is_empty());
        assert!(people("Handläggare Ekonomi\n").is_empty());
        // Capitals that no list knows, outside a name label: a heading, a merchant.
        assert!(people("UPPGIFTER OM UTBETALNINGEN\nBelopp: 300 kr\n").is_empty());
        assert!(people("04/15  Card purchase: GREEN VALLEY GROCERS  $18.09\n").is_empty());
        // Under a name label they are a name.
        assert_eq!(people("Namn: TSEGEREDA WOLDEYOHANNES\n"), ["TSEGEREDA WOLDEYOHANNES"]);
    }

    fn tokens(t: &str) -> Vec<(String, u8)> {
        let s = features::sentence(t.as_bytes(), None, &[]);
        s.toks.iter().map(|k| (t[k.start..k.end].to_string(), k.sep)).collect()
    }

    #[test]
    fn tokens_of_printed_and_scanned_names() {
        use features::{SEP_COMMA, SEP_NONE, SEP_SLASH, SEP_SPACE};
        // A possessive is the name without "'s".
        assert_eq!(
            tokens("we moved Tove Holm's order"),
            [("Tove".into(), SEP_NONE), ("Holm".into(), SEP_SPACE)]
        );
        // An airline's SURNAME/GIVEN in capitals is joined; a heading in title case is not.
        assert_eq!(
            tokens(" 1. OSEI/AMARA MS")[..2],
            [("OSEI".into(), SEP_NONE), ("AMARA".into(), SEP_SLASH)]
        );
        assert_eq!(tokens("Dato/Date: 1")[1].1, SEP_NONE);
        // OCR spacing around a comma.
        assert_eq!(tokens("Namn: HOLM ,  ASTRID\n")[2], ("ASTRID".into(), SEP_COMMA));
        // The second letter of "P.O." is not an initial.
        assert!(tokens("P.O. Box 12, Lund").iter().all(|(w, _)| w != "O."));
        // An initial is not a stop word ("A." is not the article).
        let s = features::sentence(b"Signed: A. Osei", None, &[]);
        assert_eq!(s.toks[1].flags & features::F_STOP, 0);
        assert!(
            features::comma_join(b" ,  ") && features::comma_join(b", ") && !features::comma_join(b" and ")
        );
    }

    #[test]
    fn the_tagger_costs_nothing_on_text_without_capitals() {
        let s = features::sentence(b"all lower case, 12 34 and more words", None, &[]);
        assert!(s.toks.is_empty());
        // A capital at the start of a sentence with no cue is not a token either.
        let s = features::sentence(b"the report was sent. Then it was read.", None, &[]);
        assert!(s.toks.is_empty());
        // Two capitalised words are.
        let s = features::sentence(b"we met Aster Berhane today", None, &[]);
        assert_eq!(s.toks.len(), 2);
        assert_eq!(s.toks[1].sep, features::SEP_SPACE);
    }
}
