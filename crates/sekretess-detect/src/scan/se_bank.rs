//! Swedish bank accounts: clearing number + account number, by the rules of Bankgirot's
//! "Bankernas kontonummeruppbyggnad" (Bankgirocentralen BGC AB, the user manual on how the
//! banks build their account numbers; with its "10-modul" and "11-modul" check rules):
//!
//! - **Type 1** (4-digit clearing + 7-digit account), mod 11 with weights 1, 2, …, 10
//!   repeating from the right. *Comment 1*: over the clearing's last three digits and the
//!   account (10 digits). *Comment 2*: over the whole clearing and the account (11 digits).
//! - **Type 2**: the account alone is checked. *Comment 1*: 10 digits, mod 10 (Luhn)
//!   (Danske Bank 9180-9189, Nordea personkonto 3300 and 3782, Sparbanken Syd, Riksgälden).
//!   *Comment 2*: Handelsbanken 6000-6999, 9 digits, mod 11 (same weights). *Comment 3*:
//!   Swedbank 8000-8999 (a 5-digit clearing whose fifth digit is not part of the check) and
//!   Nordea/Plusgirot 9500-9549, 9960-9969: up to 10 digits, mod 10.
//!
//! A written account whose clearing range exists and whose account has that range's
//! length is a candidate; one that passes its check is found without a cue word (a check
//! that passes by chance on an 11-digit run is one in eleven, so a bare run of digits still
//! needs a cue); one that fails the check (a typo, or a made-up sample) needs an account
//! cue near it, as before.

use super::{Groups, Scanner, right_ok};
use crate::Label;

/// How a clearing range checks its accounts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Rule {
    /// Type 1, comment 1: mod 11 over clearing digits 2-4 + 7 account digits.
    T1C1,
    /// Type 1, comment 2: mod 11 over 4 clearing digits + 7 account digits.
    T1C2,
    /// Type 2, comment 1: 10-digit account, mod 10.
    T2C1,
    /// Type 2, comment 2: 9-digit account, mod 11.
    T2C2,
    /// Type 2, comment 3: account of up to 10 digits, mod 10.
    T2C3,
}

