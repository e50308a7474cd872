//! Chat structure around the tagger's names: the weekday a chat client prints before a
//! message's time, a role written before a speaker's name, and speakers whose display name is
//! a lower-case given name or handle (`[09:05] noor:`, `[date] noor.k`), which the tagger,
//! seeing only capitalised words, never finds.

use crate::Label;
use crate::lexicon;
use crate::scan::{Cand, char_at};

use super::handle::capitalised;
use super::structure::time_stamp_before;

/// Confidence of a lower-case speaker: like a login handle's.
const CONF: f32 = 0.8;

/// Weekdays as chat clients print them before a time (`Surname, Given  Thu 15:01`).
const WEEKDAYS: &[&str] = &[
    "Mon",
    "Tue",
    "Tues",
    "Wed",
    "Thu",
    "Thur",
    "Thurs",
    "Fri",
    "Sat",
    "Sun",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Mån",
    "Tis",
    "Ons",
    "Tor",
    "Fre",
    "Lör",
    "Sön",
    "Måndag",
    "Tisdag",
    "Onsdag",
    "Torsdag",
    "Fredag",
    "Lördag",
    "Söndag",
];

/// Whether a time (`H:MM`, `HH:MM`) follows `e` after spaces.
fn time_after(t: &[u8], e: usize) -> bool {
    let mut k = e;
    while t.get(k) == Some(&b' ') {
        k += 1;
    }
    if k == e {
        return false;
    }
    let d = t[k..].iter().take(3).take_while(|b| b.is_ascii_digit()).count();
    (1..=2).contains(&d)
        && t.get(k + d) == Some(&b':')
        && t.get(k + d + 1).is_some_and(u8::is_ascii_digit)
        && t.get(k + d + 2).is_some_and(u8::is_ascii_digit)
}

/// A weekday before a time is the message's date, not a word of the name before it: the
/// name ends before it, and a weekday alone is no name.
pub(super) fn trim_weekday(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    let mut joined: Vec<(usize, usize)> = Vec::new();
    spans.retain_mut(|sp| {
        let (s, e) = (sp.0, sp.1);
        if !time_after(t, e) {
            return true;
        }
        let ws = t[s..e].iter().rposition(|&b| matches!(b, b' ' | b'\t' | b'\n')).map_or(s, |p| s + p + 1);
        let Ok(w) = std::str::from_utf8(&t[ws..e]) else { return true };
        if !WEEKDAYS.contains(&w) {
            return true;
        }
        let mut ne = ws;
        while ne > s && matches!(t[ne - 1], b' ' | b'\t' | b'\n' | b',') {
            ne -= 1;
        }
        sp.1 = ne;
        // A chat header `Surname, Given  Thu 15:01` whose surname a list split off as a name
        // of its own: the line's first word and the rest are one name.
        if ne > s && t[..s].ends_with(b", ") {
            let ls = t[..s].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let head = &t[ls..s - 2];
            if !head.is_empty()
                && char_at(t, ls).is_some_and(|(c, _)| c.is_uppercase())
                && head.iter().all(|&b| b.is_ascii_alphabetic() || b >= 0x80 || matches!(b, b'-' | b'\''))
            {
                sp.0 = ls;
                joined.push((ls, ne));
            }
        }
        ne > s
    });
    // The surname found alone inside a joined header goes.
    if !joined.is_empty() {
        spans.retain(|&(s, e, _)| !joined.iter().any(|&(a, b)| a <= s && e <= b && (a, b) != (s, e)));
    }
}

/// Whether `s` opens a chat line's speaker: at a line's start or after its time stamp.
fn speaker_start(t: &[u8], s: usize) -> bool {
    s == 0 || t[s - 1] == b'\n' || time_stamp_before(t, s)
}

/// Endings of Swedish and English role nouns (`tränare`, `montör`, `farmaceut`, `kurator`,
/// `sjuksköterska`, `receptionist`).
const ROLE_ENDINGS: &[&str] = &["are", "ör", "ist", "eut", "ent", "ant", "er", "or", "ska", "log", "ef"];

/// A role before a speaker's given name (`Tränare Given:`, `Farmaceut Given:`): titles and
/// roles are outside a name, so the name starts at the given name. Only when the first word
/// has a role noun's ending and no name list knows it, and the second is a given name a list
/// knows (not two given names of one person, `Bích Ngọc`).
pub(super) fn role_before_speaker(t: &[u8], spans: &mut [(usize, usize, f32)]) {
    for sp in spans.iter_mut() {
        let (s, e) = (sp.0, sp.1);
        if t.get(e) != Some(&b':') || !speaker_start(t, s) {
            continue;
        }
        let Some(sp1) = t[s..e].iter().position(|&b| b == b' ').map(|p| s + p) else { continue };
        let (Ok(w1), Ok(rest)) = (std::str::from_utf8(&t[s..sp1]), std::str::from_utf8(&t[sp1 + 1..e]))
        else {
            continue;
        };
        let w2 = rest.split(' ').next().unwrap_or(rest);
        let title =
            w1.chars().next().is_some_and(char::is_uppercase) && w1.chars().skip(1).all(char::is_lowercase);
        if title
            && w1.chars().count() >= 4
            && !lexicon::is_given(w1)
            && !lexicon::is_surname(w1)
            && !lexicon::surname_shape(w1)
            && ROLE_ENDINGS.iter().any(|x| w1.ends_with(x))
            && lexicon::is_given(w2)
        {
            sp.0 = sp1 + 1;
        }
    }
}

