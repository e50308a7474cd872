//! The weights (`data/person_model.bin`), greedy B / I / O decoding and the vetoes.
//!
//! File format: `SKPM`, version byte 1, `NBITS`, two zero bytes, the weight scale (f32,
//! little-endian), then `3 << NBITS` weights as i16 little-endian (feature-major: O, B, I).
//! A weight is `i16 * scale`.

use std::sync::LazyLock;

use super::features::{
    F_CAPS, F_COLUMN_OTHER, F_COLUMN_PERSON, F_COMPANY_AFTER, F_GIVEN, F_INITIAL, F_KEY_PERSON, F_NAME_LABEL,
    F_PLACE_AFTER, F_ROLE_BEFORE, F_STOP, F_STREET, F_SURNAME, G_LEX, G_RULE, NBITS, SEP_COMMA, SEP_NONE,
    SEP_SPACE, Sentence, Tok, tag_feature,
};

use super::particles::{join_particles, vowelless};
use super::structure::{
    SEEN_AGAIN_MARGIN, chat_speakers, comma_cells, lower_case_nearby, organisation_mailbox, seen_again,
};

const MAGIC: &[u8; 4] = b"SKPM";
const HEADER: usize = 12;
/// Tags.
pub(super) const O: u8 = 0;
pub(super) const B: u8 = 1;
pub(super) const I: u8 = 2;
/// "No previous token on the same line joined to this one."
const NO_PREV: u8 = 3;

pub struct Model {
    w: &'static [u8],
    scale: f32,
}

static MODEL: LazyLock<Option<Model>> =
    LazyLock::new(|| Model::read(include_bytes!("../../data/person_model.bin")));

pub fn get() -> Option<&'static Model> {
    MODEL.as_ref()
}

impl Model {
    fn read(bytes: &'static [u8]) -> Option<Model> {
        let n = (3usize << NBITS) * 2;
        if bytes.len() != HEADER + n
            || bytes.get(..4)? != MAGIC
            || bytes[4] != 1
            || u32::from(bytes[5]) != NBITS
        {
            return None;
        }
        let scale = f32::from_le_bytes(bytes.get(8..12)?.try_into().ok()?);
        (scale.is_finite() && scale > 0.0).then(|| Model { w: &bytes[HEADER..], scale })
    }

    #[cfg(test)]
    fn score_for_test(&self) -> f32 {
        self.scale
    }

    fn score(&self, feats: &[u32]) -> [f32; 3] {
        let mut acc = [0i32; 3];
        for &f in feats {
            let o = (f as usize) * 6;
            if let Some(b) = self.w.get(o..o + 6) {
                acc[0] += i32::from(i16::from_le_bytes([b[0], b[1]]));
                acc[1] += i32::from(i16::from_le_bytes([b[2], b[3]]));
                acc[2] += i32::from(i16::from_le_bytes([b[4], b[5]]));
            }
        }
        acc.map(|a| a as f32 * self.scale)
    }

    /// Name spans of a text: byte ranges and confidences.
    pub fn spans(&self, t: &[u8], s: &Sentence) -> Vec<(usize, usize, f32)> {
        let mut tags = Vec::with_capacity(s.toks.len());
        let mut margins = Vec::with_capacity(s.toks.len());
        let mut alts = Vec::with_capacity(s.toks.len());
        decode_inner(s, 0, &mut |f| self.score(f), &mut tags, Some((&mut margins, &mut alts)));
        let (raw, raw_margins, raw_alts) = (tags.clone(), margins.clone(), alts.clone());
        structure_overrides(t, s, &mut tags, &mut margins);
        widen(t, s, &mut tags, &mut margins, &alts);
        let out = names_of(t, s, &tags, &margins);
        // A second pass where a name found here stands again elsewhere in the text: only the
        // tokens from a forced one until the tags agree with the first pass again.
        let Some(force) = seen_again(t, s, &out) else { return out };
        let (mut tags, mut margins, mut alts) = (raw, raw_margins, raw_alts);
        redecode_forced(s, &mut |f| self.score(f), &mut tags, &mut margins, &mut alts, &force);
        structure_overrides(t, s, &mut tags, &mut margins);
        widen(t, s, &mut tags, &mut margins, &alts);
        names_of(t, s, &tags, &margins)
    }
}

