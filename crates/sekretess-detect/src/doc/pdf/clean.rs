//! Everything besides the page text that can hold personal data: the Info dictionary and
//! XMP metadata (dropped), annotations (only links without findings stay), form fields
//! (removed), outline titles (redacted), attachments and scripts (dropped), structure-tree
//! alternate text (dropped), page thumbnails (dropped) and images (reported); then every
//! string left outside the content streams is redacted.

use std::collections::{BTreeMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, decode_text_string, text_string};

use crate::doc::{Cx, Disposition, Reason, UninspectedPolicy};

/// Keys dropped from every dictionary: metadata, private application data, additional
/// (script) actions, alternate and replacement text of structure and marked content, page
/// thumbnails, associated (embedded) files of PDF 2.0 and PDF/A-3.
const DROP_KEYS: [&[u8]; 7] = [b"Metadata", b"PieceInfo", b"AA", b"ActualText", b"Alt", b"Thumb", b"AF"];

/// Clean everything but the page content; run before the pages are read, so that what is
/// dropped here (annotation appearances, thumbnails …) is neither read nor reported.
pub(super) fn structure(doc: &mut Document, cx: &mut Cx<'_>, pages: &BTreeMap<u32, ObjectId>) {
    info(doc, cx);
    for (&n, &page) in pages {
        annotations(doc, cx, n, page);
    }
    catalog(doc);
    outline(doc, cx);
    for obj in doc.objects.values_mut() {
        match obj {
            Object::Stream(s) => scrub(&mut s.dict, 0),
            o => scrub_object(o, 0),
        }
    }
    doc.prune_objects();
    strings(doc, cx);
}

/// Every string still in the file outside the content streams (in any dictionary or array,
/// at any depth, of any object: structure elements' `/Desc` and `/T`, actions' `/URI`
/// wherever they are, page labels, private data …) is read as text and redacted; its
/// findings are reported in part `strings`. What the passes above missed is caught here.
fn strings(doc: &mut Document, cx: &mut Cx<'_>) {
    for obj in doc.objects.values_mut() {
        match obj {
            Object::Stream(s) => strings_in_dict(&mut s.dict, cx, 0),
            o => strings_in(o, cx, 0),
        }
    }
}

fn strings_in_dict(d: &mut Dictionary, cx: &mut Cx<'_>, depth: u32) {
    if depth < 64 {
        for (_, v) in d.iter_mut() {
            strings_in(v, cx, depth + 1);
        }
    }
}

fn strings_in(o: &mut Object, cx: &mut Cx<'_>, depth: u32) {
    match o {
        Object::String(bytes, format) => {
            if let Some(new) = redact_string(bytes, *format, cx) {
                *o = new;
            }
        }
        Object::Dictionary(d) => strings_in_dict(d, cx, depth),
        Object::Array(a) if depth < 64 => {
            for v in a {
                strings_in(v, cx, depth + 1);
            }
        }
        _ => {}
    }
}

/// How a string's bytes were read as text (so that it is written back the same way).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Enc {
    /// UTF-16BE after a byte-order mark.
    Utf16,
    /// UTF-8 after a byte-order mark (PDF 2.0).
    Utf8Bom,
    /// UTF-8 without a mark (as some producers write URIs and titles).
    Utf8,
    /// PDFDocEncoding (ASCII included), or bytes that are no text (read one char a byte).
    Doc,
}

/// The redacted string when `bytes`, read as text, holds a finding.
fn redact_string(bytes: &[u8], format: StringFormat, cx: &mut Cx<'_>) -> Option<Object> {
    let (text, enc) = if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let units = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
        (char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')).collect(), Enc::Utf16)
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (String::from_utf8_lossy(rest).into_owned(), Enc::Utf8Bom)
    } else if bytes.is_ascii() {
        (String::from_utf8_lossy(bytes).into_owned(), Enc::Doc)
    } else if let Ok(t) = std::str::from_utf8(bytes) {
        (t.to_owned(), Enc::Utf8)
    } else {
        let o = Object::String(bytes.to_vec(), format);
        let t = decode_text_string(&o).unwrap_or_else(|_| bytes.iter().map(|&b| char::from(b)).collect());
        (t, Enc::Doc)
    };
    let new = cx.redact_text(Some("strings"), None, &text)?;
    Some(match enc {
        Enc::Utf8Bom => {
            let mut b = b"\xEF\xBB\xBF".to_vec();
            b.extend_from_slice(new.as_bytes());
            Object::String(b, format)
        }
        Enc::Utf8 => Object::String(new.into_bytes(), format),
        Enc::Doc if new.is_ascii() => Object::String(new.into_bytes(), format),
        Enc::Utf16 | Enc::Doc => {
            let mut b = vec![0xFE, 0xFF];
            for u in new.encode_utf16() {
                b.extend_from_slice(&u.to_be_bytes());
            }
            Object::String(b, StringFormat::Hexadecimal)
        }
    })
}

