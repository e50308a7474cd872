//! Homes without a plain street line: a house's name before its street line (UK, Irish and
//! Welsh homes are often named as well as, or instead of, numbered): "Rose Cottage, 4 Mill
//! Lane", "The Old Forge\n3 Church Street", "Hillcrest, 14 Ferndale Road"; and a person's
//! own post-office box ("Minh Tran\nPO Box 2287\nBellaire, TX 77402").

use super::Scanner;
use super::grammar::{capitalised, is_digits, is_en_street_type, is_house_name, words};
use crate::lexicon;

/// Small words inside a house's name ("Taigh na Mara", "Bryn yr Afon").
fn is_name_particle(w: &str) -> bool {
    matches!(w, "na" | "an" | "y" | "yr" | "on" | "the" | "of" | "de")
}

/// The offset in `seg` of a house's name that ends it: one to four capitalised words (small
/// words inside), after nothing but a label or a word in lower case ("of", "at"), marked as a
/// house by its last word ("Rose Cottage") or by "The" (at most three words: "The Old
/// Forge"). `loose` also takes one word no list knows ("Hillcrest") or a name with a small
/// word inside ("Taigh na Mara"); two or three capitalised words alone read as a person's
/// name ("Agnes Duthie, 14 …") and are left.
pub(super) fn house_name_tail(seg: &str, loose: bool) -> Option<usize> {
    let ws = words(seg);
    let mut a = ws.len();
    while a > 0 && ws.len() - a < 4 {
        let w = ws[a - 1].1;
        let word = capitalised(w) && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'');
        if word || (is_name_particle(w) && a < ws.len()) {
            a -= 1;
        } else {
            break;
        }
    }
    // A form's label without a colon ("Address  Rose Cottage") is not the house's.
    while a + 1 < ws.len() && lexicon::is_field_word(ws[a].1) {
        a += 1;
    }
    // "of Orchard View" after a person's name: the house starts after the preposition.
    tail_at(&ws, a, loose)
        .or_else(|| (a..ws.len()).rev().filter(|&p| ws[p].1 == "of").find_map(|p| tail_at(&ws, p + 1, loose)))
}

/// Welsh, Irish and Spanish words for a house that open a house's name ("Ty Gwyn", "Casa Azul").
fn is_house_lead(w: &str) -> bool {
    matches!(w, "Ty" | "Tŷ" | "Teach" | "Casa")
}

/// `house_name_tail` with the name's first candidate word at `a`.
fn tail_at(ws: &[(usize, &str)], mut a: usize, loose: bool) -> Option<usize> {
    while a < ws.len() && !capitalised(ws[a].1) {
        a += 1;
    }
    if a == ws.len() {
        return None;
    }
    if a > 0 {
        let p = ws[a - 1].1;
        if !(p.ends_with(':') || p.chars().all(char::is_lowercase) || lexicon::is_field_word(p)) {
            return None;
        }
    }
    let name = &ws[a..];
    let last = &name[name.len() - 1..];
    let house_word = is_house_name(name) && last[0].1 != "The" && is_house_name(last);
    let the = is_house_name(name) && name[0].1 == "The" && name.len() <= 3;
    // Not a person called Ty ("Ty Ames").
    let lead = name.len() == 2 && is_house_lead(name[0].1) && !lexicon::is_surname(name[1].1);
    let particle = name.iter().any(|(_, w)| is_name_particle(w));
    // The other words must not say a company, a trade, a field, a street, a place or a name.
    let mut bad = false;
    let mut person = false;
    for (k, (_, w)) in name.iter().enumerate() {
        if (k == 0 && (the || lead)) || (k == name.len() - 1 && house_word) || is_name_particle(w) {
            continue;
        }
        bad |= lexicon::is_company_form(w)
            || lexicon::is_company_word(w)
            || lexicon::is_trade_word(w)
            || lexicon::is_field_word(w)
            || lexicon::is_stop_word(w)
            || is_en_street_type(w)
            || crate::scan::address_label::is_country(w)
            || crate::scan::address_place::names_a_place(w);
        person |= lexicon::is_given(w) || lexicon::is_surname(w) || lexicon::surname_shape(w);
    }
    let unmarked = loose && !person && (name.len() == 1 || particle);
    (!bad && (house_word || the || lead || unmarked)).then_some(name[0].0)
}

