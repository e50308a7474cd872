//! Name particles ("Ebba von Platen", "van der Berg, Sanne", "al-Hassan") joined to the names
//! the model found, and the small text tests they share with the vetoes.

/// Whether a word of three letters or more has no vowel (nor `y`, nor a non-ASCII letter,
/// which may be one).
pub(super) fn vowelless(w: &[u8]) -> bool {
    w.len() >= 3
        && w.iter().all(u8::is_ascii_alphabetic)
        && !w.iter().any(|b| matches!(b.to_ascii_lowercase(), b'a' | b'e' | b'i' | b'o' | b'u' | b'y'))
}

/// Lower-case name particles: "Ebba von Platen", "Ludwig van der Berg", "Erik af Klint",
/// "Omar bin Laden", "Maria de la Cruz".
const PARTICLES: &[&[u8]] = &[
    b"von", b"van", b"der", b"den", b"de", b"del", b"della", b"di", b"da", b"dos", b"das", b"du", b"la",
    b"le", b"af", b"zu", b"ter", b"ten", b"bin", b"ibn", b"bint", b"al", b"el", b"ben", b"abu", b"ould",
    b"ap",
];

/// Capitalised particles of Irish and Scottish names ("Ó", "Ní", "Nic", "Mac"), besides the
/// capitalised forms of `PARTICLES` ("Van der Merwe", "De Luca").
const CAP_PARTICLES: &[&str] = &["ó", "ní", "nic", "mac", "mc", "ua", "uí"];

/// Spaces at `j` (one, or two as in OCR text): how many.
fn spaces_at(t: &[u8], j: usize) -> usize {
    match (t.get(j), t.get(j + 1)) {
        (Some(b' '), Some(b' ')) => 2,
        (Some(b' '), _) => 1,
        _ => 0,
    }
}

/// The end of a particle starting at `ws`: a lower-case one of `PARTICLES`, or a capitalised
/// one of `PARTICLES` or `CAP_PARTICLES`.
fn particle_end(t: &[u8], ws: usize) -> Option<usize> {
    let mut we = ws;
    while let Some((c, l)) = crate::scan::char_at(t, we) {
        if !c.is_alphabetic() {
            break;
        }
        we += l;
    }
    let word = std::str::from_utf8(t.get(ws..we)?).ok()?;
    if word.bytes().all(|b| b.is_ascii_lowercase()) {
        return PARTICLES.contains(&word.as_bytes()).then_some(we);
    }
    let mut cs = word.chars();
    let capitalised = cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase);
    if !capitalised {
        return None;
    }
    // No particle is longer than eight bytes: an ASCII word is folded on the stack (this is
    // asked after most names), others in a new string.
    if word.is_ascii() {
        let mut buf = [0u8; 8];
        let b = buf.get_mut(..word.len())?;
        b.copy_from_slice(word.as_bytes());
        b.make_ascii_lowercase();
        let b: &[u8] = b;
        return (PARTICLES.contains(&b) || CAP_PARTICLES.iter().any(|p| p.as_bytes() == b)).then_some(we);
    }
    let lower = word.to_lowercase();
    (PARTICLES.contains(&lower.as_bytes()) || CAP_PARTICLES.contains(&lower.as_str())).then_some(we)
}

/// The end of ` particle [particle] Name` after `e` (one or two particles, then a capitalised
/// word on the same line), or of `-Name` after a particle joined by a hyphen ("al-Hassan"). A
/// name that ends in a particle ("Oisín Ó") takes the capitalised word after it.
fn particle_tail(t: &[u8], e: usize) -> Option<usize> {
    let mut j = e;
    let lo = e.saturating_sub(8);
    let last_start = t[lo..e].iter().rposition(|&b| b == b' ').map_or(lo, |p| lo + p + 1);
    let ends_in_particle = last_start < e && particle_end(t, last_start) == Some(e);
    for n in 0..2 {
        let sp = spaces_at(t, j);
        if sp == 0 {
            return None;
        }
        match particle_end(t, j + sp) {
            Some(we) => j = we,
            // After one particle (or a name ending in one), this must be the name.
            None if n > 0 || ends_in_particle => break,
            None => return None,
        }
        if t.get(j) == Some(&b'-') {
            // "al-Hassan": the particle and the name are one word.
            break;
        }
    }
    // A capitalised word after a space or two (or the hyphen of "al-").
    let s = j + if t.get(j) == Some(&b'-') { 1 } else { spaces_at(t, j) };
    if s == j {
        return None;
    }
    let (c, _) = crate::scan::char_at(t, s)?;
    if !c.is_uppercase() {
        return None;
    }
    let we = crate::scan::word_end(t, s);
    (we > s + 1).then_some(we)
}

