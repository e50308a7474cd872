//! The learned PERSON tagger (issue 19, point 2): an averaged perceptron that tags the
//! capitalised words of a text B / I / O, over hashed features of the word, its lexicon
//! membership, its neighbours and cue words, its line and field, and what the rule-based
//! scanner found on it. The model proposes the names; a few rules veto what is never a
//! person (places, companies, function words). See `docs/detection.md`.
//!
//! The weights are `data/person_model.bin`, made by
//! `cargo run --release -p sekretess-bench-detect -- train-names` and compiled in with
//! `include_bytes!`. If they cannot be read, the scanner's rules alone decide.

mod features;
mod model;

use std::cell::RefCell;

use crate::Label;
use crate::scan::Cand;
pub use features::{G_CTX, G_LEX, G_RULE, G_WORD, NBITS, Sentence, Tok};
pub use model::{encode, tag_features};

/// The recognizer name of the model's findings.
pub const RECOGNIZER: &str = "person_model";

thread_local! {
    static TRACE: RefCell<Option<Vec<(Vec<u8>, Option<Label>)>>> = const { RefCell::new(None) };
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
pub fn trace(input: &[u8], format: crate::Format) -> Vec<(Vec<u8>, Option<Label>)> {
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
