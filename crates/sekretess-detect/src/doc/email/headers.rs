//! Message headers: which are kept, redacted or removed, and how they are written back.

use std::borrow::Cow;

use mail_builder::headers::HeaderType;
use mail_builder::headers::address::Address as BAddress;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::headers::text::Text;
use mail_parser::{Addr, Address, Header, HeaderName, HeaderValue};

use super::super::{Cx, Joined};

/// The address that replaces one holding a finding: keeps the header syntactically valid.
pub(crate) const PLACEHOLDER: &str = "redacted@invalid";

pub(crate) type Headers = Vec<(Cow<'static, str>, HeaderType<'static>)>;

/// Trace and authentication headers: removed. They are not needed in an archive, carry the
/// addresses and IP numbers of the path a message took, and the signatures no longer match
/// a redacted message.
fn is_trace(name: &HeaderName<'_>) -> bool {
    match name {
        HeaderName::Received
        | HeaderName::ReturnPath
        | HeaderName::DkimSignature
        | HeaderName::ArcSeal
        | HeaderName::ArcMessageSignature
        | HeaderName::ArcAuthenticationResults
        | HeaderName::AuthenticationResults
        | HeaderName::DeliveredTo => true,
        HeaderName::Other(n) => {
            let n = n.to_ascii_lowercase();
            matches!(
                n.as_str(),
                "delivered-to"
                    | "x-originating-ip"
                    | "x-received"
                    | "x-original-to"
                    | "x-forwarded-to"
                    | "x-forwarded-for"
                    | "x-sender-ip"
                    | "received-spf"
                    | "x-google-dkim-signature"
                    | "x-gm-message-state"
                    | "x-google-smtp-source"
                    | "x-ms-exchange-organization-authsource"
                    | "x-ms-exchange-organization-originalclientipaddress"
            ) || n.starts_with("x-ms-exchange-crosstenant")
        }
        _ => false,
    }
}

/// MIME headers of the message: rebuilt by mail-builder from the parts.
fn is_mime(name: &HeaderName<'_>) -> bool {
    matches!(
        name,
        HeaderName::MimeVersion
            | HeaderName::ContentType
            | HeaderName::ContentDisposition
            | HeaderName::ContentTransferEncoding
            | HeaderName::ContentId
            | HeaderName::ContentDescription
            | HeaderName::ContentLocation
            | HeaderName::ContentLanguage
    )
}

fn is_id(name: &HeaderName<'_>) -> bool {
    matches!(
        name,
        HeaderName::MessageId | HeaderName::InReplyTo | HeaderName::References | HeaderName::ResentMessageId
    )
}

/// The place of a header: its name when it is a registered one, never a name from the
/// document otherwise.
fn place(name: &HeaderName<'_>) -> String {
    let known = name.as_static_str();
    if known.is_empty() { "header:other".to_owned() } else { format!("header:{known}") }
}

/// The raw value of a header, unfolded.
fn raw_value(raw: &[u8], h: &Header<'_>) -> String {
    let bytes = raw.get(h.offset_start as usize..h.offset_end as usize).unwrap_or_default();
    let s = String::from_utf8_lossy(bytes);
    s.replace("\r\n", "").replace('\n', "").trim().to_owned()
}

