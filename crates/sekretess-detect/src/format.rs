//! Document formats: plain text, `key=value` logs, CSV, JSON and NDJSON.
//!
//! Every format processor works on a slice holding whole records (the streaming layer cuts
//! the input at record boundaries) and returns the rewritten bytes and the findings with
//! byte offsets into that slice.

use std::str::FromStr;

use crate::context::key_label;
use crate::scan::Cand;
use crate::{CharCounter, DetectError, Finding, Label, Options, find, rewrite};

mod json;
use json::json;
#[cfg(test)]
use json::json_decode;

/// The format of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Decide from the file name (when known) and the first bytes.
    Auto,
    /// Plain text.
    Text,
    /// Log lines with `key=value` pairs (values may be quoted); keys are context.
    KeyValue,
    /// CSV with a header row; the delimiter is sniffed (`,` `;` tab `|`).
    Csv,
    /// One JSON document.
    Json,
    /// One JSON document per line.
    Ndjson,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "auto" => Format::Auto,
            "text" | "txt" => Format::Text,
            "kv" | "log" | "logs" => Format::KeyValue,
            "csv" | "tsv" => Format::Csv,
            "json" => Format::Json,
            "ndjson" | "jsonl" => Format::Ndjson,
            _ => return Err(format!("unknown format {s:?} (auto, text, kv, csv, json, ndjson)")),
        })
    }
}

impl Format {
    /// The format's name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Text => "text",
            Format::KeyValue => "kv",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }

    /// Resolve `Auto` from a file name (if any) and the first bytes of the input.
    pub fn resolve(self, file_name: Option<&str>, head: &[u8]) -> Format {
        if self != Format::Auto {
            return self;
        }
        let ext = file_name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv" | "tsv") => return Format::Csv,
            Some("ndjson" | "jsonl") => return Format::Ndjson,
            Some("json") => return Format::Json,
            Some("log") => return Format::KeyValue,
            Some("txt" | "md") => return Format::Text,
            _ => {}
        }
        let trimmed = head.trim_ascii_start();
        if trimmed.starts_with(b"[") {
            return Format::Json;
        }
        if trimmed.starts_with(b"{") {
            // Several lines each starting with '{' → NDJSON.
            let mut lines = trimmed.split(|&b| b == b'\n').filter(|l| !l.trim_ascii().is_empty());
            let first_closes = lines.next().is_some_and(|l| l.trim_ascii_end().ends_with(b"}"));
            let second = lines.next();
            if first_closes && second.is_some_and(|l| l.trim_ascii_start().starts_with(b"{")) {
                return Format::Ndjson;
            }
            return Format::Json;
        }
        let first_line = head.split(|&b| b == b'\n').next().unwrap_or(b"");
        let kv = first_line
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| w.iter().position(|&b| b == b'=').is_some_and(|p| p > 0))
            .count();
        if kv >= 2 {
            return Format::KeyValue;
        }
        Format::Text
    }
}

/// Per-document state shared by every chunk.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    pub format: Format,
    pub delim: u8,
    /// Per-column labels from the CSV header.
    pub header: Vec<Option<Label>>,
    /// Which record of the file is the header: 0, or 1 or 2 when title lines stand above it.
    pub header_at: usize,
    /// Per column: whether the header names a place's name or address (`pickup_point_name`,
    /// `store_address`): no person and no home there.
    pub place: Vec<bool>,
    /// Per column: whether it names a party of the row (`avsändare`, `consignee_name`): the
    /// address columns after it, up to the next party, are that party's.
    pub party: Vec<bool>,
    /// Per column: whether the header names the row's firm (`Company`, `Företag`): a firm
    /// named there makes the row's address the firm's.
    pub firm: Vec<bool>,
}

