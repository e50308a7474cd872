//! Tokens and features of the PERSON tagger.
//!
//! Only capitalised words (and initials such as `R.`) are tokens: every other word is outside
//! a name by construction, so the tagger's cost is a small constant per capitalised word. Each
//! token gets hashed features of its own form (word, affixes, shape, lexicon membership), of
//! its neighbours (the words and punctuation around it, the label before a colon on its line,
//! the position in the line), of the field it sits in (the JSON key or CSV column label) and of
//! what the rule-based scanner found on it; the previous token's tag adds a few more at
//! decoding time.

use crate::Label;
use crate::lexicon;
use crate::scan::Cand;

/// Feature groups, so that training can drop a whole group (feature dropout).
pub const G_WORD: u8 = 1;
/// Lexicon membership of the token itself.
pub const G_LEX: u8 = 2;
/// The scanner's candidates on the token.
pub const G_RULE: u8 = 4;
/// Context: neighbours, line, field.
pub const G_CTX: u8 = 8;

/// How a token joins the token before it.
pub const SEP_NONE: u8 = 0;
/// One space between them.
pub const SEP_SPACE: u8 = 1;
/// `", "` between them ("Okafor, Chidinma").
pub const SEP_COMMA: u8 = 2;

/// Token flags (what the decoder and the vetoes look at).
pub const F_GIVEN: u16 = 1;
/// A known surname or a surname shape.
pub const F_SURNAME: u16 = 2;
/// A word that is never a name (stop word, field word, cue, month).
pub const F_STOP: u16 = 4;
/// All capitals.
pub const F_CAPS: u16 = 8;
/// A place word follows ("torg", "gatan", "Street").
pub const F_PLACE_AFTER: u16 = 16;
/// A company word follows ("AB", "Bygg", "&").
pub const F_COMPANY_AFTER: u16 = 32;
/// A role noun comes just before ("Handläggare Ekonomi").
pub const F_ROLE_BEFORE: u16 = 64;
/// The line holds a name label before a colon ("From:", "Tenant:").
pub const F_NAME_LABEL: u16 = 128;
/// The field's key or column says PERSON.
pub const F_KEY_PERSON: u16 = 256;
/// A single letter initial.
pub const F_INITIAL: u16 = 512;
/// A street word itself ("Storgatan").
pub const F_STREET: u16 = 1024;

/// One token: a capitalised word.
#[derive(Clone, Copy, Debug)]
pub struct Tok {
    /// Byte range in the text (an initial includes its dot).
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// How it joins the previous token.
    pub sep: u8,
    /// `F_*` flags.
    pub flags: u16,
    /// The scanner's PERSON candidate on it: 0 none, 1 starts here, 2 continues.
    pub rule: u8,
}

/// The tokens of one text with their static features (flat).
#[derive(Default)]
pub struct Sentence {
    /// Tokens in text order.
    pub toks: Vec<Tok>,
    /// Feature ids of all tokens, token `k`'s in `feats[offs[k]..offs[k + 1]]`.
    pub feats: Vec<u32>,
    /// The group of each feature (`G_*`).
    pub groups: Vec<u8>,
    /// Offsets into `feats`.
    pub offs: Vec<u32>,
}

/// Bits of the hashed feature space.
pub const NBITS: u32 = 18;

#[inline]
fn mix(h: u64, b: u64) -> u64 {
    (h ^ b).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}

/// Hash of a template id and some bytes (ASCII folded to lower case).
#[inline]
fn hash(tpl: u8, bytes: &[u8]) -> u64 {
    let mut h = mix(0xCBF2_9CE4_8422_2325, u64::from(tpl));
    for &b in bytes {
        h = mix(h, u64::from(b.to_ascii_lowercase()));
    }
    h
}

#[inline]
fn fid(h: u64) -> u32 {
    let top = h.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> (64 - NBITS);
    u32::try_from(top).unwrap_or(0)
}

