//! Structure around the tagger's decisions: a `Surname, Given` cell is one name, a name found
//! once is looked for again in the same text, a display name that names its e-mail's domain
//! is an organisation's, and a word also written in lower case nearby is a common word.

use super::features::{
    F_CAPS, F_COLUMN_OTHER, F_COMPANY_AFTER, F_COMPANY_LATER, F_GIVEN, F_INITIAL, F_PLACE_AFTER, F_STOP,
    F_STREET, F_SURNAME, SEP_COMMA, SEP_NONE, SEP_SLASH, SEP_SPACE, Sentence, Tok,
};
use super::model::{B, I, O, STRUCTURE_MARGIN};

/// A cell of a table, CSV or form that holds `Surname, Given` and nothing else ("Lindqvist,
/// Maj-Britt", "Osei Mensah, Kofi", "HOLM ,  ASTRID") is one name when the model found a
/// name in part of it: one side of the comma is a single word, and the words start after a
/// line start, a delimiter, a label's colon or a wide gap and end before one.
pub(super) fn comma_cells(t: &[u8], s: &Sentence, tags: &mut [u8], margins: &mut [f32]) {
    let n = s.toks.len().min(tags.len()).min(margins.len());
    let mut k = 0;
    while k < n {
        let mut j = k + 1;
        while j < n && s.toks[j].sep != SEP_NONE {
            j += 1;
        }
        let run = &s.toks[k..j];
        let commas: Vec<usize> = (1..run.len()).filter(|&x| run[x].sep == SEP_COMMA).collect();
        if let [c] = commas[..]
            && (c == 1 || c == run.len() - 1)
            && run.len() <= 5
            // Part found, or both sides found as two names ("HUYNH, KIMBERLY T").
            && (tags[k..j].contains(&O) || tags[k + c] == B)
            // Or none of it, when a list knows the given name after the surname's comma
            // ("QUORBELL, EMMA" in a register's row).
            && (tags[k..j].iter().any(|&g| g != O) || c == 1 && run[1].flags & F_GIVEN != 0)
            && run.iter().all(|x| x.flags & (F_STOP | F_STREET | F_COLUMN_OTHER) == 0)
            // A middle initial only at the end, after the given name ("OKOYE, ADA F.").
            && run.iter().enumerate().all(|(x, k)| k.flags & F_INITIAL == 0 || (x == run.len() - 1 && x > c))
            && run.iter().all(|x| x.sep != SEP_SLASH)
            // Capitals throughout or nowhere: "Karin Holm, HR" is a name and a role; a surname
            // in capitals before a given name in title case is a register's ("QUORBELL, Emma").
            && (run.iter().all(|x| x.flags & (F_CAPS | F_INITIAL) != 0 || x.end - x.start == 1)
                || run.iter().all(|x| x.flags & F_CAPS == 0)
                || (run[..c].iter().all(|x| x.flags & F_CAPS != 0 && x.end - x.start > 1)
                    && run[c..].iter().all(|x| x.flags & F_CAPS == 0)))
            && cell_start(t, run[0].start)
            && cell_end(t, run[run.len() - 1].end)
            // After a full name that starts with a known given name or a label's colon, one
            // word the model left out and no list knows as a given name is what the person is
            // or where they work ("Handläggare: Karin Holm, Ekonomi"), not the given name of a
            // table's "Osei Mensah, Kofi".
            && !(c == run.len() - 1
                && run.len() >= 3
                && tags[j - 1] == O
                && (run[0].flags & F_GIVEN != 0 || after_colon(t, run[0].start) || office(t, &run[c]))
                && run[run.len() - 1].flags & (F_GIVEN | F_INITIAL) == 0)
        {
            let m = (k..j).filter(|&x| tags[x] != O).map(|x| margins[x]).fold(f32::INFINITY, f32::min);
            let m = if m.is_finite() { m } else { STRUCTURE_MARGIN };
            for x in k..j {
                tags[x] = if x == k { B } else { I };
                margins[x] = m;
            }
        }
        k = j;
    }
}

