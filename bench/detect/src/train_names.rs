//! `train-names`: trains the PERSON model of `sekretess-detect` (an averaged perceptron over
//! the features of `sekretess_detect::names`) and writes its weights file.
//!
//! Training data: the generated name contexts (`names_gen`), the project's generated corpus
//! (`corpus_gen`) and hand-labelled files: by default the frozen half of the hand-labelled set
//! and the tuning set (`bench/detect/tuning/`). Never the held-out half.
//! Everything is seeded, so the same command writes the same bytes.

use std::path::{Path, PathBuf};

use sekretess_detect::names::{self, G_LEX, G_RULE, G_WORD, NBITS, Sentence};
use sekretess_detect::{Format, Label};

use crate::corpus_gen::Rng;

/// One training text: its sentence, gold tags (0 O, 1 B, 2 I) and whether it is generated.
pub struct Example {
    s: Sentence,
    gold: Vec<u8>,
    generated: bool,
}

/// Byte offset of every character offset of `text` (and of its end).
fn char_to_byte(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}

/// The training examples of one document: each text the detector scans in it (the whole
/// document, or its CSV cells, JSON values …) with the gold PERSON spans that fall inside.
pub fn examples(text: &str, format: &str, spans: &[(usize, usize, String)], generated: bool) -> Vec<Example> {
    let fmt: Format = format.parse().unwrap_or(Format::Text);
    let map = char_to_byte(text);
    let gold: Vec<(usize, usize)> = spans
        .iter()
        .filter(|(_, _, l)| l == "PERSON")
        .filter_map(|&(s, e, _)| Some((*map.get(s)?, *map.get(e)?)))
        .collect();
    let doc = text.as_bytes();
    let mut out = Vec::new();
    let mut cursor = 0;
    for (sub, key) in names::trace(doc, fmt) {
        if sub.is_empty() {
            continue;
        }
        let find = |from: usize| {
            doc.get(from..).and_then(|d| d.windows(sub.len()).position(|w| w == sub.as_slice()))
        };
        let at = match find(cursor) {
            Some(p) => cursor + p,
            None => match find(0) {
                Some(p) => p,
                None => continue,
            },
        };
        if sub.len() < doc.len() {
            cursor = at + sub.len();
        }
        let s = names::sentence(&sub, key);
        if s.toks.is_empty() {
            continue;
        }
        let local: Vec<(usize, usize)> = gold
            .iter()
            .filter(|&&(gs, ge)| gs >= at && ge <= at + sub.len())
            .map(|&(gs, ge)| (gs - at, ge - at))
            .collect();
        let mut tags = Vec::with_capacity(s.toks.len());
        for (k, t) in s.toks.iter().enumerate() {
            let tag = if local.iter().any(|&(gs, ge)| gs == t.start && t.end <= ge) {
                1
            } else if k > 0 && tags[k - 1] != 0 && local.iter().any(|&(gs, ge)| gs < t.start && t.end <= ge) {
                2
            } else {
                0
            };
            tags.push(tag);
        }
        out.push(Example { s, gold: tags, generated });
    }
    out
}

/// Averaged perceptron training; returns the averaged weights (`3 << NBITS`).
pub fn train(examples: &[Example], epochs: usize, seed: u64) -> Vec<f32> {
    let n = 3usize << NBITS;
    let mut w = vec![0f32; n];
    let mut acc = vec![0f32; n];
    let mut c = 1f32;
    let mut rng = Rng::new(seed);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut feats: Vec<u32> = Vec::with_capacity(64);
    let mut pred: Vec<u8> = Vec::new();
    for epoch in 0..epochs {
        for k in (1..order.len()).rev() {
            order.swap(k, rng.below(k + 1));
        }
        let mut errors = 0usize;
        let mut total = 0usize;
        for &ix in &order {
            let ex = &examples[ix];
            let s = &ex.s;
            // Feature dropout: the scanner's opinion on a whole text, a token's own word
            // and lexicon features, so the model learns context as well.
            let p_rule = if ex.generated { 0.5 } else { 0.3 };
            let drop_rule = if rng.chance(p_rule) { G_RULE } else { 0 };
            pred.clear();
            for (k, tok) in s.toks.iter().enumerate() {
                let drop = drop_rule | if rng.chance(0.2) { G_WORD | G_LEX } else { 0 };
                let prev = if tok.sep == 0 || k == 0 { 3 } else { pred[k - 1] };
                names::token_features(s, k, prev, drop, &mut feats);
                let mut sc = [0f32; 3];
                for &f in &feats {
                    let o = f as usize * 3;
                    sc[0] += w[o];
                    sc[1] += w[o + 1];
                    sc[2] += w[o + 2];
                }
                let i_ok = prev == 1 || prev == 2;
                let mut best = if sc[1] > sc[0] { 1 } else { 0 };
                if i_ok && sc[2] > sc[best] {
                    best = 2;
                }
                let mut gold = ex.gold[k];
                if gold == 2 && !i_ok {
                    gold = 1;
                }
                total += 1;
                if best != usize::from(gold) {
                    errors += 1;
                    for &f in &feats {
                        let o = f as usize * 3;
                        w[o + usize::from(gold)] += 1.0;
                        acc[o + usize::from(gold)] += c;
                        w[o + best] -= 1.0;
                        acc[o + best] -= c;
                    }
                }
                pred.push(u8::try_from(best).unwrap_or(0));
                c += 1.0;
            }
        }
        eprintln!("epoch {}: {errors} token errors of {total}", epoch + 1);
    }
    w.iter().zip(&acc).map(|(&w, &a)| w - a / c).collect()
}

