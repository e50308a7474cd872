//! E-mail: one message (`.eml`, RFC 5322 + MIME) or a mailbox (mbox).
//!
//! A message is parsed with mail-parser (RFC 2047 encoded words, RFC 2231 parameters,
//! transfer encodings, charsets, nested messages) and written anew with mail-builder, so the
//! output is a valid MIME message whatever the input's encodings were:
//! - Headers: address headers (display names and addresses), Subject and every other
//!   unstructured header are decoded and redacted; message ids holding a finding are
//!   replaced; trace headers (Received, Return-Path, Delivered-To, X-Originating-IP, DKIM/ARC
//!   signatures…) are removed; MIME headers are rebuilt.
//! - Text parts are decoded (transfer encoding and charset) and redacted, and written as
//!   UTF-8; HTML parts go through the HTML redactor; both alternatives are kept.
//! - Attachments are decoded and redacted through the document dispatcher (PDF, Office, an
//!   attached `.eml`…; images are reported as not inspected); their file names are redacted.
//!   An attachment that is not to be written is left out of the message.
//! - A forwarded `message/rfc822` is redacted as a message, one nesting level down.
//! - `multipart/signed`: the signed content is redacted and the signature removed (it could
//!   not survive redaction, and carries the signer's certificate). Encrypted or opaque
//!   S/MIME, PGP/MIME encrypted messages and TNEF (`winmail.dat`) are not inspected
//!   ([`Reason::SealedMessage`]).

mod headers;
mod mbox;

use std::borrow::Cow;

use mail_builder::headers::HeaderType;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::headers::text::Text;
use mail_builder::mime::{BodyPart, MimePart};
use mail_parser::{Encoding, HeaderName, Message, MessageParser, MessagePart, MimeHeaders, PartType};

use super::{Cx, Disposition, Kind, Reason};
use crate::DetectError;

pub(crate) fn redact(input: &[u8], kind: Kind, cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    match kind {
        Kind::Mbox => mbox::redact(input, cx),
        _ => redact_message(input, cx),
    }
}

fn parser() -> MessageParser {
    MessageParser::new()
        .with_mime_headers()
        .with_date_headers()
        .with_address_headers()
        .with_message_ids()
        .header_text(HeaderName::Subject)
        .header_text(HeaderName::Comments)
        .header_comma_separated(HeaderName::Keywords)
        .header_comma_separated(HeaderName::ContentLanguage)
        .header_received(HeaderName::Received)
        .header_id(HeaderName::ReturnPath)
        .header_raw(HeaderName::MimeVersion)
        .header_address(HeaderName::DispositionNotificationTo)
        .header_address(HeaderName::ApparentlyTo)
        .header_address(HeaderName::ErrorsTo)
        .header_address(HeaderName::Other("Return-Receipt-To".into()))
        .header_address(HeaderName::Other("Mail-Followup-To".into()))
        .header_address(HeaderName::Other("Mail-Reply-To".into()))
        .header_address(HeaderName::Other("X-Original-From".into()))
        // Any other header is read as unstructured text (encoded words decoded).
        .default_header_text()
}

/// Redact one message. `None`: the whole message is not to be written.
pub(crate) fn redact_message(input: &[u8], cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    let msg = Flat(
        parser().parse(input).ok_or(DetectError::Damaged { format: "e-mail", what: "no message header" })?,
    );
    let msg = &msg.0;
    if msg.parts.len() > cx.limits().max_objects {
        return Err(DetectError::Limit { limit: "max_objects", max: cx.limits().max_objects as u64 });
    }
    let root = msg.parts.first().ok_or(DetectError::Damaged { format: "e-mail", what: "no message part" })?;
    if is_sealed(root) {
        // The whole message is sealed: nothing of it can be inspected.
        return Ok(match cx.not_inspected(None, None, Reason::SealedMessage) {
            Disposition::Keep => Some(input.to_vec()),
            Disposition::Drop => None,
        });
    }
    let mut walk = Walk { msg, raw: input, attachments: 0, texts: 0 };
    let mut headers = headers::message_headers(cx, input, &root.headers);
    let body = walk.part(cx, 0)?.unwrap_or_else(|| MimePart::new("text/plain", BodyPart::Text("".into())));
    headers.push(("MIME-Version".into(), Raw::new("1.0").into()));
    let mut top = body;
    headers.append(&mut top.headers);
    top.headers = headers;
    let mut out = Vec::with_capacity(input.len());
    top.write_part(&mut out);
    Ok(Some(out))
}

