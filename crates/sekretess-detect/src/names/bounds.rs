//! Where a name the tagger found starts: initials written without dots (`D J Haworth`,
//! `Signature  K O'Donovan`) and a given name that no list knows at the start of a field or a
//! line (`Negotiator: Imara Quorbel`, `-- Imara Quorbel, CMCA`), which the tagger leaves out.

use super::features::{F_GIVEN, F_SURNAME, SEP_SPACE, Sentence};
use super::neighbours::as_str;
use super::structure::{fold, lower_case_nearby};

/// Moves the start of each name in `out` left over such words.
pub(super) fn widen_starts(t: &[u8], out: &mut [(usize, usize, f32)]) {
    for k in 0..out.len() {
        let prev_end = if k > 0 { out[k - 1].1 } else { 0 };
        let s = out[k].0;
        let first_caps =
            t[s..out[k].1].iter().take_while(|b| b.is_ascii_alphabetic()).all(u8::is_ascii_uppercase);
        if let Some(ns) = bare_initials(t, s).filter(|&ns| ns >= prev_end) {
            out[k].0 = ns;
        } else if !first_caps && let Some(ns) = leading_word(t, s, out[k].1).filter(|&ns| ns >= prev_end) {
            out[k].0 = ns;
        } else if let Some(ns) = caps_surname_before(t, s, out[k].1).filter(|&ns| ns >= prev_end) {
            out[k].0 = ns;
        }
    }
}

/// A role word that heads a form's name field, written before the name in prose ("text
/// Nurse Quorbel", "Sambo Imara Quorbel"), is a title, not the name's: the name starts after
/// it.
pub(super) fn trim_role_words(t: &[u8], out: &mut [(usize, usize, f32)]) {
    for span in out.iter_mut() {
        let (s, e, _) = *span;
        // A title-case word, then one space and a capital.
        if !t[s].is_ascii_uppercase() {
            continue;
        }
        let Some(we) = t[s..e].iter().position(|&b| b == b' ').map(|p| s + p) else { continue };
        if we - s < 4
            || !t.get(we + 1).is_some_and(|&b| b.is_ascii_uppercase() || b >= 0x80)
            || !t[s + 1..we].iter().all(u8::is_ascii_lowercase)
        {
            continue;
        }
        let w = as_str(&t[s..we]);
        // Lower-cased on the stack: the word is ASCII letters.
        let mut buf = [0u8; 24];
        let Some(dst) = buf.get_mut(..w.len()) else { continue };
        dst.copy_from_slice(w.as_bytes());
        dst.make_ascii_lowercase();
        if crate::lexicon::is_name_label(as_str(dst))
            && !crate::lexicon::is_given(w)
            && !crate::lexicon::is_surname(w)
        {
            span.0 = we + 1;
        }
    }
}

/// The start of a surname in capitals joined by one space before a known given name found
/// alone, as registers and statements print them (`QUORBELL EMMA`, `QUORBELL Emma`, `Swish
/// till QUORBELL EMMA`): at a field's start or after a preposition of a payment (`till`, `från`,
/// `to`, `from`, `av`, `by`, `för`, `for`), and not a word a list takes for something else.
fn caps_surname_before(t: &[u8], s: usize, e: usize) -> Option<usize> {
    // The byte before the space ends a word in capitals (cheap tests before the lists).
    if s < 3 || t[s - 1] != b' ' || !(t[s - 2].is_ascii_uppercase() || t[s - 2] >= 0x80) {
        return None;
    }
    let name = as_str(&t[s..e]);
    if name.contains(' ') {
        return None;
    }
    // A given name no list knows counts in a register's row: title case, the cell ending
    // after it (`QUORBELL Xanthe   …` at a line's start).
    let row_given = name.chars().skip(1).all(char::is_lowercase) && cell_ends(t, e);
    if !row_given && !crate::lexicon::is_given(&title_case(name)) {
        return None;
    }
    let ws = t[..s - 1]
        .iter()
        .rposition(|&c| !(c.is_ascii_alphabetic() || c >= 0x80 || c == b'-' || c == b'\''))
        .map_or(0, |p| p + 1);
    let w = as_str(&t[ws..s - 1]);
    let caps = caps_word(w.as_bytes())
        // With a vowel: not an abbreviation (`DJ`, `VD`).
        && w.chars().any(|c| !c.is_ascii() || matches!(c, 'A' | 'E' | 'I' | 'O' | 'U' | 'Y'));
    if !caps || listed_as_no_name(&title_case(w)) || listed_as_no_name(w) {
        return None;
    }
    let after_lower = ws >= 2 && t[ws - 1] == b' ' && {
        let pe = ws - 1;
        let ps = t[..pe].iter().rposition(|&c| !(c.is_ascii_alphabetic() || c >= 0x80)).map_or(0, |p| p + 1);
        matches!(
            &t[ps..pe],
            b"till" | b"fr\xc3\xa5n" | b"to" | b"from" | b"av" | b"by" | b"f\xc3\xb6r" | b"for"
        )
    };
    let ok = if crate::lexicon::is_given(&title_case(name)) {
        field_start(t, ws) || after_lower
    } else {
        line_start(t, ws)
    };
    ok.then_some(ws)
}

