//! PDFs made by LibreOffice and Chromium: text, wrapping, properties, images, pixels.

use super::*;

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
    if cfg!(feature = "ocr") {
        // OCR reads the image (1×1: no text) and keeps it; the text is redacted as ever.
        let r = redact(&pdf, UninspectedPolicy::Fail).unwrap();
        assert!(r.not_inspected.is_empty(), "{:?}", r.not_inspected);
        let out = r.output.expect("output");
        qpdf_check(&dir, &out);
        assert!(list(&out) >= 1);
        let text = pdftotext(&dir, &out);
        assert!(text.contains("Kvitto") && !text.contains("4111"), "{text}");
        return;
    }
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
