//! How a capitalised word is written where it stands: a name in the Swedish genitive, a bare
//! initial in a cell, a form's label without its colon (tokens of the PERSON tagger).

use crate::lexicon;
use crate::scan::char_at;

use super::lexcache::{L_GIVEN, L_PLACE, L_STOP, L_STREET, L_SUR, LexCache};

/// Whether `t[i..we]` is a given name in the Swedish genitive: title case, ending in `s`
/// before a word in lower case (what is owned: "Annas nya jobb", "Villes konto"), its stem a
/// known given name, the word itself neither a given name nor a surname ("Agnes", "Jonas"),
/// and not after a capitalised word (a surname: "Maria Stevens").
pub(super) fn swedish_genitive(t: &[u8], i: usize, we: usize, cache: &mut LexCache) -> bool {
    if we - i < 4 || t[we - 1] != b's' || !t[we - 2].is_ascii_lowercase() {
        return false;
    }
    if t.get(we) != Some(&b' ')
        || !t.get(we + 1).is_some_and(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b >= 0xC3)
    {
        return false;
    }
    if i >= 2 && t[i - 1] == b' ' {
        let ws =
            t[..i - 1].iter().rposition(|b| !(b.is_ascii_alphabetic() || *b >= 0x80)).map_or(0, |p| p + 1);
        if ws < i - 1 && char_at(t, ws).is_some_and(|(c, _)| c.is_uppercase()) {
            return false;
        }
    }
    let (Ok(w), Ok(stem)) = (std::str::from_utf8(&t[i..we]), std::str::from_utf8(&t[i..we - 1])) else {
        return false;
    };
    // The word itself through the cache (the token asks for it anyway); the stem straight
    // from the list, so that stems do not crowd the cache.
    cache.get(w) & (L_GIVEN | L_SUR | L_STOP | L_STREET | L_PLACE) == 0 && lexicon::is_given(stem)
}

/// A capital letter without its dot before a surname at the start of a cell or a field's
/// value ("L Moradi" in a CSV row, "Customer sign: A Ramos"): an initial. `A` and `I` only
/// after a label's colon or a delimiter, not at a line's start (the article, the pronoun).
pub(super) fn bare_initial(t: &[u8], i: usize, we: usize) -> bool {
    if we != i + 1 || t.get(we) != Some(&b' ') || !t.get(we + 1).is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    // The word after is a word, not another letter ("A B C").
    if !t.get(we + 2).is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_uppercase() || *b >= 0x80) {
        return false;
    }
    let mut k = i;
    while k > 0 && matches!(t[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    match t.get(k.wrapping_sub(1)) {
        None | Some(b'\n' | b'\r') => !matches!(t[i], b'A' | b'I'),
        Some(b':' | b';' | b'|' | b',' | b'\t' | b'_' | b'"') => true,
        _ => false,
    }
}

/// A form's label without a colon: the line's first words (or a grid's cell after a bar, past
/// an item number), then a gap of two spaces or more (or a run of underscores or dots) right
/// before `i` ("Surname    OKONKWO", "Namn .... Kerttu", "| 2 Forename | NAME |"); or a line
/// holding only the label above an indented value ("Efternamn⏎  NAME"). The caller keeps it
/// only when it names a person.
pub(super) fn gap_label(t: &[u8], i: usize) -> Option<&[u8]> {
    let mut k = i;
    // A box's border or bracket is a gap too ("Surname  | NAME |", "Surname  [ NAME ]").
    while k > 0 && i - k < 40 && matches!(t[k - 1], b' ' | b'_' | b'.' | b'|' | b'[') {
        k -= 1;
    }
    if k > 0 && t[k - 1] == b'\n' && i > k && t[k..i].iter().all(|&b| b == b' ') {
        return label_above(t, k - 1);
    }
    if i - k < 2 || t[k..i].iter().filter(|&&b| b == b' ').count() == 1 && i - k == 2 {
        return None;
    }
    let lo = k.saturating_sub(32);
    let ls = t[lo..k]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'|')
        .map(|p| lo + p + 1)
        .or((lo == 0).then_some(0))?;
    // A table's header row over its ruler ("| Member | Born |⏎|----|") labels nothing.
    if ls > 0 && t[ls - 1] == b'|' && ruler_below(t, i) {
        return None;
    }
    label_words(t, ls, k)
}

/// Whether the line after the one holding `i` is a table's ruler (`|---|`, `+---+`, `----`).
fn ruler_below(t: &[u8], i: usize) -> bool {
    let Some(nl) = t[i..].iter().position(|&b| b == b'\n') else { return false };
    let mut r = i + nl + 1;
    while t.get(r).is_some_and(|&b| matches!(b, b' ' | b'\t' | b'|' | b'+' | b':')) {
        r += 1;
    }
    t.get(r..r + 3) == Some(b"---") || t.get(r..r + 3) == Some(b"===")
}

