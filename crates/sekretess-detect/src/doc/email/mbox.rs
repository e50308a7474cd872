//! mbox: messages each starting with a `From ` line (the framing is not MIME).
//!
//! Each message is redacted as one e-mail (its place path starts with its 1-based position
//! in the mailbox) and written back in mbox framing: its `From ` line (with the sender
//! address redacted), the message with LF line ends, a line in it that starts with `From `
//! quoted as `>From `, and a blank line. Lines already quoted (`>From `) are kept as found.

use super::super::{Cx, DetectError};
use super::headers::PLACEHOLDER;

pub(crate) fn redact(input: &[u8], cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    let messages = split(input);
    if messages.len() > cx.limits().max_objects {
        return Err(DetectError::Limit { limit: "max_objects", max: cx.limits().max_objects as u64 });
    }
    let mut out = Vec::with_capacity(input.len());
    for (k, m) in messages.iter().enumerate() {
        let (from_line, body) = match memchr::memchr(b'\n', m) {
            Some(p) => (&m[..p], &m[p + 1..]),
            None => (*m, &b""[..]),
        };
        let index = u32::try_from(k).unwrap_or(u32::MAX).saturating_add(1);
        cx.at.push(index);
        let line = from_line_redacted(cx, from_line);
        let result = super::redact_message(body, cx);
        cx.at.pop();
        let Some(msg) = result? else {
            continue;
        };
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
        let text = msg.strip_suffix(b"\r\n").unwrap_or(&msg);
        for l in text.split(|&b| b == b'\n') {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            if l.starts_with(b"From ") {
                out.push(b'>');
            }
            out.extend_from_slice(l);
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    Ok(Some(out))
}

/// The messages of a mailbox: split before every line that starts with `From `.
fn split(input: &[u8]) -> Vec<&[u8]> {
    let mut starts = vec![0];
    let mut at = 0;
    while let Some(p) = memchr::memmem::find(input.get(at..).unwrap_or_default(), b"\nFrom ") {
        starts.push(at + p + 1);
        at += p + 1;
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(input.len());
        out.push(input.get(s..e).unwrap_or_default());
    }
    out
}

/// `From sender date`: a sender holding a finding becomes the placeholder address, the rest
/// is redacted as text.
fn from_line_redacted(cx: &mut Cx<'_>, line: &[u8]) -> String {
    let line = String::from_utf8_lossy(line);
    let line = line.trim_end_matches('\r');
    let rest = line.strip_prefix("From ").unwrap_or(line);
    let (sender, tail) = rest.split_once(' ').unwrap_or((rest, ""));
    let sender = match cx.redact_text(Some("mbox From line"), None, sender) {
        Some(_) => PLACEHOLDER.to_owned(),
        None => sender.to_owned(),
    };
    let tail = cx.redact_text(Some("mbox From line"), None, tail).unwrap_or_else(|| tail.to_owned());
    if tail.is_empty() { format!("From {sender}") } else { format!("From {sender} {tail}") }
}
