//! HTML: a standalone document, or the text/html part of an e-mail.
//!
//! The input is tokenized with html5ever's tokenizer (switching it into the raw-text states
//! for `script`, `style`, `title`… as its tree builder would) and the token stream is written
//! back, so that the output stays as close to the input as the markup allows, and is well
//! formed. What happens to each kind of token:
//! - Text is decoded (entities) and joined across inline elements (`<b>41</b>11 …` is one
//!   number), block elements being gaps; the findings are replaced in the text nodes.
//! - Every attribute value is run through the detector, after percent-decoding when it holds
//!   `%XX` escapes (`mailto:anna%40example.se`). `data:` URIs: an image one is not inspected
//!   ([`Reason::Image`]), a base64 payload of another type is not inspected
//!   ([`Reason::Unsupported`]); under the Drop disposition the attribute is removed.
//!   `<iframe srcdoc>` is redacted as HTML, recursively.
//! - `<script>` text (JSON-LD and other scripts) is run through the detector and the findings
//!   replaced in place: a script can hold personal data, and an archived copy is not run.
//!   `<style>` text is copied unchanged (it is not text).
//! - Comments (conditional comments and `<?…>`/CDATA read as bogus comments too) are removed:
//!   they are not shown and may hold anything.

use std::borrow::Cow;
use std::cell::RefCell;

use encoding_rs::{Encoding, WINDOWS_1252};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{Cx, Disposition, Joined, Reason};
use crate::DetectError;

/// A standalone HTML document. It is written back as UTF-8 (its `<meta>` charset says so).
pub(crate) fn redact(input: &[u8], cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    cx.unpack(input.len() as u64)?;
    let text = decode(input);
    let out = redact_str(&text, cx, None)?;
    Ok(Some(out.into_bytes()))
}

/// The text of a page: by its byte-order mark; as UTF-8 when it is valid UTF-8; else in the
/// charset its `<meta>` declares, windows-1252 when none (the legacy default of browsers).
/// A letter in a legacy charset is read as that letter, not as U+FFFD, so names are found.
fn decode(input: &[u8]) -> Cow<'_, str> {
    if let Some((enc, _)) = Encoding::for_bom(input) {
        return enc.decode(input).0;
    }
    if let Ok(s) = std::str::from_utf8(input) {
        return Cow::Borrowed(s);
    }
    let head = String::from_utf8_lossy(input.get(..input.len().min(4096)).unwrap_or_default());
    let enc = declared_charset(&tokenize(&head))
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
        .map_or(WINDOWS_1252, Encoding::output_encoding);
    enc.decode_without_bom_handling(input).0
}

/// The charset a `<meta charset>` or `<meta http-equiv="content-type">` declares.
fn declared_charset(items: &[Item]) -> Option<String> {
    for item in items {
        let Item::Start { name, attrs, .. } = item else { continue };
        if name != "meta" {
            continue;
        }
        let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        if let Some(c) = get("charset") {
            return Some(c.to_owned());
        }
        if get("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("content-type"))
            && let Some(c) = get("content")
        {
            let lower = c.to_ascii_lowercase();
            if let Some(p) = lower.find("charset=") {
                let v = lower.get(p + 8..).unwrap_or("");
                return Some(v.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace()).to_owned());
            }
        }
    }
    None
}

/// The output is UTF-8: a `<meta>` that declares a charset is made to say so.
fn declare_utf8(name: &str, attrs: &mut [(String, String)]) {
    if name != "meta" {
        return;
    }
    let content_type = attrs.iter().any(|(n, v)| n == "http-equiv" && v.eq_ignore_ascii_case("content-type"));
    for (n, v) in attrs.iter_mut() {
        if n == "charset" {
            "utf-8".clone_into(v);
        } else if n == "content" && content_type {
            "text/html; charset=utf-8".clone_into(v);
        }
    }
}

/// Redact HTML held as text; findings are recorded at `part`.
pub(crate) fn redact_str(input: &str, cx: &mut Cx<'_>, part: Option<&str>) -> Result<String, DetectError> {
    redact_at_depth(input, cx, part, 0)
}

/// How the text of a token is to be read and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Ordinary text, or RCDATA (`title`, `textarea`): text, escaped on output.
    Text,
    /// Script text and other raw text that is not a style sheet: inspected, written raw.
    Script,
    /// `style` text: not inspected, written raw.
    Raw,
}

enum Item {
    Doctype(String),
    Start { name: String, attrs: Vec<(String, String)>, self_closing: bool },
    End(String),
    Text { s: String, mode: Mode },
}

#[derive(Default)]
struct Sink {
    items: RefCell<Vec<Item>>,
    /// The raw-text element we are in, if any.
    raw: RefCell<Option<(String, Mode)>>,
}

