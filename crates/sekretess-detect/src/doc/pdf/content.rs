//! The content-stream interpreter: graphics state (CTM, `q`/`Q`/`cm`), text state (`BT`/`ET`,
//! `Tf Tm Td TD T* TL Tc Tw Tz Ts`), the show operators (`Tj ' " TJ`), Form XObjects (with
//! their `/Matrix` and `/Resources`, recursively) and images. It yields every glyph with its
//! text, its box in page space and where its bytes are, in content order.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;

use lopdf::content::Operation;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::fonts::{Code, Font, num};
use super::{Rect, Streams, damaged, decode};
use crate::DetectError;
use crate::doc::{Cx, Disposition, Reason};

/// Deepest nesting of Form XObjects followed.
const MAX_FORM_DEPTH: usize = 16;

/// A new line one line height below is the next line of the same block (a wrap) when it
/// starts at most this many ems left of where the line above began (a first-line indent)…
const WRAP_LEFT: f32 = 6.0;
/// … or at most this many ems right of it (the text after a bullet or a number).
const WRAP_RIGHT: f32 = 4.0;

/// An affine matrix `[a b c d e f]` (PDF row-vector convention).
pub(super) type M = [f32; 6];
const ID: M = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b`: first `a`, then `b`.
fn mul(a: &M, b: &M) -> M {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &M, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// The bytes of one glyph in a show operator, and the kerning (thousandths of text space)
/// that keeps the following glyphs in place when they are deleted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Cut {
    pub op: usize,
    /// Index in the `TJ` array (0 for `Tj`, `'`, `"`).
    pub elem: usize,
    pub byte: usize,
    pub len: usize,
    pub kern: f32,
}

/// One content stream (a page's contents, or a Form XObject) and what to change in it.
#[derive(Default)]
pub(super) struct Unit {
    pub ops: Vec<Operation>,
    pub cuts: Vec<Cut>,
    /// Operations to leave out (dropped images, unbalanced `Q`).
    pub drop: Vec<usize>,
    /// `BDC` operations whose property list loses `/ActualText`, `/Alt`, `/E`.
    pub strip: Vec<usize>,
    /// Whether `drop`/`strip` hold a change that must be written.
    pub dirty: bool,
    /// `q` left open at the end (page contents).
    pub open: usize,
}

impl Unit {
    pub fn new(ops: Vec<Operation>) -> Unit {
        Unit { ops, ..Unit::default() }
    }

    pub fn changed(&self) -> bool {
        self.dirty || !self.cuts.is_empty()
    }
}

/// All content streams met, the Form XObjects by object id.
#[derive(Default)]
pub(super) struct Units {
    units: Vec<Unit>,
    forms: HashMap<ObjectId, usize>,
}

impl Units {
    pub fn push(&mut self, u: Unit) -> usize {
        self.units.push(u);
        self.units.len() - 1
    }

    pub fn get_mut(&mut self, i: usize) -> &mut Unit {
        &mut self.units[i]
    }

    pub fn is_form(&self, id: ObjectId) -> bool {
        self.forms.contains_key(&id)
    }

    pub fn forms(&self) -> Vec<(ObjectId, usize)> {
        let mut v: Vec<_> = self.forms.iter().map(|(k, v)| (*k, *v)).collect();
        v.sort_unstable();
        v
    }
}

/// What separates a glyph from the one before it in reading order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Gap {
    None,
    Space,
    /// The next line of the same block (joined with a space, so that a value wrapped at
    /// the end of a line is found whole).
    Wrap,
    /// Any other jump: a new block, column or direction.
    Line,
}

/// One glyph as drawn on the page.
pub(super) struct Glyph {
    pub unit: usize,
    pub cut: Cut,
    pub bbox: Rect,
    pub text: Range<usize>,
    pub gap: Gap,
    /// Line number on the page (for boxes per line).
    pub line: u32,
}

