//! Image XObjects of PDF pages (a scanned page is one image; a mixed page has text and
//! images). Decoded here: `DCTDecode` (JPEG), and `FlateDecode` or unfiltered samples of 8
//! bits in `DeviceGray` or `DeviceRGB` (or `ICCBased` with 1 or 3 components). Anything
//! else (JBIG2, CCITT fax, JPX, CMYK, indexed colours, fewer bits, predictors, `/Decode`
//! arrays, image masks) is not read here and stays reported as an image not inspected.

use std::io::{Cursor, Read};

use image::{DynamicImage, GrayImage, ImageFormat, ImageReader, RgbImage};
use lopdf::{Document, Object, Stream};

use super::{Page, fill, inspect};
use crate::DetectError;
use crate::doc::Cx;

fn damaged(what: &'static str) -> DetectError {
    DetectError::Damaged { format: "pdf", what }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    Dct,
    Flate,
    None,
}

/// Components per pixel (1 or 3) of a colour space we decode.
fn components(doc: &Document, s: &Stream) -> Option<u8> {
    let cs = s.dict.get(b"ColorSpace").ok()?;
    let cs = doc.dereference(cs).ok()?.1;
    match cs {
        Object::Name(n) if n == b"DeviceGray" => Some(1),
        Object::Name(n) if n == b"DeviceRGB" => Some(3),
        Object::Array(a) if a.len() == 2 && a[0].as_name().is_ok_and(|n| n == b"ICCBased") => {
            let icc = doc.dereference(&a[1]).ok()?.1.as_stream().ok()?;
            match icc.dict.get(b"N").and_then(Object::as_i64).ok()? {
                1 => Some(1),
                3 => Some(3),
                _ => None,
            }
        }
        _ => None,
    }
}

fn filter(s: &Stream) -> Option<Filter> {
    let f = match s.dict.get(b"Filter") {
        Err(_) => return Some(Filter::None),
        Ok(Object::Array(a)) if a.len() == 1 => &a[0],
        Ok(Object::Array(a)) if a.is_empty() => return Some(Filter::None),
        Ok(o) => o,
    };
    match f.as_name().ok()? {
        b"DCTDecode" => Some(Filter::Dct),
        b"FlateDecode" => {
            // Predictors (PNG/TIFF row filters) are not undone here.
            let parms = s.dict.get(b"DecodeParms").ok();
            let predictor = parms
                .and_then(|p| match p {
                    Object::Dictionary(d) => d.get(b"Predictor").and_then(Object::as_i64).ok(),
                    Object::Array(a) => a
                        .first()
                        .and_then(|d| d.as_dict().ok())
                        .and_then(|d| d.get(b"Predictor").and_then(Object::as_i64).ok()),
                    _ => None,
                })
                .unwrap_or(1);
            (predictor <= 1).then_some(Filter::Flate)
        }
        _ => None,
    }
}

/// Whether this image is one we decode (see the module's documentation).
pub(crate) fn supported(doc: &Document, s: &Stream) -> bool {
    let bool_of = |k: &[u8]| s.dict.get(k).and_then(Object::as_bool).unwrap_or(false);
    if bool_of(b"ImageMask") || s.dict.has(b"Decode") {
        return false;
    }
    let Some(f) = filter(s) else { return false };
    let Some(n) = components(doc, s) else { return false };
    let bpc = s.dict.get(b"BitsPerComponent").and_then(Object::as_i64).unwrap_or(0);
    match f {
        Filter::Dct => n == 1 || n == 3,
        Filter::Flate | Filter::None => bpc == 8,
    }
}

/// OCR one image XObject, fill what is found, and return its new stream; `None` when it was
/// not inspected (recorded in `cx`).
pub(crate) fn redact(
    doc: &Document,
    s: &Stream,
    cx: &mut Cx<'_>,
    page: Option<u32>,
    dpi: Option<u32>,
) -> Result<Option<Stream>, DetectError> {
    let (Some(f), Some(n)) = (filter(s), components(doc, s)) else {
        cx.not_inspected(None, page, crate::doc::Reason::Image);
        return Ok(None);
    };
    let dim = |k: &[u8]| s.dict.get(k).and_then(Object::as_i64).ok().and_then(|v| u32::try_from(v).ok());
    let (Some(w), Some(h)) = (dim(b"Width"), dim(b"Height")) else {
        return Err(damaged("an image has no valid size"));
    };
    let n_bytes = u64::from(w) * u64::from(h) * u64::from(n);
    // Counted against max_unpacked (not max_ratio: see image_file::budget); a flate stream
    // is inflated through a reader capped at the size its dictionary declares.
    cx.unpack(n_bytes)?;
    let mut img = match f {
        Filter::Dct => {
            let mut r = ImageReader::with_format(Cursor::new(&s.content), ImageFormat::Jpeg);
            let mut lim = image::Limits::default();
            lim.max_alloc = Some(n_bytes.saturating_mul(2).max(1 << 20));
            r.limits(lim);
            r.decode().map_err(|_| damaged("an image cannot be decoded"))?
        }
        Filter::Flate | Filter::None => {
            let raw = if f == Filter::Flate {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(&s.content[..])
                    .take(n_bytes.saturating_add(1))
                    .read_to_end(&mut out)
                    .map_err(|_| damaged("an image cannot be decoded"))?;
                out
            } else {
                s.content.clone()
            };
            let Ok(need) = usize::try_from(n_bytes) else { return Err(damaged("an image is too large")) };
            if raw.len() < need {
                return Err(damaged("an image has fewer samples than its size"));
            }
            let raw = raw[..need].to_vec();
            let img = if n == 1 {
                GrayImage::from_raw(w, h, raw).map(DynamicImage::ImageLuma8)
            } else {
                RgbImage::from_raw(w, h, raw).map(DynamicImage::ImageRgb8)
            };
            img.ok_or_else(|| damaged("an image cannot be decoded"))?
        }
    };
    if img.width() != w || img.height() != h {
        return Err(damaged("an image's size differs from its dictionary"));
    }
    let boxes = match inspect(cx, None, page, &img.to_luma8(), dpi) {
        Page::NotInspected => return Ok(None),
        Page::Inspected(b) => b,
    };
    fill(&mut img, &boxes);
    let mut dict = s.dict.clone();
    dict.remove(b"DecodeParms");
    dict.remove(b"Metadata");
    dict.remove(b"Length");
    let content = if f == Filter::Dct {
        let mut out = Cursor::new(Vec::new());
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
        let flat = if n == 1 {
            DynamicImage::ImageLuma8(img.to_luma8())
        } else {
            DynamicImage::ImageRgb8(img.to_rgb8())
        };
        flat.write_with_encoder(enc).map_err(|_| damaged("an image cannot be encoded"))?;
        dict.set("Filter", Object::Name(b"DCTDecode".to_vec()));
        out.into_inner()
    } else {
        let raw = if n == 1 { img.to_luma8().into_raw() } else { img.to_rgb8().into_raw() };
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut e, &raw).map_err(|_| damaged("an image cannot be encoded"))?;
        dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        e.finish().map_err(|_| damaged("an image cannot be encoded"))?
    };
    let mut stream = Stream::new(dict, content);
    stream.allows_compression = false;
    Ok(Some(stream))
}