impl Sink {
    fn push(&self, item: Item) {
        self.items.borrow_mut().push(item);
    }

    fn text(&self, s: &str) {
        let mode = self.raw.borrow().as_ref().map_or(Mode::Text, |r| r.1);
        let mut items = self.items.borrow_mut();
        if let Some(Item::Text { s: last, mode: m }) = items.last_mut()
            && *m == mode
        {
            last.push_str(s);
            return;
        }
        items.push(Item::Text { s: s.to_owned(), mode });
    }

    fn tag(&self, tag: Tag) -> TokenSinkResult<()> {
        let name = tag.name.to_string();
        match tag.kind {
            TagKind::StartTag => {
                let attrs =
                    tag.attrs.iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect();
                let next = match name.as_str() {
                    "script" => Some((RawKind::ScriptData, Mode::Script)),
                    "style" => Some((RawKind::Rawtext, Mode::Raw)),
                    // Raw text that can be shown (`xmp`) or holds fallback text: inspected.
                    "xmp" | "iframe" | "noembed" | "noframes" => Some((RawKind::Rawtext, Mode::Script)),
                    "title" | "textarea" => Some((RawKind::Rcdata, Mode::Text)),
                    _ => None,
                };
                let plaintext = name == "plaintext";
                self.push(Item::Start { name: name.clone(), attrs, self_closing: tag.self_closing });
                if plaintext {
                    *self.raw.borrow_mut() = Some((name, Mode::Text));
                    return TokenSinkResult::Plaintext;
                }
                if let Some((kind, mode)) = next {
                    *self.raw.borrow_mut() = Some((name, mode));
                    return TokenSinkResult::RawData(kind);
                }
            }
            TagKind::EndTag => {
                let mut raw = self.raw.borrow_mut();
                if raw.as_ref().is_some_and(|r| r.0 == name) {
                    *raw = None;
                }
                drop(raw);
                self.push(Item::End(name));
            }
        }
        TokenSinkResult::Continue
    }
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::DoctypeToken(d) => {
                let mut s = String::from("<!DOCTYPE");
                if let Some(n) = &d.name {
                    s.push(' ');
                    s.push_str(n);
                }
                let quoted =
                    |t: &Option<StrTendril>| t.as_ref().map(|v| format!("\"{}\"", v.replace('"', "")));
                match (quoted(&d.public_id), quoted(&d.system_id)) {
                    (Some(p), Some(sy)) => s.push_str(&format!(" PUBLIC {p} {sy}")),
                    (Some(p), None) => s.push_str(&format!(" PUBLIC {p}")),
                    (None, Some(sy)) => s.push_str(&format!(" SYSTEM {sy}")),
                    (None, None) => {}
                }
                s.push('>');
                self.push(Item::Doctype(s));
            }
            Token::TagToken(tag) => return self.tag(tag),
            Token::CharacterTokens(t) => self.text(&t),
            Token::NullCharacterToken => self.text("\u{FFFD}"),
            // Comments are dropped; errors and the end need nothing.
            Token::CommentToken(_) | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// Elements that do not break the flow of text: a value may run across them.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "big"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "ins"
            | "kbd"
            | "label"
            | "mark"
            | "nobr"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
    )
}

fn tokenize(input: &str) -> Vec<Item> {
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(input));
    let tok = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let _ = tok.feed(&queue);
    tok.end();
    tok.sink.items.take()
}

fn redact_at_depth(
    input: &str,
    cx: &mut Cx<'_>,
    part: Option<&str>,
    depth: u32,
) -> Result<String, DetectError> {
    let mut items = tokenize(input);
    if items.len() > cx.limits().max_objects {
        return Err(DetectError::Limit { limit: "max_objects", max: cx.limits().max_objects as u64 });
    }

    // Text: joined across inline elements.
    let mut joined = Joined::default();
    let mut text_items = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Text { s, mode: Mode::Text } => {
                joined.push(s);
                text_items.push(i);
            }
            Item::Start { name, .. } | Item::End(name) if !is_inline(name) => joined.gap("\n"),
            Item::Text { .. } => joined.gap("\n"),
            _ => {}
        }
    }
    if let Some(new) = joined.redact(cx, part, None) {
        for (k, s) in text_items.iter().zip(new) {
            if let Some(Item::Text { s: old, .. }) = items.get_mut(*k) {
                *old = s;
            }
        }
    }

    // Scripts: each run of script text on its own.
    for item in &mut items {
        if let Item::Text { s, mode: Mode::Script } = item
            && let Some(r) = cx.redact_text(part, None, s)
        {
            *s = r;
        }
    }

    // Style sheets are not text, but an image in one (`url(data:image/…)`) is not inspected.
    for item in &mut items {
        if let Item::Text { s, mode: Mode::Raw } = item
            && has_image_uri(s)
            && cx.not_inspected(part, None, Reason::Image) == Disposition::Drop
        {
            s.clear();
        }
    }

    // Attributes.
    for item in &mut items {
        if let Item::Start { name: tag, attrs, .. } = item {
            let mut kept = Vec::with_capacity(attrs.len());
            for (name, value) in attrs.drain(..) {
                if let Some(v) = redact_attr(cx, part, &name, value, depth)? {
                    kept.push((name, v));
                }
            }
            declare_utf8(tag, &mut kept);
            *attrs = kept;
        }
    }

    Ok(serialize(&items, input.len()))
}

