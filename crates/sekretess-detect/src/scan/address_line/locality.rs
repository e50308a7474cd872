//! The towns and districts written after a street line without a postcode ("14 Bode Road,
//! Surulere, Lagos", "41 Griffith Avenue, Marino, Dublin 9", "Storgatan 55, Linköping"):
//! part of the address, as the conventions make a street, postcode and town one span. A
//! country after them stays outside ("…, Lagos, Nigeria").

use crate::Label;
use crate::lexicon;
use crate::scan::address_label::is_country;
use crate::scan::{Scanner, char_at, confidence};

/// One locality at `s`: one to four capitalised words (letters, `-`, `'`), the last perhaps
/// a district's number of one or two digits ("Dublin 9", "Phase 1"). Returns its end and
/// whether it ends with such a number.
fn locality_at(t: &[u8], s: usize) -> Option<(usize, bool)> {
    let mut k = s;
    let mut words = 0;
    loop {
        let ws = k;
        if t.get(k).is_some_and(u8::is_ascii_digit) {
            while k < t.len() && t[k].is_ascii_digit() {
                k += 1;
            }
            let number = k - ws <= 2 && words > 0;
            return (number && !t.get(k).is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80))
                .then_some((k, true));
        }
        let upper = char_at(t, k).is_some_and(|(c, _)| c.is_uppercase());
        if !upper {
            return None;
        }
        while k < t.len() && (t[k].is_ascii_alphabetic() || t[k] >= 0x80 || matches!(t[k], b'-' | b'\'')) {
            k += 1;
        }
        words += 1;
        let next_word = t.get(k) == Some(&b' ')
            && t.get(k + 1).is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b >= 0x80);
        if words == 4 || !next_word {
            // A word that runs on into digits or punctuation is no town ("RG1", "Tel:").
            return (!t.get(k).is_some_and(|b| b.is_ascii_digit() || matches!(b, b':' | b'@' | b'/')))
                .then_some((k, false));
        }
        k += 1;
    }
}

/// A unit at `s` ("Apt 4C", "Unit 5", "Suite 210", "Flat 2", "lgh 1102", "lägenhet 1102"):
/// its end, before a comma, a full stop, a space or the line's end.
fn unit_at(t: &[u8], s: usize) -> Option<usize> {
    let rest = &t[s..t.len().min(s + 24)];
    let word =
        [&b"Apt "[..], b"Apt. ", b"Unit ", b"Suite ", b"Ste ", b"Flat ", b"lgh ", "lägenhet ".as_bytes()]
            .into_iter()
            .find(|w| rest.starts_with(w))?;
    let ns = s + word.len();
    let mut k = ns;
    while k < t.len() && t[k].is_ascii_alphanumeric() && k - ns < 5 {
        k += 1;
    }
    let numbered = t.get(ns).is_some_and(u8::is_ascii_digit)
        || (k - ns <= 2 && t[ns..k].iter().all(u8::is_ascii_uppercase));
    let ends = matches!(t.get(k), None | Some(b',' | b'.' | b' ' | b'\n' | b'\r' | b')' | b'"'));
    (k > ns && numbered && ends).then_some(k)
}

impl Scanner<'_> {
    /// After a street line ending at `we`: the end of the localities that follow it, or `we`.
    pub(in crate::scan) fn locality_after(&self, we: usize) -> usize {
        let t = self.t;
        let mut end = we;
        let mut runs = 0;
        while runs < 3 && t.get(end) == Some(&b',') {
            // A unit after the street, perhaps on the next line ("612 Oak Rd, Apt 4C, on the
            // 18th", "Storgatan 12 B,\nlgh 1102").
            if runs == 0
                && matches!(t.get(end + 1), Some(b' ' | b'\n'))
                && let Some(e) = unit_at(t, end + 2)
            {
                end = e;
                runs += 1;
                continue;
            }
            if t.get(end + 1) != Some(&b' ') {
                break;
            }
            let Some((e, district)) = locality_at(t, end + 2) else { break };
            let seg = std::str::from_utf8(&t[end + 2..e]).unwrap_or("");
            if is_country(seg) {
                break;
            }
            // Prose goes on after it ("… Dublin 9 and the new place"): a town after one
            // comma alone may be a person spoken to, so it takes two or a district number.
            let prose = t.get(e) == Some(&b' ') && t.get(e + 1).is_some_and(u8::is_ascii_lowercase);
            if prose && runs == 0 && !district {
                break;
            }
            end = e;
            runs += 1;
            if prose {
                break;
            }
        }
        end
    }
}

