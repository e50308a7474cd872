//! Names as newsletters and letters write them (batch v of the tuning set): lists of names
//! after commas, a nickname in quotes before a surname the tagger left out, a full name in the
//! Swedish genitive, and a surname that names a family (`the Quorbel family`, `familjen
//! Quorbels hus`).

use super::bounds::listed_as_no_name;
use super::features::Tok;
use super::neighbours::as_str;
use super::{NICK_CLOSE, NICK_OPEN};

/// Whether `b` is a byte of a word of a name (letters, any script, and a hyphen).
fn word_byte(b: u8) -> bool {
    b.is_ascii_alphabetic() || b >= 0x80 || b == b'-'
}

/// The end of the word starting at `i` (no word: `i`).
fn word_end(t: &[u8], i: usize) -> usize {
    t[i..].iter().position(|&b| !word_byte(b)).map_or(t.len(), |p| i + p)
}

/// The start of the word ending at `e`.
fn word_start(t: &[u8], e: usize) -> usize {
    t[..e].iter().rposition(|&b| !word_byte(b)).map_or(0, |p| p + 1)
}

/// A word in title case (`Kai`, `Lily-Mae`, `Tomás`), two letters or more.
fn title(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase)
        && w.chars().count() >= 2
        && cs.all(|c| c.is_lowercase() || c == '-' || c.is_uppercase())
        && w.chars().skip(1).any(char::is_lowercase)
}

/// One lower-case letter starts at `i` (ASCII, or a Swedish `å`, `ä`, `ö`).
fn lower_at(t: &[u8], i: usize) -> bool {
    match t.get(i) {
        Some(b) if b.is_ascii_lowercase() => true,
        Some(0xC3) => t.get(i + 1).is_some_and(|&b| (0xA0..=0xBF).contains(&b)),
        _ => false,
    }
}

/// A name found as `A, B` inside a list of names is two people (`Tomás, Lily-Mae, Kai`;
/// `Nguyen-Hall, Marcus "Moose" Delgado, Kendra Jackson`): the item before it is a capitalised
/// word and a comma, or both sides are known given names and another item follows. A `Surname,
/// Given` cell (`Lindqvist, Maj-Britt`) has no such neighbours.
pub(super) fn split_lists(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    let mut k = 0;
    while k < spans.len() {
        let (s, e, conf) = spans[k];
        let inner = &t[s..e];
        let Some(p) = memchr::memmem::find(inner, b", ") else {
            k += 1;
            continue;
        };
        let (a, b) = (&inner[..p], &inner[p + 2..]);
        if b.contains(&b',')
            || a.iter().all(|c| !c.is_ascii_lowercase())
            || b.iter().all(|c| !c.is_ascii_lowercase())
        {
            k += 1;
            continue;
        }
        // The item before: `Word, ` right before the span, the word capitalised.
        let before = s >= 3 && &t[s - 2..s] == b", " && {
            let ws = word_start(t, s - 2);
            ws < s - 2 && title(as_str(&t[ws..s - 2]))
        };
        // Both sides single known given names, and an item after (`, Word`) or before (`och`,
        // `and`: `Given och Given, Given`).
        let givens = crate::lexicon::is_given(as_str(a)) && crate::lexicon::is_given(as_str(b));
        let after = givens
            && ((t.get(e..e + 2) == Some(b", ") && t.get(e + 2).is_some_and(u8::is_ascii_uppercase))
                || [&b" och "[..], b" and ", b" & "].iter().any(|c| t[..s].ends_with(c)));
        if before || after {
            spans[k] = (s, s + p, conf);
            spans.insert(k + 1, (s + p + 2, e, conf));
            k += 2;
        } else {
            k += 1;
        }
    }
}