/// A chat line's speaker: after a line's time stamp (`03/02/2026, 06:31 - `, `[18:05] `,
/// `Tue 12:02  `), up to three capitalised words before a colon. It is a name when a name list
/// knows one of its words or it speaks on two lines or more ("Siobhan:" in a group chat);
/// what is never a name (stop, field and street words) stays out.
pub(super) fn chat_speakers(t: &[u8], s: &Sentence, tags: &mut [u8], margins: &mut [f32]) {
    let n = s.toks.len().min(tags.len()).min(margins.len());
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while k < n {
        let mut j = k + 1;
        while j < n && s.toks[j].sep == SEP_SPACE && s.toks[j].gap == 1 {
            j += 1;
        }
        // `Given (Role):`: the name ends before the bracket the tokens skip.
        let j = (k..j).find(|&x| role_in_brackets(t, s.toks[x].end)).map_or(j, |x| x + 1);
        if j - k <= 3
            && (t.get(s.toks[j - 1].end) == Some(&b':') || role_in_brackets(t, s.toks[j - 1].end))
            && s.toks[k..j].iter().all(|x| x.flags & (F_STOP | F_STREET | F_COLUMN_OTHER) == 0)
            && time_stamp_before(t, s.toks[k].start)
        {
            runs.push((k, j));
        }
        k = j;
    }
    let text = |&(a, b): &(usize, usize)| t.get(s.toks[a].start..s.toks[b - 1].end).unwrap_or_default();
    for r in &runs {
        let known = s.toks[r.0..r.1].iter().any(|x| x.flags & (F_GIVEN | F_SURNAME) != 0);
        // Unknown to the lists: on two lines or more, not in capitals ("ERROR:"), and a word
        // alone not also written in lower case nearby ("Note:" and "a note").
        let toks = &s.toks[r.0..r.1];
        let again = runs.iter().filter(|o| text(o) == text(r)).count() >= 2
            && toks.iter().any(|x| x.flags & F_CAPS == 0)
            && !(toks.len() == 1 && lower_case_nearby(t, toks[0].start, toks[0].end));
        if (known || again) && tags[r.0..r.1].contains(&O) {
            let m = (r.0..r.1).filter(|&x| tags[x] != O).map(|x| margins[x]).fold(STRUCTURE_MARGIN, f32::max);
            for x in r.0..r.1 {
                tags[x] = if x == r.0 { B } else { I };
                margins[x] = m;
            }
        }
    }
}

/// Whether a role in brackets and the speaker's colon follow `e` (`Given (Agent):`,
/// `Given (kassör):`).
pub(super) fn role_in_brackets(t: &[u8], e: usize) -> bool {
    if t.get(e..e + 2) != Some(b" (") {
        return false;
    }
    let rest = &t[e + 2..t.len().min(e + 42)];
    rest.iter()
        .position(|&b| matches!(b, b')' | b'\n' | b'('))
        .is_some_and(|p| p > 0 && rest[p] == b')' && rest.get(p + 1) == Some(&b':'))
}

/// Whether the line before `i` is a chat message's time stamp: at most 32 bytes holding a
/// time (`H:MM` or `HH:MM`), digits and date punctuation, and words of three letters at most
/// (`Tue`, `AM`), ending in a space or a bracket.
pub(super) fn time_stamp_before(t: &[u8], i: usize) -> bool {
    let lo = i.saturating_sub(33);
    let ls = t[lo..i].iter().rposition(|&b| b == b'\n').map(|p| lo + p + 1);
    let Some(ls) = ls.or((lo == 0).then_some(0)) else { return false };
    let p = &t[ls..i];
    if p.is_empty() || !matches!(p[p.len() - 1], b' ' | b']' | b'\t') {
        return false;
    }
    let time = p
        .windows(4)
        .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit());
    let mut letters = 0;
    for &b in p {
        // A letter, or the first byte of one in UTF-8 (`Mån`, `Lör`); continuation bytes
        // count nothing.
        if b.is_ascii_alphabetic() || b >= 0xC0 {
            letters += 1;
            if letters > 3 {
                return false;
            }
        } else if (0x80..0xC0).contains(&b) {
            continue;
        } else if b.is_ascii_digit()
            || matches!(b, b' ' | b'\t' | b'/' | b'.' | b',' | b':' | b'-' | b'[' | b']' | b'(' | b')')
        {
            letters = 0;
        } else {
            return false;
        }
    }
    time
}

