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

/// A PDF made with lopdf: one page per content string, font `/F1` (Helvetica, WinAnsi, code 1
/// the fi ligature),
/// form XObject `/Fm1` drawing `form` when given, image `/Im1` (8×8 grey) when a page draws it.
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

#[test]
fn form_xobjects_split_strings_and_invisible_text_are_removed() {
    if !have("pdftotext") || !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let page = "BT /F1 11 Tf 72 760 Td (Kund: Anna Svensson) Tj 0 -16 Td 14 TL \
        (Kortnummer 4111 1111 1111 1111 och Mastercard 5555 5555 5555 4444.) Tj \
        T* [(Personnummer 8112)-15(18-98)30(76 \\344r registrerat.)] TJ \
        (IBAN SE45 5000 0000 0583 9825 7466 f\\366r betalning.) ' \
        1 0.5 (E-post anna.svensson@example.se eller telefon +46 70 123 45 67.) \" ET \
        /Span <</ActualText (4111 1111 1111 1111)>> BDC BT /F1 9 Tf 72 620 Td (Kortet) Tj ET EMC \
        BT 3 Tr /F1 9 Tf 72 600 Td (Dear Anna Svensson, your order has shipped.) Tj ET \
        q 1 0 0 1 72 400 cm /Fm1 Do Q";
    let form = "BT /F1 12 Tf 0 10 Td [(Ett kort: 41)-20(11 1111)] TJ ( 1111 1111 slut) Tj ET";
    let (_, pdf) = lopdf_pdf(
        &[page, "BT /F1 12 Tf 72 700 Td (Sida tv\\345) Tj ET q 1 0 0 1 72 300 cm /Fm1 Do Q"],
        Some(form),
    );
    let out = redact_and_check(
        &dir,
        &pdf,
        &["Kund", "Kortnummer", "registrerat", "betalning", "telefon", "shipped", "Ett kort", "slut", "Sida"],
    );
    assert_clean(&qdf(&dir, &out), &[]);
    if have("pdftoppm") {
        // Kerning replaces the removed glyphs exactly (Helvetica's widths are known).
        assert_pixels_only_in_boxes(&dir, &pdf, &out);
    }
    // The form was rewritten in place: both pages lose the number.
    let text = pdftotext(&dir, &out);
    assert_eq!(text.matches("slut").count(), 2, "{text}");
}