/// The glyphs of a page, their text in one buffer.
#[derive(Default)]
pub(super) struct PageText {
    pub text: String,
    pub glyphs: Vec<Glyph>,
}

#[derive(Clone)]
struct Gs {
    ctm: M,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    font: Option<Rc<Font>>,
    fs: f32,
    rise: f32,
}

impl Gs {
    fn new(ctm: M) -> Gs {
        Gs { ctm, tc: 0.0, tw: 0.0, th: 1.0, tl: 0.0, font: None, fs: 0.0, rise: 0.0 }
    }
}

struct Last {
    end: (f32, f32),
    dir: (f32, f32),
    em: f32,
    space: bool,
}

/// The images drawn by the pages and forms read.
#[derive(Debug, Default)]
pub(super) struct Images {
    /// Every image XObject drawn.
    pub drawn: Vec<ObjectId>,
    /// Those to read with OCR (feature `ocr`): id, page, resolution as drawn (dots per inch).
    #[cfg_attr(not(feature = "ocr"), allow(dead_code))]
    pub ocr: Vec<(ObjectId, Option<u32>, Option<u32>)>,
}

pub(super) struct Interp<'a, 'c> {
    doc: &'a Document,
    cx: &'a mut Cx<'c>,
    streams: &'a mut Streams,
    fonts: &'a mut HashMap<ObjectId, Rc<Font>>,
    units: &'a mut Units,
    images: &'a mut Images,
    /// The page (1-based), or `None` for a form no page draws.
    page: Option<u32>,
    out: PageText,
    stack: Vec<ObjectId>,
    last: Option<Last>,
    /// Where the current line began (the origin of its first glyph).
    line_start: (f32, f32),
    line: u32,
    reported: HashSet<ObjectId>,
    codes: Vec<Code>,
    fallback: Rc<Font>,
}

struct Text {
    tm: M,
    tlm: M,
}

impl<'a, 'c> Interp<'a, 'c> {
    pub fn new(
        doc: &'a Document,
        cx: &'a mut Cx<'c>,
        streams: &'a mut Streams,
        fonts: &'a mut HashMap<ObjectId, Rc<Font>>,
        units: &'a mut Units,
        page: Option<u32>,
        images: &'a mut Images,
    ) -> Self {
        Interp {
            doc,
            cx,
            streams,
            fonts,
            units,
            images,
            page,
            out: PageText::default(),
            stack: Vec::new(),
            last: None,
            line_start: (0.0, 0.0),
            line: 0,
            reported: HashSet::new(),
            codes: Vec::new(),
            fallback: Rc::new(Font::fallback()),
        }
    }

    pub fn finish(self) -> PageText {
        self.out
    }

    pub fn run_page(&mut self, unit: usize, res: Option<&'a Dictionary>) -> Result<(), DetectError> {
        let open = self.run(unit, res, Gs::new(ID), true)?;
        self.units.get_mut(unit).open = open;
        Ok(())
    }

    /// Interpret a Form XObject (or tiling pattern) that no page draws, as form `id`.
    pub fn run_form(
        &mut self,
        id: ObjectId,
        unit: usize,
        res: Option<&'a Dictionary>,
    ) -> Result<(), DetectError> {
        self.units.forms.insert(id, unit);
        self.stack.push(id);
        let r = self.run(unit, res, Gs::new(ID), false);
        self.stack.pop();
        r.map(|_| ())
    }

    /// Interpret one unit; returns the number of `q` left open.
    fn run(
        &mut self,
        unit: usize,
        res: Option<&'a Dictionary>,
        gs: Gs,
        page: bool,
    ) -> Result<usize, DetectError> {
        let ops = std::mem::take(&mut self.units.get_mut(unit).ops);
        let r = self.ops(unit, &ops, res, gs, page);
        self.units.get_mut(unit).ops = ops;
        r
    }

