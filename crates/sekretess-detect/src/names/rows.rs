//! Names in a register's rows that the tagger splits or cuts: `SURNAME Given` found as two
//! names, and `Surname, Given & Given` whose surname the tagger leaves out.

use super::bounds::{caps_word, cell_ends, line_start};
use super::structure::cell_start;

/// Joins and widens the names in `out` (sorted, not overlapping) as a register writes them.
pub(super) fn join_rows(t: &[u8], out: &mut Vec<(usize, usize, f32)>) {
    let mut k = 1;
    while k < out.len() {
        let (ps, pe, pc) = out[k - 1];
        let (s, e, c) = out[k];
        // `SURNAME Given` at a row's start, the cell ending after the given name.
        if t.get(pe..s) == Some(b" ")
            && caps_word(&t[ps..pe])
            && line_start(t, ps)
            && title_word(&t[s..e])
            && cell_ends(t, e)
        {
            out[k - 1] = (ps, e, pc.min(c));
            out.remove(k);
            continue;
        }
        k += 1;
    }
    for k in 0..out.len() {
        let prev_end = if k > 0 { out[k - 1].1 } else { 0 };
        if let Some(ns) = surname_before_pair(t, out[k].0, out[k].1).filter(|&ns| ns >= prev_end) {
            out[k].0 = ns;
        }
    }
}

/// Two people side by side on a signature line, two spaces apart (`Given Surname  Given
/// Surname`), that the join across OCR's double spaces made one name: split when each side has
/// two words or more and opens with a known given name (`Given  Given  Surname` of OCR spacing
/// stays one).
pub(super) fn split_side_by_side(t: &[u8], out: &mut Vec<(usize, usize, f32)>) {
    let mut k = 0;
    while k < out.len() {
        let (s, e, c) = out[k];
        let name = &t[s..e];
        // Exactly one gap of two spaces.
        let gap = memchr::memmem::find(name, b"  ");
        if let Some(g) = gap
            && memchr::memmem::rfind(name, b"  ") == Some(g)
            && name.get(g + 2) != Some(&b' ')
            && full_name(&name[..g])
            && full_name(&name[g + 2..])
        {
            out[k] = (s, s + g, c);
            out.insert(k + 1, (s + g + 2, e, c));
            k += 2;
            continue;
        }
        k += 1;
    }
}

/// Two words or more separated by single spaces, the first a known given name.
fn full_name(w: &[u8]) -> bool {
    let Ok(w) = std::str::from_utf8(w) else { return false };
    let mut words = w.split(' ');
    words.next().is_some_and(crate::lexicon::is_given) && words.count() >= 1 && !w.contains('\n')
}

/// One word in title case (hyphens and apostrophes inside).
fn title_word(w: &[u8]) -> bool {
    let Ok(w) = std::str::from_utf8(w) else { return false };
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase)
        && w.chars().count() >= 2
        && cs.all(|c| c.is_lowercase() || c == '-' || c == '\'')
}

/// The start of a surname before a given name found alone in a cell `Surname, Given & Given`
/// (two people of one household): the word before the comma starts a cell, is one word that
/// no list knows as a given name ("Given, Given & Given" signs a card), and a second person's
/// name follows after `&`, `and` or `och`.
fn surname_before_pair(t: &[u8], s: usize, e: usize) -> Option<usize> {
    if s < 4 || t[s - 1] != b' ' || t[s - 2] != b',' || !title_word(&t[s..e]) {
        return None;
    }
    let after = &t[e..];
    let rest = [&b" & "[..], b" and ", b" och "].iter().find_map(|p| after.strip_prefix(*p))?;
    if !rest.first().is_some_and(u8::is_ascii_uppercase) {
        return None;
    }
    let we = s - 2;
    let ws = t[..we]
        .iter()
        .rposition(|&b| !(b.is_ascii_alphabetic() || b >= 0x80 || b == b'-' || b == b'\''))
        .map_or(0, |p| p + 1);
    let w = &t[ws..we];
    let word = title_word(w) || caps_word(w);
    let name = std::str::from_utf8(w).unwrap_or("");
    (word && cell_start(t, ws) && !crate::lexicon::is_given(name) && !super::bounds::listed_as_no_name(name))
        .then_some(ws)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    // Names written for these tests (not from any evaluation or tuning set).

    fn joined(t: &str, names: &[&str]) -> Vec<String> {
        let mut out: Vec<(usize, usize, f32)> = names
            .iter()
            .map(|n| {
                let a = t.find(n).unwrap();
                (a, a + n.len(), 0.9)
            })
            .collect();
        join_rows(t.as_bytes(), &mut out);
        out.iter().map(|&(s, e, _)| t[s..e].to_string()).collect()
    }

    #[test]
    fn a_surname_in_capitals_and_a_given_name_in_a_row() {
        assert_eq!(joined("QUORBEL Xanthe     QQ 1\n", &["QUORBEL", "Xanthe"]), ["QUORBEL Xanthe"]);
        // Not in prose, nor when the cell goes on.
        assert_eq!(joined("met QUORBEL Xanthe  x\n", &["QUORBEL", "Xanthe"]), ["QUORBEL", "Xanthe"]);
        assert_eq!(joined("QUORBEL Xanthe said\n", &["QUORBEL", "Xanthe"]), ["QUORBEL", "Xanthe"]);
    }

    #[test]
    fn two_people_side_by_side_are_two_names() {
        let t = "Underskrift: Anna Quorbel  Erik Quorbel\n";
        let a = t.find("Anna").unwrap();
        let mut out = vec![(a, t.len() - 1, 0.9)];
        split_side_by_side(t.as_bytes(), &mut out);
        let got: Vec<&str> = out.iter().map(|&(s, e, _)| &t[s..e]).collect();
        assert_eq!(got, ["Anna Quorbel", "Erik Quorbel"]);
        // OCR spacing inside one name.
        let t = "Namn: Xanthe  Osei  Quorbel\n";
        let mut out = vec![(6, t.len() - 1, 0.9)];
        split_side_by_side(t.as_bytes(), &mut out);
        assert_eq!(out.len(), 1);
        let t = "Namn: Anna Maria  Quorbel Nyx\n";
        let mut out = vec![(6, t.len() - 1, 0.9)];
        split_side_by_side(t.as_bytes(), &mut out);
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn a_household_s_surname_before_two_given_names() {
        assert_eq!(
            joined("T12  Quorbel, Xanthe & Olu  4 Elm St\n", &["Xanthe", "Olu"]),
            ["Quorbel, Xanthe", "Olu"]
        );
        assert_eq!(joined("T12\tQUORBEL, Xanthe and Olu\n", &["Xanthe", "Olu"]), ["QUORBEL, Xanthe", "Olu"]);
        // Three given names signing a card; a sentence.
        assert_eq!(joined("Love,\nErik, Xanthe & Olu\n", &["Xanthe", "Olu"]), ["Xanthe", "Olu"]);
        assert_eq!(joined("we met Quorbel, Xanthe & Olu\n", &["Xanthe", "Olu"]), ["Xanthe", "Olu"]);
    }
}