/// A parsed message, torn down without recursion when it goes: mail-parser nests forwarded
/// messages (`message/rfc822` without transfer encoding) as deep as the input does, and the
/// default drop of thousands of levels would exhaust the stack.
struct Flat<'x>(Message<'x>);

impl Drop for Flat<'_> {
    fn drop(&mut self) {
        let mut stack = vec![std::mem::take(&mut self.0.parts)];
        while let Some(mut parts) = stack.pop() {
            for p in parts.drain(..) {
                if let PartType::Message(mut m) = p.body {
                    stack.push(std::mem::take(&mut m.parts));
                }
            }
        }
    }
}

fn ctype(p: &MessagePart<'_>) -> (String, String) {
    match p.content_type() {
        Some(ct) => {
            (ct.ctype().to_ascii_lowercase(), ct.subtype().map(str::to_ascii_lowercase).unwrap_or_default())
        }
        None => ("text".to_owned(), "plain".to_owned()),
    }
}

/// Encrypted or opaque content that cannot be read.
fn is_sealed(p: &MessagePart<'_>) -> bool {
    let (t, s) = ctype(p);
    (t == "multipart" && s == "encrypted")
        || (t == "application"
            && matches!(
                s.as_str(),
                "pkcs7-mime" | "x-pkcs7-mime" | "ms-tnef" | "vnd.ms-tnef" | "pgp-encrypted"
            ))
}

/// A detached signature (outside `multipart/signed` too): removed.
fn is_signature(t: &str, s: &str) -> bool {
    t == "application" && matches!(s, "pkcs7-signature" | "x-pkcs7-signature" | "pgp-signature")
}

struct Walk<'m, 'x> {
    msg: &'m Message<'x>,
    raw: &'m [u8],
    /// Attachments numbered so far (1-based positions in places).
    attachments: u32,
    /// Text bodies so far (`body`, `body 2` …).
    texts: u32,
}

impl Walk<'_, '_> {
    fn next_attachment(&mut self) -> u32 {
        self.attachments = self.attachments.saturating_add(1);
        self.attachments
    }

    /// The raw bytes of a part, headers included.
    fn raw_part(&self, p: &MessagePart<'_>) -> &[u8] {
        let (s, e) = (p.offset_header as usize, p.offset_end as usize);
        if e > s { self.raw.get(s..e).unwrap_or_default() } else { self.raw.get(s..).unwrap_or_default() }
    }