    fn ops(
        &mut self,
        unit: usize,
        ops: &[Operation],
        res: Option<&'a Dictionary>,
        gs: Gs,
        page: bool,
    ) -> Result<usize, DetectError> {
        let mut gs = gs;
        let mut saved: Vec<Gs> = Vec::new();
        let mut t = Text { tm: ID, tlm: ID };
        for (i, op) in ops.iter().enumerate() {
            let a = &op.operands;
            let n = |k: usize| a.get(k).and_then(num).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" => saved.push(gs.clone()),
                "Q" => match saved.pop() {
                    Some(g) => gs = g,
                    None if page => self.units.get_mut(unit).drop.push(i),
                    None => {}
                },
                "cm" if a.len() == 6 => gs.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &gs.ctm),
                "BT" => t = Text { tm: ID, tlm: ID },
                "Tc" => gs.tc = n(0),
                "Tw" => gs.tw = n(0),
                "Tz" => gs.th = n(0) / 100.0,
                "TL" => gs.tl = n(0),
                "Ts" => gs.rise = n(0),
                "Tf" => {
                    gs.fs = n(1);
                    let name = a.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
                    gs.font = Some(self.font(res, name)?);
                }
                "Td" => td(&mut t, n(0), n(1)),
                "TD" => {
                    gs.tl = -n(1);
                    td(&mut t, n(0), n(1));
                }
                "Tm" if a.len() == 6 => {
                    t.tm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    t.tlm = t.tm;
                }
                "T*" => td(&mut t, 0.0, -gs.tl),
                "Tj" => {
                    if let Some(Object::String(s, _)) = a.first() {
                        self.show(unit, i, 0, s, &gs, &mut t);
                    }
                }
                "'" => {
                    td(&mut t, 0.0, -gs.tl);
                    if let Some(Object::String(s, _)) = a.first() {
                        self.show(unit, i, 0, s, &gs, &mut t);
                    }
                }
                "\"" => {
                    gs.tw = n(0);
                    gs.tc = n(1);
                    td(&mut t, 0.0, -gs.tl);
                    if let Some(Object::String(s, _)) = a.get(2) {
                        self.show(unit, i, 0, s, &gs, &mut t);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = a.first() {
                        for (e, item) in items.iter().enumerate() {
                            match item {
                                Object::String(s, _) => self.show(unit, i, e, s, &gs, &mut t),
                                o => {
                                    let k = num(o).unwrap_or(0.0);
                                    t.tm =
                                        mul(&[1.0, 0.0, 0.0, 1.0, -k / 1000.0 * gs.fs * gs.th, 0.0], &t.tm);
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    let name = a.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
                    self.xobject(unit, i, res, name, &gs)?;
                }
                "BI" => self.image(unit, i, None),
                "BDC" => {
                    if let Some(Object::Dictionary(d)) = a.get(1)
                        && (d.has(b"ActualText") || d.has(b"Alt") || d.has(b"E"))
                    {
                        let u = self.units.get_mut(unit);
                        u.strip.push(i);
                        u.dirty = true;
                    }
                }
                _ => {}
            }
        }
        Ok(saved.len())
    }

    fn font(&mut self, res: Option<&'a Dictionary>, name: &[u8]) -> Result<Rc<Font>, DetectError> {
        let doc = self.doc;
        let Some(entry) = res
            .and_then(|r| r.get_deref(b"Font", doc).ok())
            .and_then(|f| f.as_dict().ok())
            .and_then(|f| f.get(name).ok())
        else {
            return Ok(self.fallback.clone());
        };
        let id = entry.as_reference().ok();
        if let Some(f) = id.and_then(|id| self.fonts.get(&id)) {
            return Ok(f.clone());
        }
        let Ok((_, Object::Dictionary(dict))) = doc.dereference(entry) else {
            return Ok(self.fallback.clone());
        };
        let f = Rc::new(Font::load(doc, dict, self.cx, self.streams)?);
        if let Some(id) = id {
            self.fonts.insert(id, f.clone());
        }
        Ok(f)
    }

    fn show(&mut self, unit: usize, op: usize, elem: usize, s: &[u8], gs: &Gs, t: &mut Text) {
        let font = gs.font.clone().unwrap_or_else(|| self.fallback.clone());
        let mut codes = std::mem::take(&mut self.codes);
        font.codes(s, &mut codes);
        let fs = gs.fs;
        for c in &codes {
            let tw = if c.space { gs.tw } else { 0.0 };
            let m = mul(&mul(&[fs * gs.th, 0.0, 0.0, fs, 0.0, gs.rise], &t.tm), &gs.ctm);
            let w = c.width;
            let mut bbox = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
            for (x, y) in [(0.0, -font.descent), (w, -font.descent), (w, font.ascent), (0.0, font.ascent)] {
                let p = apply(&m, x, y);
                bbox = [bbox[0].min(p.0), bbox[1].min(p.1), bbox[2].max(p.0), bbox[3].max(p.1)];
            }
            let origin = apply(&m, 0.0, 0.0);
            let end = apply(&m, w, 0.0);
            let start = self.out.text.len();
            let bytes = s.get(c.byte..c.byte + c.len).unwrap_or(&[]);
            font.text(bytes, &mut self.out.text);
            let text = start..self.out.text.len();
            let kern = if fs.abs() > f32::EPSILON { -(w * 1000.0 + (gs.tc + tw) * 1000.0 / fs) } else { 0.0 };
            let cut = Cut { op, elem, byte: c.byte, len: c.len, kern };
            let space = self.out.text[text.clone()].chars().all(char::is_whitespace);
            let em = (m[2] * m[2] + m[3] * m[3]).sqrt().max(1e-3);
            let xl = (m[0] * m[0] + m[1] * m[1]).sqrt();
            let dir = if xl > 1e-6 { (m[0] / xl, m[1] / xl) } else { (1.0, 0.0) };
            let gap = match &self.last {
                None => Gap::None,
                Some(l) => {
                    let d = (origin.0 - l.end.0, origin.1 - l.end.1);
                    let along = d.0 * l.dir.0 + d.1 * l.dir.1;
                    let perp = d.1 * l.dir.0 - d.0 * l.dir.1;
                    let turned = dir.0 * l.dir.0 + dir.1 * l.dir.1 < 0.9;
                    // How far along the line the new glyph starts from where the last
                    // line began: a wrapped line starts at the same margin (give or take an
                    // indent, a bullet, a number).
                    let s = (origin.0 - self.line_start.0, origin.1 - self.line_start.1);
                    let margin = s.0 * l.dir.0 + s.1 * l.dir.1;
                    if turned || (perp.abs() <= 0.5 * l.em && along < -1.5 * l.em) {
                        Gap::Line
                    } else if perp < -0.5 * l.em
                        && perp >= -2.2 * l.em
                        && (-WRAP_LEFT * l.em..=WRAP_RIGHT * l.em).contains(&margin)
                    {
                        Gap::Wrap
                    } else if perp.abs() > 0.5 * l.em {
                        Gap::Line
                    } else if along > 0.3 * l.em && !space && !l.space {
                        Gap::Space
                    } else {
                        Gap::None
                    }
                }
            };
            if matches!(gap, Gap::Line | Gap::Wrap) {
                self.line += 1;
                self.line_start = origin;
            } else if self.last.is_none() {
                self.line_start = origin;
            }
            self.out.glyphs.push(Glyph { unit, cut, bbox, text, gap, line: self.line });
            self.last = Some(Last { end, dir, em, space });
            let tx = (w * fs + gs.tc + tw) * gs.th;
            t.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &t.tm);
        }
        self.codes = codes;
    }

    fn xobject(
        &mut self,
        unit: usize,
        op: usize,
        res: Option<&'a Dictionary>,
        name: &[u8],
        gs: &Gs,
    ) -> Result<(), DetectError> {
        let doc = self.doc;
        let Some(entry) = res
            .and_then(|r| r.get_deref(b"XObject", doc).ok())
            .and_then(|x| x.as_dict().ok())
            .and_then(|x| x.get(name).ok())
        else {
            return Ok(());
        };
        let id = entry.as_reference().ok();
        let Ok((_, Object::Stream(s))) = doc.dereference(entry) else {
            return Ok(());
        };
        match s.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => {
                #[cfg(feature = "ocr")]
                if let Some(id) = id
                    && crate::doc::scan::pdf_image::supported(doc, s)
                {
                    // Read by OCR once the pages are done (see `super::redact`).
                    self.images.drawn.push(id);
                    let (a, b) = (gs.ctm[0], gs.ctm[1]);
                    let points = (a * a + b * b).sqrt();
                    let px = s.dict.get(b"Width").and_then(Object::as_i64).unwrap_or(0) as f32;
                    let dpi = (points > 1.0 && px > 0.0).then(|| (px * 72.0 / points).round() as u32);
                    self.images.ocr.push((id, self.page, dpi));
                    return Ok(());
                }
                self.image(unit, op, id);
                Ok(())
            }
            Ok(b"Form") => {
                let Some(id) = id else { return Ok(()) };
                if self.stack.contains(&id) {
                    return Ok(());
                }
                if self.stack.len() >= MAX_FORM_DEPTH {
                    return Err(damaged("form XObjects nested too deeply"));
                }
                let form = match self.units.forms.get(&id) {
                    Some(u) => *u,
                    None => {
                        let data = self.streams.plain(s, self.cx)?;
                        let ops = decode(&data)
                            .map_err(|_| damaged("a form's content cannot be parsed"))?
                            .operations;
                        let u = self.units.push(Unit::new(ops));
                        self.units.forms.insert(id, u);
                        u
                    }
                };
                let matrix = match s.dict.get_deref(b"Matrix", doc).and_then(Object::as_array) {
                    Ok(m) if m.len() == 6 => {
                        let v: Vec<f32> = m.iter().map(|o| num(o).unwrap_or(0.0)).collect();
                        [v[0], v[1], v[2], v[3], v[4], v[5]]
                    }
                    _ => ID,
                };
                let form_res = s.dict.get_deref(b"Resources", doc).and_then(Object::as_dict).ok().or(res);
                let mut inner = gs.clone();
                inner.ctm = mul(&matrix, &gs.ctm);
                self.stack.push(id);
                let r = self.run(form, form_res, inner, false);
                self.stack.pop();
                r.map(|_| ())
            }
            // PostScript XObjects are not drawn by viewers.
            _ => Ok(()),
        }
    }

    /// An image (an XObject `id`, or inline when `None`) drawn by operation `op`.
    fn image(&mut self, unit: usize, op: usize, id: Option<ObjectId>) {
        if let Some(id) = id {
            self.images.drawn.push(id);
            if !self.reported.insert(id) {
                if self.cx.opts.uninspected != crate::doc::UninspectedPolicy::Copy {
                    self.drop_op(unit, op);
                }
                return;
            }
        }
        if self.cx.not_inspected(None, self.page, Reason::Image) == Disposition::Drop {
            self.drop_op(unit, op);
        }
    }

    fn drop_op(&mut self, unit: usize, op: usize) {
        let u = self.units.get_mut(unit);
        u.drop.push(op);
        u.dirty = true;
    }
}

fn td(t: &mut Text, x: f32, y: f32) {
    t.tlm = mul(&[1.0, 0.0, 0.0, 1.0, x, y], &t.tlm);
    t.tm = t.tlm;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn matrices_compose_in_pdf_order() {
        // Scale by 2, then translate by (10, 0): the point (1, 1) goes to (12, 2).
        let m = mul(&[2.0, 0.0, 0.0, 2.0, 0.0, 0.0], &[1.0, 0.0, 0.0, 1.0, 10.0, 0.0]);
        assert_eq!(apply(&m, 1.0, 1.0), (12.0, 2.0));
    }
}