/// Words a chat client or its users write as the speaker where no person's name stands: the
/// owner of the phone, a program, a service (`Me:`, `Bot:`, `Virtual Assistant:`).
const CHAT_ROLES: &[&str] = &[
    "me",
    "jag",
    "mig",
    "du",
    "you",
    "i",
    "system",
    "bot",
    "chatbot",
    "chattbot",
    "assistant",
    "assistent",
    "moderator",
    "admin",
    "operator",
    "support",
    "server",
    "guest",
    "gäst",
    "user",
    "användare",
];

/// Whether a speaker's word is a role, not a name: a chat role, a form's label for a person
/// (`Visitor:`, `Kund:`), a Swedish present participle (`Inkommande:`, `Skickande:`), a
/// program (`…bot`), when no name list knows it.
fn role_word(w: &str) -> bool {
    if lexicon::is_given(w) || lexicon::is_surname(w) {
        return false;
    }
    let l = w.to_lowercase();
    let n = l.chars().count();
    CHAT_ROLES.contains(&l.as_str())
        || lexicon::is_name_label(&l)
        || (n >= 7 && (l.ends_with("ande") || l.ends_with("ende")))
        || (n >= 6 && l.ends_with("are"))
        || (n >= 5 && l.ends_with("bot"))
}

/// A speaker (before its colon, or its bracketed role and colon, at a line's start or after
/// its time stamp) any of whose words is a role is no person (`Me:`, `Visitor:`); nor is a
/// word in the brackets of `Given (Word):` that no name list knows (a shop, a unit).
pub(super) fn role_speakers(t: &[u8], spans: &mut Vec<(usize, usize, f32)>) {
    spans.retain(|&(s, e, _)| {
        let colon = t.get(e) == Some(&b':') || super::structure::role_in_brackets(t, e);
        if colon && speaker_start(t, s) {
            let Ok(name) = std::str::from_utf8(&t[s..e]) else { return true };
            return !name.split([' ', '\t']).any(role_word);
        }
        // Inside `Given (Word):`.
        if s >= 2 && t[s - 1] == b'(' && t.get(e..e + 2) == Some(b"):") {
            let Ok(w) = std::str::from_utf8(&t[s..e]) else { return true };
            let ls = t[..s].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            // After a party (`Buyer (Given):`) the brackets hold the person.
            return s - ls > 40
                || super::lists::party_before(t, s)
                || w.split(' ').any(|x| lexicon::is_given(x) || lexicon::is_surname(x));
        }
        true
    });
}

/// First parts of a handle that are a system's, not a person's.
const NOT_PERSON: &[&str] =
    &["admin", "root", "system", "bot", "test", "support", "info", "noreply", "server"];

/// The lower-case display name that opens a chat line after its time stamp, and where it
/// ends: letters, digits, `.`, `_`, `-`, before `: ` or the line's end.
fn lower_speaker(t: &[u8], ls: usize, le: usize) -> Option<(usize, usize)> {
    let line = &t[ls..le];
    // Cheap test: a time (`9:05`) early in the line.
    let head = &line[..line.len().min(36)];
    if !memchr::memchr_iter(b':', head)
        .any(|c| c > 0 && head[c - 1].is_ascii_digit() && head.get(c + 1).is_some_and(u8::is_ascii_digit))
    {
        return None;
    }
    // After the time stamp, or inside IRC's `<name>` after it; else at the line's start
    // before its time in brackets (`name (09:05): …`).
    // Only the first word that is not a time stamp's own (`Tue`, `PM`, `am`) is looked at.
    let mut stamped = None;
    let mut p = ls + 1;
    while p < le.min(ls + 40) {
        let starts = t[p].is_ascii_alphabetic() && matches!(t[p - 1], b' ' | b']' | b'\t' | b'<');
        if !starts {
            p += 1;
            continue;
        }
        let we = t[p..le].iter().position(|b| !b.is_ascii_alphabetic()).map_or(le, |k| p + k);
        if t[p].is_ascii_uppercase() && we - p <= 3 || we - p <= 2 {
            p = we;
            continue;
        }
        if t[p].is_ascii_lowercase()
            && (t[p - 1] != b'<' && time_stamp_before(t, p)
                || t[p - 1] == b'<' && p >= 2 && time_stamp_before(t, p - 1))
        {
            stamped = Some(p);
        }
        break;
    }
    let p = match stamped {
        Some(p) => p,
        None if t[ls].is_ascii_lowercase() => ls,
        None => return None,
    };
    let mut e = p;
    while e < le && (t[e].is_ascii_lowercase() || t[e].is_ascii_digit() || matches!(t[e], b'.' | b'_' | b'-'))
    {
        e += 1;
    }
    while e > p && matches!(t[e - 1], b'.' | b'-' | b'_') {
        e -= 1;
    }
    let end_ok = if stamped.is_none() {
        time_in_brackets(&t[e..le])
    } else if p > ls && t[p - 1] == b'<' {
        t.get(e) == Some(&b'>')
    } else {
        t[e..le].iter().all(|&b| b == b'\r')
            || t.get(e) == Some(&b':') && t.get(e + 1).is_none_or(|&b| matches!(b, b' ' | b'\n' | b'\r'))
    };
    (end_ok && e - p >= 3).then_some((p, e))
}

