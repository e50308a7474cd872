//! Whole postal addresses (issue 19): a street line with its house number, optional unit
//! details and the postcode and town are **one** span, across a comma or a line break:
//!
//! - Swedish `NNN NN Town` ("Storgatan 12, 114 55 Stockholm", "Solbergavägen 17 B\n561 34
//!   Huskvarna", "Fältspatsgatan 14, lgh 1204, 421 30 Västra Frölunda");
//! - 4-digit Norwegian/Danish, Dutch `1234 AB`, Polish `12-345`, 5-digit Spanish/Finnish/
//!   German codes before the town ("Storgata 22, 0184 Oslo", "Kinkerstraat 88-2, 1053 EB
//!   Amsterdam", "ul. Piotrkowska 104 m. 12, 90-004 Łódź", "Calle de Alcalá 145, 3º B,
//!   28009 Madrid");
//! - UK postcodes after the town ("Flat 4, 61 Wilmslow Road, Manchester M14 5TB", "Unit 3,
//!   Quay Court, London E1 6AN"); US ZIP codes after town and state ("1842 Willow Creek Lane,
//!   Boise, ID 83706").
//!
//! The grammar is anchored on the postcode (found by `addresses.rs` and `uk_postcode`): the
//! town is read after it (or before it, for the UK and the US), then the comma- or
//! line-separated segments before it are read right to left: unit segments (`lgh 1204`,
//! `5 tr`, `Flat B`, `Unit 2`, `3º B`, `c/o …`), localities (UK/US), and the street segment,
//! in the continental order (`Words Number[unit]`) or the English one (`Number Words Type`).
//! A label before the street (`Adress:`, `lives at`) ends the address. An address on a line
//! that names a company form, or right under such a line, is the company's own (letterhead):
//! it is not reported at all.

use super::{Cand, Scanner, char_at, confidence};
use crate::Label;
use crate::lexicon;

mod columns;
mod grammar;
mod house;
mod lead;
mod locality;
mod units;
use grammar::*;
pub(super) use grammar::{is_en_street_type, is_house_word};
use lead::{celtic, turkish};
use units::unit_segment;

/// A whole address: street, number, postcode and town.
pub(super) const WHOLE_ADDRESS: f32 = 0.9;

/// Which postcode grammar found the anchor.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Post {
    /// Swedish `NNN NN` (also Greek and Czech/Slovak codes of the same shape).
    Se,
    /// 4-digit, `1234 AB`, `12-345` and 5-digit European codes (a town must follow).
    Eu,
    /// A UK postcode (the town stands before it).
    Uk,
    /// A US ZIP code after the state code.
    Us,
    /// A numeric code after the town that ends the address ("41 Rosebank Close, Cape Town
    /// 7700", "Plot 12, Adeola Odeku Street, Victoria Island, Lagos 101241"): South African,
    /// Nigerian, Chinese, Australian forms. Reported only with the street line before it.
    Intl,
}

/// What [`Scanner::whole_address`] did.
pub(super) enum Whole {
    /// Pushed one address span ending here.
    Merged(usize),
    /// A company's own address ending here: nothing pushed, its parts dropped.
    Company(usize),
    /// No street line before the postcode.
    No,
}

