//! An address after a label that says it is someone's ("Home address:", "Hemadress:",
//! "Tidigare adress:", "Postal address (if different):"): the rest of the line is one
//! address in whatever order its country writes it ("Flat 17B, Tower 3, 8 Laguna Avenue,
//! Kowloon", "Kheyabane Vali Asr, Kuche 17, Tehran 1966713511", "Bulevar oslobođenja 112,
//! 21000 Novi Sad"), up to the next field, a bracket, the end of the sentence or the
//! country. The postcode grammars (`address_line.rs`) know only some countries; the label
//! knows the span's start, and the line its end.

use super::address_line::WHOLE_ADDRESS;
use super::address_line::is_en_street_type;
use super::address_place::names_a_place;
use super::{Cand, Scanner, confidence};
use crate::Label;
use crate::lexicon;

/// The label's own word.
const LABEL_WORDS: &[&str] =
    &["address", "adress", "hemadress", "bostadsadress", "folkbokföringsadress", "postadress", "adressen"];

/// Other words of the label that make it some other address: a mailbox's, a network's, an
/// employer's ("E-mail address:", "IP address:", "Employer address:").
const OTHER: &[&str] = &[
    "e-mail",
    "email",
    "mail",
    "e-post",
    "ip",
    "mac",
    "web",
    "url",
    "server",
    "wallet",
    "employer",
    "work",
    "business",
    "company",
    "office",
    "arbetsgivare",
    "företag",
    "företagets",
    "bolagets",
    "recipient",
    "sender",
];

/// Countries written after an address ("…, Hong Kong", "…, Serbien"): outside the span.
const COUNTRIES: &[&str] = &[
    "sverige",
    "sweden",
    "norge",
    "norway",
    "danmark",
    "denmark",
    "finland",
    "suomi",
    "island",
    "iceland",
    "tyskland",
    "germany",
    "deutschland",
    "frankrike",
    "france",
    "spanien",
    "spain",
    "españa",
    "italien",
    "italy",
    "italia",
    "portugal",
    "nederländerna",
    "netherlands",
    "belgien",
    "belgium",
    "schweiz",
    "switzerland",
    "österrike",
    "austria",
    "polen",
    "poland",
    "ukraina",
    "ukraine",
    "serbien",
    "serbia",
    "bosnien",
    "bosnia",
    "kroatien",
    "croatia",
    "grekland",
    "greece",
    "turkiet",
    "turkey",
    "türkiye",
    "storbritannien",
    "united kingdom",
    "uk",
    "england",
    "skottland",
    "scotland",
    "irland",
    "ireland",
    "usa",
    "united states",
    "kanada",
    "canada",
    "mexiko",
    "mexico",
    "brasilien",
    "brazil",
    "argentina",
    "chile",
    "colombia",
    "peru",
    "kina",
    "china",
    "japan",
    "korea",
    "south korea",
    "sydkorea",
    "vietnam",
    "thailand",
    "indien",
    "india",
    "pakistan",
    "iran",
    "irak",
    "iraq",
    "syrien",
    "syria",
    "libanon",
    "lebanon",
    "egypten",
    "egypt",
    "marocko",
    "morocco",
    "etiopien",
    "ethiopia",
    "eritrea",
    "somalia",
    "kenya",
    "nigeria",
    "ghana",
    "sydafrika",
    "south africa",
    "australien",
    "australia",
    "nya zeeland",
    "new zealand",
    "hong kong",
    "förenade arabemiraten",
    "uae",
    "afghanistan",
    "estland",
    "estonia",
    "lettland",
    "latvia",
    "litauen",
    "lithuania",
    "ryssland",
    "russia",
    "rumänien",
    "romania",
    "ungern",
    "hungary",
    "tjeckien",
    "czechia",
    "filippinerna",
    "philippines",
];

/// Built once: a searcher per call costs more than the search in a short field.
static DRESS: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"dress"));

pub(super) fn is_country(s: &str) -> bool {
    let l = s.trim().trim_end_matches('.').to_lowercase();
    COUNTRIES.contains(&l.as_str())
}

