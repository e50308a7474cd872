//! The single-pass scanner: finds candidates of every label in a byte slice.
//!
//! The scanner walks the bytes once. Most bytes (lower-case letters, spaces, punctuation) are
//! skipped through a class table; digits, `+`, `(`, `@`, `:` and capitalised words start the
//! recognizers. Every recognizer is hand-written, works on bytes, and only ever matches valid
//! UTF-8 (ASCII or whole decoded characters), so a span can always be shown as `&str`.

mod address_label;
mod address_line;
mod address_place;
mod addresses;
mod columns;
mod confidence;
mod contact;
mod dates;
mod names;
pub(crate) use address_place::names_a_business;
mod numbers;
mod se_bank;

#[cfg(test)]
mod rule_tests;
#[cfg(test)]
mod skip_tests;
#[cfg(test)]
mod table_tests;
#[cfg(test)]
mod utf8_tests;

use crate::Label;
use crate::context;

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

/// Whether all eight bytes of `x` are `C_SKIP`. Conservative: it also fails on some skipped
/// bytes (`)`, `*`, `;` to `?`), which then go through the table one at a time.
#[inline]
fn all_skip(x: u64) -> bool {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    // Sean Anderson's "hasbetween" (bytes below 0x80): the high bit of each byte b, m < b < n.
    let low = x & (L * 127);
    let between = |m: u64, n: u64| (L * (127 + n) - low) & !x & (low + L * (127 - m)) & H;
    // High bytes, '(' to '+', '0' to '[' (digits, ':', '@', capitals, '[').
    x & H == 0 && between(0x27, 0x2C) == 0 && between(0x2F, 0x5C) == 0
}

#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Decode the character at `i` (valid UTF-8 only).
///
/// By hand, with the checks of `str::from_utf8` (no overlong forms, no surrogates, nothing
/// above U+10FFFF): it runs for nearly every non-ASCII byte, and a call to `from_utf8` for
/// each 2-4 byte slice showed in the profile.
pub(crate) fn char_at(t: &[u8], i: usize) -> Option<(char, usize)> {
    let b = *t.get(i)?;
    if b < 0x80 {
        return Some((char::from(b), 1));
    }
    // Continuation byte `k` after the lead: its 6 payload bits.
    let cont = |k: usize| t.get(i + k).filter(|&&c| c & 0xC0 == 0x80).map(|&c| u32::from(c & 0x3F));
    // The second byte's range is narrower after some lead bytes (RFC 3629).
    let second =
        |lo: u8, hi: u8| t.get(i + 1).filter(|&&c| (lo..=hi).contains(&c)).map(|&c| u32::from(c & 0x3F));
    let (cp, len) = match b {
        0xC2..=0xDF => ((u32::from(b & 0x1F) << 6) | cont(1)?, 2),
        0xE0..=0xEF => {
            let c1 = match b {
                0xE0 => second(0xA0, 0xBF)?,
                0xED => second(0x80, 0x9F)?,
                _ => second(0x80, 0xBF)?,
            };
            ((u32::from(b & 0x0F) << 12) | (c1 << 6) | cont(2)?, 3)
        }
        0xF0..=0xF4 => {
            let c1 = match b {
                0xF0 => second(0x90, 0xBF)?,
                0xF4 => second(0x80, 0x8F)?,
                _ => second(0x80, 0xBF)?,
            };
            ((u32::from(b & 0x07) << 18) | (c1 << 12) | (cont(2)? << 6) | cont(3)?, 4)
        }
        _ => return None,
    };
    char::from_u32(cp).map(|c| (c, len))
}

/// End of the word starting at `i`: letters, with an inner `-` or `'` before a letter
/// ("Kjell-Åke", "O'Brien" are one word).
pub(crate) fn word_end(t: &[u8], i: usize) -> usize {
    let letter_at = |k: usize| match t.get(k) {
        Some(b) if b.is_ascii() => b.is_ascii_alphabetic(),
        Some(_) => char_at(t, k).is_some_and(|(c, _)| c.is_alphabetic()),
        None => false,
    };
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
        } else if matches!(b, b'-' | b'\'') && j > i && letter_at(j + 1) {
            j += 1;
        } else {
            break;
        }
    }
    j
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

