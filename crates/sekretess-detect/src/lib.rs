//! PII detection and redaction (DESIGN.md section 9, issue 4).
//!
//! Usable on its own: this crate knows nothing of the vault. The entry points are
//! [`redact_str`] (a whole document in memory, e.g. for `POST /v1/redact`), [`redact_stream`]
//! (any size, bounded memory, parallel across cores) and [`detect`] (findings only).
//!
//! Invalid UTF-8 is passed through unchanged (see `docs/redaction.md`): bytes that are not
//! valid UTF-8 are copied to the output as they are and are never part of a finding; each such
//! byte counts as one character in character offsets.
#![forbid(unsafe_code)]

mod context;
pub mod doc;
mod format;
mod label;
mod lexicon;
#[doc(hidden)]
pub mod names;
mod operator;
mod scan;
mod stream;
mod wordset;

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

pub use format::Format;
pub use label::{Label, UnknownLabel};
pub use operator::{MASK, Operator, Replacer};

pub use stream::{Summary, redact_stream};

/// Checksum helpers (the rules of `sekretess-ident`), exposed for tests and benchmarks.
pub mod validate {
    pub use sekretess_ident::{card_brand, iban_mod97, is_card, is_iban, is_ssn, luhn, orgnr, personnummer};
}

/// Errors. They never contain any part of the document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DetectError {
    /// Reading or writing failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The input is not well-formed in the format asked for.
    #[error("malformed {format} input at byte {offset}")]
    Syntax {
        /// The format's name.
        format: &'static str,
        /// Byte offset of the problem in the input.
        offset: u64,
    },
    /// A record (CSV record, NDJSON line or JSON document) is larger than the limit.
    #[error("a {format} record starting at byte {offset} is larger than {limit} bytes")]
    TooLarge {
        /// The format's name.
        format: &'static str,
        /// Byte offset where the record starts.
        offset: u64,
        /// The limit in bytes.
        limit: usize,
    },
    /// The operator name is not known.
    #[error("unknown operator (expected mask, partial, partial6, label, hash, keep or fixed:TEXT)")]
    UnknownOperator,
    /// The hash operator needs a key.
    #[error("the hash operator needs a key (Options::hash_key)")]
    MissingHashKey,
    /// A document exceeds one of the [`doc::Limits`]; it is refused whole.
    #[error("refused: the document exceeds the limit {limit} ({max})")]
    Limit {
        /// The limit's name (a field of [`doc::Limits`]).
        limit: &'static str,
        /// Its value.
        max: u64,
    },
    /// A document is damaged or not what its structure claims.
    #[error("damaged {format} document: {what}")]
    Damaged {
        /// The format's name.
        format: &'static str,
        /// What is wrong, in words fixed in the code (never text from the document).
        what: &'static str,
    },
}

/// One piece of personal data found. It holds positions, never the value itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Finding {
    /// What was found.
    pub label: Label,
    /// 0.0 ..= 1.0.
    pub confidence: f32,
    /// The recognizer that found it (`card_luhn`, `se_personnummer`, `person_lexicon` …).
    pub recognizer: &'static str,
    /// Byte offset of the first byte in the input.
    pub start_byte: usize,
    /// Byte offset just past the last byte in the input.
    pub end_byte: usize,
    /// Character (Unicode scalar value) offset of the start in the input.
    pub start: usize,
    /// Character offset just past the end in the input.
    pub end: usize,
}

/// A hook that sees every text the detector scans and may add spans to it; used by the
/// vault to find its own customers' names (which no lexicon knows) without this crate
/// knowing the vault.
pub trait SpanHook: Send + Sync {
    /// `text` is one text scanned (a whole document, a CSV field, a JSON value, a PDF
    /// page …); `found` is what the detector kept in it (sorted, non-overlapping byte ranges
    /// with their labels). Returns extra spans (byte ranges of `text` on character
    /// boundaries, each with its label). They are resolved against the findings like any
    /// candidate, with confidence 1.0, and then found and replaced like any finding.
    fn spans(&self, text: &str, found: &[(Range<usize>, Label)]) -> Vec<(Range<usize>, Label)>;
}