#[test]
fn metadata_annotations_outline_forms_attachments_and_scripts_are_cleaned() {
    if !have("pdftotext") || !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let (mut doc, _) = lopdf_pdf(&["BT /F1 12 Tf 72 700 Td (Vanlig text utan uppgifter.) Tj ET"], None);
    let secret = "Anna Svensson 811218-9876 4111 1111 1111 1111";
    let mut info = Dictionary::new();
    info.set("Title", lit(&format!("Brev till {secret}")));
    info.set("Author", lit("Anna Svensson"));
    let info_id = doc.add_object(info);
    doc.trailer.set("Info", Object::Reference(info_id));
    let mut xmp = Dictionary::new();
    xmp.set("Type", Object::Name(b"Metadata".to_vec()));
    xmp.set("Subtype", Object::Name(b"XML".to_vec()));
    let xmp_id = doc.add_object(Stream::new(
        xmp,
        format!("<x:xmpmeta><dc:creator>{secret}</dc:creator></x:xmpmeta>").into_bytes(),
    ));
    let annot = |sub: &str, extra: &[(&str, Object)]| {
        let mut a = Dictionary::new();
        a.set("Type", Object::Name(b"Annot".to_vec()));
        a.set("Subtype", Object::Name(sub.as_bytes().to_vec()));
        a.set("Rect", vec![72.into(), 600.into(), 200.into(), 620.into()]);
        for (k, v) in extra {
            a.set(k.as_bytes().to_vec(), v.clone());
        }
        Object::Dictionary(a)
    };
    let uri = |u: &str| {
        let mut a = Dictionary::new();
        a.set("S", Object::Name(b"URI".to_vec()));
        a.set("URI", lit(u));
        Object::Dictionary(a)
    };
    let mut js = Dictionary::new();
    js.set("S", Object::Name(b"JavaScript".to_vec()));
    js.set("JS", lit(&format!("app.alert('{secret}')")));
    let js_id = doc.add_object(js);
    let annots = [
        doc.add_object(annot("Text", &[("Contents", lit(secret)), ("T", lit("Anna Svensson"))])),
        doc.add_object(annot("Link", &[("A", uri("mailto:anna.svensson@example.se"))])),
        doc.add_object(annot("Link", &[("A", uri("https://example.com/kept-link"))])),
        doc.add_object(annot("Widget", &[("FT", Object::Name(b"Tx".to_vec())), ("V", lit(secret))])),
    ];
    let field = annots[3];
    let mut outline_item = Dictionary::new();
    outline_item.set("Title", lit(&format!("Kapitel om {secret}")));
    let item_id = doc.add_object(outline_item);
    let mut outlines = Dictionary::new();
    outlines.set("Type", Object::Name(b"Outlines".to_vec()));
    outlines.set("First", Object::Reference(item_id));
    outlines.set("Last", Object::Reference(item_id));
    outlines.set("Count", Object::Integer(1));
    let outlines_id = doc.add_object(outlines);
    if let Ok(o) = doc.get_dictionary_mut(item_id) {
        o.set("Parent", Object::Reference(outlines_id));
    }
    let ef = doc.add_object(Stream::new(Dictionary::new(), format!("attached {secret}").into_bytes()));
    let mut fs = Dictionary::new();
    fs.set("Type", Object::Name(b"Filespec".to_vec()));
    fs.set("F", lit("kund.txt"));
    let mut efd = Dictionary::new();
    efd.set("F", Object::Reference(ef));
    fs.set("EF", Object::Dictionary(efd));
    let fs_id = doc.add_object(fs);
    let mut tree = Dictionary::new();
    tree.set("Names", vec![lit("kund.txt"), Object::Reference(fs_id)]);
    let mut names = Dictionary::new();
    names.set("EmbeddedFiles", Object::Dictionary(tree));
    let mut acro = Dictionary::new();
    acro.set("Fields", vec![Object::Reference(field)]);
    let page_id = doc.get_pages()[&1];
    doc.get_dictionary_mut(page_id)
        .unwrap()
        .set("Annots", annots.iter().map(|a| Object::Reference(*a)).collect::<Vec<_>>());
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let cat = doc.get_dictionary_mut(root).unwrap();
    cat.set("Metadata", Object::Reference(xmp_id));
    cat.set("Outlines", Object::Reference(outlines_id));
    cat.set("Names", Object::Dictionary(names));
    cat.set("AcroForm", Object::Dictionary(acro));
    cat.set("OpenAction", Object::Reference(js_id));
    cat.set("AF", vec![Object::Reference(fs_id)]);
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).unwrap();

    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    let out = r.output.expect("output");
    qpdf_check(&dir, &out);
    let all = qdf(&dir, &out);
    for v in [
        "Anna Svensson",
        "811218-9876",
        "4111 1111 1111 1111",
        "anna.svensson@example.se",
        "kund.txt",
        "app.alert",
        "xmpmeta",
    ] {
        assert!(!all.contains(v), "{v:?} survived:\n{all}");
    }
    assert!(all.contains("example.com/kept-link"), "the clean link was lost");
    assert!(all.contains("Sekretess"));
    assert!(all.contains("Vanlig text"));
    for part in ["info", "annotations", "outline"] {
        assert!(r.findings.iter().any(|f| f.place.part.as_deref() == Some(part)), "no finding in {part}");
    }
}

#[test]
fn incremental_update_history_is_gone() {
    if !have("qpdf") || !have("pdftotext") {
        return;
    }
    let dir = tempdir();
    let (_, pdf) = lopdf_pdf(&["BT /F1 12 Tf 72 700 Td (Gammal revision 4111 1111 1111 1111) Tj ET"], None);
    let prev = Document::load_mem(&pdf).unwrap();
    let page_id = prev.get_pages()[&1];
    let mut inc = lopdf::IncrementalDocument::create_from(pdf.clone(), prev);
    inc.opt_clone_object_to_new_document(page_id).unwrap();
    let cid = inc
        .new_document
        .add_object(Stream::new(Dictionary::new(), b"BT /F1 12 Tf 72 700 Td (Ny revision) Tj ET".to_vec()));
    inc.new_document.get_dictionary_mut(page_id).unwrap().set("Contents", Object::Reference(cid));
    let mut updated = Vec::new();
    inc.save_to(&mut updated).unwrap();
    assert!(String::from_utf8_lossy(&updated).contains("Gammal revision"));
    assert!(pdftotext(&dir, &updated).contains("Ny revision"));

    let out = redact(&updated, UninspectedPolicy::Fail).unwrap().output.expect("output");
    qpdf_check(&dir, &out);
    let all = qdf(&dir, &out);
    assert!(!all.contains("Gammal"), "the old revision survived");
    assert!(!all.contains("4111"), "the old revision survived");
    assert!(all.contains("Ny revision"));
    assert_eq!(String::from_utf8_lossy(&out).matches("%%EOF").count(), 1);
}

