//! Tesseract, through the `tesseract` crate's safe API: a grayscale page in, its words with
//! pixel boxes and confidences out (Tesseract's TSV, level 5), in Tesseract's reading order
//! (block, paragraph, line, word).

use std::cell::RefCell;

use tesseract::{PageSegMode, Tesseract};

/// The languages read: Swedish and English, from the `tesseract-ocr-swe` and
/// `tesseract-ocr-eng` packages (never downloaded).
pub(crate) const LANGUAGES: &str = "swe+eng";

/// One word as Tesseract read it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Word {
    /// Block, paragraph and line numbers: words with the same three are on one line.
    pub line: (u32, u32, u32),
    /// Box in pixels: left, top, width, height.
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    /// 0 ..= 100.
    pub conf: f32,
    pub text: String,
}

/// The OCR engine could not run (no library, no language data). Nothing of the page is
/// known; the caller reports it as not inspected.
#[derive(Debug)]
pub(crate) struct Unavailable;

thread_local! {
    /// One initialised engine per thread: loading the language data costs more than a page.
    static ENGINE: RefCell<Option<Tesseract>> = const { RefCell::new(None) };
}

fn engine() -> Result<Tesseract, Unavailable> {
    if let Some(t) = ENGINE.with(|e| e.borrow_mut().take()) {
        return Ok(t);
    }
    let t = Tesseract::new(None, Some(LANGUAGES)).map_err(|_| Unavailable)?;
    // Tesseract's own diagnostics would go to stderr; they can quote nothing of the page
    // but clutter the CLI's output.
    let mut t = t.set_variable("debug_file", "/dev/null").map_err(|_| Unavailable)?;
    // Full automatic page layout, as the `tesseract` program does (the library's default
    // is one uniform block, which reads specks of a photo as text and columns as one).
    t.set_page_seg_mode(PageSegMode::PsmAuto);
    Ok(t)
}

/// Read a grayscale page (`gray.len() == width * height`) at `dpi` (0: unknown).
pub(crate) fn read(gray: &[u8], width: u32, height: u32, dpi: u32) -> Result<Vec<Word>, Unavailable> {
    let (w, h) =
        (i32::try_from(width).map_err(|_| Unavailable)?, i32::try_from(height).map_err(|_| Unavailable)?);
    let t = engine()?;
    let t = t.set_frame(gray, w, h, 1, w).map_err(|_| Unavailable)?;
    // Unknown (0): Tesseract estimates it from the size of the text.
    let t =
        if dpi == 0 { t } else { t.set_source_resolution(i32::try_from(dpi.clamp(70, 1200)).unwrap_or(300)) };
    let mut t = t.recognize().map_err(|_| Unavailable)?;
    let tsv = t.get_tsv_text(0).map_err(|_| Unavailable)?;
    ENGINE.with(|e| *e.borrow_mut() = Some(t));
    Ok(parse_tsv(&tsv))
}

/// Words of Tesseract's TSV (`level page block par line word left top width height conf
/// text`); rows of other levels and empty words are skipped.
pub(crate) fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for row in tsv.lines() {
        let c: Vec<&str> = row.splitn(12, '\t').collect();
        if c.len() < 12 || c[0] != "5" {
            continue;
        }
        let n = |i: usize| c[i].trim().parse::<u32>().ok();
        let (Some(b), Some(p), Some(l), Some(left), Some(top), Some(width), Some(height)) =
            (n(2), n(3), n(4), n(6), n(7), n(8), n(9))
        else {
            continue;
        };
        let conf = c[10].trim().parse::<f32>().unwrap_or(-1.0);
        let text = c[11].trim();
        if text.is_empty() || conf < 0.0 {
            continue;
        }
        out.push(Word { line: (b, p, l), left, top, width, height, conf, text: text.to_owned() });
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn tsv_words_are_read_and_other_levels_skipped() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n\
                   4\t1\t1\t1\t1\t0\t10\t10\t80\t20\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t10\t30\t20\t96.5\tKort:\n\
                   5\t1\t1\t1\t1\t2\t45\t11\t40\t19\t91\t4111\n\
                   5\t1\t1\t1\t1\t3\t90\t11\t5\t19\t95\t \n";
        let w = parse_tsv(tsv);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].text, "Kort:");
        assert_eq!((w[1].left, w[1].top, w[1].width, w[1].height), (45, 11, 40, 19));
        assert!((w[0].conf - 96.5).abs() < 1e-6);
        assert_eq!(w[1].line, (1, 1, 1));
    }
}
