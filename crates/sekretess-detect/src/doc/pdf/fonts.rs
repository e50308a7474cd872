//! Fonts: how the bytes of a shown string split into glyphs, what Unicode text each glyph
//! stands for, and how far each advances.
//!
//! Text comes from the `/ToUnicode` CMap when the font has one (parsed by lopdf), else from
//! the simple font's `/Encoding` (WinAnsi, MacRoman, Standard, `/Differences` with glyph
//! names). Widths come from `/Widths` + `/FirstChar` (simple fonts) or `/W` + `/DW` (CID
//! fonts); a standard-14 font without `/Widths` gets an approximate width (600/1000 for
//! Courier, 500/1000 for the others).

use lopdf::{Dictionary, Document, Encoding, Object, Stream};

use super::Streams;
use crate::DetectError;
use crate::doc::Cx;

/// Approximate ascent and descent (fractions of the font size) when the font does not say.
const ASCENT: f32 = 0.9;
const DESCENT: f32 = 0.25;

/// One glyph of a shown string.
#[derive(Clone, Copy, Debug)]
pub(super) struct Code {
    /// Offset of its bytes in the string.
    pub byte: usize,
    /// Number of bytes (1 or 2).
    pub len: usize,
    /// Width in text space units per unit of font size (glyph width / 1000 for most fonts).
    pub width: f32,
    /// A single-byte code 32: word spacing applies.
    pub space: bool,
}

enum Widths {
    Simple { first: i64, widths: Vec<f32>, missing: f32 },
    Cid { map: std::collections::HashMap<u32, f32>, default: f32 },
}

/// A font as the interpreter needs it.
pub(super) struct Font {
    two_byte: bool,
    /// A predefined Unicode CMap (`Uni…-UCS2-H`, `Uni…-UTF16-H`): a code is its UTF-16 unit.
    ucs2: bool,
    /// Text of each single-byte code (simple fonts).
    simple: Vec<String>,
    /// Text of two-byte codes (Type0 fonts).
    cmap: Option<Encoding<'static>>,
    widths: Widths,
    /// Glyph space to text space (0.001, or a Type3 font's matrix).
    scale: f32,
    pub ascent: f32,
    pub descent: f32,
}

impl Font {
    /// A font for a missing or unreadable font resource: one byte per glyph, no text.
    pub fn fallback() -> Font {
        Font {
            two_byte: false,
            ucs2: false,
            simple: (0u8..=255).map(|b| latin1(b).to_string()).collect(),
            cmap: None,
            widths: Widths::Simple { first: 0, widths: Vec::new(), missing: 0.5 },
            scale: 0.001,
            ascent: ASCENT,
            descent: DESCENT,
        }
    }

    /// Read a font dictionary.
    pub fn load(
        doc: &Document,
        dict: &Dictionary,
        cx: &mut Cx<'_>,
        streams: &mut Streams,
    ) -> Result<Font, DetectError> {
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
        let to_unicode = match dict.get_deref(b"ToUnicode", doc).and_then(Object::as_stream) {
            Ok(s) => cmap(doc, s, cx, streams)?,
            Err(_) => None,
        };
        if subtype == b"Type0" {
            return Ok(Self::type0(doc, dict, to_unicode));
        }
        let mut simple = vec![String::new(); 256];
        // The encoding without the ToUnicode map (lopdf would otherwise decode that stream
        // itself, unbounded).
        let mut plain = dict.clone();
        plain.remove(b"ToUnicode");
        plain.set("Type", Object::Name(b"Font".to_vec()));
        let enc = plain.get_font_encoding(doc).ok();
        for (b, slot) in simple.iter_mut().enumerate() {
            let code = b as u32;
            // Some producers write a simple font's map with 2-byte codes.
            let mapped = to_unicode.as_ref().and_then(|m| lookup(m, code, 1).or_else(|| lookup(m, code, 2)));
            if let Some(u) = mapped {
                *slot = utf16(&u);
            } else if let Some(e) = &enc {
                let mut s = String::new();
                let byte = [b as u8];
                if e.write_to_string(&byte, &mut s).is_ok() {
                    *slot = normalize(s);
                }
            }
            if slot.is_empty() && matches!(&enc, None | Some(Encoding::SimpleEncoding(_))) {
                *slot = latin1(b as u8).to_string();
            }
        }
        let descriptor = dict.get_deref(b"FontDescriptor", doc).and_then(Object::as_dict).ok();
        let missing = descriptor
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(num)
            .map(|w| w / 1000.0)
            .unwrap_or_else(|| standard_width(dict));
        let (widths, first) = match dict.get_deref(b"Widths", doc).and_then(Object::as_array) {
            Ok(a) => (
                a.iter().map(|o| deref_num(doc, o).unwrap_or(0.0)).collect(),
                dict.get(b"FirstChar").and_then(Object::as_i64).unwrap_or(0),
            ),
            Err(_) => (standard_widths(dict, &simple), 0),
        };
        let mut scale = 0.001;
        if subtype == b"Type3" {
            scale = dict
                .get_deref(b"FontMatrix", doc)
                .and_then(Object::as_array)
                .ok()
                .and_then(|m| m.first())
                .and_then(num)
                .filter(|s| s.is_finite() && *s > 0.0 && *s < 10.0)
                .unwrap_or(0.001);
        }
        let (ascent, descent) = metrics(descriptor);
        Ok(Font {
            two_byte: false,
            ucs2: false,
            simple,
            cmap: None,
            widths: Widths::Simple { first, widths, missing },
            scale,
            ascent,
            descent,
        })
    }