#[test]
fn encrypted_pdf_is_not_inspected() {
    if !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let (_, pdf) = lopdf_pdf(&["BT /F1 12 Tf 72 700 Td (Kort 4111 1111 1111 1111) Tj ET"], None);
    std::fs::write(dir.join("plain.pdf"), &pdf).unwrap();
    run(Command::new("qpdf")
        .args(["--encrypt", "u", "o", "256", "--"])
        .arg(dir.join("plain.pdf"))
        .arg(dir.join("enc.pdf")));
    let enc = std::fs::read(dir.join("enc.pdf")).unwrap();
    let r = redact(&enc, UninspectedPolicy::Fail).unwrap();
    assert!(r.output.is_none());
    assert_eq!(r.not_inspected.len(), 1);
    assert_eq!(r.not_inspected[0].reason.as_str(), "encrypted-pdf");
    let r = redact(&enc, UninspectedPolicy::Skip).unwrap();
    assert!(r.output.is_none());
    let r = redact(&enc, UninspectedPolicy::Copy).unwrap();
    assert_eq!(r.output.as_deref(), Some(&enc[..]));
}

#[test]
fn images_are_reported_and_dropped_or_kept_per_policy() {
    if !have("pdfimages") || !have("qpdf") || !have("pdftotext") {
        return;
    }
    let dir = tempdir();
    let page = "BT /F1 12 Tf 72 700 Td (Bild nedan) Tj ET q 80 0 0 80 72 500 cm /Im1 Do Q \
        q 20 0 0 20 200 500 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x10\x20\x30\x40 EI Q";
    let (_, pdf) = lopdf_pdf(&[page, "BT /F1 12 Tf 72 700 Td (Bara text) Tj ET"], None);
    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    assert!(r.output.is_none());
    assert_eq!(r.not_inspected.len(), 2, "{:?}", r.not_inspected);
    assert!(r.not_inspected.iter().all(|n| n.reason.as_str() == "image" && n.place.page == Some(1)));
    let list = |pdf: &[u8]| {
        std::fs::write(dir.join("img.pdf"), pdf).unwrap();
        let o = run(Command::new("pdfimages").arg("-list").arg(dir.join("img.pdf")));
        String::from_utf8_lossy(&o.stdout).lines().skip(2).count()
    };
    assert_eq!(list(&pdf), 2);
    let skip = redact(&pdf, UninspectedPolicy::Skip).unwrap().output.expect("output");
    qpdf_check(&dir, &skip);
    assert_eq!(list(&skip), 0, "an image survived under skip");
    assert!(pdftotext(&dir, &skip).contains("Bild nedan"));
    let copy = redact(&pdf, UninspectedPolicy::Copy).unwrap().output.expect("output");
    qpdf_check(&dir, &copy);
    assert_eq!(list(&copy), 2);
}

#[test]
fn flate_bomb_is_refused_by_the_limit() {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..64 {
        z.write_all(&chunk).unwrap();
    }
    let bomb = z.finish().unwrap();
    let (mut doc, _) = lopdf_pdf(&["BT ET"], None);
    let page_id = doc.get_pages()[&1];
    let mut d = Dictionary::new();
    d.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let cid = doc.add_object(Stream::new(d, bomb).with_compression(false));
    doc.get_dictionary_mut(page_id).unwrap().set("Contents", Object::Reference(cid));
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).unwrap();
    match redact(&pdf, UninspectedPolicy::Fail) {
        Err(DetectError::Limit { limit, .. }) => assert_eq!(limit, "max_ratio"),
        other => panic!("expected a limit error, got {:?}", other.map(|r| r.output.map(|o| o.len()))),
    }
}

