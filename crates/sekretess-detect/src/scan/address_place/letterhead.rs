//! A department's or a site's name printed before its own address at the top of a form.

use crate::lexicon;

/// Whether the words before an address at the top of a document are a department's or a
/// site's name printed with its own address ("Claims Dept., ", "Lärcentrum, ", "Elections
/// Division, 3rd floor, "): capitalised words (`of`, `för` … inside), then a comma, perhaps
/// a floor. A known given name or surname among them reads as the sender's own name, and
/// a digit, a colon or a lower-case word as prose or a label.
pub(super) fn letterhead_lead(before: &str) -> bool {
    let Some(rest) = before.trim_end().strip_suffix(',') else { return false };
    let mut clauses = rest.split(',');
    let head = clauses.next().unwrap_or("");
    // Floors and wings after the name ("3rd floor", "våning 4").
    let floors = clauses.all(|c| {
        let c = c.trim().to_ascii_lowercase();
        c.split_whitespace().count() <= 3 && ["floor", "våning", "plan", "wing"].iter().any(|w| c.contains(w))
    });
    let words: Vec<&str> = head.split_whitespace().collect();
    // One short word is a reply's opening ("Sure, ", "Yes, "), not a site's name.
    floors
        && (1..=5).contains(&words.len())
        && (words.len() > 1 || words[0].chars().count() >= 6)
        && words.iter().all(|w| {
            let core = w.trim_end_matches('.');
            matches!(core, "of" | "för" | "och" | "&" | "and" | "de" | "i" | "the" | "für" | "und")
                || (core.chars().next().is_some_and(char::is_uppercase)
                    && core.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.')
                    && !lexicon::is_given(core)
                    && !lexicon::is_surname(core)
                    && !lexicon::surname_shape(core)
                    && !lexicon::is_person_cue(core))
        })
        // A unit or a house's name is part of a home's address ("Rose Cottage, 4 Mill Lane").
        && !words.iter().any(|w| {
            matches!(*w, "Flat" | "Apt" | "Unit" | "Box" | "Lgh" | "The") || crate::scan::address_line::is_house_word(w)
        })
}