/// Clearing ranges (first, last, rule), from Bankgirot's table.
const RANGES: &[(u16, u16, Rule)] = &[
    (1100, 1199, Rule::T1C1), // Nordea
    (1200, 1399, Rule::T1C1), // Danske Bank
    (1400, 2099, Rule::T1C1), // Nordea
    (2300, 2399, Rule::T1C1), // Ålandsbanken
    (2400, 2499, Rule::T1C1), // Danske Bank
    (3000, 3299, Rule::T1C1), // Nordea
    (3300, 3300, Rule::T2C1), // Nordea personkonto
    (3301, 3399, Rule::T1C1), // Nordea
    (3400, 3409, Rule::T1C1), // Länsförsäkringar Bank
    (3410, 3781, Rule::T1C1), // Nordea
    (3782, 3782, Rule::T2C1), // Nordea personkonto
    (3783, 3999, Rule::T1C1), // Nordea
    (4000, 4999, Rule::T1C2), // Nordea
    (5000, 5999, Rule::T1C1), // SEB
    (6000, 6999, Rule::T2C2), // Handelsbanken
    (7000, 7999, Rule::T1C1), // Swedbank
    (8000, 8999, Rule::T2C3), // Swedbank (5-digit clearing)
    (9020, 9029, Rule::T1C2), // Länsförsäkringar Bank
    (9040, 9049, Rule::T1C2), // Citibank
    (9060, 9069, Rule::T1C1), // Länsförsäkringar Bank
    (9070, 9079, Rule::T1C2), // Multitude Bank
    (9100, 9109, Rule::T1C2), // Nordnet Bank
    (9120, 9124, Rule::T1C1), // SEB
    (9130, 9149, Rule::T1C1), // SEB
    (9150, 9169, Rule::T1C2), // Skandiabanken
    (9170, 9179, Rule::T1C1), // Ikano Bank
    (9180, 9189, Rule::T2C1), // Danske Bank
    (9190, 9199, Rule::T1C2), // DNB Bank
    (9230, 9239, Rule::T1C1), // Marginalen Bank
    (9250, 9259, Rule::T1C1), // SBAB Bank
    (9260, 9269, Rule::T1C2), // DNB Bank
    (9270, 9279, Rule::T1C1), // ICA Banken
    (9280, 9289, Rule::T1C1), // Resurs Bank
    (9300, 9349, Rule::T1C1), // Swedbank (formerly Sparbanken Öresund)
    (9390, 9399, Rule::T1C2), // Landshypotek
    (9400, 9449, Rule::T1C1), // Forex Bank
    (9460, 9469, Rule::T1C1), // Santander Consumer Bank
    (9470, 9479, Rule::T1C2), // BNP Paribas
    (9500, 9549, Rule::T2C3), // Nordea / Plusgirot
    (9550, 9569, Rule::T1C2), // Avanza Bank
    (9570, 9579, Rule::T2C1), // Sparbanken Syd
    (9580, 9589, Rule::T1C1), // Aion Bank
    (9590, 9599, Rule::T1C2), // Erik Penser
    (9630, 9639, Rule::T1C1), // Lån & Spar Bank
    (9640, 9649, Rule::T1C2), // Nordax Bank
    (9650, 9659, Rule::T1C2), // MedMera Bank
    (9660, 9669, Rule::T1C2), // Svea Bank
    (9670, 9679, Rule::T1C2), // JAK Medlemsbank
    (9680, 9689, Rule::T1C1), // Bluestep Finans
    (9700, 9709, Rule::T1C2), // Ekobanken
    (9710, 9719, Rule::T1C2), // Lunar Bank
    (9750, 9759, Rule::T1C2), // Northmill Bank
    (9780, 9789, Rule::T1C2), // Klarna Bank
    (9880, 9889, Rule::T1C2), // Riksgälden
    (9890, 9899, Rule::T2C1), // Riksgälden
    (9960, 9969, Rule::T2C3), // Nordea / Plusgirot
];

/// The rule of a 4-digit clearing number.
pub(crate) fn clearing_rule(clearing: u16) -> Option<Rule> {
    RANGES.iter().find(|(a, b, _)| (*a..=*b).contains(&clearing)).map(|r| r.2)
}

/// Whether an account of `n` digits has the length its rule gives.
fn length_ok(rule: Rule, n: usize) -> bool {
    match rule {
        Rule::T1C1 | Rule::T1C2 => n == 7,
        Rule::T2C1 => n == 10,
        Rule::T2C2 => n == 9,
        Rule::T2C3 => (6..=10).contains(&n),
    }
}

/// Bankgirot's 11-modul: weights 1, 2, …, 10, 1, 2 … from the right; the sum is divisible
/// by 11.
fn mod11(digits: impl DoubleEndedIterator<Item = u8>) -> bool {
    let sum: u32 = digits.rev().enumerate().map(|(k, d)| u32::from(d) * (k as u32 % 10 + 1)).sum();
    sum.is_multiple_of(11)
}

