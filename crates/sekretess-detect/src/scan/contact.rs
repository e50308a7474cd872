//! Contact details: phone numbers, e-mail addresses and IPv6 addresses.

use super::confidence;
use super::{Scanner, is_word_byte, right_ok};
use crate::Label;

impl Scanner<'_> {
    /// Parse a phone number starting at `i` (a digit, `+` or `(`).
    pub(super) fn phone(&self, i: usize) -> Option<(usize, f32, &'static str)> {
        let t = self.t;
        let mut j = i;
        let intl = t[j] == b'+';
        let paren = t[j] == b'(';
        if intl || paren {
            j += 1;
        }
        let mut digits = 0usize;
        let mut groups = 0usize;
        let mut first = 0u8;
        let mut end = j;
        let mut seps = 0usize;
        let mut spaced = true;
        loop {
            let s = j;
            while j < t.len() && t[j].is_ascii_digit() {
                if digits == 0 {
                    first = t[j];
                }
                j += 1;
                digits += 1;
            }
            if j == s || digits > 15 {
                break;
            }
            groups += 1;
            spaced &= j - s == 1;
            end = j;
            // separators: ")", ") ", " ", "-", ".", "/", " (0) ", "(0)"
            let mut k = j;
            if t.get(k) == Some(&b')') {
                k += 1;
            }
            // A dash typeset as an en dash ("031–55 80 12"), or spaced in OCR'd forms
            // ("070 - 552 18 40").
            let dash = |k: usize| match t.get(k) {
                Some(b'-') => Some(k + 1),
                _ if t.get(k..k + 3) == Some(EN_DASH) => Some(k + 3),
                _ => None,
            };
            if let Some(e) = dash(k).or_else(|| {
                (t.get(k) == Some(&b' '))
                    .then(|| dash(k + 1))
                    .flatten()
                    .filter(|&e| t.get(e) == Some(&b' '))
                    .map(|e| e + 1)
            }) {
                k = e;
            } else if matches!(t.get(k), Some(b' ' | b'.' | b'/')) {
                k += 1;
                // OCR'd forms space out every digit and double some gaps ("0 7 0 - 4 1 2  8 8
                // 3 1"): while every group so far is one digit, two spaces separate too.
                if spaced && t.get(k) == Some(&b' ') && t[k - 1] == b' ' {
                    k += 1;
                }
            }
            if t.get(k..k + 3) == Some(b"(0)") {
                k += 3;
                if t.get(k) == Some(&b' ') {
                    k += 1;
                }
            } else if t.get(k) == Some(&b'(') {
                k += 1;
            }
            if k == j || !t.get(k).is_some_and(u8::is_ascii_digit) {
                break;
            }
            seps += 1;
            j = k;
        }
        if digits > 15 {
            return None;
        }
        // A North American extension right after the number (`…-0143x521`, `… ext. 12`).
        let ext_end = extension(t, end);
        let num_end = end;
        let end = ext_end.unwrap_or(end);
        if !right_ok(t, end) {
            return None;
        }
        let sep_shape = seps > 0;
        if intl {
            if (8..=15).contains(&digits) && first != b'0' {
                return Some((end, confidence::PHONE_E164, "phone_e164"));
            }
            return None;
        }
        if paren {
            // `(NXX)`: three digits of area code inside the parentheses, NXX not 0 or 1.
            if digits == 10 && groups >= 2 && first >= b'2' && t.get(i + 4) == Some(&b')') {
                return Some((end, confidence::PHONE_US_PAREN, "phone_us"));
            }
            // A trunk prefix and area code in brackets (`(02) 5550 1000`, `(020) 7946 0958`,
            // `(08) 512 445 00`): the bracket is part of the number as written.
            let area = t[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if first == b'0'
                && (2..=5).contains(&area)
                && t.get(i + 1 + area) == Some(&b')')
                && (9..=11).contains(&digits)
                && groups >= 2
                && ext_end.is_none()
            {
                return Some((end, confidence::PHONE_SE_GROUPED, "phone_national"));
            }
            return None;
        }
        let d = &t[i..num_end];
        if first == b'0' {
            if d.get(1) == Some(&b'0') {
                if (10..=17).contains(&digits) && sep_shape {
                    return Some((end, confidence::PHONE_INTL_PREFIX, "phone_intl_prefix"));
                }
                return None;
            }
            if (8..=10).contains(&digits) && ext_end.is_none() {
                // The Swedish printed form: trunk 0 and area code (1 to 3 digits), a dash, the
                // subscriber number in groups (`0660-29 18 40`, `08-512 445 00`). Its shape
                // is the evidence, so a cue word such as "faktura" near it does not sink it.
                let lens = group_lens(d);
                let after_area = d.get(lens.first().copied().unwrap_or(0)..).unwrap_or_default();
                let after_area = after_area.strip_prefix(b" ").unwrap_or(after_area);
                let area_dash = (after_area.starts_with(b"-") || after_area.starts_with(EN_DASH))
                    && (2..=4).contains(&lens[0])
                    && lens.len() >= 2
                    && lens[1..].iter().all(|&l| (2..=4).contains(&l));
                let conf = if spaced && groups > 3 {
                    // Every digit spaced out: only a phone cue makes it a number to call.
                    confidence::PHONE_NATIONAL_CUE_ONLY
                } else if area_dash {
                    PHONE_SE_AREA_DASH
                } else if sep_shape {
                    confidence::PHONE_SE_GROUPED
                } else {
                    confidence::PHONE_SE_BARE
                };
                return Some((end, conf, "phone_se"));
            }
            // UK national numbers: trunk 0 and ten digits. In the groups Ofcom's numbering
            // plan prints (`020 7946 0958`, `0121 303 1115`, `01227 555 014`, `07700 900123`,
            // `0344 555 0177`) they are taken as they stand; in other groups only with a cue.
            // Longer national numbers (German and Austrian mobiles and area codes, `0176 5550
            // 2281`): twelve digits in groups, only with a cue.
            if (11..=12).contains(&digits) && sep_shape && ext_end.is_none() {
                let conf = if uk_plan_groups(d, &group_lens(d)) {
                    PHONE_UK_PLAN
                } else {
                    confidence::PHONE_NATIONAL_CUE_ONLY
                };
                return Some((end, conf, "phone_national"));
            }
            return None;
        }
        if first == b'1' && digits == 11 && sep_shape && d.get(1).is_some_and(|c| !c.is_ascii_digit()) {
            return Some((end, confidence::PHONE_US_GROUPED, "phone_us"));
        }
        if digits == 10 && first >= b'2' {
            let ok3 = groups == 3 && d.get(3).is_some_and(|c| !c.is_ascii_digit());
            if ok3 {
                return Some((end, confidence::PHONE_US_GROUPED, "phone_us"));
            }
            if groups == 1 {
                return Some((end, confidence::PHONE_US_BARE, "phone_us"));
            }
        }
        // Norwegian and Danish national numbers: eight digits without a trunk prefix, in the
        // groups those plans print (`912 34 567`, `32 12 34 56`, `3212 3456`); taken only with
        // a phone cue.
        if digits == 8 && first >= b'2' && ext_end.is_none() {
            let lens = group_lens(d);
            if matches!(lens.as_slice(), [3, 2, 3] | [2, 2, 2, 2] | [4, 4] | [3, 5]) {
                return Some((end, confidence::PHONE_NATIONAL_CUE_ONLY, "phone_nordic"));
            }
        }
        // Spanish and Polish national numbers: nine digits without a trunk prefix, in the
        // groups their plans print (`612 345 678`, `91 123 45 67`, `22 123 45 67`); Spanish
        // numbers start with 6 to 9, Polish ones with 1 to 8 (geographic area codes start 1 to
        // 9, mobiles 4 to 8). Taken only with a phone cue.
        if digits == 9 && first >= b'1' && ext_end.is_none() {
            let lens = group_lens(d);
            if matches!(lens.as_slice(), [3, 3, 3] | [2, 3, 2, 2] | [3, 2, 2, 2]) {
                return Some((end, confidence::PHONE_NATIONAL_CUE_ONLY, "phone_es_pl"));
            }
        }
        None
    }
}

