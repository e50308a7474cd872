//! Unit details of an address (flats, floors, stairs, boxes) and the units and buildings an
//! English address writes before its street.

use super::grammar::{capitalised, is_digits, is_house_number, is_no_flat, words};
use crate::scan::Scanner;

/// A unit segment: `lgh 1204`, `5 tr`, `Flat B`, `Apt 3C`, `Unit 2`, `3º B`, `c/o Name`.
/// Returns whether it is one, and whether it is an English unit that may come before the
/// street ("Flat 4, 61 Wilmslow Road").
pub(in crate::scan) fn unit_segment(seg: &str) -> Option<bool> {
    let ws = words(seg);
    let first = ws.first()?.1;
    if ws.len() > 4 {
        return None;
    }
    let lower = first.to_lowercase();
    let lower = lower.trim_end_matches('.');
    if lower == "c/o" {
        return Some(false);
    }
    // A Norwegian flat number alone in its segment ("Karl Johans gate 23 B, H0402").
    if ws.len() == 1 && is_no_flat(first) {
        return Some(false);
    }
    // A floor glued to its word ("1tr", "5tr").
    if ws.len() == 1
        && lower.strip_suffix("tr").is_some_and(|n| !n.is_empty() && n.len() <= 2 && is_digits(n))
    {
        return Some(false);
    }
    if ws.len() >= 2 {
        let en = matches!(
            lower,
            "flat"
                | "apt"
                | "apartment"
                | "unit"
                | "suite"
                | "ste"
                | "room"
                | "floor"
                | "plot"
                | "block"
                | "appt"
                | "rr"
        );
        // The unit's number or letter follows ("Flat 4", "Block B"), not prose ("your
        // apartment at").
        let second = ws[1].1.trim_end_matches(',');
        let numbered = second.as_bytes().first().is_some_and(u8::is_ascii_digit)
            || (second.len() <= 3 && second.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        if en && numbered {
            return Some(true);
        }
        // A flat named by its floor or place in the house ("Garden Flat", "2nd floor flat",
        // "Top Floor Flat").
        if ws.len() <= 4
            && ws.last().is_some_and(|(_, w)| w.eq_ignore_ascii_case("flat"))
            && ws[..ws.len() - 1].iter().all(|(_, w)| {
                (capitalised(w) && w.chars().all(char::is_alphabetic))
                    || (w.as_bytes()[0].is_ascii_digit() && w.len() <= 4)
                    || *w == "floor"
            })
        {
            return Some(true);
        }
        if matches!(
            lower,
            "lgh"
                | "lägenhetsnummer"
                | "lägenhet"
                | "lgh.nr"
                | "vån"
                | "våning"
                | "m"
                | "lok"
                | "bst"
                | "piso"
                | "puerta"
                | "pta"
                // Spanish stairs, Italian stairs and flats, German back and front houses.
                | "esc"
                | "escalera"
                | "scala"
                | "int"
                | "interno"
                | "hinterhaus"
                | "vorderhaus"
                | "seitenflügel"
                | "gartenhaus"
                // French and Québec flats and buildings.
                | "app"
                | "appartement"
                | "bât"
                | "bâtiment"
                // Belgian boxes and Norwegian flats ("bte 12", "leil. H0301").
                | "bte"
                | "boîte"
                | "leil"
                | "leilighet"
        ) {
            return Some(false);
        }
        // Austrian stairs and doors ("Stiege 3", "Top 12", "Tür 4").
        if matches!(lower, "stiege" | "stg" | "top" | "tür") && is_digits(second) {
            return Some(false);
        }
        // A room in a Swedish care home ("rum 12"), numbered like a flat.
        if lower == "rum" && is_digits(second) {
            return Some(false);
        }
        let second = ws[1].1.to_lowercase();
        let second = second.trim_end_matches(['.', ',']);
        // Danish floor and side: "1. tv.", "st. th.", "2. sal".
        let floor_no = first.strip_suffix('.').is_some_and(|n| is_digits(n) || n == "st");
        if floor_no && matches!(second, "tv" | "th" | "mf" | "sal") {
            return Some(false);
        }
        // An ordinal floor: "3rd floor", "2nd Floor", "4:e våningen".
        let ordinal = first.len() <= 4 && first.as_bytes()[0].is_ascii_digit() && !is_digits(first);
        if ordinal && matches!(second, "floor" | "fl" | "våning" | "våningen" | "vån" | "étage") {
            return Some(false);
        }
        // A German floor: "3. OG", "2. Etage", "EG" (Obergeschoss, Etage).
        if first.strip_suffix('.').is_some_and(is_digits) && matches!(second, "og" | "etage" | "stock") {
            return Some(false);
        }
        if is_digits(first) && matches!(ws[1].1, "tr" | "tr." | "trappor" | "trappa" | "krs" | "krs." | "sal")
        {
            return Some(false);
        }
    }
    if seg.contains('º') || seg.contains('ª') {
        return Some(false);
    }
    None
}

impl Scanner<'_> {
    /// Before an English street starting at `s`: the start of a unit segment ("Flat 4, "),
    /// perhaps after a label ("Property: Flat 4, "), or of a unit and a building's name
    /// ("Flat 12, Bramley House, ", "Flat 4, Albion Court\n").
    pub(in crate::scan) fn english_unit_before(&self, s: usize) -> Option<usize> {
        if let Some(u) = self.unit_segment_before(s) {
            return Some(u);
        }
        let (ss, se) = self.segment_before(s)?;
        // A building: one to three capitalised words ("Albion Court", "Tower 3").
        let seg = std::str::from_utf8(&self.t[ss..se]).ok()?;
        let ws = words(seg);
        let building = (1..=3).contains(&ws.len())
            && ws.iter().enumerate().all(|(k, (_, w))| capitalised(w) || (k > 0 && is_house_number(w)));
        if !building {
            return None;
        }
        self.unit_segment_before(ss)
    }

    /// The start of an English unit ("Flat 4", "Apt 22") that ends the segment before `s`,
    /// perhaps after a label ("Property: Flat 4, ").
    pub(super) fn unit_segment_before(&self, s: usize) -> Option<usize> {
        let (ss, se) = self.segment_before(s)?;
        let seg = std::str::from_utf8(&self.t[ss..se]).ok()?;
        let ws = words(seg);
        // A flat named by its floor is the whole segment ("2nd floor flat, ").
        if ws.len() > 2 && unit_segment(seg) == Some(true) {
            return Some(ss);
        }
        let off = match ws.len() {
            0 | 1 => return None,
            // A label glued to the unit by its colon ("Deliver to:Flat 12, ").
            n => ws[n - 2].0 + ws[n - 2].1.rfind(':').map_or(0, |c| c + 1),
        };
        (unit_segment(&seg[off..]) == Some(true)).then_some(ss + off)
    }
}
