//! Dates of birth: numeric dates and dates with a month name, taken when a cue says so.

use super::confidence;
use super::{Groups, Scanner, right_ok};
use crate::Label;
use crate::lexicon;
use sekretess_ident as ident;

impl Scanner<'_> {
    /// Dates (of birth, when a cue says so). Returns whether the digits have the shape of a
    /// real date, which rules out reading them as a phone number.
    pub(super) fn dates(&mut self, i: usize, g: &Groups) -> bool {
        let t = self.t;
        let num = |k: usize| t[g.g[k].0..g.g[k].1].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
        let mut found: Option<(usize, u32, u32, u32)> = None;
        if g.n >= 3 && g.same_sep(3).is_some_and(|s| matches!(s, b'-' | b'/' | b'.')) {
            let all = g.len_array();
            let l = &all[..3];
            if l == [4, 2, 2] {
                found = Some((g.end(3), num(0), num(1), num(2)));
            } else if l[2] == 4 && l[0] <= 2 && l[1] <= 2 {
                let (a, b) = (num(0), num(1));
                // Day first (Europe) unless that is impossible and month first works (US).
                let (d, m) = if a > 12 || g.sep[0] == b'.' || b <= 12 { (a, b) } else { (b, a) };
                let (d, m) = if m > 12 && d <= 12 { (m, d) } else { (d, m) };
                found = Some((g.end(3), num(2), m, d));
            }
        } else if g.len(0) == 8 && g.n == 1 {
            let d = &t[g.g[0].0..g.g[0].1];
            let n = |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
            found = Some((g.end(1), n(0..4), n(4..6), n(6..8)));
        } else if g.len(0) <= 2 {
            // "12 March 1985", "12 mars 1985", "3rd of May 1990" (ordinal ignored)
            let mut j = g.g[0].1;
            if t.get(j) == Some(&b'.') {
                j += 1;
            }
            if t.get(j) == Some(&b' ') {
                let ws = j + 1;
                let mut we = ws;
                while we < t.len() && t[we].is_ascii_alphabetic() {
                    we += 1;
                }
                if let Some(m) = std::str::from_utf8(&t[ws..we]).ok().and_then(month_any_case) {
                    let mut k = we;
                    if t.get(k) == Some(&b',') {
                        k += 1;
                    }
                    if t.get(k) == Some(&b' ') {
                        let ys = k + 1;
                        let mut ye = ys;
                        while ye < t.len() && t[ye].is_ascii_digit() {
                            ye += 1;
                        }
                        if ye - ys == 4 {
                            let y = t[ys..ye].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
                            found = Some((ye, y, m, num(0)));
                        }
                    }
                }
            }
        }
        // OCR spacing around the separators ("02 - 03 - 1979") also reads as a phone's
        // groups: a birth date found so is not a phone number.
        let mut spaced = false;
        if found.is_none() && g.n >= 1 {
            found = ocr_spaced(t, g.g[0].0);
            spaced = found.is_some();
        }
        if let Some((end, y, m, d)) = found
            && (BIRTH_YEARS).contains(&y)
            && ident::valid_date(Some(y), y % 100, m, d)
        {
            let before = self.out.len();
            self.emit_dob(i, end, y, m, d);
            if spaced {
                return self.out.len() > before;
            }
            return g.n >= 3 && g.sep[0] != b' ';
        }
        false
    }

    /// A date right after a name on the same line ("Hawre Rashid 02/11/1979 asked …",
    /// "Name, 1985-04-02"): the person's date of birth.
    fn after_name(&self, start: usize) -> bool {
        let Some(p) = self.out.last() else { return false };
        if p.label != Label::Person || p.conf < 0.5 || p.end > start || start - p.end > 3 {
            return false;
        }
        if !matches!(&self.t[p.end..start], b" " | b", " | b" - " | b": " | b" (") {
            return false;
        }
        // Who did something and when ("dikterad av Given Surname 2026-02-20", "sent to Given
        // Surname 2026-04-12 10:02"): the date of the act, not a birth.
        let head = self.t[..p.start].trim_ascii_end();
        let ws = head.iter().rposition(|b| !b.is_ascii_alphabetic()).map_or(0, |q| q + 1);
        let agent = p.start > head.len()
            && matches!(&head[ws..], b"av" | b"by" | b"till" | b"to" | b"from" | b"med" | b"with");
        !agent && !time_after(self.t, start)
    }

    pub(super) fn emit_dob(&mut self, start: usize, end: usize, y: u32, m: u32, d: u32) {
        if !(BIRTH_YEARS).contains(&y) || !ident::valid_date(Some(y), y % 100, m, d) {
            return;
        }
        if !right_ok(self.t, end) {
            return;
        }
        if self.death_word_before(start) {
            return;
        }
        let column = self.key.is_none() && self.column_label(start) == Some(Label::DateOfBirth);
        // A label of its own right before the date ("DOB: 07/19/1983   Admitted: 01/03/2026")
        // says what the date is; a birth cue further away does not.
        if !column
            && self.key.is_none()
            && self.other_label_before(start)
            && !self.birth_cue_above(start)
            && !self.chat_birth_question_above(start)
        {
            return;
        }
        let cued = self.cue(start, end, Label::DateOfBirth)
            || column
            || self.after_name(start)
            || self.dob_abbreviation_before(start)
            || self.birth_cue_above(start)
            || self.chat_birth_question_above(start)
            || self.birth_column_above(start)
            || self.column_named_above(start, BIRTH_COLUMNS);
        if !cued {
            return;
        }
        self.push(start, end, Label::DateOfBirth, confidence::DATE_OF_BIRTH, "date_of_birth");
    }
}