/// U+2013, the en dash, in UTF-8.
const EN_DASH: &[u8] = "\u{2013}".as_bytes();

/// A Swedish number in the printed area-code form (`0660-29 18 40`).
const PHONE_SE_AREA_DASH: f32 = 0.95;
/// A UK national number in the plan's printed groups.
const PHONE_UK_PLAN: f32 = 0.6;

/// Whether an 11-digit UK national number `d` (starting with the trunk 0) is written in the
/// groups of Ofcom's National Telephone Numbering Plan: `02x xxxx xxxx`; `01x1 xxx xxxx`,
/// `011x xxx xxxx`, `03xx`, `08xx`, `09xx` `xxx xxxx`; `01xxx xxxxxx` and `07xxx xxxxxx` (also
/// `07xxx xxx xxx`, `01xxx xxx xxx`).
fn uk_plan_groups(d: &[u8], lens: &[usize]) -> bool {
    let n = |k: usize| d.iter().filter(|b| b.is_ascii_digit()).nth(k).copied().unwrap_or(0);
    match (n(1), lens) {
        (b'2', [3, 4, 4]) => true,
        (b'1', [4, 3, 4]) => n(2) == b'1' || n(3) == b'1',
        (b'3' | b'8' | b'9', [4, 3, 4]) => true,
        (b'1' | b'7', [5, 6] | [5, 3, 3]) => true,
        _ => false,
    }
}

