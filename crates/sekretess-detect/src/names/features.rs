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
use crate::scan::{Cand, char_at, word_end};
use crate::wordset::load_le;

use super::csv::{column_other, csv_header, layout_column, layout_header, layout_person};
use super::lexcache::{
    CACHE, L_COMPANY, L_EXACT_SUR, L_FORM, L_GIVEN, L_PLACE, L_ROLE, L_STOP, L_STREET, L_STRONG, L_SUR,
    L_WEAK, LexCache,
};
use super::neighbours::{as_str, letter_before, str_in, word_back, word_fwd};
use super::wordforms::{bare_initial, gap_label, swedish_genitive};

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
/// A comma between them, with a space or two around it ("Okafor, Chidinma", "HOLM ,  ASTRID"
/// in OCR text).
pub const SEP_COMMA: u8 = 2;
/// A slash and no space between them ("OSEI/AMARA", an airline's SURNAME/GIVEN).
pub const SEP_SLASH: u8 = 3;

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
/// In a CSV read as text whose header names person columns, a column that is not one ("stad").
pub const F_COLUMN_OTHER: u16 = 2048;
/// In a CSV read as text whose header names person columns, a person column ("efternamn").
pub const F_COLUMN_PERSON: u16 = 4096;
/// A street word itself ("Storgatan").
pub const F_STREET: u16 = 1024;
/// A company form later on the line ("Goldberg Properties LLC").
pub const F_COMPANY_LATER: u16 = 8192;
/// A given name in the Swedish genitive ("Villes konto"); the token is the name without its "s".
pub const F_GENITIVE: u16 = 16384;

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
    /// Spaces before it when it is joined by spaces (1 to 4; OCR text and tables space wider).
    pub gap: u8,
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
    /// Capitalised words at a sentence's start that were not made tokens (no cue, no list):
    /// looked at again when a name found elsewhere in the text holds them.
    pub skipped: Vec<(usize, usize)>,
}