#[test]
fn damaged_and_limited_inputs_are_refused() {
    let r = redact(b"%PDF-1.7\nthis is not a pdf at all\n", UninspectedPolicy::Fail);
    assert!(matches!(r, Err(DetectError::Damaged { format: "pdf", .. })), "{:?}", r.map(|r| r.kind));
    // Text after a token the parser cannot read would be neither inspected nor removed.
    let (_, pdf) = lopdf_pdf(
        &["BT /F1 12 Tf 72 700 Td (Hej) Tj ET ] BT /F1 12 Tf 72 600 Td (4111 1111 1111 1111) Tj ET"],
        None,
    );
    let r = redact(&pdf, UninspectedPolicy::Fail);
    assert!(
        matches!(r, Err(DetectError::Damaged { format: "pdf", .. })),
        "{:?}",
        r.map(|r| r.findings.len())
    );
    let (_, pdf) = lopdf_pdf(&["BT ET", "BT ET", "BT ET"], None);
    let mut opts = DocOptions::default();
    opts.limits.max_pages = 2;
    let r = redact_document(&pdf, Format::Auto, &opts);
    assert!(matches!(r, Err(DetectError::Limit { limit: "max_pages", .. })));
    let mut opts = DocOptions::default();
    opts.limits.max_objects = 3;
    let r = redact_document(&pdf, Format::Auto, &opts);
    assert!(matches!(r, Err(DetectError::Limit { limit: "max_objects", .. })));
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

#[test]
fn renders_differ_only_inside_the_boxes() {
    if !have("soffice") || !have("chromium") || !have("pdftoppm") || !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let pdf = soffice(&dir, "letter.txt", TEXT);
    let out = redact(&pdf, UninspectedPolicy::Fail).unwrap().output.unwrap();
    assert_pixels_only_in_boxes(&dir, &pdf, &out);
    let body: String = TEXT.lines().map(|l| format!("<p>{l}</p>\n")).collect();
    let pdf = chromium(&dir, &format!("<!doctype html><meta charset=utf-8><body>{body}</body>"));
    let out = redact(&pdf, UninspectedPolicy::Fail).unwrap().output.unwrap();
    assert_pixels_only_in_boxes(&dir, &pdf, &out);
}

/// Timing of a 100-page LibreOffice PDF (run with `--release --ignored --nocapture`);
/// prints, asserts nothing about time.
#[test]
#[ignore]
fn timing_100_pages() {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let dir = tempdir();
    let mut text = String::new();
    for p in 0..100 {
        for l in 0..45 {
            if l % 9 == 0 {
                text.push_str(&format!("Sida {p} rad {l}: {TEXT_LINE}\n"));
            } else {
                text.push_str(&format!(
                    "Sida {p} rad {l}: vanlig text om leveranser, fakturor och lagerstatus i Lund.\n"
                ));
            }
        }
        text.push('\u{c}');
    }
    let pdf = soffice(&dir, "long.txt", &text);
    let pages = Document::load_mem(&pdf).unwrap().get_pages().len();
    let t = std::time::Instant::now();
    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    let el = t.elapsed();
    let out = r.output.unwrap();
    println!(
        "{pages} pages, {} bytes in, {} bytes out, {} findings: {el:?}",
        pdf.len(),
        out.len(),
        r.findings.len()
    );
    assert_clean(&pdftotext(&dir, &out), &["vanlig text"]);
}

const TEXT_LINE: &str = "Kund Anna Svensson, kort 4111 1111 1111 1111, personnummer 811218-9876, e-post anna.svensson@example.se.";

#[test]
fn values_wrapped_hyphenated_or_set_with_ligatures_are_found() {
    if !have("pdftotext") || !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let page = "BT /F1 12 Tf 72 700 Td 14 TL (E-post anna.svens-) Tj T* (son@example.se och kort 4111 1111) Tj \
        T* (1111 1111 slut. Personnummer 811218-) Tj T* (9876 klart. Skriv till sofia.\\001sk@example.se nu.) Tj ET";
    let (_, pdf) = lopdf_pdf(&[page], None);
    let before = pdftotext(&dir, &pdf);
    assert!(before.contains("sk@example.se"), "{before}");
    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    let out = r.output.unwrap();
    qpdf_check(&dir, &out);
    let text = pdftotext(&dir, &out);
    let flat = squash(&text).replace('\u{FB01}', "fi");
    for v in ["anna.svens", "son@example", "4111", "1111", "8112", "9876", "fisk@", "sk@example"] {
        assert!(!flat.contains(v), "{v:?} survived in:\n{text}");
    }
    for w in ["E-post", "och kort", "slut.", "Personnummer", "klart.", "Skriv till", "nu."] {
        assert!(text.contains(w), "{w:?} was lost from:\n{text}");
    }
    assert_eq!(r.findings.len(), 4, "{:?}", r.findings);
}

#[test]
fn libreoffice_document_properties_are_dropped() {
    if !have("soffice") || !have("pdfinfo") || !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let fodt = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta>
  <dc:title>Avtal med Anna Svensson</dc:title>
  <dc:subject>Kund 811218-9876</dc:subject>
  <meta:initial-creator>Anna Svensson</meta:initial-creator>
  <dc:creator>Anna Svensson</dc:creator>
  <meta:keyword>anna.svensson@example.se</meta:keyword>
 </office:meta>
 <office:body><office:text><text:p>Avtalet gäller från januari.</text:p></office:text></office:body>
</office:document>"#;
    let pdf = soffice(&dir, "avtal.fodt", fodt);
    std::fs::write(dir.join("in.pdf"), &pdf).unwrap();
    let info = run(Command::new("pdfinfo").arg(dir.join("in.pdf")));
    assert!(
        String::from_utf8_lossy(&info.stdout).contains("Anna Svensson"),
        "LibreOffice did not set the properties"
    );
    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    assert!(r.findings.iter().any(|f| f.place.part.as_deref() == Some("info")));
    let out = r.output.unwrap();
    qpdf_check(&dir, &out);
    std::fs::write(dir.join("out.pdf"), &out).unwrap();
    let info =
        String::from_utf8_lossy(&run(Command::new("pdfinfo").arg(dir.join("out.pdf"))).stdout).into_owned();
    let all = qdf(&dir, &out);
    for v in ["Anna", "Svensson", "811218", "anna.svensson"] {
        assert!(!info.contains(v), "{v:?} in pdfinfo:\n{info}");
        assert!(!all.contains(v), "{v:?} in the file");
    }
    assert!(pdftotext(&dir, &out).contains("Avtalet gäller"));
}

/// Damaged variants of a valid PDF (bytes changed, cut short): an error or an output, never
/// a panic.
#[test]
fn mutated_pdfs_do_not_panic() {
    let form = "BT /F1 12 Tf 0 10 Td [(Kort: 41)-20(11 1111)] TJ ( 1111 1111 slut) Tj ET";
    let page = "BT /F1 12 Tf 72 700 Td 14 TL (Kund: Anna Svensson) Tj T* (811218-9876) ' ET \
        q 1 0 0 1 72 400 cm /Fm1 Do Q q 8 0 0 8 9 9 cm /Im1 Do Q";
    let (_, pdf) = lopdf_pdf(&[page], Some(form));
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..400 {
        let mut m = pdf.clone();
        if i % 4 == 0 {
            m.truncate(next() as usize % m.len());
        }
        for _ in 0..(1 + next() % 8) {
            let at = next() as usize % m.len().max(1);
            if let Some(b) = m.get_mut(at) {
                *b = match next() % 4 {
                    0 => b' ',
                    1 => b'(',
                    2 => b'0' + (next() % 10) as u8,
                    _ => next() as u8,
                };
            }
        }
        let _ = redact(&m, UninspectedPolicy::Skip);
    }
}

#[test]
fn a_form_no_page_draws_is_redacted_too() {
    if !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let (_, pdf) = lopdf_pdf(
        &["BT /F1 12 Tf 72 700 Td (Ingen form ritas) Tj ET"],
        Some("BT /F1 12 Tf 0 0 Td (Dold 4111 1111 1111 1111 text) Tj ET"),
    );
    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    assert!(r.findings.iter().any(|f| f.place.part.as_deref() == Some("xobject") && f.place.page.is_none()));
    let all = qdf(&dir, &r.output.unwrap());
    assert!(!all.contains("4111"), "the undrawn form kept the number");
    assert!(all.contains("Dold") && all.contains("text"));
}

#[test]
fn libreoffice_image_is_reported_and_dropped_under_skip() {
    if !have("soffice") || !have("pdfimages") || !have("qpdf") || !have("pdftotext") {
        return;
    }
    let dir = tempdir();
    // A 1×1 PNG, embedded in the document.
    let png =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let fodt = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:body><office:text>
  <text:p>Kvitto för kort 4111 1111 1111 1111 nedan.</text:p>
  <text:p><draw:frame draw:name="Bild" text:anchor-type="as-char" svg:width="3cm" svg:height="3cm">
   <draw:image><office:binary-data>{png}</office:binary-data></draw:image></draw:frame></text:p>
 </office:text></office:body>
</office:document>"#
    );
    let pdf = soffice(&dir, "kvitto.fodt", &fodt);
    let list = |pdf: &[u8]| {
        std::fs::write(dir.join("img.pdf"), pdf).unwrap();
        let o = run(Command::new("pdfimages").arg("-list").arg(dir.join("img.pdf")));
        String::from_utf8_lossy(&o.stdout).lines().skip(2).count()
    };
    assert!(list(&pdf) >= 1, "LibreOffice wrote no image");
    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    assert!(r.output.is_none());
    assert!(r.not_inspected.iter().any(|n| n.reason.as_str() == "image" && n.place.page == Some(1)));
    let out = redact(&pdf, UninspectedPolicy::Skip).unwrap().output.unwrap();
    qpdf_check(&dir, &out);
    assert_eq!(list(&out), 0);
    let text = pdftotext(&dir, &out);
    assert!(text.contains("Kvitto") && text.contains("nedan") && !text.contains("4111"), "{text}");
}

