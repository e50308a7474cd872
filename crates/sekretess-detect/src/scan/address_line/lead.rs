//! Street lines of languages whose street type leads or sits inside the name: Welsh and
//! Irish ("3 Heol y Llan", "Bóthar na Trá 5") and Turkish ("Moda Caddesi No: 148 Daire 6").

use super::grammar::{capitalised, is_house_number};

/// A Welsh or Irish street line ending the words `ws`: the street's type leads its name and
/// small words link them ("3 Heol y Llan", "4 Sráid an Mhuilinn", "Bóthar na Trá 5"), the
/// number before or after. Returns the offset of its first word.
pub(super) fn celtic(ws: &[(usize, &str)]) -> Option<usize> {
    const LEAD: &[&str] = &["Heol", "Ffordd", "Stryd", "Lôn", "Sráid", "Bóthar", "Ascaill"];
    let lead = ws.iter().rposition(|(_, w)| LEAD.contains(w))?;
    let n = ws.len();
    let (start, name) = if n > lead + 2 && is_house_number(ws[n - 1].1) {
        (ws[lead].0, &ws[lead + 1..n - 1])
    } else if lead > 0 && is_house_number(ws[lead - 1].1) {
        (ws[lead - 1].0, &ws[lead + 1..])
    } else {
        return None;
    };
    let small = |w: &str| matches!(w, "y" | "yr" | "an" | "na" | "'r");
    let ok = (1..=4).contains(&name.len())
        && name.last().is_some_and(|(_, w)| capitalised(w))
        && name.iter().all(|(_, w)| capitalised(w) || small(w));
    ok.then_some(start)
}

/// A Turkish street line ending the words `ws`: a name holding a street or quarter type
/// (`Caddesi`, `Sok.`, `Bulvarı`, `Mah.`), `No:` and the number, then perhaps the flat
/// (`Daire 4`, `D:7`, `Kat 2`) ("Moda Caddesi No: 148 Daire 6"). Returns the offset of the
/// name's first word.
pub(super) fn turkish(ws: &[(usize, &str)]) -> Option<usize> {
    const TYPES: &[&str] = &[
        "Caddesi",
        "Cad.",
        "Cd.",
        "Sokak",
        "Sokağı",
        "Sok.",
        "Sk.",
        "Bulvarı",
        "Blv.",
        "Bulv.",
        "Mahallesi",
        "Mah.",
        "Mh.",
        "Yolu",
        "Çıkmazı",
    ];
    let mut end = ws.len();
    // The flat and floor after the number.
    while end >= 2 {
        let (a, b) = (ws[end - 2].1.trim_end_matches(':'), ws[end - 1].1.trim_end_matches(','));
        let unit = matches!(a, "Daire" | "D" | "D." | "Kat" | "K" | "K.") && is_house_number(b);
        if !unit {
            break;
        }
        end -= 2;
    }
    if end < 3 {
        return None;
    }
    let number = ws[end - 1].1.trim_end_matches(',');
    if !is_house_number(number) || !matches!(ws[end - 2].1, "No:" | "No" | "NO:" | "No.") {
        return None;
    }
    let name = &ws[end.saturating_sub(7)..end - 2];
    let t = name.iter().rposition(|(_, w)| TYPES.contains(w))?;
    // The words from the first capitalised one that reaches the type ("Kazım Dirik Mah.
    // 372/8 Sok.").
    let mut a = t;
    while a > 0 && {
        let w = name[a - 1].1;
        capitalised(w)
            || (w.bytes().next().is_some_and(|b| b.is_ascii_digit()) && w.contains('/'))
            || TYPES.contains(&w)
    } {
        a -= 1;
    }
    capitalised(name[a].1).then_some(name[a].0)
}