/// What to find and how to replace it.
#[derive(Clone)]
pub struct Options {
    /// Findings below this confidence are neither reported nor replaced. Default 0.5.
    pub min_confidence: f32,
    /// The operator for labels without their own. Default [`Operator::Mask`].
    pub operator: Operator,
    /// Operators for single labels, overriding `operator`.
    pub per_label: Vec<(Label, Operator)>,
    /// Only these labels (`None`: all).
    pub labels: Option<Vec<Label>>,
    /// Key for [`Operator::Hash`].
    pub hash_key: Vec<u8>,
    /// Worker threads for large inputs (0: the number of CPUs).
    pub threads: usize,
    /// Block size for streaming, in bytes (default 1 MiB, which keeps peak memory under
    /// 64 MB with two threads; docs/benchmarks.md). Memory use grows with
    /// `threads * block_size`.
    pub block_size: usize,
    /// A hook that may add spans to every text scanned (`None`: the default).
    pub spans: Option<Arc<dyn SpanHook>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_confidence: 0.5,
            operator: Operator::Mask,
            per_label: Vec::new(),
            labels: None,
            hash_key: Vec::new(),
            threads: 0,
            block_size: 1 << 20,
            spans: None,
        }
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("min_confidence", &self.min_confidence)
            .field("operator", &self.operator)
            .field("per_label", &self.per_label)
            .field("labels", &self.labels)
            .field("hash_key", &"<redacted>")
            .field("threads", &self.threads)
            .field("block_size", &self.block_size)
            .field("spans", &self.spans.as_ref().map(|_| ".."))
            .finish()
    }
}

impl Options {
    /// The operator used for `label`.
    pub fn operator_for(&self, label: Label) -> &Operator {
        self.per_label.iter().find(|(l, _)| *l == label).map_or(&self.operator, |(_, op)| op)
    }

    fn wants(&self, label: Label) -> bool {
        self.labels.as_ref().is_none_or(|ls| ls.contains(&label))
    }

    pub(crate) fn check(&self) -> Result<(), DetectError> {
        let uses_hash = matches!(self.operator, Operator::Hash)
            || self.per_label.iter().any(|(_, op)| matches!(op, Operator::Hash));
        if uses_hash && self.hash_key.is_empty() {
            return Err(DetectError::MissingHashKey);
        }
        Ok(())
    }
}

/// A redacted document and what was found in it.
#[derive(Clone, Debug)]
pub struct Redacted {
    /// The document with every finding replaced.
    pub text: String,
    /// The findings, in document order, with offsets into the input.
    pub findings: Vec<Finding>,
}

/// Find personal data in plain text (findings only).
pub fn detect(text: &str, options: &Options) -> Vec<Finding> {
    let cands = find(text.as_bytes(), None, options);
    let mut out = Vec::with_capacity(cands.len());
    let mut counter = CharCounter::default();
    for c in cands {
        out.push(counter.finding(text.as_bytes(), &c, 0, 0));
    }
    out
}

/// Redact a whole document held in memory.
pub fn redact_str(text: &str, format: Format, options: &Options) -> Result<Redacted, DetectError> {
    options.check()?;
    let (out, findings) = format::process_document(text.as_bytes(), format, options)?;
    let text = String::from_utf8(out).map_err(|e| DetectError::Syntax {
        format: "utf-8",
        offset: u64::try_from(e.utf8_error().valid_up_to()).unwrap_or(u64::MAX),
    })?;
    Ok(Redacted { text, findings })
}

/// Redact a whole document held in memory, as bytes (invalid UTF-8 passed through).
pub fn redact_bytes(
    input: &[u8],
    format: Format,
    options: &Options,
) -> Result<(Vec<u8>, Vec<Finding>), DetectError> {
    options.check()?;
    format::process_document(input, format, options)
}

