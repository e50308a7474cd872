//! PDF redaction, checked with independent tools: PDFs made by LibreOffice and Chromium,
//! the output read by `pdftotext`, checked by `qpdf --check`, rendered by `pdftoppm`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use sekretess_detect::doc::{DocOptions, RedactedDocument, UninspectedPolicy, redact_document};
use sekretess_detect::{DetectError, Format};

/// The planted values, as written, and as an extractor might join them.
const VALUES: &[&str] = &[
    "4111 1111 1111 1111",
    "5555 5555 5555 4444",
    "811218-9876",
    "SE45 5000 0000 0583 9825 7466",
    "anna.svensson@example.se",
    "+46 70 123 45 67",
    "Anna Svensson",
];

/// Ordinary words around them that must survive.
const WORDS: &[&str] =
    &["Kortnummer", "Mastercard", "registrerat", "betalning", "telefon", "shipped", "Kund"];

const TEXT: &str = "Kund: Anna Svensson\n\
Kortnummer 4111 1111 1111 1111 och Mastercard 5555 5555 5555 4444.\n\
Personnummer 811218-9876 är registrerat.\n\
IBAN SE45 5000 0000 0583 9825 7466 för betalning.\n\
E-post anna.svensson@example.se eller telefon +46 70 123 45 67.\n\
Dear Anna Svensson, your order has shipped.\n";

/// Whether `prog` can run; when it cannot, the test is skipped (or fails under CI).
fn have(prog: &str) -> bool {
    if Command::new(prog).arg("--version").output().is_ok() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "{prog} is needed by this test (CI is set)");
    eprintln!("skipped: {prog} is not installed");
    false
}

fn tempdir() -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "sekretess-pdf-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// A PDF written by LibreOffice from `file` (name and content) in `dir`.
fn soffice(dir: &Path, name: &str, content: &str) -> Vec<u8> {
    let src = dir.join(name);
    std::fs::write(&src, content).unwrap();
    let profile = dir.join("lo-profile");
    run(Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(&src));
    std::fs::read(src.with_extension("pdf")).unwrap()
}

/// A PDF printed by headless Chromium from `html`.
fn chromium(dir: &Path, html: &str) -> Vec<u8> {
    let src = dir.join("page.html");
    std::fs::write(&src, html).unwrap();
    let out = dir.join("chromium.pdf");
    run(Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", dir.join("chrome-profile").display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", src.display())));
    std::fs::read(out).unwrap()
}

fn redact(pdf: &[u8], policy: UninspectedPolicy) -> Result<RedactedDocument, DetectError> {
    let opts = DocOptions { uninspected: policy, ..DocOptions::default() };
    redact_document(pdf, Format::Auto, &opts)
}

fn pdftotext(dir: &Path, pdf: &[u8]) -> String {
    let p = dir.join("x.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = run(Command::new("pdftotext").arg(&p).arg("-"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn qpdf_check(dir: &Path, pdf: &[u8]) {
    let p = dir.join("check.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = Command::new("qpdf").arg("--check").arg(&p).output().unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && !all.contains("WARNING"), "qpdf --check: {all}");
}

/// The whole file decompressed by qpdf (no object streams), as text.
fn qdf(dir: &Path, pdf: &[u8]) -> String {
    let p = dir.join("in-qdf.pdf");
    let o = dir.join("out-qdf.pdf");
    std::fs::write(&p, pdf).unwrap();
    let st =
        Command::new("qpdf").args(["--qdf", "--object-streams=disable"]).arg(&p).arg(&o).status().unwrap();
    // qpdf exits 3 on warnings; the file is written.
    assert!(st.code() == Some(0) || st.code() == Some(3));
    String::from_utf8_lossy(&std::fs::read(o).unwrap()).into_owned()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '+').collect()
}

/// No planted value in `text`, as written or with spaces and dashes removed; the words stay.
fn assert_clean(text: &str, words: &[&str]) {
    let flat = squash(text);
    for v in VALUES {
        assert!(!text.contains(v), "{v:?} survived in:\n{text}");
        assert!(!flat.contains(&squash(v)), "{v:?} survived (squashed) in:\n{text}");
    }
    for w in words {
        assert!(text.contains(w), "{w:?} was lost from:\n{text}");
    }
}

/// Redact, check the output with pdftotext and qpdf, and return it.
fn redact_and_check(dir: &Path, pdf: &[u8], words: &[&str]) -> Vec<u8> {
    let before = pdftotext(dir, pdf);
    for v in VALUES {
        assert!(squash(&before).contains(&squash(v)), "fixture lacks {v:?}:\n{before}");
    }
    let r = redact(pdf, UninspectedPolicy::Fail).unwrap();
    assert!(r.not_inspected.is_empty(), "{:?}", r.not_inspected);
    let out = r.output.expect("output");
    assert!(r.findings.len() >= VALUES.len(), "{} findings", r.findings.len());
    assert_clean(&pdftotext(dir, &out), words);
    qpdf_check(dir, &out);
    out
}

#[test]
fn libreoffice_text_is_removed_and_the_rest_stays() {
    if !have("soffice") || !have("pdftotext") || !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let pdf = soffice(&dir, "letter.txt", TEXT);
    let out = redact_and_check(&dir, &pdf, WORDS);
    // True removal: not in any decompressed object either.
    assert_clean(&qdf(&dir, &out), &[]);
}

#[test]
fn chromium_text_is_removed_and_the_rest_stays() {
    if !have("chromium") || !have("pdftotext") || !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let body: String = TEXT.lines().map(|l| format!("<p>{l}</p>\n")).collect();
    let html = format!(
        "<!doctype html><html><head><meta charset=utf-8><title>Brev</title></head>\
         <body style=\"font-family: sans-serif\">{body}</body></html>"
    );
    let pdf = chromium(&dir, &html);
    let out = redact_and_check(&dir, &pdf, WORDS);
    assert_clean(&qdf(&dir, &out), &[]);
}