/// One word in capitals (hyphens and apostrophes inside), two letters or more.
pub(super) fn caps_word(w: &[u8]) -> bool {
    let Ok(w) = std::str::from_utf8(w) else { return false };
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && w.chars().all(|c| c.is_uppercase() || c == '-' || c == '\'')
        && w.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a cell ends at `e`: a line's end, a tab or a gap of two spaces.
pub(super) fn cell_ends(t: &[u8], e: usize) -> bool {
    match t.get(e) {
        None | Some(b'\n' | b'\r' | b'\t') => true,
        Some(b' ') => t.get(e + 1).is_some_and(|&b| b == b' '),
        _ => false,
    }
}

/// Whether `i` starts a line, past its indent.
pub(super) fn line_start(t: &[u8], i: usize) -> bool {
    let j = t[..i].iter().rposition(|&b| b != b' ').map_or(0, |p| p + 1);
    j == 0 || t[j - 1] == b'\n'
}

/// `w` with its first letter in upper case and the rest in lower case (`EMMA` -> `Emma`).
pub(super) fn title_case(w: &str) -> String {
    let mut cs = w.chars();
    cs.next().map_or_else(String::new, |c| c.to_uppercase().chain(cs.flat_map(char::to_lowercase)).collect())
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
    let one = n == 1
        && ((field_start(t, ns) || caps_line_word(t, s)) && !matches!(t[ns], b'A' | b'I')
            || after_title(t, ns));
    (n >= 2 || one).then_some(ns)
}

/// Whether the name at `s` is a word in capitals after a word in capitals and a letter, as
/// statements print payers and payees ("SALARY K QUORBELL"): the letter is an initial.
fn caps_line_word(t: &[u8], s: usize) -> bool {
    let caps = |w: &[u8]| {
        w.len() >= 2 && w.iter().all(|b| b.is_ascii_uppercase() || *b >= 0x80 || b"'-".contains(b))
    };
    let we = t[s..].iter().position(|b| !(b.is_ascii_alphabetic() || *b >= 0x80 || b"'-".contains(b)));
    let word = &t[s..we.map_or(t.len(), |p| s + p)];
    let before = t[..s.saturating_sub(3)].rsplit(|&b| b == b' ').next().unwrap_or_default();
    s >= 3 && t[s - 3] == b' ' && caps(word) && caps(before)
}

/// Whether a title stands right before the letter at `ns` ("Mr A Quorbell", "MRS A QUORBELL"):
/// then even `A` is an initial.
fn after_title(t: &[u8], ns: usize) -> bool {
    if ns < 2 || t[ns - 1] != b' ' {
        return false;
    }
    let head = t[..ns - 1].strip_suffix(b".").unwrap_or(&t[..ns - 1]);
    let ws = head.iter().rposition(|b| !b.is_ascii_alphabetic()).map_or(0, |p| p + 1);
    let w = as_str(&head[ws..]);
    w.len() >= 2 && crate::lexicon::is_strong_person_cue(w) && !w.eq_ignore_ascii_case("dear")
}

/// The start of a title-case word joined by one space before a name at `s`, itself at the
/// start of a field, that no list takes for something else and that is not written in lower
/// case nearby.
fn leading_word(t: &[u8], s: usize, name_end: usize) -> Option<usize> {
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
    if t.get(e..s) != Some(b" ")
        || !single_unknown(t, s, name_end)
        || listed_as_no_name(w)
        || lower_case_nearby(t, ws, e)
    {
        return None;
    }
    Some(ws)
}

/// A known given name and surname that the scanner's rules took for a name before a trade
/// ("Anna Svensson Konsult AB") are the owner's name, as the rules always had it, where the
/// tagger left the firm out whole (not before a company form alone: "Astrid Lindgren AB" is
/// a firm's name). Returns the names to add.
pub(super) fn firm_owners(t: &[u8], s: &Sentence, out: &[(usize, usize, f32)]) -> Vec<(usize, usize, f32)> {
    let mut add = Vec::new();
    for w in s.toks.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a.rule == 1
            && b.rule == 2
            && b.sep == SEP_SPACE
            && a.flags & F_GIVEN != 0
            && b.flags & F_SURNAME != 0
            && super::vetoes::trade_after(t, b.end)
            && !out.iter().any(|&(os, oe, _)| os < b.end && a.start < oe)
        {
            add.push((a.start, b.end, 0.75));
        }
    }
    add
}

