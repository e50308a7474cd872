//! Scoring: precision, recall and F1 per label (exact span and overlap), the share of
//! personal-data characters left visible, and the share of other characters blacked out.
//!
//! Exact: a prediction counts when its label and character span equal a gold span's.
//! Overlap: a prediction counts when it overlaps a gold span of the same label; each gold span
//! is matched once. Predictions with labels outside [`LABELS`] (Presidio's `URL`, `NRP` …)
//! are not counted in P/R/F1, but they do black out characters.

use std::collections::HashMap;

use crate::CorpusDoc;

/// (start char, end char, label).
pub type Pred = (usize, usize, String);

pub const LABELS: &[&str] = &[
    "CARD_NUMBER",
    "US_SSN",
    "SE_PERSONNUMMER",
    "SE_ORGNR",
    "IBAN",
    "SE_BANK_ACCOUNT",
    "EMAIL",
    "PHONE",
    "IP_ADDRESS",
    "DATE_OF_BIRTH",
    "POSTAL_ADDRESS",
    "PERSON",
];

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    tp_o: usize,
    fp_o: usize,
    fn_o: usize,
}

#[derive(Default)]
pub struct Scores {
    per: HashMap<&'static str, Counts>,
    pii_chars: usize,
    pii_visible: usize,
    other_chars: usize,
    other_masked: usize,
}

fn label_key(l: &str) -> Option<&'static str> {
    LABELS.iter().copied().find(|x| *x == l)
}

impl Scores {
    pub fn compute(corpus: &[CorpusDoc], preds: &HashMap<usize, Vec<Pred>>) -> Scores {
        let refs: Vec<&CorpusDoc> = corpus.iter().collect();
        Scores::compute_refs(&refs, preds)
    }

    pub fn compute_refs(corpus: &[&CorpusDoc], preds: &HashMap<usize, Vec<Pred>>) -> Scores {
        let mut s = Scores::default();
        let empty = Vec::new();
        for d in corpus {
            let p = preds.get(&d.id).unwrap_or(&empty);
            let n = d.text.chars().count();
            let mut gold_mask = vec![false; n];
            let mut pred_mask = vec![false; n];
            for (a, b, _) in &d.spans {
                for x in gold_mask.iter_mut().take((*b).min(n)).skip(*a) {
                    *x = true;
                }
            }
            for (a, b, _) in p {
                for x in pred_mask.iter_mut().take((*b).min(n)).skip(*a) {
                    *x = true;
                }
            }
            for k in 0..n {
                if gold_mask[k] {
                    s.pii_chars += 1;
                    if !pred_mask[k] {
                        s.pii_visible += 1;
                    }
                } else {
                    s.other_chars += 1;
                    if pred_mask[k] {
                        s.other_masked += 1;
                    }
                }
            }
            // Exact.
            for (a, b, l) in p {
                let Some(l) = label_key(l) else { continue };
                let c = s.per.entry(l).or_default();
                if d.spans.iter().any(|(ga, gb, gl)| ga == a && gb == b && gl == l) {
                    c.tp += 1;
                } else {
                    c.fp += 1;
                }
            }
            for (ga, gb, gl) in &d.spans {
                let Some(l) = label_key(gl) else { continue };
                if !p.iter().any(|(a, b, pl)| a == ga && b == gb && pl == gl) {
                    s.per.entry(l).or_default().fn_ += 1;
                }
            }
            // Overlap: greedy one-to-one matching.
            let mut used = vec![false; d.spans.len()];
            for (a, b, l) in p {
                let Some(l) = label_key(l) else { continue };
                let hit = d
                    .spans
                    .iter()
                    .enumerate()
                    .find(|(k, (ga, gb, gl))| !used[*k] && gl == l && a < gb && ga < b);
                let c = s.per.entry(l).or_default();
                match hit {
                    Some((k, _)) => {
                        used[k] = true;
                        c.tp_o += 1;
                    }
                    None => {
                        // A second prediction on an already matched gold span is not a false positive
                        // for overlap scoring if it overlaps it (split spans).
                        if d.spans.iter().any(|(ga, gb, gl)| gl == l && a < gb && ga < b) {
                            continue;
                        }
                        c.fp_o += 1;
                    }
                }
            }
            for (k, (_, _, gl)) in d.spans.iter().enumerate() {
                if let Some(l) = label_key(gl)
                    && !used[k]
                {
                    s.per.entry(l).or_default().fn_o += 1;
                }
            }
        }
        s
    }

