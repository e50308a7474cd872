//! Documents in container formats: PDF, OOXML (DOCX, XLSX, PPTX), ODF (ODT, ODS), e-mail
//! (`.eml`, mbox) and HTML (issue 17).
//!
//! A document is read whole (up to [`Limits::max_input`]), classified by its content (never
//! by its name, [`sniff`]), and rewritten by the processor of its kind: the text of every
//! place that can hold personal data is joined, run through the detector, and the findings
//! are removed from the output (true removal, not an overlay). A part that cannot be
//! inspected (an image, an encrypted or unknown binary …) is reported as
//! [`NotInspected`]; what happens to it is the caller's [`UninspectedPolicy`]. Under the
//! default policy, [`redact_document`] returns no output at all when anything was not
//! inspected: nothing uninspected passes as clean.

mod joined;
mod sniff;

#[cfg(feature = "email")]
mod email;
#[cfg(feature = "html")]
mod html;
#[cfg(feature = "office")]
mod office;
#[cfg(feature = "pdf")]
mod pdf;
#[cfg(feature = "ocr")]
mod scan;

use std::fmt;

pub use sniff::{Kind, SNIFF_LEN, sniff};

pub(crate) use joined::Joined;

use crate::{DetectError, Finding, Format, Options};

/// Bounds on what one document may make us read, unpack and hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input read whole, in bytes.
    pub max_input: u64,
    /// Largest total of bytes unpacked from one document (zip members, PDF streams,
    /// decoded e-mail parts), nested documents included.
    pub max_unpacked: u64,
    /// Largest ratio of unpacked to packed size of one compressed member or stream.
    pub max_ratio: u64,
    /// Deepest nesting of documents in documents (an attachment of an attachment …).
    pub max_depth: u32,
    /// Most pages of one PDF.
    pub max_pages: usize,
    /// Most objects of one PDF, or members of one zip package, or parts of one e-mail.
    pub max_objects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: 256 << 20,
            max_unpacked: 1 << 30,
            max_ratio: 200,
            max_depth: 8,
            max_pages: 10_000,
            max_objects: 1_000_000,
        }
    }
}

/// What to do with a part (or a whole input) that cannot be inspected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UninspectedPolicy {
    /// Report it and write no output for the document (the default: fail closed).
    #[default]
    Fail,
    /// Report it and leave it out: the part is removed from the output, a whole input is
    /// not written.
    Skip,
    /// Report it and copy it unchanged into the output (an explicit choice of the user).
    Copy,
}

/// Everything [`redact_document`] needs.
#[derive(Clone, Debug)]
pub struct DocOptions {
    /// What to find and how to replace it (the operator applies to text formats; in PDF
    /// a found glyph is always removed and boxed).
    pub detect: Options,
    /// Bounds.
    pub limits: Limits,
    /// Parts that cannot be inspected.
    pub uninspected: UninspectedPolicy,
    /// Scans (feature `ocr`): a page whose mean OCR word confidence (0–100, weighted by
    /// characters) is below this is not inspected ([`Reason::OcrLowConfidence`]).
    pub ocr_min_confidence: f32,
}

/// The default of [`DocOptions::ocr_min_confidence`] (docs/documents.md says how it was
/// chosen).
pub const DEFAULT_OCR_MIN_CONFIDENCE: f32 = 60.0;

impl Default for DocOptions {
    fn default() -> Self {
        DocOptions {
            detect: Options::default(),
            limits: Limits::default(),
            uninspected: UninspectedPolicy::default(),
            ocr_min_confidence: DEFAULT_OCR_MIN_CONFIDENCE,
        }
    }
}

/// Where in a document something is. It never holds a value from the document: attachments
/// are named by their position, parts by their path in the package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// Positions (1-based) of the attachments leading to the part, outermost first:
    /// `[2, 1]` is the first attachment of the second attachment.
    pub attachment: Vec<u32>,
    /// The part: a package member (`word/document.xml`), an e-mail header (`header:Subject`),
    /// `body`, or a PDF area such as `info` or `annotations`.
    pub part: Option<String>,
    /// The page (1-based) of a PDF.
    pub page: Option<u32>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if !self.attachment.is_empty() {
            let path: Vec<String> = self.attachment.iter().map(u32::to_string).collect();
            write!(f, "attachment {}", path.join("/"))?;
            sep = ", ";
        }
        if let Some(p) = &self.part {
            write!(f, "{sep}{p}")?;
            sep = ", ";
        }
        if let Some(p) = self.page {
            write!(f, "{sep}page {p}")?;
            sep = ", ";
        }
        if sep.is_empty() {
            f.write_str("document")?;
        }
        Ok(())
    }
}

