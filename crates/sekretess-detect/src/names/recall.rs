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
    // Spans are sorted by start and do not overlap, so their ends are sorted too.
    let free = |a: usize, b: usize, spans: &[(usize, usize, f32)]| {
        let p = spans.partition_point(|&(_, e, _)| e <= a);
        spans.get(p).is_none_or(|&(s, _, _)| s >= b)
    };
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
    if !s.skipped.is_empty() && spans.iter().any(|x| x.2 >= SOURCE_CONF) {
        // The words of the confident names, built at the first word that could be one.
        let mut words: Option<(Vec<&[u8]>, [u64; 4])> = None;
        // Words a list took for common ones here: not asked again.
        let mut common: Vec<&[u8]> = Vec::new();
        for &(a, b) in &s.skipped {
            if b - a < 3 || !goes_on(t, b) {
                continue;
            }
            let (ws, mask) = words.get_or_insert_with(|| {
                let ws = name_words(t, spans);
                let mut mask = [0u64; 4];
                for w in &ws {
                    let (i, bit) = sketch(w);
                    mask[i] |= bit;
                }
                (ws, mask)
            });
            let w = &t[a..b];
            let (i, bit) = sketch(w);
            if mask[i] & bit != 0
                && ws.binary_search(&w).is_ok()
                && free(a, b, spans)
                && !common.contains(&w)
                && (plain_word(t, a, b) || {
                    common.push(w);
                    false
                })
            {
                // A name that prose wraps over two lines is one ("Siobhan⏎Quorbel as ...").
                if let Some(p) = wrapped_before(t, a, spans) {
                    spans[p].1 = b;
                } else {
                    add.push((a, b, CONF));
                }
            } else if let Some(p) = wrapped_given(t, a, b, spans) {
                spans[p].1 = b;
            }
        }
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|x| x.0);
    }
}

/// The words of the names found with confidence, sorted.
fn name_words<'a>(t: &'a [u8], spans: &[(usize, usize, f32)]) -> Vec<&'a [u8]> {
    let mut words: Vec<&[u8]> = Vec::new();
    for &(a, b, c) in spans {
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
    words
}

/// One bit of 256 for a word (its length and its first and last bytes): most words at a
/// sentence's start are no name's, and this says so without a search.
fn sketch(w: &[u8]) -> (usize, u64) {
    let h =
        usize::from(w[0]).wrapping_mul(31) ^ (w.len() * 7) ^ usize::from(w[w.len() - 1]).wrapping_mul(131);
    ((h >> 6) & 3, 1u64 << (h & 63))
}

/// Whether what follows a word at `b` goes on with a sentence: punctuation, the text's end, or
/// a space and a lower-case letter.
fn goes_on(t: &[u8], b: usize) -> bool {
    match t.get(b) {
        None | Some(b',' | b'.' | b'!' | b'?' | b';' | b':') => true,
        Some(b' ') => t.get(b + 1).is_some_and(u8::is_ascii_lowercase),
        _ => false,
    }
}

/// The name (in `spans`, sorted) that ends at the line break right before `a`.
fn wrapped_before(t: &[u8], a: usize, spans: &[(usize, usize, f32)]) -> Option<usize> {
    if a == 0 || t[a - 1] != b'\n' {
        return None;
    }
    let p = spans.partition_point(|&(s, _, _)| s < a);
    (p > 0 && spans[p - 1].1 + 1 == a).then(|| p - 1)
}

/// A given name alone at a line's end in prose (a lower-case word before it on its line), and
/// at the next line's start a word no list knows, before a comma: one name
/// that the line break wraps ("my manager, Given⏎Quorbel, agreed"). Returns the span to widen.
fn wrapped_given(t: &[u8], a: usize, b: usize, spans: &[(usize, usize, f32)]) -> Option<usize> {
    use crate::lexicon as l;
    let p = wrapped_before(t, a, spans)?;
    let (s, e, _) = spans[p];
    let w = as_str(&t[s..e]);
    let next = as_str(&t[a..b]);
    let ls = t[..s].iter().rposition(|&c| c == b'\n').map_or(0, |q| q + 1);
    let prose =
        t[ls..s].split(|&c| c == b' ').any(|x| x.len() >= 2 && x.iter().take(2).all(u8::is_ascii_lowercase));
    // The sentence goes on after a comma: a word at a line's start before lower-case words is
    // as often a new line of a list or a heading ("Given⏎Tel vid förhinder").
    let ok = prose
        && t.get(b) == Some(&b',')
        && !w.contains(' ')
        && l::is_given(w)
        && !l::is_given(next)
        && !l::is_place_word(next)
        && !l::is_company_word(next)
        && plain_word(t, a, b);
    ok.then_some(p)
}