/// Bankgirot's 10-modul (Luhn).
fn mod10(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (k, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d);
        if k % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Whether a clearing number (4 digits, values 0-9) and an account number (digits) pass
/// their bank's check. `None` when the clearing range is unknown or the length is wrong.
pub(crate) fn account_valid(clearing: &[u8; 4], account: &[u8]) -> Option<bool> {
    if clearing.iter().chain(account).any(|&d| d > 9) {
        return None;
    }
    let c = clearing.iter().fold(0u16, |a, &d| a * 10 + u16::from(d));
    let rule = clearing_rule(c)?;
    if !length_ok(rule, account.len()) {
        return None;
    }
    Some(match rule {
        Rule::T1C1 => mod11(clearing[1..].iter().chain(account).copied()),
        Rule::T1C2 => mod11(clearing.iter().chain(account).copied()),
        Rule::T2C2 => mod11(account.iter().copied()),
        Rule::T2C1 | Rule::T2C3 => mod10(account),
    })
}

/// "clearing" in the two cases it is written in, found once per text window.
static CLEARING: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> = std::sync::LazyLock::new(|| {
    [memchr::memmem::Finder::new(b"learing"), memchr::memmem::Finder::new(b"LEARING")]
});

/// Words that name a column of accounts in a table's header ("Konto", "Autogirokonto",
/// "From account").
const ACCOUNT_COLUMNS: &[&str] = &["konto", "account", "acct"];

/// A found account passes its check: base confidence (no cue needed).
const CHECKED: f32 = 0.7;
/// A written account of a known clearing range and the right length whose check fails:
/// base confidence (a cue word brings it over the floor).
const SHAPED: f32 = 0.35;
/// Added when an account key stands right before ("konto=") or the line before names an
/// account ("mitt nya konto\n5361 84 613 14"); the cue words around add their own share.
const CUE_KEY: f32 = 0.3;

impl Scanner<'_> {
    /// Whether the line before the one `i` is on (when `i` starts its line) names an account.
    fn account_cue_above(&self, i: usize) -> bool {
        let t = self.t;
        let mut ls = i;
        while ls > 0 && matches!(t[ls - 1], b' ' | b'\t') {
            ls -= 1;
        }
        if ls == 0 || t[ls - 1] != b'\n' {
            return false;
        }
        let pe = ls - 1;
        let lo = pe.saturating_sub(60);
        let line = String::from_utf8_lossy(&t[lo..pe]).to_lowercase();
        ["konto", "account", "clearing", "bankkonto", "kontonr"].iter().any(|w| line.contains(w))
    }

    /// Whether an account key stands right before `i` ("konto=", "Kontonummer: ",
    /// "account no. ").
    fn account_key_before(&self, i: usize) -> bool {
        if self.key == Some(Label::SeBankAccount) {
            return true;
        }
        let t = self.t;
        let lo = i.saturating_sub(24);
        let before = String::from_utf8_lossy(&t[lo..i]).to_lowercase();
        let key = before.trim_end_matches([' ', '=', ':', '"', '\'', '\t', '.', '#']);
        let key = key.strip_suffix(" no").or_else(|| key.strip_suffix(" number")).unwrap_or(key);
        ["konto", "kontonr", "kontonummer", "account", "acct", "bankkonto", "clearing", "kontot"]
            .iter()
            .any(|w| key.ends_with(w))
    }

    /// The clearing number written in its own field before `i` ("Clearing number: 1272\n",
    /// "Clearingnr: 7483   ", "clearing 8109-1, "): its four digits.
    fn clearing_before(&self, i: usize) -> Option<[u8; 4]> {
        let t = self.t;
        let lo = i.saturating_sub(100);
        let before = t[lo..i].to_ascii_lowercase();
        let at = memchr::memmem::rfind(&before, b"clearing")? + lo + 8;
        let mut k = at;
        while k < i && k - at < 14 && !t[k].is_ascii_digit() {
            k += 1;
        }
        let c = t.get(k..k + 4)?;
        let next = t.get(k + 4).copied();
        // Four digits, or Swedbank's five written "8109-1" / "81091".
        let swedbank_tail = c[0] == b'8'
            && (next.is_some_and(|b| b.is_ascii_digit())
                || (next == Some(b'-') && t.get(k + 5).is_some_and(u8::is_ascii_digit)));
        let ok =
            c.iter().all(u8::is_ascii_digit) && (!next.is_some_and(|b| b.is_ascii_digit()) || swedbank_tail);
        ok.then(|| [c[0] - b'0', c[1] - b'0', c[2] - b'0', c[3] - b'0'])
    }

    /// An account number in its own field after an account label, its clearing number in a
    /// field before it ("Clearing no: 6791\nAccount no: 871 980 479"): found when the two
    /// pass the bank's check together.
    fn split_account(&mut self, g: &Groups) -> bool {
        let t = self.t;
        let start = g.g[0].0;
        // Cheap tests first: this runs for every number that is no clearing + account.
        let n: usize = g.g[..g.n].iter().map(|&(s, e)| e - s).sum();
        if !(7..=10).contains(&n) || self.key == Some(Label::SeBankAccount) {
            return false;
        }
        let lo = start.saturating_sub(100);
        if !CLEARING.iter().any(|f| f.find(&t[lo..start]).is_some()) || !self.account_key_before(start) {
            return false;
        }
        let mut digits = Vec::with_capacity(12);
        let mut end = start;
        for k in 0..g.n {
            if k > 0 && !matches!(g.sep[k - 1], b' ' | b'-') {
                break;
            }
            let (s, e) = g.g[k];
            digits.extend(t[s..e].iter().map(|b| b - b'0'));
            end = e;
        }
        if !(7..=10).contains(&digits.len()) || !right_ok(t, end) {
            return false;
        }
        let Some(clearing) = self.clearing_before(start) else { return false };
        if account_valid(&clearing, &digits) != Some(true) {
            return false;
        }
        self.push(start, end, Label::SeBankAccount, CHECKED + CUE_KEY, "se_bank_account");
        true
    }

    /// A Swedish bank account written as clearing + account ("5361 84 613 14", "3000-1234567",
    /// "6152-123 456 789", "8448-7, 396 158 628-3", or bare digits after a cue). Returns
    /// whether it found one.
    pub(super) fn se_bank_account(&mut self, g: &Groups) -> bool {
        let t = self.t;
        let start = g.g[0].0;
        // The account's groups: (digits, end).
        let mut acc_groups: Vec<(usize, usize)> = Vec::new();
        // A comma or a spaced dash between clearing and account ("9270,4417302",
        // "6152 - 418 227 093").
        let comma_after = |e: usize| {
            t.get(e) == Some(&b',')
                || (t.get(e..e + 3) == Some(b" - ") && t.get(e + 3).is_some_and(u8::is_ascii_digit))
        };
        // Swedbank's written form: a five-digit clearing with a dash before its fifth digit
        // ("8448-7, 396 158 628-3"), which nothing else is written as.
        let mut swedbank = false;
        let (clearing, grouped) = if g.len(0) == 4 && (g.n >= 2 || comma_after(g.end(1))) {
            let c = &t[g.g[0].0..g.g[0].1];
            let mut k = 1;
            // Swedbank's fifth clearing digit after a dash ("8448-7").
            if g.n >= 2 && c[0] == b'8' && g.sep[0] == b'-' && g.len(1) == 1 {
                k = 2;
                swedbank = true;
            } else if g.n >= 3 && c[0] == b'8' && g.sep[0] == b' ' && g.len(1) == 1 && g.sep[1] == b' ' {
                // The same with a space ("8105 9 402 774 118 5"): a shape, no proof, so a cue
                // is still needed.
                k = 2;
            } else if g.n >= 2 && !matches!(g.sep[0], b' ' | b'-') {
                return false;
            }
            for x in k..g.n {
                if !matches!(g.sep[x - 1], b' ' | b'-') {
                    break;
                }
                acc_groups.push(g.g[x]);
            }
            // ", " between clearing and account ("8448-7, 396 158 628-3").
            if acc_groups.is_empty() {
                let ce = g.end(k);
                let after = if t.get(ce..ce + 3) == Some(b" - ") {
                    ce + 3
                } else if t.get(ce..ce + 2) == Some(b", ") {
                    ce + 2
                } else {
                    ce + 1
                };
                if comma_after(ce) && t.get(after).is_some_and(u8::is_ascii_digit) {
                    let g2 = Groups::read(t, after, b" -");
                    acc_groups.extend_from_slice(&g2.g[..g2.n]);
                }
            }
            ([c[0] - b'0', c[1] - b'0', c[2] - b'0', c[3] - b'0'], true)
        } else if g.n == 1 && (11..=15).contains(&g.len(0)) {
            let c = &t[start..start + 4];
            let skip = if c[0] == b'8' && g.len(0) >= 12 { 5 } else { 4 };
            acc_groups.push((start + skip, g.g[0].1));
            ([c[0] - b'0', c[1] - b'0', c[2] - b'0', c[3] - b'0'], false)
        } else {
            return self.split_account(g);
        };
        if acc_groups.is_empty() || acc_groups.iter().any(|&(s, e)| e - s > 10) {
            return false;
        }
        // The longest run of account groups that has its range's length (the digits' buffer is
        // made only here: most numbers never get this far, and this runs at every number).
        let mut digits: Vec<u8> = Vec::with_capacity(16);
        let mut found = None;
        for m in (1..=acc_groups.len()).rev() {
            digits.clear();
            for &(s, e) in &acc_groups[..m] {
                digits.extend(t[s..e].iter().map(|b| b - b'0'));
            }
            let end = acc_groups[m - 1].1;
            // A last group of one digit after a dash is the account's check digit: it belongs.
            if let Some(ok) = account_valid(&clearing, &digits)
                && right_ok(t, end)
            {
                found = Some((end, ok));
                break;
            }
        }
        let mut key = self.account_key_before(start);
        // After an account key, the account is the whole run of groups written ("konto 9150
        // 4471 902 113"), even where a shorter part would pass its bank's check.
        if let Some((end, _)) = found
            && key
        {
            let (_, run_end) = acc_groups[acc_groups.len() - 1];
            let n: usize = acc_groups.iter().map(|&(s, e)| e - s).sum();
            if run_end > end && n <= 12 && right_ok(t, run_end) {
                found = Some((run_end, false));
            }
        }
        // Right after an account key ("konto=73002042699393"), a known clearing range with an
        // account of another length is still the account (banks write their own forms).
        // The same in a table column named as an account far above ("Kontonr" over
        // "9660 4412 0098"), where the writer typed a digit too many or too few.
        if found.is_none() && !key && grouped {
            key = self.column_named_above(start, ACCOUNT_COLUMNS);
        }
        if found.is_none() && key {
            let c = clearing.iter().fold(0u16, |a, &d| a * 10 + u16::from(d));
            let n: usize = acc_groups.iter().map(|&(s, e)| e - s).sum();
            let end = acc_groups[acc_groups.len() - 1].1;
            if clearing_rule(c).is_some() && (6..=11).contains(&n) && right_ok(t, end) {
                found = Some((end, false));
            }
        }
        let Some((end, ok)) = found else { return false };
        // A cue on the line above, or an account column named in the header of a table
        // written with spaces ("Konto / BG / PG" above "5391 77 212 53").
        let cue_above = self.account_cue_above(start)
            || self.header_column_above(start, &["konto", "kontonummer", "account", "account no"])
            || self.column_named_above(start, ACCOUNT_COLUMNS);
        // Bare digits only right after an account key ("konto=", "Kontonummer: "); a payment
        // cue alone ("bankgiro …, OCR 20251044375") names another number.
        if !(grouped || key || cue_above) {
            return false;
        }
        let base = if (ok && grouped) || swedbank { CHECKED } else { SHAPED }
            + if cue_above || key { CUE_KEY } else { 0.0 };
        self.push(start, end, Label::SeBankAccount, base, "se_bank_account");
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn check_rules_by_type() {
        // Mod 11 by hand: clearing 5361 (SEB, type 1 comment 1), account 846131x: the
        // weighted sum of 3,6,1,8,4,6,1,3,1 with weights 10..2 is 217 = 19 * 11 + 8, so
        // 217 + x ≡ 0 (mod 11) gives x = 3.
        assert_eq!(account_valid(&[5, 3, 6, 1], &d("8461313")), Some(true));
        assert_eq!(account_valid(&[5, 3, 6, 1], &d("8461314")), Some(false));
        // Wrong length for the range.
        assert_eq!(account_valid(&[5, 3, 6, 1], &d("84613131")), None);
        // Unknown range (0xxx, 2100).
        assert_eq!(account_valid(&[2, 1, 0, 0], &d("1234567")), None);
    }
}