#[test]
fn rotated_and_scaled_text_is_removed_inside_its_box() {
    if !have("pdftotext") || !have("qpdf") || !have("pdftoppm") {
        return;
    }
    let dir = tempdir();
    let page = "BT /F1 12 Tf 72 760 Td (Rubrik utan uppgifter) Tj ET \
        q 0 1 -1 0 300 200 cm BT /F1 12 Tf 1.5 0 0 2 0 0 Tm 120 Tz 1 Tc \
        (Kort 4111 1111 1111 1111 slut) Tj ET Q \
        q 0.8 0.3 -0.3 0.8 100 600 cm BT /F1 10 Tf 0 0 Td 2 Ts (Mejl anna.svensson@example.se klart) Tj ET Q";
    let (_, pdf) = lopdf_pdf(&[page], None);
    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    assert_eq!(r.findings.len(), 2, "{:?}", r.findings);
    let out = r.output.unwrap();
    qpdf_check(&dir, &out);
    let text = pdftotext(&dir, &out);
    for v in ["4111", "1111", "anna.svensson", "example.se"] {
        assert!(!squash(&text).contains(v), "{v:?} survived in:\n{text}");
    }
    // pdftotext splits the skewed line into pieces ("Mej", "l", "klar", "t"), before too.
    for w in ["Rubrik", "Kort", "slut", "Mej", "klar"] {
        assert!(text.contains(w), "{w:?} was lost from:\n{text}");
    }
    assert_pixels_only_in_boxes(&dir, &pdf, &out);
}

