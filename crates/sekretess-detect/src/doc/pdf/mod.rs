//! PDF: the text of every page is extracted with its positions (content streams and the Form
//! XObjects they draw), run through the detector, and the found glyphs are removed from the
//! content streams (their bytes deleted, their advance kept by a kerning number), with a
//! filled box drawn where they were. Metadata, annotations, forms, attachments and scripts
//! are cleaned ([`clean`]), images are reported as not inspected, and a fresh file is
//! written (no incremental-update history).

mod clean;
mod content;
mod fonts;
mod rewrite;

use std::collections::HashMap;
use std::io::Read;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId, Stream};

use super::{Cx, Disposition, Joined, Reason};
use crate::DetectError;
use content::{Gap, Images, Interp, PageText, Unit, Units};

const FORMAT: &str = "pdf";

fn damaged(what: &'static str) -> DetectError {
    DetectError::Damaged { format: FORMAT, what }
}

/// A box in page space: `[x0, y0, x1, y1]`.
pub(crate) type Rect = [f32; 4];

/// Redact a PDF. The boxes drawn are the last operations of each page's content stream
/// (`q 0 g x y w h re f Q`, in default user space), where tests find them.
pub(crate) fn redact(input: &[u8], cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    let mut doc = load(input, cx)?;
    if doc.trailer.has(b"Encrypt") {
        return Ok(match cx.not_inspected(None, None, Reason::EncryptedPdf) {
            Disposition::Keep => Some(input.to_vec()),
            Disposition::Drop => None,
        });
    }
    let limits = *cx.limits();
    if doc.objects.len() > limits.max_objects {
        return Err(DetectError::Limit { limit: "max_objects", max: limits.max_objects as u64 });
    }
    let pages = doc.get_pages();
    if pages.len() > limits.max_pages {
        return Err(DetectError::Limit { limit: "max_pages", max: limits.max_pages as u64 });
    }
    if pages.is_empty() {
        return Err(damaged("no pages"));
    }
    // Metadata, annotations, forms … go first (with old revisions and orphans): they are
    // never read as content, and never written.
    clean::structure(&mut doc, cx, &pages);
    let mut streams = Streams;
    let mut units = Units::default();
    let mut new_contents: Vec<(ObjectId, Stream)> = Vec::new();
    let mut images = Images::default();
    {
        let mut fonts = HashMap::new();
        for (&n, &page_id) in &pages {
            let mut data = Vec::new();
            for id in doc.get_page_contents(page_id) {
                if let Ok(s) = doc.get_object(id).and_then(Object::as_stream) {
                    data.extend_from_slice(&streams.plain(s, cx)?);
                    data.push(b'\n');
                }
            }
            let ops = decode(&data).map_err(|_| damaged("a page's content cannot be parsed"))?.operations;
            drop(data);
            let unit = units.push(Unit::new(ops));
            let res = page_resources(&doc, page_id);
            let mut it = Interp::new(&doc, cx, &mut streams, &mut fonts, &mut units, Some(n), &mut images);
            it.run_page(unit, res)?;
            let text = it.finish();
            let found = find(cx, None, Some(n), &text, &mut units);
            let u = units.get_mut(unit);
            if !found.is_empty() || u.changed() {
                // Written now, deflated, so that memory holds one page's operations at a time.
                let mut stream = Stream::new(Dictionary::new(), Vec::new());
                set_compressed(&mut stream, page_content(u, &found)?);
                new_contents.push((page_id, stream));
            }
            u.ops = Vec::new();
        }
        // Forms and tiling patterns no page draws still hold text in the file.
        let rest: Vec<ObjectId> = doc
            .objects
            .iter()
            .filter(|(id, o)| !units.is_form(**id) && is_content_xobject(o))
            .map(|(id, _)| *id)
            .collect();
        for id in rest {
            let Ok(s) = doc.get_object(id).and_then(Object::as_stream) else { continue };
            if units.is_form(id) {
                continue;
            }
            let data = streams.plain(s, cx)?;
            let ops = decode(&data).map_err(|_| damaged("a form's content cannot be parsed"))?.operations;
            let unit = units.push(Unit::new(ops));
            let res = s.dict.get_deref(b"Resources", &doc).and_then(Object::as_dict).ok();
            let mut it = Interp::new(&doc, cx, &mut streams, &mut fonts, &mut units, None, &mut images);
            it.run_form(id, unit, res)?;
            let text = it.finish();
            let _ = find(cx, Some("xobject"), None, &text, &mut units);
        }
    }
    // Forms first (their streams are rewritten in place), then the pages.
    for (id, unit) in units.forms() {
        let u = units.get_mut(unit);
        if !u.changed() {
            continue;
        }
        let bytes = rewrite::apply(u)?;
        if let Ok(Object::Stream(s)) = doc.get_object_mut(id) {
            set_compressed(s, bytes);
        }
    }
    for (page_id, stream) in new_contents {
        let id = doc.add_object(Object::Stream(stream));
        if let Ok(page) = doc.get_object_mut(page_id).and_then(Object::as_dict_mut) {
            page.set("Contents", Object::Reference(id));
        }
    }
    #[cfg(feature = "ocr")]
    let inspected = ocr_images(&mut doc, cx, &images.ocr)?;
    #[cfg(not(feature = "ocr"))]
    let inspected = std::collections::HashSet::new();
    clean::images(&mut doc, cx, &images.drawn, &inspected);
    let out = write(doc)?;
    Ok(Some(out))
}