/// Why something was not inspected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// An image (PNG, JPEG, …), or a PDF page that is only an image.
    Image,
    /// An encrypted PDF.
    EncryptedPdf,
    /// A zip archive with encrypted members.
    EncryptedArchive,
    /// An OLE compound file: legacy Office (`.doc`, `.xls`), an encrypted Office file,
    /// an embedded OLE object or a macro project.
    OleBinary,
    /// Signed or encrypted e-mail (S/MIME, PGP) or TNEF (`winmail.dat`).
    SealedMessage,
    /// A container or format this build does not read (a plain zip archive, ODP …).
    Unsupported,
    /// Bytes of no known format.
    UnknownBinary,
    /// Support for the format was not compiled in (a cargo feature is off).
    NotBuilt,
    /// A scanned page (an image, a PDF page image) whose OCR confidence is below
    /// [`DocOptions::ocr_min_confidence`]: too unclear to say it holds nothing.
    OcrLowConfidence,
    /// The OCR engine could not be started (library or language data missing).
    OcrUnavailable,
}

impl Reason {
    /// A stable name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Image => "image",
            Reason::EncryptedPdf => "encrypted-pdf",
            Reason::EncryptedArchive => "encrypted-archive",
            Reason::OleBinary => "ole-binary",
            Reason::SealedMessage => "sealed-message",
            Reason::Unsupported => "unsupported-format",
            Reason::UnknownBinary => "unknown-binary",
            Reason::NotBuilt => "format-not-built",
            Reason::OcrLowConfidence => "ocr-low-confidence",
            Reason::OcrUnavailable => "ocr-unavailable",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rectangle in an image, in pixels from its top-left corner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PixelBox {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// One finding in a document.
#[derive(Clone, Debug, PartialEq)]
pub struct DocFinding {
    /// Where it is.
    pub place: Place,
    /// What it is; the offsets are into the text of its part (or page: for a scan, the text
    /// OCR read, joined by lines).
    pub finding: Finding,
    /// In a scanned image: the boxes filled, one per line the finding spans (empty
    /// elsewhere).
    pub boxes: Vec<PixelBox>,
}

/// A part that was not inspected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotInspected {
    /// Where it is (an empty place: the whole input).
    pub place: Place,
    /// Why.
    pub reason: Reason,
}

/// The result of [`redact_document`].
#[derive(Clone, Debug)]
pub struct RedactedDocument {
    /// What the input was.
    pub kind: Kind,
    /// The redacted document; `None` when it must not be written (something was not
    /// inspected under [`UninspectedPolicy::Fail`], or the whole input under `Skip`).
    pub output: Option<Vec<u8>>,
    /// Findings in document order.
    pub findings: Vec<DocFinding>,
    /// Parts that were not inspected.
    pub not_inspected: Vec<NotInspected>,
}

/// Redact a whole document held in memory, of any supported kind (text formats included:
/// `text_format` says how to read them, usually [`Format::Auto`]).
pub fn redact_document(
    input: &[u8],
    text_format: Format,
    options: &DocOptions,
) -> Result<RedactedDocument, DetectError> {
    options.detect.check()?;
    if input.len() as u64 > options.limits.max_input {
        return Err(DetectError::Limit { limit: "max_input", max: options.limits.max_input });
    }
    let kind = sniff(input);
    let mut cx = Cx::new(options);
    let out = cx.redact(input, kind, text_format)?;
    let fail = options.uninspected == UninspectedPolicy::Fail && !cx.not_inspected.is_empty();
    Ok(RedactedDocument {
        kind,
        output: if fail { None } else { out },
        findings: cx.findings,
        not_inspected: cx.not_inspected,
    })
}

/// The state of one [`redact_document`] run, passed to every format processor.
pub(crate) struct Cx<'a> {
    pub opts: &'a DocOptions,
    /// Attachment path of the document being processed.
    pub at: Vec<u32>,
    /// Bytes unpacked so far (all nesting levels).
    pub unpacked: u64,
    pub findings: Vec<DocFinding>,
    pub not_inspected: Vec<NotInspected>,
}

/// What to do with a part that was not inspected, per the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Disposition {
    /// Keep the part unchanged ([`UninspectedPolicy::Copy`]).
    Keep,
    /// Remove the part, or replace it by an empty or blank equivalent.
    Drop,
}

impl<'a> Cx<'a> {
    pub fn new(opts: &'a DocOptions) -> Self {
        Cx { opts, at: Vec::new(), unpacked: 0, findings: Vec::new(), not_inspected: Vec::new() }
    }

    pub fn options(&self) -> &Options {
        &self.opts.detect
    }

    pub fn limits(&self) -> &Limits {
        &self.opts.limits
    }

