//! Where a name the tagger found starts: initials written without dots (`D J Haworth`,
//! `Signature  K O'Donovan`) and a given name that no list knows at the start of a field or a
//! line (`Negotiator: Imara Quorbel`, `-- Imara Quorbel, CMCA`), which the tagger leaves out.

use super::neighbours::as_str;
use super::structure::lower_case_nearby;

/// Moves the start of each name in `out` left over such words.
pub(super) fn widen_starts(t: &[u8], out: &mut [(usize, usize, f32)]) {
    for k in 0..out.len() {
        let prev_end = if k > 0 { out[k - 1].1 } else { 0 };
        let s = out[k].0;
        let first_caps =
            t[s..out[k].1].iter().take_while(|b| b.is_ascii_alphabetic()).all(u8::is_ascii_uppercase);
        if let Some(ns) = bare_initials(t, s).filter(|&ns| ns >= prev_end) {
            out[k].0 = ns;
        } else if !first_caps
            && single_unknown(t, s, out[k].1)
            && let Some(ns) = leading_word(t, s).filter(|&ns| ns >= prev_end)
        {
            out[k].0 = ns;
        }
    }
}

/// Whether the name is one word that no list knows as a given name: a surname the tagger
/// found without the given name before it ("Okonjo"; "Agent Sofia" is not one).
fn single_unknown(t: &[u8], s: usize, e: usize) -> bool {
    let w = as_str(&t[s..e]);
    !w.contains(' ') && !crate::lexicon::is_given(w)
}

/// Whether what ends at `i` starts a field: a line start (with its indent), a label's colon,
/// a gap of two spaces or more, an opening bracket, `--` or dots of a signature line, `&`.
fn field_start(t: &[u8], i: usize) -> bool {
    let mut j = i;
    let mut spaces = 0;
    while j > 0 && matches!(t[j - 1], b' ' | b'\t') {
        j -= 1;
        spaces += 1;
    }
    if j == 0 || t[j - 1] == b'\n' || spaces >= 2 || t[j - 1] == b'\t' {
        return true;
    }
    matches!(t[j - 1], b':' | b'(' | b'&' | b'|')
        || (t[j - 1] == b'-' && j >= 2 && t[j - 2] == b'-')
        || (t[j - 1] == b'.' && j >= 2 && t[j - 2] == b'.')
}

/// The start of a run of capital letters without dots, each followed by one space, before a
/// name at `s`: two letters or more, or one that starts a field (not `A` or `I`, which are
/// words).
fn bare_initials(t: &[u8], s: usize) -> Option<usize> {
    let mut ns = s;
    let mut n = 0;
    while n < 3
        && ns >= 2
        && t[ns - 1] == b' '
        && t[ns - 2].is_ascii_uppercase()
        && (ns == 2 || !t[ns - 3].is_ascii_alphanumeric() && t[ns - 3] < 0x80)
    {
        ns -= 2;
        n += 1;
    }
    (n >= 2 || (n == 1 && field_start(t, ns) && !matches!(t[ns], b'A' | b'I'))).then_some(ns)
}

/// The start of a title-case word joined by one space before a name at `s`, itself at the
/// start of a field, that no list takes for something else and that is not written in lower
/// case nearby.
fn leading_word(t: &[u8], s: usize) -> Option<usize> {
    if s < 3 || t[s - 1] != b' ' {
        return None;
    }
    let e = s - 1;
    let ws = t[..e].iter().rposition(|&c| !(c.is_ascii_alphabetic() || c >= 0x80)).map_or(0, |p| p + 1);
    let w = as_str(&t[ws..e]);
    let mut cs = w.chars();
    let title =
        cs.next().is_some_and(char::is_uppercase) && w.chars().count() >= 2 && cs.all(char::is_lowercase);
    if !title || !field_start(t, ws) {
        return None;
    }
    // A label's own word ("Tenant: Quorbel" has no word to take) or a cue or role.
    use crate::lexicon as l;
    if t.get(e..s) != Some(b" ")
        || l::is_stop_word(w)
        || l::is_field_word(w)
        || l::is_person_cue(w)
        || l::is_role_noun(w)
        || l::is_place_word(w)
        || l::is_company_word(w)
        || l::is_trade_word(w)
        || l::month(w).is_some()
        || lower_case_nearby(t, ws, e)
    {
        return None;
    }
    Some(ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Written for these tests (not from any evaluation or tuning set).
    fn widened(t: &str, name: &str) -> String {
        let s = t.find(name).unwrap();
        let mut out = vec![(s, s + name.len(), 0.9)];
        widen_starts(t.as_bytes(), &mut out);
        t[out[0].0..out[0].1].to_string()
    }

    #[test]
    fn initials_without_dots_join_the_name() {
        assert_eq!(widened("Signed   P Q Quorbel   date", "Quorbel"), "P Q Quorbel");
        assert_eq!(widened("(account holder X V Quorbel)", "Quorbel"), "X V Quorbel");
        assert_eq!(widened("Witness  K Quorbel", "Quorbel"), "K Quorbel");
        // A lone letter in prose is a word or a grade, not an initial.
        assert_eq!(widened("rated band C Quorbel", "Quorbel"), "Quorbel");
        assert_eq!(widened("Then I Quorbel", "Quorbel"), "Quorbel");
    }

    #[test]
    fn an_unknown_given_name_at_a_field_start_joins() {
        assert_eq!(widened("Valuer: Imara Quorbel, MRICS", "Quorbel"), "Imara Quorbel");
        assert_eq!(widened("Agent -- Imara Quorbel", "Quorbel"), "Imara Quorbel");
        assert_eq!(widened("   Imara Quorbel declared", "Quorbel"), "Imara Quorbel");
        // Not a word after another word, a title, or a word used in lower case nearby.
        assert_eq!(widened("we met Imara Quorbel", "Quorbel"), "Quorbel");
        assert_eq!(widened("Mrs Quorbel", "Quorbel"), "Quorbel");
        assert_eq!(widened("Montör Quorbel kom. Vår montör var sen.", "Quorbel"), "Quorbel");
        // A role before a given name alone.
        assert_eq!(widened("Kontakt: Agent Sofia", "Sofia"), "Sofia");
    }
}