/// A name that ends before a nickname in quotes and a capitalised word the tagger left out
/// (`Given "Nick" Surname`) takes both, when no list takes the word for something else.
pub(super) fn nickname_surname(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    let mut k = 0;
    while k < spans.len() {
        let e = spans[k].1;
        k += 1;
        // The nickname found as a name of its own is passed over.
        let nick_span = spans.get(k).is_some_and(|x| {
            NICK_OPEN.iter().any(|p| t[e..].starts_with(p.as_bytes()) && x.0 == e + p.len())
        });
        let next = spans.get(k + usize::from(nick_span)).map_or(t.len(), |x| x.0);
        let Some(o) = NICK_OPEN.iter().find(|p| t[e..].starts_with(p.as_bytes())).map(|p| p.len()) else {
            continue;
        };
        let ns = e + o;
        let ne = word_end(t, ns);
        if ne == ns
            || ne - ns > 20
            || !title(as_str(&t[ns..ne])) && !t[ns..ne].iter().all(u8::is_ascii_uppercase)
        {
            continue;
        }
        let Some(c) = NICK_CLOSE.iter().find(|p| t[ne..].starts_with(p.as_bytes())).map(|p| p.len()) else {
            continue;
        };
        let ss = ne + c;
        let se = word_end(t, ss);
        if se == ss || se > next {
            continue;
        }
        let w = as_str(&t[ss..se]);
        if title(w) && !listed_as_no_name(w) {
            spans[k - 1].1 = se;
            if nick_span {
                spans.remove(k);
            }
        }
    }
}

/// A surname in the Swedish genitive: `Ws` before a lower-case word, whose stem `W` a list
/// knows as a surname and the word itself not (`Stevens`, `Jones` stay whole).
fn genitive_surname(t: &[u8], ws: usize, we: usize) -> bool {
    we >= ws + 4
        && t[we - 1] == b's'
        && t[we - 2] != b's'
        && t[we - 2].is_ascii_lowercase()
        && t.get(we) == Some(&b' ')
        && lower_at(t, we + 1)
        && crate::lexicon::is_surname(as_str(&t[ws..we - 1]))
        && !crate::lexicon::is_surname(as_str(&t[ws..we]))
        && !crate::lexicon::is_given(as_str(&t[ws..we]))
}

/// A full name in the Swedish genitive is the name without its `s` (`Given Surnames pappa`):
/// the tagger's span keeps it, or stops before the surname.
/// A street named so (`Given Surnames gata`, `… väg`, `… torg`) is no person at all.
pub(super) fn genitive_full_names(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    let mut k = 0;
    while k < spans.len() {
        let (s, e, _) = spans[k];
        let next = spans.get(k + 1).map_or(t.len(), |x| x.0);
        let ls = word_start(t, e);
        let mut ge = None;
        if ls > s && t[ls - 1] == b' ' && genitive_surname(t, ls, e) {
            ge = Some(e);
        } else if t.get(e) == Some(&b' ') && t.get(e + 1).is_some_and(u8::is_ascii_uppercase) {
            let we = word_end(t, e + 1);
            if we <= next && genitive_surname(t, e + 1, we) {
                ge = Some(we);
            }
        }
        // `Given Surnames gata` whatever the lists know of the surname, the genitive inside
        // the tagger's span or right after it.
        let gen_end = if ls > s && t[ls - 1] == b' ' {
            Some(e)
        } else if t.get(e) == Some(&b' ') && t.get(e + 1).is_some_and(u8::is_ascii_uppercase) {
            Some(word_end(t, e + 1))
        } else {
            None
        };
        if ge.is_none()
            && let Some(we) = gen_end
            && we <= next
            && t[we - 1] == b's'
            && t.get(we) == Some(&b' ')
            && lower_at(t, we + 1)
            && crate::lexicon::is_place_word(as_str(&t[we + 1..word_end(t, we + 1)]))
        {
            spans.remove(k);
            continue;
        }
        if let Some(we) = ge {
            let place = crate::lexicon::is_place_word(as_str(&t[we + 1..word_end(t, we + 1)]));
            if place {
                spans.remove(k);
                continue;
            }
            spans[k].1 = we - 1;
        }
        k += 1;
    }
}