impl Scanner<'_> {
    /// Before an English street line starting at `s`: the start of a house's name written
    /// before it, after a comma on the same line or, when a house word marks it ("Cottage",
    /// "The …"), on the line above.
    pub(super) fn house_name_before(&self, s: usize) -> Option<usize> {
        let (ss, se) = self.segment_before(s)?;
        let same_line = !self.t[se..s].contains(&b'\n');
        let seg = std::str::from_utf8(&self.t[ss..se]).ok()?;
        // A possessive is the person whose home it is ("at Given's, 12 Oak St"), not a house.
        if seg.ends_with("'s") || seg.ends_with("’s") {
            return None;
        }
        house_name_tail(seg, same_line).map(|o| ss + o)
    }
}

/// Whether `words` (one to four) read as a person's name written as an addressee: capitalised
/// words of letters, none a company, trade, place, field or stop word.
fn addressee(words: &[(usize, &str)]) -> bool {
    (2..=4).contains(&words.len())
        && words.iter().all(|(_, w)| {
            capitalised(w)
                && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'')
                && !lexicon::is_company_form(w)
                && !lexicon::is_company_word(w)
                && !lexicon::is_trade_word(w)
                && !lexicon::is_field_word(w)
                && !lexicon::is_stop_word(w)
                && !crate::scan::address_place::names_a_place(w)
        })
}

impl Scanner<'_> {
    /// A post-office box that ends the segment `[ss, se)` and is a person's: its line holds
    /// nothing before it under an addressee's name on the line above ("Minh Tran\nPO Box
    /// 2287"), or it follows a name and a dash ("Ada Obi – PO Box 512") or a label that names
    /// a mailing address ("New mailing address:  PO Box 3318"). A company's box has its
    /// name or a business word there instead. Returns the box's start.
    pub(super) fn person_box(&self, ss: usize, se: usize) -> Option<usize> {
        let t = self.t;
        let seg = std::str::from_utf8(&t[ss..se]).ok()?;
        let ws = words(seg);
        let n = ws.len();
        if n < 2 || !is_digits(ws[n - 1].1) || !matches!(ws[n - 2].1, "Box" | "BOX") {
            return None;
        }
        let mut b = n - 2;
        if b > 0 && matches!(ws[b - 1].1, "PO" | "P.O." | "P.O" | "Po") {
            b -= 1;
        }
        let start = ss + ws[b].0;
        if b == 0 {
            // Alone on its line, under an addressee's name.
            let mut k = ss;
            while k > 0 && matches!(t[k - 1], b' ' | b'\t') {
                k -= 1;
            }
            if k == 0 || t[k - 1] != b'\n' {
                return None;
            }
            let pe = k - 1;
            let lo = pe.saturating_sub(80);
            let ps = memchr::memrchr(b'\n', &t[lo..pe]).map_or(lo, |p| lo + p + 1);
            let above = std::str::from_utf8(&t[ps..pe]).ok()?;
            return addressee(&words(above.trim())).then_some(start);
        }
        let before = &ws[..b];
        let last = before[before.len() - 1].1;
        if matches!(last, "–" | "-" | "—") {
            let names = &before[..before.len() - 1];
            let from = names.len().saturating_sub(3);
            let tail = &names[from..];
            let name = (2..=3).rev().find_map(|k| (tail.len() >= k).then(|| &tail[tail.len() - k..]))?;
            return addressee(name).then_some(start);
        }
        let label = last.ends_with(':')
            && before.iter().any(|(_, w)| {
                let w = w.to_lowercase();
                w.starts_with("mailing")
                    || w.starts_with("postal")
                    || w.starts_with("address")
                    || w.starts_with("postadress")
            });
        label.then_some(start)
    }
}

/// A line that can be a house's name above its street in a block of lines ("Meadowbank",
/// "Ashgrove", "Ballinacourty House"): one or two capitalised words of letters that no list
/// knows as a name, a title or a stop word, and no street type. A person's line ("Ann
/// Kelly", "Mrs Kelly") is not one.
pub(super) fn house_line(ws: &[(usize, &str)]) -> bool {
    (1..=2).contains(&ws.len())
        && ws.iter().all(|(_, w)| {
            capitalised(w)
                && w.chars().count() >= 4
                && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'')
                && !is_en_street_type(w)
                && !lexicon::is_given(w)
                && !lexicon::is_surname(w)
                && !lexicon::is_stop_word(w)
                && !lexicon::is_person_cue(w)
        })
}
