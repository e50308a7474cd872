//! The weights (`data/person_model.bin`) and greedy B / I / O decoding; the vetoes are
//! `vetoes.rs`'s.
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

use super::bounds::{firm_owners, mailbox_names, widen_starts};
use super::particles::{join_particles, vowelless};
use super::structure::{
    SEEN_AGAIN_MARGIN, chat_speakers, comma_cells, lower_case_nearby, organisation_mailbox, seen_again,
};
use super::vetoes::vetoed;

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
    widen_starts(t, &mut out);
    let mut add = mailbox_names(t, &out);
    add.extend(firm_owners(t, s, &out));
    if !add.is_empty() {
        out.extend(add);
        out.sort_by_key(|n| n.0);
    }
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
        // A gap of two spaces ends a cell too (`Surname, Given  Thu 15:01` in a chat header).
        e - right[right.len() - 1].end >= 2
            || t.get(e).is_none_or(|b| matches!(b, b'"' | b',' | b';' | b'\t' | b'|' | b'\n' | b'\r'))
    };
    // A register's `SURNAME, Given Given` cell: a surname of four letters or more in capitals
    // at a cell's start (`CFO, Given Surname` is a role before a name).
    let register = cell_end
        && left.len() == 1
        && left[0].flags & (F_CAPS | F_STOP) == F_CAPS
        && left[0].end - left[0].start >= 4
        && !caps(right)
        && super::structure::cell_start(t, left[0].start);
    let list = (words(left) >= 2 && words(right) >= 2)
        || (!cell_end && left.len() == 1 && given_only(&left[0]) && right[0].flags & F_GIVEN != 0)
        || (caps(left) != caps(right) && words(right) >= 2 && !register);
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
    // Not over a bracket ("Given (Agent):" in a chat).
    let joined = |k: usize| {
        s.toks[k].sep == SEP_SPACE
            && s.toks[k].gap <= 2
            && t.get(s.toks[k - 1].end..s.toks[k].start).is_some_and(|g| g.iter().all(|&b| b == b' '))
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
