//! The tagger's per-thread cache of word-list answers and the answers themselves.

use crate::lexicon;
use crate::wordset::load_le;

use super::features::{mix, title};

/// What the word lists say of one word.
pub(super) const L_GIVEN: u16 = 1;
pub(super) const L_SUR: u16 = 2;
pub(super) const L_STOP: u16 = 4;
pub(super) const L_STREET: u16 = 8;
pub(super) const L_STRONG: u16 = 16;
pub(super) const L_WEAK: u16 = 32;
pub(super) const L_ROLE: u16 = 64;
pub(super) const L_PLACE: u16 = 128;
pub(super) const L_COMPANY: u16 = 256;
pub(super) const L_FORM: u16 = 512;
pub(super) const L_EXACT_SUR: u16 = 1024;

/// A small direct-mapped cache of word-list answers: labels and names repeat in a text, and
/// the lists are slow to ask (linear lists, lower-casing).
/// One per thread, kept across texts (the lists never change), so a CSV cell or a JSON value
/// costs no allocation.
pub(super) struct LexCache {
    pub(super) keys: Vec<u64>,
    pub(super) vals: Vec<u16>,
}

thread_local! {
    pub(super) static CACHE: std::cell::RefCell<LexCache> = const { std::cell::RefCell::new(LexCache { keys: Vec::new(), vals: Vec::new() }) };
}

impl LexCache {
    const SIZE: usize = 32768;
    pub(super) fn get(&mut self, w: &str) -> u16 {
        if w.is_empty() {
            return 0;
        }
        if self.keys.is_empty() {
            self.keys = vec![0; Self::SIZE];
            self.vals = vec![0; Self::SIZE];
        }
        // Case matters to the lists, so the key hashes the exact bytes.
        let mut h = 0x243F_6A88_85A3_08D3u64;
        for c in w.as_bytes().chunks(8) {
            h = mix(h, load_le(c));
        }
        h |= 1;
        let slot = (h >> 40) as usize % Self::SIZE;
        if self.keys[slot] == h {
            return self.vals[slot];
        }
        let v = lex_flags(w);
        self.keys[slot] = h;
        self.vals[slot] = v;
        v
    }
}

fn lex_flags(w: &str) -> u16 {
    let caps = w.len() >= 2 && w.chars().all(|c| !c.is_lowercase());
    let tw;
    let lw: &str = if caps {
        tw = title(w);
        &tw
    } else {
        w
    };
    let lw = lw.strip_suffix("'s").unwrap_or(lw);
    let mut f = 0;
    let mut set = |c: bool, b: u16| {
        if c {
            f |= b;
        }
    };
    if !w.chars().next().is_some_and(char::is_uppercase) {
        // A word in lower case: only the cue, role and place lists hold such words.
        set(lexicon::is_strong_person_cue(w), L_STRONG);
        set(lexicon::is_person_cue(w), L_WEAK);
        set(lexicon::is_role_noun(w), L_ROLE);
        set(lexicon::is_place_word(w) || lexicon::is_se_street(w), L_PLACE);
        set(lexicon::is_company_word(w) || w == "&", L_COMPANY);
        set(lexicon::is_company_form(w), L_FORM);
        return f;
    }
    set(lexicon::is_given(lw), L_GIVEN);
    set(lexicon::is_surname(lw), L_EXACT_SUR);
    set(lexicon::is_surname(lw) || lexicon::surname_shape(lw), L_SUR);
    set(
        lexicon::is_stop_word(lw)
            || lexicon::is_field_word(lw)
            || lexicon::is_person_cue(lw)
            || lexicon::month(lw).is_some(),
        L_STOP,
    );
    set(lexicon::is_se_street(lw) || lexicon::is_en_street(lw), L_STREET);
    set(lexicon::is_strong_person_cue(w), L_STRONG);
    set(lexicon::is_person_cue(w), L_WEAK);
    set(lexicon::is_role_noun(w), L_ROLE);
    set(lexicon::is_place_word(w) || lexicon::is_se_street(w), L_PLACE);
    set(lexicon::is_company_word(w), L_COMPANY);
    set(lexicon::is_company_form(w), L_FORM);
    f
}
