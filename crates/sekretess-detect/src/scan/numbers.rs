//! Identifiers in digit groups: card numbers, personnummer and organisationsnummer, US SSN,
//! IPv4 addresses, Swedish bank accounts and IBAN (found from its check digits).

use super::confidence;
use super::{Cand, Groups, Scanner, is_letter_before, is_word_byte, left_ok, right_ok};
use crate::Label;
use sekretess_ident as ident;

/// Column names under which a bankgiro-shaped number is one even when its check fails.
const GIRO_COLUMNS: &[&str] = &["konto", "account", "bankgiro", "bg"];

impl Scanner<'_> {
    pub(super) fn at_digit(&mut self, i: usize) -> usize {
        let t = self.t;
        let mut run_end = i;
        while run_end < t.len() && t[run_end].is_ascii_digit() {
            run_end += 1;
        }
        if !left_ok(t, i) {
            // Possibly the check digits of an IBAN ("SE45 …", "be 54 …").
            if let Some(e) = self.iban_lookback(i) {
                return e;
            }
            return run_end;
        }
        if let Some(e) = self.iban_lookback(i) {
            return e;
        }
        let before = self.out.len();
        let g = Groups::read(t, i, b" -+./");
        self.cards(&g);
        self.se_ids(&g);
        self.ssn(&g);
        self.ipv4(&g);
        let date_shape = self.dates(i, &g);
        self.bank(&g);
        self.postal_digits(i, &g);
        // A phone number does not start inside a space-separated run of digit groups.
        let mid_run = i >= 2 && t[i - 1] == b' ' && t[i - 2].is_ascii_digit();
        // A whole address that ends in these digits (a ZIP+4 "MA 02467-1109") has read them
        // (it replaced its street found before: it may stand before `before`).
        let in_address = self
            .out
            .iter()
            .rev()
            .take(4)
            .any(|c| c.label == Label::PostalAddress && c.start < i && c.end > i && c.conf >= 0.5);
        if !date_shape
            && !mid_run
            && !in_address
            && let Some((e, conf, rec)) = self.phone(i)
            && !(rec == "phone_us" && self.nhs_number(i))
        {
            self.push(i, e, Label::Phone, conf, rec);
        }
        // Continue after the most specific candidate found here (not after the longest: a
        // phone-shaped run may swallow a second IP address that is its own finding).
        // (An address's letterhead rule may have dropped earlier parts: `before` can be past the end.)
        let best = self.out[before.min(self.out.len())..]
            .iter()
            .max_by(|a, b| a.label.tier().cmp(&b.label.tier()).then(a.conf.total_cmp(&b.conf)))
            .map_or(run_end, |c| c.end);
        best.max(run_end)
    }

    fn cards(&mut self, g: &Groups) {
        let t = self.t;
        for k in (1..=g.n).rev() {
            let total: usize = g.lens(k).sum();
            if !(12..=19).contains(&total) {
                continue;
            }
            let sep = g.same_sep(k);
            if k > 1 && !matches!(sep, Some(b' ' | b'-')) {
                continue;
            }
            if k > 1 && g.lens(k).any(|l| !(2..=6).contains(&l)) {
                continue;
            }
            // The run goes on with another group of the same length and separator
            // ("5610 5910 8101 8251"): the number is the longer run, not a valid prefix of it.
            if k > 1 && k < g.n && sep == Some(g.sep[k - 1]) && g.len(k) == g.len(k - 1) {
                continue;
            }
            if !right_ok(t, g.end(k)) {
                continue;
            }
            let mut d = std::mem::take(&mut self.buf);
            g.digits(t, k, &mut d);
            let ok = ident::is_card(&d);
            self.buf = d;
            if ok {
                let base = match (k, total) {
                    (1, 16) => confidence::CARD_16_DIGITS,
                    (1, 12 | 13) => confidence::CARD_SHORT,
                    (1, _) => confidence::CARD_OTHER_LENGTH,
                    _ => confidence::CARD_GROUPED,
                };
                self.push(g.g[0].0, g.end(k), Label::CardNumber, base, "card_luhn");
                return;
            }
        }
    }

    /// A Swedish VAT number (`SE` + ten digits + `01`) of a sole trader: its ten digits are
    /// the owner's personnummer (Skatteverket builds the number from the organisation
    /// number, and a sole trader's is the personnummer), reported as one.
    pub(super) fn vat_personnummer(&mut self, i: usize) -> Option<usize> {
        let t = self.t;
        let mut run_end = i;
        while run_end < t.len() && t[run_end].is_ascii_digit() {
            run_end += 1;
        }
        let prefixed = i >= 2 && &t[i - 2..i] == b"SE" && !(i >= 3 && t[i - 3].is_ascii_alphanumeric());
        if !prefixed || run_end - i != 12 || &t[run_end - 2..run_end] != b"01" || !right_ok(t, run_end) {
            return None;
        }
        let d = &t[i..i + 10];
        if ident::personnummer(d).is_some() && ident::orgnr(d) != Some(true) {
            self.push(i, i + 10, Label::SePersonnummer, confidence::PNR_10_DIGITS, "se_vat_personnummer");
        }
        Some(run_end)
    }

    fn se_ids(&mut self, g: &Groups) {
        let t = self.t;
        let all = g.len_array();
        let lens = &all[..g.n];
        // (number of groups used, base confidence for a personnummer)
        let shape = match (lens, g.sep[0], g.sep[1]) {
            ([10 | 12, ..], _, _) => {
                Some((1, if lens[0] == 12 { confidence::PNR_12_DIGITS } else { confidence::PNR_10_DIGITS }))
            }
            ([6 | 8, 4, ..], b'-' | b'+', _) => Some((2, confidence::PNR_DASH)),
            ([6 | 8, 4, ..], b' ', _) => Some((2, confidence::PNR_SPACE)),
            ([4, 2, 4, ..], b'-', b'-') => Some((3, confidence::PNR_DATE_DASHES)),
            _ => None,
        };
        let Some((k, base)) = shape else { return };
        let end = g.end(k);
        if !right_ok(t, end) {
            return;
        }
        let mut d = std::mem::take(&mut self.buf);
        g.digits(t, k, &mut d);
        let pnr = ident::personnummer(&d);
        let org = if k == 3 || (k == 2 && g.sep[0] == b'+') { None } else { ident::orgnr(&d) };
        self.buf = d;
        let start = g.g[0].0;
        match (pnr, org) {
            // Date-shaped with a valid date (third digit < 2): a person's number, even after
            // an organisation cue. A sole trader's organisation number is the owner's
            // personnummer; a legal person's has a third digit of 2 or more.
            (Some(coord), Some(false) | None) => {
                let rec = if coord { "se_samordningsnummer" } else { "se_personnummer" };
                self.push(start, end, Label::SePersonnummer, base, rec);
            }
            (_, Some(true)) => {
                // Ten bare digits with a phone cue and no organisation cue ("ring 2025550142")
                // are a phone number that happens to pass Luhn (one in ten does). Written
                // `NNNNNN-NNNN` it is an organisation number's shape, not a phone's.
                if k == 1 && self.cue(start, end, Label::Phone) && !self.cue(start, end, Label::SeOrgnr) {
                    return;
                }
                let b = if k == 1 { confidence::ORGNR_BARE } else { confidence::ORGNR_GROUPED };
                self.push(start, end, Label::SeOrgnr, b, "se_orgnr_luhn");
            }
            _ => {}
        }
    }

    fn ssn(&mut self, g: &Groups) {
        let t = self.t;
        let (k, base) = if g.n >= 3 && g.len(0) == 3 && g.len(1) == 2 && g.len(2) == 4 {
            match g.same_sep(3) {
                Some(b'-') => (3, confidence::SSN_DASHES),
                Some(b' ' | b'.') => (3, confidence::SSN_SPACES),
                _ => return,
            }
        } else if g.len(0) == 9 {
            (1, confidence::SSN_BARE)
        } else {
            return;
        };
        let end = g.end(k);
        if !right_ok(t, end) || (k == 3 && g.n > 3 && g.sep[2] != b' ') {
            return;
        }
        let mut d = std::mem::take(&mut self.buf);
        g.digits(t, k, &mut d);
        let ok = ident::is_ssn(&d);
        self.buf = d;
        if ok {
            self.push(g.g[0].0, end, Label::UsSsn, base, "us_ssn");
        }
    }

    fn ipv4(&mut self, g: &Groups) {
        let t = self.t;
        if g.n < 4 || g.sep[..3].iter().any(|&s| s != b'.') {
            return;
        }
        if g.n > 4 && g.sep[3] == b'.' {
            return;
        }
        for k in 0..4 {
            let (s, e) = g.g[k];
            let part = &t[s..e];
            if part.len() > 3 || (part.len() > 1 && part[0] == b'0') {
                return;
            }
            let v = part.iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
            if v > 255 {
                return;
            }
        }
        let mut end = g.end(4);
        // A CIDR prefix length (`/24`) belongs to the address; an impossible one (`/123`)
        // leaves the address alone.
        if g.n > 4 && g.sep[3] == b'/' {
            let (s, e) = g.g[4];
            let v =
                t[s..e].iter().fold(0u32, |a, &c| a.saturating_mul(10).saturating_add(u32::from(c - b'0')));
            if e - s <= 2 && v <= 32 && right_ok(t, e) {
                end = e;
            } else if !t.get(e).is_some_and(|&b| is_word_byte(b)) {
                self.push_ipv4(g.g[0].0, end);
                return;
            }
        }
        if !right_ok(t, end) {
            return;
        }
        self.push_ipv4(g.g[0].0, end);
    }

    /// An IPv4 address: a version word right before it ("build 1.2.3.4", "fw_version=7.2.1.4")
    /// makes it a version string, and a section word ("instruktion 4.2.1.3", "section
    /// 2.1.4.3") the number of a part of a document; a version word elsewhere on the line
    /// ("portal (10.40.1.12), version 2.14.3") names the other number, so it does not lower
    /// the address.
    fn push_ipv4(&mut self, s: usize, e: usize) {
        let t = self.t;
        let lo = s.saturating_sub(16);
        let before = String::from_utf8_lossy(&t[lo..s]).to_lowercase();
        let key = before.trim_end_matches([' ', '=', ':', '"', '\'', '\t']);
        let version = [
            "version",
            "ver",
            "release",
            "build",
            "firmware",
            "fw",
            "oid",
            "snmp",
            "v",
            "instruktion",
            "instruction",
            "section",
            "avsnitt",
            "kapitel",
            "chapter",
            "punkt",
            "paragraph",
            "clause",
            "§",
        ]
        .iter()
        .any(|w| key.ends_with(w) && !key[..key.len() - w.len()].ends_with(|c: char| c.is_alphanumeric()));
        // Joined to a word ("section-4.2.1.3", "appversion 7.1.2.3"), a directory or a file
        // name after it ("/4.2.1.3/model.bin", "4.2.1.3.pdf"): a version or a section.
        let joined = key.ends_with("version")
            || (s >= 2 && t[s - 1] == b'-' && t[s - 2].is_ascii_alphabetic())
            || (t.get(e) == Some(&b'/') && t.get(e + 1).is_some_and(u8::is_ascii_alphabetic))
            || (t.get(e) == Some(&b'.') && t.get(e + 1).is_some_and(u8::is_ascii_alphabetic));
        if version || joined {
            return;
        }
        let cue = self.cue(s, e, Label::IpAddress);
        // Four small numbers ("4.2.1.9", "14.0.2.3") are a version, not an address, unless a
        // cue or the field says otherwise; a private `10.` network and the repeated public
        // resolvers ("1.1.1.1", "8.8.8.8") are addresses.
        let mut parts = [0u32; 4];
        let mut n = 0;
        for p in t[s..e].split(|&b| b == b'.' || b == b'/').take(4) {
            parts[n] = p
                .iter()
                .fold(0u32, |a, &c| a.saturating_mul(10).saturating_add(u32::from(c.wrapping_sub(b'0'))));
            n += 1;
        }
        let small = n == 4
            && parts.iter().all(|&p| p <= 20)
            && parts[0] != 10
            && parts.iter().any(|&p| p != parts[0])
            && !t[s..e].contains(&b'/');
        if small && !cue && self.key != Some(Label::IpAddress) {
            return;
        }
        let mut conf = confidence::IPV4 + 0.3 * f32::from(u8::from(cue));
        match self.key {
            Some(Label::IpAddress) => conf += confidence::FIELD_NAME_MATCH,
            Some(Label::Person | Label::PostalAddress | Label::Email) | None => {}
            Some(_) => conf -= confidence::FIELD_NAME_OTHER,
        }
        self.out.push(Cand {
            start: s,
            end: e,
            label: Label::IpAddress,
            conf: conf.clamp(0.0, 1.0),
            rec: "ipv4",
        });
    }

    fn bank(&mut self, g: &Groups) {
        let t = self.t;
        // Not the tail of a longer run of four-digit groups (an IBAN or card that failed its
        // check: "PL86 1214 4191 1070 8448 9603 1223").
        let s = g.g[0].0;
        if s >= 5 && t[s - 1] == b' ' && t[s - 5..s - 1].iter().all(u8::is_ascii_digit) {
            return;
        }
        // An ISO date (and the hour after it) is no account ("2026-11-03 09:20").
        if g.n >= 3 && g.len(0) == 4 && g.len(1) == 2 && g.len(2) == 2 && g.sep[0] == b'-' && g.sep[1] == b'-'
        {
            return;
        }
        if self.se_bank_account(g) {
            return;
        }
        let all = g.len_array();
        let lens = &all[..g.n];
        let mut d = std::mem::take(&mut self.buf);
        let mut hit: Option<(usize, &'static str)> = None;
        let mut base = confidence::SE_BANK_ACCOUNT;
        // Bankgiro: 3-4 or 4-4 with a dash; Luhn, or named right before ("bankgiro 612-3368",
        // "BG 322-9192": a number its payer copies from the invoice, checked or not).
        if g.n >= 2 && (lens[0] == 3 || lens[0] == 4) && lens[1] == 4 && g.sep[0] == b'-' {
            g.digits(t, 2, &mut d);
            // Or in a table column named as an account or giro far above ("avsändarkonto").
            let keyed = self.giro_key_before(g.g[0].0)
                || self.key == Some(Label::SeBankAccount)
                || (!ident::luhn(&d) && self.column_named_above(g.g[0].0, GIRO_COLUMNS));
            if (ident::luhn(&d) || keyed) && right_ok(t, g.end(2)) {
                hit = Some((2, "se_bankgiro"));
                if keyed {
                    base = confidence::GIRO_KEYED;
                }
            }
        }
        // Plusgiro: 1-7 digits, dash, one check digit (possibly in pairs "12 34 56-7"); Luhn.
        // Not Swedbank's five-digit clearing number after its word ("clearing 8105-9").
        if hit.is_none() {
            for k in 2..=g.n.min(5) {
                if g.len(k - 1) == 1 && g.sep[k - 2] == b'-' && g.lens(k - 1).all(|l| l <= 7) {
                    g.digits(t, k, &mut d);
                    if (2..=8).contains(&d.len()) && ident::luhn(&d) && right_ok(t, g.end(k)) {
                        let s = g.g[0].0;
                        let after_clearing = t[s.saturating_sub(16)..s]
                            .windows(8)
                            .any(|w| w.eq_ignore_ascii_case(b"clearing"));
                        if !after_clearing {
                            hit = Some((k, "se_plusgiro"));
                        }
                    }
                    break;
                }
            }
        }
        // Clearing number (4 or 5 digits) and account number (6-10 digits, maybe grouped).
        if hit.is_none() && (lens[0] == 4 || lens[0] == 5) && g.n >= 2 && t[g.g[0].0] != b'0' {
            for k in (2..=g.n.min(6)).rev() {
                let acc: usize = g.lens(k).skip(1).sum();
                // Dots between the groups are the Norwegian form ("1503.41.22871").
                let dotted = g.sep[..k - 1].contains(&b'.');
                if (6..=10).contains(&acc) && !dotted && right_ok(t, g.end(k)) {
                    hit = Some((k, "se_bank_account"));
                    break;
                }
            }
        }
        self.buf = d;
        if let Some((k, rec)) = hit
            && (base > confidence::SE_BANK_ACCOUNT || self.cue(g.g[0].0, g.end(k), Label::SeBankAccount))
        {
            self.push(g.g[0].0, g.end(k), Label::SeBankAccount, base, rec);
        }
    }

    /// Whether "bankgiro", "bg", "plusgiro" or "pg" (and perhaps a colon or a line break)
    /// stands right before `i`.
    fn giro_key_before(&self, i: usize) -> bool {
        let t = self.t;
        let lo = i.saturating_sub(16);
        let before = String::from_utf8_lossy(&t[lo..i]).to_lowercase();
        let key = before.trim_end_matches([' ', ':', '\n', '\r', '\t', '.', '#']);
        ["bankgiro", "bankgironummer", "bg", "bg-nr", "bgnr", "plusgiro", "postgiro", "pg"]
            .iter()
            .any(|w| key.ends_with(w) && !key[..key.len() - w.len()].ends_with(|c: char| c.is_alphanumeric()))
    }

    fn iban_lookback(&mut self, i: usize) -> Option<usize> {
        let t = self.t;
        // Country code right before the check digits, or with one space ("be 54 …").
        let cc_start = if i >= 2 && t[i - 1].is_ascii_alphabetic() && t[i - 2].is_ascii_alphabetic() {
            i - 2
        } else if i >= 3
            && t[i - 1] == b' '
            && t[i - 2].is_ascii_alphabetic()
            && t[i - 3].is_ascii_alphabetic()
        {
            i - 3
        } else {
            return None;
        };
        if cc_start > 0 && is_letter_before(t, cc_start) {
            return None;
        }
        let cc = [t[cc_start].to_ascii_uppercase(), t[cc_start + 1].to_ascii_uppercase()];
        let want = ident::iban_length(&cc)?;
        let mut compact = std::mem::take(&mut self.buf);
        compact.clear();
        compact.extend_from_slice(&cc);
        let mut j = i;
        let mut end = i;
        while compact.len() < want && j < t.len() {
            let c = t[j];
            if c.is_ascii_alphanumeric() {
                compact.push(c.to_ascii_uppercase());
                j += 1;
                end = j;
            } else if matches!(c, b' ' | b'-' | b'.') && t.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
                j += 1;
            } else {
                break;
            }
        }
        let ok = compact.len() == want
            && !t.get(end).is_some_and(u8::is_ascii_alphanumeric)
            && ident::is_iban(&compact);
        self.buf = compact;
        if ok {
            self.push(cc_start, end, Label::Iban, confidence::IBAN, "iban_mod97");
            return Some(end);
        }
        None
    }
}