#[test]
fn object_streams_and_linearized_files_are_read_and_written_plain() {
    if !have("qpdf") || !have("pdftotext") {
        return;
    }
    let dir = tempdir();
    let (_, pdf) = lopdf_pdf(&["BT /F1 12 Tf 72 700 Td (Kort 4111 1111 1111 1111 slut) Tj ET"], None);
    std::fs::write(dir.join("plain.pdf"), &pdf).unwrap();
    run(Command::new("qpdf")
        .args(["--object-streams=generate", "--compress-streams=y", "--linearize"])
        .arg(dir.join("plain.pdf"))
        .arg(dir.join("packed.pdf")));
    let packed = std::fs::read(dir.join("packed.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&packed).contains("/ObjStm"));
    let out = redact(&packed, UninspectedPolicy::Fail).unwrap().output.unwrap();
    qpdf_check(&dir, &out);
    let text = pdftotext(&dir, &out);
    assert!(!text.contains("4111") && text.contains("Kort") && text.contains("slut"), "{text}");
    assert!(!String::from_utf8_lossy(&out).contains("/ObjStm"));
}

/// LibreOffice draws each line in a text object of its own (`BT x y Td … TJ ET`) and keeps
/// the space at which it broke the line as the last glyph of the line: a value wrapped
/// there is found whole (the line break is not a second space), as in the shared
/// `letter-lo.pdf`.
#[test]
fn values_wrapped_in_libreoffice_lines_are_found() {
    if !have("pdftotext") || !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let page = "BT 56.8 508.6 Td /F1 12 Tf [(Please note the payment was made with the card 4111 1111 )] TJ ET \
        BT 56.8 494.8 Td /F1 12 Tf [(1111 1111 and was refunded.)] TJ ET \
        BT 56.8 481.0 Td /F1 12 Tf [(Enligt avtalet sker det till kontot GB82 WEST 1234 )] TJ ET \
        BT 56.8 467.2 Td /F1 12 Tf [(5698 7654 32 senast inom trettio dagar.)] TJ ET         BT 56.8 420.0 Td /F1 12 Tf [(Artikel 4111 1111 )] TJ ET         BT 400.0 406.2 Td /F1 12 Tf [(1111 1111 st)] TJ ET";
    let (_, pdf) = lopdf_pdf(&[page], None);
    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    let labels: Vec<&str> = r.findings.iter().map(|f| f.finding.label.as_str()).collect();
    assert!(labels.contains(&"IBAN"), "{:?}", r.findings);
    // The last two lines are not one block (the second starts far right of the first): not
    // joined, no card number made of them.
    assert_eq!(labels.iter().filter(|l| **l == "CARD_NUMBER").count(), 1, "{:?}", r.findings);
    let out = r.output.unwrap();
    qpdf_check(&dir, &out);
    let text = pdftotext(&dir, &out);
    let flat = squash(&text);
    let redacted = &flat[..flat.find("Artikel").unwrap()];
    for v in ["4111", "1111", "GB82", "WEST", "5698", "7654"] {
        assert!(!redacted.contains(v), "{v:?} survived in:\n{text}");
    }
    for w in
        ["Please note", "the card", "and was refunded.", "till kontot", "senast inom", "Artikel", "1111 st"]
    {
        assert!(text.contains(w), "{w:?} was lost from:\n{text}");
    }
}

/// The same with LibreOffice itself: paragraphs shifted by one letter each, so that the
/// line ends somewhere inside the card number in several of them.
#[test]
fn libreoffice_paragraphs_wrapped_inside_a_value_are_redacted() {
    if !have("soffice") || !have("pdftotext") || !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let mut text = String::new();
    for k in 0..24 {
        let pad = "x".repeat(k + 1);
        text.push_str(&format!(
            "Betalningen {pad} gjordes med det registrerade kortet, som enligt kunden var 4111 1111 1111 1111 \
             och beloppet har återbetalats i sin helhet.\n"
        ));
    }
    let pdf = soffice(&dir, "wrapped.txt", &text);
    let before = pdftotext(&dir, &pdf);
    let whole = before.matches("4111 1111 1111 1111").count();
    assert!(whole < 24, "no line breaks inside the number:\n{before}");
    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    assert_eq!(r.findings.len(), 24, "{:?}", r.findings);
    let out = r.output.unwrap();
    qpdf_check(&dir, &out);
    let after = pdftotext(&dir, &out);
    for v in ["4111", "1111"] {
        assert!(!after.contains(v), "{v:?} survived in:\n{after}");
    }
    assert_eq!(after.matches("återbetalats").count(), 24, "{after}");
}

/// Strings outside the page content: a link whose action is an indirect object and which a
/// tagged PDF's structure tree still reaches (as Chromium writes it), a structure element's
/// attribute `/Desc`, a title `/T`, and a string deep in a private dictionary; none keeps a
/// value, each finding is reported.
#[test]
fn link_actions_structure_attributes_and_every_other_string_are_cleaned() {
    if !have("qpdf") {
        return;
    }
    let dir = tempdir();
    let (mut doc, _) = lopdf_pdf(&["BT /F1 12 Tf 72 700 Td (Skriv till oss) Tj ET"], None);
    let page_id = doc.get_pages()[&1];
    let mut action = Dictionary::new();
    action.set("Type", Object::Name(b"Action".to_vec()));
    action.set("S", Object::Name(b"URI".to_vec()));
    action.set("URI", lit("mailto:john.smith@example.com"));
    let action_id = doc.add_object(action);
    let mut link = Dictionary::new();
    link.set("Type", Object::Name(b"Annot".to_vec()));
    link.set("Subtype", Object::Name(b"Link".to_vec()));
    link.set("Rect", vec![72.into(), 695.into(), 160.into(), 712.into()]);
    link.set("A", Object::Reference(action_id));
    link.set("StructParent", Object::Integer(0));
    let link_id = doc.add_object(link);
    let mut kept = Dictionary::new();
    kept.set("Type", Object::Name(b"Annot".to_vec()));
    kept.set("Subtype", Object::Name(b"Link".to_vec()));
    kept.set("Rect", vec![72.into(), 600.into(), 160.into(), 612.into()]);
    let mut kept_action = Dictionary::new();
    kept_action.set("S", Object::Name(b"URI".to_vec()));
    kept_action.set("URI", lit("https://example.com/kept-link"));
    kept.set("A", Object::Dictionary(kept_action));
    let kept_id = doc.add_object(kept);
    doc.get_dictionary_mut(page_id)
        .unwrap()
        .set("Annots", vec![Object::Reference(link_id), Object::Reference(kept_id)]);
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let tree_id = doc.new_object_id();
    let doc_elem_id = doc.new_object_id();
    let mut objr = Dictionary::new();
    objr.set("Type", Object::Name(b"OBJR".to_vec()));
    objr.set("Obj", Object::Reference(link_id));
    objr.set("Pg", Object::Reference(page_id));
    let mut link_elem = Dictionary::new();
    link_elem.set("Type", Object::Name(b"StructElem".to_vec()));
    link_elem.set("S", Object::Name(b"Link".to_vec()));
    link_elem.set("P", Object::Reference(doc_elem_id));
    link_elem.set("K", Object::Dictionary(objr));
    let link_elem_id = doc.add_object(link_elem);
    let mut attr = Dictionary::new();
    attr.set("O", Object::Name(b"PrintField".to_vec()));
    // UTF-16BE with a byte-order mark, as a text string may be written.
    let mut utf16 = vec![0xFE, 0xFF];
    for u in "Personnummer 811218-9876".encode_utf16() {
        utf16.extend_from_slice(&u.to_be_bytes());
    }
    attr.set("Desc", Object::String(utf16, StringFormat::Hexadecimal));
    let mut form_elem = Dictionary::new();
    form_elem.set("Type", Object::Name(b"StructElem".to_vec()));
    form_elem.set("S", Object::Name(b"Form".to_vec()));
    form_elem.set("P", Object::Reference(doc_elem_id));
    form_elem.set("T", lit("Kund Anna Svensson"));
    form_elem.set("A", vec![Object::Dictionary(attr)]);
    form_elem.set("Lang", lit("sv-SE"));
    let form_elem_id = doc.add_object(form_elem);
    let mut doc_elem = Dictionary::new();
    doc_elem.set("Type", Object::Name(b"StructElem".to_vec()));
    doc_elem.set("S", Object::Name(b"Document".to_vec()));
    doc_elem.set("P", Object::Reference(tree_id));
    doc_elem.set("K", vec![Object::Reference(link_elem_id), Object::Reference(form_elem_id)]);
    doc.objects.insert(doc_elem_id, Object::Dictionary(doc_elem));
    let mut parent_tree = Dictionary::new();
    parent_tree.set("Nums", vec![0.into(), Object::Reference(link_elem_id)]);
    let mut tree = Dictionary::new();
    tree.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    tree.set("K", Object::Reference(doc_elem_id));
    tree.set("ParentTree", Object::Dictionary(parent_tree));
    tree.set("ParentTreeNextKey", Object::Integer(1));
    doc.objects.insert(tree_id, Object::Dictionary(tree));
    let mut deep = Dictionary::new();
    deep.set("Note", vec![Object::Array(vec![lit("kort 5555 5555 5555 4444 sparat")])]);
    let deep_id = doc.add_object(deep);
    let cat = doc.get_dictionary_mut(root).unwrap();
    cat.set("StructTreeRoot", Object::Reference(tree_id));
    cat.set("Lang", lit("sv-SE"));
    cat.set("PrivateData", Object::Reference(deep_id));
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).unwrap();
    let before = qdf(&dir, &pdf);
    assert!(before.contains("john.smith@example.com") && before.contains("5555 5555"));

    let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
    let out = r.output.expect("output");
    qpdf_check(&dir, &out);
    let all = qdf(&dir, &out);
    // Every string of the output read as text (the UTF-16 ones decoded).
    fn texts(o: &Object, out: &mut String) {
        match o {
            Object::String(..) => {
                out.push_str(&lopdf::decode_text_string(o).unwrap_or_default());
                out.push('\n');
            }
            Object::Array(a) => a.iter().for_each(|v| texts(v, out)),
            Object::Dictionary(d) => d.iter().for_each(|(_, v)| texts(v, out)),
            Object::Stream(s) => s.dict.iter().for_each(|(_, v)| texts(v, out)),
            _ => {}
        }
    }
    let mut text = String::new();
    for o in Document::load_mem(&out).unwrap().objects.values() {
        texts(o, &mut text);
    }
    assert!(text.contains("Personnummer"), "{text}");
    for v in ["john.smith@example.com", "811218-9876", "Anna Svensson", "5555 5555 5555 4444"] {
        assert!(!all.contains(v), "{v:?} survived:\n{all}");
    }
    for v in ["john.smith", "811218", "9876", "Anna Svensson", "5555"] {
        assert!(!text.contains(v), "{v:?} survived in the strings:\n{text}");
    }
    assert!(all.contains("example.com/kept-link"), "the clean link was lost:\n{all}");
    assert!(all.contains("sv-SE") && all.contains("Skriv till oss"));
    let labels = |part: &str| -> Vec<&str> {
        r.findings
            .iter()
            .filter(|f| f.place.part.as_deref() == Some(part))
            .map(|f| f.finding.label.as_str())
            .collect()
    };
    assert!(labels("annotations").contains(&"EMAIL"), "{:?}", r.findings);
    let strings = labels("strings");
    for l in ["SE_PERSONNUMMER", "PERSON", "CARD_NUMBER"] {
        assert!(strings.contains(&l), "{l} not reported in strings: {:?}", r.findings);
    }
}
