//! The single-pass scanner: finds candidates of every label in a byte slice.
//!
//! The scanner walks the bytes once. Most bytes (lower-case letters, spaces, punctuation) are
//! skipped through a class table; digits, `+`, `(`, `@`, `:` and capitalised words start the
//! recognizers. Every recognizer is hand-written, works on bytes, and only ever matches valid
//! UTF-8 (ASCII or whole decoded characters), so a span can always be shown as `&str`.

use crate::Label;
use crate::context;
use crate::lexicon;
use sekretess_ident as ident;

/// A candidate before overlap resolution.
#[derive(Clone, Copy, Debug)]
pub struct Cand {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub conf: f32,
    pub rec: &'static str,
}

const C_SKIP: u8 = 0;
const C_DIGIT: u8 = 1;
const C_UPPER: u8 = 2;
const C_AT: u8 = 3;
const C_PLUS: u8 = 4;
const C_PAREN: u8 = 5;
const C_COLON: u8 = 6;
const C_HIGH: u8 = 7;
const C_BRACKET: u8 = 8;

static CLASS: [u8; 256] = {
    let mut t = [C_SKIP; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_digit() {
            C_DIGIT
        } else if b.is_ascii_uppercase() {
            C_UPPER
        } else if b == b'@' {
            C_AT
        } else if b == b'+' {
            C_PLUS
        } else if b == b'(' {
            C_PAREN
        } else if b == b':' {
            C_COLON
        } else if b == b'[' {
            C_BRACKET
        } else if b >= 0xC3 && b <= 0xC5 {
            // Lead bytes of Latin-1 Supplement / Latin Extended-A letters (Å Ä Ö É Ł …).
            C_HIGH
        } else {
            C_SKIP
        };
        i += 1;
    }
    t
};

#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Decode the character at `i` (valid UTF-8 only).
fn char_at(t: &[u8], i: usize) -> Option<(char, usize)> {
    let b = *t.get(i)?;
    let len = match b {
        0..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(t.get(i..i + len)?).ok()?;
    s.chars().next().map(|c| (c, len))
}

/// The character ending just before `i`, if valid UTF-8.
fn char_before(t: &[u8], i: usize) -> Option<char> {
    let mut j = i.checked_sub(1)?;
    while j > 0 && i - j < 4 && (t[j] & 0xC0) == 0x80 {
        j -= 1;
    }
    char_at(t, j).filter(|(_, l)| j + l == i).map(|(c, _)| c)
}

fn is_letter_before(t: &[u8], i: usize) -> bool {
    match t.get(i.wrapping_sub(1)) {
        None => false,
        Some(&b) if b < 0x80 => is_word_byte(b),
        Some(_) => char_before(t, i).is_some_and(char::is_alphanumeric),
    }
}

/// Left digit boundary: not inside a word or a longer number.
fn left_ok(t: &[u8], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let p = t[i - 1];
    if is_word_byte(p) || p == b'+' {
        return false;
    }
    if matches!(p, b'.' | b'-' | b'/') && i >= 2 && t[i - 2].is_ascii_digit() {
        return false;
    }
    if p >= 0x80 {
        return !is_letter_before(t, i);
    }
    true
}

/// Right digit boundary: not followed by a word character or by a separator and a digit.
fn right_ok(t: &[u8], e: usize) -> bool {
    let Some(&n) = t.get(e) else { return true };
    if is_word_byte(n) {
        return false;
    }
    if matches!(n, b'.' | b'-' | b'/' | b'+') && t.get(e + 1).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    if n >= 0x80 {
        return !char_at(t, e).is_some_and(|(c, _)| c.is_alphanumeric());
    }
    true
}

/// Digit groups starting at `i`: runs of digits separated by exactly one separator.
struct Groups {
    g: [(usize, usize); 8],
    sep: [u8; 8],
    n: usize,
}

impl Groups {
    fn read(t: &[u8], i: usize, seps: &[u8]) -> Groups {
        let mut gr = Groups { g: [(0, 0); 8], sep: [0; 8], n: 0 };
        let mut j = i;
        while gr.n < 8 {
            let s = j;
            while j < t.len() && t[j].is_ascii_digit() && j - s < 24 {
                j += 1;
            }
            if j == s {
                break;
            }
            gr.g[gr.n] = (s, j);
            gr.n += 1;
            match (t.get(j), t.get(j + 1)) {
                (Some(&c), Some(d)) if seps.contains(&c) && d.is_ascii_digit() => {
                    gr.sep[gr.n - 1] = c;
                    j += 1;
                }
                _ => break,
            }
        }
        gr
    }
    fn len(&self, k: usize) -> usize {
        self.g[k].1 - self.g[k].0
    }
    fn lens(&self, k: usize) -> impl Iterator<Item = usize> + '_ {
        (0..k).map(|x| self.len(x))
    }
    fn digits(&self, t: &[u8], k: usize, out: &mut Vec<u8>) {
        out.clear();
        for &(s, e) in &self.g[..k] {
            out.extend_from_slice(&t[s..e]);
        }
    }
    fn end(&self, k: usize) -> usize {
        self.g[k - 1].1
    }
    fn same_sep(&self, k: usize) -> Option<u8> {
        let first = self.sep[0];
        self.sep[..k.saturating_sub(1)].iter().all(|&s| s == first).then_some(first)
    }
}