/// The end of an extension written right after a phone number ending at `e`: `x521`,
/// `X88`, ` x 12`, `ext. 12`, ` ext 4021` (1 to 6 digits), and the extension words of other
/// plans: Polish `wew.` (wewnętrzny), Swedish `ankn.` (anknytning), `extn`. OCR'd text may put
/// two spaces on either side of the word.
fn extension(t: &[u8], e: usize) -> Option<usize> {
    let mut k = e;
    let mut spaces = 0;
    while t.get(k) == Some(&b' ') && spaces < 2 {
        k += 1;
        spaces += 1;
    }
    let word = |w: &[u8]| t.get(k..k + w.len()).is_some_and(|x| x.eq_ignore_ascii_case(w));
    let after = |n: usize| !t.get(k + n).is_some_and(u8::is_ascii_alphabetic);
    match t.get(k) {
        Some(b'x' | b'X') if spaces < 2 => k += 1,
        _ if word(b"extn") && after(4) => k += 4,
        _ if word(b"ext") && after(3) => k += 3,
        _ if (word(b"wew") || word(b"ankn"))
            && spaces > 0
            && t.get(k + 3 + usize::from(word(b"ankn"))) == Some(&b'.') =>
        {
            k += 3 + usize::from(word(b"ankn"));
        }
        _ => return None,
    }
    if t.get(k) == Some(&b'.') {
        k += 1;
    }
    let mut gap = 0;
    while t.get(k) == Some(&b' ') && k > e + 1 && gap < 2 {
        k += 1;
        gap += 1;
    }
    let s = k;
    while k < t.len() && t[k].is_ascii_digit() && k - s <= 6 {
        k += 1;
    }
    let ends = !t.get(k).is_some_and(u8::is_ascii_alphanumeric);
    ((1..=6).contains(&(k - s)) && ends).then_some(k)
}

/// The end of a zone index (`%eth0`) and a prefix length (`/64`, up to 128) written after an
/// IPv6 address ending at `e`; `e` when there is neither.
fn ipv6_suffix(t: &[u8], e: usize) -> usize {
    let mut end = e;
    if t.get(end) == Some(&b'%') {
        let mut k = end + 1;
        while k < t.len() && k - end <= 16 && (t[k].is_ascii_alphanumeric() || matches!(t[k], b'_' | b'.')) {
            k += 1;
        }
        if k > end + 1 {
            end = k;
        }
    }
    if t.get(end) == Some(&b'/') {
        let mut k = end + 1;
        let mut v = 0u32;
        while k < t.len() && t[k].is_ascii_digit() && k - end <= 3 {
            v = v * 10 + u32::from(t[k] - b'0');
            k += 1;
        }
        if k > end + 1 && v <= 128 && !t.get(k).is_some_and(|&b| is_word_byte(b)) {
            end = k;
        }
    }
    end
}

/// Lengths of the digit groups of a phone-shaped run.
fn group_lens(d: &[u8]) -> Vec<usize> {
    d.split(|b| !b.is_ascii_digit()).map(<[u8]>::len).filter(|&l| l > 0).collect()
}