/// Read the images of pages with OCR, fill what is found, and put each image's new stream in
/// place of the old (same object, so every page that draws it gets the new one). Returns the
/// images that were inspected; the others are already reported as not inspected.
#[cfg(feature = "ocr")]
fn ocr_images(
    doc: &mut Document,
    cx: &mut Cx<'_>,
    todo: &[(ObjectId, Option<u32>, Option<u32>)],
) -> Result<std::collections::HashSet<ObjectId>, DetectError> {
    let mut done = std::collections::HashSet::new();
    let mut seen = std::collections::HashSet::new();
    for &(id, page, dpi) in todo {
        if !seen.insert(id) {
            continue;
        }
        let Ok(s) = doc.get_object(id).and_then(Object::as_stream) else { continue };
        if let Some(new) = super::scan::pdf_image::redact(doc, s, cx, page, dpi)? {
            doc.objects.insert(id, Object::Stream(new));
            done.insert(id);
        }
    }
    Ok(done)
}

/// A page's new content: the old one (found glyphs removed) inside `q … Q`, then the boxes
/// in default user space.
fn page_content(u: &mut Unit, rects: &[Rect]) -> Result<Vec<u8>, DetectError> {
    let open = u.open;
    let body = rewrite::apply(u)?;
    let mut out = Vec::with_capacity(body.len() + 64 + rects.len() * 48);
    out.extend_from_slice(b"q\n");
    out.extend_from_slice(&body);
    out.push(b'\n');
    for _ in 0..open {
        out.extend_from_slice(b"Q\n");
    }
    out.extend_from_slice(b"Q\n");
    for r in rects {
        let (w, h) = (r[2] - r[0], r[3] - r[1]);
        out.extend_from_slice(format!("q 0 g {:.2} {:.2} {w:.2} {h:.2} re f Q\n", r[0], r[1]).as_bytes());
    }
    Ok(out)
}

/// Load within the limits; never pass lopdf's message on (it can quote the file).
fn load(input: &[u8], cx: &Cx<'_>) -> Result<Document, DetectError> {
    let l = cx.limits();
    let per_stream = l.max_unpacked.min((input.len() as u64).saturating_mul(l.max_ratio).max(1 << 20));
    let opts = LoadOptions {
        max_decompressed_size: Some(usize::try_from(per_stream).unwrap_or(usize::MAX)),
        ..LoadOptions::default()
    };
    match Document::load_mem_with_options(input, opts) {
        Ok(d) => Ok(d),
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            Err(DetectError::Limit { limit: "max_unpacked", max: l.max_unpacked })
        }
        Err(_) => Err(damaged("the file cannot be read as a PDF")),
    }
}

