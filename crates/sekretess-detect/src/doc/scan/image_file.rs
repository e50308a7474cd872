//! Image files: PNG and JPEG (the `image` crate), TIFF with every page (the `tiff` crate).
//! Each page is decoded, read, filled and encoded anew in its own format; metadata of the
//! input (EXIF, XMP, ICC, text chunks, TIFF tags other than the image's own) is not carried
//! over.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageFormat, ImageReader, RgbImage, RgbaImage};
use tiff::decoder::{Decoder, DecodingResult};
use tiff::encoder::{Compression, DeflateLevel, TiffEncoder, colortype};

use super::{Page, fill, inspect};
use crate::DetectError;
use crate::doc::{Cx, Disposition, Reason};

const FORMAT: &str = "image";

fn damaged(what: &'static str) -> DetectError {
    DetectError::Damaged { format: FORMAT, what }
}

/// Redact an image file. `None`: nothing is to be written (not inspected, or the page
/// dropped under the policy).
pub(crate) fn redact(input: &[u8], cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    let whole = |cx: &mut Cx<'_>, reason| match cx.not_inspected(None, None, reason) {
        Disposition::Keep => Ok(Some(input.to_vec())),
        Disposition::Drop => Ok(None),
    };
    match image::guess_format(input) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg)) => one(input, f, cx),
        Ok(ImageFormat::Tiff) => tiff_pages(input, cx),
        // GIF, BMP, WebP …: no decoder is built in; not inspected.
        _ => whole(cx, Reason::Image),
    }
}

/// Bytes a decoded page of `w`×`h` with `channels` takes, counted against
/// [`crate::doc::Limits::max_unpacked`] before it is decoded. (Not against `max_ratio`: a
/// scanned page is mostly white and compresses far better than 200:1; its decoded size is
/// known from its header, so the budget alone bounds it.)
fn budget(cx: &mut Cx<'_>, w: u32, h: u32, channels: u64) -> Result<(), DetectError> {
    cx.unpack(u64::from(w) * u64::from(h) * channels)
}

fn one(input: &[u8], format: ImageFormat, cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    let mut reader = ImageReader::with_format(Cursor::new(input), format);
    let mut lim = image::Limits::default();
    lim.max_alloc = Some(cx.limits().max_unpacked.saturating_sub(cx.unpacked));
    reader.limits(lim.clone());
    // An image we cannot decode is not inspected (not an error: it may be one attachment of
    // many, and a fail-closed report says more than a refusal of the whole message).
    let Ok((w, h)) = reader.into_dimensions() else { return undecoded(input, cx) };
    budget(cx, w, h, 4)?;
    let mut reader = ImageReader::with_format(Cursor::new(input), format);
    reader.limits(lim);
    let Ok(mut img) = reader.decode() else { return undecoded(input, cx) };
    let gray = img.to_luma8();
    match inspect(cx, None, None, &gray, None) {
        Page::NotInspected => Ok(match disposition(cx) {
            Disposition::Keep => Some(input.to_vec()),
            Disposition::Drop => None,
        }),
        Page::Inspected(boxes) => {
            fill(&mut img, &boxes);
            encode(&img, format).map(Some)
        }
    }
}

/// An image whose header or data cannot be decoded: reported as an image not inspected.
fn undecoded(input: &[u8], cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    Ok(match cx.not_inspected(None, None, Reason::Image) {
        Disposition::Keep => Some(input.to_vec()),
        Disposition::Drop => None,
    })
}

/// What the policy says about the part just reported.
fn disposition(cx: &Cx<'_>) -> Disposition {
    if cx.opts.uninspected == crate::doc::UninspectedPolicy::Copy {
        Disposition::Keep
    } else {
        Disposition::Drop
    }
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, DetectError> {
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::Jpeg => {
            // JPEG has no alpha; 90 keeps text legible at a modest size.
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
            let flat = if img.color().has_color() {
                DynamicImage::ImageRgb8(img.to_rgb8())
            } else {
                DynamicImage::ImageLuma8(img.to_luma8())
            };
            flat.write_with_encoder(enc).map_err(|_| damaged("the image cannot be encoded"))?;
        }
        _ => {
            img.write_to(&mut out, ImageFormat::Png).map_err(|_| damaged("the image cannot be encoded"))?;
        }
    }
    Ok(out.into_inner())
}

