//! Scanned paperwork (issue 26, cargo feature `ocr`): raster images (PNG, JPEG, TIFF with
//! all its pages) and the images of PDF pages are read with Tesseract ([`engine`]); the words,
//! in reading order by lines, are joined and run through the same detector as text, and the
//! pixels of every finding's words are overwritten with black in the image itself. The
//! output is a newly encoded image (no EXIF, XMP or other metadata of the input survives).
//! A page whose OCR confidence is below [`super::DocOptions::ocr_min_confidence`] is not
//! inspected ([`super::Reason::OcrLowConfidence`]): unreadable is not clean.

mod engine;
mod image_file;
#[cfg(feature = "pdf")]
pub(crate) mod pdf_image;

use image::{DynamicImage, GrayImage, ImageBuffer, Pixel};

use super::{Cx, Joined, PixelBox, Reason};
use engine::Word;

pub(crate) use image_file::redact as redact_image;

/// What OCR made of one page.
#[derive(Debug)]
pub(crate) enum Page {
    /// Read; the boxes (pixels) to fill, one per finding and line.
    Inspected(Vec<PixelBox>),
    /// Not inspected, already recorded in the context with its reason.
    NotInspected,
}

/// OCR one page, record its findings (with their boxes) at `part`/`page`, and say what to
/// fill. `dpi`: the page's resolution when known.
pub(crate) fn inspect(
    cx: &mut Cx<'_>,
    part: Option<&str>,
    page: Option<u32>,
    gray: &GrayImage,
    dpi: Option<u32>,
) -> Page {
    let (w, h) = gray.dimensions();
    if w < 8 || h < 8 {
        // Too small to hold a legible character (a 1×1 placeholder, a rule).
        return Page::Inspected(Vec::new());
    }
    let words = match engine::read(gray.as_raw(), w, h, dpi.unwrap_or(0)) {
        Ok(words) => words,
        Err(engine::Unavailable) => {
            cx.not_inspected(part, page, Reason::OcrUnavailable);
            return Page::NotInspected;
        }
    };
    if let Some(conf) = page_confidence(&words)
        && conf < cx.opts.ocr_min_confidence
    {
        cx.not_inspected(part, page, Reason::OcrLowConfidence);
        return Page::NotInspected;
    }
    Page::Inspected(find(cx, part, page, &words))
}

/// Mean confidence of the page's text, weighted by characters, over the words that hold a
/// letter or digit (Tesseract's specks and rules are not text). `None`: no such word, so
/// nothing was read as text (a blank page, a photo).
pub(crate) fn page_confidence(words: &[Word]) -> Option<f32> {
    let (mut sum, mut n) = (0.0f64, 0usize);
    for w in words {
        let chars = w.text.chars().filter(|c| c.is_alphanumeric()).count();
        if chars > 0 {
            sum += f64::from(w.conf) * chars as f64;
            n += chars;
        }
    }
    if n == 0 { None } else { Some((sum / n as f64) as f32) }
}

/// What goes between two words of a line: nothing when OCR split one number (digits on
/// both sides, or a dash at the join, with less than a quarter of the line's height
/// between them), else a space.
fn separator(prev: &Word, next: &Word) -> &'static str {
    let gap = next.left.saturating_sub(prev.left + prev.width);
    let height = prev.height.max(next.height);
    let (a, b) = (prev.text.chars().last(), next.text.chars().next());
    let digitish = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '-');
    if digitish(a) && digitish(b) && gap * 4 < height { "" } else { " " }
}

/// Join the words in reading order (a line break between lines), run the detector, record
/// the findings with their boxes, and return the boxes.
fn find(cx: &mut Cx<'_>, part: Option<&str>, page: Option<u32>, words: &[Word]) -> Vec<PixelBox> {
    let mut j = Joined::default();
    let mut ids = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let prev = &words[i - 1];
            j.gap(if prev.line == w.line { separator(prev, w) } else { "\n" });
        }
        ids.push(j.push(&w.text));
    }
    let first = cx.findings.len();
    let ranges = j.find(cx, part, page);
    let mut all = Vec::new();
    for (k, r) in ranges.iter().enumerate() {
        let mut boxes: Vec<(usize, PixelBox)> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let p = j.piece(ids[i]);
            if p.start >= r.end || p.end <= r.start {
                continue;
            }
            let b = pad(w);
            // One box per line: the union of the finding's words on it.
            match boxes.iter_mut().find(|(line_of, _)| words[*line_of].line == w.line) {
                Some((_, u)) => *u = union(*u, b),
                None => boxes.push((i, b)),
            }
        }
        let boxes: Vec<PixelBox> = boxes.into_iter().map(|(_, b)| b).collect();
        all.extend_from_slice(&boxes);
        if let Some(f) = cx.findings.get_mut(first + k) {
            f.boxes = boxes;
        }
    }
    all
}