/// Whether `rest` opens with a time in brackets and a colon (` (09:05):`).
fn time_in_brackets(rest: &[u8]) -> bool {
    let Some(r) = rest.strip_prefix(b" (") else { return false };
    let Some(close) = r.iter().take(12).position(|&b| b == b')') else { return false };
    let inner = &r[..close];
    r.get(close + 1) == Some(&b':')
        && inner.contains(&b':')
        && inner.iter().all(|&b| b.is_ascii_digit() || matches!(b, b':' | b' ' | b'.'))
}

/// Whether a lower-case display name is a person's by the name lists: its first part (before
/// `.`, `_`, `-` or a digit) or its last a given name or surname a list knows.
fn known_handle(h: &str) -> bool {
    let parts: Vec<&str> = h.split(|c: char| matches!(c, '.' | '_' | '-') || c.is_ascii_digit()).collect();
    let first = parts.first().copied().unwrap_or("");
    if first.len() < 2 || NOT_PERSON.contains(&first) || lexicon::is_stop_word(&capitalised(first)) {
        return false;
    }
    let known = |w: &str| {
        w.len() >= 3 && (lexicon::is_given(&capitalised(w)) || lexicon::is_surname(&capitalised(w)))
    };
    known(first) || parts.last().is_some_and(|l| known(l))
}

/// Whether `t[s..e]` stands as a word of its own (not inside a host, an address, a file name).
fn whole_word(t: &[u8], s: usize, e: usize) -> bool {
    let inner = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80 || matches!(b, b'_' | b'-');
    let before = s.checked_sub(1).map(|k| t[k]);
    let after = t.get(e).copied();
    let glued_before = before.is_some_and(|b| inner(b) || b == b'.' || b == b'/');
    let glued_after = after.is_some_and(|b| inner(b) || b == b'@')
        || (after == Some(b'.') && t.get(e + 1).is_some_and(u8::is_ascii_alphanumeric));
    !glued_before && !glued_after
}

