#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::super::{DocOptions, Limits, Reason, RedactedDocument, UninspectedPolicy, redact_document};
use crate::{DetectError, Format};

const CT: &[u8] =
    b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";

fn pkg(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in members {
        let method =
            if *name == "mimetype" { CompressionMethod::Stored } else { CompressionMethod::Deflated };
        w.start_file(*name, SimpleFileOptions::default().compression_method(method)).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn run(input: &[u8], policy: UninspectedPolicy) -> RedactedDocument {
    let opts = DocOptions { uninspected: policy, ..DocOptions::default() };
    redact_document(input, Format::Auto, &opts).unwrap()
}

fn member(out: &[u8], name: &str) -> String {
    let mut z = ZipArchive::new(Cursor::new(out)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn docx(document: &str) -> Vec<u8> {
    pkg(&[("[Content_Types].xml", CT), ("word/document.xml", document.as_bytes())])
}

const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

#[test]
fn card_split_over_runs_is_joined_and_spaces_kept() {
    let doc = format!(
        "<w:document {W}><w:body><w:p><w:r><w:t>Kort 41</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>11</w:t></w:r>\
         <w:r><w:t xml:space=\"preserve\"> 1111 1111 11</w:t></w:r><w:r><w:t>11 betalas &amp; klart</w:t></w:r></w:p></w:body></w:document>"
    );
    let r = run(&docx(&doc), UninspectedPolicy::Fail);
    let out = member(r.output.as_ref().unwrap(), "word/document.xml");
    assert!(!out.contains("4111") && !out.contains(">11<"), "{out}");
    assert!(out.contains("<w:b/>"), "formatting kept: {out}");
    assert!(out.contains("<w:t xml:space=\"preserve\"> betalas &amp; klart</w:t>"), "{out}");
    assert!(out.contains("Kort "));
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].place.part.as_deref(), Some("word/document.xml"));
}

#[test]
fn deleted_text_field_codes_and_authors() {
    let doc = format!(
        "<w:document {W}><w:body><w:p><w:del w:id=\"1\" w:author=\"Zorblax Quint\"><w:r><w:delText>pnr 19121212-1212</w:delText></w:r></w:del>\
         <w:r><w:instrText> HYPERLINK \"mailto:anna.svensson@example.se\" </w:instrText></w:r><w:r><w:t>Mejla oss</w:t></w:r></w:p></w:body></w:document>"
    );
    let r = run(&docx(&doc), UninspectedPolicy::Fail);
    let out = member(r.output.as_ref().unwrap(), "word/document.xml");
    assert!(!out.contains("1212") && !out.contains("anna.svensson") && !out.contains("Zorblax"), "{out}");
    // The visible text stays. Its capitalised first word follows the field code's e-mail
    // address in the extracted text, so the name tagger may take it for a name: that errs on
    // the side of hiding, and is not what this test is about.
    assert!(out.contains("w:author=\"\"") && out.contains(" oss</w:t>"), "{out}");
}

#[test]
fn properties_person_fields_always_blank() {
    let core = b"<cp:coreProperties xmlns:cp=\"c\" xmlns:dc=\"d\"><dc:title>Avtal 19121212-1212</dc:title>\
        <dc:creator>Zorblax Quint</dc:creator><cp:lastModifiedBy>Q. Zorblax</cp:lastModifiedBy></cp:coreProperties>";
    let app = b"<Properties><Company>Acme AB</Company><Manager>Zorblax</Manager></Properties>";
    let rels = b"<Relationships><Relationship Id=\"rId2\" Type=\"h\" Target=\"mailto:anna.svensson@example.se\" TargetMode=\"External\"/></Relationships>";
    let input = pkg(&[
        ("[Content_Types].xml", CT),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
        ("word/_rels/document.xml.rels", rels),
        ("word/document.xml", format!("<w:document {W}/>").as_bytes()),
    ]);
    let r = run(&input, UninspectedPolicy::Fail);
    let out = r.output.unwrap();
    let core = member(&out, "docProps/core.xml");
    assert!(!core.contains("Zorblax") && !core.contains("1212") && core.contains("Avtal"), "{core}");
    let app = member(&out, "docProps/app.xml");
    assert!(!app.contains("Zorblax") && app.contains("Acme AB"), "{app}");
    let rels = member(&out, "word/_rels/document.xml.rels");
    assert!(!rels.contains("anna") && rels.contains("Target=\"mailto:"), "{rels}");
}

#[test]
fn numeric_cell_becomes_text_and_sheet_renamed() {
    let wb = b"<workbook><sheets><sheet name=\"Kunder\" sheetId=\"1\"/><sheet name=\"19121212-1212\" sheetId=\"2\"/></sheets>\
        <definedNames><definedName name=\"K\">'19121212-1212'!$A$1</definedName></definedNames></workbook>";
    let sheet = b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>4111111111111111</v></c><c r=\"B1\" t=\"s\"><v>0</v></c>\
        <c r=\"C1\"><f>'19121212-1212'!A1</f><v>7</v></c></row></sheetData></worksheet>";
    let ss = b"<sst><si><r><t>Kund: </t></r><r><rPr><b/></rPr><t>Anna Svensson</t></r></si></sst>";
    let input = pkg(&[
        ("[Content_Types].xml", CT),
        ("xl/workbook.xml", wb),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", ss),
    ]);
    let r = run(&input, UninspectedPolicy::Fail);
    let out = r.output.unwrap();
    let wb = member(&out, "xl/workbook.xml");
    assert!(!wb.contains("1212") && wb.contains("name=\"Sheet2\"") && wb.contains("'Sheet2'!$A$1"), "{wb}");
    let sheet = member(&out, "xl/worksheets/sheet1.xml");
    assert!(
        !sheet.contains("4111") && sheet.contains("t=\"str\"") && sheet.contains("'Sheet2'!A1"),
        "{sheet}"
    );
    let ss = member(&out, "xl/sharedStrings.xml");
    assert!(!ss.contains("Anna") && ss.contains("Kund: "), "{ss}");
    assert!(r.findings.iter().any(|f| f.place.part.as_deref() == Some("xl/workbook.xml")));
}

const ODT_MIME: &[u8] = b"application/vnd.oasis.opendocument.text";

#[test]
fn odf_meta_value_and_thumbnail() {
    let meta = b"<office:document-meta xmlns:office=\"o\" xmlns:meta=\"m\" xmlns:dc=\"d\"><office:meta>\
        <meta:initial-creator>Zorblax</meta:initial-creator><dc:creator>Zorblax</dc:creator><dc:title>Om 19121212-1212</dc:title>\
        </office:meta></office:document-meta>";
    let content = b"<office:document-content xmlns:office=\"o\" xmlns:text=\"t\" xmlns:table=\"tb\"><office:body><office:text>\
        <text:p>Kort 41<text:span>11</text:span> 1111 1111 1111 och vanlig text</text:p>\
        <table:table table:name=\"T\"><table:table-row><table:table-cell office:value-type=\"float\" office:value=\"4111111111111111\">\
        <text:p>4111111111111111</text:p></table:table-cell></table:table-row></table:table></office:text></office:body></office:document-content>";
    let input = pkg(&[
        ("mimetype", ODT_MIME),
        ("content.xml", content),
        ("meta.xml", meta),
        ("Thumbnails/thumbnail.png", b"\x89PNG\r\n\x1a\nnot really"),
    ]);
    let r = run(&input, UninspectedPolicy::Fail);
    assert!(r.not_inspected.is_empty(), "the thumbnail is replaced silently");
    let out = r.output.unwrap();
    let mut z = ZipArchive::new(Cursor::new(&out[..])).unwrap();
    assert_eq!(z.by_index(0).unwrap().name().unwrap(), "mimetype");
    assert_eq!(z.by_index(0).unwrap().compression(), CompressionMethod::Stored);
    let mut thumb = Vec::new();
    z.by_name("Thumbnails/thumbnail.png").unwrap().read_to_end(&mut thumb).unwrap();
    assert_eq!(thumb, super::BLANK_PNG);
    let content = member(&out, "content.xml");
    assert!(
        !content.contains("4111") && !content.contains(">11<") && content.contains("vanlig text"),
        "{content}"
    );
    assert!(
        content.contains("office:value-type=\"string\"") && !content.contains("office:value="),
        "{content}"
    );
    let meta = member(&out, "meta.xml");
    assert!(!meta.contains("Zorblax") && !meta.contains("1212") && meta.contains("Om "), "{meta}");
}

#[test]
fn images_ole_and_macros_are_not_inspected() {
    let input = pkg(&[
        ("[Content_Types].xml", CT),
        ("word/document.xml", format!("<w:document {W}/>").as_bytes()),
        ("word/media/image1.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("word/embeddings/oleObject1.bin", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 1, 2]),
        ("word/vbaProject.bin", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 3, 4]),
    ]);
    let r = run(&input, UninspectedPolicy::Fail);
    assert!(r.output.is_none());
    let reasons: Vec<(Option<&str>, Reason)> =
        r.not_inspected.iter().map(|n| (n.place.part.as_deref(), n.reason)).collect();
    assert_eq!(
        reasons,
        vec![
            (Some("word/media/image1.png"), Reason::Image),
            (Some("word/embeddings/oleObject1.bin"), Reason::OleBinary),
            (Some("word/vbaProject.bin"), Reason::OleBinary),
        ]
    );
    let r = run(&input, UninspectedPolicy::Skip);
    let out = r.output.unwrap();
    let mut z = ZipArchive::new(Cursor::new(&out[..])).unwrap();
    let mut img = Vec::new();
    z.by_name("word/media/image1.png").unwrap().read_to_end(&mut img).unwrap();
    assert_eq!(img, super::BLANK_PNG);
    assert_eq!(z.by_name("word/vbaProject.bin").unwrap().size(), 0);
    let r = run(&input, UninspectedPolicy::Copy);
    assert_eq!(member(&r.output.unwrap(), "[Content_Types].xml").as_bytes(), CT);
}

#[test]
fn plain_archive_and_other_odf_are_unsupported() {
    let plain = pkg(&[("notes.txt", b"Kund 4111 1111 1111 1111")]);
    let r = run(&plain, UninspectedPolicy::Fail);
    assert!(r.output.is_none());
    assert_eq!(r.not_inspected[0].reason, Reason::Unsupported);
    assert_eq!(r.not_inspected[0].place.part, None);
    assert_eq!(run(&plain, UninspectedPolicy::Copy).output.unwrap(), plain);
    let odp =
        pkg(&[("mimetype", b"application/vnd.oasis.opendocument.presentation"), ("content.xml", b"<a/>")]);
    assert_eq!(run(&odp, UninspectedPolicy::Fail).not_inspected[0].reason, Reason::Unsupported);
}

#[test]
fn encrypted_member_is_not_inspected() {
    let mut z = docx(&format!("<w:document {W}/>"));
    // Set the "encrypted" flag bit in every local and central header.
    for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
        let off = if sig[2] == 3 { 6 } else { 8 };
        let mut at = 0;
        while let Some(p) = memchr::memmem::find(&z[at..], sig) {
            z[at + p + off] |= 1;
            at += p + 4;
        }
    }
    let r = run(&z, UninspectedPolicy::Fail);
    assert!(r.output.is_none());
    assert_eq!(r.not_inspected[0].reason, Reason::EncryptedArchive);
}

#[test]
fn limits_refuse_before_unpacking() {
    // One member of 8 MiB of zeros: ratio about 1000.
    let zeros = vec![0u8; 8 << 20];
    let bomb = pkg(&[("[Content_Types].xml", CT), ("word/document.xml", &zeros)]);
    let opts = DocOptions::default();
    match redact_document(&bomb, Format::Auto, &opts) {
        Err(DetectError::Limit { limit: "max_ratio", .. }) => {}
        other => panic!("{other:?}"),
    }
    // Total unpacked size.
    let opts = DocOptions {
        limits: Limits { max_unpacked: 1 << 20, max_ratio: 1 << 20, ..Limits::default() },
        ..DocOptions::default()
    };
    match redact_document(&bomb, Format::Auto, &opts) {
        Err(DetectError::Limit { limit: "max_unpacked", .. }) => {}
        other => panic!("{other:?}"),
    }
    // Member count.
    let opts = DocOptions { limits: Limits { max_objects: 1, ..Limits::default() }, ..DocOptions::default() };
    match redact_document(&docx("<a/>"), Format::Auto, &opts) {
        Err(DetectError::Limit { limit: "max_objects", .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn nested_packages_recurse_to_the_depth_limit() {
    let inner = docx(&format!(
        "<w:document {W}><w:body><w:p><w:r><w:t>pnr 19121212-1212</w:t></w:r></w:p></w:body></w:document>"
    ));
    let outer = pkg(&[
        ("[Content_Types].xml", CT),
        ("word/document.xml", format!("<w:document {W}/>").as_bytes()),
        ("word/embeddings/Microsoft_Word_Document.docx", &inner),
    ]);
    let r = run(&outer, UninspectedPolicy::Fail);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].place.attachment, vec![3]);
    assert_eq!(r.findings[0].place.part.as_deref(), Some("word/document.xml"));
    let out = r.output.unwrap();
    let mut z = ZipArchive::new(Cursor::new(&out[..])).unwrap();
    let mut nested = Vec::new();
    z.by_name("word/embeddings/Microsoft_Word_Document.docx").unwrap().read_to_end(&mut nested).unwrap();
    assert!(!member(&nested, "word/document.xml").contains("1212"));
    let mut deep = inner;
    for _ in 0..10 {
        deep = pkg(&[
            ("[Content_Types].xml", CT),
            ("word/document.xml", format!("<w:document {W}/>").as_bytes()),
            ("word/embeddings/x.docx", &deep),
        ]);
    }
    match redact_document(&deep, Format::Auto, &DocOptions::default()) {
        Err(DetectError::Limit { limit: "max_depth", .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_xml_is_damaged() {
    let r = redact_document(&docx("<w:document><w:p></w:document>"), Format::Auto, &DocOptions::default());
    assert!(matches!(r, Err(DetectError::Damaged { .. })), "{r:?}");
}

/// Bytes that do not compress much (ratio well under the limit).
fn noise(n: usize) -> Vec<u8> {
    let mut x: u32 = 12345;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            b'a' + ((x >> 16) % 26) as u8
        })
        .collect()
}

/// Patch the declared uncompressed size of every member (local and central headers).
fn declare_size(z: &mut [u8], size: u32) {
    for (sig, off) in [(&b"PK\x03\x04"[..], 22), (&b"PK\x01\x02"[..], 24)] {
        let mut at = 0;
        while let Some(p) = memchr::memmem::find(&z[at..], sig) {
            let f = at + p + off;
            z[f..f + 4].copy_from_slice(&size.to_le_bytes());
            at += p + 4;
        }
    }
}

#[test]
fn declared_sizes_are_checked_and_enforced() {
    // A member declaring 3 GB: refused on the central directory, nothing unpacked.
    let mut z = docx(&format!("<w:document {W}/>"));
    declare_size(&mut z, 3_000_000_000);
    match redact_document(&z, Format::Auto, &DocOptions::default()) {
        Err(DetectError::Limit { limit: "max_ratio", .. }) => {}
        other => panic!("{other:?}"),
    }
    let opts =
        DocOptions { limits: Limits { max_ratio: u64::MAX, ..Limits::default() }, ..DocOptions::default() };
    match redact_document(&z, Format::Auto, &opts) {
        Err(DetectError::Limit { limit: "max_unpacked", .. }) => {}
        other => panic!("{other:?}"),
    }
    // A member that unpacks to more than it declares: read no further than declared (the
    // zip reader or our capped reader refuses it).
    let mut body = b"<w:document>".to_vec();
    body.extend(noise(100_000));
    body.extend(b"</w:document>");
    let mut z = pkg(&[("[Content_Types].xml", CT), ("word/document.xml", &body)]);
    declare_size(&mut z, 1000);
    match redact_document(&z, Format::Auto, &DocOptions::default()) {
        Err(DetectError::Damaged { format: "zip", .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn bomb_inside_a_package_is_refused() {
    let zeros = vec![b'0'; 4 << 20];
    let bomb = pkg(&[
        ("[Content_Types].xml", CT),
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    let outer = pkg(&[
        ("[Content_Types].xml", CT),
        ("word/document.xml", format!("<w:document {W}/>").as_bytes()),
        ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", &bomb),
    ]);
    match redact_document(&outer, Format::Auto, &DocOptions::default()) {
        Err(DetectError::Limit { limit: "max_ratio", .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn document_variables_are_inspected() {
    let settings = format!(
        "<w:settings {W}><w:docVars><w:docVar w:name=\"kund\" w:val=\"pnr 19121212-1212\"/></w:docVars></w:settings>"
    );
    let input = pkg(&[
        ("[Content_Types].xml", CT),
        ("word/document.xml", format!("<w:document {W}/>").as_bytes()),
        ("word/settings.xml", settings.as_bytes()),
    ]);
    let out = run(&input, UninspectedPolicy::Fail).output.unwrap();
    let s = member(&out, "word/settings.xml");
    assert!(!s.contains("1212") && s.contains("w:name=\"kund\""), "{s}");
}

#[test]
fn mutated_packages_and_parts_do_not_panic() {
    let doc = format!(
        "<w:document {W}><w:body><w:p><w:r><w:t>Kort 41</w:t></w:r><w:r><w:t>11 1111 1111 1111 &amp; A</w:t></w:r></w:p>\
         <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Kund: Anna Svensson</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"
    );
    let content = "<office:document-content xmlns:office=\"o\" xmlns:text=\"t\" xmlns:table=\"tb\"><office:body>\
        <table:table table:name=\"19121212-1212\"><table:table-row><table:table-cell office:value-type=\"float\" office:value=\"4111111111111111\">\
        <text:p>x<text:s/>y</text:p></table:table-cell></table:table-row></table:table></office:body></office:document-content>";
    let mut x: u32 = 7;
    let mut next = move |n: usize| {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (x >> 8) as usize % n.max(1)
    };
    let opts = DocOptions { uninspected: UninspectedPolicy::Skip, ..DocOptions::default() };
    for round in 0..600 {
        // The XML part cut or changed, in a valid package.
        let mut part = if round % 2 == 0 { doc.clone().into_bytes() } else { content.as_bytes().to_vec() };
        match next(3) {
            0 => part.truncate(next(part.len())),
            1 => {
                let at = next(part.len());
                part[at] = b"<>&\"'/= x\xff"[next(10)];
            }
            _ => {
                let at = next(part.len());
                part.insert(at, b'<');
            }
        }
        let input = if round % 2 == 0 {
            pkg(&[("[Content_Types].xml", CT), ("word/document.xml", &part)])
        } else {
            pkg(&[("mimetype", ODT_MIME), ("content.xml", &part)])
        };
        let _ = redact_document(&input, Format::Auto, &opts);
        // The package bytes themselves changed.
        let mut z = input;
        for _ in 0..1 + next(4) {
            let at = next(z.len());
            z[at] ^= 1 << next(8);
        }
        let _ = redact_document(&z, Format::Auto, &opts);
    }
}

#[test]
fn comments_and_processing_instructions_are_inspected_and_dtds_refused() {
    let doc = format!(
        "<?xml version=\"1.0\"?><?note pnr 19121212-1212?><w:document {W}><!-- kort 4111 1111 1111 1111 --><w:body/></w:document>"
    );
    let out = run(&docx(&doc), UninspectedPolicy::Fail).output.unwrap();
    let s = member(&out, "word/document.xml");
    assert!(!s.contains("1212") && !s.contains("4111") && s.contains("<!-- kort "), "{s}");
    let dtd = "<!DOCTYPE w [<!ENTITY a \"4111 1111 1111 1111\">]><w:document>&a;</w:document>";
    let r = redact_document(&docx(dtd), Format::Auto, &DocOptions::default());
    assert!(matches!(r, Err(DetectError::Damaged { .. })), "{r:?}");
}

#[test]
fn pivot_items_alt_text_and_nested_sheet_names() {
    let wb = b"<workbook><sheets><sheet name=\"19121212-1212\"/><sheet name=\"pnr 19121212-1212 kopia\"/></sheets></workbook>";
    let records =
        b"<pivotCacheRecords><r><s v=\"Kund: Anna Svensson\"/><n v=\"4711\"/></r></pivotCacheRecords>";
    let drawing = b"<xdr:wsDr xmlns:xdr=\"x\" xmlns:pic=\"p\"><pic:cNvPr id=\"2\" name=\"Bild 1\" descr=\"Foto, kund: Anna Svensson\"/></xdr:wsDr>";
    let input = pkg(&[
        ("[Content_Types].xml", CT),
        ("xl/workbook.xml", wb),
        ("xl/pivotCache/pivotCacheRecords1.xml", records),
        ("xl/drawings/drawing1.xml", drawing),
    ]);
    let out = run(&input, UninspectedPolicy::Fail).output.unwrap();
    let wb = member(&out, "xl/workbook.xml");
    assert!(wb.contains("name=\"Sheet1\"") && wb.contains("name=\"Sheet2\""), "{wb}");
    let records = member(&out, "xl/pivotCache/pivotCacheRecords1.xml");
    assert!(!records.contains("Svensson") && records.contains("<n v=\"4711\"/>"), "{records}");
    let drawing = member(&out, "xl/drawings/drawing1.xml");
    assert!(!drawing.contains("Svensson") && drawing.contains("name=\"Bild 1\""), "{drawing}");
}

#[test]
fn odf_encrypted_by_its_manifest_is_not_inspected() {
    let manifest = b"<manifest:manifest xmlns:manifest=\"m\"><manifest:file-entry manifest:full-path=\"content.xml\">\
        <manifest:encryption-data manifest:checksum-type=\"SHA1/1K\"/></manifest:file-entry></manifest:manifest>";
    let input = pkg(&[
        ("mimetype", ODT_MIME),
        ("content.xml", b"\x01\x02 not xml"),
        ("META-INF/manifest.xml", manifest),
    ]);
    let r = run(&input, UninspectedPolicy::Fail);
    assert!(r.output.is_none());
    assert_eq!(r.not_inspected.len(), 1);
    assert_eq!(r.not_inspected[0].reason, Reason::EncryptedArchive);
}