/// Feature id of a tag feature (previous tag and a token attribute).
pub fn tag_feature(tpl: u8, prev: u8, attr: u64) -> u32 {
    fid(mix(mix(hash(tpl, &[]), u64::from(prev)), attr))
}

fn decode(t: &[u8], i: usize) -> Option<(char, usize)> {
    let b = *t.get(i)?;
    let len = match b {
        0..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    std::str::from_utf8(t.get(i..i + len)?).ok()?.chars().next().map(|c| (c, len))
}

fn letter_before(t: &[u8], i: usize) -> bool {
    let mut j = i;
    while j > 0 {
        j -= 1;
        if t[j] & 0xC0 != 0x80 {
            return match decode(t, j) {
                Some((c, _)) => c.is_alphanumeric() || c == '_',
                None => false,
            };
        }
        if i - j >= 4 {
            return false;
        }
    }
    false
}

/// End of the word starting at `i`: letters, with an inner `-` or `'` before a letter.
fn word_end(t: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < t.len() {
        let b = t[j];
        if b.is_ascii_alphabetic() {
            j += 1;
        } else if b >= 0x80 {
            match decode(t, j) {
                Some((c, l)) if c.is_alphabetic() => j += l,
                _ => break,
            }
        } else if matches!(b, b'-' | b'\'') && j > i && t.get(j + 1).is_some_and(u8::is_ascii_alphabetic) {
            j += 1;
        } else {
            break;
        }
    }
    j
}

/// The word (any case) and the punctuation between it and `i`, looking back.
fn word_back(t: &[u8], i: usize) -> (&[u8], u8, bool) {
    let mut j = i;
    let mut punct = 0u8;
    let mut newline = false;
    while j > 0 && i - j < 8 {
        let b = t[j - 1];
        if b == b' ' || b == b'\t' {
            j -= 1;
        } else if b == b'\n' || b == b'\r' {
            newline = true;
            j -= 1;
        } else if b.is_ascii_punctuation() && b != b'-' && b != b'\'' {
            if punct == 0 {
                punct = b;
            }
            j -= 1;
        } else {
            break;
        }
    }
    let e = j;
    while j > 0 && e - j < 24 && (t[j - 1].is_ascii_alphabetic() || t[j - 1] >= 0x80) {
        j -= 1;
    }
    while j < e && t[j] & 0xC0 == 0x80 {
        j += 1;
    }
    (&t[j..e], punct, newline)
}

/// The word after `e` and the punctuation before it.
fn word_fwd(t: &[u8], e: usize) -> (&[u8], u8, bool) {
    let mut j = e;
    let mut punct = 0u8;
    let mut newline = j >= t.len();
    while j < t.len() && j - e < 8 {
        let b = t[j];
        if b == b' ' || b == b'\t' {
            j += 1;
        } else if b == b'\n' || b == b'\r' {
            newline = true;
            break;
        } else if b.is_ascii_punctuation() && b != b'&' {
            if punct == 0 {
                punct = b;
            }
            j += 1;
        } else {
            break;
        }
    }
    if newline {
        return (&[], punct, true);
    }
    let s = j;
    while j < t.len()
        && j - s < 24
        && !matches!(t[j], b' ' | b'\t' | b'\n' | b'\r' | b',' | b';' | b':' | b')' | b'"')
    {
        j += 1;
    }
    while j < t.len() && j > s && t[j] & 0xC0 == 0x80 {
        j += 1;
    }
    (t.get(s..j).unwrap_or(&[]), punct, false)
}

fn as_str(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// "ANNA" -> "Anna" for lexicon lookups of words in capitals.
fn title(w: &str) -> String {
    let mut cs = w.chars();
    cs.next().map(|f| f.to_string() + &cs.as_str().to_lowercase()).unwrap_or_default()
}

fn shape(w: &[u8]) -> u64 {
    // Up to 6 classes of characters, runs collapsed: X x - ' and non-ASCII U/L.
    let mut h = 0u64;
    let mut last = 0u8;
    let mut n = 0;
    for c in as_str(w).chars() {
        let k = if c.is_uppercase() {
            if c.is_ascii() { b'X' } else { b'U' }
        } else if c.is_lowercase() {
            if c.is_ascii() { b'x' } else { b'u' }
        } else {
            b'-'
        };
        if k != last {
            h = mix(h, u64::from(k));
            last = k;
            n += 1;
            if n > 6 {
                break;
            }
        }
    }
    h
}

/// The label before a colon on the line of `i`, if the token follows one directly.
fn line_label(t: &[u8], i: usize) -> Option<&[u8]> {
    let mut k = i;
    while k > 0 && i - k < 4 && matches!(t[k - 1], b' ' | b'\t' | b'"' | b'\'') {
        k -= 1;
    }
    if k == 0 || t[k - 1] != b':' {
        return None;
    }
    let lo = k.saturating_sub(40);
    let ls = t[lo..k].iter().rposition(|&b| b == b'\n').map_or(lo, |p| lo + p + 1);
    let mut s = ls;
    while s < k && matches!(t[s], b' ' | b'\t' | b'>' | b'*' | b'-') {
        s += 1;
    }
    while s < k && t[s] & 0xC0 == 0x80 {
        s += 1;
    }
    t.get(s..k - 1)
}

struct Extract<'a> {
    t: &'a [u8],
    s: Sentence,
}

impl Extract<'_> {
    fn push(&mut self, g: u8, tpl: u8, bytes: &[u8]) {
        self.s.feats.push(fid(hash(tpl, bytes)));
        self.s.groups.push(g);
    }
    fn push_h(&mut self, g: u8, tpl: u8, h: u64) {
        self.s.feats.push(fid(mix(hash(tpl, &[]), h)));
        self.s.groups.push(g);
    }
}