/// The new value of an attribute, `None` to remove it.
fn redact_attr(
    cx: &mut Cx<'_>,
    part: Option<&str>,
    name: &str,
    value: String,
    depth: u32,
) -> Result<Option<String>, DetectError> {
    if name == "srcdoc" {
        // An HTML document in an attribute: the same rules, one level down.
        if depth >= cx.limits().max_depth {
            return Err(DetectError::Limit { limit: "max_depth", max: u64::from(cx.limits().max_depth) });
        }
        return redact_at_depth(&value, cx, part, depth + 1).map(Some);
    }
    let trimmed = value.trim_start();
    if let Some(rest) =
        trimmed.get(..5).filter(|p| p.eq_ignore_ascii_case("data:")).and_then(|_| trimmed.get(5..))
    {
        let header = rest.split(',').next().unwrap_or("").to_ascii_lowercase();
        let reason = if header.starts_with("image/") || has_image_uri(rest) {
            Some(Reason::Image)
        } else if header.contains(";base64") {
            Some(Reason::Unsupported)
        } else {
            None
        };
        if let Some(reason) = reason {
            return Ok(match cx.not_inspected(part, None, reason) {
                Disposition::Keep => Some(value),
                Disposition::Drop => None,
            });
        }
    }
    if has_image_uri(&value) {
        // An image inside the value (a `srcset` list, a CSS `url(data:image/…)`).
        return Ok(match cx.not_inspected(part, None, Reason::Image) {
            Disposition::Keep => Some(value),
            Disposition::Drop => None,
        });
    }
    if value.contains('%') {
        let decoded = percent_decode(&value);
        if decoded != value {
            return Ok(Some(cx.redact_text(part, None, &decoded).unwrap_or(value)));
        }
    }
    Ok(Some(cx.redact_text(part, None, &value).unwrap_or(value)))
}

/// Whether `s` holds a `data:image/` URI anywhere.
fn has_image_uri(s: &str) -> bool {
    s.as_bytes().windows(11).any(|w| w.eq_ignore_ascii_case(b"data:image/"))
}

/// `%XX` escapes decoded (as UTF-8, invalid sequences as U+FFFD); other bytes unchanged.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%'
            && let (Some(h), Some(l)) =
                (b.get(i + 1).and_then(|x| hex(*x)), b.get(i + 2).and_then(|x| hex(*x)))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn escape_into(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            _ => out.push(c),
        }
    }
}