    /// The rebuilt part `id`; `None` to leave it out.
    fn part(&mut self, cx: &mut Cx<'_>, id: u32) -> Result<Option<MimePart<'static>>, DetectError> {
        let msg = self.msg;
        let p = msg
            .parts
            .get(id as usize)
            .ok_or(DetectError::Damaged { format: "e-mail", what: "part reference out of range" })?;
        let (t, s) = ctype(p);
        if is_sealed(p) {
            let i = self.next_attachment();
            cx.at.push(i);
            let d = cx.not_inspected(None, None, Reason::SealedMessage);
            cx.at.pop();
            return Ok(match d {
                Disposition::Keep => Some(MimePart::raw(BodyPart::Binary(self.raw_part(p).to_vec().into()))),
                Disposition::Drop => None,
            });
        }
        if is_signature(&t, &s) {
            return Ok(None);
        }
        let mut out = match &p.body {
            PartType::Multipart(children) => {
                if s == "signed" {
                    // The signed content, redacted; the signature cannot survive.
                    return match children.first() {
                        Some(&c) => self.part(cx, c),
                        None => Ok(None),
                    };
                }
                let mut parts = Vec::with_capacity(children.len());
                for &c in children {
                    if let Some(mp) = self.part(cx, c)? {
                        parts.push(mp);
                    }
                }
                if parts.is_empty() {
                    return Ok(None);
                }
                let mut ct = ContentType::new(format!("multipart/{s}"));
                if let Some(attrs) = p.content_type().and_then(|c| c.attributes()) {
                    for a in attrs {
                        let n = a.name.to_ascii_lowercase();
                        if matches!(n.as_str(), "type" | "start" | "report-type" | "differences") {
                            ct = ct.attribute(n, a.value.to_string());
                        }
                    }
                }
                MimePart::new(ct, BodyPart::Multipart(parts))
            }
            PartType::Text(text) | PartType::Html(text) if !is_attachment(p) => {
                cx.unpack(text.len() as u64)?;
                self.texts = self.texts.saturating_add(1);
                let place = if self.texts == 1 { "body".to_owned() } else { format!("body {}", self.texts) };
                if text.contains("-----BEGIN PGP MESSAGE-----")
                    && cx.not_inspected(Some(&place), None, Reason::SealedMessage) == Disposition::Drop
                {
                    // Inline PGP: the armoured text is ciphertext.
                    return Ok(None);
                }
                let new = if matches!(p.body, PartType::Html(_)) {
                    html(cx, &place, text)?
                } else {
                    // format=flowed is undone (and not declared on output), so that a value
                    // wrapped over a soft line break is seen whole.
                    let ct = p.content_type();
                    let flowed = ct
                        .and_then(|c| c.attribute("format"))
                        .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
                    let delsp =
                        ct.and_then(|c| c.attribute("delsp")).is_some_and(|f| f.eq_ignore_ascii_case("yes"));
                    let text: Cow<'_, str> =
                        if flowed { unflow(text, delsp).into() } else { Cow::Borrowed(text) };
                    cx.redact_text(Some(&place), None, &text).unwrap_or_else(|| text.into_owned())
                };
                let sub = if s.is_empty() { "plain".to_owned() } else { s.clone() };
                let ct = ContentType::new(format!("text/{sub}")).attribute("charset", "utf-8");
                MimePart::new(ct, BodyPart::Text(new.into()))
            }
            PartType::Text(_) | PartType::Html(_) | PartType::Binary(_) | PartType::InlineBinary(_) => {
                return self.attachment(cx, p, &t, &s);
            }
            PartType::Message(m) => {
                let i = self.next_attachment();
                let bytes = if p.encoding == Encoding::None {
                    self.raw.get(p.offset_body as usize..p.offset_end as usize).filter(|b| !b.is_empty())
                } else {
                    None
                };
                let bytes = match bytes {
                    Some(b) => b,
                    None if p.encoding != Encoding::None => m.raw_message.as_ref(),
                    None => self.raw.get(p.offset_body as usize..).unwrap_or_default(),
                };
                cx.unpack(bytes.len() as u64)?;
                let Some(new) = cx.nested_as(i, bytes, Kind::Email)? else {
                    return Ok(None);
                };
                let cte = if new.is_ascii() { "7bit" } else { "8bit" };
                let mut mp = MimePart::new("message/rfc822", BodyPart::Binary(new.into()));
                if let Some(d) = self.disposition(cx, p, i) {
                    mp.headers.push(("Content-Disposition".into(), d.into()));
                }
                mp.transfer_encoding(cte)
            }
        };
        self.part_headers(cx, p, &mut out);
        Ok(Some(out))
    }

    /// An attachment (or an inline binary): its decoded bytes through the dispatcher.
    fn attachment(
        &mut self,
        cx: &mut Cx<'_>,
        p: &MessagePart<'_>,
        t: &str,
        s: &str,
    ) -> Result<Option<MimePart<'static>>, DetectError> {
        let i = self.next_attachment();
        let bytes = p.contents();
        cx.unpack(bytes.len() as u64)?;
        let Some(new) = cx.nested(i, bytes)? else {
            return Ok(None);
        };
        let mut ct = ContentType::new(format!("{t}/{s}"));
        if t == "text" {
            // Text parts were decoded to UTF-8 by the parser.
            ct = ct.attribute("charset", "utf-8");
        }
        if let Some(name) = p.content_type().and_then(|c| c.attribute("name")) {
            cx.at.push(i);
            let name = headers::filename(cx, "filename", name);
            cx.at.pop();
            ct = ct.attribute("name", name);
        }
        let mut mp = MimePart::new(ct, BodyPart::Binary(new.into()));
        if let Some(d) = self.disposition(cx, p, i) {
            mp.headers.push(("Content-Disposition".into(), d.into()));
        }
        self.part_headers(cx, p, &mut mp);
        Ok(Some(mp))
    }