/// The scanner's PERSON candidates and other labels, sorted by start.
struct Rules {
    spans: Vec<(usize, usize, Label, f32)>,
}

impl Rules {
    fn at(&self, s: usize, e: usize) -> Option<&(usize, usize, Label, f32)> {
        let k = self.spans.partition_point(|c| c.0 <= s);
        // The candidate starting at or before `s` with the longest reach, then any inside.
        self.spans[..k]
            .iter()
            .rev()
            .take(4)
            .find(|c| c.1 > s)
            .or_else(|| self.spans[k..].iter().take_while(|c| c.0 < e).next())
    }
}

/// Tokens and static features of `text`; `cands` are the scanner's candidates on it and `key`
/// the label its field name says.
pub fn sentence(t: &[u8], key: Option<Label>, cands: &[Cand]) -> Sentence {
    let mut x = Extract { t, s: Sentence::default() };
    let mut rules = Rules { spans: cands.iter().map(|c| (c.start, c.end, c.label, c.conf)).collect() };
    rules.spans.sort_by_key(|c| c.0);
    // Person candidates' starts and ends (for B / I of the rule feature).
    let key_tag: &[u8] = match key {
        None => b"-",
        Some(Label::Person) => b"P",
        Some(Label::PostalAddress) => b"A",
        Some(_) => b"o",
    };
    let short_value = t.len() <= 80 && !t.contains(&b'\n');
    let mut i = 0;
    let mut prev_end: Option<usize> = None;
    while i < t.len() {
        let b = t[i];
        let upper = if b.is_ascii_uppercase() {
            true
        } else if b >= 0xC3 {
            decode(t, i).is_some_and(|(c, _)| c.is_uppercase())
        } else {
            false
        };
        if !upper || (i > 0 && letter_before(t, i)) {
            i += if b < 0x80 { 1 } else { decode(t, i).map_or(1, |(_, l)| l) };
            // Skip the rest of a word.
            if !upper && (b.is_ascii_alphanumeric() || b >= 0x80) {
                while i < t.len() && (t[i].is_ascii_alphanumeric() || t[i] >= 0x80) {
                    i += 1;
                }
            }
            continue;
        }
        let we = word_end(t, i);
        if we - i > 32 || we == i {
            i = we.max(i + 1);
            continue;
        }
        let initial = t[i..we].len() == 1 && t.get(we) == Some(&b'.');
        let end = if initial { we + 1 } else { we };
        let sep = if prev_end.is_some_and(|p| p + 1 == i) && t[i - 1] == b' ' {
            SEP_SPACE
        } else if prev_end.is_some_and(|p| p + 2 == i) && &t[i - 2..i] == b", " {
            SEP_COMMA
        } else {
            SEP_NONE
        };
        x.token(i, we, end, sep, key_tag, short_value, &rules);
        prev_end = Some(end);
        i = end;
    }
    x.s.offs.push(u32::try_from(x.s.feats.len()).unwrap_or(u32::MAX));
    x.s
}