/// Candidates of one text (or field value), resolved and filtered: sorted, non-overlapping.
pub(crate) fn find(text: &[u8], key: Option<Label>, options: &Options) -> Vec<scan::Cand> {
    // Validated once for the scanner and the tagger, which cut words from it.
    let ts = std::str::from_utf8(text).ok();
    let mut cands = scan_in(text, ts, key, options);
    names::apply(text, ts, key, &mut cands);
    cands.retain(|c| scan::bounded(text, c));
    let found = resolve(cands, options);
    match &options.spans {
        Some(hook) => with_hook(text, found, hook.as_ref(), options),
        None => found,
    }
}

/// The scanner's candidates of one text, before the PERSON model and resolution.
pub(crate) fn scan_only(text: &[u8], key: Option<Label>, options: &Options) -> Vec<scan::Cand> {
    scan_in(text, std::str::from_utf8(text).ok(), key, options)
}

/// `scan_only`, with `ts` what `str::from_utf8` makes of `text`.
fn scan_in(text: &[u8], ts: Option<&str>, key: Option<Label>, options: &Options) -> Vec<scan::Cand> {
    let mut sc = scan::Scanner::new(text, ts, key);
    sc.floor = options.min_confidence;
    let whole = key.and_then(|k| scan::whole_field(text, k));
    if let Some(c) = whole {
        sc.out.push(c);
    }
    sc.run();
    // A field whose name says it holds an address ("Address": "Flat 2, 11 Cathedral Road,
    // Cardiff") is one address: the street the scanner found inside it is a part of it.
    if let Some(w) = whole.filter(|w| w.label == Label::PostalAddress) {
        // A postcode alone under an address key ("zip=01304-001", a `cep` column) is the
        // postcode, not a phone number of the same digits.
        let digits = text[w.start..w.end].iter().filter(|b| b.is_ascii_digit()).count();
        let code_only = digits <= 9 && !text[w.start..w.end].iter().any(u8::is_ascii_alphabetic);
        sc.out.retain(|c| {
            if c.label == Label::Phone {
                return !(code_only && c.start == w.start && c.end == w.end);
            }
            c.label != Label::PostalAddress
                || (c.start == w.start && c.end == w.end)
                || c.start < w.start
                || c.end > w.end
        });
    }
    sc.out
}

/// Adds the hook's spans to `found` (each valid UTF-8 stretch of `text` is shown to the hook
/// on its own) and resolves again.
fn with_hook(
    text: &[u8],
    mut found: Vec<scan::Cand>,
    hook: &dyn SpanHook,
    options: &Options,
) -> Vec<scan::Cand> {
    let mut extra = Vec::new();
    let mut base = 0;
    for chunk in text.utf8_chunks() {
        let valid = chunk.valid();
        let end = base + valid.len();
        if !valid.is_empty() {
            let seen: Vec<(Range<usize>, Label)> = found
                .iter()
                .filter(|c| c.start >= base && c.end <= end)
                .map(|c| (c.start - base..c.end - base, c.label))
                .collect();
            for (r, label) in hook.spans(valid, &seen) {
                let ok = r.start < r.end
                    && r.end <= valid.len()
                    && valid.is_char_boundary(r.start)
                    && valid.is_char_boundary(r.end);
                if ok {
                    let c = scan::Cand {
                        start: base + r.start,
                        end: base + r.end,
                        label,
                        conf: 1.0,
                        rec: "span_hook",
                    };
                    if scan::bounded(text, &c) {
                        extra.push(c);
                    }
                }
            }
        }
        base = end + chunk.invalid().len();
    }
    if extra.is_empty() {
        return found;
    }
    found.extend(extra);
    resolve(found, options)
}

