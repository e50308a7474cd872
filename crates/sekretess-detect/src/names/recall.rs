//! Names the tagger leaves out where the text itself says they are names: a given name in the
//! Swedish genitive before what is owned ("Villes konto"), and a word of a name found elsewhere
//! in the text standing alone at a sentence's start ("... Xanthe Quorbel. Xanthe said ...").

use super::features::{
    F_COMPANY_AFTER, F_GENITIVE, F_GIVEN, F_PLACE_AFTER, F_STOP, F_STREET, F_SURNAME, SEP_NONE, Sentence,
};
use super::neighbours::as_str;

/// Confidence of a name added here.
const CONF: f32 = 0.6;
/// Confidence a name needs before its words are looked for at a sentence's start.
const SOURCE_CONF: f32 = 0.75;

/// Adds the names above to `spans` (kept sorted).
pub(super) fn add(t: &[u8], s: &Sentence, spans: &mut Vec<(usize, usize, f32)>) {
    let mut add = Vec::new();
    let free =
        |a: usize, b: usize, spans: &[(usize, usize, f32)]| !spans.iter().any(|&(s, e, _)| s < b && a < e);
    for (n, k) in s.toks.iter().enumerate() {
        // The stem is a known given name and no surname; the word itself is neither (the
        // genitive test), and no capitalised word joins it on either side.
        if k.flags & F_GENITIVE == 0 {
            continue;
        }
        let joined_next = s.toks.get(n + 1).is_some_and(|x| x.sep != SEP_NONE);
        if k.flags & F_GIVEN != 0
            && k.flags & (F_SURNAME | F_STOP | F_STREET | F_PLACE_AFTER | F_COMPANY_AFTER) == 0
            && k.sep == SEP_NONE
            && !joined_next
            && free(k.start, k.end, spans)
        {
            add.push((k.start, k.end, CONF));
        }
    }
    if !s.skipped.is_empty() {
        let mut words: Vec<&[u8]> = Vec::new();
        for &(a, b, c) in spans.iter() {
            if c < SOURCE_CONF {
                continue;
            }
            for w in t[a..b].split(|&x| x == b' ') {
                if w.len() >= 3 && w[1..].iter().any(u8::is_ascii_lowercase) {
                    words.push(w);
                }
            }
        }
        words.sort_unstable();
        words.dedup();
        for &(a, b) in &s.skipped {
            if words.binary_search(&&t[a..b]).is_ok() && free(a, b, spans) && plain_word(t, a, b) {
                // A name that prose wraps over two lines is one ("Siobhan⏎Quorbel as ...").
                if let Some(p) = spans.iter().position(|&(_, e, _)| e + 1 == a && t[e] == b'\n') {
                    spans[p].1 = b;
                } else {
                    add.push((a, b, CONF));
                }
            }
        }
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|x| x.0);
    }
}

/// A word that no list takes for a common one, followed by a lower-case word that is no place
/// word, or by punctuation.
fn plain_word(t: &[u8], a: usize, b: usize) -> bool {
    use crate::lexicon as l;
    let w = as_str(&t[a..b]);
    if l::is_stop_word(w)
        || l::is_field_word(w)
        || l::is_person_cue(w)
        || l::is_role_noun(w)
        || l::month(w).is_some()
    {
        return false;
    }
    match t.get(b) {
        None | Some(b',' | b'.' | b'!' | b'?' | b';' | b':') => true,
        Some(b' ') => {
            let ne = t[b + 1..]
                .iter()
                .position(|&c| !(c.is_ascii_alphabetic() || c >= 0x80))
                .map_or(t.len(), |p| b + 1 + p);
            t.get(b + 1).is_some_and(u8::is_ascii_lowercase)
                && !l::is_place_word(as_str(&t[b + 1..ne]))
                && !l::is_company_word(as_str(&t[b + 1..ne]))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    // Words written for these tests (not from any evaluation or tuning set).

    fn names(t: &str) -> Vec<String> {
        let mut cands = Vec::new();
        super::super::apply(t.as_bytes(), Some(t), None, &mut cands);
        cands
            .iter()
            .filter(|c| c.label == crate::Label::Person)
            .map(|c| t[c.start..c.end].to_string())
            .collect()
    }

    #[test]
    fn a_given_name_in_the_genitive_is_a_name() {
        assert!(names("Hyran betalas till Villes konto varje månad.").contains(&"Ville".to_string()));
        // A surname after a given name is no genitive.
        assert!(!names("Möte med Maria Stevens i morgon.").contains(&"Stevens".to_string()));
    }

    #[test]
    fn a_word_of_a_name_found_before_at_a_sentence_start() {
        let t = "We met Xanthe Quorbel on Monday. Xanthe brought the papers.";
        assert_eq!(names(t), ["Xanthe Quorbel", "Xanthe"]);
        // Not before a capitalised word's place or as a common word.
        let t = "We met Xanthe Quorbel on Monday. The papers were brought.";
        assert_eq!(names(t), ["Xanthe Quorbel"]);
        // A name wrapped over two lines in prose is one.
        let t = "We met Xanthe Quorbel on Monday and asked Xanthe\nQuorbel to sign.";
        assert_eq!(names(t), ["Xanthe Quorbel", "Xanthe\nQuorbel"]);
    }
}