/// A surname that names a family is a person (`the Quorbel family`, `familjen Quorbel`,
/// `familjen Quorbels hus`: the span without the genitive's `s`); the title stays outside.
pub(super) fn family_names(t: &[u8], toks: &[Tok], spans: &mut Vec<(usize, usize, f32)>) {
    let mut add: Vec<(usize, usize, f32)> = Vec::new();
    for tok in toks {
        let (ws, we) = (tok.start, tok.end);
        // Byte tests before the lists.
        let head = &t[..ws];
        let english = (head.ends_with(b"the ") || head.ends_with(b"The ")) && t[we..].starts_with(b" family");
        let swedish = head.ends_with(b"familjen ") || head.ends_with(b"Familjen ");
        if !english && !swedish {
            continue;
        }
        let w = as_str(&t[ws..we]);
        if !title(w) || listed_as_no_name(w) {
            continue;
        }
        let end = if swedish
            && t.get(we) == Some(&b' ')
            && lower_at(t, we + 1)
            && w.ends_with('s')
            && !w.ends_with("ss")
        {
            we - 1
        } else {
            we
        };
        match spans.iter_mut().find(|x| x.0 < we && ws < x.1) {
            // The tagger's own span on the word: only the genitive's `s` comes off.
            Some(x) => {
                if x.0 == ws && x.1 == we {
                    x.1 = end;
                }
            }
            None => add.push((ws, end, 0.6)),
        }
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|x| x.0);
    }
}

/// Two words in capitals alone in a table's cell, one a given name and the other a surname the
/// lists know (`QUORBELL EMMA`, `EMMA QUORBELL` on a statement's row), are a name where the
/// tagger found none: a register prints its people so, a heading does not fill one cell.
pub(super) fn caps_cells(t: &[u8], toks: &[Tok], spans: &mut Vec<(usize, usize, f32)>) {
    use crate::lexicon as l;
    let mut add: Vec<(usize, usize, f32)> = Vec::new();
    for w in toks.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if b.start != a.end + 1 || t[a.end] != b' ' {
            continue;
        }
        let (x, y) = (&t[a.start..a.end], &t[b.start..b.end]);
        if x.len() < 2 || y.len() < 2 || !x.iter().chain(y).all(|c| c.is_ascii_uppercase() || *c == b'-') {
            continue;
        }
        if !(super::structure::cell_start(t, a.start) && super::bounds::cell_ends(t, b.end)) {
            continue;
        }
        if spans.iter().any(|z| z.0 < b.end && a.start < z.1) {
            continue;
        }
        let (x, y) = (super::bounds::title_case(as_str(x)), super::bounds::title_case(as_str(y)));
        let named = |g: &str, f: &str| l::is_given(g) && l::is_surname(f) && !listed_as_no_name(f);
        if named(&x, &y) || named(&y, &x) {
            add.push((a.start, b.end, 0.6));
        }
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|x| x.0);
    }
}