/// The scanner over one text (a document, a chunk, or one field value).
pub struct Scanner<'a> {
    t: &'a [u8],
    key: Option<Label>,
    pub out: Vec<Cand>,
    buf: Vec<u8>,
    ctx: context::Ctx,
}

impl<'a> Scanner<'a> {
    pub fn new(t: &'a [u8], key: Option<Label>) -> Self {
        Scanner { t, key, out: Vec::new(), buf: Vec::with_capacity(32), ctx: context::Ctx::default() }
    }

    /// Confidence after context: cue words around the span and the field name.
    fn conf(&mut self, start: usize, end: usize, label: Label, base: f32) -> f32 {
        let mut c = base + self.ctx.adjust(self.t, start, end, label);
        match self.key {
            Some(k) if k == label => c += 0.5,
            Some(k) if k != Label::Person && k != Label::PostalAddress && label != Label::Email => c -= 0.3,
            _ => {}
        }
        c.clamp(0.0, 1.0)
    }

    fn push(&mut self, start: usize, end: usize, label: Label, base: f32, rec: &'static str) {
        let conf = self.conf(start, end, label, base);
        self.out.push(Cand { start, end, label, conf, rec });
    }

    fn cue(&mut self, start: usize, end: usize, label: Label) -> bool {
        self.key == Some(label) || self.ctx.has_cue(self.t, start, end, label)
    }

    pub fn run(&mut self) {
        let t = self.t;
        let n = t.len();
        let mut i = 0;
        while i < n {
            let c = CLASS[usize::from(t[i])];
            if c == C_SKIP {
                i += 1;
                continue;
            }
            let next = match c {
                C_DIGIT => self.at_digit(i),
                C_UPPER | C_HIGH => self.at_word(i),
                C_AT => self.at_email(i),
                C_PLUS | C_PAREN => self.at_phone_punct(i),
                C_COLON => self.at_ipv6(i),
                C_BRACKET => self.at_marker(i),
                _ => i + 1,
            };
            i = next.max(i + 1);
        }
    }

    // ---------------------------------------------------------------- digits

    fn at_digit(&mut self, i: usize) -> usize {
        let t = self.t;
        let mut run_end = i;
        while run_end < t.len() && t[run_end].is_ascii_digit() {
            run_end += 1;
        }
        if !left_ok(t, i) {
            // Possibly the check digits of an IBAN ("SE45 …", "be 54 …").
            if let Some(e) = self.iban_lookback(i) {
                return e;
            }
            return run_end;
        }
        if let Some(e) = self.iban_lookback(i) {
            return e;
        }
        let before = self.out.len();
        let g = Groups::read(t, i, b" -+./");
        self.cards(&g);
        self.se_ids(&g);
        self.ssn(&g);
        self.ipv4(&g);
        let date_shape = self.dates(i, &g);
        self.bank(&g);
        self.postal_digits(i, &g);
        // A phone number does not start inside a space-separated run of digit groups.
        let mid_run = i >= 2 && t[i - 1] == b' ' && t[i - 2].is_ascii_digit();
        if !date_shape
            && !mid_run
            && let Some((e, conf, rec)) = self.phone(i)
        {
            self.push(i, e, Label::Phone, conf, rec);
        }
        // Continue after the most specific candidate found here (not after the longest: a
        // phone-shaped run may swallow a second IP address that is its own finding).
        let best = self.out[before..]
            .iter()
            .max_by(|a, b| a.label.tier().cmp(&b.label.tier()).then(a.conf.total_cmp(&b.conf)))
            .map_or(run_end, |c| c.end);
        best.max(run_end)
    }

