//! Postal address parts that start with digits: Swedish postcodes, US ZIP codes, English
//! street addresses ("221 Baker Street"), European postcodes after a street and number
//! ("Storgata 5, 0155 Oslo", "Damrak 1, 1012 LP Amsterdam", "ul. Świdnicka 8, 50-066
//! Wrocław", "Calle Mayor 3, 28013 Madrid") and UK postcodes ("London E1 6AN").
//!
//! A postcode on a line that names a company form before it ("Fraktbolaget Nord AB, 413 01
//! Göteborg") is the company's own address (a letterhead), not a person's, and is left.

use super::address_line::{Post, Whole, is_house_word};
use super::confidence;
use super::{Groups, Scanner, char_at, right_ok};
use crate::Label;
use crate::lexicon;

/// Header words of a postcode column.
const POSTCODE_COLUMNS: &[&str] = &["postnr", "postnummer", "postkod", "postcode", "zip"];

impl Scanner<'_> {
    /// Whether a company form ("AB", "Ltd", "GmbH" …) stands before `i` on the same line.
    pub(super) fn company_before(&self, i: usize) -> bool {
        let t = self.t;
        let lo = i.saturating_sub(120);
        let ls = memchr::memrchr(b'\n', &t[lo..i]).map_or(lo, |p| lo + p + 1);
        // A quote or a comma may close the name ("namn=\"Bageri AB\" orgnr=…").
        std::str::from_utf8(&t[ls..i]).is_ok_and(|line| {
            line.split([' ', '\t']).any(|w| lexicon::is_company_form(w.trim_end_matches(['"', ',', ';'])))
        })
    }

    /// A street and house number ending at `e` ("Storgata 5", "Calle Mayor 3", "ul. Świdnicka
    /// 8", "Vesterbrogade 10B"): its start.
    fn street_before(&self, e: usize) -> Option<usize> {
        let t = self.t;
        let mut j = e;
        if j > 0 && t[j - 1].is_ascii_alphabetic() {
            j -= 1; // "10B"
        }
        let ne = j;
        while j > 0 && t[j - 1].is_ascii_digit() && ne - j < 4 {
            j -= 1;
        }
        if j == ne || t[j] == b'0' || j == 0 || t[j - 1] != b' ' {
            return None;
        }
        let mut start = None;
        let mut k = j - 1;
        for _ in 0..4 {
            let we = k;
            while k > 0 && (t[k - 1].is_ascii_alphabetic() || t[k - 1] >= 0x80 || t[k - 1] == b'.') {
                k -= 1;
            }
            let w = std::str::from_utf8(&t[k..we]).ok()?;
            let cap = w.chars().next().is_some_and(char::is_uppercase);
            let particle = matches!(w, "ul." | "al." | "de" | "del" | "la" | "van" | "der")
                || (!cap && lexicon::is_place_word(w));
            if w.is_empty() || !(cap || particle) {
                break;
            }
            if lexicon::is_stop_word(w) || lexicon::is_company_form(w) {
                break;
            }
            if cap || w.ends_with('.') {
                start = Some(k);
            }
            if k == 0 || t[k - 1] != b' ' {
                break;
            }
            k -= 1;
        }
        start
    }

    /// Whether `s` starts a field: the line, a quoted value, a cell after a tab or a column
    /// gap, or a value after a label's colon.
    fn opens_field(&self, s: usize) -> bool {
        let t = self.t;
        let mut k = s;
        while k > 0 && t[k - 1] == b' ' && s - k < 3 {
            k -= 1;
        }
        // Three spaces or more: a column gap.
        if s - k >= 3 {
            return true;
        }
        match k.checked_sub(1).map(|p| t[p]) {
            None | Some(b'\n' | b'\t' | b'"') => true,
            // A label glued to its value by its colon ("City/State/Zip:TOWN ST 12345").
            Some(b':') => k < s || (k >= 2 && t[k - 2].is_ascii_alphabetic()),
            _ => false,
        }
    }

    /// Whether a form's ZIP field holds the number at `i` ("ZIP:_45503_", "Zip _52240_",
    /// "Zip code: 45503"): the label's last word is `zip` (or `zip code`), then a colon,
    /// spaces or a fill-in line. Not `billing_zip=` of a log line (a card check's).
    fn zip_label_before(&self, i: usize) -> bool {
        let t = self.t;
        let mut k = i;
        while k > 0 && matches!(t[k - 1], b'_' | b' ' | b':') && i - k < 8 {
            k -= 1;
        }
        let head = &t[i.saturating_sub(24)..k];
        let head = head.strip_suffix(b" code").or_else(|| head.strip_suffix(b" Code")).unwrap_or(head);
        let n = head.len();
        k < i
            && n >= 3
            && head[n - 3..].eq_ignore_ascii_case(b"zip")
            && (n == 3 || !head[n - 4].is_ascii_alphanumeric() && head[n - 4] != b'_')
    }

    /// Whether `[i, end)` fills a cell of its own (between tabs, `;` or `|`) right after a
    /// cell that holds a street ("Backvägen 3\t840 93\t350"): a postcode column.
    fn cell_after_street(&self, i: usize, end: usize) -> bool {
        let t = self.t;
        let cell_sep = |b: u8| matches!(b, b'\t' | b';' | b'|');
        let mut k = i;
        while k > 0 && t[k - 1] == b' ' {
            k -= 1;
        }
        let mut e = end;
        while t.get(e) == Some(&b' ') {
            e += 1;
        }
        if k == 0 || !cell_sep(t[k - 1]) || !t.get(e).is_none_or(|&b| cell_sep(b) || b == b'\n' || b == b'\r')
        {
            return false;
        }
        let mut se = k - 1;
        while se > 0 && t[se - 1] == b' ' {
            se -= 1;
        }
        self.out.iter().rev().take(4).any(|c| {
            c.label == Label::PostalAddress
                && matches!(c.rec, "se_street" | "eu_street" | "en_street")
                && c.end == se
        })
    }

    /// Whether `[i, end)` is a postcode in a table's cell: under a column a header names as
    /// the postcode's, or right after a street's cell.
    pub(super) fn postcode_cell(&self, i: usize, end: usize) -> bool {
        self.cell_after_street(i, end) || self.column_named_above(i, POSTCODE_COLUMNS)
    }

    /// Whether an address part (a street) was found before `i` on its line, within 160
    /// bytes.
    fn street_on_line_before(&self, i: usize) -> bool {
        let t = self.t;
        let lo = i.saturating_sub(160);
        let ls = memchr::memrchr(b'\n', &t[lo..i]).map_or(lo, |p| lo + p + 1);
        self.out.iter().rev().take(12).any(|c| c.label == Label::PostalAddress && c.start >= ls && c.end <= i)
    }

    /// A capitalised town name at `i`.
    fn town_at(&self, i: usize) -> bool {
        char_at(self.t, i).is_some_and(|(c, _)| c.is_uppercase())
    }

    /// Whether one to three capitalised words at `i` (a town, "København V") end the address:
    /// the line, a comma, a full stop or a bracket follows, and none of them is a street word
    /// ("4599 Oak Avenue" is a house number).
    fn town_then_end(&self, i: usize) -> bool {
        let t = self.t;
        let mut j = i;
        for _ in 0..3 {
            if !self.town_at(j) {
                return false;
            }
            let e = self.word_end(j);
            let w = std::str::from_utf8(&t[j..e]).unwrap_or("");
            if lexicon::is_en_street(w) || lexicon::is_se_street(w) {
                return false;
            }
            match t.get(e) {
                None | Some(b'\n' | b'\r' | b',' | b'.' | b';' | b')' | b'"') => return true,
                Some(b' ') => j = e + 1,
                _ => return false,
            }
        }
        false
    }

    /// European postcodes after "street number, ": 4 digits (Norway, Denmark, and the
    /// Netherlands with two letters), `NN-NNN` (Poland), 5 digits (Spain, Finland, Germany,
    /// France, Italy), each followed by the town. Returns whether it took the digits.
    fn euro_postcode(&mut self, i: usize, g: &Groups) -> bool {
        let t = self.t;
        let end = if g.len(0) == 4 && (g.n == 1 || g.sep[0] != b'-') {
            let e = g.g[0].1;
            let nl = t.get(e) == Some(&b' ')
                && t.get(e + 1..e + 3).is_some_and(|l| l.iter().all(u8::is_ascii_uppercase))
                && !t.get(e + 3).is_some_and(u8::is_ascii_alphanumeric);
            if nl { e + 3 } else { e }
        } else if g.n >= 2 && (g.len(0) == 2 || g.len(0) == 4) && g.sep[0] == b'-' && g.len(1) == 3 {
            // Polish "90-004", Portuguese "4050-110".
            g.end(2)
        } else if g.len(0) == 5 && g.n == 1 {
            g.end(1)
        } else {
            return false;
        };
        if !right_ok(t, end) {
            return false;
        }
        if !matches!(self.whole_address(i, end, Post::Eu), Whole::No) {
            return true;
        }
        let town = t.get(end) == Some(&b' ') && self.town_at(end + 1) && self.town_then_end(end + 1);
        if !town {
            return false;
        }
        let street = if i >= 2 && &t[i - 2..i] == b", " { self.street_before(i - 2) } else { None };
        match street {
            Some(s) => {
                if self.company_before(s) {
                    return true;
                }
                self.push(s, i - 2, Label::PostalAddress, confidence::STREET, "eu_street");
                self.push(i, end, Label::PostalAddress, confidence::EU_POSTCODE_STREET, "eu_postcode");
                true
            }
            None if self.cue(i, end, Label::PostalAddress) && !self.company_before(i) => {
                // A field of postcode and town ("Postcode/City 00100 Helsinki") is one span
                // with its town.
                let end = match self.town_after(end) {
                    Some(e) if self.postcode_and_town_label(i) => e,
                    _ => end,
                };
                self.push(i, end, Label::PostalAddress, confidence::EU_POSTCODE_CUE, "eu_postcode");
                true
            }
            None => false,
        }
    }

    /// A Japanese address written in Latin letters, ending with the town and its `NNN-NNNN`
    /// postcode at `[ps, pe)`: the block number first ("2-14-8 Kichijoji Honcho,
    /// Musashino-shi, Tokyo 180-0004"), wards and cities by their suffixes between. Pushes
    /// it whole and returns whether it did.
    fn japanese_address(&mut self, ps: usize, pe: usize) -> bool {
        let t = self.t;
        if !right_ok(t, pe) || ps < 2 || t[ps - 1] != b' ' {
            return false;
        }
        // The town before the postcode.
        let mut k = ps - 1;
        while k > 0 && (t[k - 1].is_ascii_alphabetic() || t[k - 1] >= 0x80) {
            k -= 1;
        }
        if k == ps - 1 || !t[k].is_ascii_uppercase() {
            return false;
        }
        // Comma-separated parts before it, right to left, until the block number.
        let mut cur = k;
        let mut suffixed = false;
        for _ in 0..4 {
            if cur < 2 || &t[cur - 2..cur] != b", " {
                return false;
            }
            let se = cur - 2;
            let lo = se.saturating_sub(60);
            let ss = t[lo..se]
                .iter()
                .rposition(|&b| matches!(b, b',' | b'\n' | b'"' | b':' | b'('))
                .map_or(lo, |p| lo + p + 1);
            let Ok(seg) = std::str::from_utf8(&t[ss..se]) else { return false };
            let seg_t = seg.trim_start();
            let s0 = se - seg_t.len();
            let first = seg_t.split(' ').next().unwrap_or("");
            // "2-14-8", "3-12-7": chome, block, house.
            let block = first.split('-').count() >= 2
                && first
                    .split('-')
                    .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()));
            if block {
                if !suffixed && !seg_t.contains(' ') {
                    return false;
                }
                if self.not_a_home(s0) {
                    return false;
                }
                self.out.retain(|c| !(c.label == Label::PostalAddress && c.start >= s0 && c.end <= pe));
                self.out.push(super::Cand {
                    start: s0,
                    end: pe,
                    label: Label::PostalAddress,
                    conf: confidence::JP_ADDRESS,
                    rec: "address",
                });
                return true;
            }
            let words_ok = seg_t.split(' ').all(|w| {
                w.chars().next().is_some_and(char::is_uppercase) && !w.bytes().any(|b| b.is_ascii_digit())
            });
            if !words_ok || seg_t.is_empty() {
                return false;
            }
            suffixed |= ["-ku", "-shi", "-cho", "-machi", "-gun", "-mura"].iter().any(|x| seg_t.ends_with(x));
            cur = s0;
        }
        false
    }

    /// A numeric postcode of 4 to 6 digits after the town, ending the address ("Cape Town
    /// 7700", "Lagos 101241", "Shanghai 200041"): taken only as part of a whole address with
    /// its street line. Returns whether it took the digits.
    fn intl_postcode(&mut self, i: usize, g: &Groups) -> bool {
        let t = self.t;
        let len = g.len(0);
        if g.n != 1 && g.sep[0] != b'.' || !(4..=6).contains(&len) || t[i] == b'0' {
            return false;
        }
        let end = g.g[0].1;
        let after_town = i >= 2 && t[i - 1] == b' ' && (t[i - 2].is_ascii_alphabetic() || t[i - 2] >= 0x80);
        // A form's box border or a table's bar after spaces ends it too ("[ … NSW 2095 ]").
        let mut pad = end;
        while t.get(pad) == Some(&b' ') && pad - end < 3 {
            pad += 1;
        }
        let boxed = pad > end && matches!(t.get(pad), Some(b']' | b'|'));
        let ends = (boxed
            || t.get(end).is_none_or(|b| matches!(b, b'\n' | b'\r' | b',' | b'.' | b';' | b')' | b'"')))
            && !(t.get(end) == Some(&b'.') && t.get(end + 1).is_some_and(u8::is_ascii_digit));
        if !after_town || !ends {
            return false;
        }
        !matches!(self.whole_address(i, end, Post::Intl), Whole::No)
    }

    /// An Irish Eircode at `i` ("D01 E2X4", "H91 W2K6", "T23 YK28"): a routing key (a letter,
    /// a digit, a digit or `W`), a space and four letters and digits. Its end. Taken only as
    /// the end of a whole address with its street line.
    pub(super) fn eircode(&self, i: usize) -> Option<usize> {
        let t = self.t;
        let k = t.get(i..i + 8)?;
        let routing =
            k[0].is_ascii_uppercase() && k[1].is_ascii_digit() && (k[2].is_ascii_digit() || k[2] == b'W');
        let unique = &k[4..8];
        let ok = routing
            && k[3] == b' '
            && unique.iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            && unique.iter().any(u8::is_ascii_digit)
            && unique.iter().any(u8::is_ascii_uppercase);
        let end = i + 8;
        (ok && !t.get(end).is_some_and(u8::is_ascii_alphanumeric)).then_some(end)
    }

    /// A street that starts in lower case at `s` after a word broken over the line before
    /// ("Kvarn-\n gatan 7"): the broken word's start; else `s`.
    pub(super) fn broken_word_before(&self, s: usize) -> usize {
        let t = self.t;
        if !t.get(s).is_some_and(u8::is_ascii_lowercase) {
            return s;
        }
        let mut k = s;
        while k > 0 && matches!(t[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        if k < 2 || t[k - 1] != b'\n' {
            return s;
        }
        k -= 1;
        if k > 0 && t[k - 1] == b'\r' {
            k -= 1;
        }
        if k < 2 || t[k - 1] != b'-' {
            return s;
        }
        let mut w = k - 1;
        while w > 0 && (t[w - 1].is_ascii_alphabetic() || t[w - 1] >= 0x80) {
            w -= 1;
        }
        let capital = char_at(t, w).is_some_and(|(c, _)| c.is_uppercase());
        if capital && k - 1 - w >= 2 { w } else { s }
    }

    /// Whether the label before `i` on its line names a postcode and a town ("Postnr och
    /// ort", "Postadress", "Postal code and city").
    fn postcode_and_town_label(&self, i: usize) -> bool {
        let t = self.t;
        let lo = i.saturating_sub(40);
        let ls = memchr::memrchr(b'\n', &t[lo..i]).map_or(lo, |p| lo + p + 1);
        let names_town = |l: &str| {
            // A scanned form's leader or fill-in line ends a label like its colon.
            let l = l.trim_end_matches([' ', ':', '\t', '\r', '.', '_', '[', '|']);
            ["ort", "postort", "postadress", "city", "town"].iter().any(|w| l.ends_with(w))
        };
        let label = String::from_utf8_lossy(&t[ls..i]).to_lowercase();
        if names_town(&label) {
            return true;
        }
        // The value alone on its line under a label line of its own ("Postnr / Ort\n  781 60 …").
        if ls == 0 || !t[ls..i].iter().all(|&b| matches!(b, b' ' | b'\t' | b'[' | b'|' | b'_')) {
            return false;
        }
        let lo = (ls - 1).saturating_sub(40);
        let ps = memchr::memrchr(b'\n', &t[lo..ls - 1]).map_or(lo, |p| lo + p + 1);
        let above = String::from_utf8_lossy(&t[ps..ls - 1]).to_lowercase();
        above.len() < 30 && !above.bytes().any(|b| b.is_ascii_digit()) && names_town(&above)
    }

    /// A UK postcode at `i` ("E1 6AN", "SW1A 1AA", "B33 8TH"): its end. The inward code's
    /// letters never include C, I, K, M, O or V.
    pub(super) fn uk_postcode(&self, i: usize) -> Option<usize> {
        let t = self.t;
        let up = |k: usize| t.get(k).is_some_and(u8::is_ascii_uppercase);
        let dg = |k: usize| t.get(k).is_some_and(u8::is_ascii_digit);
        let mut j = i;
        while up(j) && j - i < 2 {
            j += 1;
        }
        if j == i || !dg(j) {
            return None;
        }
        j += 1;
        if dg(j) || up(j) {
            j += 1;
        }
        let inward = |k: usize| !matches!(t.get(k), Some(b'C' | b'I' | b'K' | b'M' | b'O' | b'V')) && up(k);
        // Two spaces in OCR'd text ("WV3  9JH").
        if t.get(j..j + 2) == Some(b"  ") {
            j += 1;
        }
        if t.get(j) != Some(&b' ') || !dg(j + 1) || !inward(j + 2) || !inward(j + 3) {
            return None;
        }
        let end = j + 4;
        (!t.get(end).is_some_and(u8::is_ascii_alphanumeric)).then_some(end)
    }

    /// Whether the town from `end` to `te` after a Swedish postcode stands in the postcode's
    /// cell (one space between them, as "Postnr och ort" fields and a label's last line print
    /// them: "791 71 FALUN"), not a field's label ("633 41 Ort Eskilstuna"). A table's town
    /// column stands after a tab, a delimiter or a gap instead.
    fn town_in_cell(&self, end: usize, te: usize) -> bool {
        let t = self.t;
        if t.get(end) != Some(&b' ') || t.get(end + 1) == Some(&b' ') {
            return false;
        }
        let w = std::str::from_utf8(&t[end + 1..te]).unwrap_or("");
        !lexicon::is_field_word(w)
            && !["ort", "postort", "stad", "tel", "tfn", "land", "city", "town"]
                .iter()
                .any(|l| w.eq_ignore_ascii_case(l))
    }

    /// A UK postcode at `i` in a cell of its own on a table's row, after a tab or a gap of
    /// three spaces ("Name\t2 Mill Bank\tLeeds\tLS1 4AB", "Name   12 Wellsway   BA2 4LS"):
    /// the street cell before it, perhaps past one town cell. `(start, end)` of the street.
    pub(super) fn row_street_before(&self, i: usize) -> Option<(usize, usize)> {
        let t = self.t;
        let ls = memchr::memrchr(b'\n', &t[i.saturating_sub(240)..i])
            .map_or(i.saturating_sub(240), |p| i.saturating_sub(240) + p + 1);
        // The end of the cell before a gap that ends at `k`.
        let cell_end = |k: usize| {
            let mut j = k;
            while j > ls && matches!(t[j - 1], b' ' | b'\t') {
                j -= 1;
            }
            (j > ls && (t[j..k].contains(&b'\t') || k - j >= 3)).then_some(j)
        };
        let mut ce = cell_end(i)?;
        for _ in 0..2 {
            let mut cs = ce;
            // A narrow column may stand two spaces from the next ("Surname  Flat 2, 9 Mill Rise").
            while cs > ls && t[cs - 1] != b'\t' && !(cs >= ls + 2 && &t[cs - 2..cs] == b"  ") {
                cs -= 1;
            }
            let cell = std::str::from_utf8(&t[cs..ce]).ok()?;
            if street_cell(cell) {
                return Some((cs, ce));
            }
            if !town_cell(cell) {
                return None;
            }
            ce = cell_end(cs)?;
        }
        None
    }

    pub(super) fn postal_digits(&mut self, i: usize, g: &Groups) {
        let t = self.t;
        if self.intl_postcode(i, g) {
            return;
        }
        if g.n >= 2
            && g.len(0) == 3
            && g.sep[0] == b'-'
            && g.len(1) == 4
            && self.japanese_address(i, g.end(2))
        {
            return;
        }
        if self.euro_postcode(i, g) {
            return;
        }
        // Swedish postcode "123 45" (first digit 1-9), usually followed by the town.
        if g.n >= 2 && g.len(0) == 3 && g.len(1) == 2 && g.sep[0] == b' ' && t[i] != b'0' {
            let end = g.end(2);
            if right_ok(t, end) {
                if !matches!(self.whole_address(i, end, Post::Se), Whole::No) {
                    return;
                }
                let town =
                    t.get(end) == Some(&b' ') && char_at(t, end + 1).is_some_and(|(c, _)| c.is_uppercase());
                let se_prefix = i >= 3 && t[i - 1] == b'-' && (t[i - 2] == b'E' || t[i - 2] == b'S');
                let base = if se_prefix {
                    confidence::SE_POSTCODE_PREFIXED
                } else if town
                    || self.cell_after_street(i, end)
                    || self.column_named_above(i, POSTCODE_COLUMNS)
                {
                    // A cell under a postcode column of a table laid out with spaces
                    // ("Kund   Postnr   Ort" over "Selin Öz   507 41   Borås") too.
                    confidence::SE_POSTCODE_TOWN
                } else {
                    confidence::SE_POSTCODE
                };
                // A field of postcode and town ("Postnr och ort: 145 51  Norsborg") is one
                // span with its town.
                let end = match self.town_after(end) {
                    Some(e) if self.postcode_and_town_label(i) || self.town_in_cell(end, e) => e,
                    _ => end,
                };
                if !self.company_before(i) {
                    self.push(i, end, Label::PostalAddress, base, "se_postcode");
                }
                return;
            }
        }
        // US ZIP after a state code: "Springfield, IL 62704" or with a zip cue; not the
        // number of a document code ("DN-55871").
        let coded = i >= 2 && t[i - 1] == b'-' && t[i - 2].is_ascii_alphabetic();
        if g.len(0) == 5 && !coded {
            let mut end = g.end(1);
            if g.n >= 2 && g.sep[0] == b'-' && g.len(1) == 4 {
                end = g.end(2);
            }
            if right_ok(t, end) {
                // One space after the state, or two in OCR'd text.
                let o = usize::from(i >= 5 && &t[i - 2..i] == b"  ");
                let state = i >= 4 + o && t[i - 1] == b' ' && lexicon::is_us_state(&t[i - 3 - o..i - 1 - o]);
                if state && !matches!(self.whole_address(i, end, Post::Us), Whole::No) {
                    return;
                }
                // "Town ST ZIP" as a field or a line of its own, its street in another field
                // ("71 Oak St Apt 2" / "Rochester NY 14607"): one span with the town.
                if state
                    && let Some(s) = self.us_town_before(i)
                    && self.opens_field(s)
                    && !self.company_before(s)
                {
                    self.push(s, end, Label::PostalAddress, confidence::US_ZIP_STATE, "us_zip");
                    return;
                }
                let zip_field = !state && self.zip_label_before(i);
                let base = if state || zip_field { confidence::US_ZIP_STATE } else { confidence::US_ZIP };
                // A bare ZIP is part of an address only with its street: in a record, the
                // street stands before it on its line ("street=… zip=…", "12 Oak St,75023");
                // a ZIP on its own in a log or a chat ("billing_zip=30309") is a card
                // check's, not an address.
                let whole_value = i == 0 && end == t.len();
                if !(state || zip_field || whole_value || self.street_on_line_before(i)) {
                    return;
                }
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
            while words < 5 && t.get(j) == Some(&b' ') && t.get(j + 1).is_some_and(u8::is_ascii_uppercase) {
                let ws = j + 1;
                let mut we = ws;
                while we < t.len() && t[we].is_ascii_alphabetic() {
                    we += 1;
                }
                let w = std::str::from_utf8(&t[ws..we]).unwrap_or("");
                words += 1;
                if words >= 2 && lexicon::is_en_street(w) {
                    let we = self.locality_after(self.en_street_tail(we));
                    let s = self.english_unit_before(i).unwrap_or(i);
                    self.push(s, we, Label::PostalAddress, confidence::STREET, "en_street");
                    return;
                }
                j = we;
            }
        }
    }
}

/// A table's street cell: a house number and one to four capitalised words ("2 Mill Bank"),
/// perhaps after a unit and in comma segments ("Flat 9, Alder House, Mill Hill").
fn street_cell(cell: &str) -> bool {
    if cell.len() > 60 {
        return false;
    }
    let mut rest = cell;
    let mut unit = false;
    for u in ["Flat ", "Apt ", "Unit ", "FLAT ", "APT ", "UNIT "] {
        if let Some(r) = rest.strip_prefix(u) {
            let n = r.find([',', ' ']).unwrap_or(r.len());
            if n == 0 || !r[..n].bytes().all(|b| b.is_ascii_alphanumeric()) {
                return false;
            }
            rest = r[n..].trim_start_matches([',', ' ']);
            unit = true;
            break;
        }
    }
    let mut numbered = false;
    for seg in rest.split(',') {
        let mut ws = seg.split_whitespace().peekable();
        if let Some(n) = ws.peek()
            && n.len() <= 5
            && n.starts_with(|c: char| c.is_ascii_digit())
            && n.bytes().filter(|b| !b.is_ascii_digit()).count() <= 1
        {
            numbered = true;
            ws.next();
        }
        let words: Vec<&str> = ws.collect();
        let word = |w: &&str| {
            w.starts_with(|c: char| c.is_uppercase())
                && w.chars().all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '.'))
        };
        if !(1..=4).contains(&words.len()) || !words.iter().all(word) {
            return false;
        }
    }
    // A house's name and its street ("Ivy Cottage, Mill Lane", "The Rectory, Church Row").
    let house = rest.split(',').count() >= 2
        && rest.split(',').next().and_then(|h| h.split_whitespace().last()).is_some_and(is_house_word);
    numbered || unit || house
}

/// A table's town cell: one to three capitalised words without digits.
fn town_cell(cell: &str) -> bool {
    let words: Vec<&str> = cell.split_whitespace().collect();
    (1..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.starts_with(|c: char| c.is_uppercase()) && w.chars().all(|c| c.is_alphabetic() || c == '-')
        })
}