/// Two people signed or addressed together (`Given Surname & Given Surname`, `Given & Given`
/// at a sign-off): each side is a name where the tagger, taking `&` for a firm's, left one
/// out. A side is a full name opening with a known given name, or, when both are one word, a
/// known given name each, the pair alone between a field's start and the line's or a quote's
/// end (`Ben & Jerry's`, `Quorbel & Söner` are firms).
pub(super) fn coordinated_pairs(t: &[u8], toks: &[Tok], spans: &mut Vec<(usize, usize, f32)>) {
    use crate::lexicon as l;
    let mut add: Vec<(usize, usize, f32)> = Vec::new();
    let joined = |a: &Tok, b: &Tok| b.start == a.end + 1 && t[a.end] == b' ';
    let word = |k: usize| as_str(&t[toks[k].start..toks[k].end]);
    let given = |k: usize| title(word(k)) && l::is_given(word(k));
    let other = |k: usize| title(word(k)) && !listed_as_no_name(word(k));
    for k in 0..toks.len().saturating_sub(1) {
        let gap = &t[toks[k].end..toks[k + 1].start];
        if !matches!(gap, b" & " | b" and " | b" och ") {
            continue;
        }
        // The left side: `Given Surname` or `Given`.
        // A right side the tagger found whole vouches for a left side no list knows, when the
        // pair fills its line (`Given Surname & Given Surname` under a sign-off).
        let right_found = |re: usize| spans.iter().any(|z| z.0 == toks[k + 1].start && z.1 == re);
        let left_full = k >= 1 && joined(&toks[k - 1], &toks[k]) && given(k - 1) && other(k);
        let ls = if left_full { toks[k - 1].start } else { toks[k].start };
        // The right side: `Given Surname` or `Given`.
        let right_full = k + 2 < toks.len()
            && joined(&toks[k + 1], &toks[k + 2])
            && other(k + 1)
            && other(k + 2)
            && (given(k + 1) || right_found(toks[k + 2].end));
        let re = if right_full { toks[k + 2].end } else { toks[k + 1].end };
        let (end_ok, start_ok) = (
            matches!(t.get(re), None | Some(b'\n' | b'\r' | b'"' | b'.' | b',' | b'!'))
                && !t[re..].starts_with(b"'s"),
            super::structure::cell_start(t, ls) || t[..ls].ends_with(b", ") || t[..ls].ends_with(b"from "),
        );
        let left_full = left_full
            || (k >= 1
                && right_full
                && joined(&toks[k - 1], &toks[k])
                && other(k - 1)
                && other(k)
                && right_found(re)
                && super::bounds::line_start(t, toks[k - 1].start)
                && matches!(t.get(re), None | Some(b'\n' | b'\r')));
        let ls = if left_full { toks[k - 1].start } else { ls };
        let pair = if left_full && right_full {
            start_ok || end_ok
        } else {
            !left_full && !right_full && given(k) && given(k + 1) && start_ok && end_ok
        };
        if !pair || (k >= 1 && !left_full && joined(&toks[k - 1], &toks[k])) {
            continue;
        }
        let (le, rs) = (toks[k].end, toks[k + 1].start);
        for (a, b) in [(ls, le), (rs, re)] {
            if !spans.iter().any(|z| z.0 < b && a < z.1) {
                add.push((a, b, 0.6));
            }
        }
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|x| x.0);
    }
}

/// Words of a closing line (`Many thanks,`, `Best wishes,`, `Med vänliga hälsningar,`).
const CLOSINGS: [&str; 16] = [
    "thanks",
    "regards",
    "wishes",
    "cheers",
    "best",
    "love",
    "blessing",
    "sincerely",
    "faithfully",
    "warmly",
    "hälsningar",
    "hälsning",
    "mvh",
    "tack",
    "kram",
    "hugs",
];

