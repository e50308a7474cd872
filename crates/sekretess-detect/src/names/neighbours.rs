//! The words around a place in the text, as the PERSON tagger's features read them: the
//! word before and after a token with the punctuation between, and parts of the text as
//! `&str` without validating them again.

use crate::scan::char_at;

pub(super) fn letter_before(t: &[u8], i: usize) -> bool {
    // A run of underscores is a form's blank line, not an identifier ("____Name___"), and so
    // is one after a label's colon ("Name:_Anna Berg_").
    if i >= 1 && t[i - 1] == b'_' && crate::scan::line_before(t, i) {
        return false;
    }
    let mut j = i;
    while j > 0 {
        j -= 1;
        if t[j] & 0xC0 != 0x80 {
            return match char_at(t, j) {
                Some((c, _)) => c.is_alphanumeric() || c == '_',
                None => false,
            };
        }
        if i - j >= 4 {
            return false;
        }
    }
    false
}

/// The word (any case) and the punctuation between it and `i`, looking back.
pub(super) fn word_back(t: &[u8], i: usize) -> (&[u8], u8, bool) {
    let mut j = i;
    let mut punct = 0u8;
    let mut newline = false;
    while j > 0 && i - j < 8 {
        let b = t[j - 1];
        if b == b' ' || b == b'\t' {
            j -= 1;
        } else if b == b'\n' || b == b'\r' {
            newline = true;
            j -= 1;
        } else if b.is_ascii_punctuation() && b != b'-' && b != b'\'' {
            if punct == 0 {
                punct = b;
            }
            j -= 1;
        } else {
            break;
        }
    }
    let e = j;
    while j > 0 && e - j < 24 && (t[j - 1].is_ascii_alphabetic() || t[j - 1] >= 0x80) {
        j -= 1;
    }
    while j < e && t[j] & 0xC0 == 0x80 {
        j += 1;
    }
    (&t[j..e], punct, newline)
}

/// The word after `e` and the punctuation before it.
pub(super) fn word_fwd(t: &[u8], e: usize) -> (&[u8], u8, bool) {
    let mut j = e;
    let mut punct = 0u8;
    let mut newline = j >= t.len();
    while j < t.len() && j - e < 8 {
        let b = t[j];
        if b == b' ' || b == b'\t' {
            j += 1;
        } else if b == b'\n' || b == b'\r' {
            newline = true;
            break;
        } else if b.is_ascii_punctuation() && b != b'&' {
            if punct == 0 {
                punct = b;
            }
            j += 1;
        } else {
            break;
        }
    }
    if newline {
        return (&[], punct, true);
    }
    let s = j;
    while j < t.len()
        && j - s < 24
        && !matches!(t[j], b' ' | b'\t' | b'\n' | b'\r' | b',' | b';' | b':' | b')' | b'"')
    {
        j += 1;
    }
    while j < t.len() && j > s && t[j] & 0xC0 == 0x80 {
        j += 1;
    }
    (t.get(s..j).unwrap_or(&[]), punct, false)
}

pub(super) fn as_str(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("")
}

/// `b`, a part of the text `ts` (valid UTF-8), as `as_str` gives it, without validating its
/// bytes again: a slice of valid UTF-8 is valid exactly when both its ends are character
/// boundaries. Validating every word, its neighbours and its shape showed in the profile.
/// Other slices (and any slice of a text that is not valid UTF-8) are validated.
pub(super) fn str_in<'a>(ts: Option<&'a str>, b: &'a [u8]) -> &'a str {
    if let Some(ts) = ts {
        let off = (b.as_ptr() as usize).wrapping_sub(ts.as_ptr() as usize);
        if off <= ts.len() && b.len() <= ts.len() - off {
            return ts.get(off..off + b.len()).unwrap_or("");
        }
    }
    as_str(b)
}

#[cfg(test)]
mod tests {
    use super::{as_str, str_in};

    #[test]
    fn a_slice_of_the_text_reads_as_validating_it_would() {
        let text = "Åsa Öberg, 東京 \u{1F600} x\u{2588}y".as_bytes();
        let ts = std::str::from_utf8(text).ok();
        for a in 0..=text.len() {
            for b in a..=text.len() {
                assert_eq!(str_in(ts, &text[a..b]), as_str(&text[a..b]), "{a}..{b}");
            }
        }
        // Not a part of the text, or a text that is not UTF-8: validated.
        let other = "Åsa".as_bytes().to_vec();
        assert_eq!(str_in(ts, &other), "Åsa");
        assert_eq!(str_in(ts, &other[..1]), "");
        let mut bad = b"Anna ".to_vec();
        bad.push(0xC3);
        assert_eq!(str_in(std::str::from_utf8(&bad).ok(), &bad[..4]), "Anna");
    }
}
