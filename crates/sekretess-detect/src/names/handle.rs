//! Login handles that spell a person's name (`given.surname` in logs and machine exports):
//! `sshd: Accepted password for given.surname`, `DOMAIN\given.surname`, `actor=admin:given.surname`,
//! a JSON value that is a handle and nothing else. The tagger only sees capitalised words, so
//! these are found here, by the handle's shape, the name lists and the key or word before it.

use crate::Label;
use crate::lexicon;
use crate::scan::Cand;

/// The recognizer name of these findings.
pub const RECOGNIZER: &str = "person_handle";

/// Confidence of a handle: above the default threshold, below checksum-validated identifiers.
const CONF: f32 = 0.8;

/// Words after which a handle is an account, beside [`ACCOUNT_KEYS`] (the last word of
/// `basic_auth_user`, `label_printed_by`, `exporteradAv`, `User-Name`; `for` in `Accepted
/// password for`).
const ACCOUNT_CUES: &[&str] = &["konto", "for", "name", "home", "uid"];

/// Second parts that make `x.y` a host, a file or a method, not a name.
const NOT_SURNAME: &[&str] = &[
    "com", "org", "net", "edu", "gov", "io", "se", "nu", "no", "dk", "fi", "uk", "de", "nl", "eu", "us",
    "example", "local", "intern", "internal", "lan", "corp", "txt", "pdf", "csv", "json", "xml", "log",
    "html", "htm", "php", "js", "exe", "dll", "zip", "png", "jpg", "service", "conf", "yaml", "yml",
];

/// First parts that are a system's, not a person's (`svc.backup`, `www.example`).
const NOT_GIVEN: &[&str] =
    &["www", "svc", "service", "admin", "root", "system", "test", "api", "app", "web", "mail", "noreply"];

/// A lower-case name part from `i`: letters (any script, lower case) with inner `-` or `'`
/// before a letter. Returns its end.
fn part_end(t: &[u8], i: usize) -> usize {
    let s = std::str::from_utf8(&t[i..t.len().min(i + 40)])
        .unwrap_or_else(|e| std::str::from_utf8(&t[i..i + e.valid_up_to()]).unwrap_or(""));
    let mut end = 0;
    let mut prev_letter = false;
    let mut cs = s.char_indices().peekable();
    while let Some((k, c)) = cs.next() {
        if c.is_lowercase() {
            end = k + c.len_utf8();
            prev_letter = true;
        } else if matches!(c, '-' | '\'') && prev_letter && cs.peek().is_some_and(|&(_, n)| n.is_lowercase())
        {
            prev_letter = false;
        } else {
            break;
        }
    }
    i + end
}

/// The start of the lower-case name part that ends at `e`.
fn part_start(t: &[u8], e: usize) -> usize {
    let lo = e.saturating_sub(40);
    let mut s = e;
    // Walk back over whole characters: lower-case letters, and `-` / `'` between letters.
    while s > lo {
        let mut k = s - 1;
        while k > lo && (t[k] & 0xC0) == 0x80 {
            k -= 1;
        }
        let Some(c) = std::str::from_utf8(&t[k..s]).ok().and_then(|x| x.chars().next()) else { break };
        let inner = matches!(c, '-' | '\'') && s < e && k > lo && t[k - 1].is_ascii_lowercase();
        if !(c.is_lowercase() || inner) {
            break;
        }
        s = k;
    }
    s
}

/// `anna` as `Anna`, for the name lists (which hold names as written).
pub(super) fn capitalised(w: &str) -> String {
    let mut cs = w.chars();
    cs.next().map(|f| f.to_uppercase().chain(cs).collect()).unwrap_or_default()
}

/// Whether the key or word just before `s` on its line says an account follows: `user=`,
/// `"actor": "`, `Accepted password for `, `actor=admin:` (a role before a colon is skipped).
fn account_cue(t: &[u8], s: usize) -> bool {
    let lo = s.saturating_sub(48);
    let mut k = s;
    for _ in 0..2 {
        // Separators: spaces, quotes, `=`, `:`, `/`.
        let sep_end = k;
        while k > lo && matches!(t[k - 1], b' ' | b'\t' | b'"' | b'\'' | b'=' | b':' | b'/') {
            k -= 1;
        }
        if k == sep_end && k != s {
            return false;
        }
        let we = k;
        while k > lo
            && (t[k - 1].is_ascii_alphanumeric() || t[k - 1] >= 0x80 || matches!(t[k - 1], b'_' | b'-'))
        {
            k -= 1;
        }
        let Ok(key) = std::str::from_utf8(&t[k..we]) else { return false };
        if key.is_empty() {
            return false;
        }
        if ACCOUNT_KEYS.iter().chain(ACCOUNT_CUES).any(|c| last_key_word(key).eq_ignore_ascii_case(c)) {
            return true;
        }
        // `actor=admin:name`: one role word before a colon may stand between.
        if t.get(we) != Some(&b':') {
            return false;
        }
    }
    false
}