/// The names of decoded tags, with the structure rules and vetoes applied.
fn names_of(t: &[u8], s: &Sentence, tags: &[u8], margins: &[f32]) -> Vec<(usize, usize, f32)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < tags.len() {
        if tags[k] != B {
            k += 1;
            continue;
        }
        let mut j = k + 1;
        while j < tags.len() && tags[j] == I {
            j += 1;
        }
        let mut toks = &s.toks[k..j];
        // A word that never starts a name ("Region Jämtland", "Dr Anna Berg"): the name
        // starts after it only when a known given name follows.
        if toks[0].flags & F_STOP != 0 && toks.len() >= 2 {
            // After a title or a cue the model took in ("Rådman Ebba …", "Justice Obi"), the
            // rest is the name whatever the lists say.
            let cue =
                std::str::from_utf8(&t[toks[0].start..toks[0].end]).is_ok_and(crate::lexicon::is_person_cue);
            if toks[1].flags & F_GIVEN != 0 || cue {
                toks = &toks[1..];
            } else if toks[0].flags & (F_NAME_LABEL | F_KEY_PERSON) == 0 {
                k = j;
                continue;
            }
        }
        // A word of three letters or more without a vowel is an abbreviation ("Cdtr" of a
        // payment file, "Mgr"), not the start of a name.
        while let [first, _, ..] = toks
            && vowelless(t.get(first.start..first.end).unwrap_or_default())
        {
            toks = &toks[1..];
        }
        // A word also written in lower case nearby is a common word, not a name ("Montör
        // Tove Holm" after "… vår montör."): the name starts after it.
        while let Some(first) = toks.first()
            && first.flags & (F_GIVEN | F_SURNAME | F_NAME_LABEL | F_KEY_PERSON | F_CAPS) == 0
            && lower_case_nearby(t, first.start, first.end)
        {
            toks = &toks[1..];
        }
        // The next field's label, after a wider gap ("Ssk: Leyla T.  Läk: …"); a chat
        // speaker's whole name before its colon stays.
        if let [.., last] = toks
            && toks.len() >= 2
            && last.gap >= 2
            && t.get(last.end) == Some(&b':')
        {
            toks = &toks[..toks.len() - 1];
        }
        if toks.is_empty() {
            k = j;
            continue;
        }
        let margin = margins[k..j].iter().copied().fold(f32::INFINITY, f32::min);
        let mut remaining = toks;
        while !remaining.is_empty() {
            let (first, rest) = split_initials(remaining);
            remaining = rest;
            let (left, right) = split_list(t, first);
            for part in [left, right] {
                if !part.is_empty() && !vetoed(t, part) && !organisation_mailbox(t, part) {
                    let conf = 1.0 / (1.0 + (-margin / 4.0).exp());
                    let end = part[part.len() - 1].end;
                    // A generational suffix keeps its dot ("Gonzalez Jr.").
                    let suffix = part.len() >= 2
                        && matches!(t.get(end.saturating_sub(2)..end), Some(b"Jr" | b"Sr" | b"JR" | b"SR"))
                        && t.get(end) == Some(&b'.');
                    out.push((part[0].start, end + usize::from(suffix), conf));
                }
            }
        }
        k = j;
    }
    join_particles(t, &mut out);
    out
}

/// Signatures side by side, each an initial and a surname ("A. Obi  K. Lind"): a name that
/// starts with an initial ends before the next initial after a wider gap. Returns the first
/// name and the rest (which may hold more).
pub(super) fn split_initials(toks: &[Tok]) -> (&[Tok], &[Tok]) {
    if toks.first().is_none_or(|k| k.flags & F_INITIAL == 0) {
        return (toks, &[]);
    }
    let cut = (2..toks.len())
        .find(|&x| toks[x].flags & F_INITIAL != 0 && toks[x].gap >= 2 && toks[x - 1].flags & F_INITIAL == 0);
    match cut {
        Some(x) => toks.split_at(x),
        None => (toks, &[]),
    }
}

/// Two names of a list joined by a comma ("Fatuma Abdullahi, Kristoffer Ahl", "Mehmet, Zoe",
/// "CTO, Per Lindgren"), not one `Surname, Given`: split at the comma when both sides have two
/// words or more (initials aside), when the first side is a given name alone and the second
/// starts with one, or when one side is written in capitals and the other not.
pub(super) fn split_list<'a>(t: &[u8], toks: &'a [Tok]) -> (&'a [Tok], &'a [Tok]) {
    let Some(c) = (1..toks.len()).find(|&c| toks[c].sep == SEP_COMMA) else { return (toks, &[]) };
    let (left, right) = toks.split_at(c);
    let words = |p: &[Tok]| p.iter().filter(|k| k.flags & F_INITIAL == 0).count();
    // A middle letter without its dot ("GURPREET K") is in no case.
    let caps = |p: &[Tok]| {
        p.iter().filter(|k| k.flags & F_INITIAL == 0 && k.end - k.start > 1).all(|k| k.flags & F_CAPS != 0)
    };
    let given_only = |k: &Tok| k.flags & (F_GIVEN | F_SURNAME) == F_GIVEN;
    // A cell ends at a delimiter or the line's end: "Mustafa, Ahmed Sharif" in a CSV cell is
    // one name; "Hi Mehmet, Zoe here" two.
    let cell_end = {
        let mut e = right[right.len() - 1].end;
        while t.get(e) == Some(&b' ') {
            e += 1;
        }
        t.get(e).is_none_or(|b| matches!(b, b'"' | b',' | b';' | b'\t' | b'|' | b'\n' | b'\r'))
    };
    let list = (words(left) >= 2 && words(right) >= 2)
        || (!cell_end && left.len() == 1 && given_only(&left[0]) && right[0].flags & F_GIVEN != 0)
        || (caps(left) != caps(right) && words(right) >= 2);
    if list { (left, right) } else { (toks, &[]) }
}