/// A word's box grown by a fifth of its height (at least 2 pixels) on every side, so that
/// the ascenders, descenders and anti-aliased edges OCR left out of the box are covered.
fn pad(w: &Word) -> PixelBox {
    let m = (w.height / 5).max(2);
    PixelBox {
        x: w.left.saturating_sub(m),
        y: w.top.saturating_sub(m),
        width: w.width + 2 * m,
        height: w.height + 2 * m,
    }
}

fn union(a: PixelBox, b: PixelBox) -> PixelBox {
    let (x0, y0) = (a.x.min(b.x), a.y.min(b.y));
    let x1 = (a.x + a.width).max(b.x + b.width);
    let y1 = (a.y + a.height).max(b.y + b.height);
    PixelBox { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/// Overwrite the boxes with black (opaque where there is alpha). Images of other sample
/// types are converted to 8-bit RGB(A) first.
pub(crate) fn fill(img: &mut DynamicImage, boxes: &[PixelBox]) {
    if boxes.is_empty() {
        return;
    }
    match img {
        DynamicImage::ImageLuma8(b) => fill_buf(b, boxes, image::Luma([0])),
        DynamicImage::ImageLumaA8(b) => fill_buf(b, boxes, image::LumaA([0, 255])),
        DynamicImage::ImageRgb8(b) => fill_buf(b, boxes, image::Rgb([0, 0, 0])),
        DynamicImage::ImageRgba8(b) => fill_buf(b, boxes, image::Rgba([0, 0, 0, 255])),
        other => {
            let mut b = if other.color().has_alpha() {
                DynamicImage::ImageRgba8(other.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(other.to_rgb8())
            };
            fill(&mut b, boxes);
            *other = b;
        }
    }
}

fn fill_buf<P: Pixel>(img: &mut ImageBuffer<P, Vec<P::Subpixel>>, boxes: &[PixelBox], px: P) {
    let (w, h) = img.dimensions();
    for b in boxes {
        for y in b.y.min(h)..b.y.saturating_add(b.height).min(h) {
            for x in b.x.min(w)..b.x.saturating_add(b.width).min(w) {
                img.put_pixel(x, y, px);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn word(text: &str, left: u32, width: u32, conf: f32) -> Word {
        Word { line: (1, 1, 1), left, top: 10, width, height: 40, conf, text: text.to_owned() }
    }

    #[test]
    fn digits_split_by_ocr_are_joined_but_spaced_words_are_not() {
        assert_eq!(separator(&word("19121212-", 0, 100, 90.0), &word("1212", 103, 50, 90.0)), "");
        assert_eq!(separator(&word("4111", 0, 100, 90.0), &word("1111", 120, 100, 90.0)), " ");
        assert_eq!(separator(&word("Kund", 0, 100, 90.0), &word("Anna", 102, 100, 90.0)), " ");
    }

    #[test]
    fn confidence_weighs_characters_and_ignores_specks() {
        let words = [word("Hello", 0, 10, 90.0), word("a", 0, 10, 40.0), word("—", 0, 10, 5.0)];
        let c = page_confidence(&words).unwrap();
        assert!((c - (90.0 * 5.0 + 40.0) / 6.0).abs() < 1e-3, "{c}");
        assert_eq!(page_confidence(&[word("|", 0, 5, 10.0)]), None);
    }

    #[test]
    fn fill_blackens_exactly_the_boxes_clipped_to_the_image() {
        let mut img = DynamicImage::ImageLuma8(GrayImage::from_pixel(10, 10, image::Luma([255])));
        fill(&mut img, &[PixelBox { x: 8, y: 1, width: 5, height: 2 }]);
        let g = img.to_luma8();
        assert_eq!(g.get_pixel(8, 1).0, [0]);
        assert_eq!(g.get_pixel(9, 2).0, [0]);
        assert_eq!(g.get_pixel(7, 1).0, [255]);
        assert_eq!(g.get_pixel(8, 3).0, [255]);
    }
}