impl Scanner<'_> {
    pub(super) fn at_phone_punct(&mut self, i: usize) -> usize {
        let t = self.t;
        // A fill-in line before the sign or bracket bounds it like a space.
        let glued = i > 0 && is_word_byte(t[i - 1]) && !(t[i - 1] == b'_' && super::line_before(t, i));
        if !t.get(i + 1).is_some_and(u8::is_ascii_digit) || glued {
            return i + 1;
        }
        if let Some((e, conf, rec)) = self.phone(i) {
            self.push(i, e, Label::Phone, conf, rec);
            // After `(` the digits are scanned too: an identifier in brackets
            // ("Lisa Berg (811218-9876)") is its own candidate and wins the overlap by tier.
            return if t[i] == b'(' { i + 1 } else { e };
        }
        i + 1
    }

    pub(super) fn at_email(&mut self, i: usize) -> usize {
        let t = self.t;
        let is_local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
        let mut s = i;
        // Two dots or two underscores in a row are a form's leader or fill-in line
        // ("E-post........anna@x.se", "Email ____anna@x.se"), not a local part.
        let leader = |k: usize| matches!(t[k - 1], b'.' | b'_') && k >= 2 && t[k - 2] == t[k - 1];
        while s > 0 && i - s < 64 && is_local(t[s - 1]) && !leader(s) {
            s -= 1;
        }
        while s < i && matches!(t[s], b'.' | b'-' | b'+') {
            s += 1;
        }
        if s == i {
            return i + 1;
        }
        // Domain: labels of [A-Za-z0-9-] separated by dots; last label alphabetic, 2+ chars.
        let mut j = i + 1;
        let mut last_dot = 0;
        let mut labels = 0;
        loop {
            let ls = j;
            while j < t.len() && (t[j].is_ascii_alphanumeric() || t[j] == b'-') && j - i < 255 {
                j += 1;
            }
            if j == ls {
                break;
            }
            labels += 1;
            if t.get(j) == Some(&b'.') && t.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
                last_dot = j;
                j += 1;
            } else {
                break;
            }
        }
        if labels < 2 {
            return i + 1;
        }
        let tld = &t[last_dot + 1..j];
        // An internationalised TLD in its ASCII form (`xn--p1ai`, RFC 3490) counts too.
        let idn = tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--");
        if tld.len() < 2 || !(idn || tld.iter().all(u8::is_ascii_alphabetic)) {
            return i + 1;
        }
        self.push(s, j, Label::Email, confidence::EMAIL, "email");
        j
    }

    // ---------------------------------------------------------------- IPv6

    pub(super) fn at_ipv6(&mut self, i: usize) -> usize {
        let t = self.t;
        let is_v6 = |b: u8| b.is_ascii_hexdigit() || b == b':';
        let mut s = i;
        while s > 0 && i - s < 40 && is_v6(t[s - 1]) {
            s -= 1;
        }
        let mut e = i;
        while e < t.len()
            && e - s < 46
            && (is_v6(t[e]) || (t[e] == b'.' && t.get(e + 1).is_some_and(u8::is_ascii_digit)))
        {
            e += 1;
        }
        let cand = &t[s..e];
        let colons = cand.iter().filter(|&&b| b == b':').count();
        let double = memchr::memmem::find(cand, b"::").is_some();
        // Seven colons, or six before an embedded IPv4 address (`0:0:0:0:0:ffff:1.2.3.4`).
        let embedded = cand.contains(&b'.');
        // One colon is a label's ("Personnr:880911-7982"): the value after it is scanned.
        if colons < 2 {
            return i + 1;
        }
        if !double && colons < if embedded { 6 } else { 7 } {
            return e;
        }
        if (s > 0 && (is_word_byte(t[s - 1]) || t[s - 1] == b'.'))
            || t.get(e).is_some_and(|&b| is_word_byte(b))
        {
            return e;
        }
        // Trailing ':' (e.g. "addr ::1:") is trimmed by trying shorter ends.
        let mut end = e;
        while end > s + 2 {
            if let Some(text) = std::str::from_utf8(&t[s..end]).ok()
                && text.parse::<std::net::Ipv6Addr>().is_ok()
            {
                if text.bytes().filter(|b| b.is_ascii_hexdigit()).count() >= 1 {
                    let full = if end == e { ipv6_suffix(t, e) } else { end };
                    self.push(s, full, Label::IpAddress, confidence::IPV6, "ipv6");
                    return full;
                }
                return e;
            }
            if t[end - 1] != b':' {
                break;
            }
            end -= 1;
        }
        e
    }
}
