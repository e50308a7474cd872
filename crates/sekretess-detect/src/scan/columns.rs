//! Tables pasted as text: the column a value stands in, named by a header line further up
//! (`Anst.nr<TAB>Namn<TAB>Konto`, `| Emp no | Name | Old account |`, `Kolumner: Ärende / Namn
//! / Född / …`, `(columns: payer no, payer name, account, amount)`), matched by the cell's
//! place in its row, counted from the start or from the end (a wrapped row), or, in a table
//! written with spaces, by the character column where the cell starts.

use super::Scanner;

/// How far up a header is looked for: lines and bytes.
const MAX_LINES: usize = 25;
const MAX_BYTES: usize = 3000;

/// The separators a header may list its columns with, after the row's own.
const HEADER_SEPS: &[&str] = &["\t", "|", ";", " / ", ", "];

/// A row's cells: (byte start, byte end) of each trimmed cell within `row`.
fn cells(row: &[u8], sep: Option<u8>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut push = |s: usize, e: usize| {
        let (mut a, mut b) = (s, e);
        while a < b && row[a] == b' ' {
            a += 1;
        }
        while b > a && row[b - 1] == b' ' {
            b -= 1;
        }
        out.push((a, b));
    };
    match sep {
        Some(d) => {
            let mut s = 0;
            for (k, &c) in row.iter().enumerate() {
                if c == d {
                    push(s, k);
                    s = k + 1;
                }
            }
            push(s, row.len());
            // A table drawn with bars has an empty cell before its first bar and after its last.
            if d == b'|' {
                if out.first().is_some_and(|&(a, b)| a == b) {
                    out.remove(0);
                }
                if out.last().is_some_and(|&(a, b)| a == b) {
                    out.pop();
                }
            }
        }
        None => {
            // Cells written with gaps of two spaces or more.
            let mut k = 0;
            while k < row.len() {
                while k < row.len() && row[k] == b' ' {
                    k += 1;
                }
                if k >= row.len() {
                    break;
                }
                let s = k;
                while k < row.len() && !(row[k] == b' ' && row.get(k + 1) == Some(&b' ')) {
                    k += 1;
                }
                out.push((s, k));
            }
        }
    }
    out
}

/// Whether `item` (lower case) names a column by one of `words`: at a word's start, or
/// inside a one-word compound ("autogirokonto", "utbetalningskonto").
fn names(item: &str, words: &[&str]) -> bool {
    // A column's name is short; a longer cell is a value ("Anna Berg, född 3 maj 1970").
    if item.len() > 40 {
        return false;
    }
    let compound = !item.trim().contains(' ');
    words.iter().any(|w| {
        item.match_indices(w).any(|(p, _)| compound || p == 0 || !item[..p].ends_with(char::is_alphanumeric))
    })
}

impl Scanner<'_> {
    /// Whether the value at `start` is a cell of a table row whose column a header line
    /// above names by one of `words` (lower case).
    pub(super) fn column_named_above(&self, start: usize, words: &[&str]) -> bool {
        let t = self.t;
        let lo = start.saturating_sub(MAX_BYTES);
        let Some(ls) = memchr::memrchr(b'\n', &t[lo..start]).map(|p| lo + p + 1) else { return false };
        let le = memchr::memchr(b'\n', &t[start..]).map_or(t.len(), |p| start + p);
        let row = &t[ls..le];
        let at = start - ls;
        let sep = [b'\t', b'|', b';'].into_iter().find(|d| row.contains(d));
        let cs = cells(row, sep);
        let Some(idx) = cs.iter().position(|&(a, _)| a == at) else { return false };
        let n = cs.len();
        // A cell of a row, or a value alone on an indented line under a table written with
        // spaces (a row's second line).
        let indented = sep.is_none() && at >= 2 && row[..at].iter().all(|&b| b == b' ');
        if n < 2 && !indented {
            return false;
        }
        let col = crate::count_chars(&row[..at]);
        let mut end = ls - 1;
        for _ in 0..MAX_LINES {
            if end <= lo {
                return false;
            }
            let ps = memchr::memrchr(b'\n', &t[lo..end]).map_or(lo, |p| lo + p + 1);
            let raw = &t[ps..end];
            if raw.len() > 4
                && let Ok(line) = std::str::from_utf8(raw)
            {
                let line = line.to_lowercase();
                if header_names(&line, sep, idx, n, col, words) {
                    return true;
                }
            }
            if ps <= lo {
                return false;
            }
            end = ps - 1;
        }
        false
    }
}