/// Where a name starts and ends, looked at again: a trade or role word before a known given name
/// and a surname is outside the name ("Konsult Given Surname" in a register); an initial and a
/// stop word before a name are not part of it ("the child L. Between Given Surname"); a
/// double surname that OCR spaced around its hyphen in a form's field is one name ("Namn ...
/// Given  Surname - Surname").
pub(super) fn trim_and_join(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    use crate::lexicon as l;
    for sp in spans.iter_mut() {
        // Three words or more (two spaces at least) before anything is allocated.
        if memchr::memchr_iter(b' ', &t[sp.0..sp.1]).nth(1).is_none() {
            continue;
        }
        let words: Vec<(usize, usize)> = word_ranges(t, sp.0, sp.1);
        if words.len() < 3 {
            continue;
        }
        let w0 = as_str(&t[words[0].0..words[0].1]);
        let w1 = as_str(&t[words[1].0..words[1].1]);
        let given1 = l::is_given(w1) || w1.split('-').next().is_some_and(l::is_given);
        let single_line = !t[sp.0..sp.1].contains(&b'\n');
        if single_line && given1 && (l::is_trade_word(w0) || l::is_role_noun(w0)) && !l::is_given(w0) {
            sp.0 = words[1].0;
        } else if single_line && w0.len() == 2 && w0.ends_with('.') && words.len() >= 4 && l::is_stop_word(w1)
        {
            sp.0 = words[2].0;
        }
    }
    let mut k = 1;
    while k < spans.len() {
        let (a, b) = (spans[k - 1], spans[k]);
        if t.get(a.1..b.0) == Some(b" - ")
            && matches!(t.get(b.1), None | Some(b'\n' | b'\r'))
            && word_ranges(t, a.0, a.1).len() >= 2
            && word_ranges(t, b.0, b.1).len() == 1
            && after_label(t, a.0)
        {
            spans[k - 1].1 = b.1;
            spans[k - 1].2 = a.2.min(b.2);
            spans.remove(k);
        } else {
            k += 1;
        }
    }
}

/// The words of `t[s..e]` (split at spaces).
fn word_ranges(t: &[u8], s: usize, e: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = s;
    while i < e {
        while i < e && t[i] == b' ' {
            i += 1;
        }
        let ws = i;
        while i < e && t[i] != b' ' {
            i += 1;
        }
        if i > ws {
            out.push((ws, i));
        }
    }
    out
}

/// Whether the name at `s` is a field's value: its line before it is a label and then a colon,
/// dots or a gap of two spaces.
fn after_label(t: &[u8], s: usize) -> bool {
    let ls = t[..s].iter().rposition(|&c| c == b'\n').map_or(0, |q| q + 1);
    let head = &t[ls..s];
    let trimmed = head.iter().rposition(|&c| c != b' ').map_or(0, |q| q + 1);
    trimmed > 0
        && head[..trimmed].iter().any(u8::is_ascii_alphabetic)
        && (matches!(head[trimmed - 1], b':' | b'.') || head.len() - trimmed >= 2)
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
        // The title makes the first name confident whatever the model makes of two words
        // no list knows.
        let t = "We met Mrs Xanthe Quorbel on Monday. Xanthe brought the papers.";
        assert_eq!(names(t), ["Xanthe Quorbel", "Xanthe"]);
        // Not before a capitalised word's place or as a common word.
        let t = "We met Mrs Xanthe Quorbel on Monday. The papers were brought.";
        assert_eq!(names(t), ["Xanthe Quorbel"]);
        // A given name and a word no list knows that prose wraps over two lines are one.
        let t = "My manager, Anna\nQuorbel, will sign it.";
        assert_eq!(names(t), ["Anna\nQuorbel"]);
        // A name wrapped over two lines in prose is one.
        let t = "We met Mrs Xanthe Quorbel on Monday and asked Xanthe\nQuorbel to sign.";
        assert_eq!(names(t), ["Xanthe Quorbel", "Xanthe\nQuorbel"]);
    }

    #[test]
    fn role_words_and_spaced_hyphens_at_a_name_s_edges() {
        let mut v = vec![(0, 0, 0.9)];
        let t = b"L1   Konsult Anna-Karin Quorbel   privat";
        v[0] = (5, 31, 0.9);
        super::trim_and_join(t, &mut v);
        assert_eq!(&t[v[0].0..v[0].1], b"Anna-Karin Quorbel");
        let t = b"Namn ..... Xanthe  Quorbel - Berg\nPnr";
        let mut v = vec![(11, 26, 0.9), (29, 33, 0.8)];
        super::trim_and_join(t, &mut v);
        assert_eq!(v, [(11, 33, 0.8)]);
        // Not in prose, nor before more words on the line.
        let t = b"we saw Xanthe Quorbel - Berg\n";
        let mut v = vec![(7, 21, 0.9), (24, 28, 0.8)];
        super::trim_and_join(t, &mut v);
        assert_eq!(v.len(), 2);
    }

    #[test]
    fn an_unknown_given_name_before_and_and_a_full_name() {
        let n = names("Hälsningar från Xanthe och Anna Quorbel i Lund.");
        assert!(n.contains(&"Xanthe".to_string()), "{n:?}");
        // A capitalised word before it: a firm or the end of a name.
        let n = names("Vi anlitar Berg Xanthe & Anna Quorbel nu.");
        assert!(!n.contains(&"Xanthe".to_string()), "{n:?}");
    }
}