    fn cards(&mut self, g: &Groups) {
        let t = self.t;
        for k in (1..=g.n).rev() {
            let total: usize = g.lens(k).sum();
            if !(12..=19).contains(&total) {
                continue;
            }
            let sep = g.same_sep(k);
            if k > 1 && !matches!(sep, Some(b' ' | b'-')) {
                continue;
            }
            if k > 1 && g.lens(k).any(|l| !(2..=6).contains(&l)) {
                continue;
            }
            if !right_ok(t, g.end(k)) {
                continue;
            }
            let mut d = std::mem::take(&mut self.buf);
            g.digits(t, k, &mut d);
            let ok = ident::is_card(&d);
            self.buf = d;
            if ok {
                let base = match (k, total) {
                    (1, 16) => 0.8,
                    (1, 12 | 13) => 0.6,
                    (1, _) => 0.75,
                    _ => 0.92,
                };
                self.push(g.g[0].0, g.end(k), Label::CardNumber, base, "card_luhn");
                return;
            }
        }
    }

    fn se_ids(&mut self, g: &Groups) {
        let t = self.t;
        let lens: Vec<usize> = g.lens(g.n).collect();
        // (number of groups used, base confidence for a personnummer)
        let shape = match (lens.as_slice(), g.sep[0], g.sep[1]) {
            ([10 | 12, ..], _, _) => Some((1, if lens[0] == 12 { 0.9 } else { 0.75 })),
            ([6 | 8, 4, ..], b'-' | b'+', _) => Some((2, 0.95)),
            ([6 | 8, 4, ..], b' ', _) => Some((2, 0.7)),
            ([4, 2, 4, ..], b'-', b'-') => Some((3, 0.85)),
            _ => None,
        };
        let Some((k, base)) = shape else { return };
        let end = g.end(k);
        if !right_ok(t, end) {
            return;
        }
        let mut d = std::mem::take(&mut self.buf);
        g.digits(t, k, &mut d);
        let pnr = ident::personnummer(&d);
        let org = if k == 3 || (k == 2 && g.sep[0] == b'+') { None } else { ident::orgnr(&d) };
        self.buf = d;
        let start = g.g[0].0;
        match (pnr, org) {
            (Some(coord), Some(false)) | (Some(coord), None) => {
                let org_ctx = org.is_some()
                    && self.cue(start, end, Label::SeOrgnr)
                    && !self.cue(start, end, Label::SePersonnummer);
                if org_ctx {
                    self.push(start, end, Label::SeOrgnr, 0.6, "se_orgnr_luhn");
                } else {
                    let rec = if coord { "se_samordningsnummer" } else { "se_personnummer" };
                    self.push(start, end, Label::SePersonnummer, base, rec);
                }
            }
            (_, Some(true)) => {
                let b = if k == 1 { 0.75 } else { 0.92 };
                self.push(start, end, Label::SeOrgnr, b, "se_orgnr_luhn");
            }
            _ => {}
        }
    }

    fn ssn(&mut self, g: &Groups) {
        let t = self.t;
        let (k, base) = if g.n >= 3 && g.len(0) == 3 && g.len(1) == 2 && g.len(2) == 4 {
            match g.same_sep(3) {
                Some(b'-') => (3, 0.85),
                Some(b' ') => (3, 0.55),
                _ => return,
            }
        } else if g.len(0) == 9 {
            (1, 0.2)
        } else {
            return;
        };
        let end = g.end(k);
        if !right_ok(t, end) || (k == 3 && g.n > 3 && g.sep[2] != b' ') {
            return;
        }
        let mut d = std::mem::take(&mut self.buf);
        g.digits(t, k, &mut d);
        let ok = ident::is_ssn(&d);
        self.buf = d;
        if ok {
            self.push(g.g[0].0, end, Label::UsSsn, base, "us_ssn");
        }
    }

    fn ipv4(&mut self, g: &Groups) {
        let t = self.t;
        if g.n < 4 || g.sep[..3].iter().any(|&s| s != b'.') {
            return;
        }
        if g.n > 4 && g.sep[3] == b'.' {
            return;
        }
        for k in 0..4 {
            let (s, e) = g.g[k];
            let part = &t[s..e];
            if part.len() > 3 || (part.len() > 1 && part[0] == b'0') {
                return;
            }
            let v = part.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
            if v > 255 {
                return;
            }
        }
        let end = g.end(4);
        if !right_ok(t, end) {
            return;
        }
        self.push(g.g[0].0, end, Label::IpAddress, 0.8, "ipv4");
    }