/// Whether the token is an office held in a board or an association ("Given Surname,
/// Treasurer" signs a list of officers): what the person is, not a given name.
fn office(t: &[u8], k: &Tok) -> bool {
    const OFFICES: &[&str] = &[
        "chair",
        "chairman",
        "chairperson",
        "chairwoman",
        "secretary",
        "treasurer",
        "president",
        "ordförande",
        "sekreterare",
        "kassör",
        "ledamot",
        "suppleant",
        "revisor",
    ];
    std::str::from_utf8(&t[k.start..k.end]).is_ok_and(|w| OFFICES.iter().any(|o| w.to_lowercase() == *o))
}

/// Whether `i` follows a label's colon (and spaces).
fn after_colon(t: &[u8], i: usize) -> bool {
    let head = t[..i].trim_ascii_end();
    head.ends_with(b":")
}

/// Whether a cell starts at `i`: after a line start, a field delimiter or quote, a label's
/// colon, or two spaces.
pub(super) fn cell_start(t: &[u8], i: usize) -> bool {
    let mut k = i;
    let mut spaces = 0;
    let mut tab = false;
    while k > 0 && matches!(t[k - 1], b' ' | b'\t') {
        k -= 1;
        spaces += 1;
        tab |= t[k] == b'\t';
    }
    k == 0
        || spaces >= 2
        || tab
        || matches!(t[k - 1], b'\n' | b'"' | b',' | b';' | b'|' | b'\t' | b':' | b'=')
}

/// Whether a cell ends at `e`: before a line end, a field delimiter or quote, or two spaces.
fn cell_end(t: &[u8], e: usize) -> bool {
    match t.get(e) {
        None | Some(b'\n' | b'\r' | b'"' | b',' | b';' | b'|' | b'\t') => true,
        Some(b' ') => t.get(e + 1).is_none_or(|&b| matches!(b, b' ' | b'\n' | b'\r')),
        _ => false,
    }
}

/// Margin of a name found again (confidence about 0.6).
pub(super) const SEEN_AGAIN_MARGIN: f32 = 1.6;
/// Confidence a name needs before its words are looked for elsewhere in the text.
const SOURCE_CONF: f32 = 0.75;

/// One person is written about more than once. Where a word of a name found with some
/// confidence stands again in the same text as a token outside every name ("Hi Zerihun" ...
/// "Zerihun Asfaw:" in a chat; a chair named in a heading and in a list of members), the
/// second pass tags it as a name and lets the model decide its neighbours. Not before a
/// company form or a place word ("Asfaw Properties LLC"); the vetoes still apply.
/// `None` when there is nothing to look at again.
pub(super) fn seen_again(t: &[u8], s: &Sentence, out: &[(usize, usize, f32)]) -> Option<Vec<bool>> {
    if out.is_empty() {
        return None;
    }
    let word = |k: &Tok| t.get(k.start..k.end).unwrap_or(&[]);
    let usable = |k: &Tok| k.flags & (F_STOP | F_INITIAL) == 0 && k.end - k.start >= 2;
    let span_of = |k: &Tok| {
        let p = out.partition_point(|&(_, e, _)| e <= k.start);
        out.get(p).filter(|&&(a, _, _)| a < k.end).map(|&(_, _, c)| c)
    };
    let mut words: Vec<&[u8]> = s
        .toks
        .iter()
        .filter(|k| usable(k) && span_of(k).is_some_and(|c| c >= SOURCE_CONF))
        .map(word)
        .collect();
    if words.is_empty() {
        return None;
    }
    words.sort_unstable();
    words.dedup();
    let mut any = false;
    let force: Vec<bool> = s
        .toks
        .iter()
        .map(|k| {
            let f = usable(k)
                && k.flags & (F_COMPANY_AFTER | F_PLACE_AFTER | F_COMPANY_LATER | F_STREET) == 0
                && span_of(k).is_none()
                && words.binary_search(&word(k)).is_ok();
            any |= f;
            f
        })
        .collect();
    any.then_some(force)
}