impl Ctx {
    /// Build from the first bytes of the document (`format` already resolved).
    pub fn new(format: Format, head: &[u8]) -> Ctx {
        let mut ctx = Ctx {
            format,
            delim: b',',
            header: Vec::new(),
            header_at: 0,
            place: Vec::new(),
            party: Vec::new(),
            firm: Vec::new(),
        };
        if format == Format::Csv {
            ctx.delim = sniff_delimiter(head);
            let mut p = 0;
            // A title line above the header ("Bankgirot – inbetalningar 2026-11-27 | Mottagare:
            // …") has fewer fields than the header: then the header is the first record of
            // short names (no digits) with the most fields.
            let mut records = Vec::new();
            while records.len() < 3
                && let Some(rec) = next_record(head, &mut p, ctx.delim)
            {
                let names = rec.iter().all(|f| {
                    let raw = &head[f.start..f.end];
                    raw.len() <= 40 && !raw.iter().any(u8::is_ascii_digit)
                });
                records.push((rec, names));
            }
            let widest = records.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
            let titled = records.first().is_some_and(|(r, _)| r.len() < widest);
            let labelled = |r: &[Field]| {
                r.iter()
                    .filter(|f| {
                        let raw = &head[f.start..f.end];
                        key_label(&String::from_utf8_lossy(&unquote(raw, f.quoted).0)).is_some()
                    })
                    .count()
            };
            if titled {
                ctx.header_at =
                    records.iter().position(|(r, names)| *names && r.len() == widest).unwrap_or(0);
            } else if records.first().is_some_and(|(r, _)| labelled(r) == 0) {
                // A table pulled from a scan has placeholder names ("Kolumn1,Kolumn2") over a
                // title row and the printed header: the header is the row whose cells name columns.
                ctx.header_at = records.iter().position(|(r, names)| *names && labelled(r) >= 2).unwrap_or(0);
            }
            if let Some((rec, _)) = records.get(ctx.header_at) {
                for f in rec {
                    let raw = &head[f.start..f.end];
                    let name = String::from_utf8_lossy(&unquote(raw, f.quoted).0).into_owned();
                    let place = crate::context::is_place_column(&name);
                    let label = if place { None } else { key_label(&name) };
                    ctx.party.push(
                        matches!(label, None | Some(Label::Person)) && crate::context::is_party_key(&name),
                    );
                    ctx.firm.push(crate::context::is_firm_key(&name));
                    ctx.header.push(label);
                    ctx.place.push(place);
                }
            }
        }
        ctx
    }
}

/// The most frequent of `,` `;` tab `|` outside quotes in the first line.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let cands = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(k) = cands.iter().position(|&c| c == b) {
                    counts[k] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for k in 1..4 {
        if counts[k] > counts[best] {
            best = k;
        }
    }
    cands[best]
}

/// Process a whole document in memory.
pub(crate) fn process_document(
    input: &[u8],
    format: Format,
    options: &Options,
) -> Result<(Vec<u8>, Vec<Finding>), DetectError> {
    let format = format.resolve(None, &input[..input.len().min(8192)]);
    let ctx = Ctx::new(format, input);
    let (out, cands) = process_chunk(input, &ctx, true, options)?;
    let mut counter = CharCounter::default();
    let findings = cands.iter().map(|c| counter.finding(input, c, 0, 0)).collect();
    Ok((out, findings))
}

/// Process one chunk of whole records. `first` is set for the chunk that starts the
/// document (it holds the CSV header).
pub(crate) fn process_chunk(
    chunk: &[u8],
    ctx: &Ctx,
    first: bool,
    options: &Options,
) -> Result<(Vec<u8>, Vec<Cand>), DetectError> {
    let mut out = Vec::with_capacity(chunk.len() + chunk.len() / 8);
    let mut cands = Vec::new();
    match ctx.format {
        Format::Text | Format::Auto => {
            cands = find(chunk, None, options);
            rewrite(chunk, &cands, options, &mut out);
        }
        Format::KeyValue => kv(chunk, options, &mut out, &mut cands),
        Format::Csv => csv(chunk, ctx, first, options, &mut out, &mut cands)?,
        Format::Json => {
            json(chunk, 0, options, &mut out, &mut cands)?;
        }
        Format::Ndjson => {
            let mut pos = 0;
            while pos < chunk.len() {
                let end = memchr::memchr(b'\n', &chunk[pos..]).map_or(chunk.len(), |k| pos + k + 1);
                let line = &chunk[pos..end];
                if line.trim_ascii().is_empty() {
                    out.extend_from_slice(line);
                } else {
                    json(line, pos, options, &mut out, &mut cands)?;
                }
                pos = end;
            }
        }
    }
    Ok((out, cands))
}

// ------------------------------------------------------------------- key=value

/// `key=value` pairs in a line: (key range, value range). Values may be double-quoted.
/// A byte range.
type Range = (usize, usize);

