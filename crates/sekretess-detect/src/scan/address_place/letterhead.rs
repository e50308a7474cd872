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

/// Whether the clause right before an address in running text or a field is a shop's, a
/// site's or an employer's name ("… hämtas hos Kiosken Torget, ", "Returns go to: Acme
/// Repairs, ", "worked at Firm Name, Site Name, "): the capitalised words after the last
/// lower-case word, label or quote, read as [`letterhead_lead`] reads a letterhead, with a
/// trade, company or place word among them (or `of`, `&` inside): the name lists alone
/// cannot tell a person spoken of before their home ("… hos Given Surname, ") from a shop.
pub(super) fn place_lead(before: &str) -> bool {
    let trimmed = before.trim_end();
    let Some(rest) = trimmed.strip_suffix(',') else { return false };
    // The last clause only: "Firm Name, Site Name, " speaks of the site.
    let clause = rest.rsplit(',').next().unwrap_or(rest);
    let mut start = clause.len();
    let words = clause.rsplit(' ').scan(clause.len(), |end, w| {
        let o = *end - w.len();
        *end = o.saturating_sub(1);
        Some((o, w))
    });
    for (o, w) in words.take(5) {
        let small = matches!(w, "i" | "&" | "of" | "och" | "de" | "the" | "für" | "und");
        if w.is_empty() || !(small || w.chars().next().is_some_and(char::is_uppercase)) {
            break;
        }
        start = o;
    }
    let tail = clause[start..].trim();
    // Words to read, and prose or a label before them (a line that is only the name is the
    // letterhead rule's).
    let opened = !clause[..start].trim().is_empty() || clause.len() < rest.len();
    // A firm's or a site's word among them (a trade, a company word, a place word, `of` or
    // `&` inside the name): the name lists cannot tell a person from a shop, these can.
    let firm = || {
        tail.split(' ').enumerate().any(|(k, w)| {
            (k > 0 && matches!(w, "of" | "&" | "für" | "und"))
                || lexicon::is_trade_word(w)
                || lexicon::is_company_word(w)
                || lexicon::is_place_word(&w.to_lowercase())
        })
    };
    // The cheap tests first; the lists (and a lower-case copy per word) last.
    opened
        && !tail.is_empty()
        && !matches!(tail.split(' ').next(), Some("i" | "&" | "of" | "och" | "de" | "the" | "für" | "und"))
        && letterhead_lead(&trimmed[rest.len() - clause.len() + start..])
        && firm()
}