/// How far below `O` the name score of the word before a name may be for it to join the name
/// (chosen on split training of the hand-labelled data, `docs/detection.md`).
const WIDEN_BEFORE: f32 = 12.0;
/// The same for the word after a name.
const WIDEN_AFTER: f32 = 12.0;

/// Greedy decoding cannot look ahead, so a name's joined neighbours are looked at again: the
/// capitalised word before a name (one or two spaces between, same line) joins it when the
/// model left it outside by less than `WIDEN_BEFORE` ("Eleanor" before "Whitcombe"), and the
/// word after it by less than `WIDEN_AFTER` ("McAllister" after "Hamish"; after two words only
/// a word a name list knows or an initial); never a stop word, a
/// street word, a word in a column named for something else, a label before a colon, a word
/// after a role noun, nor past a place or company word.
pub(super) fn widen(t: &[u8], s: &Sentence, tags: &mut [u8], margins: &mut [f32], alts: &[f32]) {
    let n = s.toks.len().min(tags.len()).min(margins.len()).min(alts.len());
    // A word before a colon is a label ("Ssk: Leyla T.  Läk: …").
    let label = |k: &Tok| {
        let mut e = k.end;
        while t.get(e) == Some(&b' ') {
            e += 1;
        }
        t.get(e) == Some(&b':')
    };
    let blocked = F_STOP | F_STREET | F_COLUMN_OTHER;
    // Joined on the line by a space or two, both in capitals or neither ("Fakturan INV-…").
    let joined = |k: usize| {
        s.toks[k].sep == SEP_SPACE
            && s.toks[k].gap <= 2
            && (s.toks[k].flags ^ s.toks[k - 1].flags) & F_CAPS == 0
    };
    for k in (1..n).rev() {
        // A known given name right before a surname found alone joins it whatever the
        // margin ("Bridget" before "Brennan", the model having started at the surname).
        let given_before = s.toks[k - 1].flags & F_GIVEN != 0
            && s.toks[k].gap == 1
            && tags.get(k + 1).is_none_or(|&g| g != I);
        if tags[k] == B
            && tags[k - 1] == O
            && joined(k)
            && (alts[k - 1] > -WIDEN_BEFORE || given_before)
            && s.toks[k - 1].flags & (blocked | F_ROLE_BEFORE) == 0
            && s.toks[k].flags & F_ROLE_BEFORE == 0
        {
            tags[k - 1] = B;
            tags[k] = I;
            margins[k - 1] = margins[k];
        }
    }
    // After two words of a name, only a word a name list knows or an initial ("Robert Miller
    // Överför beloppet").
    let third =
        |k: usize, tags: &[u8]| tags[k - 1] == B || s.toks[k].flags & (F_GIVEN | F_SURNAME | F_INITIAL) != 0;
    for k in 1..n {
        // Two names side by side with only a space or two between are one ("Ilyas  Osman
        // Jama" when the model starts a name again at "Jama").
        if tags[k] == B
            && tags[k - 1] != O
            && joined(k)
            && third(k, tags)
            && s.toks[k].flags & (blocked | F_ROLE_BEFORE) == 0
        {
            tags[k] = I;
            continue;
        }
        if tags[k] == O
            && tags[k - 1] != O
            && joined(k)
            && alts[k] > -WIDEN_AFTER
            && third(k, tags)
            && s.toks[k].flags & blocked == 0
            && !label(&s.toks[k])
            && s.toks[k - 1].flags & (F_PLACE_AFTER | F_COMPANY_AFTER) == 0
        {
            tags[k] = I;
            margins[k] = margins[k - 1];
        }
    }
}

/// Margin given to a name that structure decides (confidence about 0.73).
pub(super) const STRUCTURE_MARGIN: f32 = 4.0;