impl Scanner<'_> {
    /// A Swedish street whose name is a genitive and whose type is a word of its own, with
    /// its number: `w` (`[i, e)`) is the genitive ("Palmes gata 7", "Adolfs väg 3"), and a
    /// given name or a title before it joins it ("Olof Palmes gata 7", "Doktor Allards
    /// gata 9"). Pushes the street and returns its end.
    pub(in crate::scan) fn genitive_street(&mut self, i: usize, e: usize, w: &str) -> Option<usize> {
        let t = self.t;
        // A byte test first: most capitalised words are neither a genitive nor a name before
        // one, and stand before no space.
        if w.len() < 3 || t.get(e) != Some(&b' ') {
            return None;
        }
        // The street types' first letters (gata, väg, allé, plan, torg, backe, stig).
        let type_at = |k: usize| matches!(t.get(k), Some(b'g' | b'v' | b'a' | b'p' | b't' | b'b' | b's'));
        if w.ends_with('s')
            && type_at(e + 1)
            && let Some(j) = self.genitive_street_end(e)
        {
            // The given name or title the street is named after, one space before.
            let mut s = i;
            if i >= 2 && t[i - 1] == b' ' {
                let mut k = i - 1;
                while k > 0 && (t[k - 1].is_ascii_alphabetic() || t[k - 1] >= 0x80) {
                    k -= 1;
                }
                let before = std::str::from_utf8(&t[k..i - 1]).unwrap_or("");
                if lexicon::is_given(before) || super::grammar::is_street_title(before) {
                    s = k;
                }
            }
            return self.push_genitive_street(s, i, j);
        }
        // At the given name or title, before the name tagger takes both words for a person.
        // The street's shape first (bytes), the name lists last.
        if !t.get(e + 1).is_some_and(|b| b.is_ascii_uppercase() || *b >= 0x80) {
            return None;
        }
        let ge = self.word_end(e + 1);
        if ge < e + 5 || t[ge - 1] != b's' || t.get(ge) != Some(&b' ') || !type_at(ge + 1) {
            return None;
        }
        if !char_at(t, e + 1).is_some_and(|(c, _)| c.is_uppercase()) {
            return None;
        }
        let j = self.genitive_street_end(ge)?;
        if !(lexicon::is_given(w) || super::grammar::is_street_title(w)) {
            return None;
        }
        self.push_genitive_street(i, e + 1, j)
    }

    /// After a genitive ending at `ge`: ` gata 7` and the like, to the number's end.
    fn genitive_street_end(&self, ge: usize) -> Option<usize> {
        let t = self.t;
        if t.get(ge) != Some(&b' ') {
            return None;
        }
        let te = self.word_end(ge + 1);
        let ty = std::str::from_utf8(&t[ge + 1..te]).ok()?;
        if !matches!(ty, "gata" | "väg" | "gränd" | "allé" | "plan" | "torg" | "backe" | "stig" | "gångväg")
            || t.get(te) != Some(&b' ')
            || !t.get(te + 1).is_some_and(|b| (b'1'..=b'9').contains(b))
        {
            return None;
        }
        let mut j = te + 1;
        while j < t.len() && t[j].is_ascii_digit() && j - te <= 4 {
            j += 1;
        }
        if t.get(j).is_some_and(u8::is_ascii_alphabetic)
            && !t.get(j + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            j += 1;
        }
        crate::scan::right_ok(t, j).then_some(j)
    }

    /// Pushes the street `[s, j)` whose genitive starts at `g`, with its unit and towns.
    fn push_genitive_street(&mut self, s: usize, g: usize, j: usize) -> Option<usize> {
        if self.company_before(s) {
            return None;
        }
        let (_, j) = self.se_street_span(g, j);
        let j = self.locality_after(j);
        self.push(s, j, Label::PostalAddress, confidence::STREET, "se_street");
        Some(j)
    }
}
