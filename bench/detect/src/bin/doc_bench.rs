//! Time `redact_document` on one document (issue 17 targets), one thread.
//!
//! ```text
//! doc_bench IN OUT
//! ```
//! Reads IN, redacts it with the default options, writes OUT, and prints one line:
//! `seconds peak_mb findings not_inspected` — wall time of `redact_document` alone (the
//! file read and write excluded) and the process's peak resident memory (`VmHWM`), which
//! includes the input and output buffers. Run one process per document so each peak is its
//! own.
#![forbid(unsafe_code)]

use std::time::Instant;

use anyhow::{Context, bail};
use sekretess_detect::Format;
use sekretess_detect::doc::{DocOptions, redact_document};

/// Peak resident set size of this process in MB (Linux `/proc/self/status`, `VmHWM`).
fn peak_mb() -> anyhow::Result<f64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .context("no VmHWM")?
        .parse()?;
    Ok(kb / 1024.0)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = &args[..] else { bail!("usage: doc_bench IN OUT") };
    let bytes = std::fs::read(input).with_context(|| format!("reading {input}"))?;
    let started = Instant::now();
    let doc = redact_document(&bytes, Format::Auto, &DocOptions::default())?;
    let secs = started.elapsed().as_secs_f64();
    let Some(out) = doc.output else {
        let reasons: Vec<&str> = doc.not_inspected.iter().map(|n| n.reason.as_str()).collect();
        bail!("no output: not inspected {reasons:?}");
    };
    std::fs::write(output, out).with_context(|| format!("writing {output}"))?;
    println!("{secs:.3} {:.1} {} {}", peak_mb()?, doc.findings.len(), doc.not_inspected.len());
    Ok(())
}