/// Structure that overrules the model's `O`: a capitalised word in a CSV column whose header
/// names a person ("efternamn"), and the second word of a full name in capitals that the rules
/// found ("YOUSEF WEISS").
fn structure_overrides(t: &[u8], s: &Sentence, tags: &mut [u8], margins: &mut [f32]) {
    comma_cells(t, s, tags, margins);
    chat_speakers(t, s, tags, margins);
    for k in 0..tags.len().min(s.toks.len()).min(margins.len()) {
        if tags[k] != O {
            continue;
        }
        let tok = &s.toks[k];
        let after_name = k > 0 && tok.sep != SEP_NONE && tags[k - 1] != O;
        if tok.flags & F_COLUMN_PERSON != 0 && tok.flags & (F_STOP | F_INITIAL) == 0 {
            tags[k] = if after_name { I } else { B };
            margins[k] = STRUCTURE_MARGIN;
        } else if after_name
            && tok.sep == SEP_SPACE
            && tok.rule == 2
            && tok.flags & F_CAPS != 0
            && s.toks[k - 1].flags & F_CAPS != 0
        {
            tags[k] = I;
            margins[k] = margins[k - 1];
        }
    }
}

/// Rules that overrule the model: what is never a person's name.
fn vetoed(t: &[u8], toks: &[Tok]) -> bool {
    let first = toks[0];
    let last = toks[toks.len() - 1];
    let structural = first.flags & (F_NAME_LABEL | F_KEY_PERSON) != 0;
    // A place ("Karl Johans torg", "Storgatan") or a company named after a surname ("Nowak
    // Bygg AB", "Berg & Söner"); a full name in a company name ("Anna Svensson Konsult AB")
    // is still a person's, as the rules say.
    let full_name = toks.len() >= 2 && first.flags & F_GIVEN != 0;
    if !structural && last.flags & F_PLACE_AFTER != 0 {
        return true;
    }
    if !structural && !full_name && last.flags & F_COMPANY_AFTER != 0 {
        return true;
    }
    // A line of business after a surname or a given name alone ("Hassan Städ", "Okafor
    // Consulting", "Mwangi Coffee Traders").
    if !structural && !full_name && trade_after(t, last.end) {
        return true;
    }
    // A surname or a place after a company form or a Swedish shop or firm word ("Fastighets
    // AB Granström", "Möbelhuset Håkansson", "Mäklarhuset Nacka"): the firm's name.
    if !structural && !full_name && firm_before(t, first.start) {
        return true;
    }
    // A company form further on, past capitalised words ("Niemi Golv & Kakel", "Papadakis
    // Family Bakery LLC"), even after a label such as `To:`.
    if !full_name && company_follows(t, last.end) {
        return true;
    }
    // A town of an address: before a region code and a postcode ("Toronto ON M5V 0E9",
    // "Boise, ID 83701") or after a postcode ("06790 Ankara"); a place named for a saint
    // ("St Mary's", "Saint Patrick's").
    if first.flags & (F_KEY_PERSON | F_COLUMN_PERSON) == 0
        && (region_postcode_after(t, last.end)
            || postcode_before(t, first.start)
            || saint_before(t, first.start))
    {
        return true;
    }
    // A company form closing the name itself ("Café Lyktan AB" in a customer column).
    if toks.len() >= 2
        && std::str::from_utf8(t.get(last.start..last.end).unwrap_or(&[]))
            .is_ok_and(crate::lexicon::is_company_form)
    {
        return true;
    }
    // A CSV column named for something else ("stad", "city", "company").
    if toks.iter().any(|k| k.flags & (F_STREET | F_COLUMN_OTHER) != 0) {
        return true;
    }
    // Words in capitals that no name list knows and no rule took for a name, outside a name
    // label or field ("UPPGIFTER FÖR LÖNEUTBETALNING", "WHOLE FOODS"): a heading or a
    // merchant. A full name in capitals that the rules found ("YOUSEF WEISS") stays.
    if !structural
        && first.flags & F_COLUMN_PERSON == 0
        && toks.iter().all(|k| k.flags & F_CAPS != 0 && k.flags & (F_GIVEN | F_SURNAME) == 0 && k.rule == 0)
    {
        return true;
    }
    // What a system writes where a person's name would stand ("SYSTEM", "Payments Bot",
    // "Service Account", "Okta System"), even under a name key.
    if toks.iter().any(|k| {
        std::str::from_utf8(t.get(k.start..k.end).unwrap_or(&[]))
            .is_ok_and(|w| PLACEHOLDERS.iter().any(|p| w.eq_ignore_ascii_case(p)))
    }) {
        return true;
    }
    if toks.len() == 1 {
        let w = std::str::from_utf8(t.get(first.start..first.end).unwrap_or(&[])).unwrap_or("");
        // Function words and cue words alone ("Ja", "Dear").
        if first.flags & F_STOP != 0 || FUNCTION_WORDS.contains(&w) {
            return true;
        }
        // A capitalised word after a role noun that no lexicon knows ("Handläggare Ekonomi").
        if !structural && first.flags & F_ROLE_BEFORE != 0 && first.flags & (F_GIVEN | F_SURNAME) == 0 {
            return true;
        }
        // Initials alone.
        if first.flags & F_INITIAL != 0 {
            return true;
        }
    }
    false
}