/// The hand-labelled files `train-names` trains on by default: the frozen half of the
/// hand-labelled set and the tuning set (both written blind, in the same format).
pub const DEFAULT_HAND: &[&str] =
    &["bench/detect/handlabelled/frozen.jsonl", "bench/detect/tuning/tuning.jsonl"];

/// Refuses the held-out half (`heldout.jsonl`): it is the score, never training data.
fn check_not_heldout(path: &Path) -> anyhow::Result<()> {
    if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains("heldout")) {
        anyhow::bail!("{} is the held-out half: it is scored, never trained on", path.display());
    }
    Ok(())
}

/// Builds the training set, trains, and writes the model to `out`. `hand` are the
/// hand-labelled files, in the order given (the order is part of the seeded result).
pub fn run(hand: &[PathBuf], out: &Path, seed: u64, epochs: usize, gen_docs: usize) -> anyhow::Result<()> {
    let mut ex = Vec::new();
    let mut hand_docs = Vec::new();
    for path in hand {
        check_not_heldout(path)?;
        let docs = crate::read_corpus(path)?;
        eprintln!("hand-labelled: {} ({} documents)", path.display(), docs.len());
        hand_docs.extend(docs);
    }
    // The hand-labelled documents count twice: they are few, and written independently.
    for _ in 0..2 {
        for d in &hand_docs {
            ex.extend(examples(&d.text, &d.format, &d.spans, false));
        }
    }
    let n_hand = ex.len();
    for d in crate::names_gen::corpus(seed, gen_docs) {
        let spans: Vec<(usize, usize, String)> =
            d.spans.iter().map(|&(s, e, l)| (s, e, l.to_string())).collect();
        ex.extend(examples(&d.text, d.format, &spans, true));
    }
    let n_names = ex.len() - n_hand;
    for d in crate::corpus_gen::corpus(seed + 1, gen_docs / 2) {
        let spans: Vec<(usize, usize, String)> =
            d.spans.iter().map(|&(s, e, l)| (s, e, l.to_string())).collect();
        ex.extend(examples(&d.text, d.format, &spans, true));
    }
    eprintln!(
        "training texts: {n_hand} from {} hand-labelled documents, {n_names} name contexts, {} generated corpus",
        hand_docs.len(),
        ex.len() - n_hand - n_names
    );
    let weights = train(&ex, epochs, seed);
    let bytes = names::encode(&weights);
    let tmp = out.with_extension("bin.tmp");
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, out)?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    let _ = Label::Person;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn model(seed: u64) -> Vec<u8> {
        let mut ex = Vec::new();
        for d in crate::names_gen::corpus(seed, 60) {
            let spans: Vec<(usize, usize, String)> =
                d.spans.iter().map(|&(s, e, l)| (s, e, l.to_string())).collect();
            ex.extend(examples(&d.text, d.format, &spans, true));
        }
        names::encode(&train(&ex, 2, seed))
    }

    /// The training command is reproducible: the same seed gives the same bytes, another
    /// seed other bytes (so the seed is what decides, not the clock or a hash map's order).
    #[test]
    fn training_is_reproducible_from_its_seed() {
        let a = model(5);
        assert_eq!(a, model(5));
        assert_ne!(a, model(6));
        assert_eq!(a.len(), 12 + (3usize << NBITS) * 2);
    }

    /// The held-out half is never training data: `train-names` refuses it by name, and its
    /// default files are the frozen half and the tuning set.
    #[test]
    fn the_held_out_half_is_refused() {
        assert!(check_not_heldout(Path::new("bench/detect/handlabelled/heldout.jsonl")).is_err());
        assert!(run(&[PathBuf::from("x/heldout.jsonl")], Path::new("/nonexistent/m.bin"), 1, 1, 1).is_err());
        assert!(check_not_heldout(Path::new("bench/detect/tuning/tuning.jsonl")).is_ok());
        assert!(DEFAULT_HAND.iter().all(|f| !f.contains("heldout")));
        assert!(DEFAULT_HAND.contains(&"bench/detect/tuning/tuning.jsonl"));
    }

    /// Gold spans reach the texts the detector scans inside structured documents.
    #[test]
    fn gold_names_reach_csv_cells_and_json_values() {
        let csv = "kund,ort\n\"Okafor, Chidinma\",Lund\n";
        let ex = examples(csv, "csv", &[(10, 26, "PERSON".into())], false);
        let tagged: usize = ex.iter().map(|e| e.gold.iter().filter(|&&t| t == 1).count()).sum();
        assert_eq!(tagged, 1, "one name begins in the CSV");
        let json = r#"{"firstName": "Yonas", "city": "Lund"}"#;
        let ex = examples(json, "json", &[(15, 20, "PERSON".into())], false);
        let tagged: usize = ex.iter().map(|e| e.gold.iter().filter(|&&t| t == 1).count()).sum();
        assert_eq!(tagged, 1, "one name begins in the JSON");
    }
}
