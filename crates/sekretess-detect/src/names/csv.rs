//! The header of a CSV read as plain text, or of a table laid out with spaces or bars: which
//! columns are named for people.

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

/// A table laid out with spaces or bars (a spreadsheet pasted as text, a form's grid): its
/// header line names a person column ("Surname", "Given name", "| Name |"). Byte range of
/// its rows (from the line after the header to the first empty line) and, per header cell,
/// its first character column and whether it names a person.
pub struct Layout {
    pub rows: (usize, usize),
    pub cells: Vec<(usize, bool)>,
}

/// The header of a laid-out table within the first lines of `t` (a cheap look: a line of
/// three cells or more, two spaces or a bar between them, no digits, each short).
pub fn layout_header(t: &[u8]) -> Option<Layout> {
    let head = &t[..t.len().min(3072)];
    let mut ls = 0;
    for _ in 0..30 {
        if ls >= head.len() {
            break;
        }
        let le = head[ls..].iter().position(|&b| b == b'\n').map_or(head.len(), |p| ls + p);
        let rs = after_ruler(t, le + 1);
        if let Some(cells) = header_cells(&head[ls..le], true)
            && aligned(t, rs, &cells)
        {
            let rs = rs.min(t.len());
            let re = t[rs..].windows(2).position(|w| w == b"\n\n").map_or(t.len(), |p| rs + p);
            return Some(Layout { rows: (rs, re), cells });
        }
        ls = le + 1;
    }
    None
}

/// Where the rows start when the line at `rs` rules the header off (`-----`, `=====`, `+---+`):
/// after that line.
fn after_ruler(t: &[u8], rs: usize) -> usize {
    let Some(rest) = t.get(rs..) else { return rs };
    let le = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let line = rest[..le].trim_ascii();
    let ruler = line.len() >= 3 && line.iter().all(|b| matches!(b, b'-' | b'=' | b'+' | b'|' | b' ' | b'_'));
    if ruler { rs + le + 1 } else { rs }
}

/// The index of the header cell whose column holds byte `i` of a row, when `i` lies in the
/// table's rows.
pub fn layout_column(t: &[u8], i: usize, l: &Layout) -> Option<usize> {
    if i < l.rows.0 || i >= l.rows.1 {
        return None;
    }
    let ls = t[..i].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = t[ls..i].iter().filter(|&&b| b & 0xC0 != 0x80).count();
    Some(l.cells.partition_point(|&(c, _)| c <= col + 1))
}

/// Whether the line starting at `rs` (the first row) has cells starting where three of the
/// header's cells start (or all of them, when fewer): a table, not a form's merged columns.
fn aligned(t: &[u8], rs: usize, head: &[(usize, bool)]) -> bool {
    let Some(rest) = t.get(rs..) else { return false };
    let line = &rest[..rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())];
    let Some(row) = header_cells(line, false) else { return false };
    let hits = head.iter().filter(|&&(c, _)| row.iter().any(|&(r, _)| r.abs_diff(c) <= 1)).count();
    hits >= head.len().min(3)
}

/// The cells of a line split at bars, tabs and two spaces or more: each cell's first character
/// column and whether it names a person. A header (`header`) has no digits and no colon, three
/// cells or more, each short, one of them a person's.
fn header_cells(line: &[u8], header: bool) -> Option<Vec<(usize, bool)>> {
    // A header has no colon; digits only inside a cell of words ("Box 2 Tax"), never a cell
    // of its own.
    if header && (line.len() < 12 || line.len() > 240 || line.contains(&b':')) {
        return None;
    }
    // Two cell gaps at least before anything is split (prose has none).
    let gaps = line.windows(2).filter(|w| matches!(w, [b' ', b' '] | [b'|', _] | [b'\t', _])).count();
    if gaps < 2 {
        return None;
    }
    let s = std::str::from_utf8(line).ok()?;
    let mut cells = Vec::new();
    let (mut start, mut text) = (None::<usize>, String::new());
    let mut spaces = 0;
    let mut flush = |start: &mut Option<usize>, text: &mut String| {
        if let Some(c) = start.take() {
            let f = text.trim();
            let person = f.len() <= 24 && person_header(f);
            let len = if f.chars().any(char::is_alphabetic) { f.len() } else { usize::MAX };
            cells.push((c, person, len));
        }
        text.clear();
    };
    for (col, ch) in s.chars().enumerate() {
        if ch == '|' || ch == '\t' {
            flush(&mut start, &mut text);
            spaces = 0;
        } else if ch == ' ' {
            spaces += 1;
            if spaces == 2 {
                flush(&mut start, &mut text);
            } else if start.is_some() {
                text.push(' ');
            }
        } else {
            if start.is_none() {
                start = Some(col);
            }
            spaces = 0;
            text.push(ch);
        }
    }
    flush(&mut start, &mut text);
    // A form's grid of labels and their values ("Surname | QUORBEL | Forename | …") is no
    // header: a value in capitals among labels that are not.
    let grid = || {
        s.chars().any(char::is_lowercase)
            && s.split(['|', '\t']).flat_map(|c| c.split("  ")).any(|c| {
                let c = c.trim();
                c.chars().filter(|ch| ch.is_alphabetic()).count() >= 5 && !c.chars().any(char::is_lowercase)
            })
    };
    let ok = !header
        || (cells.len() >= 3 && cells.iter().all(|c| c.2 <= 24) && cells.iter().any(|c| c.1) && !grid());
    ok.then(|| cells.into_iter().map(|(c, p, _)| (c, p)).collect())
}

