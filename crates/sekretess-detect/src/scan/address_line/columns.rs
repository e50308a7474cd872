//! Addresses in a layout of columns: a shipping label or delivery note printing sender and
//! recipient side by side, a form printing a label column and a value column. A run of three
//! or more spaces between two texts on a line separates two cells; an address there stays
//! inside its cells, so the line above is not the street of the postcode below unless it is
//! the cell in the same column. Street and postcode-and-town are then separate spans (the
//! hand-labelled set's convention: one span never covers another column's text), unless the
//! street's cell ends its line and the postcode's opens the next: then no other column's text
//! lies between and the address is one span.

use super::{Post, WHOLE_ADDRESS, Whole};
use crate::Label;
use crate::scan::{Cand, Scanner, confidence};

use super::units::unit_segment;

/// The gap that separates two cells.
const GAP: usize = 3;

/// Chars from `from` to `to` (a column position on a line).
fn column(t: &[u8], from: usize, to: usize) -> usize {
    t[from..to].iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

fn line_start(t: &[u8], i: usize) -> usize {
    memchr::memrchr(b'\n', &t[..i]).map_or(0, |p| p + 1)
}

fn line_end(t: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &t[i..]).map_or(t.len(), |p| i + p)
}

/// The cells of the line `[ls, le)`: `(start, end)` of each text between gaps of three or
/// more spaces, a tab or a bar drawn between columns (leading indentation is not a gap).
fn cells(t: &[u8], ls: usize, le: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut cell: Option<(usize, usize)> = None;
    let mut k = ls;
    while k < le {
        if matches!(t[k], b' ' | b'\t' | b'\r') {
            let mut r = k;
            while r < le && matches!(t[r], b' ' | b'\t' | b'\r') {
                r += 1;
            }
            if r - k >= GAP || t[k..r].contains(&b'\t') {
                out.extend(cell.take());
            }
            k = r;
            continue;
        }
        if t[k] == b'|' {
            out.extend(cell.take());
            k += 1;
            continue;
        }
        cell = Some(match cell {
            Some((s, _)) => (s, k + 1),
            None => (k, k + 1),
        });
        k += 1;
    }
    out.extend(cell);
    out
}

impl Scanner<'_> {
    /// When the postcode at `ps` starts a cell of a line with two or more cells: that
    /// line's cells and the index of the postcode's cell.
    pub(super) fn in_columns(&self, ps: usize) -> Option<(Vec<(usize, usize)>, usize)> {
        let t = self.t;
        let ls = line_start(t, ps);
        // A cell starts the line (after indentation) or follows a gap: in prose the postcode
        // follows one space, and the line's cells are not read.
        let opens_line = t[ls..ps].iter().all(|b| matches!(b, b' ' | b'\t'));
        let mut b = ps;
        while b > ls && t[b - 1] == b' ' {
            b -= 1;
        }
        let after_gap = (ps >= GAP && t[ps - GAP..ps].iter().all(|&b| b == b' '))
            || (ps > 0 && t[ps - 1] == b'\t')
            || (b > ls && t[b - 1] == b'|');
        if !(opens_line || after_gap) {
            return None;
        }
        let cs = cells(t, ls, line_end(t, ps));
        let at = cs.iter().position(|&(s, _)| s == ps)?;
        (cs.len() >= 2).then_some((cs, at))
    }

    /// The postcode `[ps, pe)` and its town in a cell of a column layout: pushed as one span
    /// when the cell right above it, in the same column, holds a street line (which is pushed
    /// too, with its unit details, when nothing found it yet).
    pub(super) fn address_in_columns(&mut self, ps: usize, pe: usize, kind: Post) -> Whole {
        let t = self.t;
        let Some(end) = self.town_after(pe) else { return Whole::No };
        let ls = line_start(t, ps);
        if ls == 0 {
            return Whole::No;
        }
        let col = column(t, ls, ps);
        let als = line_start(t, ls - 1);
        let above = cells(t, als, ls - 1);
        let aligned = above.iter().find(|&&(s, _)| column(t, als, s).abs_diff(col) <= 1).copied();
        // A cell wrapped after its comma ("| Street 4,\n      123 45 Town |"): the line
        // above's last cell, when the postcode opens its line, whatever stands above it.
        let wrapped = || {
            let &(cs, ce) = above.last()?;
            let opens = t[ls..ps].iter().all(|&b| b == b' ' || b == b'\t');
            (opens && t[ce - 1] == b',' && t[ce..ls].iter().all(u8::is_ascii_whitespace))
                .then_some((cs, ce - 1))
        };
        let Some((cs, ce)) = wrapped().or(aligned) else {
            return Whole::No;
        };
        // The street is the cell's first comma segment that is no unit ("12 rue des
        // Tanneurs, Appt 5").
        let cell = std::str::from_utf8(&t[cs..ce]).unwrap_or("");
        let mut seg_end = cell.len();
        let street = loop {
            let seg_start = cell[..seg_end].rfind(',').map_or(0, |k| k + 1);
            let raw = &cell[seg_start..seg_end];
            let seg = raw.trim();
            if seg_start > 0 && unit_segment(seg).is_some() {
                seg_end = seg_start - 1;
                continue;
            }
            let ss = cs + seg_start + (raw.len() - raw.trim_start().len());
            break self.street_in(ss, ss + seg.len(), kind).filter(|&s| s == ss);
        };
        let Some(s) = street else { return Whole::No };
        if self.company_before(s) || self.company_before(ps) {
            return Whole::Company(end);
        }
        // One address in two cells: the street's surroundings say whose it is (the line
        // above the postcode belongs to the other column too).
        let conf = if self.not_a_home(s) || self.not_a_home_after(ce) {
            confidence::NOT_A_HOME
        } else {
            WHOLE_ADDRESS
        };
        // The street cell ends its line and the postcode's cell opens the next: the lines
        // between hold no other column's text, so the address is one span.
        let blank = |a: usize, b: usize| t[a..b].iter().all(|b| b.is_ascii_whitespace());
        let one = blank(ce + usize::from(t[ce] == b','), ls) && blank(ls, ps);
        // The street cell: extend a street found alone to the cell's unit details, or add it.
        let known = self.out.iter().position(|c| c.label == Label::PostalAddress && c.start == s);
        let c = conf;
        if one {
            match known {
                Some(k) => {
                    self.out[k].end = end;
                    self.out[k].conf = self.out[k].conf.max(c);
                    self.out[k].rec = "address";
                }
                None => {
                    self.out.push(Cand { start: s, end, label: Label::PostalAddress, conf, rec: "address" })
                }
            }
            return Whole::Merged(end);
        }
        match known {
            Some(k) => {
                self.out[k].end = self.out[k].end.max(ce);
                self.out[k].conf = self.out[k].conf.max(c);
            }
            None => self.out.push(Cand {
                start: s,
                end: ce,
                label: Label::PostalAddress,
                conf: c,
                rec: "address",
            }),
        }
        self.out.push(Cand { start: ps, end, label: Label::PostalAddress, conf, rec: "address" });
        Whole::Merged(end)
    }
}