fn kv_pairs(line: &[u8], pairs: &mut Vec<(Range, Range)>) {
    pairs.clear();
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'=', &line[i..]) {
        let eq = i + k;
        let mut ks = eq;
        while ks > 0 && (line[ks - 1].is_ascii_alphanumeric() || matches!(line[ks - 1], b'_' | b'-' | b'.')) {
            ks -= 1;
        }
        let key_ok = ks < eq && (ks == 0 || matches!(line[ks - 1], b' ' | b'\t' | b',' | b';' | b'{' | b'['));
        let mut vs = eq + 1;
        let ve;
        if line.get(vs) == Some(&b'"') {
            vs += 1;
            let mut j = vs;
            while j < line.len() && line[j] != b'"' {
                j += if line[j] == b'\\' { 2 } else { 1 };
            }
            ve = j.min(line.len());
            i = (ve + 1).min(line.len());
        } else {
            let mut j = vs;
            while j < line.len() && !matches!(line[j], b' ' | b'\t' | b'\n' | b'\r' | b',' | b';') {
                j += 1;
            }
            ve = j;
            i = ve.max(eq + 1);
        }
        if key_ok && ve > vs {
            pairs.push(((ks, eq), (vs, ve)));
        }
        if i >= line.len() {
            break;
        }
    }
}

fn kv(chunk: &[u8], options: &Options, out: &mut Vec<u8>, cands: &mut Vec<Cand>) {
    let mut pairs = Vec::new();
    let mut pos = 0;
    while pos < chunk.len() {
        let end = memchr::memchr(b'\n', &chunk[pos..]).map_or(chunk.len(), |k| pos + k + 1);
        let line = &chunk[pos..end];
        kv_pairs(line, &mut pairs);
        let mut line_cands: Vec<Cand> = Vec::new();
        let mut hinted: Vec<(usize, usize)> = Vec::new();
        let who = kv_line_owner(line, &pairs);
        // A form's field written as a name/value pair ("field=date_of_birth value=…").
        let mut named: Option<Label> = None;
        for &((ks, ke), (vs, ve)) in &pairs {
            let key = String::from_utf8_lossy(&line[ks..ke]);
            let lower = key.to_lowercase();
            if matches!(lower.as_str(), "field" | "fält" | "falt" | "fieldname" | "field_name") {
                named = key_label(&String::from_utf8_lossy(&line[vs..ve]));
                continue;
            }
            let value_key = matches!(lower.as_str(), "value" | "värde" | "varde" | "ocr_text" | "ocr_value");
            if let Some(label) = key_label(&key).or(if value_key { named } else { None }) {
                hinted.push((vs, ve));
                let mut found = find(&line[vs..ve], Some(label), options);
                // A post-office box under an address key on a line that is nobody's
                // business is the person's own postal address (whole_field leaves boxes out).
                if label == Label::PostalAddress
                    && who == LineOwner::Open
                    && let Some(b) = crate::scan::whole_box_cell(&line[vs..ve])
                    && b.conf >= options.min_confidence
                {
                    found.retain(|c| c.end <= b.start || c.start >= b.end);
                    found.push(b);
                }
                for mut c in found {
                    c.start += vs;
                    c.end += vs;
                    line_cands.push(c);
                }
            }
        }
        // Text candidates inside a value with a telling key are left to the field's own
        // detection; those reaching past the value (unquoted values with spaces) are kept.
        for c in find(line, None, options) {
            if !hinted.iter().any(|&(s, e)| s <= c.start && c.end <= e) {
                line_cands.push(c);
            }
        }
        // A place's value (`court=`, `terminal=`, `pickup_point=`) holds the place's own
        // address, and a line that is a business's record (`name="… LLC"`, an orgnr) its own.
        if who != LineOwner::Open {
            line_cands.retain(|c| {
                c.label != Label::PostalAddress
                    || (who != LineOwner::BusinessKind
                        && !pairs.iter().any(|&((ks, ke), (vs, ve))| {
                            let key = String::from_utf8_lossy(&line[ks..ke]);
                            let owned = crate::context::is_place_key(&key)
                                || (who == LineOwner::Business
                                    && key_label(&key) == Some(Label::PostalAddress));
                            owned && vs <= c.start && c.end <= ve
                        }))
            });
        }
        let line_cands = crate::resolve(line_cands, options);
        rewrite(line, &line_cands, options, out);
        for mut c in line_cands {
            c.start += pos;
            c.end += pos;
            cands.push(c);
        }
        pos = end;
    }
}