/// The end of the value that starts at `vs` on a line ending at `le`: the next field (three
/// spaces or a tab), a bracket, a sentence's full stop, `;`, `·` or `|`.
/// A label glued to its colon at `i` ("Postnr/ort:", "Tel:"): letters, `/` and `.`, then `:`.
fn field_label_at(t: &[u8], i: usize, le: usize) -> bool {
    let mut k = i;
    while k < le && (t[k].is_ascii_alphabetic() || t[k] >= 0x80 || matches!(t[k], b'/' | b'.')) {
        k += 1;
    }
    k > i && t.get(k) == Some(&b':') && k < le
}

fn value_end(t: &[u8], vs: usize, le: usize) -> usize {
    let mut k = vs;
    while k < le {
        let b = t[k];
        if b == b'\t' || b == b';' || b == b'|' || t[k..le].starts_with("·".as_bytes()) {
            break;
        }
        if b == b' ' && (t[k..le].starts_with(b"   ") || t.get(k + 1) == Some(&b'(')) {
            break;
        }
        // A scanned form's next field on the same line ("…lgh 1202  Postnr/ort: 723 41 …").
        if b == b' ' && t.get(k + 1) == Some(&b' ') && field_label_at(t, k + 2, le) {
            break;
        }
        // A full stop after a word of four letters or more ends the sentence ("…
        // Sundbyberg. 2 rum"); "Co.", "No.", "Bât." do not.
        if b == b'.' && t.get(k + 1).is_none_or(|n| *n == b' ' || *n == b'\r') {
            let mut w = k;
            while w > vs && (t[w - 1].is_ascii_alphabetic() || t[w - 1] >= 0x80) {
                w -= 1;
            }
            if std::str::from_utf8(&t[w..k]).is_ok_and(|s| s.chars().count() >= 4) {
                break;
            }
        }
        k += 1;
    }
    k
}