    fn type0(doc: &Document, dict: &Dictionary, to_unicode: Option<Encoding<'static>>) -> Font {
        let desc = dict
            .get_deref(b"DescendantFonts", doc)
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok());
        let default = desc.and_then(|d| d.get(b"DW").ok()).and_then(num).unwrap_or(1000.0) / 1000.0;
        let mut map = std::collections::HashMap::new();
        if let Some(w) = desc.and_then(|d| d.get_deref(b"W", doc).ok()).and_then(|o| o.as_array().ok()) {
            cid_widths(doc, w, &mut map);
        }
        let descriptor =
            desc.and_then(|d| d.get_deref(b"FontDescriptor", doc).and_then(Object::as_dict).ok());
        let (ascent, descent) = metrics(descriptor);
        let enc = dict.get(b"Encoding").and_then(Object::as_name).unwrap_or(b"");
        let ucs2 = [&b"UCS2-H"[..], b"UCS2-V", b"UTF16-H", b"UTF16-V"].iter().any(|e| enc.ends_with(e));
        Font {
            two_byte: true,
            ucs2,
            simple: Vec::new(),
            cmap: to_unicode,
            widths: Widths::Cid { map, default },
            scale: 0.001,
            ascent,
            descent,
        }
    }

    /// Split `bytes` into glyphs.
    pub fn codes(&self, bytes: &[u8], out: &mut Vec<Code>) {
        out.clear();
        let step = if self.two_byte { 2 } else { 1 };
        let mut i = 0;
        while i < bytes.len() {
            let len = step.min(bytes.len() - i);
            let code = bytes[i..i + len].iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
            let width = self.width(code) * self.scale;
            out.push(Code { byte: i, len, width, space: len == 1 && code == 32 });
            i += len;
        }
    }

    /// The text of the glyph `bytes` (one code), appended to `out`.
    pub fn text(&self, bytes: &[u8], out: &mut String) {
        if self.two_byte {
            let code = bytes.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
            let len = bytes.len().min(4) as u8;
            match self.cmap.as_ref().and_then(|m| lookup(m, code, len)) {
                Some(u) => out.push_str(&utf16(&u)),
                None if self.ucs2 => out.push(char::from_u32(code).unwrap_or('\u{FFFD}')),
                None => out.push('\u{FFFD}'),
            }
        } else if let Some(s) = bytes.first().and_then(|b| self.simple.get(usize::from(*b))) {
            out.push_str(s);
        }
    }

    fn width(&self, code: u32) -> f32 {
        match &self.widths {
            Widths::Simple { first, widths, missing } => {
                let idx = i64::from(code) - first;
                usize::try_from(idx)
                    .ok()
                    .and_then(|i| widths.get(i))
                    .copied()
                    .map_or(*missing * 1000.0, |w| w)
            }
            Widths::Cid { map, default } => map.get(&code).copied().unwrap_or(*default * 1000.0),
        }
    }
}

