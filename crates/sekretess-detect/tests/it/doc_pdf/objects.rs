//! PDFs built object by object (lopdf): forms, metadata, history, encryption, limits.

use super::*;

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
    // The card as written or with its spaces gone: a bare "4111" can be a byte offset or a
    // length in qpdf's listing.
    assert!(!squash(&all).contains("4111111111111111"), "the old revision's card survived");
    assert!(all.contains("Ny revision"));
    assert_eq!(all.matches("revision").count(), 1, "the old revision survived");
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