fn scrub(dict: &mut Dictionary, depth: u32) {
    for k in DROP_KEYS {
        dict.remove(k);
    }
    // A structure element's expansion text.
    if dict.has(b"S") && dict.has(b"P") {
        dict.remove(b"E");
    }
    // lopdf bounds nesting when parsing; this bounds the recursion regardless.
    if depth < 64 {
        for (_, v) in dict.iter_mut() {
            scrub_object(v, depth + 1);
        }
    }
}

fn scrub_object(o: &mut Object, depth: u32) {
    match o {
        Object::Dictionary(d) => scrub(d, depth),
        Object::Array(a) if depth < 64 => {
            for v in a {
                scrub_object(v, depth + 1);
            }
        }
        _ => {}
    }
}

fn text(o: &Object) -> Option<String> {
    decode_text_string(o).ok()
}

/// The Info dictionary loses every value (its findings are reported) and says only who
/// wrote the file.
fn info(doc: &mut Document, cx: &mut Cx<'_>) {
    if let Ok(info) = doc.trailer.get(b"Info").and_then(|o| doc.dereference(o)).and_then(|(_, o)| o.as_dict())
    {
        // Dates are structure, not text (and read as numbers).
        let values: Vec<String> = info
            .iter()
            .filter(|(k, _)| !matches!(k.as_slice(), b"CreationDate" | b"ModDate"))
            .filter_map(|(_, v)| text(v))
            .collect();
        for v in values {
            let _ = cx.redact_text(Some("info"), None, &v);
        }
    }
    let mut d = Dictionary::new();
    d.set("Producer", Object::string_literal("Sekretess"));
    let id = doc.add_object(Object::Dictionary(d));
    doc.trailer.set("Info", Object::Reference(id));
}

/// An annotation stays only when it is a link to a place in the document or to a URI with
/// no finding; every other one (notes, free text, widgets of form fields, attachments …) is
/// removed, its text reported.
fn annotations(doc: &mut Document, cx: &mut Cx<'_>, n: u32, page: ObjectId) {
    let Ok(list) = doc
        .get_dictionary(page)
        .and_then(|p| p.get_deref(b"Annots", doc))
        .and_then(Object::as_array)
        .cloned()
    else {
        return;
    };
    let mut keep = Vec::new();
    let mut kept_ids = Vec::new();
    let mut dropped_ids = Vec::new();
    for item in list {
        let Ok((id, Object::Dictionary(a))) = doc.dereference(&item) else { continue };
        let link = a.get(b"Subtype").and_then(Object::as_name).is_ok_and(|s| s == b"Link");
        let action = a.get_deref(b"A", doc).and_then(Object::as_dict).ok();
        let kind = action.and_then(|d| d.get(b"S").and_then(Object::as_name).ok());
        let uri = action.and_then(|d| d.get(b"URI").ok()).and_then(|u| u.as_str().ok());
        let uri = uri.map(|u| String::from_utf8_lossy(u).into_owned());
        let mut texts: Vec<String> = [&b"Contents"[..], b"T", b"TU", b"V", b"RC"]
            .iter()
            .filter_map(|k| a.get(k).ok().and_then(text))
            .collect();
        let ok_link = link && matches!(kind, None | Some(b"GoTo" | b"URI"));
        let keep_it =
            ok_link && uri.as_ref().is_none_or(|u| cx.redact_text(Some("annotations"), Some(n), u).is_none());
        if keep_it {
            if let Some(id) = id {
                kept_ids.push(id);
            }
            keep.push(item);
        } else {
            dropped_ids.extend(id);
            if !ok_link && let Some(u) = uri {
                texts.push(u);
            }
            for t in texts {
                let _ = cx.redact_text(Some("annotations"), Some(n), &t);
            }
        }
    }
    for id in kept_ids {
        if let Ok(a) = doc.get_dictionary_mut(id) {
            for k in [&b"Contents"[..], b"T", b"RC", b"AP", b"Popup", b"NM", b"Subj"] {
                a.remove(k);
            }
        }
    }
    // A removed annotation may still be reached from elsewhere (a tagged PDF's structure
    // tree points at it by an object reference): the object itself goes.
    for id in dropped_ids {
        doc.objects.insert(id, Object::Null);
    }
    if let Ok(p) = doc.get_dictionary_mut(page) {
        if keep.is_empty() {
            p.remove(b"Annots");
        } else {
            p.set("Annots", Object::Array(keep));
        }
    }
}