/// The message headers, redacted, in their order (trace and MIME headers left out).
pub(crate) fn message_headers(cx: &mut Cx<'_>, raw: &[u8], headers: &[Header<'_>]) -> Headers {
    let mut out: Headers = Vec::new();
    for h in headers {
        if is_trace(&h.name) || is_mime(&h.name) {
            continue;
        }
        let part = place(&h.name);
        let name: Cow<'static, str> = Cow::Owned(h.name.as_str().to_owned());
        let value: HeaderType<'static> = match &h.value {
            HeaderValue::Address(a) => address(cx, &part, a).into(),
            HeaderValue::Text(t) if is_id(&h.name) => MessageId::new(id(cx, &part, t)).into(),
            HeaderValue::TextList(l) if is_id(&h.name) => {
                MessageId::new_list(l.iter().map(|t| id(cx, &part, t)).collect::<Vec<_>>().into_iter()).into()
            }
            HeaderValue::Text(t) => Text::new(text(cx, &part, t)).into(),
            HeaderValue::TextList(l) => {
                let v: Vec<String> = l.iter().map(|t| text(cx, &part, t)).collect();
                Text::new(v.join(", ")).into()
            }
            // A date is kept as written.
            HeaderValue::DateTime(_) => Raw::new(raw_value(raw, h)).into(),
            // Received values are trace headers (left out above); a content type in another
            // header and empty values have nothing to keep.
            HeaderValue::ContentType(_) | HeaderValue::Received(_) | HeaderValue::Empty => continue,
        };
        out.push((name, value));
    }
    out
}

/// Unstructured text, redacted.
pub(crate) fn text(cx: &mut Cx<'_>, part: &str, t: &str) -> String {
    cx.redact_text(Some(part), None, t).unwrap_or_else(|| t.to_owned())
}

/// A message id (`local@domain`): an id holding a finding is replaced whole.
pub(crate) fn id(cx: &mut Cx<'_>, part: &str, t: &str) -> String {
    match cx.redact_text(Some(part), None, t) {
        Some(_) => PLACEHOLDER.to_owned(),
        None => t.to_owned(),
    }
}

/// An address list or groups, with display names and addresses redacted.
fn address(cx: &mut Cx<'_>, part: &str, a: &Address<'_>) -> BAddress<'static> {
    match a {
        Address::List(list) => BAddress::new_list(list.iter().map(|m| mailbox(cx, part, m)).collect()),
        Address::Group(groups) => BAddress::new_list(
            groups
                .iter()
                .map(|g| {
                    let name = g.name.as_deref().map(|n| text(cx, part, n));
                    BAddress::new_group(name, g.addresses.iter().map(|m| mailbox(cx, part, m)).collect())
                })
                .collect(),
        ),
    }
}

/// One mailbox. The detector sees `Name <address>` as one text; an address holding a
/// finding becomes [`PLACEHOLDER`].
fn mailbox(cx: &mut Cx<'_>, part: &str, m: &Addr<'_>) -> BAddress<'static> {
    let name = m.name.as_deref().unwrap_or("");
    let addr = m.address.as_deref().unwrap_or("");
    let mut j = Joined::default();
    j.push(name);
    j.gap(" <");
    j.push(addr);
    j.gap(">");
    let (name, addr) = match j.redact(cx, Some(part), None) {
        Some(v) => {
            let n = v.first().cloned().unwrap_or_default();
            let a =
                if v.get(1).is_some_and(|a| a != addr) { PLACEHOLDER.to_owned() } else { addr.to_owned() };
            (n, a)
        }
        None => (name.to_owned(), addr.to_owned()),
    };
    let name = if name.trim().is_empty() { None } else { Some(name) };
    BAddress::new_address(name, addr)
}

/// A file name: separators (`_`, `-`, `.`) are read as spaces so that `Anna_Svensson_cv.pdf`
/// is seen as words, and put back.
pub(crate) fn filename(cx: &mut Cx<'_>, part: &str, name: &str) -> String {
    let mut j = Joined::default();
    let mut seps = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices() {
        if matches!(c, '_' | '-' | '.' | '+') {
            j.push(name.get(start..i).unwrap_or(""));
            j.gap(" ");
            seps.push(c);
            start = i + c.len_utf8();
        }
    }
    j.push(name.get(start..).unwrap_or(""));
    match j.redact(cx, Some(part), None) {
        None => name.to_owned(),
        Some(pieces) => {
            let mut out = String::with_capacity(name.len());
            for (k, p) in pieces.iter().enumerate() {
                out.push_str(p);
                if let Some(c) = seps.get(k) {
                    out.push(*c);
                }
            }
            out
        }
    }
}