fn serialize(items: &[Item], size_hint: usize) -> String {
    let mut out = String::with_capacity(size_hint);
    for item in items {
        match item {
            Item::Doctype(d) => out.push_str(d),
            Item::Start { name, attrs, self_closing } => {
                out.push('<');
                out.push_str(name);
                for (n, v) in attrs {
                    out.push(' ');
                    out.push_str(n);
                    out.push_str("=\"");
                    escape_into(&mut out, v, true);
                    out.push('"');
                }
                if *self_closing {
                    out.push_str(" /");
                }
                out.push('>');
            }
            Item::End(name) => {
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            Item::Text { s, mode: Mode::Text } => escape_into(&mut out, s, false),
            Item::Text { s, .. } => out.push_str(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::doc::{DocOptions, UninspectedPolicy};

    fn run(html: &str, policy: UninspectedPolicy) -> (String, usize, usize) {
        let opts = DocOptions { uninspected: policy, ..Default::default() };
        let mut cx = Cx::new(&opts);
        let out = redact_str(html, &mut cx, None).unwrap();
        (out, cx.findings.len(), cx.not_inspected.len())
    }

    #[test]
    fn number_split_across_inline_elements_is_found() {
        let (out, n, _) = run("<p>Kort: <b>41</b>11 1111 <i>1111</i> 1111 tack</p>", UninspectedPolicy::Fail);
        assert_eq!(n, 1, "{out}");
        assert!(!out.contains("41</b>11"), "{out}");
        assert!(out.contains("Kort:") && out.contains("tack</p>"), "{out}");
    }

    #[test]
    fn block_elements_separate_values() {
        // Two table cells are not one number.
        let (_, n, _) =
            run("<table><tr><td>4111</td><td>1111 1111 1111</td></tr></table>", UninspectedPolicy::Fail);
        assert_eq!(n, 0);
    }

    #[test]
    fn entities_attributes_comments_and_scripts() {
        let html = concat!(
            "<!DOCTYPE html><html><head><meta name=\"author\" content=\"anna.svensson@example.se\">",
            "<style>p { color: red }</style>",
            "<script type=\"application/ld+json\">{\"telephone\": \"+46 70 123 45 67\"}</script></head>",
            "<body><!-- kund 19121212-1212 --><p>Mejla anna.svensson&#64;example.se</p>",
            "<a href=\"mailto:anna.svensson%40example.se\" title=\"ring +46 70 123 45 67\">länk</a>",
            "<img alt=\"kort 4111 1111 1111 1111\" src=\"data:image/png;base64,AAAA\">",
            "<div data-pnr=\"19121212-1212\">x &amp; y</div></body></html>"
        );
        let (out, _, ni) = run(html, UninspectedPolicy::Skip);
        for v in ["anna.svensson", "123 45 67", "1212-1212", "4111 1111", "<!--", "data:image"] {
            assert!(!out.contains(v), "{v} in {out}");
        }
        assert_eq!(ni, 1);
        assert!(out.contains("<style>p { color: red }</style>"), "{out}");
        assert!(out.contains("x &amp; y") && out.contains("länk") && out.contains("Mejla"), "{out}");
    }

    #[test]
    fn attribute_values_with_multibyte_letters_near_the_start() {
        let (out, _, _) =
            run("<p title=\"abcdé\" alt=\"dataé:x\" data-x=\"ééé\">ok</p>", UninspectedPolicy::Fail);
        assert!(out.contains("abcdé") && out.contains("ééé"), "{out}");
    }

    #[test]
    fn images_inside_values_and_style_sheets_are_not_inspected() {
        let html = "<style>.a { background: url(data:image/png;base64,AAAA) }</style>\
            <img srcset=\"a.png 1x, data:image/png;base64,AAAA 2x\"><p style=\"background:url('DATA:image/gif;base64,R0')\">x</p>";
        let (out, _, ni) = run(html, UninspectedPolicy::Skip);
        assert_eq!(ni, 3, "{out}");
        assert!(!out.to_ascii_lowercase().contains("data:image"), "{out}");
        assert!(out.contains("<style></style>") && out.contains("<p>x</p>"), "{out}");
    }

    #[test]
    fn a_legacy_page_is_read_in_its_charset_and_written_as_utf8() {
        let opts = DocOptions::default();
        let mut cx = Cx::new(&opts);
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head>\
<body><p>Hej \xc5sa, kort 4111 1111 1111 1111. H\xe4lsningar</p></body></html>";
        let out = String::from_utf8(redact(page, &mut cx).unwrap().unwrap()).unwrap();
        // Read as letters, the name after "Hej" is found; nothing became U+FFFD.
        assert!(!out.contains("Åsa") && out.contains("Hälsningar") && !out.contains('\u{fffd}'), "{out}");
        assert!(out.contains("content=\"text/html; charset=utf-8\""), "{out}");
        assert!(!out.contains("4111 1111"), "{out}");
        // No declaration: windows-1252.
        let out = redact(b"<html><body>\x80 100, Gr\xfcn</body></html>", &mut cx).unwrap().unwrap();
        assert!(String::from_utf8(out).unwrap().contains("€ 100, Grün"));
        let out = redact(b"<html><meta charset=\"windows-1252\"><p>ok</p></html>", &mut cx).unwrap().unwrap();
        assert!(String::from_utf8(out).unwrap().contains("<meta charset=\"utf-8\">"));
    }

    #[test]
    fn srcdoc_is_redacted_as_html() {
        let (out, n, _) = run(
            "<xmp>kort 4111 1111 1111 1111</xmp><noembed>+46 70 123 45 67</noembed>",
            UninspectedPolicy::Fail,
        );
        assert_eq!(n, 2, "{out}");
        let (out, n, _) =
            run("<iframe srcdoc=\"<p>ring +46 70 123 45 67</p>\"></iframe>", UninspectedPolicy::Fail);
        assert_eq!(n, 1, "{out}");
        assert!(!out.contains("123 45 67"), "{out}");
        assert!(out.contains("srcdoc=\"&lt;p&gt;ring"), "{out}");
    }
}