/// Form fields, attachments, document scripts and script actions go.
fn catalog(doc: &mut Document) {
    let Ok(root) = doc.trailer.get(b"Root").and_then(Object::as_reference) else { return };
    let names = doc.get_dictionary(root).ok().and_then(|c| c.get(b"Names").ok()).cloned();
    let open_js = doc
        .get_dictionary(root)
        .ok()
        .and_then(|c| c.get_deref(b"OpenAction", doc).ok())
        .and_then(|a| a.as_dict().ok())
        .is_some_and(|a| !a.get(b"S").and_then(Object::as_name).is_ok_and(|s| s == b"GoTo"));
    if let Ok(c) = doc.get_dictionary_mut(root) {
        for k in [&b"AcroForm"[..], b"Collection", b"Threads", b"SpiderInfo", b"Perms"] {
            c.remove(k);
        }
        if open_js {
            c.remove(b"OpenAction");
        }
    }
    let names = match names {
        Some(Object::Reference(id)) => doc.get_dictionary_mut(id).ok(),
        Some(_) => {
            doc.get_dictionary_mut(root).ok().and_then(|c| c.get_mut(b"Names").ok()?.as_dict_mut().ok())
        }
        None => None,
    };
    if let Some(n) = names {
        n.remove(b"EmbeddedFiles");
        n.remove(b"JavaScript");
    }
}

/// Outline titles are redacted; their script or found-URI actions dropped.
fn outline(doc: &mut Document, cx: &mut Cx<'_>) {
    let first = doc
        .catalog()
        .ok()
        .and_then(|c| c.get_deref(b"Outlines", doc).ok())
        .and_then(|o| o.as_dict().ok())
        .and_then(|o| o.get(b"First").and_then(Object::as_reference).ok());
    let mut stack: Vec<ObjectId> = first.into_iter().collect();
    let mut seen = HashSet::new();
    let max = cx.limits().max_objects;
    while let Some(id) = stack.pop() {
        if !seen.insert(id) || seen.len() > max {
            continue;
        }
        let Ok(item) = doc.get_dictionary(id) else { continue };
        for k in [&b"Next"[..], b"First"] {
            if let Ok(r) = item.get(k).and_then(Object::as_reference) {
                stack.push(r);
            }
        }
        let title = item.get(b"Title").ok().and_then(text);
        let action = item.get_deref(b"A", doc).and_then(Object::as_dict).ok();
        let kind = action.and_then(|a| a.get(b"S").and_then(Object::as_name).ok()).map(<[u8]>::to_vec);
        let uri = action
            .and_then(|a| a.get(b"URI").ok())
            .and_then(|u| u.as_str().ok())
            .map(|u| String::from_utf8_lossy(u).into_owned());
        let new_title = title.and_then(|t| cx.redact_text(Some("outline"), None, &t));
        let drop_action = match kind.as_deref() {
            None | Some(b"GoTo") => false,
            Some(b"URI") => uri.is_some_and(|u| cx.redact_text(Some("outline"), None, &u).is_some()),
            _ => true,
        };
        if let Ok(item) = doc.get_dictionary_mut(id) {
            if let Some(t) = new_title {
                item.set("Title", text_string(&t));
            }
            if drop_action {
                item.remove(b"A");
            }
        }
    }
}

/// Images cannot be inspected: each one still in the file and not yet reported (one that is
/// not drawn on a page, in a pattern …) is reported; unless the policy copies them, every
/// image is replaced by a blank 1×1 one (its drawing operations are already removed).
pub(super) fn images(doc: &mut Document, cx: &mut Cx<'_>, drawn: &[ObjectId], inspected: &HashSet<ObjectId>) {
    doc.prune_objects();
    let drawn: HashSet<ObjectId> = drawn.iter().copied().collect();
    let mut masks = HashSet::new();
    let mut all = Vec::new();
    for (id, o) in &doc.objects {
        if let Object::Stream(s) = o
            && s.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Image")
        {
            all.push(*id);
            if drawn.contains(id) {
                for k in [&b"SMask"[..], b"Mask"] {
                    if let Ok(r) = s.dict.get(k).and_then(Object::as_reference) {
                        masks.insert(r);
                    }
                }
            }
        }
    }
    let copy = cx.opts.uninspected == UninspectedPolicy::Copy;
    for id in all {
        if inspected.contains(&id) {
            // Read by OCR and redacted in its pixels (feature `ocr`).
            continue;
        }
        let keep = if drawn.contains(&id) || masks.contains(&id) {
            copy
        } else {
            cx.not_inspected(Some("images"), None, Reason::Image) == Disposition::Keep
        };
        if !keep {
            let mut d = Dictionary::new();
            d.set("Type", Object::Name(b"XObject".to_vec()));
            d.set("Subtype", Object::Name(b"Image".to_vec()));
            d.set("Width", Object::Integer(1));
            d.set("Height", Object::Integer(1));
            d.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
            d.set("BitsPerComponent", Object::Integer(8));
            doc.objects.insert(id, Object::Stream(Stream::new(d, vec![255])));
        }
    }
}
