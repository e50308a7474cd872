#!/usr/bin/env python3
"""Independent text extractors for the document fixtures (issue 17).

Used by scripts/doc-fixtures/make.py (to check the fixtures hold their planted values) and
by crates/sekretess-detect/tests/it/documents.rs (to check the redacted outputs do not).
None of this shares code with Sekretess: it is Python's zipfile, xml.etree, email and
html.parser, and poppler's pdftotext/pdfinfo.

    extract.py MODE FILE   MODE: auto | pdf | pdfraw | pdfwords | zip | email | emaildefects | html
Prints the text found on stdout. `pdfraw` prints the strings of the PDF as qpdf writes it
uncompressed (metadata, link targets, form values): compare it only verbatim.
"""
import email
import email.policy
import html.parser
import io
import re
import subprocess
import sys
import tempfile
import urllib.parse
import zipfile
import xml.etree.ElementTree as ET


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"],
                             check=True, capture_output=True).stdout.decode("utf-8", "replace")
        info = subprocess.run(["pdfinfo", "-enc", "UTF-8", "-meta", f.name],
                              check=True, capture_output=True).stdout.decode("utf-8", "replace")
    return out + "\n" + info


def pdf_raw(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        r = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", f.name, "-"],
                           capture_output=True)
        # qpdf exits 3 on warnings; the output is still written.
        if r.returncode not in (0, 3):
            raise SystemExit("qpdf failed")
    raw = r.stdout.decode("latin-1")
    # The string objects decoded too: annotation contents, titles and form values are often
    # UTF-16 hex strings that no grep of the file would see.
    strings = [pdf_string(bytes.fromhex(re.sub(r"\s", "", h) + ("0" if len(re.sub(r"\s", "", h)) % 2 else "")))
               for h in re.findall(r"<([0-9A-Fa-f\s]+)>", raw)]
    strings += [pdf_string(unescape_literal(m)) for m in re.findall(r"\(((?:\\.|[^\\()])*)\)", raw, re.S)]
    return raw + "\n" + "\n".join(strings)


def unescape_literal(s):
    out = bytearray()
    b = s.encode("latin-1")
    i = 0
    while i < len(b):
        c = b[i]
        if c == 0x5C and i + 1 < len(b):
            n = b[i + 1]
            if 0x30 <= n <= 0x37:
                j = i + 1
                while j < len(b) and j < i + 4 and 0x30 <= b[j] <= 0x37:
                    j += 1
                out.append(int(b[i + 1:j], 8) & 0xFF)
                i = j
                continue
            out += {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b",
                    ord("f"): b"\f"}.get(n, bytes([n]))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def pdf_string(b):
    if b.startswith(b"\xfe\xff"):
        return b[2:].decode("utf-16-be", "replace")
    return b.decode("latin-1")


def pdf_words(path):
    """Word boxes from `pdftotext -bbox`: `page N WIDTH HEIGHT` then `word N XMIN YMIN XMAX YMAX TEXT`
    lines, in points from the top left."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", path, "-"], check=True,
                         capture_output=True).stdout
    root = ET.fromstring(out)
    lines = []
    for n, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), 1):
        lines.append(f"page {n} {page.get('width')} {page.get('height')}")
        for w in page.iter("{http://www.w3.org/1999/xhtml}word"):
            text = (w.text or "").replace("\n", " ")
            lines.append(f"word {n} {w.get('xMin')} {w.get('yMin')} {w.get('xMax')} {w.get('yMax')} {text}")
    return "\n".join(lines) + "\n"


def xml_text(data):
    """All text nodes (joined, so runs split mid-value join up) and attribute values."""
    root = ET.fromstring(data)
    parts = ["".join(root.itertext())]
    for el in root.iter():
        for v in el.attrib.values():
            parts.append(v)
            parts.append(urllib.parse.unquote(v))
    return "\n".join(parts)


def zip_text(data, depth=0):
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            member = z.read(info)
            parts.append(info.filename)
            parts.append(any_text(member, depth + 1))
    return "\n".join(parts)


class HtmlText(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        for _, v in attrs:
            if v:
                self.parts.append(v)
                self.parts.append(urllib.parse.unquote(v))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.parts.append(data)

    def handle_comment(self, data):
        self.parts.append(data)


def html_text(data):
    p = HtmlText()
    p.feed(data.decode("utf-8", "replace"))
    p.close()
    # Text nodes joined too, so a value split by inline tags is seen whole.
    return "".join(p.parts) + "\n" + "\n".join(p.parts)


def email_text(data, depth=0):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    return message_text(msg, depth)


def message_text(msg, depth):
    parts = []
    for name, value in msg.items():
        parts.append(f"{name}: {value}")
        try:
            for a in getattr(value, "addresses", ()):
                parts.append(a.display_name)
                parts.append(a.addr_spec)
        except Exception:  # a malformed header is still printed above
            pass
    if msg.is_multipart():
        for sub in msg.iter_parts():
            parts.append(message_text(sub, depth + 1))
        return "\n".join(parts)
    ctype = msg.get_content_type()
    if ctype == "message/rfc822":
        inner = msg.get_content()
        parts.append(message_text(inner, depth + 1))
        return "\n".join(parts)
    fname = msg.get_filename()
    if fname:
        parts.append(fname)
    payload = msg.get_payload(decode=True) or b""
    if msg.get_content_maintype() == "text":
        text = msg.get_content()
        parts.append(text)
        if ctype == "text/html":
            parts.append(html_text(text.encode("utf-8")))
    else:
        parts.append(any_text(payload, depth + 1))
    return "\n".join(parts)


def any_text(data, depth=0):
    if depth > 50:
        return ""
    kind = sniff(data)
    if kind == "pdf":
        return pdf_text(data) + "\n" + pdf_raw(data)
    if kind == "zip":
        return zip_text(data, depth)
    if kind == "xml":
        try:
            return xml_text(data)
        except ET.ParseError:
            return data.decode("utf-8", "replace")
    if kind == "html":
        return html_text(data)
    if kind == "email":
        return email_text(data, depth)
    if kind == "text":
        return data.decode("utf-8")
    return ""


def sniff(data):
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    head = data[:2048].lstrip().lower()
    if head.startswith(b"<?xml"):
        return "xml"
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        return "html"
    if head.startswith(b"from ") or b"\nmime-version:" in head or head.startswith(b"mime-version:") \
            or head.startswith(b"from:") or head.startswith(b"return-path:"):
        return "email"
    try:
        data.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "binary"


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        data = f.read()
    if mode == "auto":
        out = any_text(data)
    elif mode == "pdf":
        out = pdf_text(data)
    elif mode == "pdfwords":
        out = pdf_words(path)
    elif mode == "pdfraw":
        out = pdf_raw(data)
    elif mode == "zip":
        out = zip_text(data)
    elif mode == "email":
        if data.startswith(b"From "):
            import mailbox
            with tempfile.NamedTemporaryFile(suffix=".mbox") as f:
                f.write(data)
                f.flush()
                box = mailbox.mbox(f.name, create=False)
                out = "\n".join(message_text(
                    email.message_from_bytes(m.as_bytes(), policy=email.policy.default), 0)
                    for m in box)
        else:
            out = email_text(data)
    elif mode == "emaildefects":
        msg = email.message_from_bytes(data, policy=email.policy.default)
        out = "".join(f"{part.get_content_type()}: {d!r}\n" for part in msg.walk() for d in part.defects)
    elif mode == "html":
        out = html_text(data)
    else:
        raise SystemExit(f"unknown mode {mode}")
    sys.stdout.write(out)


if __name__ == "__main__":
    main()