    /// Dates (of birth, when a cue says so). Returns whether the digits have the shape of a
    /// real date, which rules out reading them as a phone number.
    fn dates(&mut self, i: usize, g: &Groups) -> bool {
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

    fn emit_dob(&mut self, start: usize, end: usize, y: u32, m: u32, d: u32) {
        if !(1900..=2030).contains(&y) || !ident::valid_date(Some(y), y % 100, m, d) {
            return;
        }
        if !right_ok(self.t, end) || !self.cue(start, end, Label::DateOfBirth) {
            return;
        }
        self.push(start, end, Label::DateOfBirth, 0.6, "date_of_birth");
    }

    fn bank(&mut self, g: &Groups) {
        let t = self.t;
        let lens: Vec<usize> = g.lens(g.n).collect();
        let mut d = std::mem::take(&mut self.buf);
        let mut hit: Option<(usize, &'static str)> = None;
        // Bankgiro: 3-4 or 4-4 with a dash; Luhn.
        if g.n >= 2 && (lens[0] == 3 || lens[0] == 4) && lens[1] == 4 && g.sep[0] == b'-' {
            g.digits(t, 2, &mut d);
            if ident::luhn(&d) && right_ok(t, g.end(2)) {
                hit = Some((2, "se_bankgiro"));
            }
        }
        // Plusgiro: 1-7 digits, dash, one check digit (possibly in pairs "12 34 56-7"); Luhn.
        if hit.is_none() {
            for k in 2..=g.n.min(5) {
                if g.len(k - 1) == 1 && g.sep[k - 2] == b'-' && g.lens(k - 1).all(|l| l <= 7) {
                    g.digits(t, k, &mut d);
                    if (2..=8).contains(&d.len()) && ident::luhn(&d) && right_ok(t, g.end(k)) {
                        hit = Some((k, "se_plusgiro"));
                    }
                    break;
                }
            }
        }
        // Clearing number (4 or 5 digits) and account number (6-10 digits, maybe grouped).
        if hit.is_none() && (lens[0] == 4 || lens[0] == 5) && g.n >= 2 && t[g.g[0].0] != b'0' {
            for k in (2..=g.n.min(6)).rev() {
                let acc: usize = g.lens(k).skip(1).sum();
                if (6..=10).contains(&acc) && right_ok(t, g.end(k)) {
                    hit = Some((k, "se_bank_account"));
                    break;
                }
            }
        }
        self.buf = d;
        if let Some((k, rec)) = hit
            && self.cue(g.g[0].0, g.end(k), Label::SeBankAccount)
        {
            self.push(g.g[0].0, g.end(k), Label::SeBankAccount, 0.35, rec);
        }
    }

    fn postal_digits(&mut self, i: usize, g: &Groups) {
        let t = self.t;
        // Swedish postcode "123 45" (first digit 1-9), usually followed by the town.
        if g.n >= 2 && g.len(0) == 3 && g.len(1) == 2 && g.sep[0] == b' ' && t[i] != b'0' {
            let end = g.end(2);
            if right_ok(t, end) {
                let town =
                    t.get(end) == Some(&b' ') && char_at(t, end + 1).is_some_and(|(c, _)| c.is_uppercase());
                let se_prefix = i >= 3 && t[i - 1] == b'-' && (t[i - 2] == b'E' || t[i - 2] == b'S');
                let base = if se_prefix {
                    0.85
                } else if town {
                    0.65
                } else {
                    0.3
                };
                self.push(i, end, Label::PostalAddress, base, "se_postcode");
                return;
            }
        }
        // US ZIP after a state code: "Springfield, IL 62704" or with a zip cue.
        if g.len(0) == 5 {
            let mut end = g.end(1);
            if g.n >= 2 && g.sep[0] == b'-' && g.len(1) == 4 {
                end = g.end(2);
            }
            if right_ok(t, end) {
                let state = i >= 4 && t[i - 1] == b' ' && lexicon::is_us_state(&t[i - 3..i - 1]);
                let base = if state { 0.8 } else { 0.25 };
                self.push(i, end, Label::PostalAddress, base, "us_zip");
                return;
            }
        }
        // English street: "221 Baker Street", "1600 Pennsylvania Avenue".
        if g.len(0) <= 5 {
            let mut j = g.g[0].1;
            if t.get(j).is_some_and(u8::is_ascii_uppercase)
                && !t.get(j + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                j += 1; // "221B"
            }
            let mut words = 0;
            while words < 4 && t.get(j) == Some(&b' ') && t.get(j + 1).is_some_and(u8::is_ascii_uppercase) {
                let ws = j + 1;
                let mut we = ws;
                while we < t.len() && t[we].is_ascii_alphabetic() {
                    we += 1;
                }
                let w = std::str::from_utf8(&t[ws..we]).unwrap_or("");
                words += 1;
                if words >= 2 && lexicon::is_en_street(w) {
                    self.push(i, we, Label::PostalAddress, 0.8, "en_street");
                    return;
                }
                j = we;
            }
        }
    }

    // ---------------------------------------------------------------- phones

    /// Parse a phone number starting at `i` (a digit, `+` or `(`).
    fn phone(&self, i: usize) -> Option<(usize, f32, &'static str)> {
        let t = self.t;
        let mut j = i;
        let intl = t[j] == b'+';
        let paren = t[j] == b'(';
        if intl || paren {
            j += 1;
        }
        let mut digits = 0usize;
        let mut groups = 0usize;
        let mut first = 0u8;
        let mut end = j;
        let mut seps = 0usize;
        loop {
            let s = j;
            while j < t.len() && t[j].is_ascii_digit() {
                if digits == 0 {
                    first = t[j];
                }
                j += 1;
                digits += 1;
            }
            if j == s || digits > 15 {
                break;
            }
            groups += 1;
            end = j;
            // separators: ")", ") ", " ", "-", ".", "/", " (0) ", "(0)"
            let mut k = j;
            if t.get(k) == Some(&b')') {
                k += 1;
            }
            if matches!(t.get(k), Some(b' ' | b'-' | b'.' | b'/')) {
                k += 1;
            }
            if t.get(k..k + 3) == Some(b"(0)") {
                k += 3;
                if t.get(k) == Some(&b' ') {
                    k += 1;
                }
            } else if t.get(k) == Some(&b'(') {
                k += 1;
            }
            if k == j || !t.get(k).is_some_and(u8::is_ascii_digit) {
                break;
            }
            seps += 1;
            j = k;
        }
        if digits > 15 || !right_ok(t, end) {
            return None;
        }
        let sep_shape = seps > 0;
        if intl {
            if (8..=15).contains(&digits) && first != b'0' {
                return Some((end, 0.85, "phone_e164"));
            }
            return None;
        }
        if paren {
            if digits == 10 && groups >= 2 && first >= b'2' {
                return Some((end, 0.8, "phone_us"));
            }
            return None;
        }
        let d = &t[i..end];
        if first == b'0' {
            if d.get(1) == Some(&b'0') {
                if (10..=17).contains(&digits) && sep_shape {
                    return Some((end, 0.7, "phone_intl_prefix"));
                }
                return None;
            }
            if (8..=10).contains(&digits) {
                return Some((end, if sep_shape { 0.7 } else { 0.5 }, "phone_se"));
            }
            return None;
        }
        if first == b'1' && digits == 11 && sep_shape && d.get(1).is_some_and(|c| !c.is_ascii_digit()) {
            return Some((end, 0.75, "phone_us"));
        }
        if digits == 10 && first >= b'2' {
            let ok3 = groups == 3 && d.get(3).is_some_and(|c| !c.is_ascii_digit());
            if ok3 {
                return Some((end, 0.75, "phone_us"));
            }
            if groups == 1 {
                return Some((end, 0.25, "phone_us"));
            }
        }
        None
    }

    fn at_phone_punct(&mut self, i: usize) -> usize {
        let t = self.t;
        if !t.get(i + 1).is_some_and(u8::is_ascii_digit) || (i > 0 && is_word_byte(t[i - 1])) {
            return i + 1;
        }
        if let Some((e, conf, rec)) = self.phone(i) {
            self.push(i, e, Label::Phone, conf, rec);
            return e;
        }
        i + 1
    }

    // ---------------------------------------------------------------- IBAN

    fn iban_lookback(&mut self, i: usize) -> Option<usize> {
        let t = self.t;
        // Country code right before the check digits, or with one space ("be 54 …").
        let cc_start = if i >= 2 && t[i - 1].is_ascii_alphabetic() && t[i - 2].is_ascii_alphabetic() {
            i - 2
        } else if i >= 3
            && t[i - 1] == b' '
            && t[i - 2].is_ascii_alphabetic()
            && t[i - 3].is_ascii_alphabetic()
        {
            i - 3
        } else {
            return None;
        };
        if cc_start > 0 && is_letter_before(t, cc_start) {
            return None;
        }
        let cc = [t[cc_start].to_ascii_uppercase(), t[cc_start + 1].to_ascii_uppercase()];
        let want = ident::iban_length(&cc)?;
        let mut compact = std::mem::take(&mut self.buf);
        compact.clear();
        compact.extend_from_slice(&cc);
        let mut j = i;
        let mut end = i;
        while compact.len() < want && j < t.len() {
            let c = t[j];
            if c.is_ascii_alphanumeric() {
                compact.push(c.to_ascii_uppercase());
                j += 1;
                end = j;
            } else if matches!(c, b' ' | b'-' | b'.') && t.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
                j += 1;
            } else {
                break;
            }
        }
        let ok = compact.len() == want
            && !t.get(end).is_some_and(u8::is_ascii_alphanumeric)
            && ident::is_iban(&compact);
        self.buf = compact;
        if ok {
            self.push(cc_start, end, Label::Iban, 0.95, "iban_mod97");
            return Some(end);
        }
        None
    }

    // ---------------------------------------------------------------- e-mail

    fn at_email(&mut self, i: usize) -> usize {
        let t = self.t;
        let is_local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
        let mut s = i;
        while s > 0 && i - s < 64 && is_local(t[s - 1]) {
            s -= 1;
        }
        while s < i && matches!(t[s], b'.' | b'-' | b'+') {
            s += 1;
        }
        if s == i {
            return i + 1;
        }
        // Domain: labels of [A-Za-z0-9-] separated by dots; last label alphabetic, 2+ chars.
        let mut j = i + 1;
        let mut last_dot = 0;
        let mut labels = 0;
        loop {
            let ls = j;
            while j < t.len() && (t[j].is_ascii_alphanumeric() || t[j] == b'-') && j - i < 255 {
                j += 1;
            }
            if j == ls {
                break;
            }
            labels += 1;
            if t.get(j) == Some(&b'.') && t.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
                last_dot = j;
                j += 1;
            } else {
                break;
            }
        }
        if labels < 2 {
            return i + 1;
        }
        let tld = &t[last_dot + 1..j];
        if tld.len() < 2 || !tld.iter().all(u8::is_ascii_alphabetic) {
            return i + 1;
        }
        self.push(s, j, Label::Email, 0.95, "email");
        j
    }