    /// A place in the current document.
    pub fn place(&self, part: Option<&str>, page: Option<u32>) -> Place {
        Place { attachment: self.at.clone(), part: part.map(str::to_owned), page }
    }

    /// Record a finding.
    pub fn found(&mut self, part: Option<&str>, page: Option<u32>, finding: Finding) {
        let place = self.place(part, page);
        self.findings.push(DocFinding { place, finding, boxes: Vec::new() });
    }

    /// Record a part that cannot be inspected; the answer says what to do with it.
    pub fn not_inspected(&mut self, part: Option<&str>, page: Option<u32>, reason: Reason) -> Disposition {
        let place = self.place(part, page);
        self.not_inspected.push(NotInspected { place, reason });
        if self.opts.uninspected == UninspectedPolicy::Copy { Disposition::Keep } else { Disposition::Drop }
    }

    /// Count `n` more unpacked bytes against [`Limits::max_unpacked`].
    pub fn unpack(&mut self, n: u64) -> Result<(), DetectError> {
        self.unpacked = self.unpacked.saturating_add(n);
        if self.unpacked > self.opts.limits.max_unpacked {
            return Err(DetectError::Limit { limit: "max_unpacked", max: self.opts.limits.max_unpacked });
        }
        Ok(())
    }

    /// Check a compressed member's ratio against [`Limits::max_ratio`] (packed size of 0
    /// counts as 1).
    pub fn check_ratio(&self, packed: u64, unpacked: u64) -> Result<(), DetectError> {
        let max = self.opts.limits.max_ratio;
        if unpacked > 4096 && unpacked / packed.max(1) > max {
            return Err(DetectError::Limit { limit: "max_ratio", max });
        }
        Ok(())
    }

    /// Redact one string in place of the document (a property, an attribute, a header):
    /// the findings are recorded and the redacted text returned, `None` when nothing was
    /// found.
    pub fn redact_text(&mut self, part: Option<&str>, page: Option<u32>, text: &str) -> Option<String> {
        let mut j = Joined::default();
        j.push(text);
        let mut pieces = j.redact(self, part, page)?;
        pieces.pop()
    }

    /// Redact a nested document (an attachment, an embedded package) at position `index`
    /// (1-based) of the current one. `Some`: the bytes to put in its place (redacted, or the
    /// original when it could not be inspected and the policy keeps such parts); `None`:
    /// it could not be inspected (already recorded) and is to be removed.
    pub fn nested(&mut self, index: u32, input: &[u8]) -> Result<Option<Vec<u8>>, DetectError> {
        self.nested_as(index, input, sniff(input))
    }

    /// [`Cx::nested`] for a part whose kind its container already says (a forwarded
    /// `message/rfc822` is a message whatever its first bytes look like).
    pub fn nested_as(
        &mut self,
        index: u32,
        input: &[u8],
        kind: Kind,
    ) -> Result<Option<Vec<u8>>, DetectError> {
        let depth = u32::try_from(self.at.len()).unwrap_or(u32::MAX);
        if depth >= self.opts.limits.max_depth {
            return Err(DetectError::Limit {
                limit: "max_depth",
                max: u64::from(self.opts.limits.max_depth),
            });
        }
        self.at.push(index);
        let result = self.redact(input, kind, Format::Auto);
        self.at.pop();
        result
    }

    /// Dispatch on the kind. `None`: the whole input was not inspected and is not to be
    /// written.
    fn redact(
        &mut self,
        input: &[u8],
        kind: Kind,
        text_format: Format,
    ) -> Result<Option<Vec<u8>>, DetectError> {
        let whole = |cx: &mut Self, reason| match cx.not_inspected(None, None, reason) {
            Disposition::Keep => Ok(Some(input.to_vec())),
            Disposition::Drop => Ok(None),
        };
        match kind {
            Kind::Text => {
                let (bytes, findings) = crate::format::process_document(input, text_format, self.options())?;
                for f in findings {
                    self.found(None, None, f);
                }
                Ok(Some(bytes))
            }
            #[cfg(feature = "ocr")]
            Kind::Image => scan::redact_image(input, self),
            #[cfg(not(feature = "ocr"))]
            Kind::Image => whole(self, Reason::Image),
            Kind::Ole => whole(self, Reason::OleBinary),
            Kind::Binary => whole(self, Reason::UnknownBinary),
            #[cfg(feature = "pdf")]
            Kind::Pdf => pdf::redact(input, self),
            #[cfg(feature = "office")]
            Kind::Zip => office::redact(input, self),
            #[cfg(feature = "email")]
            Kind::Email | Kind::Mbox => email::redact(input, kind, self),
            #[cfg(feature = "html")]
            Kind::Html => html::redact(input, self),
            #[allow(unreachable_patterns)]
            _ => whole(self, Reason::NotBuilt),
        }
    }
}