/// `[,] XX 12345` or `[,] XX A1A` after `e` on the same line: a two-letter region code and a
/// postcode.
pub(super) fn region_postcode_after(t: &[u8], e: usize) -> bool {
    let mut i = e;
    if t.get(i) == Some(&b',') {
        i += 1;
    }
    let s = i;
    while t.get(i) == Some(&b' ') {
        i += 1;
    }
    if i == s || i - s > 2 {
        return false;
    }
    let rs = i;
    while t.get(i).is_some_and(u8::is_ascii_uppercase) {
        i += 1;
    }
    if i - rs != 2 || t.get(i) != Some(&b' ') {
        return false;
    }
    let (a, b) = (t.get(i + 1).copied().unwrap_or(0), t.get(i + 2).copied().unwrap_or(0));
    a.is_ascii_digit() || (a.is_ascii_uppercase() && b.is_ascii_digit())
}

/// A postcode right before `s` on the same line (`NNNNN ` or `NNN NN `), itself after a line
/// start, a space or a comma.
pub(super) fn postcode_before(t: &[u8], s: usize) -> bool {
    if s < 2 || t[s - 1] != b' ' {
        return false;
    }
    let mut i = s - 1;
    let mut digits = 0;
    let mut spaces = 0;
    while i > 0 {
        let b = t[i - 1];
        if b.is_ascii_digit() {
            digits += 1;
        } else if b == b' ' && digits == 2 && spaces == 0 {
            spaces += 1;
        } else {
            break;
        }
        i -= 1;
    }
    digits == 5 && (i == 0 || matches!(t[i - 1], b'\n' | b' ' | b',' | b'\t'))
}

/// `St`, `St.`, `Saint`, `Sankt`, `S:t` right before `s`.
pub(super) fn saint_before(t: &[u8], s: usize) -> bool {
    let lo = s.saturating_sub(8);
    let Some(before) = t.get(lo..s) else { return false };
    let before = before.strip_suffix(b" ").unwrap_or(before);
    [&b" St"[..], b" St.", b" Saint", b" Sankt", b" S:t", b"\nSt", b"\nSt.", b"\nSaint", b"\nSankt"]
        .iter()
        .any(|w| before.ends_with(w))
        || (lo == 0 && [&b"St"[..], b"St.", b"Saint", b"Sankt"].contains(&before))
}

/// Whether a company form, or `&` after a word, follows `end` on the same line past at most
/// three capitalised words ("Golv & Kakel", "Family Bakery LLC", "Estates Ltd's").
pub(super) fn company_follows(t: &[u8], end: usize) -> bool {
    let mut i = end;
    for n in 0..4 {
        let s = i;
        while t.get(i) == Some(&b' ') {
            i += 1;
        }
        if i == s {
            return false;
        }
        let ws = i;
        while let Some(&b) = t.get(i)
            && !matches!(
                b,
                b' ' | b'\n' | b'\r' | b'\t' | b',' | b';' | b':' | b'<' | b'(' | b')' | b'"' | b'/'
            )
        {
            i += 1;
        }
        let Some(w) = t.get(ws..i).and_then(|w| std::str::from_utf8(w).ok()) else { return false };
        let w = w.strip_suffix("'s").unwrap_or(w);
        if crate::lexicon::is_company_form(w) || (w == "&" && n > 0) {
            return true;
        }
        if !w.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
    }
    false
}

/// Whether a trade noun follows `e` after one space ("Städ", "Consulting", "Coffee").
fn trade_after(t: &[u8], e: usize) -> bool {
    if t.get(e) != Some(&b' ') {
        return false;
    }
    let we = crate::scan::word_end(t, e + 1);
    std::str::from_utf8(&t[e + 1..we]).is_ok_and(crate::lexicon::is_trade_word)
}

/// Whether the word before `s` (one space between) is a company form (`AB`, `Ltd`) or a
/// Swedish compound naming a shop or a firm (`Möbelhuset`, `Mäklarbyrån`, `Målerifirman`).
pub(super) fn firm_before(t: &[u8], s: usize) -> bool {
    if s < 3 || t[s - 1] != b' ' {
        return false;
    }
    let e = s - 1;
    let b = t[..e].iter().rposition(|&c| !(c.is_ascii_alphabetic() || c >= 0x80)).map_or(0, |p| p + 1);
    let Ok(w) = std::str::from_utf8(&t[b..e]) else { return false };
    crate::lexicon::is_company_form(w)
        || (w.chars().count() > 7
            && ["huset", "byrån", "firman", "mäklarna", "butiken"].iter().any(|x| w.ends_with(x)))
}

