//! OOXML and ODF made by LibreOffice from Flat ODF sources written here, redacted, and
//! checked with independent tools: Python's `zipfile` + `xml.etree` for every member's text
//! and attribute values, and LibreOffice converting the output to PDF read by `pdftotext`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use sekretess_detect::Format;
use sekretess_detect::doc::{DocOptions, Kind, Reason, RedactedDocument, UninspectedPolicy, redact_document};

/// The planted values, as written in the sources.
const PLANTED: &[&str] = &[
    "4111 1111 1111 1111",
    "19121212-1212",
    "SE45 5000 0000 0583 9825 7466",
    "anna.svensson@example.se",
    "+46 70 123 45 67",
    "Anna Svensson",
    "Svensson",
];

/// Ordinary text that must stay (in the XML of the output).
const ORDINARY: &[&str] = &["Vanlig text", "Kund:"];

/// Whether the external programs are here; missing ones fail the test under CI.
fn have(progs: &[&str]) -> bool {
    for p in progs {
        let found = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {p}"))
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            assert!(std::env::var_os("CI").is_none(), "{p} is needed for this test");
            println!("skipped: {p} is not installed");
            return false;
        }
    }
    true
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

fn workdir(tag: &str) -> PathBuf {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("sekretess-office-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `soffice --headless --convert-to <to>` with a profile of its own; the converted file.
fn soffice(input: &Path, to: &str, outdir: &Path) -> PathBuf {
    let profile = outdir.join("lo-profile");
    let status = Command::new("soffice")
        .arg("--headless")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--convert-to", to, "--outdir"])
        .arg(outdir)
        .arg(input)
        .output()
        .unwrap();
    assert!(status.status.success(), "soffice failed: {}", String::from_utf8_lossy(&status.stderr));
    let ext = to.split(':').next().unwrap();
    let out = outdir.join(input.with_extension(ext).file_name().unwrap());
    assert!(out.exists() && std::fs::metadata(&out).unwrap().len() > 0, "soffice wrote no {ext}");
    out
}

/// Every member's XML text and attribute values (or raw bytes for non-XML members), as
/// Python's standard library reads them.
fn extract(path: &Path) -> String {
    const PY: &str = r#"
import sys, zipfile
import xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    b = z.read(n)
    print("== " + n)
    try:
        root = ET.fromstring(b)
    except ET.ParseError:
        print(b.decode("utf-8", "replace"))
        continue
    for el in root.iter():
        for t in (el.text, el.tail):
            if t:
                print(t)
        for v in el.attrib.values():
            print(v)
"#;
    let out = Command::new("python3").arg("-c").arg(PY).arg(path).output().unwrap();
    assert!(out.status.success(), "extractor failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase()
}

/// The planted values found in `text`, also with spaces and dashes taken out.
fn planted_in(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let flat = squash(text);
    PLANTED
        .iter()
        .copied()
        .filter(|v| lower.contains(&v.to_lowercase()) || flat.contains(&squash(v)))
        .collect()
}

/// Make `src` (a Flat ODF document) into `to` with LibreOffice, redact it, and check the
/// output with the independent extractor and with LibreOffice.
fn round_trip(
    tag: &str,
    flat_ext: &str,
    src: &str,
    to: &str,
    policy: UninspectedPolicy,
) -> Option<RedactedDocument> {
    if !have(&["soffice", "python3", "pdftotext"]) {
        return None;
    }
    let dir = workdir(tag);
    let flat = dir.join(format!("plant.{flat_ext}"));
    std::fs::write(&flat, src).unwrap();
    let made = soffice(&flat, to, &dir);
    let input = std::fs::read(&made).unwrap();
    // The test can fail: the input holds the values.
    let before = planted_in(&extract(&made));
    assert!(before.len() >= 5, "{tag}: the fixture holds only {before:?}");

    let opts = DocOptions { uninspected: policy, ..DocOptions::default() };
    let r = redact_document(&input, Format::Auto, &opts).unwrap();
    assert_eq!(r.kind, Kind::Zip);
    let out = r.output.clone().unwrap_or_else(|| panic!("{tag}: no output, {:?}", r.not_inspected));
    let red = dir.join(format!("redacted.{to}"));
    std::fs::write(&red, &out).unwrap();

    let text = extract(&red);
    assert_eq!(planted_in(&text), Vec::<&str>::new(), "{tag}: planted values left in the XML");
    for o in ORDINARY {
        assert!(text.contains(o), "{tag}: ordinary text {o:?} is gone");
    }
    let pdfdir = dir.join("pdf");
    std::fs::create_dir_all(&pdfdir).unwrap();
    let pdf = soffice(&red, "pdf", &pdfdir);
    let shown = pdftotext(&pdf);
    assert_eq!(planted_in(&shown), Vec::<&str>::new(), "{tag}: planted values shown by LibreOffice");
    assert!(shown.contains("Vanlig text"), "{tag}: LibreOffice shows no ordinary text: {shown}");
    let _ = std::fs::remove_dir_all(&dir);
    Some(r)
}

fn parts(r: &RedactedDocument) -> Vec<&str> {
    let mut p: Vec<&str> = r.findings.iter().filter_map(|f| f.place.part.as_deref()).collect();
    p.dedup();
    p
}

#[test]
fn docx_from_libreoffice() {
    let Some(r) = round_trip("docx", "fodt", FODT, "docx", UninspectedPolicy::Fail) else { return };
    let p = parts(&r);
    for part in [
        "word/document.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "word/footnotes.xml",
        "word/comments.xml",
        "docProps/core.xml",
        "word/_rels/document.xml.rels",
    ] {
        assert!(p.contains(&part), "no finding in {part}: {p:?}");
    }
    assert!(r.not_inspected.is_empty(), "{:?}", r.not_inspected);
}

#[test]
fn odt_from_libreoffice() {
    let Some(r) = round_trip("odt", "fodt", FODT, "odt", UninspectedPolicy::Fail) else { return };
    let p = parts(&r);
    for part in ["content.xml", "styles.xml", "meta.xml"] {
        assert!(p.contains(&part), "no finding in {part}: {p:?}");
    }
    // The thumbnail is replaced without a report.
    assert!(r.not_inspected.is_empty(), "{:?}", r.not_inspected);
}

#[test]
fn xlsx_from_libreoffice() {
    let Some(r) = round_trip("xlsx", "fods", FODS, "xlsx", UninspectedPolicy::Fail) else { return };
    let p = parts(&r);
    for part in ["xl/sharedStrings.xml", "xl/workbook.xml", "xl/comments1.xml", "docProps/core.xml"] {
        assert!(p.contains(&part), "no finding in {part}: {p:?}");
    }
}

#[test]
fn ods_from_libreoffice() {
    let Some(r) = round_trip("ods", "fods", FODS, "ods", UninspectedPolicy::Fail) else { return };
    let p = parts(&r);
    for part in ["content.xml", "meta.xml"] {
        assert!(p.contains(&part), "no finding in {part}: {p:?}");
    }
}

#[test]
fn pptx_from_libreoffice() {
    let Some(r) = round_trip("pptx", "fodp", FODP, "pptx", UninspectedPolicy::Skip) else { return };
    let p = parts(&r);
    assert!(p.contains(&"ppt/slides/slide1.xml"), "{p:?}");
    let images: Vec<_> = r.not_inspected.iter().filter(|n| n.reason == Reason::Image).collect();
    assert_eq!(images.len(), 1, "{:?}", r.not_inspected);
    assert!(images[0].place.part.as_deref().is_some_and(|m| m.starts_with("ppt/media/")));
}

#[test]
fn legacy_doc_is_not_inspected() {
    if !have(&["soffice"]) {
        return;
    }
    let dir = workdir("doc");
    let flat = dir.join("plant.fodt");
    std::fs::write(&flat, FODT).unwrap();
    let doc = soffice(&flat, "doc", &dir);
    let input = std::fs::read(&doc).unwrap();
    let r = redact_document(&input, Format::Auto, &DocOptions::default()).unwrap();
    assert_eq!(r.kind, Kind::Ole);
    assert!(r.output.is_none());
    assert_eq!(r.not_inspected.len(), 1);
    assert_eq!(r.not_inspected[0].reason, Reason::OleBinary);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Flat ODF text document: body, table, header, footer, footnote, comment, tracked
/// deletion, properties, a `mailto:` link, a card split over differently formatted spans.
const FODT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta>
  <dc:title>Avtal för Anna Svensson anna.svensson@example.se</dc:title>
  <meta:initial-creator>Anna Svensson</meta:initial-creator>
  <dc:creator>Anna Svensson</dc:creator>
  <dc:subject>Kund: Anna Svensson</dc:subject>
  <meta:user-defined meta:name="Kundnummer">19121212-1212</meta:user-defined>
 </office:meta>
 <office:styles>
  <style:style style:name="Strong" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p>Sidhuvud: kontakt anna.svensson@example.se</text:p></style:header>
   <style:footer><text:p>Sidfot: telefon +46 70 123 45 67</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body>
  <office:text>
   <text:tracked-changes>
    <text:changed-region text:id="ct1">
     <text:deletion>
      <office:change-info><dc:creator>Anna Svensson</dc:creator><dc:date>2024-01-02T10:00:00</dc:date></office:change-info>
      <text:p>Borttaget personnummer 19121212-1212</text:p>
     </text:deletion>
    </text:changed-region>
   </text:tracked-changes>
   <text:p>Kund: Anna Svensson bor i Lund.</text:p>
   <text:p>Kortnummer: 41<text:span text:style-name="Strong">11</text:span> 1111 <text:span text:style-name="Strong">1111 11</text:span>11 betalas idag.</text:p>
   <text:p>Personnummer 19121212-1212 enligt avtalet.<text:change text:change-id="ct1"/></text:p>
   <text:p>Pay to IBAN SE45 5000 0000 0583 9825 7466 by Friday.<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Fotnot: ring +46 70 123 45 67</text:p></text:note-body></text:note></text:p>
   <text:p>Mejla <text:a xlink:type="simple" xlink:href="mailto:anna.svensson@example.se">anna.svensson@example.se</text:a> om frågor.<office:annotation><dc:creator>Anna Svensson</dc:creator><dc:date>2024-01-02T10:00:00</dc:date><text:p>Kommentar: kort 4111 1111 1111 1111</text:p></office:annotation></text:p>
   <table:table table:name="Kunder">
    <table:table-column table:number-columns-repeated="2"/>
    <table:table-row><table:table-cell office:value-type="string"><text:p>Dear Anna Svensson</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>SE45 5000 0000 0583 9825 7466</text:p></table:table-cell></table:table-row>
   </table:table>
   <text:p>Vanlig text som ska finnas kvar.</text:p>
  </office:text>
 </office:body>
</office:document>"#;

/// Flat ODF spreadsheet: two sheets (one named by a personnummer), a numeric cell holding a
/// card number, a comment, a link, a named range.
const FODS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:meta>
  <dc:title>Kundlista anna.svensson@example.se</dc:title>
  <meta:initial-creator>Anna Svensson</meta:initial-creator>
  <dc:creator>Anna Svensson</dc:creator>
 </office:meta>
 <office:body>
  <office:spreadsheet>
   <table:table table:name="Kunder">
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Kund: Anna Svensson</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Personnummer 19121212-1212</text:p></table:table-cell>
     <table:table-cell office:value-type="float" office:value="4111111111111111"><text:p>4111111111111111</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>IBAN SE45 5000 0000 0583 9825 7466</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p><text:a xlink:href="mailto:anna.svensson@example.se">anna.svensson@example.se</text:a></text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Telefon +46 70 123 45 67</text:p><office:annotation><dc:creator>Anna Svensson</dc:creator><text:p>Kort 41<text:span>11</text:span> 1111 1111 1111</text:p></office:annotation></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell table:formula="of:=&quot;19121212-&quot;&amp;&quot;1212&quot;" office:value-type="string" office:string-value="19121212-1212"><text:p>19121212-1212</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Vanlig text som ska finnas kvar</text:p></table:table-cell>
     <table:table-cell table:formula="of:=SUM([.C1])" office:value-type="float" office:value="4111111111111111"><text:p>4111111111111111</text:p></table:table-cell>
    </table:table-row>
   </table:table>
   <table:table table:name="19121212-1212">
    <table:table-row><table:table-cell office:value-type="string"><text:p>Andra bladet, vanlig text</text:p></table:table-cell></table:table-row>
   </table:table>
   <table:named-expressions><table:named-range table:name="Kortet" table:base-cell-address="$'19121212-1212'.$A$1" table:cell-range-address="$'19121212-1212'.$A$1"/></table:named-expressions>
  </office:spreadsheet>
 </office:body>
</office:document>"#;

/// Flat ODF presentation: a slide with text, an image with alt text, notes.
const FODP: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
 <office:meta><dc:title>Presentation om Anna Svensson anna.svensson@example.se</dc:title><dc:creator>Anna Svensson</dc:creator></office:meta>
 <office:styles/>
 <office:automatic-styles>
  <style:page-layout style:name="PM1"><style:page-layout-properties fo:page-width="28cm" fo:page-height="15.75cm"/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Default" style:page-layout-name="PM1"/></office:master-styles>
 <office:body>
  <office:presentation>
   <draw:page draw:name="Bild1" draw:master-page-name="Default">
    <draw:frame svg:width="20cm" svg:height="3cm" svg:x="1cm" svg:y="1cm"><draw:text-box>
     <text:p>Kund: Anna Svensson, kort 41<text:span>11</text:span> 1111 1111 1111</text:p>
     <text:p>Personnummer 19121212-1212 och IBAN SE45 5000 0000 0583 9825 7466</text:p>
     <text:p>Vanlig text på bilden.</text:p>
    </draw:text-box></draw:frame>
    <draw:frame svg:width="2cm" svg:height="2cm" svg:x="1cm" svg:y="5cm"><draw:image><office:binary-data>iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==</office:binary-data></draw:image><svg:title>Foto, kund: Anna Svensson</svg:title><svg:desc>Kontakt anna.svensson@example.se</svg:desc></draw:frame>
    <presentation:notes><draw:frame svg:width="20cm" svg:height="3cm" svg:x="1cm" svg:y="1cm"><draw:text-box><text:p>Anteckning: ring +46 70 123 45 67</text:p></draw:text-box></draw:frame></presentation:notes>
   </draw:page>
  </office:presentation>
 </office:body>
</office:document>"#;

fn python(script: &str, args: &[&Path]) {
    let out = Command::new("python3").arg("-c").arg(script).args(args).output().unwrap();
    assert!(out.status.success(), "python3 failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// A DOCX whose `word/document.xml` is 2 GiB of zeros, written by Python's `zipfile` as a
/// stream; and the same inside another DOCX (`word/embeddings/`). Both refused by a limit
/// without unpacking.
#[test]
fn bombs_are_refused_by_a_limit() {
    if !have(&["python3"]) {
        return;
    }
    const PY: &str = r#"
import sys, zipfile
ct = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", ct)
    with z.open("word/document.xml", "w", force_zip64=True) as f:
        chunk = bytes(1 << 20)
        for _ in range(2048):
            f.write(chunk)
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", ct)
    z.writestr("word/document.xml", b"<w:document/>")
    z.write(sys.argv[1], "word/embeddings/Microsoft_Word_Document.docx")
"#;
    let dir = workdir("bomb");
    let (bomb, nested) = (dir.join("bomb.docx"), dir.join("nested.docx"));
    python(PY, &[&bomb, &nested]);
    for path in [&bomb, &nested] {
        let input = std::fs::read(path).unwrap();
        assert!(input.len() < 8 << 20, "the bomb is small: {}", input.len());
        match redact_document(&input, Format::Auto, &DocOptions::default()) {
            Err(sekretess_detect::DetectError::Limit { limit, .. }) => {
                assert!(limit == "max_ratio" || limit == "max_unpacked", "{limit}");
            }
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A DOCX made by LibreOffice, re-packed by Info-ZIP with a password: not inspected.
/// Info-ZIP's `zip` is optional (the brief's CI tools do not list it): without it the test
/// skips even under CI, and the unit test with a crafted encryption flag still runs.
#[test]
fn password_protected_package_is_not_inspected() {
    if !have(&["soffice", "python3"]) {
        return;
    }
    if Command::new("zip").arg("-v").output().is_err() {
        println!("skipped: Info-ZIP zip is not installed");
        return;
    }
    let dir = workdir("zipcrypto");
    let flat = dir.join("plant.fodt");
    std::fs::write(&flat, FODT).unwrap();
    let docx = soffice(&flat, "docx", &dir);
    let tree = dir.join("tree");
    python("import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", &[&docx, &tree]);
    let locked = dir.join("locked.docx");
    let ok = Command::new("zip")
        .current_dir(&tree)
        .args(["-q", "-r", "-P", "hemligt"])
        .arg(&locked)
        .arg(".")
        .status()
        .unwrap();
    assert!(ok.success());
    let input = std::fs::read(&locked).unwrap();
    let r = redact_document(&input, Format::Auto, &DocOptions::default()).unwrap();
    assert!(r.output.is_none());
    assert!(r.findings.is_empty());
    assert_eq!(r.not_inspected.len(), 1);
    assert_eq!(r.not_inspected[0].reason, Reason::EncryptedArchive);
    let _ = std::fs::remove_dir_all(&dir);
}