/// The label in `t[s..k]` past leading blanks and an item number (`2 `, `3. `): letters,
/// spaces, brackets and hyphens, no gap of two spaces.
fn label_words(t: &[u8], mut s: usize, k: usize) -> Option<&[u8]> {
    while s < k && matches!(t[s], b' ' | b'\t') {
        s += 1;
    }
    let d = s;
    while s < k && t[s].is_ascii_digit() {
        s += 1;
    }
    if s > d && s - d <= 2 {
        if s < k && matches!(t[s], b'.' | b')') {
            s += 1;
        }
        if s >= k || t[s] != b' ' {
            return None;
        }
        while s < k && t[s] == b' ' {
            s += 1;
        }
    }
    let label = &t[s..k];
    let ok = !label.is_empty()
        && label
            .iter()
            .all(|&b| b.is_ascii_alphabetic() || b >= 0x80 || matches!(b, b' ' | b'(' | b')' | b'-'))
        && !label.windows(2).any(|w| w == b"  ");
    ok.then_some(label)
}

/// The line ending at the line break `nl`, when it holds a short label and nothing else.
fn label_above(t: &[u8], nl: usize) -> Option<&[u8]> {
    let lo = nl.saturating_sub(33);
    let ls = t[lo..nl].iter().rposition(|&b| b == b'\n').map(|p| lo + p + 1).or((lo == 0).then_some(0))?;
    let mut e = nl;
    while e > ls && matches!(t[e - 1], b' ' | b'\r' | b'\t') {
        e -= 1;
    }
    label_words(t, ls, e)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    // Words written for these tests (not from any evaluation or tuning set).

    fn genitive(t: &str, w: &str) -> bool {
        let i = t.find(w).unwrap();
        let mut cache = LexCache::empty();
        swedish_genitive(t.as_bytes(), i, i + w.len(), &mut cache)
    }

    #[test]
    fn a_given_name_in_the_genitive() {
        assert!(genitive("hyran går till Villes konto", "Villes"));
        assert!(genitive("vi firar Annas 40-årsdag", "Annas"));
        // A name of its own, a surname after a given name, no lower-case word after it.
        assert!(!genitive("Jonas kommer i morgon", "Jonas"));
        assert!(!genitive("Maria Stevens called", "Stevens"));
        assert!(!genitive("till Annas.", "Annas"));
    }

    fn bare(t: &str, at: usize) -> bool {
        bare_initial(t.as_bytes(), at, at + 1)
    }

    #[test]
    fn a_letter_without_its_dot_in_a_cell_is_an_initial() {
        assert!(bare("2;070-000 00 00;K Quorbel\n", 16));
        assert!(bare("Customer sign: A Quorbel", 15));
        assert!(bare("\nT Quorbel\n", 1));
        // The article and the pronoun at a line's start; a letter in prose; letters in a row.
        assert!(!bare("A Better Way\n", 0));
        assert!(!bare("I Love It", 0));
        assert!(!bare("plan B Quorbel", 5));
        assert!(!bare("x: A B C", 3));
    }

    #[test]
    fn a_form_label_without_a_colon() {
        let t = b"Surname    QUORBEL\nNamn ....... Xanthe\nsaid  Xanthe";
        let at = |w: &str| t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap();
        assert_eq!(gap_label(t, at("QUORBEL")), Some(&b"Surname"[..]));
        assert_eq!(gap_label(t, at("Xanthe\ns")), Some(&b"Namn"[..]));
        // One space is no gap.
        let t = b"Surname QUORBEL";
        assert_eq!(gap_label(t, 8), None);
    }

    #[test]
    fn a_grid_cell_or_the_line_above_labels_a_value() {
        let t = b"| 2 Surname | QUORBEL |  Forename | XANTHE |\nEfternamn\n  QUORBEL-NYX\nsaid\nQuorbel";
        let at = |w: &str| t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap();
        assert_eq!(gap_label(t, at("QUORBEL |")), Some(&b"Surname"[..]));
        assert_eq!(gap_label(t, at("XANTHE")), Some(&b"Forename"[..]));
        assert_eq!(gap_label(t, at("QUORBEL-")), Some(&b"Efternamn"[..]));
        // Not indented: a line of prose after another.
        assert_eq!(gap_label(t, at("Quorbel")), None);
        // A table's header row.
        let t = b"| Member | Born |\n|---|---|\n";
        assert_eq!(gap_label(t, 11), None);
    }
}