    /// The part's Content-Disposition with its file name redacted.
    fn disposition(&self, cx: &mut Cx<'_>, p: &MessagePart<'_>, i: u32) -> Option<ContentType<'static>> {
        let d = p.content_disposition()?;
        let kind = if d.ctype().eq_ignore_ascii_case("inline") { "inline" } else { "attachment" };
        let mut ct = ContentType::new(kind);
        if let Some(name) = d.attribute("filename") {
            cx.at.push(i);
            let name = headers::filename(cx, "filename", name);
            cx.at.pop();
            ct = ct.attribute("filename", name);
        }
        Some(ct)
    }

    /// Content-ID, Content-Description and Content-Location of a part, redacted.
    fn part_headers(&self, cx: &mut Cx<'_>, p: &MessagePart<'_>, out: &mut MimePart<'static>) {
        if let Some(id) = p.content_id() {
            let v = headers::id(cx, "header:Content-ID", id);
            out.headers.push(("Content-ID".into(), HeaderType::Raw(Raw::new(format!("<{v}>")))));
        }
        if let Some(d) = p.content_description() {
            let v = headers::text(cx, "header:Content-Description", d);
            out.headers.push(("Content-Description".into(), Text::new(v).into()));
        }
        if let Some(l) = p.content_location() {
            let v = headers::text(cx, "header:Content-Location", l);
            out.headers.push(("Content-Location".into(), Text::new(v).into()));
        }
    }
}

/// RFC 3676 `format=flowed` text as paragraphs: a line ending in a space (a soft break) is
/// joined with the next (the space removed under `delsp=yes`); space-stuffing is undone; the
/// signature separator `-- ` stays a line of its own.
fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = line.strip_prefix(' ').unwrap_or(line);
        let soft = line.ends_with(' ') && line != "-- ";
        if soft {
            out.push_str(if delsp { line.strip_suffix(' ').unwrap_or(line) } else { line });
        } else {
            out.push_str(line);
            if lines.peek().is_some() {
                out.push('\n');
            }
        }
    }
    out
}

/// A part sent as an attachment (by disposition or by having a file name), not as the body.
fn is_attachment(p: &MessagePart<'_>) -> bool {
    p.content_disposition().is_some_and(|d| d.is_attachment()) || p.attachment_name().is_some()
}

#[cfg(feature = "html")]
fn html(cx: &mut Cx<'_>, place: &str, text: &str) -> Result<String, DetectError> {
    super::html::redact_str(text, cx, Some(place))
}

