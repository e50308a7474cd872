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
            end = j;
            // separators: ")", ") ", " ", "-", ".", "/", " (0) ", "(0)"
            let mut k = j;
            if t.get(k) == Some(&b')') {
                k += 1;
            }
            if matches!(t.get(k), Some(b' ' | b'-' | b'.' | b'/')) {
                k += 1;
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
        if digits > 15 || !right_ok(t, end) {
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
            if digits == 10 && groups >= 2 && first >= b'2' {
                return Some((end, confidence::PHONE_US_PAREN, "phone_us"));
            }
            return None;
        }
        let d = &t[i..end];
        if first == b'0' {
            if d.get(1) == Some(&b'0') {
                if (10..=17).contains(&digits) && sep_shape {
                    return Some((end, confidence::PHONE_INTL_PREFIX, "phone_intl_prefix"));
                }
                return None;
            }
            if (8..=10).contains(&digits) {
                return Some((
                    end,
                    if sep_shape { confidence::PHONE_SE_GROUPED } else { confidence::PHONE_SE_BARE },
                    "phone_se",
                ));
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
        None
    }

    pub(super) fn at_phone_punct(&mut self, i: usize) -> usize {
        let t = self.t;
        if !t.get(i + 1).is_some_and(u8::is_ascii_digit) || (i > 0 && is_word_byte(t[i - 1])) {
            return i + 1;
        }
        if let Some((e, conf, rec)) = self.phone(i) {
            self.push(i, e, Label::Phone, conf, rec);
            return e;
        }
        i + 1
    }

    pub(super) fn at_email(&mut self, i: usize) -> usize {
        let t = self.t;
        let is_local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
        let mut s = i;
        while s > 0 && i - s < 64 && is_local(t[s - 1]) {
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
        if tld.len() < 2 || !tld.iter().all(u8::is_ascii_alphabetic) {
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
        if colons < 2 || (!double && colons < 7) {
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
                    self.push(s, end, Label::IpAddress, confidence::IPV6, "ipv6");
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
