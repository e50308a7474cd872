//! Integration tests for sekretess-detect (one test binary, modules below).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod addresses_dates;
mod bank_accounts;
mod cards;
#[cfg(feature = "email")]
mod doc_email;
#[cfg(all(feature = "html", feature = "email"))]
mod doc_html;
#[cfg(feature = "office")]
mod doc_office;
#[cfg(feature = "pdf")]
mod doc_pdf;
#[cfg(all(feature = "pdf", feature = "office", feature = "email", feature = "html"))]
mod documents;
mod fixtures;
mod formats;
mod names;
mod operators;
mod peers;
mod phones_ids;
#[cfg(feature = "ocr")]
mod scans;
mod text;

use sekretess_detect::{Finding, Format, Label, Options, redact_str};

/// Findings for `text` in `format` with default options.
pub fn findings(text: &str, format: Format) -> Vec<Finding> {
    redact_str(text, format, &Options::default()).expect("redact").findings
}

/// The labels found exactly at `start..end` (bytes).
pub fn labels_at(fs: &[Finding], start: usize, end: usize) -> Vec<Label> {
    fs.iter().filter(|f| f.start_byte == start && f.end_byte == end).map(|f| f.label).collect()
}

/// The labels of findings overlapping `start..end` (bytes).
pub fn labels_over(fs: &[Finding], start: usize, end: usize) -> Vec<Label> {
    fs.iter().filter(|f| f.start_byte < end && start < f.end_byte).map(|f| f.label).collect()
}