/// Without the HTML reader, the markup is read as text (findings still removed).
#[cfg(not(feature = "html"))]
fn html(cx: &mut Cx<'_>, place: &str, text: &str) -> Result<String, DetectError> {
    Ok(cx.redact_text(Some(place), None, text).unwrap_or_else(|| text.to_owned()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::doc::DocOptions;

    fn run(input: &[u8]) -> (String, Vec<String>) {
        let opts = DocOptions::default();
        let mut cx = Cx::new(&opts);
        let out = redact_message(input, &mut cx).unwrap().unwrap();
        let places = cx.findings.iter().map(|f| f.place.to_string()).collect();
        (String::from_utf8(out).unwrap(), places)
    }

    #[test]
    fn trace_headers_go_and_the_date_stays() {
        let (out, _) = run(b"Received: from x ([192.0.2.1]) by y; Sun, 6 Dec 2026 10:00:00 +0100\r\n\
Return-Path: <a@example.com>\r\nDelivered-To: b@example.com\r\nX-Originating-IP: [192.0.2.1]\r\n\
DKIM-Signature: v=1; a=rsa-sha256; d=example.com; b=abc\r\n\
From: Kundtjanst <kundtjanst@example.com>\r\nDisposition-Notification-To: Anna <anna@example.se>\r\nReturn-Receipt-To: anna@example.se\r\nDate: Sun, 06 Dec 2026 10:00:00 +0100\r\nSubject: Hello\r\n\r\nHi there\r\n");
        for h in ["Received", "Return-Path", "Delivered-To", "X-Originating-IP", "DKIM", "192.0.2.1"] {
            assert!(!out.contains(h), "{h} in {out}");
        }
        assert!(out.contains("Date: Sun, 06 Dec 2026 10:00:00 +0100\r\n"), "{out}");
        assert!(out.contains("Subject: Hello\r\n") && out.contains("MIME-Version: 1.0\r\n"), "{out}");
        assert!(out.contains("From: \"Kundtjanst\" <redacted@invalid>\r\n"), "{out}");
        // "Anna" is a given name: the display name is redacted too (encoded as a word).
        assert!(out.contains("Disposition-Notification-To: ") && !out.contains("Anna"), "{out}");
        assert!(out.contains("Return-Receipt-To: <redacted@invalid>\r\n"), "{out}");
    }

    #[test]
    fn part_count_and_unpacked_bytes_are_limited() {
        let mut m = b"From: a@example.com\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
            .to_vec();
        for _ in 0..5 {
            m.extend_from_slice(b"--B\r\nContent-Type: text/plain\r\n\r\nhej hej hej hej\r\n");
        }
        m.extend_from_slice(b"--B--\r\n");
        let limits = crate::doc::Limits { max_objects: 4, ..Default::default() };
        let opts = DocOptions { limits, ..Default::default() };
        let r = redact_message(&m, &mut Cx::new(&opts));
        assert!(matches!(r, Err(DetectError::Limit { limit: "max_objects", .. })), "{r:?}");
        let limits = crate::doc::Limits { max_unpacked: 40, ..Default::default() };
        let opts = DocOptions { limits, ..Default::default() };
        let r = redact_message(&m, &mut Cx::new(&opts));
        assert!(matches!(r, Err(DetectError::Limit { limit: "max_unpacked", .. })), "{r:?}");
    }

    #[test]
    fn flowed_text_is_read_as_paragraphs() {
        assert_eq!(
            unflow("kort 4111 1111 \r\n1111 1111.\r\n-- \r\n Anna\r\n", false),
            "kort 4111 1111 1111 1111.\n-- \nAnna\n"
        );
        assert_eq!(unflow("ab \ncd", true), "abcd");
        let (out, places) = run(b"From: x@example.com\r\nSubject: s\r\nContent-Type: text/plain; format=flowed\r\n\r\nKort 4111 1111 \r\n1111 1111 tack\r\n");
        assert_eq!(places, vec!["header:From", "body"]);
        assert!(!out.contains("format=flowed"), "{out}");
    }

    #[test]
    fn inline_pgp_is_sealed() {
        let opts = DocOptions::default();
        let mut cx = Cx::new(&opts);
        let m = b"From: a@example.com\r\nSubject: x\r\n\r\n-----BEGIN PGP MESSAGE-----\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n";
        let out = String::from_utf8(redact_message(m, &mut cx).unwrap().unwrap()).unwrap();
        assert_eq!(cx.not_inspected.len(), 1);
        assert_eq!(cx.not_inspected[0].reason, Reason::SealedMessage);
        assert!(!out.contains("hQEMA"), "{out}");
    }

    #[test]
    fn header_places_hold_no_values() {
        let (_, places) =
            run(b"From: a@example.com\r\nX-Anna-Svensson: ring 070-123 45 67\r\nSubject: x\r\n\r\nbody\r\n");
        assert_eq!(places, vec!["header:From", "header:other"]);
    }

    #[test]
    fn file_names_are_read_as_words() {
        let opts = DocOptions::default();
        let mut cx = Cx::new(&opts);
        let n = headers::filename(&mut cx, "filename", "Anna_Svensson_cv.pdf");
        assert!(!n.contains("Svensson") && n.ends_with("_cv.pdf"), "{n}");
        assert_eq!(headers::filename(&mut cx, "filename", "faktura-2026.pdf"), "faktura-2026.pdf");
    }

    #[test]
    fn bytes_without_headers_are_damaged_not_a_panic() {
        let opts = DocOptions::default();
        let mut cx = Cx::new(&opts);
        assert!(redact_message(b"", &mut cx).is_err());
        for input in [
            &b"\r\n\r\n"[..],
            b"From: \r\n",
            b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--",
        ] {
            let _ = redact_message(input, &mut cx);
        }
    }
}