/// `/W` of a CID font: `c [w1 w2 …]` or `cfirst clast w`.
fn cid_widths(doc: &Document, w: &[Object], map: &mut std::collections::HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() {
        let Some(first) = deref_num(doc, &w[i]) else { break };
        let first = first as u32;
        match w.get(i + 1).map(|o| doc.dereference(o).map(|(_, o)| o)) {
            Some(Ok(Object::Array(ws))) => {
                for (k, o) in ws.iter().enumerate().take(65_536) {
                    if let Some(v) = deref_num(doc, o) {
                        map.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(Ok(_)) => {
                let last = w.get(i + 1).and_then(|o| deref_num(doc, o)).unwrap_or(0.0) as u32;
                let v = w.get(i + 2).and_then(|o| deref_num(doc, o)).unwrap_or(0.0);
                // Codes are at most two bytes here: a wider range is malformed.
                for c in first..=last.min(first.saturating_add(65_535)).min(0xFFFF) {
                    map.insert(c, v);
                }
                i += 3;
            }
            _ => break,
        }
    }
}

fn metrics(descriptor: Option<&Dictionary>) -> (f32, f32) {
    let get = |k: &[u8]| descriptor.and_then(|d| d.get(k).ok()).and_then(num);
    let ascent = get(b"Ascent").map(|a| a / 1000.0).filter(|a| (0.5..=1.5).contains(a)).unwrap_or(ASCENT);
    let descent = get(b"Descent").map(|d| -d / 1000.0).filter(|d| (0.1..=0.6).contains(d)).unwrap_or(DESCENT);
    (ascent.max(ASCENT), descent.max(DESCENT))
}

/// Widths (ASCII, from the Helvetica and Times-Roman AFM metrics; Courier is fixed-pitch)
/// for a standard-14 font without `/Widths`, by the character each code stands for. Bold and
/// italic styles use the regular widths; other characters the font's default width.
fn standard_widths(dict: &Dictionary, simple: &[String]) -> Vec<f32> {
    let base = dict.get(b"BaseFont").and_then(Object::as_name).unwrap_or(b"");
    let table: &[u16; 95] = if base.starts_with(b"Helvetica") || base.starts_with(b"Arial") {
        &HELVETICA
    } else if base.starts_with(b"Times") {
        &TIMES
    } else {
        return Vec::new();
    };
    let default = standard_width(dict) * 1000.0;
    simple
        .iter()
        .map(|t| {
            let mut cs = t.chars();
            match (cs.next(), cs.next()) {
                (Some(c @ ' '..='~'), None) => f32::from(table[c as usize - 32]),
                (Some('f'), Some('i' | 'l')) => {
                    f32::from(table[usize::from(b'f' - 32)] + table[usize::from(b'i' - 32)])
                }
                (Some(c), None) => base_letter(c).map_or(default, |b| f32::from(table[b as usize - 32])),
                _ => default,
            }
        })
        .collect()
}

/// The unaccented letter of a Latin-1 letter, for its width.
fn base_letter(c: char) -> Option<char> {
    Some(match c {
        'À'..='Å' => 'A',
        'à'..='å' => 'a',
        'Ç' => 'C',
        'ç' => 'c',
        'È'..='Ë' => 'E',
        'è'..='ë' => 'e',
        'Ì'..='Ï' => 'I',
        'ì'..='ï' => 'i',
        'Ñ' => 'N',
        'ñ' => 'n',
        'Ò'..='Ö' | 'Ø' => 'O',
        'ò'..='ö' | 'ø' => 'o',
        'Ù'..='Ü' => 'U',
        'ù'..='ü' => 'u',
        'Ý' => 'Y',
        'ý' | 'ÿ' => 'y',
        '\u{A0}' => ' ',
        _ => return None,
    })
}

#[rustfmt::skip]
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

#[rustfmt::skip]
const TIMES: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278,
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444,
    921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722,
    556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500,
    333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];

/// Approximate width of a standard-14 font without `/Widths`.
fn standard_width(dict: &Dictionary) -> f32 {
    let base = dict.get(b"BaseFont").and_then(Object::as_name).unwrap_or(b"");
    if base.windows(7).any(|w| w == b"Courier") { 0.6 } else { 0.5 }
}

/// Parse a `/ToUnicode` stream (decoded within the limits) with lopdf's CMap parser.
fn cmap(
    doc: &Document,
    s: &Stream,
    cx: &mut Cx<'_>,
    streams: &mut Streams,
) -> Result<Option<Encoding<'static>>, DetectError> {
    let content = streams.plain(s, cx)?;
    let mut tmp = Dictionary::new();
    tmp.set("Type", Object::Name(b"Font".to_vec()));
    tmp.set("ToUnicode", Object::Stream(Stream::new(Dictionary::new(), content)));
    Ok(match tmp.get_font_encoding(doc) {
        Ok(Encoding::UnicodeMapEncoding(m)) => Some(Encoding::UnicodeMapEncoding(m)),
        _ => None,
    })
}

/// The Unicode of one code in a ToUnicode map (the map's type is private to lopdf).
fn lookup(e: &Encoding<'_>, code: u32, len: u8) -> Option<Vec<u16>> {
    match e {
        Encoding::UnicodeMapEncoding(m) => m.get(code, len),
        _ => None,
    }
}

pub(super) fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn deref_num(doc: &Document, o: &Object) -> Option<f32> {
    doc.dereference(o).ok().and_then(|(_, o)| num(o))
}

fn latin1(b: u8) -> char {
    char::from(b)
}

fn utf16(u: &[u16]) -> String {
    normalize(char::decode_utf16(u.iter().copied()).map(|c| c.unwrap_or('\u{FFFD}')).collect())
}

/// Ligatures become their letters, so that a name set with "fi" is found.
fn normalize(s: String) -> String {
    if !s.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn ligatures_become_letters() {
        assert_eq!(normalize("\u{FB01}nd \u{FB02}ow".into()), "find flow");
    }

    #[test]
    fn cid_widths_both_forms() {
        let doc = Document::new();
        let w = vec![
            Object::Integer(3),
            Object::Array(vec![Object::Integer(250), Object::Integer(300)]),
            Object::Integer(10),
            Object::Integer(12),
            Object::Integer(700),
        ];
        let mut map = std::collections::HashMap::new();
        cid_widths(&doc, &w, &mut map);
        assert_eq!(map.get(&3), Some(&250.0));
        assert_eq!(map.get(&4), Some(&300.0));
        assert_eq!(map.get(&11), Some(&700.0));
        assert_eq!(map.get(&13), None);
    }

    #[test]
    fn winansi_and_differences() {
        let doc = Document::new();
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"Font".to_vec()));
        d.set("Subtype", Object::Name(b"Type1".to_vec()));
        d.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
        let mut enc = Dictionary::new();
        enc.set("BaseEncoding", Object::Name(b"WinAnsiEncoding".to_vec()));
        enc.set("Differences", Object::Array(vec![Object::Integer(1), Object::Name(b"fi".to_vec())]));
        d.set("Encoding", Object::Dictionary(enc));
        let opts = crate::doc::DocOptions::default();
        let mut cx = Cx::new(&opts);
        let f = Font::load(&doc, &d, &mut cx, &mut Streams).unwrap();
        let mut s = String::new();
        for b in [1u8, b'A', 0xE5] {
            f.text(&[b], &mut s);
        }
        assert_eq!(s, "fiAå");
        let mut codes = Vec::new();
        f.codes(b"a b", &mut codes);
        assert_eq!(codes.len(), 3);
        assert!(codes[1].space);
        // Helvetica's AFM widths: a = 556, space = 278.
        assert!((codes[0].width - 0.556).abs() < 1e-6);
        assert!((codes[1].width - 0.278).abs() < 1e-6);
    }

    #[test]
    fn type0_identity_h_with_to_unicode_and_cid_widths() {
        let mut doc = Document::new();
        let cmap = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
2 beginbfchar\n<0003> <0020>\n<0010> <0041>\nendbfchar\n\
1 beginbfrange\n<0020> <0029> <0030>\nendbfrange\n\
endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
        let tu = doc.add_object(Stream::new(Dictionary::new(), cmap.to_vec()));
        let mut cid = Dictionary::new();
        cid.set("Type", Object::Name(b"Font".to_vec()));
        cid.set("Subtype", Object::Name(b"CIDFontType2".to_vec()));
        cid.set("DW", Object::Integer(1000));
        cid.set("W", vec![16.into(), Object::Array(vec![600.into()])]);
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"Font".to_vec()));
        d.set("Subtype", Object::Name(b"Type0".to_vec()));
        d.set("Encoding", Object::Name(b"Identity-H".to_vec()));
        d.set("ToUnicode", Object::Reference(tu));
        d.set("DescendantFonts", vec![Object::Dictionary(cid)]);
        let opts = crate::doc::DocOptions::default();
        let mut cx = Cx::new(&opts);
        let f = Font::load(&doc, &d, &mut cx, &mut Streams).unwrap();
        let bytes = [0x00, 0x10, 0x00, 0x03, 0x00, 0x21];
        let mut codes = Vec::new();
        f.codes(&bytes, &mut codes);
        assert_eq!(codes.len(), 3);
        let mut s = String::new();
        for c in &codes {
            f.text(&bytes[c.byte..c.byte + c.len], &mut s);
        }
        assert_eq!(s, "A 1");
        assert!((codes[0].width - 0.6).abs() < 1e-6);
        assert!((codes[1].width - 1.0).abs() < 1e-6);
        assert!(!codes[1].space, "word spacing applies to single-byte code 32 only");
    }
}