    // ---------------------------------------------------------------- IPv6

    fn at_ipv6(&mut self, i: usize) -> usize {
        let t = self.t;
        let is_v6 = |b: u8| b.is_ascii_hexdigit() || b == b':';
        let mut s = i;
        while s > 0 && i - s < 40 && is_v6(t[s - 1]) {
            s -= 1;
        }
        let mut e = i;
        while e < t.len()
            && e - s < 46
            && (is_v6(t[e]) || (t[e] == b'.' && t.get(e + 1).is_some_and(u8::is_ascii_digit)))
        {
            e += 1;
        }
        let cand = &t[s..e];
        let colons = cand.iter().filter(|&&b| b == b':').count();
        let double = memchr::memmem::find(cand, b"::").is_some();
        if colons < 2 || (!double && colons < 7) {
            return e;
        }
        if (s > 0 && (is_word_byte(t[s - 1]) || t[s - 1] == b'.'))
            || t.get(e).is_some_and(|&b| is_word_byte(b))
        {
            return e;
        }
        // Trailing ':' (e.g. "addr ::1:") is trimmed by trying shorter ends.
        let mut end = e;
        while end > s + 2 {
            if let Some(text) = std::str::from_utf8(&t[s..end]).ok()
                && text.parse::<std::net::Ipv6Addr>().is_ok()
            {
                if text.bytes().filter(|b| b.is_ascii_hexdigit()).count() >= 1 {
                    self.push(s, end, Label::IpAddress, 0.85, "ipv6");
                }
                return e;
            }
            if t[end - 1] != b':' {
                break;
            }
            end -= 1;
        }
        e
    }