/// A word alone under a closing line ending in a comma (`Many thanks,⏎Given (Secretary)`,
/// `Thanks,⏎Given | Firm`, `Love,⏎Given, Given & Given`) is the writer's given name, whatever
/// the lists know of it; not a word a list takes for something else.
/// `skipped` are the words at a sentence's start the tagger was not given (`Given and the team`).
pub(super) fn sign_offs(
    t: &[u8],
    toks: &[Tok],
    skipped: &[(usize, usize)],
    spans: &mut Vec<(usize, usize, f32)>,
) {
    let mut add: Vec<(usize, usize, f32)> = Vec::new();
    for (ws, we) in toks.iter().map(|k| (k.start, k.end)).chain(skipped.iter().copied()) {
        let head = t[..ws].strip_suffix(b"\r\n").or_else(|| t[..ws].strip_suffix(b"\n"));
        let Some(head) = head.and_then(|h| h.strip_suffix(b",")) else {
            continue;
        };
        let tail = &t[we..];
        // After a word no list knows, what says it is a person: a role in brackets, a bar
        // before the firm, another person (`and`, `&`, `, Given`); not a firm's address
        // (`Firm, Street 1`), not the word alone (a firm signs so too).
        let line_rest = &tail[..tail.iter().position(|&b| b == b'\n').unwrap_or(tail.len())];
        let marked = [&b" ("[..], b" |", b" and ", b" & "].iter().any(|p| tail.starts_with(p))
            || (tail.starts_with(b", ") && !line_rest.iter().any(u8::is_ascii_digit));
        let alone = tail.is_empty() || tail.starts_with(b"\n") || tail.starts_with(b"\r");
        if !(marked || alone) || spans.iter().any(|z| z.0 < we && ws < z.1) {
            continue;
        }
        let line = &head[head.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1)..];
        if line.len() > 40 {
            continue;
        }
        let closing = as_str(line)
            .split(|c: char| !c.is_alphabetic())
            .any(|w| CLOSINGS.iter().any(|c| w.eq_ignore_ascii_case(c)));
        let w = as_str(&t[ws..we]);
        if closing && title(w) && !listed_as_no_name(w) && (marked || crate::lexicon::is_given(w)) {
            add.push((ws, we, 0.6));
        }
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|x| x.0);
    }
}

/// A name right after a house number and before a comma or a line's end (`, 12 Quorbel Van
/// Hoan, Town`, `Address: 45/12 Quorbel Street`) is a street named after someone, as Vietnamese
/// and other addresses write them without a street word; not when it opens with a known given
/// name (`3 Anna Quorbel, …` in a numbered list).
pub(super) fn numbered_streets(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    spans.retain(|&(s, e, _)| {
        if s < 2 || t[s - 1] != b' ' || !t[s - 2].is_ascii_digit() {
            return true;
        }
        let ns =
            t[..s - 1].iter().rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'/')).map_or(0, |p| p + 1);
        let num = &t[ns..s - 1];
        if num.len() > 6 || !num[0].is_ascii_digit() {
            return true;
        }
        let before = &t[..t[..ns].iter().rposition(|&b| b != b' ').map_or(0, |p| p + 1)];
        // Inside a line (a numbered list's line opens with its number: `11 Given Surname`).
        let opens = before.ends_with(b",") || before.ends_with(b":");
        // What follows: a comma (perhaps after one more word of the street) or the line's end.
        let after = &t[e..];
        let more =
            after.strip_prefix(b" ").map_or(0, |a| a.iter().take_while(|&&b| word_byte(b)).count() + 1);
        let closes = matches!(after.get(more), None | Some(b',' | b'\n' | b'\r'));
        let first = as_str(&t[s..word_end(t, s)]);
        !(opens && closes && !crate::lexicon::is_given(first))
    });
}

/// The parties of a conversation written before a speaker's name in brackets.
const PARTIES: [&str; 16] = [
    "buyer",
    "seller",
    "köpare",
    "säljare",
    "kund",
    "customer",
    "agent",
    "host",
    "guest",
    "landlord",
    "tenant",
    "hyresvärd",
    "hyresgäst",
    "support",
    "kundtjänst",
    "handläggare",
];

/// Whether a party and ` (` stand right before `s` (`Buyer (`).
pub(super) fn party_before(t: &[u8], s: usize) -> bool {
    s >= 3 && &t[s - 2..s] == b" (" && {
        let party = as_str(&t[word_start(t, s - 2)..s - 2]);
        PARTIES.iter().any(|p| party.eq_ignore_ascii_case(p))
    }
}