impl Scanner<'_> {
    /// Addresses after a person's address label (see the module's comment).
    pub(super) fn address_labels(&mut self) {
        let t = self.t;
        // A label and its value need more than a short field value holds.
        if t.len() < 16 {
            return;
        }
        let mut hits = Vec::new();
        let mut from = 0;
        while let Some(p) = DRESS.find(&t[from..]) {
            let at = from + p;
            from = at + 5;
            if let Some(h) = self.labelled_value(at) {
                hits.push(h);
            }
        }
        if hits.is_empty() {
            return;
        }
        // The candidates by start, once: each value looks only at those near it.
        let mut order: Vec<usize> = (0..self.out.len()).collect();
        order.sort_by_key(|&k| self.out[k].start);
        let mut dropped = vec![false; self.out.len()];
        let mut add = Vec::new();
        for (vs, ve, postal) in hits {
            let lo = order.partition_point(|&k| self.out[k].start + 256 < vs);
            let hi = order.partition_point(|&k| self.out[k].start < ve);
            if let Some(c) = self.labelled_cand(vs, ve, postal, &order[lo..hi], &mut dropped) {
                add.push(c);
            }
        }
        if dropped.iter().any(|&d| d) {
            let mut k = 0;
            self.out.retain(|_| {
                k += 1;
                !dropped[k - 1]
            });
        }
        self.out.extend(add);
    }

    /// The value after the label whose word holds `dress` at `at`: `(start, end)`, and
    /// whether the label names a mailing address (a person's own PO box counts there).
    fn labelled_value(&self, at: usize) -> Option<(usize, usize, bool)> {
        let t = self.t;
        let word = |b: u8| b.is_ascii_alphabetic() || b >= 0x80 || b == b'-';
        let mut ws = at;
        while ws > 0 && word(t[ws - 1]) && at - ws < 24 {
            ws -= 1;
        }
        let mut we = at + 5;
        while we < t.len() && word(t[we]) {
            we += 1;
        }
        // A colon ends the label, or a scanned form's leader ("Address ........ 6 Kennet Side").
        let leader = |k: usize| t.get(k..k + 3) == Some(b"...");
        let hi = t.len().min(we + 40);
        if we - ws > 24 || !(t[we..hi].contains(&b':') || (we..hi).any(leader)) {
            return None;
        }
        let w = std::str::from_utf8(&t[ws..we]).ok()?.to_lowercase();
        if !LABEL_WORDS.contains(&w.as_str()) {
            return None;
        }
        // The colon within a few words after the label's word ("Home address (if
        // different):", "Nuvarande adress enligt ansökan:").
        let colon = (we..hi).find(|&k| matches!(t[k], b':' | b'\n') || leader(k))?;
        // Only words and brackets between ("samma adress. Ert ordernr:" is no label).
        let label_bytes =
            |b: &u8| b.is_ascii_alphabetic() || *b >= 0x80 || matches!(b, b' ' | b'(' | b')' | b'/' | b'-');
        if t[colon] == b'\n' || !t[we..colon].iter().all(label_bytes) {
            return None;
        }
        let ls = memchr::memrchr(b'\n', &t[ws.saturating_sub(60)..ws])
            .map_or(ws.saturating_sub(60), |q| ws.saturating_sub(60) + q + 1);
        let label = String::from_utf8_lossy(&t[ls..colon]).to_lowercase();
        let label = label.rsplit(". ").next().unwrap_or("");
        if label.split([' ', '(', ')', '/']).any(|x| OTHER.contains(&x)) || names_a_place(label) {
            return None;
        }
        let postal = label.split([' ', '(', ')']).any(|x| matches!(x, "mailing" | "postal" | "postadress"));
        let mut vs = colon + 1;
        while vs < t.len() && (matches!(t[vs], b' ' | b'\t') || (t[colon] == b'.' && t[vs] == b'.')) {
            vs += 1;
        }
        let le = memchr::memchr(b'\n', &t[vs..]).map_or(t.len(), |q| vs + q);
        let mut ve = value_end(t, vs, le);
        // A value that ends its line with a comma goes on in the next line, when that line
        // is no field of its own ("Address: Nevsky Prospekt 88, apt 14,\n191025 St
        // Petersburg", as a form box wraps it).
        let mut k = ve;
        while k > vs && matches!(t[k - 1], b' ' | b'\r') {
            k -= 1;
        }
        if ve == le && k > vs && t[k - 1] == b',' && le + 1 < t.len() {
            let ns = le + 1;
            let ne = memchr::memchr(b'\n', &t[ns..]).map_or(t.len(), |q| ns + q);
            let next = &t[ns..ne];
            if !next.contains(&b':') && next.iter().any(u8::is_ascii_digit) && next.len() <= 60 {
                ve = value_end(t, ns, ne);
            }
        }
        while ve > vs && matches!(t[ve - 1], b' ' | b'.' | b',' | b':' | b'\r') {
            ve -= 1;
        }
        // A country after the last comma is outside the span.
        if let Some(c) = t[vs..ve].iter().rposition(|&b| b == b',')
            && std::str::from_utf8(&t[vs + c + 1..ve]).is_ok_and(is_country)
        {
            ve = vs + c;
            while ve > vs && t[ve - 1] == b' ' {
                ve -= 1;
            }
        }
        Some((vs, ve, postal))
    }

    /// Pushes `[vs, ve)` as one address when it reads as one and the grammars did not
    /// already find it whole.
    fn labelled_cand(
        &self,
        vs: usize,
        mut ve: usize,
        postal: bool,
        near: &[usize],
        dropped: &mut [bool],
    ) -> Option<Cand> {
        let t = self.t;
        // Cut at another kind of value on the line (a phone number, an e-mail address).
        for c in near.iter().map(|&k| &self.out[k]) {
            let other = matches!(
                c.label,
                Label::Phone
                    | Label::Email
                    | Label::Iban
                    | Label::CardNumber
                    | Label::SePersonnummer
                    | Label::DateOfBirth
                    | Label::CustomerCode
                    | Label::IpAddress
            );
            // Bare digits right after a town's name are its postcode ("Esfahan 8174673441").
            let postcode = c.label == Label::Phone
                && t[c.start..c.end].iter().all(u8::is_ascii_digit)
                && c.start >= 2
                && t[c.start - 1] == b' '
                && (t[c.start - 2].is_ascii_alphabetic() || t[c.start - 2] >= 0x80);
            if other && !postcode && c.start >= vs && c.start < ve {
                ve = c.start;
            }
        }
        while ve > vs && matches!(t[ve - 1], b' ' | b'.' | b',' | b':' | b'-') {
            ve -= 1;
        }
        // A remark after the last comma ("Granitvägen 3, postnummer saknas") is not a part.
        if let Some(c) = t[vs..ve].iter().rposition(|&b| b == b',') {
            let tail = std::str::from_utf8(&t[vs + c + 1..ve]).unwrap_or("").trim_start();
            if tail.starts_with(|ch: char| ch.is_lowercase()) && !tail.bytes().any(|b| b.is_ascii_digit()) {
                ve = vs + c;
            }
        }
        let Ok(v) = std::str::from_utf8(&t[vs..ve]) else { return None };
        let lower = v.to_lowercase();
        let first = v.chars().next();
        let reads = (6..=110).contains(&v.len())
            && first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
            && v.bytes().any(|b| b.is_ascii_digit())
            && v.split([' ', ',']).any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
            && !v.contains('@')
            && !v.contains("://")
            && !lower.starts_with("c/o");
        if !reads {
            return None;
        }
        // The grammars found the whole address here (or its end, a street's name too short):
        // their end stands, the label gives the start.
        if let Some(g) = near
            .iter()
            .map(|&k| &self.out[k])
            .find(|c| c.label == Label::PostalAddress && c.rec == "address" && c.start >= vs && c.start < ve)
            && (g.start == vs || g.end != ve)
        {
            return None;
        }
        // A post-office box is a company's by convention; a long number (a postcode) or
        // four parts or more make it an address rather than a street line alone.
        let po_box = ["box ", "po box", "p.o. box", "postbox", "pob "].iter().any(|b| lower.starts_with(b));
        if po_box && !postal {
            return None;
        }
        let parts = v.split(',').count();
        // Not the house number that opens it ("4521 Birch Avenue, Portland").
        let rest = v.trim_start_matches(|c: char| c.is_ascii_digit());
        let postcode = rest.split(|c: char| !c.is_ascii_digit()).any(|d| d.len() >= 4)
            || (vs..ve).any(|k| {
                let shaped = (k == vs || t[k - 1] == b' ') && t[k].is_ascii_alphanumeric();
                shaped
                    && (self.uk_postcode(k).is_some_and(|e| e <= ve)
                        || self.eircode(k).is_some_and(|e| e <= ve)
                        || (k + 6 <= ve
                            && t[k..k + 3].iter().all(u8::is_ascii_digit)
                            && t[k + 3] == b' '
                            && t[k + 4..k + 6].iter().all(u8::is_ascii_digit)))
            });
        // The words before its first number naming a place ("Folktandvården Kungsholmen,
        // S:t Eriksgatan 36") make it a place's; a street's name does not ("Church Lane").
        let place_head = v.split(',').take_while(|p| !p.bytes().any(|b| b.is_ascii_digit())).any(|p| {
            let last = p.split_whitespace().last().unwrap_or("");
            let street =
                lexicon::is_en_street(last) || is_en_street_type(last) || lexicon::is_se_street(last);
            !street && names_a_place(p)
        });
        if !(postcode || parts >= 4) || place_head {
            return None;
        }
        // The numbers inside are the address's (a ten-digit postcode is no organisation
        // number), and so are the parts found of it.
        for &k in near {
            let c = &self.out[k];
            let inside = c.start >= vs && c.end <= ve;
            // A part found of it that runs on past its end (a street read with the country
            // after it as its town) is a part too.
            let runs_on = c.label == Label::PostalAddress && c.start >= vs && c.start < ve;
            dropped[k] |= runs_on
                || inside
                    && matches!(
                        c.label,
                        Label::PostalAddress
                            | Label::SeOrgnr
                            | Label::UsSsn
                            | Label::SeBankAccount
                            | Label::Phone
                    );
        }
        let conf = if self.not_a_home(vs) || self.not_a_home_after(ve) {
            confidence::NOT_A_HOME
        } else {
            WHOLE_ADDRESS
        };
        Some(Cand { start: vs, end: ve, label: Label::PostalAddress, conf, rec: "address_label" })
    }
}