/// The last word of a key: after the last `_`, `-` or `.`, or the last capital of camelCase.
fn last_key_word(key: &str) -> &str {
    let tail = key.rsplit(['_', '-', '.']).next().unwrap_or(key);
    match tail.char_indices().rev().find(|&(k, c)| k > 0 && c.is_uppercase()) {
        Some((k, _)) => &tail[k..],
        None => tail,
    }
}

/// Keys whose value is an account (a JSON key's last word): `actor`, `owner`,
/// `label_printed_by`, `exporteradAv`. Not `name`, which also names events and things.
const ACCOUNT_KEYS: &[&str] = &[
    "user",
    "username",
    "login",
    "account",
    "actor",
    "owner",
    "agent",
    "by",
    "av",
    "analyst",
    "reviewer",
    "operator",
    "handler",
    "assignee",
    "author",
    "creator",
    "editor",
    "approver",
    "requester",
    "cashier",
    "kassör",
    "användare",
    "handläggare",
    "principal",
    // Who wrote a chat message (only a handle or a lower-case given name is taken here).
    "sender",
    "avsändare",
    "from",
];

/// Whether a JSON key says its value is an account.
pub(crate) fn account_key(key: &str) -> bool {
    let w = last_key_word(key);
    ACCOUNT_KEYS.iter().any(|c| w.eq_ignore_ascii_case(c))
}

/// The handle that is the whole of an account key's value, whatever the name lists say.
pub(crate) fn account_value(t: &[u8]) -> Option<Cand> {
    let mut out = Vec::new();
    find_in(t, None, true, &mut out);
    let trimmed = t.trim_ascii();
    let lead = t.len() - t.trim_ascii_start().len();
    out.into_iter().find(|c| c.start == lead && c.end == lead + trimmed.len()).or_else(|| {
        // A display name in lower case (`"sender": "noor"`, `"user": "noor_k"`): a given name
        // a list knows, alone or before `_` and a letter or two.
        let w = std::str::from_utf8(trimmed).ok()?;
        let given = w.split_once('_').map_or(w, |(g, rest)| {
            if (1..=2).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_lowercase()) { g } else { "" }
        });
        (given.chars().count() >= 3
            && given.chars().all(char::is_lowercase)
            && !NOT_GIVEN.contains(&given)
            && lexicon::is_given(&capitalised(given)))
        .then_some(Cand {
            start: lead,
            end: lead + trimmed.len(),
            label: Label::Person,
            conf: CONF,
            rec: RECOGNIZER,
        })
    })
}

/// Adds the login handles of `t` that spell a person's name.
pub(super) fn find(t: &[u8], key: Option<Label>, out: &mut Vec<Cand>) {
    find_in(t, key, false, out);
}