/// A speaker written as a party and a name in brackets at a line's start (`Buyer (Given):`,
/// `Kund (Given):`): the name is a person's, the party outside it.
pub(super) fn party_speakers(t: &[u8], toks: &[Tok], spans: &mut Vec<(usize, usize, f32)>) {
    let mut add: Vec<(usize, usize, f32)> = Vec::new();
    for tok in toks {
        let (ws, we) = (tok.start, tok.end);
        if ws < 3 || &t[ws - 2..ws] != b" (" || !t[we..].starts_with(b"):") {
            continue;
        }
        let ps = word_start(t, ws - 2);
        let line = super::bounds::line_start(t, ps) || t[..ps].ends_with(b"] ");
        let w = as_str(&t[ws..we]);
        if line
            && party_before(t, ws)
            && title(w)
            && !listed_as_no_name(w)
            && !spans.iter().any(|z| z.0 < we && ws < z.1)
        {
            add.push((ws, we, 0.6));
        }
    }
    if !add.is_empty() {
        spans.extend(add);
        spans.sort_by_key(|x| x.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: &str, w: &str) -> (usize, usize, f32) {
        let s = t.find(w).unwrap();
        (s, s + w.len(), 0.9)
    }

    fn texts(t: &str, spans: &[(usize, usize, f32)]) -> Vec<String> {
        spans.iter().map(|x| t[x.0..x.1].to_string()).collect()
    }

    #[test]
    fn a_list_of_names_splits_and_a_cell_does_not() {
        let t = "On the photo: Selma, Otto, Liv-Ann, Tor.";
        let mut sp = vec![at(t, "Selma"), at(t, "Otto"), at(t, "Liv-Ann, Tor")];
        split_lists(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Selma", "Otto", "Liv-Ann", "Tor"]);
        let t = "Helpers: Tova Quorbel, Anton \"Ant\" Lindbeck, Mira Ek";
        let mut sp = vec![at(t, "Tova Quorbel"), at(t, "Anton \"Ant\" Lindbeck, Mira Ek")];
        split_lists(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Tova Quorbel", "Anton \"Ant\" Lindbeck", "Mira Ek"]);
        let t = "Saknad av Tova och Anna, Erik";
        let mut sp = vec![at(t, "Tova"), at(t, "Anna, Erik")];
        split_lists(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Tova", "Anna", "Erik"]);
        let t = "Kund: Quorbelsson, Maj-Britt, 070-123 45 67";
        let mut sp = vec![at(t, "Quorbelsson, Maj-Britt")];
        split_lists(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Quorbelsson, Maj-Britt"]);
    }

    #[test]
    fn a_nickname_takes_the_surname_after_it() {
        let t = "our treasurer Hilda \"Hils\" Quorbel retires";
        let mut sp = vec![at(t, "Hilda")];
        nickname_surname(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Hilda \"Hils\" Quorbel"]);
        let t = "our treasurer Hilda \"Hils\" Quorbel retires";
        let mut sp = vec![at(t, "Hilda"), at(t, "Hils")];
        nickname_surname(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Hilda \"Hils\" Quorbel"]);
        let t = "the award \"Hils\" Street Prize";
        let mut sp = vec![at(t, "award")];
        nickname_surname(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["award"]);
    }

    #[test]
    fn a_family_and_a_row_in_capitals_by_the_detector() {
        let of = |t: &str| {
            let r = crate::redact_str(t, crate::Format::Text, &crate::Options::default()).unwrap();
            r.findings
                .iter()
                .filter(|f| f.label == crate::Label::Person)
                .map(|f| t[f.start_byte..f.end_byte].to_string())
                .collect::<Vec<_>>()
        };
        assert!(
            of("The party is at the home of the Lindqvist family on Friday.").contains(&"Lindqvist".into())
        );
        assert!(of("Vi ses hos familjen Lindqvists sommarstuga.").contains(&"Lindqvist".into()));
        assert!(of("Saldo\n2026-01-07  ERIKSSON ANNA       120,00\n").contains(&"ERIKSSON ANNA".into()));
        assert!(of("VÄLKOMMEN TILL ÅRSMÖTET\n").is_empty());
        let p = of("Best wishes,\nTove Lindqvist & Omar Haddad\n");
        assert!(p.contains(&"Tove Lindqvist".into()) && p.contains(&"Omar Haddad".into()), "{p:?}");
        let p = of("A card for you. Love, Tove & Omar\n");
        assert!(p.contains(&"Tove".into()) && p.contains(&"Omar".into()), "{p:?}");
        assert!(of("We stock Quorbel & Lindqvist's jams.\n").is_empty());
    }

    #[test]
    fn a_name_under_a_closing_line() {
        let t = "See you there.\n\nMany thanks,\nXanthe (Secretary)\n";
        let s = super::super::sentence(t.as_bytes(), None);
        let mut sp = Vec::new();
        sign_offs(t.as_bytes(), &s.toks, &s.skipped, &mut sp);
        assert_eq!(texts(t, &sp), ["Xanthe"]);
        let t = "Vänliga hälsningar,\nQuorbelbox\n\nHälsningar,\nQuorbelpy, Storgatan 1, Stad\n";
        let toks = super::super::sentence(t.as_bytes(), None).toks;
        let mut sp = Vec::new();
        sign_offs(t.as_bytes(), &toks, &[], &mut sp);
        assert!(sp.is_empty());
        let t = "Paris, London,\nBerlin and more\n";
        let toks = super::super::sentence(t.as_bytes(), None).toks;
        let mut sp = Vec::new();
        sign_offs(t.as_bytes(), &toks, &[], &mut sp);
        assert!(sp.is_empty());
    }

    #[test]
    fn a_party_and_a_name_in_brackets() {
        let t = "Buyer (Xanthe-Mai):\nYes please.\nTel (Vietnam): 123\n";
        let s = super::super::sentence(t.as_bytes(), None);
        let mut sp = Vec::new();
        party_speakers(t.as_bytes(), &s.toks, &mut sp);
        assert_eq!(texts(t, &sp), ["Xanthe-Mai"]);
    }

    #[test]
    fn a_street_after_a_house_number() {
        let t = "Address: 14 Quorbel Van Hoan, Hanoi";
        let mut sp = vec![at(t, "Quorbel Van")];
        numbered_streets(t.as_bytes(), &mut sp);
        assert!(sp.is_empty());
        let t = "Runners:\n3 Xanthe Quorbel, 070-123 45 67\n11 Xanthe Lindqvist\n";
        let mut sp = vec![at(t, "Xanthe Quorbel"), at(t, "Xanthe Lindqvist")];
        numbered_streets(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Xanthe Quorbel", "Xanthe Lindqvist"]);
        let t = "Runners: 3 Anna Quorbel, 070-123 45 67";
        let mut sp = vec![at(t, "Anna Quorbel")];
        numbered_streets(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Anna Quorbel"]);
    }

    #[test]
    fn a_full_name_in_the_genitive() {
        let t = "Vi ses vid Tove Lindbergs hus i morgon.";
        let mut sp = vec![at(t, "Tove Lindbergs")];
        genitive_full_names(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Tove Lindberg"]);
        let t = "Vattnet stängs av på Tove Lindbergs gata.";
        let mut sp = vec![at(t, "Tove")];
        genitive_full_names(t.as_bytes(), &mut sp);
        assert!(sp.is_empty());
        let t = "Vattnet stängs av på Tove Quorbels väg.";
        let mut sp = vec![at(t, "Tove Quorbels")];
        genitive_full_names(t.as_bytes(), &mut sp);
        assert!(sp.is_empty());
        let t = "Tove Lindbergs bil står här.";
        let mut sp = vec![at(t, "Tove")];
        genitive_full_names(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Tove Lindberg"]);
        // A surname that ends in `s` stays whole.
        let t = "Maria Jones called";
        let mut sp = vec![at(t, "Maria Jones")];
        genitive_full_names(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Maria Jones"]);
    }
}
