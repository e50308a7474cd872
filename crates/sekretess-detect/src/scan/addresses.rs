//! Postal address parts that start with digits: Swedish postcodes, US ZIP codes and English
//! street addresses ("221 Baker Street").

use super::confidence;
use super::{Groups, Scanner, char_at, right_ok};
use crate::Label;
use crate::lexicon;

impl Scanner<'_> {
    pub(super) fn postal_digits(&mut self, i: usize, g: &Groups) {
        let t = self.t;
        // Swedish postcode "123 45" (first digit 1-9), usually followed by the town.
        if g.n >= 2 && g.len(0) == 3 && g.len(1) == 2 && g.sep[0] == b' ' && t[i] != b'0' {
            let end = g.end(2);
            if right_ok(t, end) {
                let town =
                    t.get(end) == Some(&b' ') && char_at(t, end + 1).is_some_and(|(c, _)| c.is_uppercase());
                let se_prefix = i >= 3 && t[i - 1] == b'-' && (t[i - 2] == b'E' || t[i - 2] == b'S');
                let base = if se_prefix {
                    confidence::SE_POSTCODE_PREFIXED
                } else if town {
                    confidence::SE_POSTCODE_TOWN
                } else {
                    confidence::SE_POSTCODE
                };
                self.push(i, end, Label::PostalAddress, base, "se_postcode");
                return;
            }
        }
        // US ZIP after a state code: "Springfield, IL 62704" or with a zip cue.
        if g.len(0) == 5 {
            let mut end = g.end(1);
            if g.n >= 2 && g.sep[0] == b'-' && g.len(1) == 4 {
                end = g.end(2);
            }
            if right_ok(t, end) {
                let state = i >= 4 && t[i - 1] == b' ' && lexicon::is_us_state(&t[i - 3..i - 1]);
                let base = if state { confidence::US_ZIP_STATE } else { confidence::US_ZIP };
                self.push(i, end, Label::PostalAddress, base, "us_zip");
                return;
            }
        }
        // English street: "221 Baker Street", "1600 Pennsylvania Avenue".
        if g.len(0) <= 5 {
            let mut j = g.g[0].1;
            if t.get(j).is_some_and(u8::is_ascii_uppercase)
                && !t.get(j + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                j += 1; // "221B"
            }
            let mut words = 0;
            while words < 4 && t.get(j) == Some(&b' ') && t.get(j + 1).is_some_and(u8::is_ascii_uppercase) {
                let ws = j + 1;
                let mut we = ws;
                while we < t.len() && t[we].is_ascii_alphabetic() {
                    we += 1;
                }
                let w = std::str::from_utf8(&t[ws..we]).unwrap_or("");
                words += 1;
                if words >= 2 && lexicon::is_en_street(w) {
                    self.push(i, we, Label::PostalAddress, confidence::STREET, "en_street");
                    return;
                }
                j = we;
            }
        }
    }
}