/// Words of accounts and agents that are not people: a name holding one is a placeholder.
const PLACEHOLDERS: &[&str] = &[
    "system",
    "bot",
    "robot",
    "daemon",
    "admin",
    "administrator",
    "root",
    "guest",
    "anonymous",
    "unknown",
    "okänd",
    "account",
    "konto",
    "noreply",
    "automation",
    "scheduler",
    "systemet",
];

/// Capitalised Swedish and English function words that are never a name on their own.
const FUNCTION_WORDS: &[&str] = &[
    "Ja", "JA", "Nej", "Jo", "Tack", "Jag", "Vi", "Ni", "Du", "Han", "Hon", "Det", "Den", "De", "Om", "Men",
    "Och", "Så", "När", "Hur", "Var", "Vad", "Vem", "Hej", "OK", "Ok", "Okej", "Yes", "No", "I", "We", "You",
    "He", "She", "It", "They", "Thanks", "Hi", "Please", "TEST", "Test",
];

/// Every feature of token `k` of `s` after tag `prev` into `out` (cleared first): its own
/// features but the groups in `drop` (training only), then its tag features. Inference and
/// training both call this, so the model sees at run time what it was trained on.
pub fn token_features(s: &Sentence, k: usize, prev: u8, drop: u8, out: &mut Vec<u32>) {
    out.clear();
    let lo = s.offs[k] as usize;
    let hi = s.offs[k + 1] as usize;
    for (f, g) in s.feats[lo..hi].iter().zip(&s.groups[lo..hi]) {
        if g & drop == 0 {
            out.push(*f);
        }
    }
    tag_features(&s.toks[k], prev, drop, out);
}

/// The tag features of token `k` after `prev`; `drop` removes groups (training only).
pub fn tag_features(tok: &Tok, prev: u8, drop: u8, out: &mut Vec<u32>) {
    let lex = if drop & G_LEX != 0 { 0 } else { tok.flags & (F_GIVEN | F_SURNAME | F_STOP) };
    let rule = if drop & G_RULE != 0 { 9 } else { tok.rule };
    out.push(tag_feature(40, prev, 0));
    out.push(tag_feature(41, prev, u64::from(tok.sep)));
    out.push(tag_feature(42, prev, u64::from(lex)));
    out.push(tag_feature(43, prev, u64::from(rule)));
    out.push(tag_feature(44, prev, u64::from(tok.flags & (F_CAPS | F_INITIAL))));
    out.push(tag_feature(45, prev, u64::from(tok.sep) << 8 | u64::from(lex)));
    out.push(tag_feature(46, prev, u64::from(tok.flags & (F_NAME_LABEL | F_KEY_PERSON))));
    out.push(tag_feature(47, prev, u64::from(tok.sep) << 8 | u64::from(tok.gap.min(3))));
}

/// Greedy decoding: each token's tag given the previous token's (I only after B or I on a
/// joined token).
pub fn decode(s: &Sentence, drop: u8, score: &mut dyn FnMut(&[u32]) -> [f32; 3], out: &mut Vec<u8>) {
    decode_inner(s, drop, score, out, None);
}

fn decode_inner(
    s: &Sentence,
    drop: u8,
    score: &mut dyn FnMut(&[u32]) -> [f32; 3],
    out: &mut Vec<u8>,
    mut margins: Option<(&mut Vec<f32>, &mut Vec<f32>)>,
) {
    out.clear();
    if let Some((m, a)) = margins.as_mut() {
        m.clear();
        a.clear();
    }
    let mut feats: Vec<u32> = Vec::with_capacity(64);
    for k in 0..s.toks.len() {
        let prev = prev_tag(s, k, out);
        let (best, margin, alt) = step(s, k, prev, drop, score, &mut feats);
        if let Some((m, a)) = margins.as_mut() {
            m.push(margin);
            a.push(alt);
        }
        out.push(best);
    }
}

/// The tag before token `k` as decoding sees it (`NO_PREV` when `k` is not joined to it).
fn prev_tag(s: &Sentence, k: usize, tags: &[u8]) -> u8 {
    if k == 0 || s.toks[k].sep == SEP_NONE { NO_PREV } else { tags.get(k - 1).copied().unwrap_or(NO_PREV) }
}

/// Token `k`'s tag after `prev`, its margin over `O`, and the best name tag's margin over `O`
/// (negative when the token is outside a name).
fn step(
    s: &Sentence,
    k: usize,
    prev: u8,
    drop: u8,
    score: &mut dyn FnMut(&[u32]) -> [f32; 3],
    feats: &mut Vec<u32>,
) -> (u8, f32, f32) {
    token_features(s, k, prev, drop, feats);
    let sc = score(feats);
    let mut best = if sc[B as usize] > sc[O as usize] { B } else { O };
    let mut name = sc[B as usize];
    if prev == B || prev == I {
        name = name.max(sc[I as usize]);
        if sc[I as usize] > sc[best as usize] {
            best = I;
        }
    }
    (best, sc[best as usize] - sc[O as usize], name - sc[O as usize])
}

