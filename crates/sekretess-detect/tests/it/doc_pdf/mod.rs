//! PDF redaction, checked with independent tools: PDFs made by LibreOffice and Chromium,
//! the output read by `pdftotext`, checked by `qpdf --check`, rendered by `pdftoppm`.
//! Shared helpers here; `producers` holds the tests on files made by LibreOffice and
//! Chromium, `objects` those on PDFs built object by object.

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

/// A directory removed when the test ends (kept when `SEKRETESS_KEEP_TMP` is set).
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("SEKRETESS_KEEP_TMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn tempdir() -> TempDir {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "sekretess-pdf-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
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

/// A PDF made with lopdf: one page per content string, font `/F1` (Helvetica, WinAnsi, code 1
/// the fi ligature),
/// form XObject `/Fm1` drawing `form` when given, image `/Im1` (8×8 grey, not read by OCR)
/// when a page draws it.
fn lopdf_pdf(pages: &[&str], form: Option<&str>) -> (Document, Vec<u8>) {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Subtype", Object::Name(b"Type1".to_vec()));
    font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
    let mut enc = Dictionary::new();
    enc.set("BaseEncoding", Object::Name(b"WinAnsiEncoding".to_vec()));
    // Code 1 is the "fi" ligature.
    enc.set("Differences", vec![1.into(), Object::Name(b"fi".to_vec())]);
    font.set("Encoding", Object::Dictionary(enc));
    let font_id = doc.add_object(font);
    let mut fonts = Dictionary::new();
    fonts.set("F1", Object::Reference(font_id));
    let mut img = Dictionary::new();
    img.set("Type", Object::Name(b"XObject".to_vec()));
    img.set("Subtype", Object::Name(b"Image".to_vec()));
    img.set("Width", Object::Integer(8));
    img.set("Height", Object::Integer(8));
    img.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
    img.set("BitsPerComponent", Object::Integer(8));
    // An inverting /Decode array: OCR (feature `ocr`) does not read such images, so /Im1
    // stays an image that is not inspected in every build.
    img.set("Decode", vec![1.into(), 0.into()]);
    let mut xobjects = Dictionary::new();
    if pages.iter().any(|p| p.contains("/Im1")) {
        let img_id = doc.add_object(Stream::new(img, vec![90; 64]));
        xobjects.set("Im1", Object::Reference(img_id));
    }
    if let Some(form) = form {
        let mut fres = Dictionary::new();
        fres.set("Font", Object::Dictionary(fonts.clone()));
        let mut fd = Dictionary::new();
        fd.set("Type", Object::Name(b"XObject".to_vec()));
        fd.set("Subtype", Object::Name(b"Form".to_vec()));
        fd.set("BBox", vec![0.into(), 0.into(), 500.into(), 100.into()]);
        fd.set("Matrix", vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), 0.into()]);
        fd.set("Resources", Object::Dictionary(fres));
        let fid = doc.add_object(Stream::new(fd, form.as_bytes().to_vec()));
        xobjects.set("Fm1", Object::Reference(fid));
    }
    let mut res = Dictionary::new();
    res.set("Font", Object::Dictionary(fonts));
    res.set("XObject", Object::Dictionary(xobjects));
    let res_id = doc.add_object(res);
    let mut kids = Vec::new();
    for content in pages {
        let cid = doc.add_object(Stream::new(Dictionary::new(), content.as_bytes().to_vec()));
        let mut page = Dictionary::new();
        page.set("Type", Object::Name(b"Page".to_vec()));
        page.set("Parent", Object::Reference(pages_id));
        page.set("MediaBox", vec![0.into(), 0.into(), 595.into(), 842.into()]);
        page.set("Contents", Object::Reference(cid));
        page.set("Resources", Object::Reference(res_id));
        kids.push(Object::Reference(doc.add_object(page)));
    }
    let mut pd = Dictionary::new();
    pd.set("Type", Object::Name(b"Pages".to_vec()));
    pd.set("Count", Object::Integer(kids.len() as i64));
    pd.set("Kids", Object::Array(kids));
    doc.objects.insert(pages_id, Object::Dictionary(pd));
    let mut cat = Dictionary::new();
    cat.set("Type", Object::Name(b"Catalog".to_vec()));
    cat.set("Pages", Object::Reference(pages_id));
    let cat_id = doc.add_object(cat);
    doc.trailer.set("Root", Object::Reference(cat_id));
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    (doc, out)
}

