//! The header of a CSV read as plain text: which columns are named for people.

use crate::Label;

/// The first line of a text read as CSV, if it names a person column: its delimiter and, for
/// each column, `Some(true)` when it is not a person column, `Some(false)` when it is.
pub fn csv_header(t: &[u8]) -> Option<(u8, Vec<Option<bool>>)> {
    let end = t[..t.len().min(1024)].iter().position(|&b| b == b'\n')?;
    let line = std::str::from_utf8(&t[..end]).unwrap_or("");
    let delim = [b';', b',', b'\t'].into_iter().max_by_key(|&d| line.bytes().filter(|&b| b == d).count())?;
    if !line.bytes().any(|b| b == delim) {
        return None;
    }
    let cols: Vec<Option<bool>> = line
        .split(char::from(delim))
        .map(|f| {
            let f = f.trim().trim_matches('"').trim();
            if f.is_empty() || f.len() > 40 || f.bytes().any(|b| b.is_ascii_digit()) {
                None
            } else {
                crate::context::key_label(f).map(|l| l != Label::Person)
            }
        })
        .map(|c| Some(c != Some(false)))
        .collect();
    // Only a header that names a person column says where names are not.
    cols.contains(&Some(false)).then_some((delim, cols))
}

/// Whether byte `i` lies in a column whose header names something other than a person
/// (`Some(true)`) or a person (`Some(false)`); `None` on the header line or when the row does
/// not have as many fields as the header (quotes are not followed, a cheap check).
pub fn column_other(t: &[u8], i: usize, delim: u8, cols: &[Option<bool>]) -> Option<bool> {
    let ls = t[..i].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    if ls == 0 {
        return None;
    }
    let le = t[i..].iter().position(|&b| b == b'\n').map_or(t.len(), |p| i + p);
    let fields = t[ls..le].iter().filter(|&&b| b == delim).count() + 1;
    if fields != cols.len() {
        return None;
    }
    let col = t[ls..i].iter().filter(|&&b| b == delim).count();
    cols.get(col).copied().flatten()
}
