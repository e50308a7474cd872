//! Streaming rewrite of one XML part (OOXML and ODF alike): quick-xml events are copied
//! unchanged, except text and attribute values that hold findings.
//!
//! Text is read in units (a paragraph, a table, a spreadsheet row, a shared string): the
//! pieces of a unit (run texts) are joined with gaps between paragraphs and cells, so that
//! a value split over differently formatted runs is found, and the new text is written back
//! into the same text events. Text outside a unit, or not a piece of one, is inspected alone
//! ("loose" text): every text node of every part is inspected one way or the other.

use std::borrow::Cow;
use std::ops::Range;

use quick_xml::Writer;
use quick_xml::escape::{partial_escape, resolve_predefined_entity};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::reader::Reader;

use super::super::{Cx, Joined};
use crate::DetectError;

/// How a vocabulary (OOXML or ODF) is read; names are qualified with their usual prefixes.
pub(super) struct Profile {
    /// Elements that start a unit of joined text.
    pub units: &'static [&'static str],
    /// Elements whose text is a piece of the unit; `None`: all text in a unit is.
    pub pieces: Option<&'static [&'static str]>,
    /// Elements (start or empty) that stand for a space inside a unit (tab, line break).
    pub spaces: &'static [&'static str],
    /// Elements after which a gap follows inside a unit (paragraph `"\n"`, cell `"\t"`).
    pub end_gaps: &'static [(&'static str, &'static str)],
    /// Elements inside a unit whose text is not part of it (dates, authors of comments).
    pub loose: &'static [&'static str],
    /// Elements whose text is always blanked (names of people: authors, editors).
    pub blank: &'static [&'static str],
    /// Attributes always blanked, as (element or `*`, attribute).
    pub blank_attrs: &'static [(&'static str, &'static str)],
    /// Local names of attributes run through the detector (besides any `mailto:`/`tel:`).
    pub attrs: &'static [&'static str],
    /// Attributes run through the detector on one element only, as (element, attribute).
    pub elem_attrs: &'static [(&'static str, &'static str)],
    /// How a numeric cell whose value held a finding is turned into a text cell.
    pub numeric: Numeric,
}

/// Spreadsheet cells whose numeric value held a finding.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Numeric {
    None,
    /// SpreadsheetML: the cell `c` gets `t="str"` when its `v` changed.
    Xlsx,
    /// ODF: a cell whose `office:value` held a finding becomes a string cell.
    Odf,
}

/// Sheet renames applied to text and attribute values (old, new).
pub(super) type Renames = [(String, String)];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Piece,
    Loose,
    Blank,
}

struct Run {
    start: usize,
    text: String,
    mode: Mode,
}

struct Piece {
    events: Range<usize>,
    text: String,
    /// Renames changed the text before detection.
    renamed: bool,
    /// Index of the start event of the spreadsheet cell holding a `v` piece.
    cell: Option<usize>,
}

enum Slot {
    Piece(Piece),
    Gap(&'static str),
}

#[derive(Clone, Copy, Default)]
struct Frame {
    unit: bool,
    piece: bool,
    loose: bool,
    blank: bool,
    cell: bool,
    value: bool,
}

const DAMAGED: DetectError = DetectError::Damaged { format: "office", what: "malformed XML part" };

fn name_of<'n>(e: &'n BytesStart<'_>) -> &'n str {
    let q: QName<'n> = e.name();
    q.0
}

fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// Replace every old sheet name by its new one; `None` when nothing changed.
pub(super) fn apply_renames(s: &str, renames: &Renames) -> Option<String> {
    let mut out: Option<String> = None;
    for (old, new) in renames {
        let cur = out.as_deref().unwrap_or(s);
        if !old.is_empty() && cur.contains(old.as_str()) {
            out = Some(cur.replace(old.as_str(), new));
        }
    }
    out
}

fn resolve_ref(name: &str) -> Cow<'static, str> {
    if let Some(num) = name.strip_prefix('#') {
        let c = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        }
        .and_then(char::from_u32);
        return match c {
            Some(c) => Cow::Owned(c.to_string()),
            None => Cow::Owned(format!("&{name};")),
        };
    }
    match resolve_predefined_entity(name) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(format!("&{name};")),
    }
}

/// A `mailto:` or `tel:` link (any case, leading spaces allowed).
fn is_link(v: &str) -> bool {
    let v = v.trim_start().as_bytes();
    let has = |scheme: &[u8]| v.get(..scheme.len()).is_some_and(|p| p.eq_ignore_ascii_case(scheme));
    has(b"mailto:") || has(b"tel:")
}

fn text_event(s: &str) -> Event<'static> {
    Event::Text(BytesText::from_escaped(partial_escape(s).into_owned()))
}