/// Whether a time of day (`10:02`) follows the date that starts at `start`, after one space.
fn time_after(t: &[u8], start: usize) -> bool {
    let rest = &t[start..t.len().min(start + 24)];
    let Some(sp) = rest.iter().position(u8::is_ascii_whitespace).filter(|&p| rest[p] == b' ') else {
        return false;
    };
    let r = &rest[sp + 1..];
    r.len() >= 5
        && r[..2].iter().all(u8::is_ascii_digit)
        && r[2] == b':'
        && r[3..5].iter().all(u8::is_ascii_digit)
}

/// Words that name a column of birth dates in a table's header (a cell's place in its row
/// matched to the header's list).
const BIRTH_COLUMNS: &[&str] = &["födelse", "född", "birth", "dob", "born", "fødsel", "fødd"];

/// Words in a chat message that ask for or name a date of birth (a whole word each).
const CHAT_BIRTH_CUES: &[&str] = &[
    "date of birth",
    "birth date",
    "birthdate",
    "dob",
    "d.o.b",
    "födelsedatum",
    "födelsedatumet",
    "fødselsdato",
    "syntymäaika",
];

/// The years a date of birth is read in: a cue or a column is needed anyway, and family
/// histories and records of the dead name births of the nineteenth century.
const BIRTH_YEARS: std::ops::RangeInclusive<u32> = 1800..=2030;

/// A month name as written in any case ("may", "MAR", "AUG", "MARS").
fn month_any_case(w: &str) -> Option<u32> {
    if let Some(m) = lexicon::month(w) {
        return Some(m);
    }
    // An ASCII word (nearly every one: this runs after every small number and a word) is
    // folded on the stack, not in two new strings; no month name is longer than 16 bytes.
    if w.is_ascii() {
        let mut buf = [0u8; 16];
        let b = buf.get_mut(..w.len())?;
        b.copy_from_slice(w.as_bytes());
        b.make_ascii_lowercase();
        // A form equal to `w` was looked up above.
        let lower =
            if b == w.as_bytes() { None } else { std::str::from_utf8(b).ok().and_then(lexicon::month) };
        if let Some(f) = b.first_mut() {
            f.make_ascii_uppercase();
        }
        let title =
            if b == w.as_bytes() { None } else { std::str::from_utf8(b).ok().and_then(lexicon::month) };
        return title.or(lower);
    }
    let mut title = String::with_capacity(w.len());
    let mut cs = w.chars();
    title.extend(cs.next().map(|c| c.to_ascii_uppercase()));
    title.extend(cs.map(|c| c.to_ascii_lowercase()));
    lexicon::month(&title).or_else(|| lexicon::month(&w.to_lowercase()))
}

/// A date as OCR writes it, with spaces around its separators ("29 . 01 . 1983", "2026 - 10 -
/// 02", "12 / 09 / 1985"), starting at `i`: (end, year, month, day).
fn ocr_spaced(t: &[u8], i: usize) -> Option<(usize, u32, u32, u32)> {
    let mut parts = [(0usize, 0usize); 3];
    let mut j = i;
    let mut sep = 0u8;
    let mut spaced = false;
    for (k, part) in parts.iter_mut().enumerate() {
        let s = j;
        while j < t.len() && t[j].is_ascii_digit() && j - s < 4 {
            j += 1;
        }
        if j == s {
            return None;
        }
        *part = (s, j);
        if k == 2 {
            break;
        }
        let mut p = j;
        while p < t.len() && t[p] == b' ' && p - j < 2 {
            p += 1;
        }
        let c = *t.get(p)?;
        if !matches!(c, b'-' | b'/' | b'.') || (sep != 0 && c != sep) {
            return None;
        }
        sep = c;
        spaced |= p > j;
        let mut q = p + 1;
        while q < t.len() && t[q] == b' ' && q - (p + 1) < 2 {
            q += 1;
        }
        spaced |= q > p + 1;
        j = q;
    }
    if !spaced || t.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let num = |(s, e): (usize, usize)| t[s..e].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
    let lens = parts.map(|(s, e)| e - s);
    match lens {
        [4, 2, 2] => Some((j, num(parts[0]), num(parts[1]), num(parts[2]))),
        [a, b, 4] if a <= 2 && b <= 2 => {
            let (x, y) = (num(parts[0]), num(parts[1]));
            let (d, m) = if x > 12 || sep == b'.' || y <= 12 { (x, y) } else { (y, x) };
            Some((j, num(parts[2]), m, d))
        }
        _ => None,
    }
}

