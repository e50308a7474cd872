//! HTML redaction, checked with an independent parser: Python's `html.parser` reads the
//! output's text, attribute values (entities decoded, and percent-decoded) and comments.

use sekretess_detect::Format;
use sekretess_detect::doc::{DocOptions, Kind, Reason, UninspectedPolicy, redact_document};

use crate::doc_email::{PLANTED, have_python, tempdir};

/// The research checklist in one page: hidden text, attributes, encodings, split values,
/// comments, JSON-LD, meta, noscript, template, a data: URI and an iframe srcdoc.
const PAGE: &str = r#"<!DOCTYPE html>
<html lang="sv"><head>
<meta charset="utf-8">
<meta name="author" content="Anna Svensson, anna.svensson@example.se">
<title>Kundärende 19121212-1212</title>
<style>.sr-only { position: absolute } p { color: #333 }</style>
<script type="application/ld+json">{"@type": "Person", "name": "Anna Svensson", "telephone": "+46 70 123 45 67", "email": "anna.svensson@example.se"}</script>
<script>var kund = "19121212-1212"; var ok = true;</script>
</head>
<body>
<h1>Kundärende</h1>
<p>Hej Anna Svensson, tack för ditt samtal.</p>
<p>Kortet <b>4111</b> 1111 <span>1111</span> 1111 är spärrat.</p>
<p style="display:none">Dolt: IBAN SE45 5000 0000 0583 9825 7466</p>
<p hidden>Personnummer 19121212-1212</p>
<span aria-hidden="true" class="sr-only">Ring +46 70 123 45 67</span>
<p>Mejla anna.svensson&#64;example.se eller <a href="mailto:anna.svensson%40example.se?subject=Hej" title="Skicka till Anna Svensson">skriv till oss</a>.</p>
<p><a href="tel:+46701234567">Ring oss</a> eller <a href="https://example.se/kund?pnr=19121212-1212">se ärendet</a>.</p>
<form><input name="kort" value="4111 1111 1111 1111" placeholder="Anna Svensson"><input type="submit" value="Skicka"></form>
<div data-cfemail="anna.svensson@example.se" data-pnr="19121212-1212" aria-label="Anna Svensson">Kontaktkort</div>
<img alt="Foto av Anna Svensson" title="19121212-1212" src="data:image/png;base64,iVBORw0KGgo=">
<!-- intern anteckning: personnummer 19121212-1212 -->
<!--[if mso]><p>Kort 4111 1111 1111 1111</p><![endif]-->
<noscript><p>Ring +46 70 123 45 67</p></noscript>
<template><p>IBAN SE45 5000 0000 0583 9825 7466</p></template>
<iframe srcdoc="<p>Hej Anna Svensson, ring +46 70 123 45 67</p>"></iframe>
<table><tr><td>Belopp</td><td>1 200 kr</td></tr></table>
<p>Vänliga hälsningar, kundtjänsten</p>
</body></html>
"#;

/// Prints the text, every attribute value (and its percent-decoded form), the comments and
/// the unbalanced tags, as Python's html.parser sees them.
const READ: &str = r#"
import sys, urllib.parse
from html.parser import HTMLParser
VOID = {'meta','img','input','br','hr','link','source','area','base','col','embed','param','track','wbr'}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.comments, self.stack, self.bad = [], [], [], []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
        for k, v in attrs:
            v = v or ''
            self.out.append(f'@{k}={v}')
            self.out.append(f'@{k}%={urllib.parse.unquote(v)}')
            if k == 'srcdoc':
                inner = P(); inner.feed(v); inner.close()
                self.out += inner.out; self.comments += inner.comments
    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.bad.append(tag)
    def handle_data(self, d):
        self.out.append(d)
    def handle_comment(self, c):
        self.comments.append(c)
p = P()
p.feed(open(sys.argv[1], encoding='utf-8').read())
p.close()
print('\n'.join(p.out))
print('COMMENTS', len(p.comments))
print('UNBALANCED', p.bad + p.stack)
"#;

fn python_read(html: &[u8], name: &str) -> String {
    let dir = tempdir(name);
    let path = dir.join("page.html");
    std::fs::write(&path, html).unwrap();
    let script = dir.join("read.py");
    std::fs::write(&script, READ).unwrap();
    let out = std::process::Command::new("python3").arg(&script).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
    String::from_utf8(out.stdout).unwrap()
}

fn opts(policy: UninspectedPolicy) -> DocOptions {
    DocOptions { uninspected: policy, ..Default::default() }
}

#[test]
fn checklist_page_is_redacted_as_python_reads_it() {
    if !have_python() {
        return;
    }
    // The reader sees the planted values in the input (the check can fail).
    let before = python_read(PAGE.as_bytes(), "html-before");
    for v in ["4111 1111 1111 1111", "anna.svensson@example.se", "19121212-1212", "+46701234567"] {
        assert!(before.contains(v), "{v} not seen in the input");
    }
    assert!(before.contains("COMMENTS 2"));

    let r = redact_document(PAGE.as_bytes(), Format::Auto, &opts(UninspectedPolicy::Skip)).unwrap();
    assert_eq!(r.kind, Kind::Html);
    assert_eq!(r.not_inspected.len(), 1);
    assert_eq!(r.not_inspected[0].reason, Reason::Image);
    let out = r.output.expect("output under skip");
    let after = python_read(&out, "html-after");
    for v in PLANTED.iter().chain(&["+46701234567", "4111", "0583 9825"]) {
        assert!(!after.contains(v), "planted {v:?} survives in:\n{after}");
    }
    assert!(after.contains("COMMENTS 0"), "{after}");
    assert!(after.contains("UNBALANCED []"), "{after}");
    assert!(!after.contains("data:image"), "{after}");
    for t in [
        "Kundärende",
        "tack för ditt samtal",
        "är spärrat",
        "skriv till oss",
        "Ring oss",
        "Kontaktkort",
        "Belopp",
        "1 200 kr",
        "Vänliga hälsningar, kundtjänsten",
        "@value=Skicka",
        "@href=https://example.se/kund?pnr=",
        "\"@type\": \"Person\"",
        "var ok = true;",
    ] {
        assert!(after.contains(t), "{t:?} missing from:\n{after}");
    }
    // The style sheet is copied as it was.
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains("<style>.sr-only { position: absolute } p { color: #333 }</style>"), "{s}");
}

#[test]
fn an_image_data_uri_fails_closed_under_the_default_policy() {
    let r = redact_document(PAGE.as_bytes(), Format::Auto, &DocOptions::default()).unwrap();
    assert!(r.output.is_none());
    let r = redact_document(PAGE.as_bytes(), Format::Auto, &opts(UninspectedPolicy::Copy)).unwrap();
    let s = String::from_utf8(r.output.unwrap()).unwrap();
    assert!(s.contains("data:image/png;base64,iVBORw0KGgo="));
    assert!(!s.contains("4111 1111 1111 1111"));
}

#[test]
fn findings_are_placed_without_values() {
    let r = redact_document(PAGE.as_bytes(), Format::Auto, &opts(UninspectedPolicy::Skip)).unwrap();
    assert!(r.findings.len() >= 20, "{}", r.findings.len());
    for f in &r.findings {
        assert_eq!(f.place.to_string(), "document");
    }
}