impl Extract<'_> {
    #[allow(clippy::too_many_arguments)]
    fn token(
        &mut self,
        i: usize,
        we: usize,
        end: usize,
        sep: u8,
        key_tag: &[u8],
        short: bool,
        rules: &Rules,
    ) {
        let t = self.t;
        self.s.offs.push(u32::try_from(self.s.feats.len()).unwrap_or(u32::MAX));
        let w = &t[i..we];
        let ws = as_str(w);
        let caps = w.len() >= 2 && ws.chars().all(|c| !c.is_lowercase());
        let tw;
        let lw: &str = if caps {
            tw = title(ws);
            &tw
        } else {
            ws
        };
        let lw = lw.strip_suffix("'s").unwrap_or(lw);
        let mut flags = 0u16;
        if caps {
            flags |= F_CAPS;
        }
        if end > we {
            flags |= F_INITIAL;
        }
        if lexicon::is_given(lw) {
            flags |= F_GIVEN;
        }
        if lexicon::is_surname(lw) || lexicon::surname_shape(lw) {
            flags |= F_SURNAME;
        }
        if lexicon::is_stop_word(lw)
            || lexicon::is_field_word(lw)
            || lexicon::is_person_cue(lw)
            || lexicon::month(lw).is_some()
        {
            flags |= F_STOP;
        }
        if lexicon::is_se_street(lw) || lexicon::is_en_street(lw) {
            flags |= F_STREET;
        }
        // Word features.
        self.push(0, 0, b"bias");
        self.push(G_WORD, 1, w);
        let n = w.len();
        if n >= 3 {
            self.push(G_WORD, 2, &w[n - 3..]);
            self.push(G_WORD, 3, &w[..3]);
        }
        if n >= 2 {
            self.push(G_WORD, 4, &w[n - 2..]);
        }
        self.push_h(0, 5, shape(&t[i..end]));
        self.push_h(0, 6, (n.min(12) as u64) << 8 | u64::from(end > we));
        self.push_h(G_LEX, 7, u64::from(flags & (F_GIVEN | F_SURNAME | F_STOP | F_STREET)));
        if lexicon::is_given(lw) && lexicon::is_surname(lw) {
            self.push(G_LEX, 8, b"both");
        }
        if ws.bytes().any(|b| b >= 0x80) {
            self.push(0, 9, b"nonascii");
        }
        // Neighbours.
        let (pw, pp, pnl) = word_back(t, i);
        let line_start = i == 0 || {
            let mut k = i;
            while k > 0 && matches!(t[k - 1], b' ' | b'\t' | b'*' | b'-' | b'>' | b'/') {
                k -= 1;
            }
            k == 0 || t[k - 1] == b'\n'
        };
        self.push(G_CTX, 10, pw);
        self.push_h(G_CTX, 11, u64::from(pp) << 8 | u64::from(pnl) << 1 | u64::from(line_start));
        self.push_h(G_CTX, 12, hash(0, pw) ^ u64::from(pp));
        let pws = as_str(pw);
        if lexicon::is_strong_person_cue(pws) {
            self.push(G_CTX, 13, b"strong");
        } else if lexicon::is_person_cue(pws) {
            self.push(G_CTX, 13, b"weak");
        }
        if lexicon::is_role_noun(pws) {
            flags |= F_ROLE_BEFORE;
            self.push(G_CTX, 13, b"role");
        }
        let pcap = pw.first().is_some_and(u8::is_ascii_uppercase);
        self.push_h(G_CTX, 14, u64::from(pcap) << 8 | u64::from(sep));
        // Two words back (through the previous word).
        let pstart = (pw.as_ptr() as usize).wrapping_sub(t.as_ptr() as usize);
        if pstart <= i && !pw.is_empty() {
            let (ppw, ppp, _) = word_back(t, pstart);
            self.push_h(G_CTX, 15, hash(0, ppw) ^ u64::from(ppp));
        }
        let (nw, np, nnl) = word_fwd(t, end);
        self.push(G_CTX, 16, nw);
        self.push_h(G_CTX, 17, u64::from(np) << 8 | u64::from(nnl));
        self.push_h(G_CTX, 18, hash(0, nw) ^ u64::from(np));
        let nws = as_str(nw);
        let ncap = nw.first().is_some_and(u8::is_ascii_uppercase)
            || (nw.first().is_some_and(|&b| b >= 0x80) && nws.chars().next().is_some_and(char::is_uppercase));
        self.push_h(G_CTX, 19, u64::from(ncap) << 8 | u64::from(np));
        if lexicon::is_place_word(nws) || lexicon::is_se_street(nws) {
            flags |= F_PLACE_AFTER;
            self.push(G_CTX, 20, b"place");
        }
        if lexicon::is_company_word(nws) {
            flags |= F_COMPANY_AFTER;
            self.push(G_CTX, 20, b"company");
        } else if ncap {
            let ne = (nw.as_ptr() as usize).wrapping_sub(t.as_ptr() as usize).wrapping_add(nw.len());
            if ne <= t.len() {
                let (nnw, _, _) = word_fwd(t, ne);
                if lexicon::is_company_form(as_str(nnw)) {
                    flags |= F_COMPANY_AFTER;
                    self.push(G_CTX, 20, b"company2");
                } else if lexicon::is_place_word(as_str(nnw)) {
                    self.push(G_CTX, 20, b"place2");
                }
            }
        }
        if nws.bytes().all(|b| b.is_ascii_digit()) && !nw.is_empty() {
            self.push(G_CTX, 21, b"digits");
        }
        // Line: a label before a colon.
        if let Some(label) = line_label(t, i) {
            let lower = as_str(label).trim().to_lowercase();
            let named = !lower.is_empty() && lexicon::is_name_label(&lower);
            if named {
                flags |= F_NAME_LABEL;
            }
            self.push(G_CTX, 22, lower.as_bytes());
            let last = lower.rsplit([' ', '_']).next().unwrap_or("");
            self.push(G_CTX, 23, last.as_bytes());
            self.push_h(G_CTX, 24, u64::from(named));
        }
        // Field.
        self.push(G_CTX, 25, key_tag);
        if key_tag == b"P" {
            flags |= F_KEY_PERSON;
        }
        self.push_h(G_CTX, 26, u64::from(short) << 8 | hash(0, key_tag));
        // Rules.
        match rules.at(i, end) {
            Some(&(s, e, label, conf)) => {
                let pos = if s == i {
                    1
                } else if s < i {
                    2
                } else {
                    3
                };
                let lab = label.as_str().as_bytes();
                let bucket = (conf * 5.0) as u64;
                self.push_h(G_RULE, 27, hash(0, lab) ^ pos);
                self.push_h(G_RULE, 28, hash(0, lab) ^ pos ^ bucket << 4);
                if label == Label::Person {
                    self.s.toks.push(Tok { start: i, end, sep, flags, rule: if s == i { 1 } else { 2 } });
                    let _ = e;
                    return;
                }
            }
            None => self.push(G_RULE, 27, b"none"),
        }
        self.s.toks.push(Tok { start: i, end, sep, flags, rule: 0 });
    }
}