    fn counts(&self, l: &str) -> Counts {
        if l == "micro" {
            let mut t = Counts::default();
            for c in self.per.values() {
                t.tp += c.tp;
                t.fp += c.fp;
                t.fn_ += c.fn_;
                t.tp_o += c.tp_o;
                t.fp_o += c.fp_o;
                t.fn_o += c.fn_o;
            }
            return t;
        }
        self.per.get(l).copied().unwrap_or_default()
    }

    /// Gold spans of a label.
    pub fn support(&self, l: &str) -> usize {
        let c = self.counts(l);
        c.tp + c.fn_
    }

    pub fn fp_total(&self, exact: bool) -> usize {
        let c = self.counts("micro");
        if exact { c.fp } else { c.fp_o }
    }

    /// (precision, recall, F1).
    pub fn prf(&self, l: &str, exact: bool) -> (f64, f64, f64) {
        let c = self.counts(l);
        let (tp, fp, fn_) = if exact { (c.tp, c.fp, c.fn_) } else { (c.tp_o, c.fp_o, c.fn_o) };
        let p = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
        let r = if tp + fn_ == 0 { 1.0 } else { tp as f64 / (tp + fn_) as f64 };
        let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        (p, r, f)
    }

    pub fn visible_share(&self) -> f64 {
        if self.pii_chars == 0 { 0.0 } else { self.pii_visible as f64 / self.pii_chars as f64 }
    }

    pub fn over_share(&self) -> f64 {
        if self.other_chars == 0 { 0.0 } else { self.other_masked as f64 / self.other_chars as f64 }
    }
}

/// The errors of some labels on a corpus, one line each with the text around them: gold spans
/// not predicted exactly (`MISS`, with any overlapping prediction), predictions that match no
/// gold span exactly (`FP`). For the development halves only: `score-corpus --errors` refuses
/// the held-out half (bench/detect/handlabelled/README.md, "The rule").
pub fn print_errors(corpus: &[CorpusDoc], preds: &HashMap<usize, Vec<Pred>>, labels: &[String]) {
    let show = |chars: &[char], a: usize, b: usize| -> String {
        let lo = a.saturating_sub(40);
        let hi = (b + 40).min(chars.len());
        let seg =
            |x: usize, y: usize| chars[x.min(chars.len())..y.min(chars.len())].iter().collect::<String>();
        format!("{}[[{}]]{}", seg(lo, a), seg(a, b), seg(b, hi)).replace('\n', "⏎")
    };
    let empty = Vec::new();
    for d in corpus {
        let chars: Vec<char> = d.text.chars().collect();
        let p = preds.get(&d.id).unwrap_or(&empty);
        let wanted = |l: &str| labels.iter().any(|x| x == l || x == "all");
        for (ga, gb, gl) in &d.spans {
            if !wanted(gl) || p.iter().any(|(a, b, l)| a == ga && b == gb && l == gl) {
                continue;
            }
            let near: Vec<String> = p
                .iter()
                .filter(|(a, b, _)| a < gb && ga < b)
                .map(|(a, b, l)| {
                    format!("{l} {:?}", chars[*a..(*b).min(chars.len())].iter().collect::<String>())
                })
                .collect();
            println!(
                "MISS {gl} doc {} ({}): {} | got: {}",
                d.id,
                d.family,
                show(&chars, *ga, *gb),
                near.join("; ")
            );
        }
        for (a, b, l) in p {
            if !wanted(l) || d.spans.iter().any(|(ga, gb, gl)| ga == a && gb == b && gl == l) {
                continue;
            }
            let gold: Vec<String> = d
                .spans
                .iter()
                .filter(|(ga, gb, _)| a < gb && ga < b)
                .map(|(ga, gb, gl)| {
                    format!("{gl} {:?}", chars[*ga..(*gb).min(chars.len())].iter().collect::<String>())
                })
                .collect();
            println!(
                "FP   {l} doc {} ({}): {} | gold: {}",
                d.id,
                d.family,
                show(&chars, *a, *b),
                gold.join("; ")
            );
        }
    }
}