struct Rewriter<'a, 'p, 'c, 'o> {
    part: &'p str,
    profile: &'p Profile,
    renames: &'p Renames,
    cx: &'c mut Cx<'o>,
    buf: Vec<Option<Event<'a>>>,
    slots: Vec<Slot>,
    frames: Vec<Frame>,
    run: Option<Run>,
    unit_depth: usize,
    piece_depth: usize,
    loose_depth: usize,
    blank_depth: usize,
    value_depth: usize,
    /// Start events (in `buf`) of the open spreadsheet cells.
    cells: Vec<usize>,
    changed: bool,
}

/// Rewrite one XML part; `None` when nothing changed (the caller keeps the original bytes).
pub(super) fn rewrite(
    src: &[u8],
    part: &str,
    profile: &Profile,
    renames: &Renames,
    cx: &mut Cx<'_>,
) -> Result<Option<Vec<u8>>, DetectError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (bom, body) = match src.strip_prefix(BOM) {
        Some(rest) => (true, rest),
        None => (false, src),
    };
    let text = std::str::from_utf8(body)
        .map_err(|_| DetectError::Damaged { format: "office", what: "XML part is not UTF-8" })?;
    let mut reader = Reader::from_str(text);
    let mut out = Vec::with_capacity(src.len() + 64);
    if bom {
        out.extend_from_slice(BOM);
    }
    let mut writer = Writer::new(out);
    let mut rw = Rewriter {
        part,
        profile,
        renames,
        cx,
        buf: Vec::new(),
        slots: Vec::new(),
        frames: Vec::new(),
        run: None,
        unit_depth: 0,
        piece_depth: 0,
        loose_depth: 0,
        blank_depth: 0,
        value_depth: 0,
        cells: Vec::new(),
        changed: false,
    };
    loop {
        let ev = reader.read_event().map_err(|_| DAMAGED)?;
        if matches!(ev, Event::Eof) {
            break;
        }
        rw.event(ev)?;
        if rw.unit_depth == 0 && rw.run.is_none() {
            rw.write_out(&mut writer)?;
        }
    }
    if !rw.frames.is_empty() {
        return Err(DAMAGED);
    }
    rw.close_run();
    rw.write_out(&mut writer)?;
    if !rw.changed {
        return Ok(None);
    }
    Ok(Some(writer.into_inner()))
}

