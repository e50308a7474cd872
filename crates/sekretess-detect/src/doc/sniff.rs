//! Classify an input by its content: magic bytes and structure, never its name.

/// What an input is, as far as its first bytes tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// Text: plain text, logs, CSV, JSON (read by [`crate::Format`]).
    Text,
    /// A PDF file.
    Pdf,
    /// A zip package: OOXML, ODF, or another zip archive (told apart by its members).
    Zip,
    /// An OLE compound file (legacy Office, encrypted Office, MSG).
    Ole,
    /// A raster image (PNG, JPEG, GIF, TIFF, BMP, WebP).
    Image,
    /// One e-mail message (RFC 5322, `.eml`).
    Email,
    /// A mailbox of messages (mbox, each starting with a `From ` line).
    Mbox,
    /// An HTML document.
    Html,
    /// Bytes of no known format that are not text.
    Binary,
}

impl Kind {
    /// A stable name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Pdf => "pdf",
            Kind::Zip => "zip",
            Kind::Ole => "ole",
            Kind::Image => "image",
            Kind::Email => "email",
            Kind::Mbox => "mbox",
            Kind::Html => "html",
            Kind::Binary => "binary",
        }
    }
}

/// How many leading bytes [`sniff`] looks at.
pub const SNIFF_LEN: usize = 8192;

/// Classify `input` (only its first [`SNIFF_LEN`] bytes are read).
pub fn sniff(input: &[u8]) -> Kind {
    let head = &input[..input.len().min(SNIFF_LEN)];
    if head.len() >= 5 && memchr::memmem::find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return Kind::Pdf;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Kind::Zip;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Kind::Ole;
    }
    if is_image(head) {
        return Kind::Image;
    }
    if !is_text(head) {
        return Kind::Binary;
    }
    let body = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head);
    let start = body.trim_ascii_start();
    if starts_with_ignore_case(start, b"<!doctype html") || starts_with_ignore_case(start, b"<html") {
        return Kind::Html;
    }
    if body.starts_with(b"From ") && body.split(|&b| b == b'\n').nth(1).is_some_and(is_header_line) {
        return Kind::Mbox;
    }
    if is_message(body) {
        return Kind::Email;
    }
    Kind::Text
}

fn is_image(h: &[u8]) -> bool {
    h.starts_with(b"\x89PNG\r\n\x1a\n")
        || h.starts_with(&[0xFF, 0xD8, 0xFF])
        || h.starts_with(b"GIF87a")
        || h.starts_with(b"GIF89a")
        || h.starts_with(b"II*\0")
        || h.starts_with(b"MM\0*")
        || (h.len() >= 12 && h.starts_with(b"RIFF") && &h[8..12] == b"WEBP")
        || (h.starts_with(b"BM") && h.len() >= 14 && h[6..10] == [0, 0, 0, 0])
}

/// Text: no NUL byte, and at most 1 in 20 bytes a control character or part of an invalid
/// UTF-8 sequence (a truncated character at the end of the head does not count).
fn is_text(h: &[u8]) -> bool {
    if h.contains(&0) {
        return false;
    }
    let mut bad = 0usize;
    let mut chunks = h.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        if !(last && h.len() == SNIFF_LEN && chunk.invalid().len() < 4) {
            bad += chunk.invalid().len();
        }
        bad += chunk
            .valid()
            .bytes()
            .filter(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
            .count();
    }
    bad * 20 <= h.len()
}

fn starts_with_ignore_case(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// `Name: value` with a field name of printable ASCII and no space (RFC 5322 section 2.2).
fn is_header_line(line: &[u8]) -> bool {
    match line.iter().position(|&b| b == b':') {
        Some(p) if p > 0 => line[..p].iter().all(|&b| (33..=126).contains(&b)),
        _ => false,
    }
}

/// An RFC 5322 header block: every line up to the first blank one is a header field or a
/// folded continuation, and at least two of them are fields every message carries.
fn is_message(t: &[u8]) -> bool {
    const KNOWN: [&[u8]; 9] = [
        b"from",
        b"to",
        b"cc",
        b"subject",
        b"date",
        b"message-id",
        b"mime-version",
        b"received",
        b"return-path",
    ];
    let mut known = 0;
    let mut lines = 0;
    for line in t.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        lines += 1;
        if line[0] == b' ' || line[0] == b'\t' {
            if lines == 1 {
                return false;
            }
            continue;
        }
        if !is_header_line(line) {
            return false;
        }
        let name = &line[..line.iter().position(|&b| b == b':').unwrap_or(0)];
        if KNOWN.iter().any(|k| name.eq_ignore_ascii_case(k)) {
            known += 1;
        }
    }
    known >= 2
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn kinds_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Kind::Pdf);
        assert_eq!(sniff(b"PK\x03\x04rest"), Kind::Zip);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Kind::Image);
        assert_eq!(sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), Kind::Ole);
        assert_eq!(sniff(b"From: a@b.se\nTo: c@d.se\nSubject: x\n\nbody"), Kind::Email);
        assert_eq!(sniff(b"From a@b Mon Jan  1 00:00:00 2024\nFrom: a@b.se\n\nx"), Kind::Mbox);
        assert_eq!(sniff(b"  <!DOCTYPE html><p>x"), Kind::Html);
        assert_eq!(sniff(b"Subject: only one header line\n\nnote"), Kind::Text);
        assert_eq!(sniff("name,kort\nAnna,4111 1111 1111 1111\n".as_bytes()), Kind::Text);
        assert_eq!(sniff(b"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\0\0"), Kind::Binary);
    }
}