/// Whether `line` (lower case) is a header whose item at the row's cell (`idx` of `n`,
/// starting at character column `col`) names a column by one of `words`.
fn header_names(line: &str, sep: Option<u8>, idx: usize, n: usize, col: usize, words: &[&str]) -> bool {
    // A table written with spaces: the header cell starting where the value starts.
    if sep.is_none() && line.matches("  ").count() >= 2 {
        for (a, b) in cells(line.as_bytes(), None) {
            let c = line[..a].chars().count();
            if c.abs_diff(col) <= 2 && names(&line[a..b], words) {
                return true;
            }
        }
    }
    // A list of columns after a lead-in ("Kolumner: …", "Columns are: …").
    let list = line.split_once(": ").map_or(line, |(_, r)| r);
    let list = list.trim().trim_start_matches('(').trim_end_matches(['.', ')', ':']);
    let own = sep.map(|d| [d]);
    let own = own.as_ref().and_then(|d| std::str::from_utf8(d).ok());
    for s in own.into_iter().chain(HEADER_SEPS.iter().copied()) {
        let mut items: Vec<&str> = list.split(s).map(str::trim).collect();
        if s == "|" {
            if items.first().is_some_and(|i| i.is_empty()) {
                items.remove(0);
            }
            if items.last().is_some_and(|i| i.is_empty()) {
                items.pop();
            }
        }
        if items.len() < 3 {
            continue;
        }
        let from_start = items.get(idx);
        let from_end = items.len().checked_sub(n - idx).and_then(|k| items.get(k));
        return from_start.is_some_and(|i| names(i, words)) || from_end.is_some_and(|i| names(i, words));
    }
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::{Format, Label, Options, redact_str};

    fn found(text: &str, label: Label, value: &str) -> bool {
        let r = redact_str(text, Format::Text, &Options::default()).unwrap();
        r.findings.iter().any(|f| f.label == label && &text[f.start_byte..f.end_byte] == value)
    }

    #[test]
    fn account_in_a_column_named_far_above() {
        let t = "Utbetalningar mars\n\nNr\tNamn\tBelopp\tKontonr\n\
                 17\tLarsson, Ebbe\t1 200,00\t5412-3456789\n\
                 18\tHolm, Vera\t800,00\t6123-444 555 666\n";
        assert!(found(t, Label::SeBankAccount, "6123-444 555 666"));
        // The same numbers in a column named otherwise are not taken.
        let t = "Nr\tNamn\tBelopp\tReferens\n18\tHolm, Vera\t800,00\t6123-444 555 666\n";
        assert!(!found(t, Label::SeBankAccount, "6123-444 555 666"));
    }

    #[test]
    fn columns_listed_in_prose_and_wrapped_rows() {
        let t = "Ordningen är: nr;namn;adress;konto\n\n\
                 3;Sara Lind;Ågatan 4,\n\
                 722 11 Västerås;5412 34 567 89\n";
        assert!(found(t, Label::SeBankAccount, "5412 34 567 89"));
        let t = "Listan (kolumner: namn, född, ort)\n\nIda Berg          2011-04-09   Luleå\n";
        assert!(found(t, Label::DateOfBirth, "2011-04-09"));
        let t = "Listan (kolumner: namn, besökt, ort)\n\nIda Berg          2011-04-09   Luleå\n";
        assert!(!found(t, Label::DateOfBirth, "2011-04-09"));
    }

    #[test]
    fn account_forms_of_the_tables() {
        // A spaced dash between clearing and account.
        assert!(found("Kontonummer: 6123 - 444 555 666\n", Label::SeBankAccount, "6123 - 444 555 666"));
        // Swedbank's fifth clearing digit after a space, in an account column.
        let t = "Nr  Namn          Konto\n\n12  Ali Demir     8412 7 330 118 442-6\n";
        assert!(found(t, Label::SeBankAccount, "8412 7 330 118 442-6"));
        // A digit too many for the bank, typed into an account column.
        let t = "Nr;Namn;Konto\n4;Eva Holm;9660 1234 5678\n";
        assert!(found(t, Label::SeBankAccount, "9660 1234 5678"));
        // Plusgiro under its old name.
        assert!(found("Postgiro: 4 12 33 09-9\n", Label::SeBankAccount, "4 12 33 09-9"));
        // A giro number typed with a failing check, in a column named as an account.
        let t = "Rapport\ndatum|namn|avsändarkonto|belopp\n2025-03-02|Ola Ek|5123-4567|200\n";
        assert!(found(t, Label::SeBankAccount, "5123-4567"));
        // An ISO date and its hour next to an account cue is no account.
        let t = "Kunden har bytt bank.\n2025-10-04 08:15  nytt konto kommer\n";
        assert!(!found(t, Label::SeBankAccount, "2025-10-04 08"));
    }

    #[test]
    fn pipe_table_date_of_birth() {
        let t = "Columns: Pupil | Date of birth | Phone\n\nnotes here\n\n\
                 Moss, Kit | 05/06/2012 | 07700 900111\n";
        assert!(found(t, Label::DateOfBirth, "05/06/2012"));
    }
}
