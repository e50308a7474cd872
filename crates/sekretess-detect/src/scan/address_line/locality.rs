//! The towns and districts written after a street line without a postcode ("14 Bode Road,
//! Surulere, Lagos", "41 Griffith Avenue, Marino, Dublin 9", "Storgatan 55, Linköping"):
//! part of the address, as the conventions make a street, postcode and town one span. A
//! country after them stays outside ("…, Lagos, Nigeria").

use crate::scan::address_label::is_country;
use crate::scan::{Scanner, char_at};

/// One locality at `s`: one to four capitalised words (letters, `-`, `'`), the last perhaps
/// a district's number of one or two digits ("Dublin 9", "Phase 1"). Returns its end and
/// whether it ends with such a number.
fn locality_at(t: &[u8], s: usize) -> Option<(usize, bool)> {
    let mut k = s;
    let mut words = 0;
    loop {
        let ws = k;
        if t.get(k).is_some_and(u8::is_ascii_digit) {
            while k < t.len() && t[k].is_ascii_digit() {
                k += 1;
            }
            let number = k - ws <= 2 && words > 0;
            return (number && !t.get(k).is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80))
                .then_some((k, true));
        }
        let upper = char_at(t, k).is_some_and(|(c, _)| c.is_uppercase());
        if !upper {
            return None;
        }
        while k < t.len() && (t[k].is_ascii_alphabetic() || t[k] >= 0x80 || matches!(t[k], b'-' | b'\'')) {
            k += 1;
        }
        words += 1;
        let next_word = t.get(k) == Some(&b' ')
            && t.get(k + 1).is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b >= 0x80);
        if words == 4 || !next_word {
            // A word that runs on into digits or punctuation is no town ("RG1", "Tel:").
            return (!t.get(k).is_some_and(|b| b.is_ascii_digit() || matches!(b, b':' | b'@' | b'/')))
                .then_some((k, false));
        }
        k += 1;
    }
}

impl Scanner<'_> {
    /// After a street line ending at `we`: the end of the localities that follow it, or `we`.
    pub(in crate::scan) fn locality_after(&self, we: usize) -> usize {
        let t = self.t;
        let mut end = we;
        let mut runs = 0;
        while runs < 3 && t.get(end..end + 2) == Some(b", ") {
            let Some((e, district)) = locality_at(t, end + 2) else { break };
            let seg = std::str::from_utf8(&t[end + 2..e]).unwrap_or("");
            if is_country(seg) {
                break;
            }
            // Prose goes on after it ("… Dublin 9 and the new place"): a town after one
            // comma alone may be a person spoken to, so it takes two or a district number.
            let prose = t.get(e) == Some(&b' ') && t.get(e + 1).is_some_and(u8::is_ascii_lowercase);
            if prose && runs == 0 && !district {
                break;
            }
            end = e;
            runs += 1;
            if prose {
                break;
            }
        }
        end
    }
}