    // ---------------------------------------------------------------- markers

    /// Skip what the label and hash operators wrote (`[PERSON]`, `[EMAIL:3f9a…]`).
    fn at_marker(&self, i: usize) -> usize {
        let t = self.t;
        let mut j = i + 1;
        while j < t.len() && j - i < 20 && (t[j].is_ascii_uppercase() || t[j] == b'_') {
            j += 1;
        }
        let name = std::str::from_utf8(&t[i + 1..j]).unwrap_or("");
        if name.parse::<Label>().is_err() {
            return i + 1;
        }
        match t.get(j) {
            Some(b']') => j + 1,
            Some(b':') => {
                let mut k = j + 1;
                while k < t.len() && k - j < 70 && t[k].is_ascii_alphanumeric() {
                    k += 1;
                }
                if t.get(k) == Some(&b']') { k + 1 } else { i + 1 }
            }
            _ => i + 1,
        }
    }

    // ---------------------------------------------------------------- words

    /// A word at `i`: letters, with inner `-` or `'` followed by a letter.
    fn word_end(&self, i: usize) -> usize {
        let t = self.t;
        let mut j = i;
        while j < t.len() {
            let b = t[j];
            if b.is_ascii_alphabetic() {
                j += 1;
            } else if b >= 0x80 {
                match char_at(t, j) {
                    Some((c, l)) if c.is_alphabetic() => j += l,
                    _ => break,
                }
            } else if (b == b'-' || b == b'\'') && t.get(j + 1).is_some_and(u8::is_ascii_alphabetic) && j > i
            {
                j += 1;
            } else {
                break;
            }
        }
        j
    }

