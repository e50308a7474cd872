//! Name candidates: sequences of 2 to 4 name-like words in a text, looked up as a
//! customer's `full_name` whether or not the detector took them for a name.
//!
//! A name-like word starts with an upper-case letter, has at least two letters, and may hold
//! inner `-` or `'` (`Anna-Karin`, `O'Brien`); a trailing `'s` is not part of it. Words
//! separated by spaces or tabs (not a line break) form a run; every stretch of 2 to 4 words
//! of a run is a candidate ("Hej Ada Lovelace" gives "Hej Ada", "Ada Lovelace", "Hej Ada
//! Lovelace"). A run, a comma and a run ("Lovelace, Ada Maria") also give the reordered
//! forms ("Ada Lovelace", "Ada Maria Lovelace"), which is how such a name is looked up.

use std::ops::Range;

/// One candidate: where it is, and the name it spells in "Given Surname" order, folded as
/// the vault folds names (whitespace collapsed, lower case).
#[derive(Clone, PartialEq, Eq)]
pub struct NameCand {
    pub range: Range<usize>,
    pub form: String,
}

/// The longest run considered; longer runs are table headings, not names.
const MAX_RUN: usize = 8;

fn word_at(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut chars = text[start..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphabetic() {
            end = start + i + c.len_utf8();
        } else if (c == '-' || c == '\'' || c == '\u{2019}') && end == start + i {
            match chars.peek() {
                Some((_, n)) if n.is_alphabetic() => {}
                _ => break,
            }
        } else {
            break;
        }
    }
    // "Lovelace's": the possessive is not part of the name.
    if end >= start + 4 && (text[..end].ends_with("'s") || text[..end].ends_with("\u{2019}s")) {
        end -= if text[..end].ends_with("'s") { 2 } else { 4 };
    }
    end
}

fn name_like(word: &str) -> bool {
    let mut cs = word.chars();
    cs.next().is_some_and(char::is_uppercase) && word.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

/// Runs of name-like words: byte ranges of their words, and whether a comma (then spaces)
/// follows the run on the same line.
fn runs(text: &str) -> Vec<(Vec<Range<usize>>, bool)> {
    let mut out: Vec<(Vec<Range<usize>>, bool)> = Vec::new();
    let mut cur: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    let b = text.as_bytes();
    let flush = |cur: &mut Vec<Range<usize>>, out: &mut Vec<(Vec<Range<usize>>, bool)>, comma: bool| {
        if !cur.is_empty() {
            out.push((std::mem::take(cur), comma));
        }
    };
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else { break };
        let prev_alnum = text[..i].chars().next_back().is_some_and(|p| p.is_alphanumeric() || p == '_');
        if c.is_alphabetic() && !prev_alnum {
            let end = word_at(text, i);
            let end = if end > i { end } else { i + c.len_utf8() };
            let after = text[end..].chars().next();
            let glued = after.is_some_and(|a| a.is_alphanumeric() || a == '_' || a == '@');
            if name_like(&text[i..end]) && !glued && !text[..i].ends_with('@') {
                cur.push(i..end);
                // What follows: spaces continue the run, ", " ends it with a comma.
                let mut j = end;
                while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                    j += 1;
                }
                if j > end && j < b.len() {
                    i = j;
                    continue;
                }
                if b.get(end) == Some(&b',') && b.get(end + 1) == Some(&b' ') {
                    flush(&mut cur, &mut out, true);
                    i = end + 1;
                    continue;
                }
                flush(&mut cur, &mut out, false);
                i = end;
                continue;
            }
            flush(&mut cur, &mut out, false);
            i = end;
            // Skip the rest of a non-name word (digits, underscores glued to it).
            while i < text.len() {
                let Some(n) = text[i..].chars().next() else { break };
                if !(n.is_alphanumeric() || n == '_') {
                    break;
                }
                i += n.len_utf8();
            }
            continue;
        }
        if !(c == ' ' || c == '\t') || cur.is_empty() {
            flush(&mut cur, &mut out, false);
        }
        i += c.len_utf8();
    }
    flush(&mut cur, &mut out, false);
    out
}

fn form(text: &str, words: &[Range<usize>]) -> String {
    let parts: Vec<&str> = words.iter().map(|w| &text[w.clone()]).collect();
    parts.join(" ").to_lowercase()
}

/// Every name candidate of `text`.
pub fn candidates(text: &str) -> Vec<NameCand> {
    let runs = runs(text);
    let mut out = Vec::new();
    for (k, (words, comma)) in runs.iter().enumerate() {
        if words.len() > MAX_RUN {
            continue;
        }
        for a in 0..words.len() {
            for b in a + 2..=(a + 4).min(words.len()) {
                out.push(NameCand {
                    range: words[a].start..words[b - 1].end,
                    form: form(text, &words[a..b]),
                });
            }
        }
        // "Surname, Given Middle": the next run, right after the comma.
        let Some((next, _)) = runs.get(k + 1).filter(|_| *comma) else { continue };
        let Some(last) = words.last() else { continue };
        let Some(first) = next.first() else { continue };
        if text[last.end..first.start] != *", " || next.len() > MAX_RUN {
            continue;
        }
        for k1 in 1..=words.len().min(2) {
            for k2 in 1..=next.len().min(3) {
                if !(2..=4).contains(&(k1 + k2)) {
                    continue;
                }
                let surname = &words[words.len() - k1..];
                let given = &next[..k2];
                let mut order: Vec<Range<usize>> = given.to_vec();
                order.extend_from_slice(surname);
                out.push(NameCand { range: surname[0].start..given[k2 - 1].end, form: form(text, &order) });
            }
        }
    }
    out
}

/// The folded form of a name as written in a finding: "Lovelace, Ada" -> "ada lovelace".
pub fn fold(written: &str) -> String {
    let joined = match written.split_once(',') {
        Some((surname, given)) => format!("{} {}", given.trim(), surname.trim()),
        None => written.to_owned(),
    };
    joined.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(text: &str) -> Vec<(String, String)> {
        candidates(text).into_iter().map(|c| (text[c.range].to_owned(), c.form)).collect()
    }

    #[test]
    fn runs_sub_runs_and_comma_forms() {
        let f = forms("Hej Ada Lovelace, tack.");
        assert!(f.contains(&("Ada Lovelace".into(), "ada lovelace".into())), "{f:?}");
        assert!(f.contains(&("Hej Ada Lovelace".into(), "hej ada lovelace".into())));
        let f = forms("Kund: LOVELACE, Ada Maria\nnext");
        assert!(f.contains(&("LOVELACE, Ada".into(), "ada lovelace".into())), "{f:?}");
        assert!(f.contains(&("LOVELACE, Ada Maria".into(), "ada maria lovelace".into())));
        let f = forms("Anna-Karin O'Brien's order");
        assert!(f.contains(&("Anna-Karin O'Brien".into(), "anna-karin o'brien".into())), "{f:?}");
        // A line break ends a run; words glued to digits or an @ are not names.
        assert!(forms("Ada\nLovelace").is_empty());
        assert!(forms("Ada Lovelace2 x").is_empty());
        assert!(
            forms("mail Ada.Lovelace@example.com").is_empty(),
            "{:?}",
            forms("mail Ada.Lovelace@example.com")
        );
        assert_eq!(fold("Lovelace,  Ada"), "ada lovelace");
        assert_eq!(fold("Ada  LOVELACE"), "ada lovelace");
    }
}