/// Words of a label that names a birth date ("Date of birth:", "Född:", "DOB:").
const BIRTH_LABEL_WORDS: &[&str] = &[
    "birth",
    "dob",
    "d.o.b",
    "född",
    "fodd",
    "födelse",
    "fodelse",
    "born",
    "bday",
    // Other languages' forms: Dutch, German, French, Spanish, Italian, Polish, Finnish,
    // Norwegian and Danish, Turkish.
    "geboorte",
    "geburt",
    "naissance",
    "né",
    "nacimiento",
    "nascita",
    "urodzenia",
    "syntymä",
    "fødsel",
    "født",
    "doğum",
];

impl Scanner<'_> {
    /// Whether the date at `start` follows a label's colon on its line ("Admitted: ",
    /// "Datum: ") whose words name no birth date.
    fn other_label_before(&self, start: usize) -> bool {
        let t = self.t;
        let mut k = start;
        while k > 0 && matches!(t[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        if k == 0 || t[k - 1] != b':' {
            return false;
        }
        let lo = start.saturating_sub(40);
        let ls = memchr::memrchr(b'\n', &t[lo..start]).map_or(lo, |p| lo + p + 1);
        let before = String::from_utf8_lossy(&t[ls..start]).to_lowercase();
        let Some(head) = before.trim_end_matches([' ', '\t']).strip_suffix(':') else { return false };
        // The label: back to a column gap, a bar, another colon or the line's start.
        let label = head.rsplit(['|', ':', '\t']).next().unwrap_or(head);
        let label = label.rsplit("  ").next().unwrap_or(label).trim();
        !label.is_empty()
            && label.chars().any(char::is_alphabetic)
            && !BIRTH_LABEL_WORDS.iter().any(|w| label.contains(w))
    }

    /// "died 2 April 2025", "död 2025-04-02", "avled": a date of death.
    fn death_word_before(&self, start: usize) -> bool {
        let t = self.t;
        let lo = start.saturating_sub(12);
        let before = String::from_utf8_lossy(&t[lo..start]).to_lowercase();
        let w = before.trim_end_matches([' ', ':', ',']);
        ["died", "död", "avled", "avliden", "deceased", "death", "dödsdatum", "d."]
            .iter()
            .any(|d| w.ends_with(d) && !w[..w.len() - d.len()].ends_with(|c: char| c.is_alphanumeric()))
    }

    /// "D.o.B. 07/09/1990", "d.o.b.: …": the abbreviation with its full stops.
    fn dob_abbreviation_before(&self, start: usize) -> bool {
        let t = self.t;
        let lo = start.saturating_sub(12);
        let before = String::from_utf8_lossy(&t[lo..start]).to_lowercase();
        let tail = before.trim_end_matches([' ', ':', '\t', '_']);
        // The abbreviations of born as a word of their own: Swedish "f." (född), English "b."
        // ("Hanna Nilsdotter (f. 1864-05-30)", "John Smith, b. 3/9/1891").
        let word = |w: &str| {
            tail.strip_suffix(w).is_some_and(|r| r.is_empty() || r.ends_with([' ', '(', '\n', ',', '\t']))
        };
        // The genealogical sign for born, an asterisk opening the line ("* 4 mars 1938").
        let star = tail.strip_suffix('*').is_some_and(|r| {
            let r = r.trim_end_matches([' ', '\t']);
            r.is_empty() || r.ends_with('\n')
        });
        tail.ends_with("d.o.b.") || before.trim_end().ends_with("d.o.b") || word("f.") || word("b.") || star
    }

    /// The date opens its line, and the line above ends by asking for or naming a birth
    /// date ("AGENT: and date of birth for security\nCALLER: 9 may 1970", "(date of
    /// birth\nOctober 2, 2009)"). The text before it on its line names no other date.
    fn birth_cue_above(&self, start: usize) -> bool {
        let t = self.t;
        let lo = start.saturating_sub(60);
        let Some(nl) = memchr::memrchr(b'\n', &t[lo..start]).map(|p| lo + p) else { return false };
        let head = String::from_utf8_lossy(&t[nl + 1..start]).to_lowercase();
        // A speaker's tag or a bracket at most ("CALLER: ", "(").
        if head.chars().count() > 12
            || head.bytes().any(|b| b.is_ascii_digit())
            || ["date", "datum", "dag", "day"].iter().any(|w| head.contains(w))
        {
            return false;
        }
        let plo = nl.saturating_sub(60);
        let above = String::from_utf8_lossy(&t[plo..nl]).to_lowercase();
        let above = above.rsplit('\n').next().unwrap_or("").trim_end();
        // The cue ends the line above (up to a few words: "for security").
        let tail_from = above.char_indices().rev().nth(27).map_or(0, |(k, _)| k);
        let tail = &above[tail_from..];
        ["date of birth", "birth date", "birthdate", "född", "födelse", "dob"]
            .iter()
            .any(|w| tail.contains(w))
    }

    /// The date opens a chat message (after the line's time stamp and speaker: `12/01/2026,
    /// 08:12 - Name: 3 May 1950`) and one of the two messages above asks for or names a date
    /// of birth ("can you confirm your date of birth?", "jag behöver era födelsedatum").
    fn chat_birth_question_above(&self, start: usize) -> bool {
        let t = self.t;
        let lo = start.saturating_sub(64);
        let Some(nl) = memchr::memrchr(b'\n', &t[lo..start]).map(|p| lo + p) else { return false };
        let head = &t[nl + 1..start];
        // A time, then the speaker's name and colon with no digit after it.
        let Some(tm) = head.windows(4).rposition(|w| {
            w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
        }) else {
            return false;
        };
        let speaker = &head[tm + 4..];
        if !speaker.trim_ascii_end().ends_with(b":")
            || speaker.iter().any(u8::is_ascii_digit)
            || speaker.iter().filter(|&&b| b == b':').count() > 2
        {
            return false;
        }
        // The two lines above.
        let mut k = nl;
        for _ in 0..2 {
            let plo = k.saturating_sub(240);
            let ps = memchr::memrchr(b'\n', &t[plo..k]).map_or(plo, |p| plo + p + 1);
            let line = String::from_utf8_lossy(&t[ps..k]).to_lowercase();
            if CHAT_BIRTH_CUES.iter().any(|c| {
                line.match_indices(c).any(|(p, _)| {
                    !line[..p].ends_with(char::is_alphanumeric)
                        && !line[p + c.len()..].starts_with(char::is_alphanumeric)
                })
            }) {
                return true;
            }
            if ps == 0 || ps <= plo {
                return false;
            }
            k = ps - 1;
        }
        false
    }

    /// A table written with spaces whose header line, above, has a birth column ("Född",
    /// "DOB", "Date of birth") starting where the date starts.
    fn birth_column_above(&self, start: usize) -> bool {
        self.header_column_above(
            start,
            &[
                "födelsedatum",
                "född",
                "födelse",
                "date of birth",
                "birth date",
                "birthdate",
                "dob",
                "born",
                "f.",
            ],
        )
    }

    /// A table written with spaces whose header line, above, has a column named by one of
    /// `words` (lower case) starting where the value at `start` starts.
    pub(super) fn header_column_above(&self, start: usize, words: &[&str]) -> bool {
        let t = self.t;
        let lo = start.saturating_sub(2000);
        let Some(ls) = memchr::memrchr(b'\n', &t[lo..start]).map(|p| lo + p + 1) else { return false };
        // A table row: the date stands after a gap of two spaces or more, or a cell's bar
        // ("| 03/11/1985 |").
        if start < ls + 2 || !matches!(&t[start - 2..start], b"  " | b"| ") {
            return false;
        }
        let col = crate::count_chars(&t[ls..start]);
        let mut end = ls - 1;
        for _ in 0..15 {
            let ps = memchr::memrchr(b'\n', &t[lo..end]).map_or(lo, |p| lo + p + 1);
            let line = String::from_utf8_lossy(&t[ps..end]).to_lowercase();
            if line.trim().is_empty() {
                return false;
            }
            // A header of columns: gaps of two spaces or more between them, or bars.
            if line.matches("  ").count() < 2 && line.matches('|').count() < 3 {
                end = match ps.checked_sub(1) {
                    Some(e) if ps > lo => e,
                    _ => return false,
                };
                continue;
            }
            for w in words {
                if let Some(p) = line.find(w) {
                    let c = line[..p].chars().count();
                    let word_start = p == 0 || !line[..p].ends_with(|ch: char| ch.is_alphanumeric());
                    // An abbreviation ("f.") is a cell of its own.
                    let whole = !w.ends_with('.')
                        || line[p + w.len()..].starts_with(' ')
                        || p + w.len() == line.len();
                    if word_start && whole && c.abs_diff(col) <= 3 {
                        return true;
                    }
                }
            }
            if ps == lo || ps == 0 {
                return false;
            }
            end = ps - 1;
        }
        false
    }
}