/// `find`, with `account` set when the text is an account key's value.
fn find_in(t: &[u8], key: Option<Label>, account: bool, out: &mut Vec<Cand>) {
    let trimmed = t.trim_ascii();
    let found = out.len();
    let mut unsure: Vec<(usize, usize)> = Vec::new();
    for d in memchr::memchr_iter(b'.', t) {
        // Cheap test: a lower-case letter (or a UTF-8 byte) on both sides of the dot.
        let lower = |b: u8| b.is_ascii_lowercase() || b >= 0x80;
        if d == 0 || !t.get(d + 1).is_some_and(|&b| lower(b)) || !lower(t[d - 1]) {
            continue;
        }
        // An e-mail address's local part (most dots between lower-case letters): skip it
        // before decoding anything.
        let run = t[d + 1..]
            .iter()
            .take(64)
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')));
        if run.is_some_and(|r| t.get(d + 1 + r) == Some(&b'@')) {
            continue;
        }
        let s = part_start(t, d);
        let e = part_end(t, d + 1);
        if s == d || e == d + 1 {
            continue;
        }
        // Left: not inside a host, an address or a word.
        let before = s.checked_sub(1).map(|k| t[k]);
        if before
            .is_some_and(|b| b.is_ascii_alphanumeric() || b >= 0x80 || matches!(b, b'.' | b'@' | b'_' | b'-'))
            || (before == Some(b'/') && s >= 2 && t[s - 2] == b'/')
        {
            continue;
        }
        // Right: not an e-mail address, a longer host or file name, a call or a number.
        let after = t.get(e).copied();
        if after.is_some_and(|b| b.is_ascii_alphanumeric() || b >= 0x80 || matches!(b, b'@' | b'_' | b'-'))
            || (after == Some(b'.') && t.get(e + 1).is_some_and(|b| b.is_ascii_alphanumeric()))
            || (after == Some(b'(') && t.get(e + 1) == Some(&b')'))
        {
            continue;
        }
        let (Ok(p1), Ok(p2)) = (std::str::from_utf8(&t[s..d]), std::str::from_utf8(&t[d + 1..e])) else {
            continue;
        };
        if NOT_SURNAME.contains(&p2) || NOT_GIVEN.contains(&p1) || p1.chars().count() < 2 {
            continue;
        }
        let (c1, c2) = (capitalised(p1), capitalised(p2));
        let given = lexicon::is_given(&c1);
        let initial = p2.chars().count() == 1;
        let surname = !initial && (lexicon::is_surname(&c2) || lexicon::surname_shape(&c2));
        let domain = before == Some(b'\\');
        let whole = trimmed.len() == e - s && trimmed.as_ptr() == t[s..].as_ptr();
        // The authuser field of a web server's access log: `10.0.0.1 - name [14/Mar/2026:…`.
        let clf = s >= 2 && &t[s - 2..s] == b"- " && t.get(e..e + 2) == Some(b" [");
        let cue = domain || clf || account || account_cue(t, s);
        let keyed = whole && key == Some(Label::Person);
        // Under an account key, `word.x` is a person's handle whatever the lists say.
        let ok = if initial {
            (given || account) && (cue || keyed)
        } else {
            (given && surname) || ((given || surname) && (cue || whole)) || cue || keyed
        };
        if ok {
            out.push(Cand { start: s, end: e, label: Label::Person, conf: CONF, rec: RECOGNIZER });
        } else {
            unsure.push((s, e));
        }
    }
    // A handle found once is the same person where it stands again without a cue
    // (`sudo:  name : TTY=…` after `Accepted password for name`).
    for (s, e) in unsure {
        if out[found..].iter().any(|c| t[c.start..c.end] == t[s..e]) {
            out.push(Cand { start: s, end: e, label: Label::Person, conf: CONF, rec: RECOGNIZER });
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    // Handles and names written for these tests (not from any evaluation set).
    fn handles(t: &str, key: Option<Label>) -> Vec<String> {
        let mut out = Vec::new();
        find(t.as_bytes(), key, &mut out);
        out.iter().map(|c| t[c.start..c.end].to_string()).collect()
    }

    #[test]
    fn handles_in_logs_are_names() {
        assert_eq!(
            handles("sshd[1]: Accepted publickey for tove.lindahl from 10.0.0.1", None),
            ["tove.lindahl"]
        );
        assert_eq!(handles("Konto: FIRMAN\\qwerin.obaro Typ: 2", None), ["qwerin.obaro"]);
        assert_eq!(handles("ts=1 actor=admin:qwerin.obaro action=X", None), ["qwerin.obaro"]);
        assert_eq!(handles("PWD=/home/tove.lindahl ; USER=root", None), ["tove.lindahl"]);
        assert_eq!(handles("10.0.0.2 - - [x] by user qwerin.obaro", None), ["qwerin.obaro"]);
        assert_eq!(handles("10.0.0.2 - qwerin.obaro [14/Mar/2026:08:05:40 +0100]", None), ["qwerin.obaro"]);
        assert_eq!(handles("session opened for user qwerin.obaro(uid=1004)", None), ["qwerin.obaro"]);
        // Once found with a cue, the same handle again without one.
        assert_eq!(
            handles("for qwerin.obaro from x\nsudo:  qwerin.obaro : TTY=pts/0", None),
            ["qwerin.obaro", "qwerin.obaro"]
        );
        // Two names the lists know need no cue.
        assert_eq!(handles("10.0.0.2 - anna.lindqvist [14/Mar/2026]", None), ["anna.lindqvist"]);
        // A JSON value that is a handle of a known given name and nothing else.
        assert_eq!(handles("tove.qwerin", None), ["tove.qwerin"]);
        assert_eq!(handles("qwerin.obaro", Some(Label::Person)), ["qwerin.obaro"]);
        assert_eq!(handles("tove.o", Some(Label::Person)), ["tove.o"]);
    }

    #[test]
    fn hosts_files_addresses_and_events_are_not() {
        assert!(handles("mail to anna.lindqvist@example.org today", None).is_empty());
        assert!(handles("see anna.lindqvist.example.org", None).is_empty());
        assert!(handles("https://anna.lindqvist/x", None).is_empty());
        assert!(handles("uploaded by user report.txt", None).is_empty());
        assert!(handles("order.created", None).is_empty());
        assert!(handles("event=payment.refund status=ok", None).is_empty());
        assert!(handles("restarted svc.backup for qwerin", None).is_empty());
        assert!(handles("call tove.o()", None).is_empty());
        assert!(handles("End of sentence. next one.", None).is_empty());
    }

    #[test]
    fn an_account_keys_value() {
        assert!(account_key("label_printed_by") && account_key("exporteradAv") && account_key("actor"));
        assert!(!account_key("name") && !account_key("event"));
        let c = account_value(b"qwerin.obaro").unwrap();
        assert_eq!((c.start, c.end), (0, 12));
        assert!(account_value(b"svc.backup").is_none());
        assert!(account_value(b"notes.txt").is_none());
        assert!(account_value(b"qwerin.obaro and more").is_none());
        // A lower-case given name alone, or with `_` and a letter; not an unknown word.
        assert!(account_value(b"tove").is_some() && account_value(b"tove_q").is_some());
        assert!(account_value(b"qwerin").is_none() && account_value(b"tove_qwerin").is_none());
        assert!(account_value(b"Tove").is_none());
    }

    #[test]
    fn key_words() {
        assert_eq!(last_key_word("basic_auth_user"), "user");
        assert_eq!(last_key_word("exporteradAv"), "Av");
        assert_eq!(last_key_word("User-Name"), "Name");
        assert_eq!(last_key_word("actor"), "actor");
    }
}