/// Whose record a `key=value` line is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineOwner {
    /// A business's: a name key holds a firm's name, or an organisation number is given.
    Business,
    /// A business's by the record's kind ("type=business"): no address on it is a home.
    BusinessKind,
    /// A place key names where the address is (a court, a terminal, a pickup point).
    Place,
    /// Nothing says it is not a person's.
    Open,
}

fn kv_line_owner(line: &[u8], pairs: &[(Range, Range)]) -> LineOwner {
    let mut owner = LineOwner::Open;
    for &((ks, ke), (vs, ve)) in pairs {
        let key = String::from_utf8_lossy(&line[ks..ke]);
        match key_label(&key) {
            Some(Label::SeOrgnr) => return LineOwner::Business,
            Some(Label::Person) if crate::scan::names_a_business(&String::from_utf8_lossy(&line[vs..ve])) => {
                return LineOwner::Business;
            }
            _ => {}
        }
        // The record's kind says so ("type=business", "move_type=business", "rdi=commercial").
        let kind_key = key.ends_with("type") || key.ends_with("typ") || key == "kind" || key == "rdi";
        if kind_key
            && matches!(
                line[vs..ve].to_ascii_lowercase().as_slice(),
                b"business" | b"commercial" | b"retail" | b"company" | b"office" | b"foretag"
            )
        {
            return LineOwner::BusinessKind;
        }
        if crate::context::is_place_key(&key) {
            owner = LineOwner::Place;
        }
    }
    owner
}

// ------------------------------------------------------------------- CSV

#[derive(Clone, Copy, Debug)]
struct Field {
    start: usize,
    end: usize,
    quoted: bool,
}