/// A display name before an e-mail address that names the address's domain and not its
/// mailbox is an organisation's ("Nordbank <noreply@nordbank.example>", "Birchwood School PTA
/// <pta@birchwood-school.example>"); a person's name is in the mailbox ("Amara Osei
/// <a.osei@lakeside.example>", "Tove <tove@tovesdesign.example>").
pub(super) fn organisation_mailbox(t: &[u8], toks: &[Tok]) -> bool {
    let Some(last) = toks.last() else { return false };
    let e = last.end;
    // The `<` must come within 30 bytes; most names have none, and memchr says so before
    // the line is scanned.
    if memchr::memchr(b'<', &t[e..t.len().min(e + 31)]).is_none() {
        return false;
    }
    let line_end =
        t[e..t.len().min(e + 120)].iter().position(|&b| b == b'\n').map_or(t.len().min(e + 120), |p| e + p);
    let rest = &t[e..line_end];
    let Some(lt) = rest.iter().position(|&b| b == b'<') else { return false };
    if lt > 30 || rest[..lt].iter().any(u8::is_ascii_digit) {
        return false;
    }
    let addr = &rest[lt + 1..];
    let Some(gt) = addr.iter().position(|&b| b == b'>') else { return false };
    let addr = addr[..gt].to_ascii_lowercase();
    let Some(at) = addr.iter().position(|&b| b == b'@') else { return false };
    let (local, domain) = (&addr[..at], &addr[at + 1..]);
    // A role mailbox named as the display name says ("Claims <claims@…>", "Site Managers
    // <sitemanagers@…>", "Travel Reservations <reservations@…>"), no word of it a known name.
    // A person's own mailbox joins the parts of a name ("thabo.nkosi"): only a mailbox of
    // letters alone counts.
    if toks.iter().all(|k| k.flags & (F_GIVEN | F_SURNAME) == 0) && local.iter().all(u8::is_ascii_lowercase) {
        let letters = String::from_utf8_lossy(local).into_owned();
        let word = |k: &Tok| fold(t.get(k.start..k.end).unwrap_or(&[]));
        let all: String = toks.iter().map(word).collect();
        if !letters.is_empty()
            && (letters == all || (toks.len() >= 2 && toks.last().is_some_and(|k| word(k) == letters)))
        {
            return true;
        }
    }
    let mut in_domain = false;
    for k in toks {
        let w = t.get(k.start..k.end).unwrap_or(&[]).to_ascii_lowercase();
        if w.len() < 3 {
            continue;
        }
        if memchr::memmem::find(local, &w).is_some() {
            return false;
        }
        in_domain |= memchr::memmem::find(domain, &w).is_some();
    }
    in_domain
}

/// A word in lower case with the Nordic and Latin accents folded as mailboxes write them
/// (`Felanmälan` -> `felanmalan`).
pub(super) fn fold(w: &[u8]) -> String {
    std::str::from_utf8(w)
        .unwrap_or("")
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'å' | 'ä' | 'á' | 'à' | 'â' | 'ã' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        })
        .filter(|c| c.is_alphabetic())
        .collect()
}

/// How far around a word `lower_case_nearby` looks, in bytes each way.
const NEARBY: usize = 600;