/// Lower-case chat speakers after a time stamp (`[09:05] noor: …`, a Discord export's
/// `[date] noor.k` on a line of its own): a person when the lists know a part of the name,
/// or the same handle with a `.` or `_` speaks on two lines or more. Found once, the same
/// name is a person where it stands again in the text (`@noor.k`, `GG noor.k`).
pub(super) fn lower_speakers(t: &[u8], key: Option<Label>, cands: &mut Vec<Cand>) {
    if key.is_some() || t.len() < 16 {
        return;
    }
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut ls = 0;
    while ls < t.len() {
        let le = memchr::memchr(b'\n', &t[ls..]).map_or(t.len(), |p| ls + p);
        if let Some(x) = lower_speaker(t, ls, le) {
            found.push(x);
        }
        ls = le + 1;
    }
    if found.is_empty() {
        return;
    }
    let mut names: Vec<&[u8]> = Vec::new();
    for &(s, e) in &found {
        let h = &t[s..e];
        if names.contains(&h) {
            continue;
        }
        let Ok(hs) = std::str::from_utf8(h) else { continue };
        let again = found.iter().filter(|&&(a, b)| &t[a..b] == h).count() >= 2
            && h.iter().any(|&b| matches!(b, b'.' | b'_'));
        if known_handle(hs) || again {
            names.push(h);
        }
    }
    for h in names {
        for s in memchr::memmem::find_iter(t, h) {
            let e = s + h.len();
            // Not where anything else was found (an e-mail address, another name).
            if !whole_word(t, s, e) || cands.iter().any(|c| c.start < e && s < c.end) {
                continue;
            }
            cands.push(Cand {
                start: s,
                end: e,
                label: Label::Person,
                conf: CONF,
                rec: super::handle::RECOGNIZER,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    // Names written for these tests (not from any evaluation or tuning set).

    fn text_of(t: &str, spans: &[(usize, usize, f32)]) -> Vec<String> {
        spans.iter().map(|&(s, e, _)| t[s..e].to_string()).collect()
    }

    #[test]
    fn a_weekday_before_a_time_is_not_part_of_a_name() {
        let t = "Quorbel, Xanthe  Wed 09:14\nok\nSun 10:02\nSun Li came\nObi, Anna  Fri 10:10";
        let a = t.find("Quorbel").unwrap();
        let w = t.find("Sun 10").unwrap();
        let l = t.find("Sun Li").unwrap();
        let o = t.find("Obi").unwrap();
        let n = t.find("Anna").unwrap();
        let mut spans =
            vec![(a, a + 20, 0.9), (w, w + 3, 0.9), (l, l + 6, 0.9), (o, o + 3, 0.9), (n, n + 9, 0.9)];
        trim_weekday(t.as_bytes(), &mut spans);
        // The surname split off before "Given  Fri" joins the given name.
        assert_eq!(text_of(t, &spans), ["Quorbel, Xanthe", "Sun Li", "Obi, Anna"]);
    }

    #[test]
    fn roles_are_no_speakers() {
        let t = "[10:01] Me: hej\n[10:01] Agent (Xanthe): hej\n[10:02] Xanthe (Quorbelbutiken): hej\n[10:03] Avgående: x\n[10:04] Xanthe: y\n[10:05] Besiktare: z";
        let at = |w: &str| t.find(w).unwrap();
        let mut spans = vec![
            (at("Me"), at("Me") + 2, 0.9),
            (at("Agent"), at("Agent") + 5, 0.9),
            (at("Quorbelb"), at("Quorbelb") + "Quorbelbutiken".len(), 0.9),
            (at("Avg"), at("Avg") + "Avgående".len(), 0.9),
            (at("Xanthe: y"), at("Xanthe: y") + 6, 0.9),
            (at("Besiktare"), at("Besiktare") + 9, 0.9),
        ];
        role_speakers(t.as_bytes(), &mut spans);
        assert_eq!(text_of(t, &spans), ["Xanthe"]);
    }

    #[test]
    fn a_role_before_a_speaker_s_given_name() {
        let t = "[10:02] Simlärare Anna: hej\nTrädgårdsmästare Anna: hej\nJonas Anna: x\nSimlärare Anna berättade\nQuíbo Anna: y";
        let at = |w: &str| t.find(w).unwrap();
        let mut spans = vec![
            (at("Simlärare"), at("Simlärare") + "Simlärare Anna".len(), 0.9),
            (at("Trädg"), at("Trädg") + "Trädgårdsmästare Anna".len(), 0.9),
            (at("Jonas"), at("Jonas") + 10, 0.9),
            (at("Simlärare Anna berättade"), at("Simlärare Anna berättade") + "Simlärare Anna".len(), 0.9),
        ];
        spans.push((at("Quíbo"), t.len() - 3, 0.9));
        role_before_speaker(t.as_bytes(), &mut spans);
        assert_eq!(text_of(t, &spans), ["Anna", "Anna", "Jonas Anna", "Simlärare Anna", "Quíbo Anna"]);
    }

    fn speakers(t: &str) -> Vec<String> {
        let mut c = Vec::new();
        lower_speakers(t.as_bytes(), None, &mut c);
        c.sort_by_key(|c| c.start);
        c.iter().map(|c| t[c.start..c.end].to_string()).collect()
    }

    #[test]
    fn lower_case_speakers_after_a_time_stamp() {
        // A given name the lists know; found again in the text.
        assert_eq!(speakers("[08:01] anna: hej\n[08:02] qx: ok, anna.\n"), ["anna", "anna"]);
        // A handle that speaks twice; after a mention's `@`.
        assert_eq!(
            speakers("[1/2/2026 20:01] xoq.v\nhi\n[1/2/2026 20:02] xoq.v\n@xoq.v yo\n"),
            ["xoq.v", "xoq.v", "xoq.v"]
        );
        // A system's account, an unknown word once, a word inside an address.
        assert!(speakers("[08:01] admin: restarted\n[08:02] deploy: done\n").is_empty());
        assert_eq!(speakers("[08:01] anna: mail anna@x.example\n"), ["anna"]);
        // No time stamp, no speaker; IRC's brackets; a time in brackets after the name.
        assert!(speakers("anna: hej\nsome text here\n").is_empty());
        assert_eq!(speakers("[10:02] <anna_q> hi\n"), ["anna_q"]);
        assert_eq!(speakers("anna (09:05): hej\nbob (9:06): x\n"), ["anna"]);
    }
}