/// A display name of two or three title-case words before `<mailbox@…>` that the mailbox
/// spells (its initials, a word and the other's initial, both words: `Imara Quorbel <iq@…>`,
/// `<imara.q@…>`, `<iquorbel@…>`) is a person's, where the tagger left it out. Returns the
/// names to add, sorted.
pub(super) fn mailbox_names(t: &[u8], out: &[(usize, usize, f32)]) -> Vec<(usize, usize, f32)> {
    let mut add = Vec::new();
    for lt in memchr::memchr_iter(b'<', t) {
        let Some(at) = t[lt + 1..t.len().min(lt + 42)].iter().position(|&b| b == b'@') else { continue };
        let local: Vec<u8> = t[lt + 1..lt + 1 + at]
            .iter()
            .filter(|b| b.is_ascii_alphabetic())
            .map(u8::to_ascii_lowercase)
            .collect();
        if local.len() < 2 || t[lt + 1..lt + 1 + at].iter().any(|&b| b == b' ' || b == b'>') {
            continue;
        }
        let Some((ws, we)) = display_name(t, lt) else { continue };
        if out.iter().any(|&(s, e, _)| s < we && ws < e) {
            continue;
        }
        let words: Vec<String> = t[ws..we].split(|&b| b == b' ').map(fold).collect();
        // Both words run together is how role mailboxes are made too ("Site Managers
        // <sitemanagers@…>"): only for a name a list knows.
        let known = t[ws..we]
            .split(|&b| b == b' ')
            .any(|w| crate::lexicon::is_given(as_str(w)) || crate::lexicon::is_surname(as_str(w)));
        let initials: String = words.iter().filter_map(|w| w.chars().next()).collect();
        let local = String::from_utf8_lossy(&local).into_owned();
        let (Some(f), Some(l)) = (words.first(), words.last()) else { continue };
        let (fi, li) = (f.chars().next().unwrap_or(' '), l.chars().next().unwrap_or(' '));
        // The mailbox as people make it from their name.
        let spelt = local == initials
            || local == format!("{fi}{l}")
            || local == format!("{f}{li}")
            || ((local == format!("{f}{l}") || local == format!("{l}{f}")) && known);
        if spelt {
            add.push((ws, we, 0.9));
        }
    }
    add
}

/// The two or three title-case words right before `lt` (past spaces and a quote) that follow
/// a line start, a label's colon or a quote.
fn display_name(t: &[u8], lt: usize) -> Option<(usize, usize)> {
    let mut we = lt;
    while we > 0 && matches!(t[we - 1], b' ' | b'"') {
        we -= 1;
    }
    let mut ws = we;
    let mut n = 0;
    loop {
        let s = t[..ws]
            .iter()
            .rposition(|&c| !(c.is_ascii_alphabetic() || c >= 0x80 || c == b'-'))
            .map_or(0, |p| p + 1);
        let w = as_str(&t[s..ws]);
        let mut cs = w.chars();
        let title = cs.next().is_some_and(char::is_uppercase)
            && w.chars().count() >= 2
            && cs.all(|c| c.is_lowercase() || c == '-');
        use crate::lexicon as l;
        if !title
            || l::is_stop_word(w)
            || l::is_field_word(w)
            || l::is_company_word(w)
            || l::is_trade_word(w)
            || l::is_place_word(w)
        {
            return None;
        }
        ws = s;
        n += 1;
        if ws >= 1 && t[ws - 1] == b' ' && n < 3 && ws >= 2 && t[ws - 2] != b' ' && t[ws - 2] != b':' {
            ws -= 1;
            continue;
        }
        break;
    }
    let before = t[..ws].iter().rev().find(|&&b| b != b' ').copied();
    (n >= 2 && matches!(before, None | Some(b'\n' | b':' | b'"'))).then_some((ws, we))
}