    fn word_str(&self, s: usize, e: usize) -> &'a str {
        std::str::from_utf8(&self.t[s..e]).unwrap_or("")
    }

    fn at_word(&mut self, i: usize) -> usize {
        let t = self.t;
        if is_letter_before(t, i) {
            // Inside a word: skip to its end.
            let e = self.word_end(i);
            return e.max(i + 1);
        }
        let Some((c, _)) = char_at(t, i) else { return i + 1 };
        if !c.is_uppercase() {
            return self.word_end(i).max(i + 1);
        }
        let e = self.word_end(i);
        let w = self.word_str(i, e);
        // Swedish street and number: "Storgatan 12", "Kungsvägen 5B".
        if lexicon::is_se_street(w) && t.get(e) == Some(&b' ') && t.get(e + 1).is_some_and(u8::is_ascii_digit)
        {
            let mut j = e + 1;
            while j < t.len() && t[j].is_ascii_digit() && j - e <= 4 {
                j += 1;
            }
            if t.get(j).is_some_and(u8::is_ascii_alphabetic)
                && !t.get(j + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                j += 1;
            }
            if right_ok(t, j) {
                self.push(i, j, Label::PostalAddress, 0.8, "se_street");
                return j;
            }
        }
        // "March 12, 1985"
        if let Some(m) = lexicon::month(w)
            && t.get(e) == Some(&b' ')
        {
            let ds = e + 1;
            let mut de = ds;
            while de < t.len() && t[de].is_ascii_digit() && de - ds < 2 {
                de += 1;
            }
            if de > ds {
                let mut k = de;
                if t.get(k) == Some(&b',') {
                    k += 1;
                }
                if t.get(k) == Some(&b' ')
                    && t.get(k + 1..k + 5).is_some_and(|y| y.iter().all(u8::is_ascii_digit))
                {
                    let d = t[ds..de].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
                    let y = t[k + 1..k + 5].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
                    self.emit_dob(i, k + 5, y, m, d);
                    return k + 5;
                }
            }
        }
        self.person(i, e)
    }

    /// The word before `i` (skipping spaces and `,.:;!` and line breaks), if any.
    fn prev_word(&self, i: usize) -> (&'a str, bool) {
        let t = self.t;
        let mut j = i;
        let mut sentence_start = i == 0;
        while j > 0
            && matches!(
                t[j - 1],
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'.' | b':' | b';' | b'!' | b'?' | b'"' | b'('
            )
        {
            if matches!(t[j - 1], b'.' | b'!' | b'?' | b'\n') {
                sentence_start = true;
            }
            j -= 1;
            if i - j > 6 {
                break;
            }
        }
        if j == 0 {
            sentence_start = true;
        }
        let e = j;
        while j > 0 && (t[j - 1].is_ascii_alphabetic() || t[j - 1] >= 0x80 || t[j - 1] == b'/') && e - j < 20
        {
            j -= 1;
        }
        (self.word_str(j, e), sentence_start)
    }

    fn person(&mut self, i: usize, e1: usize) -> usize {
        let t = self.t;
        let w1 = self.word_str(i, e1);
        let w1 = w1.strip_suffix("'s").unwrap_or(w1);
        if w1.len() < 2
            || lexicon::is_stop_word(w1)
            || lexicon::is_person_cue(w1)
            || w1.bytes().all(|b| b.is_ascii_uppercase())
        {
            return e1;
        }
        let g1 = lexicon::is_given(w1);
        let s1 = lexicon::is_surname(w1);
        // "Kunden Anna Svensson": an unknown capitalised word before a given name is not part
        // of the name.
        if !g1 && !s1 && t.get(e1) == Some(&b' ') {
            let ne = self.word_end(e1 + 1);
            if ne > e1 + 1 && lexicon::is_given(self.word_str(e1 + 1, ne)) {
                return e1;
            }
        }
        let (prev, sentence_start) = self.prev_word(i);
        let strong = lexicon::is_strong_person_cue(prev);
        // Following capitalised words on the same line.
        let mut ends = [e1; 3];
        let mut kinds = [(g1, s1, false); 3];
        let mut n = 1;
        let mut j = e1;
        while n < 3 && t.get(j) == Some(&b' ') {
            let Some((c, _)) = char_at(t, j + 1) else { break };
            if !c.is_uppercase() {
                break;
            }
            let we = self.word_end(j + 1);
            let w = self.word_str(j + 1, we);
            let w = w.strip_suffix("'s").unwrap_or(w);
            if w.len() < 2 || lexicon::is_stop_word(w) || lexicon::is_en_street(w) || lexicon::is_se_street(w)
            {
                break;
            }
            if w.bytes().all(|b| b.is_ascii_uppercase()) {
                break;
            }
            let g = lexicon::is_given(w);
            let s = lexicon::is_surname(w) || lexicon::surname_shape(w);
            // An unknown word is only taken right after a known given name or a title.
            if !g && !s && !(n == 1 && (g1 || strong)) {
                break;
            }
            kinds[n] = (g, s, !g && !s);
            ends[n] = if w.len() + j + 1 < we { j + 1 + w.len() } else { we };
            n += 1;
            j = we;
            if t.get(j).is_some_and(|&b| b == b'\'') {
                break;
            }
        }
        let end = ends[n - 1];
        let weak = !strong && lexicon::is_person_cue(prev);
        let last = kinds[n - 1];
        let mut base: f32 = if n >= 2 {
            match (g1, last) {
                (true, (_, true, _)) | (true, (true, _, _)) => 0.9,
                (true, _) => 0.7,
                (false, (_, true, _)) if s1 || kinds[0].1 => 0.5,
                (false, (_, true, _)) => 0.55,
                _ => 0.15,
            }
        } else if g1 {
            if sentence_start { 0.3 } else { 0.4 }
        } else if s1 || lexicon::surname_shape(w1) {
            0.25
        } else {
            0.05
        };
        if strong {
            base += 0.5;
        } else if weak {
            base += 0.15;
        }
        if self.key == Some(Label::Person) {
            base += 0.4;
        }
        let conf = base.clamp(0.0, 1.0);
        let end = if w1.len() < e1 - i && n == 1 { i + w1.len() } else { end };
        self.out.push(Cand { start: i, end, label: Label::Person, conf, rec: "person_lexicon" });
        end.max(e1)
    }
}