/// Overlap resolution: most specific label first (checksum-validated identifiers beat
/// patterns, patterns beat lexicon matches), then higher confidence, then longer span.
pub(crate) fn resolve(mut cands: Vec<scan::Cand>, options: &Options) -> Vec<scan::Cand> {
    cands.retain(|c| c.conf >= options.min_confidence && c.end > c.start && options.wants(c.label));
    if cands.len() <= 1 {
        return cands;
    }
    cands.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out = Vec::with_capacity(cands.len());
    // Clusters of transitively overlapping candidates; most clusters have one member.
    let mut k = 0;
    while k < cands.len() {
        let mut end = cands[k].end;
        let mut j = k + 1;
        while j < cands.len() && cands[j].start < end {
            end = end.max(cands[j].end);
            j += 1;
        }
        if j == k + 1 {
            out.push(cands[k]);
        } else {
            resolve_cluster(&mut cands[k..j], &mut out);
        }
        k = j;
    }
    out
}

fn resolve_cluster(cluster: &mut [scan::Cand], out: &mut Vec<scan::Cand>) {
    cluster.sort_by(|a, b| {
        b.label
            .tier()
            .cmp(&a.label.tier())
            .then(b.conf.total_cmp(&a.conf))
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let first = out.len();
    for c in cluster.iter() {
        if !out[first..].iter().any(|t| t.start < c.end && c.start < t.end) {
            out.push(*c);
        }
    }
    out[first..].sort_by_key(|c| c.start);
}

/// Turns byte offsets into character offsets, for offsets given in increasing order.
#[derive(Default)]
pub(crate) struct CharCounter {
    byte: usize,
    chars: usize,
}

/// Characters in `bytes`; each byte of an invalid sequence counts as one.
pub(crate) fn count_chars(bytes: &[u8]) -> usize {
    // ASCII, or valid UTF-8 (nearly always): no per-chunk walk.
    if bytes.is_ascii() {
        return bytes.len();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.chars().count();
    }
    let mut n = 0;
    for chunk in bytes.utf8_chunks() {
        n += chunk.valid().chars().count() + chunk.invalid().len();
    }
    n
}

impl CharCounter {
    /// Character offset of byte `b` of `text` (`b` not below the previous call's); `ts` is
    /// what `str::from_utf8` makes of `text`, if known: a stretch of valid text between
    /// character boundaries is then counted without validating it again.
    fn at(&mut self, text: &[u8], ts: Option<&str>, b: usize) -> usize {
        if b < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += match ts.and_then(|ts| ts.get(self.byte..b)) {
            Some(s) => s.chars().count(),
            None => count_chars(&text[self.byte..b]),
        };
        self.byte = b;
        self.chars
    }

    pub(crate) fn finding(
        &mut self,
        text: &[u8],
        c: &scan::Cand,
        base_byte: usize,
        base_char: usize,
    ) -> Finding {
        self.finding_in(text, None, c, base_byte, base_char)
    }

    /// `finding`, with `ts` what `str::from_utf8` makes of `text`.
    pub(crate) fn finding_in(
        &mut self,
        text: &[u8],
        ts: Option<&str>,
        c: &scan::Cand,
        base_byte: usize,
        base_char: usize,
    ) -> Finding {
        let start = self.at(text, ts, c.start);
        let end = self.at(text, ts, c.end);
        Finding {
            label: c.label,
            confidence: (c.conf * 100.0).round() / 100.0,
            recognizer: c.rec,
            start_byte: base_byte + c.start,
            end_byte: base_byte + c.end,
            start: base_char + start,
            end: base_char + end,
        }
    }
}

/// Write `text` with `cands` (sorted, non-overlapping, offsets into `text`) replaced.
pub(crate) fn rewrite(text: &[u8], cands: &[scan::Cand], options: &Options, out: &mut Vec<u8>) {
    let mut pos = 0;
    let mut s = String::new();
    for c in cands {
        out.extend_from_slice(&text[pos..c.start]);
        s.clear();
        match std::str::from_utf8(&text[c.start..c.end]) {
            Ok(v) => options.operator_for(c.label).apply(v, c.label, &options.hash_key, &mut s),
            Err(_) => {
                for _ in c.start..c.end {
                    s.push(MASK);
                }
            }
        }
        out.extend_from_slice(s.as_bytes());
        pos = c.end;
    }
    out.extend_from_slice(&text[pos..]);
}