/// Second pass: each forced token the first pass left `O` becomes a name (`B`, or `I` after a
/// name it is joined to), and the tokens after it are decoded again until one gets the tag it
/// had (greedy decoding depends only on the previous tag, so the rest is unchanged).
fn redecode_forced(
    s: &Sentence,
    score: &mut dyn FnMut(&[u32]) -> [f32; 3],
    tags: &mut [u8],
    margins: &mut [f32],
    alts: &mut [f32],
    force: &[bool],
) {
    let n = s.toks.len().min(tags.len()).min(margins.len()).min(alts.len()).min(force.len());
    let mut feats: Vec<u32> = Vec::with_capacity(64);
    let mut k = 0;
    while k < n {
        if !force[k] || tags[k] != O {
            k += 1;
            continue;
        }
        let prev = prev_tag(s, k, tags);
        tags[k] = if prev == B || prev == I { I } else { B };
        margins[k] = SEEN_AGAIN_MARGIN;
        let mut j = k + 1;
        while j < n && s.toks[j].sep != SEP_NONE {
            let (mut tag, mut margin, alt) = step(s, j, tags[j - 1], 0, score, &mut feats);
            alts[j] = alt;
            if tag == O && force[j] {
                tag = if tags[j - 1] == O { B } else { I };
                margin = SEEN_AGAIN_MARGIN;
            }
            let same = tag == tags[j];
            tags[j] = tag;
            margins[j] = margin;
            j += 1;
            if same {
                break;
            }
        }
        k = j;
    }
}

/// The model file of averaged weights (`3 << NBITS` floats, feature-major).
pub fn encode(weights: &[f32]) -> Vec<u8> {
    let max = weights.iter().fold(0f32, |a, &w| a.max(w.abs())).max(1e-6);
    let scale = max / 32767.0;
    let mut out = Vec::with_capacity(HEADER + weights.len() * 2);
    out.extend_from_slice(MAGIC);
    out.push(1);
    out.push(u8::try_from(NBITS).unwrap_or(0));
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&scale.to_le_bytes());
    for &w in weights {
        let q = (w / scale).round().clamp(-32767.0, 32767.0) as i16;
        out.extend_from_slice(&q.to_le_bytes());
    }
    out
}