/// A word a list takes for something other than a name: a stop, field, cue, role, place,
/// company or trade word, or a month.
pub(super) fn listed_as_no_name(w: &str) -> bool {
    use crate::lexicon as l;
    l::is_stop_word(w)
        || l::is_field_word(w)
        || l::is_person_cue(w)
        || l::is_role_noun(w)
        || l::is_place_word(w)
        || l::is_company_word(w)
        || l::is_trade_word(w)
        || l::month(w).is_some()
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
    fn a_role_word_before_a_name_is_left_out() {
        fn trimmed(t: &str, name: &str) -> String {
            let s = t.find(name).unwrap();
            let mut out = vec![(s, s + name.len(), 0.9)];
            trim_role_words(t.as_bytes(), &mut out);
            t[out[0].0..out[0].1].to_string()
        }
        assert_eq!(trimmed("enligt Sambo Imara Quorbel själv", "Sambo Imara Quorbel"), "Imara Quorbel");
        assert_eq!(trimmed("ask Driver Quorbel", "Driver Quorbel"), "Quorbel");
        // A given name or a name of two words is not a role.
        assert_eq!(trimmed("Imara Quorbel", "Imara Quorbel"), "Imara Quorbel");
    }

    #[test]
    fn the_owner_s_full_name_in_a_firm_s_name_is_a_person() {
        let t = "Leverantör: Anna Svensson Konsult AB, Storgatan 1".as_bytes();
        let s = crate::names::sentence(t, None);
        let add = firm_owners(t, &s, &[]);
        assert_eq!(add.iter().map(|&(a, b, _)| &t[a..b]).collect::<Vec<_>>(), [&b"Anna Svensson"[..]]);
        // A surname alone is the firm's ("Svensson Konsult AB").
        let t = "Leverantör: Svensson Konsult AB".as_bytes();
        let s = crate::names::sentence(t, None);
        assert!(firm_owners(t, &s, &[]).is_empty());
    }

    #[test]
    fn a_display_name_the_mailbox_spells_is_a_person() {
        let found = |t: &str| -> Vec<String> {
            mailbox_names(t.as_bytes(), &[]).iter().map(|&(s, e, _)| t[s..e].to_string()).collect()
        };
        assert_eq!(found("From: Imara Quorbel <iq@example.org>"), ["Imara Quorbel"]);
        assert_eq!(found("To: Imara Quorbel <imara.q@example.org>"), ["Imara Quorbel"]);
        assert_eq!(found("Imara Quorbel <iquorbel@example.org>"), ["Imara Quorbel"]);
        // A firm's name or a role mailbox.
        assert!(found("From: Quorbel Trading <orders@example.org>").is_empty());
        assert!(found("From: Quorbel Shop <info@example.org>").is_empty());
        assert!(found("To: Claims Desk <claims@example.org>").is_empty());
        assert!(found("To: Site Quorbels <sitequorbels@example.org>").is_empty());
    }

    #[test]
    fn one_initial_before_a_surname_in_capitals_or_after_a_title() {
        assert_eq!(widened("03/10/2026  FPS SALARY K QUORBELL   1,200.00", "QUORBELL"), "K QUORBELL");
        assert_eq!(widened("Refund for Mr A Quorbell today", "Quorbell"), "A Quorbell");
        // The article in prose stays out.
        assert_eq!(widened("PAID TO A QUORBELL", "QUORBELL"), "QUORBELL");
    }

    #[test]
    fn a_surname_in_capitals_before_a_known_given_name() {
        assert_eq!(widened("2026-11-03  QUORBELL EMMA     450,00", "EMMA"), "QUORBELL EMMA");
        assert_eq!(widened("Swish från QUORBELL Emma;200,00", "Emma"), "QUORBELL Emma");
        // An abbreviation, or a word in capitals inside prose, is not a surname.
        assert_eq!(widened("Musik: DJ Emma spelar", "Emma"), "Emma");
        assert_eq!(widened("We paid SEK EMMA 200", "EMMA"), "EMMA");
        // A register's row: a given name no list knows, the cell ending after it.
        assert_eq!(widened("QUORBELL Xanthe       QQ 12\n", "Xanthe"), "QUORBELL Xanthe");
        assert_eq!(widened("Ref: QUORBELL Xanthe   QQ\n", "Xanthe"), "Xanthe");
        assert_eq!(widened("QUORBELL Xanthe said\n", "Xanthe"), "Xanthe");
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