/// The next record from `pos`: fields as raw ranges (quotes included for quoted fields).
/// Advances `pos` past the line break.
fn next_record(t: &[u8], pos: &mut usize, delim: u8) -> Option<Vec<Field>> {
    if *pos >= t.len() {
        return None;
    }
    let mut fields = Vec::new();
    let mut i = *pos;
    loop {
        let start = i;
        let quoted = t.get(i) == Some(&b'"');
        if quoted {
            i += 1;
            loop {
                match memchr::memchr(b'"', &t[i.min(t.len())..]) {
                    Some(k) => {
                        i += k + 1;
                        if t.get(i) == Some(&b'"') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    None => {
                        i = t.len();
                        break;
                    }
                }
            }
            // Anything up to the delimiter after the closing quote belongs to the field.
            while i < t.len() && t[i] != delim && t[i] != b'\n' && t[i] != b'\r' {
                i += 1;
            }
        } else {
            while i < t.len() && t[i] != delim && t[i] != b'\n' && t[i] != b'\r' {
                i += 1;
            }
        }
        fields.push(Field { start, end: i, quoted });
        match t.get(i) {
            Some(&b) if b == delim => i += 1,
            Some(b'\r') => {
                i += 1;
                if t.get(i) == Some(&b'\n') {
                    i += 1;
                }
                break;
            }
            Some(b'\n') => {
                i += 1;
                break;
            }
            _ => break,
        }
    }
    *pos = i;
    Some(fields)
}

/// The content of a raw field and, when quotes were removed or doubled quotes collapsed, a
/// map from content byte offsets to raw offsets (one entry per content byte, plus the end).
fn unquote(raw: &[u8], quoted: bool) -> (Vec<u8>, Option<Vec<usize>>) {
    if !quoted {
        return (raw.to_vec(), None);
    }
    let close = raw.iter().rposition(|&b| b == b'"').filter(|&p| p > 0).unwrap_or(raw.len());
    let inner = &raw[1.min(raw.len())..close];
    if memchr::memchr(b'"', inner).is_none() {
        let map = (0..=inner.len()).map(|k| k + 1).collect();
        return (inner.to_vec(), Some(map));
    }
    let mut content = Vec::with_capacity(inner.len());
    let mut map = Vec::with_capacity(inner.len() + 1);
    let mut k = 0;
    while k < inner.len() {
        content.push(inner[k]);
        map.push(k + 1);
        k += if inner[k] == b'"' && inner.get(k + 1) == Some(&b'"') { 2 } else { 1 };
    }
    map.push(k + 1);
    (content, Some(map))
}

/// Cells (column, raw bytes) naming a flat that repeat down most rows of their column, at
/// least four times: the one flat every row is about (the one every viewer came to see), not
/// each row's home. A building's street repeats down a tenant register; its flats do not.
fn shared_cells(chunk: &[u8], delim: u8) -> Vec<(usize, &[u8])> {
    let mut counts: std::collections::HashMap<(usize, &[u8]), usize> = std::collections::HashMap::new();
    let mut rows = 0usize;
    let mut pos = 0;
    while let Some(fields) = next_record(chunk, &mut pos, delim) {
        rows += 1;
        for (col, f) in fields.iter().enumerate() {
            let raw = &chunk[f.start..f.end];
            if (6..=120).contains(&raw.len()) && raw.iter().any(u8::is_ascii_digit) && names_a_flat(raw) {
                *counts.entry((col, raw)).or_insert(0) += 1;
            }
        }
    }
    counts.into_iter().filter(|&(_, n)| n >= 4 && 2 * n >= rows.saturating_sub(1)).map(|(k, _)| k).collect()
}

/// Whether a cell names a flat ("lgh 1202", "Flat 3", "Apt 4B").
fn names_a_flat(raw: &[u8]) -> bool {
    raw.split(|b| !b.is_ascii_alphabetic()).any(|w| {
        ["lgh", "flat", "apt", "apartment", "unit", "suite"]
            .iter()
            .any(|u| w.eq_ignore_ascii_case(u.as_bytes()))
    })
}

/// A person cell that says nobody lives or buys there: a vacancy, a test record, commercial
/// premises ("Lokal – Cykelaffären").
fn nobody(cell: &[u8]) -> bool {
    let text = String::from_utf8_lossy(cell).to_lowercase();
    let first = text.trim_matches([' ', '"']).split([' ', '-', '–', ',']).next().unwrap_or("");
    matches!(
        first,
        "vacant" | "vakant" | "ledig" | "ledigt" | "outhyrd" | "test" | "testkund" | "lokal" | "void"
    )
}

/// A cell that is only a vacancy word, whatever its column is called.
fn vacancy(cell: &[u8]) -> bool {
    let text = String::from_utf8_lossy(cell).to_lowercase();
    matches!(text.trim_matches([' ', '"']), "vacant" | "vakant" | "ledig" | "ledigt" | "outhyrd" | "void")
}

fn csv(
    chunk: &[u8],
    ctx: &Ctx,
    first: bool,
    options: &Options,
    out: &mut Vec<u8>,
    cands: &mut Vec<Cand>,
) -> Result<(), DetectError> {
    let mut pos = 0;
    let mut header_pending = first && !ctx.header.is_empty();
    let mut redacted = Vec::new();
    let mut rec_no = 0;
    let shared = shared_cells(chunk, ctx.delim);
    while pos < chunk.len() {
        let rec_start = pos;
        let Some(fields) = next_record(chunk, &mut pos, ctx.delim) else { break };
        rec_no += 1;
        // Title lines above the header are text: no column names them.
        let title = header_pending && rec_no <= ctx.header_at;
        if header_pending && !title {
            header_pending = false;
            out.extend_from_slice(&chunk[rec_start..pos]);
            continue;
        }
        let mut copied = rec_start;
        // A row whose name column names a business ("Helsinki Design Oy", "Rotary Club")
        // is the business's: its address columns hold its own address.
        let business = !title
            && fields.iter().enumerate().any(|(col, f)| {
                let named = ctx.header.get(col).copied().flatten() == Some(Label::Person)
                    || ctx.firm.get(col) == Some(&true);
                named && crate::scan::names_a_business(&String::from_utf8_lossy(&chunk[f.start..f.end]))
            });
        // With two parties in a row (a sender and a recipient), each address column is the
        // party's whose column stands last before it: a firm's address is only the firm's.
        let mut owner_business: Option<bool> = None;
        // A row whose person column says nobody is there ("VAKANT", "VACANT", "TEST", a
        // commercial "Lokal – …") has no person's address; a row that names someone makes
        // a post-office box in its address column that person's.
        let person_cells = || {
            fields
                .iter()
                .enumerate()
                .filter(|(col, _)| ctx.header.get(*col).copied().flatten() == Some(Label::Person))
        };
        let vacant = !title
            && (person_cells().any(|(_, f)| nobody(&chunk[f.start..f.end]))
                || fields.iter().any(|f| vacancy(&chunk[f.start..f.end])));
        let someone = !title && !business && !vacant && person_cells().any(|(_, f)| f.end > f.start);
        for (col, f) in fields.iter().enumerate() {
            let raw = &chunk[f.start..f.end];
            if !title && ctx.party.get(col) == Some(&true) && ctx.party.iter().filter(|&&p| p).count() >= 2 {
                owner_business = Some(crate::scan::names_a_business(&String::from_utf8_lossy(raw)));
            }
            if raw.is_empty() {
                continue;
            }
            let mut key = if title { None } else { ctx.header.get(col).copied().flatten() };
            // A cell that names the kind of the next one ("bankgiro,130-7271", "iban,SE45 …")
            // in a column the header does not name.
            if key.is_none()
                && !title
                && col > 0
                && let Some(p) = fields.get(col - 1)
                && p.end - p.start <= 16
                && let Ok(kind) = std::str::from_utf8(&chunk[p.start..p.end])
                && kind.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
            {
                key = key_label(kind).filter(|l| !matches!(l, Label::Person | Label::PostalAddress));
            }
            let (content, map) = unquote(raw, f.quoted);
            let mut found = find(&content, key, options);
            if owner_business.unwrap_or(business) || vacant || shared.contains(&(col, raw)) {
                found.retain(|c| c.label != Label::PostalAddress);
            }
            if !title && ctx.place.get(col) == Some(&true) {
                found.retain(|c| !matches!(c.label, Label::Person | Label::PostalAddress));
            }
            if someone
                && key == Some(Label::PostalAddress)
                && let Some(b) = crate::scan::whole_box_cell(&content)
                && b.conf >= options.min_confidence
            {
                found.retain(|c| c.end <= b.start || c.start >= b.end);
                let at = found.partition_point(|c| c.start < b.start);
                found.insert(at, b);
            }
            if found.is_empty() {
                continue;
            }
            redacted.clear();
            rewrite(&content, &found, options, &mut redacted);
            out.extend_from_slice(&chunk[copied..f.start]);
            let needs_quotes =
                f.quoted || redacted.iter().any(|&b| b == ctx.delim || b == b'"' || b == b'\n' || b == b'\r');
            if needs_quotes {
                out.push(b'"');
                for &b in &redacted {
                    if b == b'"' {
                        out.push(b'"');
                    }
                    out.push(b);
                }
                out.push(b'"');
            } else {
                out.extend_from_slice(&redacted);
            }
            copied = f.end;
            for mut c in found {
                let (s, e) = match &map {
                    Some(m) => {
                        (m.get(c.start).copied().unwrap_or(0), m.get(c.end).copied().unwrap_or(raw.len()))
                    }
                    None => (c.start, c.end),
                };
                c.start = f.start + s;
                c.end = f.start + e;
                cands.push(c);
            }
        }
        out.extend_from_slice(&chunk[copied..pos]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sniff() {
        assert_eq!(sniff_delimiter(b"a;b;\"c,d\"\n1;2;3"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(Format::Auto.resolve(None, b"{\"a\":1}\n{\"a\":2}\n"), Format::Ndjson);
        assert_eq!(Format::Auto.resolve(None, b"  [1,2]"), Format::Json);
        assert_eq!(Format::Auto.resolve(Some("x.csv"), b"a"), Format::Csv);
        assert_eq!(Format::Auto.resolve(None, b"ts=1 level=info msg=hi"), Format::KeyValue);
    }

    #[test]
    fn unquote_map() {
        let (c, m) = unquote(b"\"a\"\"b\"", true);
        assert_eq!(c, b"a\"b");
        assert_eq!(m.unwrap(), vec![1, 2, 4, 5]);
    }

    #[test]
    fn json_decode_map() {
        let (s, m) = json_decode(br#"a\nb\u00e9"#);
        assert_eq!(s, "a\nbé".as_bytes());
        assert_eq!(m.unwrap(), vec![0, 1, 3, 4, 4, 10]);
    }
}
