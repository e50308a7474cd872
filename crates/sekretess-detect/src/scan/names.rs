//! Capitalised words: people's names (lexicon and cues), Swedish street addresses and dates
//! written with the month first ("March 12, 1985").

use super::address_line::{Post, Whole};
use super::confidence;
use super::{Cand, Scanner, char_at, is_letter_before, right_ok};
use crate::Label;
use crate::lexicon;

impl<'a> Scanner<'a> {
    /// A word at `i`: letters, with inner `-` or `'` followed by a letter.
    pub(super) fn word_end(&self, i: usize) -> usize {
        super::word_end(self.t, i)
    }

    fn word_str(&self, s: usize, e: usize) -> &'a str {
        self.text_of(s, e).unwrap_or("")
    }

    pub(super) fn at_word(&mut self, i: usize) -> usize {
        let t = self.t;
        if is_letter_before(t, i) {
            // Inside a word: skip to its end.
            let e = self.word_end(i);
            return e.max(i + 1);
        }
        let Some((c, _)) = char_at(t, i) else { return i + 1 };
        if !c.is_uppercase() {
            return self.word_end(i).max(i + 1);
        }
        if t.get(i..i + 3).is_some_and(|w| w.starts_with(b"SE") && w[2].is_ascii_digit())
            && let Some(e) = self.vat_personnummer(i + 2)
        {
            return e;
        }
        if let Some(pe) = self.uk_postcode(i) {
            if let Whole::Merged(e) | Whole::Company(e) = self.whole_address(i, pe, Post::Uk) {
                return e;
            }
            let town =
                i >= 2 && (&t[i - 2..i] == b", " || (t[i - 1] == b' ' && t[i - 2].is_ascii_lowercase()));
            // A cell of its own in a postcode column, or right after a street's cell, is the
            // row's postcode.
            // A table's row: the street cell before the postcode's (past a town cell) is
            // the row's street.
            let row = self.row_street_before(i).filter(|&(ss, _)| !self.company_before(ss));
            if let Some((ss, se)) = row {
                match self.out.iter().position(|c| c.label == Label::PostalAddress && c.start == ss) {
                    Some(k) => {
                        self.out[k].end = self.out[k].end.max(se);
                        self.out[k].conf = self.out[k].conf.max(confidence::STREET);
                    }
                    None => self.push(ss, se, Label::PostalAddress, confidence::STREET, "en_street"),
                }
            }
            let base = if town || row.is_some() || self.postcode_cell(i, pe) {
                confidence::UK_POSTCODE_TOWN
            } else {
                confidence::UK_POSTCODE
            };
            if !self.company_before(i) {
                self.push(i, pe, Label::PostalAddress, base, "uk_postcode");
            }
            return pe;
        }
        // A Canadian postal code after its province ("Toronto ON M5V 0E9"): the end of a
        // whole address with its street line, like a US ZIP after its state.
        if let Some(n) = self.ca_postcode_at(i)
            && let Whole::Merged(e) | Whole::Company(e) = self.whole_address(i, i + n, Post::Us)
        {
            return e;
        }
        if let Some(pe) = self.eircode(i) {
            if let Whole::Merged(e) | Whole::Company(e) = self.whole_address(i, pe, Post::Uk) {
                return e;
            }
            if self.postcode_cell(i, pe) && !self.company_before(i) {
                self.push(i, pe, Label::PostalAddress, confidence::UK_POSTCODE_TOWN, "uk_postcode");
                return pe;
            }
        }
        let e = self.word_end(i);
        let w = self.word_str(i, e);
        // Swedish street and number: "Storgatan 12", "Kungsvägen 5B".
        if lexicon::is_se_street(w)
            && !self.company_before(i)
            && t.get(e) == Some(&b' ')
            && t.get(e + 1).is_some_and(u8::is_ascii_digit)
        {
            let mut j = e + 1;
            while j < t.len() && t[j].is_ascii_digit() && j - e <= 4 {
                j += 1;
            }
            if t.get(j).is_some_and(u8::is_ascii_alphabetic)
                && !t.get(j + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                j += 1;
            }
            if right_ok(t, j) {
                let (s, j) = self.se_street_span(i, j);
                let j = self.locality_after(j);
                self.push(s, j, Label::PostalAddress, confidence::STREET, "se_street");
                return j;
            }
        }
        // A Swedish street named in the genitive with its type as a word of its own ("Olof
        // Palmes gata 7", "Gustav Adolfs väg 3").
        if let Some(se) = self.genitive_street(i, e, w) {
            return se;
        }
        // "March 12, 1985"
        if let Some(m) = lexicon::month(w)
            && t.get(e) == Some(&b' ')
        {
            let ds = e + 1;
            let mut de = ds;
            while de < t.len() && t[de].is_ascii_digit() && de - ds < 2 {
                de += 1;
            }
            if de > ds {
                let mut k = de;
                if t.get(k) == Some(&b',') {
                    k += 1;
                }
                if t.get(k) == Some(&b' ')
                    && t.get(k + 1..k + 5).is_some_and(|y| y.iter().all(u8::is_ascii_digit))
                {
                    let d = t[ds..de].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
                    let y = t[k + 1..k + 5].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
                    self.emit_dob(i, k + 5, y, m, d);
                    return k + 5;
                }
            }
        }
        self.person(i, e)
    }

    /// The word before `i` (skipping spaces and `,.:;!` and line breaks), if any.
    fn prev_word(&self, i: usize) -> (&'a str, bool) {
        let t = self.t;
        let mut j = i;
        let mut sentence_start = i == 0;
        while j > 0
            && matches!(
                t[j - 1],
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'.' | b':' | b';' | b'!' | b'?' | b'"' | b'('
            )
        {
            if matches!(t[j - 1], b'.' | b'!' | b'?' | b'\n') {
                sentence_start = true;
            }
            j -= 1;
            if i - j > 6 {
                break;
            }
        }
        if j == 0 {
            sentence_start = true;
        }
        let e = j;
        while j > 0 && (t[j - 1].is_ascii_alphabetic() || t[j - 1] >= 0x80 || t[j - 1] == b'/') && e - j < 20
        {
            j -= 1;
        }
        (self.word_str(j, e), sentence_start)
    }

    /// Whether the line up to `i` is a name label and a colon: "From: ", "Patient Name: \"",
    /// "Er referens: ", "Ny styrelseledamot: ".
    fn name_label_before(&self, i: usize) -> bool {
        let t = self.t;
        // Cheap test first: a colon (and perhaps spaces and a quote) just before.
        let mut k = i;
        while k > 0 && i - k < 4 && matches!(t[k - 1], b' ' | b'\t' | b'"' | b'\'') {
            k -= 1;
        }
        if k == 0 || t[k - 1] != b':' {
            return false;
        }
        let lo = i.saturating_sub(48);
        let ls = match memchr::memrchr(b'\n', &t[lo..i]) {
            Some(p) => lo + p + 1,
            None if lo == 0 => 0,
            None => return false,
        };
        let Ok(line) = std::str::from_utf8(&t[ls..i]) else { return false };
        let Some(label) = line.trim_end_matches([' ', '\t', '"', '\'']).strip_suffix(':') else {
            return false;
        };
        let label = label.trim_start_matches(['>', ' ', '\t', '*', '-', '\u{2022}']).to_lowercase();
        !label.is_empty() && lexicon::is_name_label(&label)
    }

    /// Whether the line starting at `i` holds only one to four capitalised words (a signature
    /// under "Kind regards,", a name under "Hej,").
    fn alone_on_line(&self, i: usize) -> bool {
        let t = self.t;
        if i > 0 && t[i - 1] != b'\n' {
            return false;
        }
        let mut j = i;
        for _ in 0..4 {
            if !char_at(t, j).is_some_and(|(c, _)| c.is_uppercase()) {
                return false;
            }
            j = self.word_end(j);
            match t.get(j) {
                None | Some(b'\n' | b'\r') => return true,
                Some(b' ') => j += 1,
                _ => return false,
            }
        }
        false
    }

    /// What the words after `end` make the name part of: `Some(true)` a place ("Karl Johans
    /// torg"), `Some(false)` a company ("Nowak Bygg AB", "Berg & Söner"), `None` neither.
    fn place_or_company_after(&self, end: usize) -> Option<bool> {
        let t = self.t;
        let token = |s: usize| {
            let mut e = s;
            while e < t.len() && !matches!(t[e], b' ' | b'\t' | b'\r' | b'\n' | b',' | b';' | b':' | b')') {
                e += 1;
            }
            (self.text_of(s, e).unwrap_or(""), e)
        };
        if t.get(end) != Some(&b' ') {
            return None;
        }
        let (w1, e1) = token(end + 1);
        if lexicon::is_place_word(w1) {
            return Some(true);
        }
        if lexicon::is_company_word(w1) {
            return Some(false);
        }
        (w1.chars().next().is_some_and(char::is_uppercase)
            && t.get(e1) == Some(&b' ')
            && lexicon::is_company_form(token(e1 + 1).0))
        .then_some(false)
    }

    /// "ANNA SVENSSON", "YOUSEF WEISS": a full name in capitals (forms, headers, shouted
    /// notes) is a person when its first word is a known given name and a second word in
    /// capitals follows on the line. Other words in capitals (acronyms, headings) are left.
    fn caps_person(&mut self, i: usize, e1: usize) -> usize {
        let t = self.t;
        let title = |w: &str| {
            let mut cs = w.chars();
            cs.next().map(|f| f.to_string() + &cs.as_str().to_lowercase()).unwrap_or_default()
        };
        let caps = |w: &str| w.chars().count() >= 2 && w.chars().all(char::is_uppercase);
        if !lexicon::is_given(&title(self.word_str(i, e1))) || t.get(e1) != Some(&b' ') {
            return e1;
        }
        let e2 = self.word_end(e1 + 1);
        let w2 = self.word_str(e1 + 1, e2);
        if !caps(w2) || lexicon::is_stop_word(&title(w2)) || lexicon::is_company_form(w2) {
            return e1;
        }
        let s2 = title(w2);
        let conf = if lexicon::is_surname(&s2) || lexicon::surname_shape(&s2) {
            confidence::PERSON_GIVEN_AND_KNOWN
        } else {
            confidence::PERSON_GIVEN_AND_UNKNOWN
        };
        if conf >= self.floor {
            self.out.push(Cand { start: i, end: e2, label: Label::Person, conf, rec: "person_lexicon" });
        }
        e2
    }

    fn person(&mut self, i: usize, e1: usize) -> usize {
        let t = self.t;
        let w1 = self.word_str(i, e1);
        if w1.chars().count() >= 2 && w1.chars().all(char::is_uppercase) {
            return self.caps_person(i, e1);
        }
        let w1 = w1.strip_suffix("'s").unwrap_or(w1);
        if w1.len() < 2
            || lexicon::is_stop_word(w1)
            || lexicon::is_field_word(w1)
            || lexicon::is_person_cue(w1)
            || w1.bytes().all(|b| b.is_ascii_uppercase())
        {
            return e1;
        }
        let g1 = lexicon::is_given(w1);
        let s1 = lexicon::is_surname(w1);
        // "Kunden Anna Svensson": an unknown capitalised word before a given name is not part
        // of the name.
        if !g1 && !s1 && t.get(e1) == Some(&b' ') {
            let ne = self.word_end(e1 + 1);
            if ne > e1 + 1 && lexicon::is_given(self.word_str(e1 + 1, ne)) {
                return e1;
            }
        }
        let (prev, sentence_start) = self.prev_word(i);
        // Structure: a name label on the line ("From:", "Tenant:") or a name column of a CSV
        // export read as text.
        let cue = lexicon::is_strong_person_cue(prev);
        let structural = self.name_label_before(i)
            || (cue && self.alone_on_line(i))
            || (self.key.is_none() && self.column_label(i) == Some(Label::Person));
        let mut strong = structural || cue;
        let role_only =
            !structural && lexicon::is_role_noun(prev) && !g1 && !s1 && !lexicon::surname_shape(w1);
        let max_words = if structural { 4 } else { 3 };
        // Following capitalised words on the same line.
        let mut ends = [e1; 4];
        let mut kinds = [(g1, s1, false); 4];
        let mut n = 1;
        let mut j = e1;
        while n < max_words && t.get(j) == Some(&b' ') {
            let Some((c, _)) = char_at(t, j + 1) else { break };
            if !c.is_uppercase() {
                break;
            }
            let we = self.word_end(j + 1);
            let w = self.word_str(j + 1, we);
            let w = w.strip_suffix("'s").unwrap_or(w);
            if w.len() < 2
                || lexicon::is_stop_word(w)
                || lexicon::is_field_word(w)
                || lexicon::is_en_street(w)
                || lexicon::is_se_street(w)
            {
                break;
            }
            if w.bytes().all(|b| b.is_ascii_uppercase()) {
                break;
            }
            let g = lexicon::is_given(w);
            let s = lexicon::is_surname(w) || lexicon::surname_shape(w);
            // An unknown word is only taken right after a known given name or a title.
            if !g && !s && !structural && !(n == 1 && (g1 || strong)) {
                break;
            }
            kinds[n] = (g, s, !g && !s);
            ends[n] = if w.len() + j + 1 < we { j + 1 + w.len() } else { we };
            n += 1;
            j = we;
            if t.get(j).is_some_and(|&b| b == b'\'') {
                break;
            }
        }
        // A role noun before one unknown capitalised word ("Handläggare Ekonomi") is a weak cue
        // only; before two words ("kunden Folke Tegnér") it stays strong.
        let role_only = role_only && n == 1;
        if role_only {
            strong = false;
        }
        let mut end = ends[n - 1];
        // Places are not people; a company named after a surname alone ("Nowak Bygg AB") is
        // not one either, but a full name in a company name ("Anna Svensson Konsult AB") is.
        match self.place_or_company_after(end) {
            Some(true) if !structural => return end,
            Some(false) if !(structural || (g1 && n >= 2)) => return end,
            _ => {}
        }
        // "Surname, Given" as a labelled value: the rest of the line is the name.
        if structural
            && t.get(end..end + 2) == Some(b", ")
            && char_at(t, end + 2).is_some_and(|(c, _)| c.is_uppercase())
        {
            let mut k = self.word_end(end + 2);
            while t.get(k) == Some(&b' ') && char_at(t, k + 1).is_some_and(|(c, _)| c.is_uppercase()) {
                k = self.word_end(k + 1);
            }
            if t.get(k).is_none_or(|&b| matches!(b, b'\n' | b'\r' | b'"' | b'<' | b'(' | b';')) {
                end = k;
            }
        }
        let weak = !strong && (role_only || lexicon::is_person_cue(prev));
        let last = kinds[n - 1];
        let base: f32 = if n >= 2 {
            match (g1, last) {
                (true, (_, true, _)) | (true, (true, _, _)) => confidence::PERSON_GIVEN_AND_KNOWN,
                (true, _) => confidence::PERSON_GIVEN_AND_UNKNOWN,
                (false, (_, true, _)) if s1 || kinds[0].1 => confidence::PERSON_SURNAMES,
                (false, (_, true, _)) => confidence::PERSON_UNKNOWN_AND_SURNAME,
                _ => confidence::PERSON_UNKNOWN_WORDS,
            }
        } else if g1 {
            if sentence_start { confidence::PERSON_GIVEN_SENTENCE_START } else { confidence::PERSON_GIVEN }
        } else if s1 || lexicon::surname_shape(w1) {
            confidence::PERSON_SURNAME
        } else {
            confidence::PERSON_UNKNOWN_WORD
        };
        // A labelled value of capitalised words is a name whatever the lexicons say.
        let mut base = if structural { base.max(confidence::PERSON_GIVEN_AND_UNKNOWN) } else { base };
        if strong {
            base += confidence::PERSON_STRONG_CUE;
        } else if weak {
            base += confidence::PERSON_WEAK_CUE;
        }
        if self.key == Some(Label::Person) {
            base += confidence::PERSON_FIELD_NAME;
        }
        let conf = base.clamp(0.0, 1.0);
        let end = if w1.len() < e1 - i && n == 1 && end == e1 { i + w1.len() } else { end };
        if conf >= self.floor {
            self.out.push(Cand { start: i, end, label: Label::Person, conf, rec: "person_lexicon" });
        }
        end.max(e1)
    }
}