/// Whether the underscores ending at `i` are a form's fill-in line: two or more, or one
/// after a label's colon or a space (`Pnr:_850314-1239_`), not a join inside a word (`id_85`).
pub(crate) fn line_before(t: &[u8], i: usize) -> bool {
    let mut k = i;
    while k > 0 && t[k - 1] == b'_' {
        k -= 1;
    }
    i - k >= 2 || (i > k && !is_letter_before(t, k))
}

/// Whether the underscores starting at `e` are a fill-in line (see `line_before`).
fn line_after(t: &[u8], e: usize) -> bool {
    let mut k = e;
    while t.get(k) == Some(&b'_') {
        k += 1;
    }
    k - e >= 2 || (k > e && !char_at(t, k).is_some_and(|(c, _)| c.is_alphanumeric()))
}

/// Left digit boundary: not inside a word or a longer number.
fn left_ok(t: &[u8], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let p = t[i - 1];
    if is_word_byte(p) || p == b'+' {
        // A form's fill-in line ("Personnummer:__19890517-7807__") is not part of a word.
        return p == b'_' && line_before(t, i);
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
        return n == b'_' && line_after(t, e);
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
    /// The lengths of the groups, `[..self.n]` used (an array: no allocation per number).
    fn len_array(&self) -> [usize; 8] {
        let mut l = [0; 8];
        for (k, x) in l.iter_mut().enumerate().take(self.n) {
            *x = self.len(k);
        }
        l
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
    /// `t` as text, if it is valid UTF-8 (see `text_of`).
    ts: Option<&'a str>,
    key: Option<Label>,
    pub out: Vec<Cand>,
    buf: Vec<u8>,
    ctx: context::Ctx,
    /// Column labels of a delimited header line read as text (computed on first use).
    header: Option<Option<Header>>,
    /// Name candidates below this confidence are dropped when found (they could not be
    /// reported: resolution drops them first). Capitalised words are many, so this keeps the
    /// candidate list of a 4 MiB block small.
    pub floor: f32,
}

/// The first line of a text that looks like a CSV header: its delimiter, field count and the
/// label each column name says.
struct Header {
    delim: u8,
    cols: Vec<Option<Label>>,
}

/// Delimiters of `line` outside double quotes.
fn count_delims(line: &[u8], delim: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delim && !quoted {
            n += 1;
        }
    }
    n
}

impl Header {
    fn parse(t: &[u8]) -> Option<Header> {
        let end = memchr::memchr(b'\n', &t[..t.len().min(4096)])?;
        let line = &t[..end];
        let delim = [b',', b';', b'\t'].into_iter().max_by_key(|&d| count_delims(line, d))?;
        if count_delims(line, delim) < 1 {
            return None;
        }
        let text = std::str::from_utf8(line).ok()?;
        let cols: Vec<Option<Label>> = text
            .split(char::from(delim))
            .map(|f| {
                let f = f.trim().trim_matches('"').trim();
                // A header cell is a short name, not a value or a sentence.
                if f.is_empty() || f.len() > 40 || f.bytes().any(|b| b.is_ascii_digit()) {
                    None
                } else {
                    context::key_label(f)
                }
            })
            .collect();
        cols.iter().any(Option::is_some).then_some(Header { delim, cols })
    }
}

impl<'a> Scanner<'a> {
    /// A scanner over `t`; `ts` is what `str::from_utf8` makes of it (`None` if it is not
    /// UTF-8, or not known: then every word is validated on its own).
    pub fn new(t: &'a [u8], ts: Option<&'a str>, key: Option<Label>) -> Self {
        Scanner {
            t,
            ts,
            key,
            out: Vec::new(),
            buf: Vec::with_capacity(32),
            ctx: context::Ctx::default(),
            header: None,
            floor: 0.0,
        }
    }

    /// `t[s..e]` as text, as `str::from_utf8` gives it, without validating its bytes again
    /// when the whole text is valid: a slice of valid UTF-8 is valid exactly when both its
    /// ends are character boundaries. Validating each word showed in the profile.
    pub(crate) fn text_of(&self, s: usize, e: usize) -> Option<&'a str> {
        match self.ts {
            // An empty slice is "" even inside a character (`get` says None there).
            Some(_) if s == e && e <= self.t.len() => Some(""),
            Some(ts) => ts.get(s..e),
            None => std::str::from_utf8(self.t.get(s..e)?).ok(),
        }
    }

    /// Confidence after context: cue words around the span and the field name.
    fn conf(&mut self, start: usize, end: usize, label: Label, base: f32) -> f32 {
        let mut c = base + self.ctx.adjust(self.t, start, end, label);
        match self.key {
            Some(k) if k == label => c += confidence::FIELD_NAME_MATCH,
            // A sole trader's organisation number is the owner's personnummer.
            Some(Label::SeOrgnr) if label == Label::SePersonnummer => c += confidence::FIELD_NAME_MATCH,
            Some(k) if k != Label::Person && k != Label::PostalAddress && label != Label::Email => {
                c -= confidence::FIELD_NAME_OTHER
            }
            _ => {}
        }
        c.clamp(0.0, 1.0)
    }

    fn push(&mut self, start: usize, end: usize, label: Label, base: f32, rec: &'static str) {
        let mut conf = self.conf(start, end, label, base);
        // An address that is not a person's stays a candidate (the PERSON tagger sees the
        // place), below the reporting threshold.
        if label == Label::PostalAddress && (self.not_a_home(start) || self.not_a_home_after(end)) {
            conf = conf.min(confidence::NOT_A_HOME);
        }
        // After a US routing number on its line ("Routing 021000021  Account 4471 …") the
        // account is an American one, whatever cue names it.
        if label == Label::SeBankAccount && self.routing_before(start) {
            conf = conf.min(confidence::NOT_A_HOME);
        }
        // A company's registration or VAT number in a phone's shape ("Company No. 08817342",
        // "VAT EL 099 812 774").
        if label == Label::Phone && self.registration_before(start) {
            conf = conf.min(confidence::NOT_A_HOME);
        }
        self.out.push(Cand { start, end, label, conf, rec });
    }

    /// Whether a company's registration or VAT label ends right before `start` ("Company
    /// No.", "company number:", "Reg. no", "VAT", "VAT No. GB").
    fn registration_before(&self, start: usize) -> bool {
        const LABELS: &[&[u8]] = &[
            b"company no.",
            b"company no",
            b"company number",
            b"company reg. no.",
            b"company registration no.",
            b"company registration number",
            b"registration no.",
            b"registered no.",
            b"reg. no.",
            b"vat",
            b"vat no.",
            b"vat reg.",
            b"vat reg. no.",
        ];
        let t = self.t;
        let lo = start.saturating_sub(32);
        let ls = memchr::memrchr(b'\n', &t[lo..start]).map_or(lo, |p| lo + p + 1);
        fn trim(mut b: &[u8]) -> &[u8] {
            while let [rest @ .., b' ' | b':' | b'#' | b'('] = b {
                b = rest;
            }
            b
        }
        let mut b = trim(&t[ls..start]);
        // Cheap test first: every label ends in a letter or a dot.
        if !b.last().is_some_and(|c| c.is_ascii_alphabetic() || *c == b'.') {
            return false;
        }
        let ends = |b: &[u8], l: &[u8]| {
            b.len() >= l.len()
                && b[b.len() - l.len()..].eq_ignore_ascii_case(l)
                && !b[..b.len() - l.len()].last().is_some_and(|c| c.is_ascii_alphanumeric())
        };
        // A country code after a VAT label ("VAT EL", "VAT Reg. GB").
        if b.len() > 3 && b[b.len() - 3] == b' ' && b[b.len() - 2..].iter().all(u8::is_ascii_uppercase) {
            let head = trim(&b[..b.len() - 3]);
            if [&b"vat"[..], b"vat reg.", b"vat no."].iter().any(|l| ends(head, l)) {
                b = head;
            }
        }
        LABELS.iter().any(|l| ends(b, l))
    }

    /// Whether "routing", "ABA" or "RTN" stands before `start` on its line (48 bytes).
    fn routing_before(&self, start: usize) -> bool {
        let t = self.t;
        let lo = start.saturating_sub(48);
        let ls = memchr::memrchr(b'\n', &t[lo..start]).map_or(lo, |p| lo + p + 1);
        t[ls..start].split(|b| !b.is_ascii_alphabetic()).any(|w| {
            w.eq_ignore_ascii_case(b"routing")
                || w.eq_ignore_ascii_case(b"aba")
                || w.eq_ignore_ascii_case(b"rtn")
        })
    }

    /// Whether the ten digits at `start` are an NHS number (printed `NNN NNN NNNN` like a North
    /// American phone): "NHS" stands before them on their line, or heads their column.
    fn nhs_number(&self, start: usize) -> bool {
        let t = self.t;
        let lo = start.saturating_sub(48);
        let ls = memchr::memrchr(b'\n', &t[lo..start]).map_or(lo, |p| lo + p + 1);
        t[ls..start].split(|b| !b.is_ascii_alphabetic()).any(|w| w.eq_ignore_ascii_case(b"nhs"))
            || self.header_column_above(start, &["nhs"])
    }

    /// In a text whose first line is a CSV header, the label its column name gives the field
    /// holding `i` (the row must have as many fields as the header).
    fn column_label(&mut self, i: usize) -> Option<Label> {
        let t = self.t;
        if self.header.is_none() {
            self.header = Some(Header::parse(t));
        }
        let h = self.header.as_ref()?.as_ref()?;
        let lo = i.saturating_sub(4096);
        let ls = lo + memchr::memrchr(b'\n', &t[lo..i])? + 1;
        let le = memchr::memchr(b'\n', &t[i..]).map_or(t.len(), |p| i + p);
        let line = &t[ls..le];
        let total = count_delims(line, h.delim);
        if total + 1 != h.cols.len() {
            return None;
        }
        *h.cols.get(count_delims(&t[ls..i], h.delim))?
    }

    fn cue(&mut self, start: usize, end: usize, label: Label) -> bool {
        self.key == Some(label) || self.ctx.has_cue(self.t, start, end, label)
    }

    pub fn run(&mut self) {
        let t = self.t;
        let n = t.len();
        let mut i = 0;
        while i < n {
            // Most text is lower-case words and spaces: step over eight such bytes at a time
            // (the table below saw every byte, and its dispatch led the profile).
            while let Some(chunk) = t.get(i..i + 8) {
                if !all_skip(crate::wordset::load_le(chunk)) {
                    break;
                }
                i += 8;
            }
            let Some(&b) = t.get(i) else { break };
            let c = CLASS[usize::from(b)];
            if c == C_SKIP {
                i += 1;
                continue;
            }
            if (c == C_DIGIT || c == C_UPPER)
                && let Some(end) = self.at_code(i)
            {
                i = end;
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
        self.address_labels();
    }

    // ---------------------------------------------------------------- customer codes

    /// A customer code in its display form `XXXX-XXXX-XXXX` (canonical upper-case Crockford
    /// symbols, check symbol verified by `sekretess_ident::is_customer_code`).
    fn at_code(&mut self, i: usize) -> Option<usize> {
        let t = self.t;
        let end = i + 14;
        let span = t.get(i..end)?;
        // The dashes first: every digit and capital comes here, and few are a code.
        if span[4] != b'-' || span[9] != b'-' {
            return None;
        }
        if is_letter_before(t, i) || (i >= 2 && t[i - 1] == b'-' && t[i - 2].is_ascii_alphanumeric()) {
            return None;
        }
        let mut symbols = [0u8; sekretess_ident::CODE_SYMBOLS];
        let mut n = 0;
        for (k, &b) in span.iter().enumerate() {
            if k == 4 || k == 9 {
                if b != b'-' {
                    return None;
                }
            } else {
                symbols[n] = b;
                n += 1;
            }
        }
        let after_ok = match t.get(end) {
            None => true,
            Some(&b) if is_word_byte(b) => false,
            Some(b'-') => !t.get(end + 1).is_some_and(u8::is_ascii_alphanumeric),
            Some(&b) if b >= 0x80 => !char_at(t, end).is_some_and(|(c, _)| c.is_alphanumeric()),
            Some(_) => true,
        };
        if !after_ok || !sekretess_ident::is_customer_code(&symbols) {
            return None;
        }
        self.out.push(Cand { start: i, end, label: Label::CustomerCode, conf: 1.0, rec: "customer_code" });
        Some(end)
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
}

/// Every finding starts and ends at a word boundary: the characters just outside it are not
/// letters or digits. This keeps redaction idempotent (a replacement never creates a new
/// boundary for its neighbours).
pub fn bounded(t: &[u8], c: &Cand) -> bool {
    // The personnummer inside a sole trader's VAT number ("SE620215133501") is bounded by
    // the number's prefix and suffix.
    if c.rec == "se_vat_personnummer" {
        return true;
    }
    // A form's fill-in line ("__Anna Berg__", "__19890517-7807__") bounds a value like a
    // space: two underscores are a line, not part of a word or an identifier.
    // A name in the Swedish genitive ("Villes konto") is the name without its "s".
    let genitive = c.label == Label::Person
        && t.get(c.end) == Some(&b's')
        && t.get(c.end + 1) == Some(&b' ')
        && c.end > c.start
        && t[c.end - 1].is_ascii_lowercase();
    (!is_letter_before(t, c.start)
        || (t.get(c.start.wrapping_sub(1)) == Some(&b'_') && line_before(t, c.start)))
        && (!char_at(t, c.end).is_some_and(|(ch, _)| ch.is_alphanumeric() || ch == '_')
            || (t.get(c.end) == Some(&b'_') && line_after(t, c.end))
            || genitive)
}

/// A post-office box that is a whole cell of a person's row ("Box 312", "PO Box 7741"): the
/// person's own postal address (a company's box is not, and its row says so).
pub(crate) fn whole_box_cell(value: &[u8]) -> Option<Cand> {
    let s = std::str::from_utf8(value).ok()?;
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    let lower = trimmed.to_lowercase();
    let rest = ["po box ", "p.o. box ", "box ", "postbox ", "postboks "]
        .iter()
        .find_map(|b| lower.strip_prefix(b))?;
    let number = rest.split([',', ' ']).next().unwrap_or("");
    let ok = (1..=7).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(Cand {
        start: lead,
        end: lead + trimmed.len(),
        label: Label::PostalAddress,
        conf: confidence::WHOLE_FIELD,
        rec: "field_name",
    })
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
            // A post-office box is not a person's address (a company's, by convention).
            let first = trimmed.split_whitespace().next().unwrap_or("");
            let po_box = matches!(first.to_lowercase().as_str(), "box" | "po" | "p.o." | "postbox" | "pob");
            !po_box
                && trimmed.chars().any(char::is_alphanumeric)
                && trimmed.len() >= 3
                && trimmed.chars().any(|c| c.is_ascii_digit())
        }
        _ => false,
    };
    // "c/o Name, Street 1, …": the name is a person's, the address starts after it.
    let start = match (key, trimmed.get(..4)) {
        (Label::PostalAddress, Some(co)) if co.eq_ignore_ascii_case("c/o ") => match trimmed.find(", ") {
            Some(p)
                if trimmed[p + 2..].bytes().any(|b| b.is_ascii_digit())
                    && !trimmed[4..p].contains(char::is_numeric) =>
            {
                start + p + 2
            }
            _ => start,
        },
        _ => start,
    };
    ok.then_some(Cand { start, end, label: key, conf: confidence::WHOLE_FIELD, rec: "field_name" })
}
