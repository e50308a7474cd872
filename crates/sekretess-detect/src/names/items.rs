//! Given names in the articles of invoices, orders, delivery notes and price lists ("Soffa
//! Karl-Johan 3-sits", `"Wilma" sofa`, "Espresso cups Otto, set of 4"): shops name their
//! products after people, and an article line is laid out like no sentence about a person.

use super::neighbours::as_str;

/// The longest article line looked at, in bytes.
const MAX_LINE: usize = 240;
/// The longest description after a name looked at, in bytes.
const MAX_REST: usize = 80;

/// Whether the name at `s..e` is part of an article's description: it stands in a cell of a
/// line laid out as an article line (an amount or a quantity in a column after it, an article
/// number or a quantity before it), and the cell describes a thing: a lower-case word that is
/// not a preposition, a size or a count, or quotes around the name.
pub(super) fn in_article(t: &[u8], s: usize, e: usize) -> bool {
    let le = memchr::memchr(b'\n', &t[e..]).map_or(t.len(), |p| e + p);
    // An article line is short, and so is the rest of a description after the name.
    if le - e > MAX_LINE {
        return false;
    }
    // Columns after the name or an article number or a count before it; most lines about a
    // person have neither, and memchr finds that fast.
    let rest = &t[e..le];
    let columns = memchr::memchr3(b'\t', b'|', b';', rest).is_some()
        || memchr::memchr2_iter(b' ', b'.', rest).any(|i| rest.get(i + 1) == Some(&rest[i]));
    let ls = memchr::memrchr(b'\n', &t[s.saturating_sub(MAX_LINE)..s])
        .map_or(0, |p| s.saturating_sub(MAX_LINE) + p + 1);
    if s - ls >= MAX_LINE || (!columns && !article_before(&t[ls..s])) {
        return false;
    }
    let mut cap = le.min(e + MAX_REST);
    while cap > e && t.get(cap).is_some_and(|&b| b & 0xC0 == 0x80) {
        cap -= 1;
    }
    let ce = cell_end(t, e, cap);
    let quoted = (s == 0 || matches!(t.get(s.wrapping_sub(2)), Some(b' ' | b'(' | b'\t')))
        && matches!(t.get(s.wrapping_sub(1)), Some(b'"'))
        && matches!(t.get(e), Some(b'"'));
    if !quoted && !describes(after_role(&t[e..ce])) {
        return false;
    }
    // A statement, a log or a chat line starts with a date or a time; an article line does not.
    (amount_after(&t[ce..le]) || article_before(&t[ls..s])) && !dated(&t[ls..s])
}

/// What follows a name past a bracket without digits right after it, which says who the
/// person is (`(consultant)`, `(mum)`), not what a thing is (`(2 pcs)`).
fn after_role(part: &[u8]) -> &[u8] {
    let p = part.trim_ascii_start();
    if p.first() == Some(&b'(')
        && let Some(c) = p.iter().position(|&b| b == b')')
        && !p[..c].iter().any(u8::is_ascii_digit)
    {
        return &p[c + 1..];
    }
    part
}

/// Whether the line starts with a date or a time (`2026-11-03`, `03.11.2026`, `14:05`,
/// `27 Nov 26`, `03 dec`).
fn dated(head: &[u8]) -> bool {
    let mut words = as_str(head).split_ascii_whitespace();
    let (w1, w2, w3) = (words.next(), words.next(), words.next());
    // The date may follow a voucher number ("V112  2026-11-03").
    w1.is_some_and(|w| date_word(w, w2)) || w2.is_some_and(|w| date_word(w, w3))
}

fn date_word(w: &str, next: Option<&str>) -> bool {
    let w = w.trim_start_matches('[');
    let digits = w.bytes().filter(u8::is_ascii_digit).count();
    let numeric = digits >= 2
        && w.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'/' | b':' | b']' | b','));
    (numeric && digits < w.len()) || (numeric && digits <= 2 && next.is_some_and(month))
}

/// A month's name or its first three letters, English or Swedish, any case.
fn month(w: &str) -> bool {
    const MON: &[&str] =
        &["jan", "feb", "mar", "apr", "maj", "may", "jun", "jul", "aug", "sep", "okt", "oct", "nov", "dec"];
    let w = w.trim_end_matches('.').to_lowercase();
    w.len() >= 3 && MON.iter().any(|m| w.starts_with(m)) && w.chars().all(char::is_alphabetic)
}

/// Whether a run at `i` separates cells: two spaces or more, a tab, a bar, a semicolon, or a
/// dot leader.
fn gap_at(t: &[u8], i: usize) -> usize {
    match t.get(i) {
        Some(b'\t' | b'|' | b';') => 1,
        Some(b' ') if t.get(i + 1) == Some(&b' ') => t[i..].iter().take_while(|&&b| b == b' ').count(),
        Some(b'.') if t.get(i + 1..i + 3) == Some(b"..") => t[i..].iter().take_while(|&&b| b == b'.').count(),
        _ => 0,
    }
}

fn cell_end(t: &[u8], e: usize, le: usize) -> usize {
    (e..le)
        .find(|&i| match t[i] {
            b'\t' | b'|' | b';' => true,
            b' ' => t.get(i + 1) == Some(&b' '),
            b'.' => t.get(i + 1..i + 3) == Some(b".."),
            _ => false,
        })
        .unwrap_or(le)
}

