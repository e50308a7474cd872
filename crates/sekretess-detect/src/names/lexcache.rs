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
/// costs no allocation. A slot keeps its word's bytes and answers only for the same word:
/// the hash only picks the slot, so no text can make one word take another's answer.
pub(super) struct LexCache {
    words: Vec<u8>,
    /// The length of the word in each slot; 0 for an empty slot.
    lens: Vec<u8>,
    vals: Vec<u16>,
}

thread_local! {
    pub(super) static CACHE: std::cell::RefCell<LexCache> = const { std::cell::RefCell::new(LexCache::empty()) };
}

impl LexCache {
    const SIZE: usize = 32768;
    /// Longer words are asked of the lists each time (few names are this long).
    const WORD_BYTES: usize = 24;

    pub(super) const fn empty() -> Self {
        LexCache { words: Vec::new(), lens: Vec::new(), vals: Vec::new() }
    }

    /// The slot of a word. Case matters to the lists, so it hashes the exact bytes.
    fn slot_of(b: &[u8]) -> usize {
        let mut h = 0x243F_6A88_85A3_08D3u64;
        for c in b.chunks(8) {
            h = mix(h, load_le(c));
        }
        (h >> 40) as usize % Self::SIZE
    }

    pub(super) fn get(&mut self, w: &str) -> u16 {
        let b = w.as_bytes();
        if b.is_empty() || b.len() > Self::WORD_BYTES {
            return if b.is_empty() { 0 } else { lex_flags(w) };
        }
        if self.lens.is_empty() {
            self.words = vec![0; Self::SIZE * Self::WORD_BYTES];
            self.lens = vec![0; Self::SIZE];
            self.vals = vec![0; Self::SIZE];
        }
        let slot = Self::slot_of(b);
        let at = slot * Self::WORD_BYTES;
        let kept = &mut self.words[at..at + b.len()];
        if usize::from(self.lens[slot]) == b.len() && kept == b {
            return self.vals[slot];
        }
        let v = lex_flags(w);
        kept.copy_from_slice(b);
        self.lens[slot] = b.len() as u8;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_answers_only_for_its_own_word() {
        let mut cache = LexCache::empty();
        let slot = |w: &str| LexCache::slot_of(w.as_bytes());
        let anna = slot("Anna");
        // A word of the same length in the same slot (found by trying), not a name.
        let chars = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let other = (0..chars.len().pow(3))
            .map(|i| {
                let pick = |k: usize| char::from(chars[(i / chars.len().pow(k as u32)) % chars.len()]);
                format!("{}{}{}a", pick(0), pick(1), pick(2))
            })
            .find(|w| slot(w) == anna && w != "Anna" && lex_flags(w) & L_GIVEN == 0)
            .unwrap();
        assert_ne!(cache.get("Anna") & L_GIVEN, 0);
        assert_eq!(cache.get(&other), lex_flags(&other));
        assert_eq!(cache.get(&other) & L_GIVEN, 0);
        assert_ne!(cache.get("Anna") & L_GIVEN, 0);
        // Longer than a slot holds: asked of the lists.
        let long = "Annabellemariacharlottesson";
        assert!(long.len() > LexCache::WORD_BYTES);
        assert_eq!(cache.get(long), lex_flags(long));
    }
}