/// Whether the capitalised word `t[s..e]` stands in lower case as a word of its own within
/// `NEARBY` bytes ("montör", "grannen"): names keep their capital, common words do not. A
/// word inside an e-mail address or a host name ("tove.holm@") does not count.
pub(super) fn lower_case_nearby(t: &[u8], s: usize, e: usize) -> bool {
    let Some(w) = t.get(s..e) else { return false };
    let Ok(ws) = std::str::from_utf8(w) else { return false };
    let mut cs = ws.chars();
    let Some(first) = cs.next() else { return false };
    let rest = cs.as_str();
    if ws.len() < 3 || !first.is_uppercase() || !rest.chars().any(char::is_lowercase) {
        return false;
    }
    let mut needle = String::with_capacity(ws.len() + 2);
    needle.extend(first.to_lowercase());
    needle.push_str(rest);
    let lo = s.saturating_sub(NEARBY);
    let hi = (e + NEARBY).min(t.len());
    let hay = &t[lo..hi];
    memchr::memmem::find_iter(hay, needle.as_bytes()).any(|p| {
        let before = p.checked_sub(1).and_then(|b| hay.get(b)).copied();
        let after = hay.get(p + needle.len()).copied();
        let next = hay.get(p + needle.len() + 1).copied();
        matches!(before, None | Some(b' ' | b'\n' | b'\t' | b'(' | b'"'))
            && match after {
                None | Some(b' ' | b'\n' | b'\r' | b'\t' | b',' | b';' | b':' | b')' | b'!' | b'?') => true,
                Some(b'.') => !next.is_some_and(|n| n.is_ascii_alphanumeric()),
                _ => false,
            }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::names::features::sentence;

    // Names written for these tests (not from any evaluation or tuning set).

    fn tags_after(t: &str, tags: &[u8]) -> Vec<u8> {
        let s = sentence(t.as_bytes(), None, &[]);
        assert_eq!(s.toks.len(), tags.len(), "tokens of {t:?}");
        let mut tags = tags.to_vec();
        let mut margins = vec![1.0; tags.len()];
        comma_cells(t.as_bytes(), &s, &mut tags, &mut margins);
        tags
    }

    #[test]
    fn an_office_after_a_name_is_not_a_given_name() {
        let k = |t: &str| Tok { start: 0, end: t.len(), sep: 0, flags: 0, rule: 0, gap: 0 };
        assert!(office(b"Treasurer", &k("Treasurer")) && office("Kassör".as_bytes(), &k("Kassör")));
        assert!(!office(b"Xanthe", &k("Xanthe")));
    }

    #[test]
    fn a_surname_given_cell_is_one_name() {
        // A CSV cell, a table row with wide gaps, OCR spacing around the comma.
        assert_eq!(tags_after("\"1\",\"Lindqvist, Maj-Britt\",\"x\"\n", &[O, B]), [B, I]);
        assert_eq!(tags_after(" 7  Osei Mensah, Kofi      1960-01-02\n", &[B, I, O]), [B, I, I]);
        assert_eq!(tags_after("HOLM ,  ASTRID\n", &[O, B]), [B, I]);
        // A cell after a tab.
        assert_eq!(tags_after("K-7\tQUORBEL, XANTHE\tYork\n", &[B, O, O]), [B, I, O]);
        // A name and a role, two people, a sentence: untouched.
        assert_eq!(tags_after("Karin Holm, HR\n", &[B, I, O]), [B, I, O]);
        // A full name and the unit the person works in.
        assert_eq!(tags_after("Handläggare: Karin Holm, Kortservice\n", &[O, B, I, O]), [O, B, I, O]);
        assert_eq!(tags_after("Handläggare: Xanthe Obi, Kortservice\n", &[O, B, I, O]), [O, B, I, O]);
        assert_eq!(tags_after("Köpare: Tove Holm, Kofi Osei\n", &[O, B, I, B, O]), [O, B, I, B, O]);
        assert_eq!(tags_after("we met Holm, Astrid said so\n", &[O, B]), [O, B]);
        // Both sides found as two names, a middle letter after the given name.
        assert_eq!(tags_after("Owner: QUORBEL, XANTHE K\n", &[O, B, B, I]), [O, B, I, I]);
        assert_eq!(tags_after("QUORBEL, XANTHE F.\n", &[B, B, I]), [B, I, I]);
        // Two full names stay two.
        assert_eq!(tags_after("Xanthe Obi, Kofi Osei\n", &[B, I, B, I]), [B, I, B, I]);
    }

    fn speakers(t: &str) -> Vec<String> {
        let s = sentence(t.as_bytes(), None, &[]);
        let mut tags = vec![O; s.toks.len()];
        let mut margins = vec![0.0; s.toks.len()];
        chat_speakers(t.as_bytes(), &s, &mut tags, &mut margins);
        s.toks
            .iter()
            .zip(&tags)
            .filter(|(_, g)| **g != O)
            .map(|(k, _)| t[k.start..k.end].to_string())
            .collect()
    }

    #[test]
    fn chat_speakers_after_a_time_stamp() {
        // One speaker on two lines; a full name a list knows once.
        let t = "01/02/2026, 09:15 - Xanthe: hi all\n01/02/2026, 09:16 - Anna Quorbel: hi\n\
                 01/02/2026, 09:17 - Xanthe: see you\n";
        assert_eq!(speakers(t), ["Xanthe", "Anna", "Quorbel", "Xanthe"]);
        assert_eq!(speakers("Tue 12:02  Quorbel: ok\nTue 12:05  Quorbel: bye\n"), ["Quorbel", "Quorbel"]);
        // A role in brackets before the colon; a weekday in Swedish.
        assert_eq!(
            speakers("[10:01] Anna (Kundtjänst): hej\n[Tor 10:02] Anna (kassör): ok\n"),
            ["Anna", "Anna"]
        );
        // Once, unknown to the lists; a label without a time; a stop word.
        assert!(speakers("[10:02] Quorbel: deploy done\n").is_empty());
        assert!(speakers("Ref Quorbel: x\nRef Quorbel: y\n").is_empty());
        assert!(speakers("[10:01] ERROR: a\n[10:02] ERROR: b\n").is_empty());
        assert!(speakers("[10:01] Note: a\n[10:02] Note: b, a note\n").is_empty());
    }

    #[test]
    fn a_name_found_once_is_looked_for_again() {
        let t = "Hyresgäst: Zerihun Asfaw\nZerihun: hej\nAsfaw Properties LLC\nDet var Ja.\n";
        let s = sentence(t.as_bytes(), None, &[]);
        let at = |w: &str| t.find(w).unwrap();
        let out = [(at("Zerihun"), at("Zerihun") + "Zerihun Asfaw".len(), 0.9)];
        let force = seen_again(t.as_bytes(), &s, &out).expect("something to look at again");
        let forced: Vec<&str> =
            s.toks.iter().zip(&force).filter(|(_, f)| **f).map(|(k, _)| &t[k.start..k.end]).collect();
        // The speaker, not the company named after the surname.
        assert_eq!(forced, ["Zerihun"]);
        // A name found with little confidence is not looked for.
        assert!(seen_again(t.as_bytes(), &s, &[(out[0].0, out[0].1, 0.55)]).is_none());
    }

    fn mailbox(t: &str, name: &str) -> bool {
        let s = sentence(t.as_bytes(), None, &[]);
        let a = t.find(name).unwrap();
        let toks: Vec<Tok> =
            s.toks.iter().filter(|k| k.start >= a && k.end <= a + name.len()).copied().collect();
        organisation_mailbox(t.as_bytes(), &toks)
    }

    #[test]
    fn a_display_name_of_the_domain_is_an_organisation() {
        assert!(mailbox("From: Nordbank <noreply@nordbank.example>\n", "Nordbank"));
        assert!(mailbox("From: Birchwood School PTA <pta@birchwood-school.example>\n", "Birchwood School"));
        // A person's name is in the mailbox, even where the domain names her firm.
        assert!(!mailbox("From: Amara Osei <a.osei@lakeside.example>\n", "Amara Osei"));
        assert!(!mailbox("From: Tove Holm <tove@holmdesign.example>\n", "Tove Holm"));
        assert!(!mailbox("Tove Holm, Storgatan 1\n", "Tove Holm"));
        // A role mailbox that the display name spells, no word of it a name.
        assert!(mailbox("To: Claims <claims@insurer.example>\n", "Claims"));
        assert!(mailbox("To: Site Managers <sitemanagers@build.example>\n", "Site Managers"));
        assert!(mailbox("Till: Felanmälan <felanmalan@bostad.example>\n", "Felanmälan"));
        // A person's own mailbox joins the parts of the name with a dot.
        assert!(!mailbox("From: Xanthe Oyelaran <xanthe.oyelaran@example.org>\n", "Xanthe Oyelaran"));
    }

    #[test]
    fn a_word_written_in_lower_case_nearby_is_a_common_word() {
        let t = "Vi skickar en montör.\nMontör Tove Holm kommer kl 10.".as_bytes();
        let at = |w: &str| t.windows(w.len()).position(|x| x == w.as_bytes()).unwrap();
        let m = at("Montör");
        assert!(lower_case_nearby(t, m, m + "Montör".len()));
        let n = at("Tove");
        assert!(!lower_case_nearby(t, n, n + 4));
        // Inside an e-mail address it does not count.
        let t = b"Mail tove.holm@example.org or call Holm.";
        let h = t.len() - 5;
        assert!(!lower_case_nearby(t, h, h + 4));
    }
}
