//! Text joined from pieces (runs of a paragraph, text nodes, cells, shown strings), so that
//! a value split across pieces is found, and the redaction mapped back onto the pieces.

use std::ops::Range;

use super::Cx;
use crate::CharCounter;

/// Text assembled from pieces and the gaps between them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Joined {
    text: String,
    pieces: Vec<Range<usize>>,
}

impl Joined {
    /// Append a piece; returns its index.
    pub fn push(&mut self, s: &str) -> usize {
        let start = self.text.len();
        self.text.push_str(s);
        self.pieces.push(start..self.text.len());
        self.pieces.len() - 1
    }

    /// Append text that belongs to no piece: a separator such as `"\n"` between paragraphs or
    /// `"\t"` between cells, so that values do not run together (and are not joined across
    /// places they cannot span).
    pub fn gap(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Byte range of piece `i` in the joined text.
    pub fn piece(&self, i: usize) -> Range<usize> {
        self.pieces[i].clone()
    }

    /// Run the detector over the joined text, record the findings in `cx` at `part`/`page`,
    /// and return their byte ranges in the joined text (sorted, non-overlapping).
    pub fn find(&self, cx: &mut Cx<'_>, part: Option<&str>, page: Option<u32>) -> Vec<Range<usize>> {
        let cands = crate::find(self.text.as_bytes(), None, cx.options());
        let mut counter = CharCounter::default();
        let mut ranges = Vec::with_capacity(cands.len());
        for c in &cands {
            let f = counter.finding(self.text.as_bytes(), c, 0, 0);
            cx.found(part, page, f);
            // A customer code is reported and kept, never removed.
            if c.label != crate::Label::CustomerCode {
                ranges.push(c.start..c.end);
            }
        }
        ranges
    }

    /// Find and redact: `None` when nothing was found, else the new text of every piece.
    /// A finding's replacement (per the operator) goes into the first piece it touches; the
    /// other pieces lose the bytes it covers. Gap text is not returned (it is structure).
    pub fn redact(&self, cx: &mut Cx<'_>, part: Option<&str>, page: Option<u32>) -> Option<Vec<String>> {
        let cands = crate::find(self.text.as_bytes(), None, cx.options());
        if cands.is_empty() {
            return None;
        }
        let mut counter = CharCounter::default();
        let mut replacements = Vec::with_capacity(cands.len());
        for c in &cands {
            let f = counter.finding(self.text.as_bytes(), c, 0, 0);
            cx.found(part, page, f);
            let mut s = String::new();
            let value = &self.text[c.start..c.end];
            let o = cx.options();
            o.operator_for(c.label).apply(value, c.label, &o.hash_key, &mut s);
            replacements.push((c.start..c.end, s));
        }
        Some(self.apply(&replacements))
    }

    /// The text of every piece with `replacements` (sorted, non-overlapping ranges of the
    /// joined text) applied.
    pub fn apply(&self, replacements: &[(Range<usize>, String)]) -> Vec<String> {
        let mut out = Vec::with_capacity(self.pieces.len());
        let mut first_piece_done = vec![false; replacements.len()];
        let mut r0 = 0;
        for p in &self.pieces {
            while r0 < replacements.len() && replacements[r0].0.end <= p.start {
                r0 += 1;
            }
            let mut s = String::with_capacity(p.len());
            let mut pos = p.start;
            let mut k = r0;
            while k < replacements.len() && replacements[k].0.start < p.end {
                let (r, rep) = &replacements[k];
                let from = r.start.max(p.start);
                let to = r.end.min(p.end);
                if from < to || (r.start >= p.start && r.start < p.end) {
                    s.push_str(&self.text[pos..from]);
                    if !first_piece_done[k] {
                        s.push_str(rep);
                        first_piece_done[k] = true;
                    }
                    pos = to;
                }
                k += 1;
            }
            s.push_str(&self.text[pos..p.end]);
            out.push(s);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn replacement_goes_to_the_first_piece_and_empties_the_rest() {
        let mut j = Joined::default();
        j.push("card 4111 ");
        j.push("1111 11");
        j.push("11 1111 end");
        j.gap("\n");
        j.push("next");
        let start = "card ".len();
        let end = start + "4111 1111 1111 1111".len();
        let out = j.apply(&[(start..end, "[CARD]".to_owned())]);
        assert_eq!(out, vec!["card [CARD]", "", " end", "next"]);
        assert_eq!(out.concat(), "card [CARD] endnext");
    }
}