/// A number in a column of its own after the cell: an amount with decimals (`1 349,00`,
/// `£4.25`, `-258,00`) or a whole number (a quantity, a price in whole kronor).
fn amount_after(rest: &[u8]) -> bool {
    let mut i = 0;
    while i < rest.len() {
        let g = gap_at(rest, i);
        if g == 0 {
            i += 1;
            continue;
        }
        i += g;
        let mut j = i;
        while rest.get(j).is_some_and(|&b| matches!(b, b'-' | b'+' | b'$' | b'(' | b' '))
            || rest[j..].starts_with("£".as_bytes())
            || rest[j..].starts_with("€".as_bytes())
        {
            j += if rest[j] < 0x80 { 1 } else { 2 + usize::from(rest[j] == 0xe2) };
        }
        let ds = j;
        while rest.get(j).is_some_and(|&b| b.is_ascii_digit() || b == b' ' || b == b',' || b == b'.') {
            j += 1;
        }
        let num = &rest[ds..j];
        let digits = num.iter().filter(|b| b.is_ascii_digit()).count();
        // Not a phone number or a date: few digits, at most one run of separators.
        if digits > 0 && digits <= 9 && !num.ends_with(b"  ") {
            let next = rest.get(j).copied().unwrap_or(b' ');
            if next.is_ascii_whitespace()
                || next == b'|'
                || next == b';'
                || next >= 0x80
                || next.is_ascii_alphabetic()
            {
                return true;
            }
        }
    }
    false
}

/// An article number, a quantity or a list mark at the start of the line: `MH-4417`,
/// `BS-1001`, `2 x`, `1 ×`, `- `.
fn article_before(head: &[u8]) -> bool {
    let head = head.trim_ascii_start();
    let first_end = head.iter().position(|&b| b == b' ' || b == b'\t').unwrap_or(head.len());
    let first = &head[..first_end];
    let rest = &head[first_end..];
    // An article number in a cell of its own.
    let code = first.len() >= 3
        && first.iter().any(u8::is_ascii_digit)
        && first.iter().any(u8::is_ascii_alphabetic)
        && first.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
        && gap_at(rest, 0) > 0;
    let rest = rest.trim_ascii_start();
    let count = !first.is_empty()
        && first.iter().all(u8::is_ascii_digit)
        && (rest.starts_with(b"x ") || rest.starts_with("× ".as_bytes()));
    code || count
}

/// Prepositions and connectors that stand before or after a person in an account line
/// ("Swish från …", "Payment to …"): not a description.
const CONNECTORS: &[&str] = &[
    "från", "fran", "till", "av", "för", "och", "med", "hos", "på", "from", "to", "by", "of", "for", "and",
    "with", "at", "per", "via", "c/o", "der", "van", "von", "de", "del", "da", "di", "al", "bin", "bint",
    "le", "la",
];

/// Whether what follows the name in its cell describes a thing: a lower-case word that is no
/// connector, or a size (`3x8`, `120x80`, `3-sits`).
fn describes(part: &[u8]) -> bool {
    as_str(part)
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '"' | '“' | '”' | '–'))
        .any(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) if c.is_ascii_digit() => w.chars().any(|c| c.is_alphabetic() || c == '-'),
                Some(c) if c.is_lowercase() => w.chars().count() >= 2 && !CONNECTORS.contains(&w),
                _ => false,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Written for these tests (not from any evaluation or tuning set).
    fn at(t: &str, w: &str) -> (usize, usize) {
        let s = t.find(w).unwrap();
        (s, s + w.len())
    }

    fn article(t: &str, w: &str) -> bool {
        let (s, e) = at(t, w);
        in_article(t.as_bytes(), s, e)
    }

    #[test]
    fn names_of_articles_are_not_people() {
        assert!(article("Nr   Vara\nKQ-2291    Fåtölj Xanthe, ek, oljad     2     4 190,00\n", "Xanthe"));
        assert!(article("Qty  Item\n2 x Stege Xanthe 4x6 steg\n", "Xanthe"));
        assert!(article("Bread bin \"Xanthe\", enamel      1    19.50\n", "Xanthe"));
        assert!(article("Xanthe lounge chair, walnut        3     1,249.00\n", "Xanthe"));
        assert!(article("Tallrikar Xanthe (6 st)   ....... 249\n", "Xanthe"));
        assert!(article("Qty Item\n1    Teapot \"Xanthe\" porcelain     1     19.90\n", "Xanthe"));
    }

    #[test]
    fn people_in_account_and_order_lines_stay() {
        // A transfer from a person on a statement line.
        assert!(!article(
            "2026-03-02  Swish från Xanthe Quorbel       450,00    9 812,00\n",
            "Xanthe Quorbel"
        ));
        assert!(!article("04.03.2026  Vipps Xanthe Quorbel         120.00\n", "Xanthe Quorbel"));
        // A statement line with a note after the payee.
        assert!(!article(
            "12 Nov 26   FPS OUT Xanthe Quorbel rent share        50.00   1,202.00\n",
            "Xanthe Quorbel"
        ));
        // A log or chat line, quoted values.
        assert!(!article("2026-03-04 10:01 from=\"Xanthe Quorbel\" note=x   12\n", "Xanthe Quorbel"));
        // Who the person is, in brackets after the name.
        assert!(!article("K-2291  Xanthe Quorbel (consultant)      8 h     6 400,00\n", "Xanthe Quorbel"));
        // Prose after a line starting with a hyphenated count.
        assert!(!article("5-step plan agreed; her brother Xanthe had\n", "Xanthe"));
        // Prose about a person with an amount in it, no columns.
        assert!(!article("Xanthe Quorbel paid the invoice of 1 200,00 kr yesterday.\n", "Xanthe Quorbel"));
        // A name field with a phone number in the next column.
        assert!(!article("Kontakt: Xanthe Quorbel, säljare    070-123 45 67\n", "Xanthe Quorbel"));
    }
}
