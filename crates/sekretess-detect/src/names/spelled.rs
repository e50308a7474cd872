//! Names as scanned forms print them: spelled out letter by letter in boxes ("A N N A   B E R G":
//! one space between letters, two or three between words), or broken over two lines.

use super::bounds::title_case;
use super::features::Tok;
use crate::lexicon;
use crate::scan::char_at;

/// One uppercase letter standing alone at `i` (no letter or digit right after it): its length.
fn lone_capital(t: &[u8], i: usize) -> Option<usize> {
    let (c, l) = char_at(t, i)?;
    if !c.is_uppercase() || char_at(t, i + l).is_some_and(|(n, _)| n.is_alphanumeric()) {
        return None;
    }
    Some(l)
}

/// The words of a spelled-out run starting at `s`: `(start, end, letters)` each.
fn read_run(t: &[u8], s: usize) -> Vec<(usize, usize, String)> {
    let mut words = Vec::new();
    let mut k = s;
    'words: loop {
        let ws = k;
        let mut w = String::new();
        let mut we = k;
        while let Some(l) = lone_capital(t, k) {
            if let Some((c, _)) = char_at(t, k) {
                w.push(c);
            }
            we = k + l;
            if t.get(we) == Some(&b' ') && lone_capital(t, we + 1).is_some() {
                k = we + 1;
            } else {
                break;
            }
        }
        if w.chars().count() < 2 {
            break;
        }
        words.push((ws, we, w));
        let mut g = we;
        while t.get(g) == Some(&b' ') && g - we < 4 {
            g += 1;
        }
        if (2..=3).contains(&(g - we)) && lone_capital(t, g).is_some() {
            k = g;
            continue 'words;
        }
        break;
    }
    words
}

/// Adds the spelled-out names among `toks` to `spans` (replacing what overlaps them): a
/// run of spaced capitals of which one word is a known given name or surname; label words
/// spelled the same way before it ("N A M N") stay outside.
pub(super) fn add(t: &[u8], toks: &[Tok], spans: &mut Vec<(usize, usize, f32)>) {
    let mut after = 0;
    for k in toks {
        // Runs start at a single capital that begins its line or follows a space.
        if k.start < after {
            continue;
        }
        if k.start > 0 && !matches!(t[k.start - 1], b' ' | b'\n' | b'\t' | b'|' | b'[' | b':' | b'_') {
            continue;
        }
        if lone_capital(t, k.start).is_none() {
            continue;
        }
        let words = read_run(t, k.start);
        let Some(last) = words.last() else { continue };
        after = last.1;
        let letters: usize = words.iter().map(|w| w.2.chars().count()).sum();
        if letters < 4 {
            continue;
        }
        let titled: Vec<String> = words.iter().map(|w| title_case(&w.2)).collect();
        let first = titled
            .iter()
            .position(|w| {
                !(lexicon::is_field_word(w) || lexicon::is_stop_word(w) || lexicon::is_person_cue(w))
            })
            .unwrap_or(titled.len());
        if !titled[first..].iter().any(|w| lexicon::is_given(w) || lexicon::is_surname(w)) {
            continue;
        }
        let (s, e) = (words[first].0, last.1);
        spans.retain(|x| x.1 <= s || x.0 >= e);
        spans.push((s, e, 0.9));
    }
}

/// Extends each span that ends where a word breaks over the line ("Heik-\n kinen") to the
/// word's end, line break and all: the tagger sees the two halves as two words.
pub(super) fn join_broken(t: &[u8], spans: &mut [(usize, usize, f32)]) {
    for sp in spans.iter_mut() {
        let e = sp.1;
        if t.get(e) != Some(&b'-')
            || !t.get(e.wrapping_sub(1)).is_some_and(|b| b.is_ascii_alphabetic() || *b >= 0x80)
        {
            continue;
        }
        let mut k = e + 1;
        if t.get(k) == Some(&b'\r') {
            k += 1;
        }
        if t.get(k) != Some(&b'\n') {
            continue;
        }
        k += 1;
        while t.get(k) == Some(&b' ') && k - e < 12 {
            k += 1;
        }
        let ws = k;
        while let Some((c, l)) = char_at(t, k) {
            if !c.is_lowercase() {
                break;
            }
            k += l;
        }
        if k - ws >= 2 && !char_at(t, k).is_some_and(|(c, _)| c.is_alphanumeric()) {
            sp.1 = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_spaced_capitals() {
        let t = b"X  O L A   S V E N S S O N  y";
        let w = read_run(t, 3);
        assert_eq!(w.iter().map(|x| x.2.as_str()).collect::<Vec<_>>(), ["OLA", "SVENSSON"]);
        assert_eq!(title_case("ÅSA"), "Åsa");
        // A word of capitals is no run.
        assert!(read_run(b"OLA SVENSSON", 0).is_empty());
    }

    #[test]
    fn a_name_broken_over_two_lines() {
        let t = b"till Eva Lind-\n  qvist, som";
        let mut s = vec![(5, 13, 0.9)];
        join_broken(t, &mut s);
        assert_eq!(&t[s[0].0..s[0].1], b"Eva Lind-\n  qvist");
        // A hyphen before a capital is a double name's, not a break.
        let t = b"Eva Lind-\nBerg";
        let mut s = vec![(0, 8, 0.9)];
        join_broken(t, &mut s);
        assert_eq!(s[0].1, 8);
    }
}