/// The resources of a page, inherited from its ancestors when it has none.
fn page_resources(doc: &Document, page_id: ObjectId) -> Option<&Dictionary> {
    let mut id = page_id;
    for _ in 0..64 {
        let page = doc.get_dictionary(id).ok()?;
        if let Ok(r) = page.get_deref(b"Resources", doc).and_then(Object::as_dict) {
            return Some(r);
        }
        id = page.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

/// Join the page's glyphs, find, mark the found glyphs for removal, and return the boxes
/// (one per finding and line).
fn find(
    cx: &mut Cx<'_>,
    part: Option<&str>,
    page: Option<u32>,
    text: &PageText,
    units: &mut Units,
) -> Vec<Rect> {
    let glyphs = &text.glyphs;
    let mut j = Joined::default();
    let mut skip_gap = false;
    let mut after_space = false;
    for (i, g) in glyphs.iter().enumerate() {
        let t = &text.text[g.text.clone()];
        if !skip_gap {
            match g.gap {
                Gap::None => {}
                // A line broken at a space keeps it as its last glyph (LibreOffice): one
                // space between the two, not two (values allow single spaces only).
                Gap::Space | Gap::Wrap if t.starts_with(char::is_whitespace) || after_space => {}
                Gap::Space | Gap::Wrap => j.gap(" "),
                Gap::Line => j.gap("\n"),
            }
        }
        skip_gap = false;
        after_space = t.ends_with(char::is_whitespace);
        // A hyphen at a line end: before a lowercase letter it is a word broken in two
        // (joined without it); before a digit it belongs to the number (joined with it).
        let next = glyphs
            .get(i + 1)
            .filter(|n| matches!(n.gap, Gap::Wrap | Gap::Line))
            .and_then(|n| text.text[n.text.clone()].chars().next());
        let hyphen = matches!(t, "-" | "\u{AD}" | "\u{2010}" | "\u{2011}");
        match next {
            Some(c) if hyphen && c.is_lowercase() => {
                j.push("");
                skip_gap = true;
            }
            Some(c) if hyphen && c.is_ascii_digit() => {
                j.push(t);
                skip_gap = true;
            }
            _ => {
                j.push(t);
            }
        }
    }
    let ranges = j.find(cx, part, page);
    let mut rects = Vec::new();
    let mut first = 0;
    for r in &ranges {
        // Pieces ending at or before the finding are not hit (an empty piece is hit only
        // strictly inside it), so the scan never goes back: linear in glyphs + findings.
        while first < glyphs.len() && j.piece(first).end <= r.start {
            first += 1;
        }
        let mut cur: Option<(u32, Rect)> = None;
        for (i, g) in glyphs.iter().enumerate().skip(first) {
            let p = j.piece(i);
            if p.start >= r.end {
                break;
            }
            let hit = if p.is_empty() { p.start > r.start } else { p.end > r.start };
            if !hit {
                continue;
            }
            units.get_mut(g.unit).cuts.push(g.cut);
            cur = match cur {
                Some((line, b)) if line == g.line => Some((line, union(b, g.bbox))),
                Some((_, b)) => {
                    rects.push(b);
                    Some((g.line, g.bbox))
                }
                None => Some((g.line, g.bbox)),
            };
        }
        if let Some((_, b)) = cur {
            rects.push(b);
        }
    }
    rects
}

/// A Form XObject or a tiling pattern: a content stream of its own.
fn is_content_xobject(o: &Object) -> bool {
    let Object::Stream(s) = o else { return false };
    s.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Form")
        || s.dict.get(b"PatternType").and_then(Object::as_i64).is_ok_and(|t| t == 1)
}

fn union(a: Rect, b: Rect) -> Rect {
    [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]
}

/// Write a fresh file: only the objects reachable from a new trailer, classic xref table.
fn write(mut doc: Document) -> Result<Vec<u8>, DetectError> {
    let mut trailer = Dictionary::new();
    for key in [&b"Root"[..], b"Info", b"ID"] {
        if let Ok(v) = doc.trailer.get(key) {
            trailer.set(key, v.clone());
        }
    }
    doc.trailer = trailer;
    doc.prune_objects();
    doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|_| damaged("the redacted file cannot be written"))?;
    Ok(out)
}

/// Set a stream's content, deflated.
fn set_compressed(s: &mut Stream, plain: Vec<u8>) {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let ok = std::io::Write::write_all(&mut enc, &plain).is_ok();
    match enc.finish() {
        Ok(z) if ok => {
            s.dict.remove(b"DecodeParms");
            s.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            s.set_content(z);
        }
        _ => s.set_plain_content(plain),
    }
}

/// Decodes streams within the limits.
#[derive(Default)]
pub(crate) struct Streams;

impl Streams {
    /// The decoded content of `s`: every byte counted with [`Cx::unpack`], the ratio checked
    /// with [`Cx::check_ratio`]; a flate stream is inflated through a bounded reader, so a
    /// bomb is refused before it takes memory.
    pub fn plain(&mut self, s: &Stream, cx: &mut Cx<'_>) -> Result<Vec<u8>, DetectError> {
        let l = *cx.limits();
        let packed = s.content.len() as u64;
        let left = l.max_unpacked.saturating_sub(cx.unpacked);
        // The most a stream may inflate to before the ratio check refuses it.
        let by_ratio = packed.saturating_mul(l.max_ratio).max(4096);
        let cap = left.min(by_ratio).saturating_add(1);
        let filters = if s.dict.has(b"Filter") {
            s.filters().map_err(|_| damaged("a stream has a malformed filter"))?
        } else {
            Vec::new()
        };
        let out = if filters.is_empty() {
            s.content.clone()
        } else if filters.len() == 1 && filters[0] == b"FlateDecode" && !has_predictor(&s.dict) {
            let mut out = Vec::new();
            let mut r = flate2::read::ZlibDecoder::new(&s.content[..]).take(cap);
            // A truncated or damaged stream keeps what was inflated (as viewers do).
            let res = r.read_to_end(&mut out);
            if res.is_err() && out.is_empty() && !s.content.is_empty() {
                return Err(damaged("a compressed stream cannot be inflated"));
            }
            if out.len() as u64 >= cap {
                if by_ratio < left {
                    return Err(DetectError::Limit { limit: "max_ratio", max: l.max_ratio });
                }
                return Err(DetectError::Limit { limit: "max_unpacked", max: l.max_unpacked });
            }
            out
        } else {
            let max = usize::try_from(cap).unwrap_or(usize::MAX);
            match s.decompressed_content_with_limit(max) {
                Ok(v) => v,
                Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
                    if by_ratio < left {
                        return Err(DetectError::Limit { limit: "max_ratio", max: l.max_ratio });
                    }
                    return Err(DetectError::Limit { limit: "max_unpacked", max: l.max_unpacked });
                }
                Err(_) => return Err(damaged("a stream cannot be decoded")),
            }
        };
        let n = out.len() as u64;
        if !filters.is_empty() {
            cx.check_ratio(packed, n)?;
        }
        cx.unpack(n)?;
        Ok(out)
    }
}

fn has_predictor(dict: &Dictionary) -> bool {
    match dict.get(b"DecodeParms") {
        Ok(Object::Dictionary(d)) => d.get(b"Predictor").and_then(Object::as_i64).is_ok_and(|p| p > 1),
        Ok(Object::Null) | Err(_) => false,
        Ok(_) => true,
    }
}

/// Parse a content stream whole. lopdf's lenient parser stops at the first token it cannot
/// read and returns what came before: the rest would be neither inspected nor kept, so a
/// stream is only accepted when all of it parses.
pub(crate) fn decode(data: &[u8]) -> Result<Content, ()> {
    Content::decode_strict(data).map_err(|_| ())
}

/// Operations of a decoded content stream (for the rewrite).
pub(crate) fn encode(ops: Vec<Operation>) -> Result<Vec<u8>, DetectError> {
    Content { operations: ops }.encode().map_err(|_| damaged("a content stream cannot be written"))
}