fn lit(s: &str) -> Object {
    Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
}

/// The boxes drawn on page 1 of `out` (the last operations of its content stream).
fn boxes(dir: &Path, out: &[u8]) -> Vec<[f32; 4]> {
    let all = qdf(dir, out);
    let page1 = all.split("%% Contents for page 2").next().unwrap_or("");
    let mut v = Vec::new();
    for line in page1.lines() {
        let Some(rest) = line.strip_prefix("q 0 g ") else { continue };
        let Some(nums) = rest.strip_suffix(" re f Q") else { continue };
        let n: Vec<f32> = nums.split(' ').map(|x| x.parse().unwrap()).collect();
        v.push([n[0], n[1], n[0] + n[2], n[1] + n[3]]);
    }
    v
}

/// Page 1 rendered in grey at 50 dpi: (width, height, pixels).
fn render(dir: &Path, pdf: &[u8], name: &str) -> (usize, usize, Vec<u8>) {
    let p = dir.join(format!("{name}.pdf"));
    std::fs::write(&p, pdf).unwrap();
    run(Command::new("pdftoppm")
        .args(["-r", "50", "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&p)
        .arg(dir.join(name)));
    let pgm = std::fs::read(dir.join(format!("{name}.pgm"))).unwrap();
    // P5 header: magic, width, height, maxval, one whitespace byte.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, pgm[i + 1..].to_vec())
}

/// Renders of input and output differ only inside the drawn boxes (plus 2 pixels of
/// anti-aliasing), and the boxes are black.
fn assert_pixels_only_in_boxes(dir: &Path, input: &[u8], out: &[u8]) {
    let doc = Document::load_mem(input).unwrap();
    let page = doc.get_dictionary(doc.get_pages()[&1]).unwrap();
    let mb: Vec<f32> =
        page.get(b"MediaBox").unwrap().as_array().unwrap().iter().map(|o| o.as_float().unwrap()).collect();
    let (pw, ph) = (mb[2] - mb[0], mb[3] - mb[1]);
    let bx = boxes(dir, out);
    assert!(!bx.is_empty(), "no boxes drawn");
    let (w, h, a) = render(dir, input, "before");
    let (w2, h2, b) = render(dir, out, "after");
    assert_eq!((w, h), (w2, h2));
    let (sx, sy) = (w as f32 / pw, h as f32 / ph);
    let px: Vec<[f32; 4]> = bx
        .iter()
        .map(|r| {
            [
                (r[0] - mb[0]) * sx - 2.0,
                (mb[3] - r[3]) * sy - 2.0,
                (r[2] - mb[0]) * sx + 2.0,
                (mb[3] - r[1]) * sy + 2.0,
            ]
        })
        .collect();
    let inside = |x: usize, y: usize| {
        let (x, y) = (x as f32 + 0.5, y as f32 + 0.5);
        px.iter().any(|r| x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3])
    };
    let mut outside_diff = 0;
    let mut dark_inside = 0;
    for y in 0..h {
        for x in 0..w {
            let (p, q) = (a[y * w + x], b[y * w + x]);
            if inside(x, y) {
                dark_inside += usize::from(q < 40);
            } else if p.abs_diff(q) > 24 {
                outside_diff += 1;
            }
        }
    }
    assert_eq!(outside_diff, 0, "pixels changed outside the boxes");
    assert!(dark_inside > 0, "the boxes are not drawn");
}

mod objects;
mod producers;