thread_local! {
    /// The buffer of `Sentence::skipped`, kept between texts (one allocation per thread).
    static SKIPPED: std::cell::RefCell<Vec<(usize, usize)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Gives a sentence's buffer of skipped words back for the next text.
pub(super) fn give_back(mut skipped: Vec<(usize, usize)>) {
    skipped.clear();
    SKIPPED.with(|c| *c.borrow_mut() = skipped);
}

/// Bits of the hashed feature space.
pub const NBITS: u32 = 16;

#[inline]
pub(super) fn mix(h: u64, b: u64) -> u64 {
    (h ^ b).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}

/// Hash of a template id and some bytes (ASCII folded to lower case), eight bytes at a time.
#[inline]
fn hash(tpl: u8, bytes: &[u8]) -> u64 {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    let mut h = mix(0xCBF2_9CE4_8422_2325, u64::from(tpl));
    for chunk in bytes.chunks(8) {
        let x = load_le(chunk);
        // 0x20 on the bytes 'A'..='Z' (hasbetween), so ASCII case does not matter.
        let low = x & (L * 127);
        let upper = (L * (127 + 0x5B) - low) & !x & (low + L * (127 - 0x40)) & H;
        h = mix(h, x | (upper >> 2));
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

/// "ANNA" -> "Anna" for lexicon lookups of words in capitals.
pub(super) fn title(w: &str) -> String {
    let mut cs = w.chars();
    cs.next().map(|f| f.to_string() + &cs.as_str().to_lowercase()).unwrap_or_default()
}

fn shape(w: &str) -> u64 {
    // Up to 6 classes of characters, runs collapsed: X x - ' and non-ASCII U/L.
    let mut h = 0u64;
    let mut last = 0u8;
    let mut n = 0;
    for c in w.chars() {
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
    // A scanned form's fill-in line or box between the colon and the value
    // ("Surname:______NAME", "Efternamn:    [ NAME ]").
    while k > 0 && i - k < 40 && matches!(t[k - 1], b' ' | b'_' | b'[' | b'|') {
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
    /// `t` as text, if it is valid UTF-8.
    ts: Option<&'a str>,
    s: Sentence,
    cache: LexCache,
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

/// The scanner's PERSON candidates and other labels, sorted by start; tokens ask in text
/// order, so a cursor finds them in amortised constant time.
struct Rules {
    spans: Vec<(usize, usize, Label, f32)>,
    cursor: std::cell::Cell<usize>,
}

impl Rules {
    fn at(&self, s: usize, e: usize) -> Option<&(usize, usize, Label, f32)> {
        let mut k = self.cursor.get();
        if k > 0 && self.spans.get(k - 1).is_some_and(|c| c.0 > s) {
            k = self.spans.partition_point(|c| c.0 <= s);
        }
        while self.spans.get(k).is_some_and(|c| c.0 <= s) {
            k += 1;
        }
        self.cursor.set(k);
        // The candidate starting at or before `s` that reaches past it, then any inside.
        self.spans[..k]
            .iter()
            .rev()
            .take(4)
            .find(|c| c.1 > s)
            .or_else(|| self.spans[k..].iter().take_while(|c| c.0 < e).next())
    }
}

/// The next byte at or after `i` that may start a capital letter: an ASCII capital or a
/// lead byte of a non-ASCII character. Eight ASCII bytes at a time (SWAR).
fn next_capital(t: &[u8], mut i: usize) -> usize {
    const L: u64 = 0x0101_0101_0101_0101;
    const H: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = t.get(i..i + 8) {
        let mut a = [0u8; 8];
        a.copy_from_slice(chunk);
        let x = u64::from_le_bytes(a);
        if x & H != 0 {
            break;
        }
        // Any byte b with '@' < b < '[' (Sean Anderson's "hasbetween").
        let low = x & (L * 127);
        let between = (L * (127 + 0x5B) - low) & !x & (low + L * (127 - 0x40)) & H;
        if between != 0 {
            break;
        }
        i += 8;
    }
    while i < t.len() {
        let b = t[i];
        if b.is_ascii_uppercase() || b >= 0xC3 {
            return i;
        }
        i += 1;
    }
    t.len()
}

/// Whether a capitalised word that is not joined to a previous one needs the model: it is
/// followed by another capitalised word, stands mid-sentence, alone on its line or before a
/// colon, after a label, under a scanner candidate, or in a name lexicon.
fn worth_a_look<'a>(
    t: &'a [u8],
    ts: Option<&'a str>,
    i: usize,
    we: usize,
    end: usize,
    rules: &Rules,
    cache: &mut LexCache,
) -> bool {
    // Followed by spaces (or ", ") and a capital.
    let mut j = end;
    if t.get(j) == Some(&b',') {
        j += 1;
    }
    let sp = j;
    while j < t.len() && j - sp < 4 && (t[j] == b' ' || t[j] == b'\t') {
        j += 1;
    }
    if j > sp && char_at(t, j).is_some_and(|(c, _)| c.is_uppercase()) {
        return true;
    }
    // Before a slash and a capital ("OSEI/AMARA").
    if t.get(end) == Some(&b'/') && t.get(end + 1).is_some_and(u8::is_ascii_uppercase) {
        return true;
    }
    // Alone on its line, before a colon or bracket, or at the end of the text; a chat
    // speaker before a role in brackets ("Given (Agent): …").
    if matches!(t.get(end), None | Some(b'\n' | b'\r' | b':' | b'<' | b'(' | b'"'))
        || super::structure::role_in_brackets(t, end)
    {
        return true;
    }
    // Mid-sentence.
    let mut k = i;
    while k > 0 && matches!(t[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    if k > 0 && !matches!(t[k - 1], b'.' | b'!' | b'?' | b'\n' | b'\r' | b']') {
        return true;
    }
    if line_label(t, i).is_some() || rules.at(i, end).is_some() {
        return true;
    }
    cache.get(str_in(ts, &t[i..we])) & (L_GIVEN | L_SUR) != 0
}

/// A comma joining two words of one name: `,` with at most two spaces before it and one to
/// three after it ("Okafor, Chidinma"; "HOLM ,  ASTRID" in OCR text).
pub(super) fn comma_join(between: &[u8]) -> bool {
    let Some(c) = between.iter().position(|&b| b == b',') else { return false };
    let (before, after) = (&between[..c], &between[c + 1..]);
    before.len() <= 2 && (1..=3).contains(&after.len()) && before.iter().chain(after).all(|&b| b == b' ')
}

/// Tokens and static features of `text`; `cands` are the scanner's candidates on it and `key`
/// the label its field name says.
pub fn sentence(t: &[u8], key: Option<Label>, cands: &[Cand]) -> Sentence {
    sentence_in(t, std::str::from_utf8(t).ok(), key, cands)
}

/// `sentence`, with `ts` what `str::from_utf8` makes of `t` (words are cut from it at
/// character boundaries).
pub(crate) fn sentence_in<'a>(
    t: &'a [u8],
    ts: Option<&'a str>,
    key: Option<Label>,
    cands: &[Cand],
) -> Sentence {
    let cache = CACHE.with(|c| std::mem::replace(&mut *c.borrow_mut(), LexCache::empty()));
    let mut x = Extract { t, ts, s: Sentence::default(), cache };
    x.s.skipped = SKIPPED.with(|c| std::mem::take(&mut *c.borrow_mut()));
    let mut rules = Rules {
        spans: cands.iter().map(|c| (c.start, c.end, c.label, c.conf)).collect(),
        cursor: std::cell::Cell::new(0),
    };
    rules.spans.sort_by_key(|c| c.0);
    // Person candidates' starts and ends (for B / I of the rule feature).
    let key_tag: &[u8] = match key {
        None => b"-",
        Some(Label::Person) => b"P",
        Some(Label::PostalAddress) => b"A",
        Some(_) => b"o",
    };
    let short_value = t.len() <= 80 && !t.contains(&b'\n');
    let header = if key.is_none() { csv_header(t) } else { None };
    // A laid-out table is looked for once, at the first token after a wide gap or a bar.
    let mut layout: Option<Option<super::csv::Layout>> = None;
    let mut i = 0;
    let mut prev_end: Option<usize> = None;
    while i < t.len() {
        i = next_capital(t, i);
        let Some(&b) = t.get(i) else { break };
        let upper = if b.is_ascii_uppercase() {
            true
        } else if b >= 0xC3 {
            char_at(t, i).is_some_and(|(c, _)| c.is_uppercase())
        } else {
            false
        };
        if !upper || (i > 0 && letter_before(t, i)) {
            i += if b < 0x80 { 1 } else { char_at(t, i).map_or(1, |(_, l)| l) };
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
        // What a label operator wrote ("[PERSON]", "[EMAIL:3f9a…]") is not a name.
        if i > 0 && t[i - 1] == b'[' && t[i..we].iter().all(u8::is_ascii_uppercase) {
            i = we;
            continue;
        }
        // The part a partial mask left visible ("████ Berg") is not a new name: redacting
        // twice changes nothing.
        if i >= 4 && t[..i - 1].ends_with("\u{2588}".as_bytes()) && t[i - 1] == b' ' {
            i = we;
            continue;
        }
        // Contractions are not names: "I'm", "We'd", "They'll".
        if let Some(a) = t[i..we].iter().position(|&b| b == b'\'') {
            let rest = &t[i + a + 1..we];
            if matches!(rest, b"m" | b"d" | b"ll" | b"re" | b"ve" | b"t") {
                i = we;
                continue;
            }
        }
        // A possessive is the name without its "'s" ("Tove Holm's order").
        let possessive = we - i > 3 && t[i..we].ends_with(b"'s");
        // The Swedish genitive ("Annas", "Villes") is the name without its "s" when the
        // word less the "s" is a given name and the word is not a name itself ("Agnes").
        let genitive = !possessive && swedish_genitive(t, i, we, &mut x.cache);
        let we = if possessive {
            we - 2
        } else if genitive {
            we - 1
        } else {
            we
        };
        // One letter, of any script ("É. Moreau"), and its dot.
        let initial = str_in(ts, &t[i..we]).chars().count() == 1 && t.get(we) == Some(&b'.');
        // The second letter of an abbreviation ("P.O. Box", "U.S.") is not an initial.
        if initial && i >= 2 && t[i - 1] == b'.' && t[i - 2].is_ascii_alphabetic() {
            i = we + 1;
            continue;
        }
        let end = if initial { we + 1 } else { we };
        // Joined by spaces (one, or a few as in OCR text), by a comma or by a slash.
        let spaces = t[..i].iter().rev().take(5).take_while(|&&b| b == b' ' || b == b'\t').count();
        // What lies between this word and the previous token, when that is a few bytes.
        let between = prev_end.filter(|&p| i - p <= 6).and_then(|p| t.get(p..i)).unwrap_or(&[]);
        // A tab is a cell's edge: a name never runs across one ("Given Surname⏎Given …" rows
        // of a spreadsheet pasted as text).
        let tab = spaces > 0 && t[i - spaces..i].contains(&b'\t');
        let spaced = (1..=4).contains(&spaces) && !tab && prev_end.is_some_and(|p| p + spaces == i);
        // So is a laid-out table's column ("Efternamn  Förnamn": two cells, two names); the
        // table is looked for here only when a wide gap would join two tokens.
        if spaced && spaces >= 2 && layout.is_none() && key.is_none() && header.is_none() {
            layout = Some(layout_header(t));
        }
        let other_column = spaced
            && spaces >= 2
            && match (&layout, x.s.toks.last()) {
                (Some(Some(l)), Some(prev)) => {
                    layout_column(t, prev.start, l).is_some_and(|c| Some(c) != layout_column(t, i, l))
                }
                _ => false,
            };
        let sep = if spaced && !other_column {
            SEP_SPACE
        } else if comma_join(between) {
            SEP_COMMA
        } else if between == b"/"
            && t[i - 2].is_ascii_uppercase()
            && t.get(i + 1).is_some_and(|b| !b.is_ascii_lowercase())
        {
            // Only in capitals, as on tickets and passenger lists ("Dato/Date" is a heading).
            SEP_SLASH
        } else {
            SEP_NONE
        };
        let gap = if sep == SEP_SPACE { u8::try_from(spaces).unwrap_or(4) } else { 0 };
        if sep == SEP_NONE && key.is_none() && !worth_a_look(t, ts, i, we, end, &rules, &mut x.cache) {
            // A capitalised word at the start of a sentence, alone, with no cue: outside a
            // name without asking the model (this keeps the cost per byte low).
            x.s.skipped.push((i, we));
            i = end;
            continue;
        }
        x.token(i, we, end, sep, key_tag, short_value, &rules);
        if possessive || genitive {
            x.push(G_CTX, 29, b"possessive");
        }
        if genitive && let Some(tok) = x.s.toks.last_mut() {
            tok.flags |= F_GENITIVE;
        }
        if let Some(tok) = x.s.toks.last_mut() {
            tok.gap = gap;
        }
        if layout.is_none()
            && key.is_none()
            && header.is_none()
            && i >= 2
            && matches!(t[i - 2..i], [b' ', b' '] | [b'|', b' '] | [_, b'|'] | [_, b'\t'])
        {
            layout = Some(layout_header(t));
        }
        if let Some(Some(l)) = &layout
            && layout_person(t, i, l)
            && let Some(tok) = x.s.toks.last_mut()
        {
            tok.flags |= F_COLUMN_PERSON;
        }
        if let Some((delim, cols)) = &header
            && let Some(tok) = x.s.toks.last_mut()
        {
            match column_other(t, i, *delim, cols) {
                Some(true) => tok.flags |= F_COLUMN_OTHER,
                Some(false) => tok.flags |= F_COLUMN_PERSON,
                None => {}
            }
        }
        prev_end = Some(end);
        i = end;
    }
    x.s.offs.push(u32::try_from(x.s.feats.len()).unwrap_or(u32::MAX));
    CACHE.with(|c| *c.borrow_mut() = x.cache);
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
        let ws = str_in(self.ts, w);
        let caps = w.len() >= 2
            && ws.bytes().all(|b| !b.is_ascii_lowercase())
            && ws.chars().all(|c| !c.is_lowercase());
        let lx = self.cache.get(ws);
        let mut flags = 0u16;
        if caps {
            flags |= F_CAPS;
        }
        let bare = end == we && bare_initial(t, i, we);
        if end > we || bare {
            flags |= F_INITIAL;
        }
        if lx & L_GIVEN != 0 {
            flags |= F_GIVEN;
        }
        if lx & L_SUR != 0 {
            flags |= F_SURNAME;
        }
        // An initial is never a stop word: "A. Osei", "I. Holm" (not the article or "I").
        // A month that is also a given name, before a capitalised word and not by a number,
        // is the name ("Jan Eriksson", "Jun Wei Tan"; not "12 Jan", "Jan 12").
        let month_name = lx & (L_STOP | L_GIVEN) == L_STOP | L_GIVEN
            && t.get(we) == Some(&b' ')
            && t.get(we + 1).is_some_and(|&b| b.is_ascii_uppercase() || b >= 0xC3)
            && !t[..i].trim_ascii_end().last().is_some_and(u8::is_ascii_digit)
            && lexicon::month(ws).is_some();
        if lx & L_STOP != 0 && end == we && !bare && !month_name {
            flags |= F_STOP;
        }
        if lx & L_STREET != 0 {
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
        self.push_h(0, 5, shape(str_in(self.ts, &t[i..end])));
        self.push_h(0, 6, (n.min(12) as u64) << 8 | u64::from(end > we));
        self.push_h(G_LEX, 7, u64::from(flags & (F_GIVEN | F_SURNAME | F_STOP | F_STREET)));
        if lx & (L_GIVEN | L_EXACT_SUR) == L_GIVEN | L_EXACT_SUR {
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
        let plx = self.cache.get(str_in(self.ts, pw));
        if plx & L_STRONG != 0 {
            self.push(G_CTX, 13, b"strong");
        } else if plx & L_WEAK != 0 {
            self.push(G_CTX, 13, b"weak");
        }
        if plx & L_ROLE != 0 {
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
        let nws = str_in(self.ts, nw);
        let ncap = nw.first().is_some_and(u8::is_ascii_uppercase)
            || (nw.first().is_some_and(|&b| b >= 0x80) && nws.chars().next().is_some_and(char::is_uppercase));
        self.push_h(G_CTX, 19, u64::from(ncap) << 8 | u64::from(np));
        let nlx = self.cache.get(nws);
        if nlx & L_PLACE != 0 {
            // "Karl Johans torg" is a place; "Anna Svensson, Lindvägen 7" a person and her
            // street: the veto needs the place word right after, not across punctuation nor a
            // table's gap between two cells ("Holm, Anna      Lindvägen 7").
            let cell_gap = t.get(end..end + 3).is_some_and(|g| g == b"   " || g.first() == Some(&b'\t'));
            if np == 0 && !cell_gap {
                flags |= F_PLACE_AFTER;
            }
            self.push(G_CTX, 20, b"place");
        }
        if nlx & L_COMPANY != 0 {
            flags |= F_COMPANY_AFTER;
            self.push(G_CTX, 20, b"company");
        } else if ncap {
            let ne = (nw.as_ptr() as usize).wrapping_sub(t.as_ptr() as usize).wrapping_add(nw.len());
            if ne <= t.len() {
                let (nnw, _, _) = word_fwd(t, ne);
                let nnlx = self.cache.get(str_in(self.ts, nnw));
                if nnlx & L_FORM != 0 {
                    flags |= F_COMPANY_AFTER;
                    self.push(G_CTX, 20, b"company2");
                } else if nnlx & L_PLACE != 0 {
                    self.push(G_CTX, 20, b"place2");
                }
            }
        }
        // A company form later on the line ("Elektro Kraft i Norr AB", "Fjord Kayak Tours AS").
        let le = t[end..t.len().min(end + 48)]
            .iter()
            .position(|&b| b == b'\n' || b == b';' || b == b'"')
            .map_or(t.len().min(end + 48), |p| end + p);
        let mut later = false;
        let words = if ncap || nw.len() <= 2 { &t[end..le] } else { &[][..] };
        for w in words.split(|&b| b == b' ' || b == b',') {
            if w.len() <= 6
                && w.first().is_some_and(|b| b.is_ascii_uppercase() || matches!(b, b'(' | b'p'))
                && self.cache.get(str_in(self.ts, w)) & L_FORM != 0
            {
                later = true;
                break;
            }
        }
        if later {
            flags |= F_COMPANY_LATER;
            self.push(G_CTX, 20, b"company_later");
        }
        if nws.bytes().all(|b| b.is_ascii_digit()) && !nw.is_empty() {
            self.push(G_CTX, 21, b"digits");
        }
        // Line: a label before a colon.
        let label = line_label(t, i).map(|l| (l, false)).or_else(|| gap_label(t, i).map(|l| (l, true)));
        if let Some((label, gap)) = label {
            // Lower case in a stack buffer for ASCII labels (nearly all): no allocation.
            let trimmed = str_in(self.ts, label).trim();
            let mut buf = [0u8; 48];
            let owned;
            let lower: &str = match buf.get_mut(..trimmed.len()) {
                Some(b) if trimmed.is_ascii() => {
                    b.copy_from_slice(trimmed.as_bytes());
                    b.make_ascii_lowercase();
                    as_str(b)
                }
                _ => {
                    owned = trimmed.to_lowercase();
                    &owned
                }
            };
            let named = !lower.is_empty() && lexicon::is_name_label(lower);
            if named {
                flags |= F_NAME_LABEL;
            }
            // A label without its colon counts only when it names a person.
            if named || !gap {
                self.push(G_CTX, 22, lower.as_bytes());
                let last = lower.rsplit([' ', '_']).next().unwrap_or("");
                self.push(G_CTX, 23, last.as_bytes());
                self.push_h(G_CTX, 24, u64::from(named));
            }
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
                    self.s.toks.push(Tok {
                        start: i,
                        end,
                        sep,
                        flags,
                        rule: if s == i { 1 } else { 2 },
                        gap: 0,
                    });
                    let _ = e;
                    return;
                }
            }
            None => self.push(G_RULE, 27, b"none"),
        }
        self.s.toks.push(Tok { start: i, end, sep, flags, rule: 0, gap: 0 });
    }
}