/// One decoded TIFF page in 8-bit samples.
enum TiffPage {
    Gray(GrayImage),
    Rgb(RgbImage),
    Rgba(RgbaImage),
}

fn tiff_pages(input: &[u8], cx: &mut Cx<'_>) -> Result<Option<Vec<u8>>, DetectError> {
    let Ok(mut dec) = Decoder::new(Cursor::new(input)) else { return undecoded(input, cx) };
    let mut pages = Vec::new();
    let max_pages = cx.limits().max_pages;
    loop {
        if pages.len() >= max_pages {
            return Err(DetectError::Limit { limit: "max_pages", max: max_pages as u64 });
        }
        let (w, h) = dec.dimensions().map_err(|_| damaged("a TIFF page cannot be read"))?;
        let ct = dec.colortype().map_err(|_| damaged("a TIFF page cannot be read"))?;
        budget(cx, w, h, 4)?;
        let page = match (ct, dec.read_image()) {
            (tiff::ColorType::Gray(8), Ok(DecodingResult::U8(v))) => {
                GrayImage::from_raw(w, h, v).map(TiffPage::Gray)
            }
            (tiff::ColorType::RGB(8), Ok(DecodingResult::U8(v))) => {
                RgbImage::from_raw(w, h, v).map(TiffPage::Rgb)
            }
            (tiff::ColorType::RGBA(8), Ok(DecodingResult::U8(v))) => {
                RgbaImage::from_raw(w, h, v).map(TiffPage::Rgba)
            }
            // Bilevel (fax), 16-bit, CMYK, palette …: not decoded here.
            _ => None,
        };
        pages.push(page);
        if !dec.more_images() {
            break;
        }
        dec.next_image().map_err(|_| damaged("a TIFF page cannot be read"))?;
    }
    let mut out_pages = Vec::with_capacity(pages.len());
    let mut all_dropped = true;
    for (i, page) in pages.into_iter().enumerate() {
        let n = Some(u32::try_from(i + 1).unwrap_or(u32::MAX));
        let Some(page) = page else {
            // Not decoded, so it cannot be re-encoded either: left out under every policy
            // (under copy too: the file is written anew).
            cx.not_inspected(None, n, Reason::Image);
            continue;
        };
        let mut img = match page {
            TiffPage::Gray(g) => DynamicImage::ImageLuma8(g),
            TiffPage::Rgb(g) => DynamicImage::ImageRgb8(g),
            TiffPage::Rgba(g) => DynamicImage::ImageRgba8(g),
        };
        match inspect(cx, None, n, &img.to_luma8(), None) {
            Page::NotInspected => {
                if disposition(cx) == Disposition::Keep {
                    out_pages.push(img);
                    all_dropped = false;
                }
            }
            Page::Inspected(boxes) => {
                fill(&mut img, &boxes);
                out_pages.push(img);
                all_dropped = false;
            }
        }
    }
    if all_dropped {
        return Ok(None);
    }
    encode_tiff(&out_pages).map(Some)
}

fn encode_tiff(pages: &[DynamicImage]) -> Result<Vec<u8>, DetectError> {
    let err = |_| damaged("the TIFF cannot be encoded");
    let mut out = Cursor::new(Vec::new());
    let mut enc =
        TiffEncoder::new(&mut out).map_err(err)?.with_compression(Compression::Deflate(DeflateLevel::Fast));
    for p in pages {
        let (w, h) = (p.width(), p.height());
        match p {
            DynamicImage::ImageLuma8(b) => {
                enc.write_image::<colortype::Gray8>(w, h, b.as_raw()).map_err(err)?
            }
            DynamicImage::ImageRgba8(b) => {
                enc.write_image::<colortype::RGBA8>(w, h, b.as_raw()).map_err(err)?
            }
            other => enc.write_image::<colortype::RGB8>(w, h, other.to_rgb8().as_raw()).map_err(err)?,
        }
    }
    Ok(out.into_inner())
}