impl Scanner<'_> {
    /// The town after a postcode ending at `pe`: its end. One capitalised word, or two when
    /// the first is a prefix ("Västra Frölunda") or the second a district letter
    /// ("København V").
    pub(super) fn town_after(&self, pe: usize) -> Option<usize> {
        let t = self.t;
        // One space, or two in OCR'd text.
        let pe = if t.get(pe..pe + 2) == Some(b"  ") { pe + 1 } else { pe };
        if t.get(pe) != Some(&b' ') || !char_at(t, pe + 1).is_some_and(|(c, _)| c.is_uppercase()) {
            return None;
        }
        let e = self.word_end(pe + 1);
        let w = std::str::from_utf8(&t[pe + 1..e]).ok()?;
        if e == pe + 1 {
            return None;
        }
        // "1200 Industrial Pkwy": a house number and its street, not a postcode and a town.
        if t.get(e) == Some(&b' ') {
            let e2 = self.word_end(e + 1);
            if std::str::from_utf8(&t[e + 1..e2]).is_ok_and(is_en_street_type) {
                return None;
            }
        }
        if t.get(e) == Some(&b' ') && char_at(t, e + 1).is_some_and(|(c, _)| c.is_uppercase()) {
            let e2 = self.word_end(e + 1);
            let w2 = std::str::from_utf8(&t[e + 1..e2]).unwrap_or("");
            let ends = !char_at(t, e2).is_some_and(|(c, _)| c.is_alphanumeric());
            let district = w2.len() <= 2 && w2.bytes().all(|b| b.is_ascii_uppercase());
            let two =
                matches!(w, "Västra" | "Norra" | "Södra" | "Östra" | "Upplands" | "Stora" | "Lilla" | "Nya");
            if ends && (two || district) {
                return Some(e2);
            }
            // A town of two names that ends its value ("154 51 Neo Psychiko\n"): a line's
            // end, a comma, a quote or a bracket follows.
            let closes = matches!(t.get(e2), None | Some(b'\n' | b'\r' | b',' | b'"' | b')'));
            if closes && two_name_town(w, w2) {
                return Some(e2);
            }
        }
        // A Turkish district and its city ("Çankaya/Ankara").
        if t.get(e) == Some(&b'/') && char_at(t, e + 1).is_some_and(|(c, _)| c.is_uppercase()) {
            let e2 = self.word_end(e + 1);
            if e2 > e + 1 && !char_at(t, e2).is_some_and(|(c, _)| c.is_alphanumeric() || c == '/') {
                return Some(e2);
            }
        }
        // A town named by its river or region after a small word ("Frankfurt am Main",
        // "Halle an der Saale", "Châlons-en-Champagne" is one word already).
        if t.get(e) == Some(&b' ') {
            let mut k = e + 1;
            let mut small = 0;
            while small < 2 {
                let ke = self.word_end(k);
                let sw = std::str::from_utf8(&t[k..ke]).unwrap_or("");
                if !matches!(sw, "am" | "an" | "der" | "im" | "upon" | "sur" | "ob") {
                    break;
                }
                small += 1;
                if t.get(ke) != Some(&b' ') {
                    return Some(e);
                }
                k = ke + 1;
            }
            if small > 0 && char_at(t, k).is_some_and(|(c, _)| c.is_uppercase()) {
                let ke = self.word_end(k);
                if ke > k && !char_at(t, ke).is_some_and(|(c, _)| c.is_alphanumeric()) {
                    return Some(ke);
                }
            }
        }
        Some(e)
    }

    /// One to three capitalised words right before `ps` on its line (a UK town before the
    /// postcode): their start.
    fn town_before(&self, ps: usize) -> Option<usize> {
        let t = self.t;
        let mut start = None;
        let mut j = ps;
        for n in 0..3 {
            if j == 0 || t[j - 1] != b' ' {
                break;
            }
            let mut we = j - 1;
            // OCR'd forms put two or three spaces between the town and the postcode.
            while n == 0 && we > 0 && t[we - 1] == b' ' && ps - we < 3 {
                we -= 1;
            }
            // An Irish county written "Co. Cork" before its Eircode.
            if n > 0
                && we >= 3
                && &t[we - 3..we] == b"Co."
                && (we == 3 || matches!(t[we - 4], b' ' | b'\n' | b'\t'))
            {
                start = Some(we - 3);
                break;
            }
            let mut k = we;
            while k > 0
                && (t[k - 1].is_ascii_alphabetic() || t[k - 1] >= 0x80 || matches!(t[k - 1], b'-' | b'\''))
            {
                k -= 1;
            }
            let w = std::str::from_utf8(&t[k..we]).ok()?;
            // "Newcastle upon Tyne": a small word joins the town's names.
            if start.is_some() && n == 1 && matches!(w, "upon" | "on" | "under") {
                j = k;
                continue;
            }
            if k == we || !capitalised(w) {
                break;
            }
            start = Some(k);
            j = k;
        }
        start
    }

    /// Before a US ZIP at `ps`: "Town, ST " — the town's start.
    pub(super) fn us_town_before(&self, ps: usize) -> Option<usize> {
        let t = self.t;
        // OCR'd forms double the spaces and put one before the comma ("Houston ,  TX  77004").
        let ocr = ps >= 7 && &t[ps - 2..ps] == b"  ";
        let ps = if ocr { ps - 1 } else { ps };
        if ps < 6
            || t[ps - 1] != b' '
            || !(lexicon::is_us_state(&t[ps - 3..ps - 1]) || is_ca_province(&t[ps - 3..ps - 1]))
        {
            return None;
        }
        let mut j = ps - 3;
        if ocr {
            while j > 0 && t[j - 1] == b' ' && ps - 3 - j < 2 {
                j -= 1;
            }
        }
        if j >= 2 && &t[j - 2..j] == b", " {
            j -= 2;
        } else if t[j - 1] == b',' || t[j - 1] == b' ' {
            j -= 1;
        } else {
            return None;
        }
        if ocr && j >= 1 && t[j - 1] == b' ' && t.get(j) == Some(&b',') {
            j -= 1;
        }
        // "Boise" + ","; town_before wants a space before its words, so step over the comma.
        let mut start = None;
        let mut k = j;
        for _ in 0..3 {
            let we = k;
            while k > 0 && (t[k - 1].is_ascii_alphabetic() || t[k - 1] >= 0x80 || t[k - 1] == b'.') {
                k -= 1;
            }
            let w = std::str::from_utf8(&t[k..we]).ok()?;
            // A whole word ("2C" is a unit's number, not a town).
            let whole_word = k == 0 || matches!(t[k - 1], b' ' | b',' | b'\n' | b'\t' | b'"' | b':');
            if k == we || !capitalised(w) || !whole_word {
                break;
            }
            start = Some(k);
            if k == 0 || t[k - 1] != b' ' {
                break;
            }
            k -= 1;
        }
        start
    }

    /// The segment before `cur`: `(start, end)` of the text between the previous separator
    /// and the comma or line break before `cur`.
    fn segment_before(&self, cur: usize) -> Option<(usize, usize)> {
        let t = self.t;
        let mut j = cur;
        while j > 0 && matches!(t[j - 1], b' ' | b'\t') {
            j -= 1;
        }
        match t.get(j.wrapping_sub(1)) {
            Some(b',') => j -= 1,
            Some(b'\n') => {
                j -= 1;
                if j > 0 && t[j - 1] == b'\r' {
                    j -= 1;
                }
                if j > 0 && t[j - 1] == b',' {
                    j -= 1;
                }
            }
            _ => return None,
        }
        while j > 0 && matches!(t[j - 1], b' ' | b'\t') {
            j -= 1;
        }
        let se = j;
        let lo = se.saturating_sub(80);
        // A bracket opens a segment too ("Heirs: Rafael Mendoza (455 Vallejo St, …"), and so
        // does a semicolon's cell ("…;550306-0534;Skolvägen 5, …").
        let ss = t[lo..se]
            .iter()
            .rposition(|&b| matches!(b, b',' | b'\n' | b'"' | b'(' | b';'))
            .map_or(lo, |p| lo + p + 1);
        let mut s = ss;
        // Not inside a character (the 80-byte window may cut one).
        while s < se && (t[s] & 0xC0) == 0x80 {
            s += 1;
        }
        while s < se && matches!(t[s], b' ' | b'\t') {
            s += 1;
        }
        // A table's column gap (a tab, three spaces) ends the cell: "Berg, Anna   Storgatan 1"
        // puts the name in a cell of its own.
        // A form's fill-in line before the value ("Adress:__Storgatan 1") too. Read right
        // to left byte by byte (slice comparisons here cost a call each).
        let mut k = se;
        let mut spaces = 0;
        let mut under = 0;
        while k > s {
            let b = t[k - 1];
            spaces = if b == b' ' { spaces + 1 } else { 0 };
            under = if b == b'_' { under + 1 } else { 0 };
            if spaces == 3 || under == 2 || b == b'\t' {
                s = k + if b == b'\t' {
                    0
                } else if spaces == 3 {
                    2
                } else {
                    1
                };
                break;
            }
            k -= 1;
        }
        while s < se && matches!(t[s], b' ' | b'\t') {
            s += 1;
        }
        (s < se).then_some((s, se))
    }

    /// The start of a street (with its number and unit details) that ends segment
    /// `[ss, se)`, and whether it starts the segment (nothing before it).
    fn street_in(&self, ss: usize, se: usize, kind: Post) -> Option<usize> {
        let english = matches!(kind, Post::Uk | Post::Us | Post::Intl);
        let seg = std::str::from_utf8(&self.t[ss..se]).ok()?;
        // A label ends the address: read only what follows its colon.
        // Turkish numbers are written "No: 118": no label.
        // OCR glues the value to its label ("Adress:Storgatan 1"), but a digit after the
        // colon is a time or a number's part, not a value's start.
        let label = seg.rfind(':').filter(|&p| {
            !matches!(seg[..p].rsplit(' ').next(), Some("No" | "NO" | "D" | "Kat"))
                && !seg.as_bytes().get(p + 1).is_some_and(u8::is_ascii_digit)
                // Swedish abbreviations and genitives ("S:t Eriks", "Karl XII:s gata").
                && !seg.as_bytes().get(p + 1).is_some_and(u8::is_ascii_lowercase)
        });
        // A scanned form's leader of dots ends a label too ("Ny adress.......Storgatan 1").
        let label = label.max(seg.rfind("..").map(|p| p + 1));
        let (off, seg) = match label {
            Some(p) => {
                let v = seg[p + 1..].trim_start_matches(' ');
                (seg.len() - v.len(), v)
            }
            None => (0, seg),
        };
        let ws = words(seg);
        if ws.is_empty() {
            return None;
        }
        // The street is at the end: a long sentence before it does not matter.
        let ws = &ws[ws.len().saturating_sub(8)..];
        let found = if kind == Post::Intl {
            // A bare number after a town is taken only after an English street line.
            english_street(ws)
        } else if english {
            // Québec writes the French order before its province ("42 rue Saint-Viateur O,
            // Montréal QC H2T 2K8").
            english_street(ws).or_else(|| celtic(ws)).or_else(|| continental(ws)).or_else(|| french(ws))
        } else {
            // Before the continental order, which would start "Bóthar na Trá 5" at "Trá".
            celtic(ws).or_else(|| turkish(ws)).or_else(|| continental(ws)).or_else(|| french(ws))
        };
        found.map(|s| ss + off + s)
    }

    /// The length of a Canadian postal code at `i`.
    pub(super) fn ca_postcode_at(&self, i: usize) -> Option<usize> {
        ca_postcode(&self.t[i..])
    }

    /// A street the street scanner found in `[lo, e)` that ends there, or before unit
    /// words only ("Kungsgatan 19 lgh 1402", "Rinkebysvängen 18 3 tr", "Solrosvägen 12 c/o
    /// Lindqvist"): its start.
    fn street_found_before(&self, lo: usize, e: usize) -> Option<usize> {
        let c = self.out.iter().rev().take(8).find(|c| {
            c.label == Label::PostalAddress
                && matches!(c.rec, "se_street" | "eu_street" | "en_street")
                && c.start >= lo
                && c.end <= e
        })?;
        let gap = std::str::from_utf8(&self.t[c.end..e]).ok()?.trim_matches([' ', ',']);
        (gap.is_empty() || unit_segment(gap).is_some()).then_some(c.start)
    }

    /// Whether a company form stands on the line before the line that `s` starts.
    fn company_line_above(&self, s: usize) -> bool {
        let t = self.t;
        if s == 0 || t[s - 1] != b'\n' {
            return false;
        }
        let pe = s - 1;
        let lo = pe.saturating_sub(120);
        let ps = memchr::memrchr(b'\n', &t[lo..pe]).map_or(lo, |p| lo + p + 1);
        std::str::from_utf8(&t[ps..pe])
            .is_ok_and(|line| line.split([' ', '\t', ',']).any(lexicon::is_company_form))
    }

    /// The whole address around the postcode `[ps, pe)`: pushes it as one span when a street
    /// line stands before the postcode.
    pub(super) fn whole_address(&mut self, ps: usize, pe: usize, kind: Post) -> Whole {
        if matches!(kind, Post::Se | Post::Eu) && self.in_columns(ps).is_some() {
            return self.address_in_columns(ps, pe, kind);
        }
        let end = match kind {
            Post::Se => self.town_after(pe).unwrap_or(pe),
            Post::Eu => match self.town_after(pe) {
                Some(e) => e,
                None => return Whole::No,
            },
            Post::Uk | Post::Us | Post::Intl => pe,
        };
        let mut cur = match kind {
            Post::Uk => self.town_before(ps).unwrap_or(ps),
            Post::Intl => match self.town_before(ps) {
                Some(s) => s,
                None => return Whole::No,
            },
            Post::Us => match self.us_town_before(ps) {
                Some(s) => s,
                None => return Whole::No,
            },
            _ => country_prefix_before(self.t, ps),
        };
        let english = matches!(kind, Post::Uk | Post::Us | Post::Intl);
        let mut street: Option<usize> = None;
        // Written on one line without a comma ("Stora Nygatan 24 2 tr 211 37 Malmö"): the
        // street found right before the postcode, perhaps with unit words between.
        if matches!(kind, Post::Se | Post::Eu | Post::Us)
            && cur >= 2
            && self.t[cur - 1] == b' '
            && self.t[cur - 2] != b','
        {
            let lo = memchr::memrchr(b'\n', &self.t[..cur]).map_or(0, |p| p + 1);
            street = self.street_found_before(lo, cur - 1);
        }
        // A street name without a number ("Quay Court") waiting for a unit before it.
        let mut named: Option<usize> = None;
        // Locality segments passed (towns, districts, a building's name).
        let mut localities = 0;
        // A house's name above `named` in a block of lines.
        let mut house_above: Option<usize> = None;
        for _ in 0..6 {
            let Some((ss, se)) = self.segment_before(cur) else { break };
            let seg = std::str::from_utf8(&self.t[ss..se]).unwrap_or("");
            if let Some(s) = street {
                // Only an English unit ("Flat 4, ") stands before the street, perhaps after a
                // label ("Property: Flat 4, ") or with a building's name between ("Flat 12,
                // Bramley House, 8 Wandle Road").
                if let Some(u) = self.english_unit_before(s) {
                    street = Some(u);
                } else if english && let Some(h) = self.house_name_before(s) {
                    street = Some(h);
                }
                break;
            }
            if let Some(en) = unit_segment(seg) {
                if let Some(n) = named
                    && en
                {
                    street = Some(n.min(ss));
                    break;
                }
                // A flat in a named block, without a street number ("Apartment 12, The
                // Cubes, Beacon South Quarter, Dublin 18, D18 F5X7").
                if en && english && localities >= 2 {
                    street = Some(ss);
                    break;
                }
                if !seg.contains(':') {
                    cur = ss;
                    continue;
                }
            }
            // "Dublin 1", "Lekki Phase 1": a town with its district number, not a street.
            let dws = words(seg);
            let district = english
                && !seg.contains(':')
                && dws.len() >= 2
                && dws.len() <= 3
                && dws.last().is_some_and(|(_, w)| w.len() <= 2 && is_digits(w))
                && dws[..dws.len() - 1].iter().all(|(_, w)| capitalised(w) && !is_en_street_type(w));
            if district {
                localities += 1;
                cur = ss;
                continue;
            }
            if let Some(s) = self
                .street_in(ss, se, kind)
                .or_else(|| self.street_found_before(ss, se))
                .or_else(|| if english { self.person_box(ss, se) } else { None })
            {
                street = Some(s);
                if s != ss || !english {
                    break;
                }
                cur = ss;
                continue;
            }
            let ws = words(seg);
            // "Dublin 1", "Lekki Phase 1": a district number ends a locality.
            let name_words = match ws.last() {
                Some((_, w)) if ws.len() >= 2 && w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()) => {
                    &ws[..ws.len() - 1]
                }
                _ => &ws[..],
            };
            // A house's name before a street without a number ("The Old Rectory\n Church
            // Lane, Little Wittenham\n Abingdon OX14 4RA") starts the address.
            // After a word in lower case too ("Landlord: … of The Old Forge, Mill Lane").
            if english
                && named.is_some()
                && let Some(o) = house::house_name_tail(seg, false)
            {
                // A flat in the named house ("Flat 2, The Maltings, Mill Lane").
                street = Some(if o == 0 { self.unit_segment_before(ss).unwrap_or(ss) } else { ss + o });
                break;
            }
            let locality = english
                && (1..=3).contains(&name_words.len())
                && name_words.iter().all(|(_, w)| capitalised(w) && !w.bytes().any(|b| b.is_ascii_digit()));
            if locality {
                localities += 1;
                // A house's name on the line above a street without a number, in a block of
                // lines ("Meadowbank\nStation Road\nHathersage\nS32 1DD").
                if house_above.is_none()
                    && named == Some(cur)
                    && localities >= 3
                    && self.t.get(se) == Some(&b'\n')
                    && house::house_line(&ws)
                {
                    house_above = Some(ss);
                }
                if ws.last().is_some_and(|(_, w)| is_en_street_type(w)) {
                    named = Some(ss);
                }
                cur = ss;
                continue;
            }
            break;
        }
        let Some(mut start) = street.or(house_above) else { return Whole::No };
        // A flat in a block ("Apartment 12, Block B, Harbour Court"): units before units.
        if english && let Some(u) = self.unit_segment_before(start) {
            start = u;
        }
        let start = self.broken_word_before(start);
        // Drop the parts found before (the street) inside the whole: the whole replaces
        // them, or, for a company's own address, nothing does.
        let lo = self.out.len().saturating_sub(16);
        let tail = self.out.split_off(lo);
        for c in tail {
            let part = c.label == Label::PostalAddress && c.start >= start && c.end <= end;
            if !part {
                self.out.push(c);
            }
        }
        if self.company_before(start) || self.company_line_above(start) {
            return Whole::Company(end);
        }
        // The grammar (street line, postcode, town) is the evidence: number-ish cue words
        // near it ("order", "ref") do not lower it as they lower a postcode alone.
        let conf = if self.not_a_home(start) || self.not_a_home_after(end) {
            confidence::NOT_A_HOME
        } else {
            WHOLE_ADDRESS
        };
        self.out.push(Cand { start, end, label: Label::PostalAddress, conf, rec: "address" });
        Whole::Merged(end)
    }

    /// After an English street type ending at `we` ("4410 Peachtree Rd"): the end of a
    /// direction and a unit that follow it (" NE", " Apt 5F", " Unit 2").
    pub(super) fn en_street_tail(&self, we: usize) -> usize {
        let t = self.t;
        let token = |s: usize| {
            let mut e = s;
            while e < t.len() && (t[e].is_ascii_alphanumeric() || t[e] == b'#') && e - s < 8 {
                e += 1;
            }
            (std::str::from_utf8(&t[s..e]).unwrap_or(""), e)
        };
        let mut end = we;
        if t.get(end) == Some(&b' ') {
            let (w, e) = token(end + 1);
            if is_direction(w) && !t.get(e).is_some_and(|b| *b == b'.' || *b >= 0x80) {
                end = e;
            }
        }
        if t.get(end) == Some(&b' ') {
            let (w, e) = token(end + 1);
            if matches!(title_case(w).as_str(), "Apt" | "Unit" | "Suite" | "Ste" | "Flat")
                && t.get(e) == Some(&b' ')
            {
                let (n, e2) = token(e + 1);
                if n.bytes().any(|b| b.is_ascii_digit()) && t.get(e2).is_none_or(|b| *b < 0x80) {
                    end = e2;
                }
            }
        }
        // A town with its postal district ("44 Rathgar Road, Dublin 6"): a capitalised word
        // and one or two digits that end the phrase.
        if t.get(end..end + 2) == Some(b", ") && t.get(end + 2).is_some_and(u8::is_ascii_uppercase) {
            let (w, e) = token(end + 2);
            if w.len() >= 3 && w.bytes().skip(1).all(|b| b.is_ascii_lowercase()) && t.get(e) == Some(&b' ') {
                let (n, e2) = token(e + 1);
                let ends = t.get(e2).is_none_or(|b| matches!(b, b'.' | b',' | b';' | b'\n' | b'\r' | b')'));
                if (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) && ends {
                    end = e2;
                }
            }
        }
        self.town_tail(end).unwrap_or(end)
    }

    /// After an English street ending at `e`, one or two towns written after commas that end
    /// the phrase ("1214 Kishwaukee St, Rockford IL.", "5 Bode Street, Surulere, Lagos."):
    /// their end. A town is one to three capitalised words without digits.
    fn town_tail(&self, e: usize) -> Option<usize> {
        let t = self.t;
        let mut end = None;
        let mut k = e;
        for _ in 0..2 {
            if t.get(k..k + 2) != Some(b", ") {
                break;
            }
            let mut j = k + 2;
            let mut words = 0;
            loop {
                let ws = j;
                if !char_at(t, ws).is_some_and(|(c, _)| c.is_uppercase()) {
                    break;
                }
                let we = self.word_end(ws);
                let w = std::str::from_utf8(&t[ws..we]).unwrap_or("");
                if w.is_empty()
                    || lexicon::is_stop_word(w)
                    || is_en_street_type(w)
                    || lexicon::is_en_street(w)
                {
                    break;
                }
                words += 1;
                j = we;
                if words == 3
                    || t.get(j) != Some(&b' ')
                    || !char_at(t, j + 1).is_some_and(|(c, _)| c.is_uppercase())
                {
                    break;
                }
                j += 1;
            }
            if words == 0 || t.get(j - 1) == Some(&b' ') {
                break;
            }
            // A country is outside the address ("…, Sha Tin, Hong Kong").
            if std::str::from_utf8(&t[k + 2..j]).is_ok_and(super::address_label::is_country) {
                end = (k > e).then_some(k);
                break;
            }
            let ends = t.get(j).is_none_or(|b| matches!(b, b'.' | b';' | b'"' | b')' | b'\n' | b'\r'))
                || t.get(j..j + 2) == Some(b" -")
                || t[j..].starts_with(" –".as_bytes());
            if ends {
                end = Some(j);
                break;
            }
            k = j;
        }
        end
    }

    /// A Swedish street found by its name ending at `[i, e)` with its number ending at `j`:
    /// the span with a prefix word before it ("Norra Vallgatan 70") and unit details after
    /// it ("17 B", ", lgh 1302", " lgh 1301").
    pub(super) fn se_street_span(&self, i: usize, j: usize) -> (usize, usize) {
        let t = self.t;
        let mut s = i;
        if i >= 2 && t[i - 1] == b' ' {
            let mut k = i - 1;
            while k > 0 && (t[k - 1].is_ascii_alphabetic() || t[k - 1] >= 0x80 || t[k - 1] == b':') {
                k -= 1;
            }
            let before = std::str::from_utf8(&t[k..i - 1]).unwrap_or("");
            let name = std::str::from_utf8(&t[i..self.word_end(i)]).unwrap_or("");
            // The street's prefix ("Norra Vallgatan"), or the given name a genitive street is
            // named after ("Hjalmar Lundbohmsvägen"), when it starts the phrase: at a line
            // start, after a label's colon, a comma, a quote or a lower-case word.
            let opens = k == 0
                || matches!(t[k - 1], b'\n' | b'"' | b'(')
                || (t[k - 1] == b' '
                    && k >= 2
                    && (matches!(t[k - 2], b':' | b',' | b'"') || t[k - 2].is_ascii_lowercase()));
            // A district before a compound street ("Katarina Bangata") only where the phrase
            // surely opens: not after a capitalised word ("Lisa Berg Storgatan 5").
            let prev_lower = || {
                let mut p = k - 1;
                while p > 0 && (t[p - 1].is_ascii_alphabetic() || t[p - 1] >= 0x80) {
                    p -= 1;
                }
                p < k - 1 && char_at(t, p).is_some_and(|(c, _)| c.is_lowercase())
            };
            let opens_surely = k == 0
                || matches!(t[k - 1], b'\n' | b'"' | b'(')
                || (t[k - 1] == b' ' && k >= 2 && (matches!(t[k - 2], b':' | b',' | b'"') || prev_lower()));
            if is_prefix_word(before)
                || is_prefix_in_capitals(before, name)
                || (opens && joins_street_name(before, name))
                || (opens_surely && district_before_street(before, name))
            {
                s = k;
            }
        }
        let mut e = j;
        // " B" (a letter alone) after the number.
        if t.get(e) == Some(&b' ')
            && t.get(e + 1).is_some_and(u8::is_ascii_uppercase)
            && !t.get(e + 2).is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
        {
            e += 2;
        }
        // A floor: " 3 tr", ", 3 tr", " 5tr".
        {
            let rest = &t[e..t.len().min(e + 12)];
            let skip = if rest.starts_with(b", ") { 2 } else { usize::from(rest.starts_with(b" ")) };
            if skip > 0 {
                let ds = e + skip;
                let mut de = ds;
                while de < t.len() && t[de].is_ascii_digit() && de - ds < 2 {
                    de += 1;
                }
                let gap = usize::from(t.get(de) == Some(&b' '));
                let tr = t.get(de + gap..de + gap + 2) == Some(b"tr")
                    && !t.get(de + gap + 2).is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80);
                if de > ds && tr {
                    e = de + gap + 2;
                }
            }
        }
        // " lgh 1302" or ", lgh 1302"; in OCR'd text " , lgh 0 1 0 3" (a space before the
        // comma, spaces between the digits).
        let rest = &t[e..t.len().min(e + 16)];
        let skip = if rest.starts_with(b", lgh ") {
            6
        } else if rest.starts_with(b" lgh ") {
            5
        } else if rest.starts_with(b" , lgh ") {
            7
        } else {
            0
        };
        if skip > 0 {
            let ds = e + skip;
            let mut de = ds;
            while de < t.len() && t[de].is_ascii_digit() && de - ds < 5 {
                de += 1;
            }
            // Single digits spaced out: four of them.
            if de == ds + 1 {
                let mut k = de;
                let mut n = 1;
                while n < 4 && t.get(k) == Some(&b' ') && t.get(k + 1).is_some_and(u8::is_ascii_digit) {
                    k += 2;
                    n += 1;
                }
                match n {
                    4 => de = k,
                    // Spaced digits that are no flat number: not a part of them either.
                    2.. => de = ds,
                    _ => {}
                }
            }
            if de > ds && !t.get(de).is_some_and(u8::is_ascii_alphanumeric) {
                e = de;
            }
        }
        (s, self.town_after_comma(e).unwrap_or(e))
    }

    /// After a Swedish street ending at `e`, a town written after a comma without its
    /// postcode that ends the phrase ("Storgatan 55, Linköping", "…, Lindome (fastighet …)"):
    /// its end. One capitalised word of letters, no stop word, company form or country.
    fn town_after_comma(&self, e: usize) -> Option<usize> {
        let t = self.t;
        if t.get(e..e + 2) != Some(b", ") || !char_at(t, e + 2).is_some_and(|(c, _)| c.is_uppercase()) {
            return None;
        }
        let we = self.word_end(e + 2);
        let w = std::str::from_utf8(&t[e + 2..we]).ok()?;
        let word = w.chars().count() >= 3
            && w.chars().all(char::is_alphabetic)
            && !w.chars().skip(1).any(char::is_uppercase)
            && !lexicon::is_stop_word(w)
            && !lexicon::is_company_form(w)
            && !super::address_label::is_country(w);
        let ends = match t.get(we) {
            None => true,
            Some(b'\n' | b'\r' | b'.' | b';' | b'"' | b')') => true,
            Some(b' ') => t.get(we + 1) == Some(&b'('),
            _ => false,
        };
        (word && ends).then_some(we)
    }
}

#[cfg(test)]
mod homes_tests;
#[cfg(test)]
mod scan_tests;
#[cfg(test)]
mod ship_tests;
#[cfg(test)]
mod starts_tests;
#[cfg(test)]
mod tests;