/// Whether `bytes` read as a model (tests: a damaged file is refused, not half-used).
#[cfg(test)]
pub fn read_for_test(bytes: Vec<u8>) -> bool {
    let leaked: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    Model::read(leaked).is_some_and(|m| m.score_for_test() > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_after_a_firm_word_is_the_firm_s() {
        // Written for this test (not from any evaluation or tuning set).
        let at = |t: &[u8], w: &str| t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap();
        let t = "Faktura från Bygghuset Quorbel".as_bytes();
        assert!(firm_before(t, at(t, "Quorbel")));
        let t = b"Hyresvard: Fastighets AB Quorbel";
        assert!(firm_before(t, at(t, "Quorbel")));
        // A person after an ordinary word, or after a short word ending alike.
        let t = b"Hej Xanthe Quorbel";
        assert!(!firm_before(t, at(t, "Xanthe")));
        let t = "Huset Quorbel".as_bytes();
        assert!(!firm_before(t, at(t, "Quorbel")));
    }

    #[test]
    fn signatures_side_by_side_are_split_at_each_initial() {
        // Written for this test (not from any evaluation or tuning set).
        let t = "Signed: A. Obi  K. Quorbel  X. Lind   Date: 1 May";
        let s = super::super::features::sentence(t.as_bytes(), None, &[]);
        let toks: Vec<Tok> = s.toks.iter().filter(|k| k.start > 7 && k.end < 36).copied().collect();
        let (a, rest) = split_initials(&toks);
        let (b, c) = split_initials(rest);
        let text = |p: &[Tok]| t[p[0].start..p[p.len() - 1].end].to_string();
        assert_eq!([text(a), text(b), text(c)], ["A. Obi", "K. Quorbel", "X. Lind"]);
        // A middle initial with one space stays in the name.
        let t = "ADEBAYO O. QUORBEL";
        let s = super::super::features::sentence(t.as_bytes(), None, &[]);
        assert_eq!(split_initials(&s.toks).1.len(), 0);
    }
    use crate::names::particles::particle_head;

    #[test]
    fn a_trade_after_a_surname_is_a_firm() {
        let toks_of = |t: &'static [u8]| crate::names::features::sentence(t, None, &[]).toks;
        let t: &[u8] = b"Leverans till Quorbel Consulting i dag";
        let toks = toks_of(t);
        let k = toks.iter().position(|k| &t[k.start..k.end] == b"Quorbel").unwrap();
        assert!(vetoed(t, &toks[k..=k]));
        // A full name before it stays a person's, as before a company word.
        let t: &[u8] = b"Faktura: Anna Quorbel Konsult AB";
        let toks = toks_of(t);
        let k = toks.iter().position(|k| &t[k.start..k.end] == b"Anna").unwrap();
        assert!(!trade_after(t, toks[k].end) && trade_after(t, toks[k + 1].end));
    }

    #[test]
    fn placeholders_are_not_people() {
        let toks_of = |t: &'static [u8]| crate::names::features::sentence(t, None, &[]).toks;
        let t: &[u8] = b"09:40  Quorbel Payments Bot  closed it";
        let toks = toks_of(t);
        assert_eq!(toks.len(), 3);
        assert!(vetoed(t, &toks[..]));
        let t: &[u8] = b"09:40  Xanthe Quorbel  closed it";
        let toks = toks_of(t);
        assert!(!vetoed(t, &toks[..]));
    }

    #[test]
    fn abbreviations_have_no_vowel() {
        assert!(vowelless(b"Cdtr") && vowelless(b"MGR") && vowelless(b"Hwb"));
        assert!(
            !vowelless(b"Ng")
                && !vowelless(b"Llwyd")
                && !vowelless(b"Hjalmar")
                && !vowelless("Ørn".as_bytes())
        );
    }

    #[test]
    fn particles_open_a_surname_in_a_cell() {
        // Written for this test (not from any evaluation set).
        let at = |t: &[u8], w: &str| t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap();
        let t = b"\"C-1\",\"van der Quorbel, Xanthe\",\"x\"";
        assert_eq!(particle_head(t, at(t, "Quorbel")), Some(at(t, "van")));
        let t = b"de Quorbel";
        assert_eq!(particle_head(t, 3), Some(0));
        let t = b"name=\"d'Quorbel, Xanthe\"";
        assert_eq!(particle_head(t, at(t, "Quorbel")), Some(at(t, "d'")));
        let t = b"Kenteken op naam van: X.Y.Z. van Quorbel\n";
        assert_eq!(particle_head(t, at(t, "Quorbel")), Some(at(t, "X.Y.Z.")));
        // In running text a particle with no name before it stays out ("the works of de Quorbel").
        let t = b"the works of de Quorbel";
        assert_eq!(particle_head(t, at(t, "Quorbel")), None);
        let mut out = vec![(at(t, "Quorbel"), t.len(), 0.9)];
        join_particles(t, &mut out);
        assert_eq!(out, [(at(t, "Quorbel"), t.len(), 0.9)]);
        // Two particles after a name: "Xanthe bint Obi al-Quorbel".
        let t = b"att Xanthe bint Obi al-Quorbel, f";
        let mut out = vec![(at(t, "Xanthe"), at(t, "Xanthe") + 6, 0.9)];
        join_particles(t, &mut out);
        assert_eq!(out, [(at(t, "Xanthe"), at(t, ","), 0.9)]);
    }

    #[test]
    fn particles_join_and_extend_names() {
        let t = b"Kund: Ebba von Platen, Lisa van der Berg och Omar al-Hassan; Anna de tre";
        let span = |w: &str| {
            let s = t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap_or(usize::MAX);
            (s, s + w.len(), 0.9f32)
        };
        // Two names split by a particle are joined; one name is extended over it.
        let mut out = vec![span("Ebba"), span("Platen"), span("Lisa"), span("Omar")];
        join_particles(t, &mut out);
        let got: Vec<&[u8]> = out.iter().map(|&(s, e, _)| &t[s..e]).collect();
        assert_eq!(got, [&b"Ebba von Platen"[..], &b"Lisa van der Berg"[..], &b"Omar al-Hassan"[..]]);
        // A particle before a lower-case word is not part of a name.
        let mut out = vec![span("Anna")];
        join_particles(t, &mut out);
        assert_eq!(&t[out[0].0..out[0].1], b"Anna");
        // Capitalised particles, OCR spacing, a name ending in a particle.
        let t =
            "Ring Johan Van der Merwe, Marco De Luca, Aoife  Ó  Briain eller Sara Nic Amhlaoibh. Anna De har"
                .as_bytes();
        let span = |w: &str| {
            let s = t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap_or(usize::MAX);
            (s, s + w.len(), 0.9f32)
        };
        let mut out = vec![span("Johan"), span("Marco"), span("Aoife  Ó"), span("Sara"), span("Anna")];
        join_particles(t, &mut out);
        let got: Vec<&str> =
            out.iter().map(|&(s, e, _)| std::str::from_utf8(&t[s..e]).unwrap_or("")).collect();
        assert_eq!(
            got,
            ["Johan Van der Merwe", "Marco De Luca", "Aoife  Ó  Briain", "Sara Nic Amhlaoibh", "Anna"]
        );
    }
}