/// Joins two names split by a particle, and extends a name by a particle and the capitalised
/// word after it ("Ebba von Platen").
pub(super) fn join_particles(t: &[u8], out: &mut Vec<(usize, usize, f32)>) {
    let mut k = 0;
    while k < out.len() {
        if let Some(ne) = particle_tail(t, out[k].1) {
            out[k].1 = ne;
            while k + 1 < out.len() && out[k + 1].0 < ne {
                let (_, e, c) = out.remove(k + 1);
                out[k].1 = out[k].1.max(e);
                out[k].2 = out[k].2.min(c);
            }
            // "Khadija bint Yusuf al-Amin": another particle may follow.
            continue;
        }
        let prev_end = if k > 0 { out[k - 1].1 } else { 0 };
        if let Some(ns) = particle_head(t, out[k].0).filter(|&ns| ns >= prev_end) {
            out[k].0 = ns;
        }
        k += 1;
    }
}

/// The start of the particles that open a surname at `s` when they start a cell or a value
/// ("van der Berg, Sanne" in a CSV cell, `"lastName": "de Vries"`, `d'Almeida`), or follow
/// initials that do ("E.J.M. van Dijk"). In running text a particle after a name is joined by
/// `particle_tail`, and one without a name before it is left out.
pub(super) fn particle_head(t: &[u8], s: usize) -> Option<usize> {
    // An elided particle written onto the name: "d'Almeida", "l'Aquila".
    if s >= 2 && t[s - 1] == b'\'' && matches!(t[s - 2], b'd' | b'D' | b'l' | b'L') {
        let ps = s - 2;
        return super::structure::cell_start(t, ps).then_some(ps);
    }
    let mut ps = s;
    for _ in 0..3 {
        if ps < 2 || t[ps - 1] != b' ' {
            break;
        }
        let ws = t[..ps - 1].iter().rposition(|b| !b.is_ascii_alphabetic()).map_or(0, |p| p + 1);
        if ws == ps - 1 || (particle_end(t, ws) != Some(ps - 1) && !caps_particle(t, ws, ps - 1, s)) {
            break;
        }
        ps = ws;
    }
    if ps == s {
        return None;
    }
    // Initials before the particles: "E.J.M. van", "J. P. de".
    let mut is = ps;
    while is >= 3 && t[is - 1] == b' ' && t[is - 2] == b'.' && t[is - 3].is_ascii_uppercase() {
        let mut k = is - 3;
        while k >= 2 && t[k - 1] == b'.' && t[k - 2].is_ascii_uppercase() {
            k -= 2;
        }
        if k > 0 && t[k - 1].is_ascii_alphanumeric() {
            break;
        }
        is = k;
    }
    if is < ps && super::structure::cell_start(t, is) {
        return Some(is);
    }
    super::structure::cell_start(t, ps).then_some(ps)
}

/// A particle in capitals (`DE`, `VAN`) before a surname in capitals at `s`, as a register
/// prints it ("DE QUORBEL,").
fn caps_particle(t: &[u8], ws: usize, we: usize, s: usize) -> bool {
    let w = &t[ws..we];
    w.iter().all(u8::is_ascii_uppercase)
        && t.get(s..s + 2).is_some_and(|n| n.iter().all(u8::is_ascii_uppercase))
        && PARTICLES.contains(&w.to_ascii_lowercase().as_slice())
}

#[cfg(test)]
mod tests {
    use super::particle_head;

    // Names written for these tests (not from any evaluation or tuning set).

    #[test]
    fn a_particle_in_capitals_opens_a_register_s_surname() {
        let t = b"09:30  M1  DE QUORBEL,   1963\n";
        let s = t.windows(7).position(|w| w == b"QUORBEL").unwrap_or(0);
        assert_eq!(particle_head(t, s), Some(s - 3));
        // Not before a surname in title case, nor after a word in the same cell.
        let t = b"09:30  DE Quorbel\n";
        assert_eq!(particle_head(t, 10), None);
        let t = b"MET DE QUORBEL\n";
        assert_eq!(particle_head(t, 7), None);
    }

    use super::{CAP_PARTICLES, PARTICLES, particle_end};

    #[test]
    fn particles_fit_the_stack_buffer_of_particle_end() {
        assert!(PARTICLES.iter().all(|p| p.len() <= 8));
        assert!(CAP_PARTICLES.iter().all(|p| p.len() <= 8));
    }

    #[test]
    fn particles_in_any_case_form() {
        for (t, want) in [
            ("von ", Some(3)),
            ("Von ", Some(3)),
            ("VON ", None),
            ("Mac ", Some(3)),
            ("Ní ", Some(3)),
            ("Nic", Some(3)),
        ] {
            assert_eq!(particle_end(t.as_bytes(), 0), want, "{t}");
        }
        for t in ["Vonn ", "Ó'", "Macdonald ", "Della", "Uí"] {
            assert_eq!(particle_end(t.as_bytes(), 0).is_some(), ["Della", "Uí", "Ó'"].contains(&t), "{t}");
        }
    }
}