impl<'a> Rewriter<'a, '_, '_, '_> {
    fn write_out(&mut self, w: &mut Writer<Vec<u8>>) -> Result<(), DetectError> {
        for ev in self.buf.drain(..).flatten() {
            w.write_event(ev).map_err(|_| DAMAGED)?;
        }
        Ok(())
    }

    fn event(&mut self, ev: Event<'a>) -> Result<(), DetectError> {
        match ev {
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                if self.run.is_none() {
                    let mode = self.mode();
                    self.run = Some(Run { start: self.buf.len(), text: String::new(), mode });
                }
                if let Some(run) = &mut self.run {
                    match &ev {
                        Event::Text(t) => run.text.push_str(&t.xml10_content()),
                        Event::CData(t) => run.text.push_str(&t.xml10_content()),
                        Event::GeneralRef(r) => run.text.push_str(&resolve_ref(r)),
                        _ => {}
                    }
                }
                self.buf.push(Some(ev));
            }
            Event::Start(e) => {
                self.close_run();
                let frame = self.open(&e);
                self.frames.push(frame);
                let e = self.attributes(e)?;
                if frame.cell {
                    self.cells.push(self.buf.len());
                }
                self.buf.push(Some(Event::Start(e)));
            }
            Event::Empty(e) => {
                self.close_run();
                let frame = self.open(&e);
                self.close(&frame, name_of(&e));
                let e = self.attributes(e)?;
                self.buf.push(Some(Event::Empty(e)));
                if frame.unit && self.unit_depth == 0 {
                    self.flush_unit()?;
                }
            }
            Event::End(e) => {
                self.close_run();
                let frame = self.frames.pop().ok_or(DAMAGED)?;
                let name = e.name();
                self.close(&frame, name.0);
                self.buf.push(Some(Event::End(e)));
                if frame.unit && self.unit_depth == 0 {
                    self.flush_unit()?;
                }
            }
            // A DTD could hide text in entity declarations; neither OOXML nor ODF uses one.
            Event::DocType(_) => {
                return Err(DetectError::Damaged { format: "office", what: "XML part with a DTD" });
            }
            Event::Comment(c) => {
                self.close_run();
                let text = c.xml10_content().into_owned();
                let part = self.part;
                match self.cx.redact_text(Some(part), None, &text) {
                    Some(new) => {
                        let new = new.replace("--", "- -");
                        let new = new.strip_suffix('-').map_or(new.clone(), |s| format!("{s}- "));
                        self.buf.push(Some(Event::Comment(BytesText::from_escaped(new))));
                        self.changed = true;
                    }
                    None => self.buf.push(Some(Event::Comment(c))),
                }
            }
            Event::PI(pi) => {
                self.close_run();
                let part = self.part;
                if self.cx.redact_text(Some(part), None, pi.content()).is_some() {
                    // Dropped whole: a processing instruction has no text to keep.
                    self.changed = true;
                } else {
                    self.buf.push(Some(Event::PI(pi)));
                }
            }
            other => {
                self.close_run();
                self.buf.push(Some(other));
            }
        }
        Ok(())
    }

    fn mode(&self) -> Mode {
        if self.blank_depth > 0 {
            return Mode::Blank;
        }
        if self.unit_depth > 0 && self.loose_depth == 0 {
            let piece = match self.profile.pieces {
                None => true,
                Some(_) => self.piece_depth > 0,
            };
            if piece {
                return Mode::Piece;
            }
        }
        Mode::Loose
    }

    /// Account for an element opening; returns its frame (pushed by the caller for a start).
    fn open(&mut self, e: &BytesStart<'_>) -> Frame {
        let name = name_of(e);
        let p = self.profile;
        let frame = Frame {
            unit: p.units.contains(&name),
            piece: p.pieces.is_some_and(|ps| ps.contains(&name)),
            loose: p.loose.contains(&name),
            blank: p.blank.contains(&name),
            cell: p.numeric == Numeric::Xlsx && name == "c",
            value: p.numeric == Numeric::Xlsx && name == "v",
        };
        if self.unit_depth > 0 && p.spaces.contains(&name) {
            self.slots.push(Slot::Gap(" "));
        }
        self.unit_depth += usize::from(frame.unit);
        self.piece_depth += usize::from(frame.piece);
        self.loose_depth += usize::from(frame.loose);
        self.blank_depth += usize::from(frame.blank);
        self.value_depth += usize::from(frame.value);
        frame
    }

    /// Account for an element closing.
    fn close(&mut self, frame: &Frame, name: &str) {
        self.unit_depth -= usize::from(frame.unit);
        self.piece_depth -= usize::from(frame.piece);
        self.loose_depth -= usize::from(frame.loose);
        self.blank_depth -= usize::from(frame.blank);
        self.value_depth -= usize::from(frame.value);
        if frame.cell {
            self.cells.pop();
        }
        if (self.unit_depth > 0 || frame.unit)
            && let Some((_, gap)) = self.profile.end_gaps.iter().find(|(n, _)| *n == name)
        {
            self.slots.push(Slot::Gap(gap));
        }
    }

    /// End the current run of text events.
    fn close_run(&mut self) {
        let Some(run) = self.run.take() else { return };
        let events = run.start..self.buf.len();
        match run.mode {
            Mode::Piece => {
                let (text, renamed) = match apply_renames(&run.text, self.renames) {
                    Some(t) => (t, true),
                    None => (run.text, false),
                };
                let cell = if self.value_depth > 0 { self.cells.last().copied() } else { None };
                self.slots.push(Slot::Piece(Piece { events, text, renamed, cell }));
            }
            Mode::Blank => {
                if !run.text.trim().is_empty() {
                    self.replace(events, "");
                }
            }
            Mode::Loose => {
                if run.text.trim().is_empty() {
                    return;
                }
                let renamed = apply_renames(&run.text, self.renames);
                let text = renamed.as_deref().unwrap_or(&run.text);
                let part = self.part;
                match self.cx.redact_text(Some(part), None, text) {
                    Some(new) => self.replace(events, &new),
                    None => {
                        if let Some(t) = renamed {
                            self.replace(events, &t);
                        }
                    }
                }
            }
        }
    }

    /// Put `text` in place of the text events `events`.
    fn replace(&mut self, events: Range<usize>, text: &str) {
        let first = events.start;
        for i in events {
            if let Some(slot) = self.buf.get_mut(i) {
                *slot = None;
            }
        }
        if let Some(slot) = self.buf.get_mut(first) {
            *slot = Some(text_event(text));
        }
        self.changed = true;
    }

    /// Detect in the finished unit and write the new text into its pieces.
    fn flush_unit(&mut self) -> Result<(), DetectError> {
        let slots = std::mem::take(&mut self.slots);
        let mut joined = Joined::default();
        let mut pieces = Vec::new();
        for slot in slots {
            match slot {
                Slot::Piece(p) => {
                    joined.push(&p.text);
                    pieces.push(p);
                }
                Slot::Gap(g) => joined.gap(g),
            }
        }
        if pieces.is_empty() {
            return Ok(());
        }
        let part = self.part;
        let new = joined.redact(self.cx, Some(part), None);
        for (i, p) in pieces.iter().enumerate() {
            let text = match new.as_ref().and_then(|n| n.get(i)) {
                Some(t) if *t != p.text => t.as_str(),
                _ if p.renamed => p.text.as_str(),
                _ => continue,
            };
            let text = text.to_owned();
            if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
                self.preserve_space(p.events.start.checked_sub(1))?;
            }
            self.replace(p.events.clone(), &text);
            if let Some(c) = p.cell {
                self.make_text_cell(c)?;
            }
        }
        Ok(())
    }

    /// Text that now begins or ends with a space keeps it: `xml:space="preserve"` on the
    /// OOXML element holding it (`w:t` drops outer spaces without it).
    fn preserve_space(&mut self, at: Option<usize>) -> Result<(), DetectError> {
        if self.profile.pieces.is_none() {
            return Ok(());
        }
        let Some(at) = at else { return Ok(()) };
        let Some(Some(Event::Start(e))) = self.buf.get(at) else { return Ok(()) };
        for a in e.attributes() {
            if a.map_err(|_| DAMAGED)?.key.0 == "xml:space" {
                return Ok(());
            }
        }
        let mut n = e.clone().into_owned();
        n.push_attribute(("xml:space", "preserve"));
        if let Some(slot) = self.buf.get_mut(at) {
            *slot = Some(Event::Start(n));
        }
        Ok(())
    }

    /// A SpreadsheetML cell whose value changed holds text now: `t="str"`.
    fn make_text_cell(&mut self, at: usize) -> Result<(), DetectError> {
        let Some(Some(Event::Start(e))) = self.buf.get(at) else { return Ok(()) };
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|_| DAMAGED)?;
            if a.key.0 != "t" {
                attrs.push((a.key.0.to_owned(), a.value.into_owned()));
            }
        }
        let mut n = BytesStart::new(name_of(e).to_owned());
        for (k, v) in &attrs {
            n.push_attribute(Attribute { key: QName(k), value: Cow::Borrowed(v) });
        }
        n.push_attribute(("t", "str"));
        if let Some(slot) = self.buf.get_mut(at) {
            *slot = Some(Event::Start(n.into_owned()));
        }
        Ok(())
    }

    /// Inspect the attributes of an element; rebuild it when one changes.
    fn attributes(&mut self, e: BytesStart<'a>) -> Result<BytesStart<'a>, DetectError> {
        let name = name_of(&e);
        let p = self.profile;
        let mut changes: Vec<(usize, Option<String>)> = Vec::new();
        let mut odf_value = false;
        // Duplicates are not checked: each attribute is inspected on its own anyway.
        for (i, a) in e.attributes().with_checks(false).enumerate() {
            let a = a.map_err(|_| DAMAGED)?;
            let key = a.key.0;
            let raw = &a.value;
            if raw.is_empty() {
                continue;
            }
            if p.blank_attrs.iter().any(|(el, at)| (*el == "*" || *el == name) && *at == key) {
                changes.push((i, Some(String::new())));
                continue;
            }
            let listed = p.attrs.contains(&local(key))
                || p.elem_attrs.iter().any(|(el, at)| *el == name && *at == key);
            // Fast path: a value that is not listed, has no escapes and no link scheme.
            if !listed && self.renames.is_empty() && !raw.contains('&') && !is_link(raw) {
                continue;
            }
            let value = quick_xml::escape::unescape(raw).map_err(|_| DAMAGED)?;
            let renamed = apply_renames(&value, self.renames);
            let value = renamed.as_deref().unwrap_or(&value);
            let found = if listed || is_link(value) {
                let part = self.part;
                self.cx.redact_text(Some(part), None, value)
            } else {
                None
            };
            if found.is_some() && p.numeric == Numeric::Odf && key == "office:value" {
                odf_value = true;
                changes.push((i, None));
                continue;
            }
            if let Some(v) = found.or(renamed) {
                changes.push((i, Some(v)));
            }
        }
        if changes.is_empty() {
            return Ok(e);
        }
        self.changed = true;
        let mut n = BytesStart::new(name.to_owned());
        for (i, a) in e.attributes().with_checks(false).enumerate() {
            let a = a.map_err(|_| DAMAGED)?;
            let key = a.key.0;
            let changed = changes.iter().find(|(j, _)| *j == i).map(|(_, v)| v);
            let odf_type = odf_value && matches!(key, "office:value-type" | "calcext:value-type");
            match changed {
                Some(None) => {}
                Some(Some(v)) => n.push_attribute((key, v.as_str())),
                None if odf_type => n.push_attribute((key, "string")),
                None if a.value.contains('"') => {
                    let v = quick_xml::escape::unescape(&a.value).map_err(|_| DAMAGED)?;
                    n.push_attribute((key, v.as_ref()));
                }
                None => n.push_attribute(Attribute { key: QName(key), value: a.value.clone() }),
            }
        }
        Ok(n.into_owned())
    }
}