/// Whether a table's header cell names a person: a name field ("Surname", "Forename(s)") or
/// who the people of a register are ("Tenant", "Debtor", "Deltagare").
fn person_header(f: &str) -> bool {
    const WHO: &[&str] = &[
        "tenant",
        "hyresgäst",
        "debtor",
        "gäldenär",
        "deltagare",
        "member",
        "medlem",
        "elev",
        "pupil",
        "student",
        "resident",
        "boende",
        "volunteer",
        "donor",
        "givare",
        "payee",
        "forename",
        "forenames",
    ];
    let f = f.trim_end_matches("(s)");
    crate::context::key_label(f) == Some(Label::Person)
        || f.split(|c: char| !c.is_alphabetic())
            .rfind(|w| !w.is_empty())
            .is_some_and(|w| WHO.iter().any(|x| w.to_lowercase() == *x))
}

/// Whether byte `i` (in the table's rows) stands in a person column of `l`: the column of
/// its first character lies from a person cell's start (less one) to the next cell's.
pub fn layout_person(t: &[u8], i: usize, l: &Layout) -> bool {
    if i < l.rows.0 || i >= l.rows.1 {
        return false;
    }
    let ls = t[..i].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = t[ls..i].iter().filter(|&&b| b & 0xC0 != 0x80).count();
    let k = l.cells.partition_point(|&(c, _)| c <= col + 1);
    k > 0 && l.cells[k - 1].1
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    // A table written for this test (not from any evaluation or tuning set).
    const TABLE: &str = "Payroll March\n\nId     Surname      Given name   Start\n\
                         X01    Quorbel      Xanthe       2020-01-02\n\
                         X02    Obi          Kofi         2021-03-04\n\nPrepared by HR Team\n";

    #[test]
    fn person_columns_of_a_table_laid_out_with_spaces() {
        let t = TABLE.as_bytes();
        let l = layout_header(t).expect("a header");
        let at = |w: &str| TABLE.find(w).unwrap();
        assert!(layout_person(t, at("Quorbel"), &l) && layout_person(t, at("Kofi"), &l));
        // Not the id column, not the header, not past the table's end.
        assert!(!layout_person(t, at("X01"), &l));
        assert!(!layout_person(t, at("Surname"), &l));
        assert!(!layout_person(t, at("HR"), &l));
    }

    #[test]
    fn a_ruled_header_naming_who_the_people_are() {
        let t = b"Moves\n\nFlat  Former tenant   Moved out   Box 2 Tax\n----------------------------------\n\
                  1A    Quorbel, Xanthe  03/10/2026  12.00\n";
        let l = layout_header(t).expect("a header");
        let at = |w: &[u8]| t.windows(w.len()).position(|x| x == w).unwrap();
        assert!(layout_person(t, at(b"Quorbel"), &l));
        assert_ne!(layout_column(t, at(b"Quorbel"), &l), layout_column(t, at(b"03/10"), &l));
        // A form's grid of labels and values in capitals is no header.
        assert!(
            layout_header(b"Surname | QUORBEL   | Forename | XANTHE |\nDOB     | 01/02/1990 | Sex | F |\n")
                .is_none()
        );
    }

    #[test]
    fn a_form_or_prose_is_not_a_table() {
        // Labels with colons, merged form columns, prose.
        assert!(layout_header(b"Name:  Xanthe Obi    Phone:  070\nKofi\n").is_none());
        assert!(layout_header(b"Surname  Given name  Town\nwe met Kofi Obi in Lund today\n").is_none());
        assert!(layout_header(b"A letter to Kofi Obi about the plan.\n").is_none());
        // Bars.
        let t = b"| Name       | Relation |  Town  |\n| KOFI OBI   | son      |  Lund  |\n";
        let l = layout_header(t).expect("a header");
        assert!(layout_person(t, 37, &l));
    }
}