/// Every finding starts and ends at a word boundary: the characters just outside it are not
/// letters or digits. This keeps redaction idempotent (a replacement never creates a new
/// boundary for its neighbours).
pub fn bounded(t: &[u8], c: &Cand) -> bool {
    !is_letter_before(t, c.start)
        && !char_at(t, c.end).is_some_and(|(ch, _)| ch.is_alphanumeric() || ch == '_')
}

/// Whole-value candidates for a field whose name says what it holds.
pub fn whole_field(value: &[u8], key: Label) -> Option<Cand> {
    let s = std::str::from_utf8(value).ok()?;
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if trimmed.is_empty() || trimmed.starts_with('[') {
        return None;
    }
    let (start, end) = (lead, lead + trimmed.len());
    let ok = match key {
        Label::Person => {
            let words: Vec<&str> = trimmed.split_whitespace().collect();
            (1..=4).contains(&words.len())
                && words.iter().all(|w| {
                    w.chars().next().is_some_and(char::is_alphabetic)
                        && w.chars().all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '.' | ','))
                })
        }
        Label::Phone => {
            let digits = trimmed.bytes().filter(u8::is_ascii_digit).count();
            (7..=15).contains(&digits)
                && trimmed.bytes().all(|b| {
                    b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'+' | b'(' | b')' | b'.' | b'/')
                })
        }
        Label::PostalAddress => {
            trimmed.chars().any(char::is_alphanumeric)
                && trimmed.len() >= 3
                && trimmed.chars().any(|c| c.is_ascii_digit())
        }
        _ => false,
    };
    ok.then_some(Cand { start, end, label: key, conf: 0.9, rec: "field_name" })
}
