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
        // The item after: `, Word` with both sides single known given names.
        let after = t.get(e..e + 2) == Some(b", ")
            && t.get(e + 2).is_some_and(u8::is_ascii_uppercase)
            && crate::lexicon::is_given(as_str(a))
            && crate::lexicon::is_given(as_str(b));
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
pub(super) fn nickname_surname(t: &[u8], spans: &mut [(usize, usize, f32)]) {
    for k in 0..spans.len() {
        let e = spans[k].1;
        let next = spans.get(k + 1).map_or(t.len(), |x| x.0);
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
            spans[k].1 = se;
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
pub(super) fn genitive_full_names(t: &[u8], spans: &mut [(usize, usize, f32)]) {
    for k in 0..spans.len() {
        let (s, e, _) = spans[k];
        let next = spans.get(k + 1).map_or(t.len(), |x| x.0);
        let ls = word_start(t, e);
        if ls > s && t[ls - 1] == b' ' && genitive_surname(t, ls, e) {
            spans[k].1 = e - 1;
        } else if t.get(e) == Some(&b' ') && t.get(e + 1).is_some_and(u8::is_ascii_uppercase) {
            let we = word_end(t, e + 1);
            if we <= next && genitive_surname(t, e + 1, we) {
                spans[k].1 = we - 1;
            }
        }
    }
}

/// A surname that names a family is a person (`the Quorbel family`, `familjen Quorbel`,
/// `familjen Quorbels hus`: the span without the genitive's `s`); the title stays outside.
pub(super) fn family_names(t: &[u8], toks: &[Tok], spans: &mut Vec<(usize, usize, f32)>) {
    let mut add: Vec<(usize, usize, f32)> = Vec::new();
    for tok in toks {
        let (ws, we) = (tok.start, tok.end);
        let w = as_str(&t[ws..we]);
        if !title(w) || listed_as_no_name(w) {
            continue;
        }
        let head = &t[..ws];
        let english = (head.ends_with(b"the ") || head.ends_with(b"The ")) && t[we..].starts_with(b" family");
        let swedish = head.ends_with(b"familjen ") || head.ends_with(b"Familjen ");
        if !english && !swedish {
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
    }

    #[test]
    fn a_full_name_in_the_genitive() {
        let t = "Vi ses vid Tove Lindbergs hus i morgon.";
        let mut sp = vec![at(t, "Tove Lindbergs")];
        genitive_full_names(t.as_bytes(), &mut sp);
        assert_eq!(texts(t, &sp), ["Tove Lindberg"]);
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
