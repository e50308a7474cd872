//! Dates of birth: numeric dates and dates with a month name, taken when a cue says so.

use super::confidence;
use super::{Groups, Scanner, right_ok};
use crate::Label;
use crate::lexicon;
use sekretess_ident as ident;

impl Scanner<'_> {
    /// Dates (of birth, when a cue says so). Returns whether the digits have the shape of a
    /// real date, which rules out reading them as a phone number.
    pub(super) fn dates(&mut self, i: usize, g: &Groups) -> bool {
        let t = self.t;
        let num = |k: usize| t[g.g[k].0..g.g[k].1].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
        let mut found: Option<(usize, u32, u32, u32)> = None;
        if g.n >= 3 && g.same_sep(3).is_some_and(|s| matches!(s, b'-' | b'/' | b'.')) {
            let l: Vec<usize> = g.lens(3).collect();
            if l == [4, 2, 2] {
                found = Some((g.end(3), num(0), num(1), num(2)));
            } else if l[2] == 4 && l[0] <= 2 && l[1] <= 2 {
                let (a, b) = (num(0), num(1));
                // Day first (Europe) unless that is impossible and month first works (US).
                let (d, m) = if a > 12 || g.sep[0] == b'.' || b <= 12 { (a, b) } else { (b, a) };
                let (d, m) = if m > 12 && d <= 12 { (m, d) } else { (d, m) };
                found = Some((g.end(3), num(2), m, d));
            }
        } else if g.len(0) == 8 && g.n == 1 {
            let d = &t[g.g[0].0..g.g[0].1];
            let n = |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
            found = Some((g.end(1), n(0..4), n(4..6), n(6..8)));
        } else if g.len(0) <= 2 {
            // "12 March 1985", "12 mars 1985", "3rd of May 1990" (ordinal ignored)
            let mut j = g.g[0].1;
            if t.get(j) == Some(&b'.') {
                j += 1;
            }
            if t.get(j) == Some(&b' ') {
                let ws = j + 1;
                let mut we = ws;
                while we < t.len() && t[we].is_ascii_alphabetic() {
                    we += 1;
                }
                if let Some(m) = std::str::from_utf8(&t[ws..we]).ok().and_then(lexicon::month) {
                    let mut k = we;
                    if t.get(k) == Some(&b',') {
                        k += 1;
                    }
                    if t.get(k) == Some(&b' ') {
                        let ys = k + 1;
                        let mut ye = ys;
                        while ye < t.len() && t[ye].is_ascii_digit() {
                            ye += 1;
                        }
                        if ye - ys == 4 {
                            let y = t[ys..ye].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
                            found = Some((ye, y, m, num(0)));
                        }
                    }
                }
            }
        }
        if let Some((end, y, m, d)) = found
            && (1900..=2030).contains(&y)
            && ident::valid_date(Some(y), y % 100, m, d)
        {
            self.emit_dob(i, end, y, m, d);
            return g.n >= 3 && g.sep[0] != b' ';
        }
        false
    }

    /// A date right after a name on the same line ("Hawre Rashid 02/11/1979 asked …",
    /// "Name, 1985-04-02"): the person's date of birth.
    fn after_name(&self, start: usize) -> bool {
        let Some(p) = self.out.last() else { return false };
        if p.label != Label::Person || p.conf < 0.5 || p.end > start || start - p.end > 3 {
            return false;
        }
        matches!(&self.t[p.end..start], b" " | b", " | b" - " | b": " | b" (")
    }

    pub(super) fn emit_dob(&mut self, start: usize, end: usize, y: u32, m: u32, d: u32) {
        if !(1900..=2030).contains(&y) || !ident::valid_date(Some(y), y % 100, m, d) {
            return;
        }
        if !right_ok(self.t, end) {
            return;
        }
        let column = self.key.is_none() && self.column_label(start) == Some(Label::DateOfBirth);
        if !(self.cue(start, end, Label::DateOfBirth) || column || self.after_name(start)) {
            return;
        }
        self.push(start, end, Label::DateOfBirth, confidence::DATE_OF_BIRTH, "date_of_birth");
    }
}
