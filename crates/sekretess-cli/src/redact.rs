//! `sekretess redact` (issue 4).

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use sekretess_detect::doc::{self, DocOptions, Kind, NotInspected, Place, UninspectedPolicy};
use sekretess_detect::{Finding, Format, Label, Operator, Options, redact_stream};

const HELP: &str = "\
Reads standard input and writes standard output when no file is given. A single file without
--out is written to standard output; several files or folders need --out DIR, where the
redacted copies keep the folder structure. Folders are walked recursively; a progress bar is
shown when standard error is a terminal.

Labels: CARD_NUMBER, US_SSN, SE_PERSONNUMMER, SE_ORGNR, IBAN, SE_BANK_ACCOUNT, EMAIL, PHONE,
IP_ADDRESS, DATE_OF_BIRTH, POSTAL_ADDRESS, PERSON.

Operators: mask (\u{2588} per character, the default), fixed:TEXT, partial (last 4 kept),
partial6 (card numbers keep first 6 + last 4, others last 4), label ([LABEL]),
hash ([LABEL:hex], keyed by --hash-key-file or SEKRETESS_HASH_KEY), keep (report only).

Every input is classified by its content, never by its name: PDF, DOCX, XLSX, PPTX, ODT,
ODS, HTML, e-mail (.eml) and mbox are redacted by true removal (docs/documents.md); everything
else that is text is read as --format says. Text formats: text and kv pass invalid UTF-8
through unchanged; csv has a header row and a sniffed delimiter (, ; tab |); json keeps its
structure and uses keys as context; ndjson is one JSON document per line.

Nothing uninspected passes as clean: an input or a part that cannot be inspected (an image,
an encrypted PDF or archive, a legacy .doc/.xls or other OLE binary, signed or encrypted mail,
unknown binary data) is reported with its reason, and by default its document is not written
at all and the run exits 3. --uninspected skip leaves such parts (or files) out of the
output; --uninspected copy copies them unchanged. Both are explicit choices and exit 0.

Exit status: 0 done (with --check: nothing found); 1 --check found personal data;
2 usage or input error (a damaged document, a limit exceeded); 3 something was not inspected
(with --uninspected fail, the default).

Examples:
  sekretess redact < letter.txt > letter.redacted.txt
  sekretess redact --operator label --operator CARD_NUMBER=partial6 invoices/ --out clean/
  sekretess redact --check --report findings.json export.csv
  sekretess redact --uninspected skip mail/ --out archive/
  sekretess redact --vault --group retail letters/ --out coded/";

/// Find and black out personal data in documents.
#[derive(clap::Args, Debug)]
#[command(after_help = HELP)]
pub struct RedactArgs {
    /// Files or folders to redact (none: standard input).
    #[arg(value_name = "FILES|DIRS")]
    pub paths: Vec<PathBuf>,

    /// Folder for the redacted files (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// How text is read (documents are recognised by their content whatever this says);
    /// auto decides from the file name and the first bytes.
    #[arg(long, default_value = "auto", value_parser = ["auto", "text", "kv", "csv", "json", "ndjson"])]
    pub format: String,

    /// Operator: NAME for every label, or LABEL=NAME for one label (repeatable).
    #[arg(long = "operator", value_name = "[LABEL=]NAME", default_value = "mask")]
    pub operators: Vec<String>,

    /// Only findings at or above this confidence (0.0 to 1.0) are redacted and reported.
    #[arg(long, default_value_t = 0.5, value_name = "0..1")]
    pub min_confidence: f32,

    /// Only these labels (comma-separated); default all.
    #[arg(long, value_delimiter = ',', value_name = "LABEL,…")]
    pub labels: Vec<String>,

    /// Write the findings as JSON (positions, label, confidence, recognizer; never values).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Redact nothing; exit 1 if anything is found (for pre-commit hooks and pipelines).
    #[arg(long)]
    pub check: bool,

    /// File holding the key for the hash operator (its first line; keep it private). The
    /// environment variable SEKRETESS_HASH_KEY may hold the key instead; it is never taken on
    /// the command line, where other users could read it.
    #[arg(long, value_name = "FILE")]
    pub hash_key_file: Option<PathBuf>,

    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,

    /// What to do with an input or part that cannot be inspected: fail (report it, write
    /// nothing of its document, exit 3), skip (leave it out) or copy (copy it unchanged).
    #[arg(long, default_value = "fail", value_parser = ["fail", "skip", "copy"])]
    pub uninspected: String,

    /// Scans (images, image-only PDF pages): a page whose mean OCR word confidence (0 to
    /// 100) is below this is reported as not inspected (reason ocr-low-confidence) instead of
    /// passing as clean. Lower it to accept poorer scans, at the risk of missed values.
    #[arg(long, default_value_t = doc::DEFAULT_OCR_MIN_CONFIDENCE, value_name = "0..100")]
    pub ocr_min_confidence: f32,

    /// Redact on the server, with the vault's known customers: every mention of a customer
    /// the API key may reach (name, e-mail, phone, identifiers) becomes their customer code,
    /// e.g. [K7Q4-M92D-J3X8]; everything else is masked. Needs the redact and
    /// customers:find scopes; the files are sent over HTTPS, nothing is filed. Takes
    /// --out, --uninspected and the server flags; the operator is code, or with
    /// `--operator token --group G` every finding becomes a token of group G (cards and
    /// personnummer format-preserving, the rest dtk_…; needs the tokens:create scope).
    #[arg(long)]
    pub vault: bool,

    /// With --vault: look customers up in this group only (default: every group the key
    /// may reach); with --operator token: the group the tokens belong to.
    #[arg(long, value_name = "GROUP", requires = "vault")]
    pub group: Option<String>,
}

impl RedactArgs {
    fn options(&self) -> anyhow::Result<Options> {
        let mut opts =
            Options { min_confidence: self.min_confidence, threads: self.threads, ..Options::default() };
        if !(0.0..=1.0).contains(&self.min_confidence) {
            bail!("--min-confidence must be between 0 and 1");
        }
        for spec in &self.operators {
            match spec.split_once('=') {
                Some((label, op)) if !label.contains(':') => {
                    let label: Label = label.parse().context("in --operator LABEL=NAME")?;
                    let op: Operator = op.parse().context("in --operator LABEL=NAME")?;
                    opts.per_label.retain(|(l, _)| *l != label);
                    opts.per_label.push((label, op));
                }
                _ => opts.operator = spec.parse().context("in --operator")?,
            }
        }
        if !self.labels.is_empty() {
            let labels: Result<Vec<Label>, _> = self.labels.iter().map(|l| l.parse::<Label>()).collect();
            opts.labels = Some(labels.context("in --labels")?);
        }
        if let Some(path) = &self.hash_key_file {
            let text = fs::read_to_string(path)
                .with_context(|| format!("cannot read the hash key file {}", path.display()))?;
            let key = text.lines().next().unwrap_or("").trim();
            if key.is_empty() {
                bail!("the hash key file {} is empty", path.display());
            }
            opts.hash_key = key.as_bytes().to_vec();
        } else if let Some(key) = std::env::var_os("SEKRETESS_HASH_KEY").filter(|k| !k.is_empty()) {
            opts.hash_key = key.into_encoded_bytes();
        }
        Ok(opts)
    }
}

/// Writes the JSON report as findings arrive (constant memory).
struct Report {
    out: Option<BufWriter<File>>,
    first: bool,
}

impl Report {
    fn open(path: Option<&Path>) -> anyhow::Result<Report> {
        let out = match path {
            Some(p) => {
                let mut w = BufWriter::new(
                    File::create(p).with_context(|| format!("cannot create report {}", p.display()))?,
                );
                w.write_all(b"[")?;
                Some(w)
            }
            None => None,
        };
        Ok(Report { out, first: true })
    }

    fn add(
        &mut self,
        file: &str,
        f: &Finding,
        place: Option<&Place>,
        boxes: &[doc::PixelBox],
    ) -> io::Result<()> {
        if self.out.is_none() {
            return Ok(());
        }
        let mut v = serde_json::json!({
            "file": file,
            "label": f.label.as_str(),
            "start": f.start,
            "end": f.end,
            "start_byte": f.start_byte,
            "end_byte": f.end_byte,
            "confidence": f.confidence,
            "recognizer": f.recognizer,
        });
        if let Some(p) = place {
            add_place(&mut v, p);
        }
        if !boxes.is_empty() {
            // Scans: the filled boxes in pixels, [x, y, width, height] from the top left.
            let b: Vec<[u32; 4]> = boxes.iter().map(|b| [b.x, b.y, b.width, b.height]).collect();
            v["boxes"] = serde_json::json!(b);
        }
        self.entry(&v)
    }

    /// An input or a part of one that was not inspected (`not_inspected`: the reason).
    fn not_inspected(&mut self, file: &str, n: &NotInspected) -> io::Result<()> {
        if self.out.is_none() {
            return Ok(());
        }
        let mut v = serde_json::json!({ "file": file, "not_inspected": n.reason.as_str() });
        add_place(&mut v, &n.place);
        self.entry(&v)
    }

    fn entry(&mut self, v: &serde_json::Value) -> io::Result<()> {
        let Some(w) = self.out.as_mut() else { return Ok(()) };
        w.write_all(if self.first { b"\n  " } else { b",\n  " })?;
        self.first = false;
        serde_json::to_writer(&mut *w, v)?;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some(mut w) = self.out.take() {
            w.write_all(b"\n]\n")?;
            w.flush()?;
        }
        Ok(())
    }
}

/// The place fields of a report entry: `page`, `part`, `attachment` (only those known).
fn add_place(v: &mut serde_json::Value, p: &Place) {
    if let Some(page) = p.page {
        v["page"] = page.into();
    }
    if let Some(part) = &p.part {
        v["part"] = part.as_str().into();
    }
    if !p.attachment.is_empty() {
        v["attachment"] = p.attachment.clone().into();
    }
}

/// A file to redact: its path and the path relative to the folder it was found in.
pub(crate) struct Job {
    pub(crate) path: PathBuf,
    pub(crate) rel: PathBuf,
    pub(crate) len: u64,
}

pub(crate) fn walk(root: &Path, dir: &Path, jobs: &mut Vec<Job>) -> anyhow::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("cannot read folder {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() {
            walk(root, &path, jobs)?;
        } else if ft.is_file() {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            jobs.push(Job { len: e.metadata()?.len(), path, rel });
        }
    }
    Ok(())
}

/// Counts bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    bar: Option<indicatif::ProgressBar>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
        Ok(n)
    }
}

/// Where one input's redacted copy goes.
enum Dest<'a> {
    /// Nowhere (`--check`).
    Check,
    /// Standard output.
    Stdout,
    /// A file, written whole or not at all.
    File(&'a Path),
}

/// Counts over a run.
#[derive(Default)]
struct Tally {
    findings: u64,
    not_inspected: u64,
}

/// One run's settings.
struct Run<'a> {
    args: &'a RedactArgs,
    format: Format,
    doc: DocOptions,
    report: Report,
    bar: Option<indicatif::ProgressBar>,
    tally: Tally,
}

impl Run<'_> {
    fn warn(&self, msg: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| eprintln!("{msg}")),
            None => eprintln!("{msg}"),
        }
    }

    /// Redact one input. Text is streamed in bounded memory; documents in container
    /// formats are read whole (up to the input limit) and redacted by `doc`.
    fn one(
        &mut self,
        mut input: impl Read,
        name: &str,
        file_name: Option<&str>,
        dest: Dest<'_>,
    ) -> anyhow::Result<()> {
        let mut head = Vec::with_capacity(doc::SNIFF_LEN);
        (&mut input).take(doc::SNIFF_LEN as u64).read_to_end(&mut head).with_context(|| name.to_owned())?;
        let kind = doc::sniff(&head);
        if kind == Kind::Text {
            let input = io::Cursor::new(head).chain(input);
            let opts = &self.doc.detect;
            let (format, report) = (self.format, &mut self.report);
            let mut on = |f: &Finding| {
                let _ = report.add(name, f, None, &[]);
            };
            let summary = match dest {
                Dest::Check => {
                    redact_stream(input, io::sink(), format, file_name, opts, &mut on).map_err(Into::into)
                }
                Dest::Stdout => {
                    let w = BufWriter::with_capacity(1 << 16, io::stdout().lock());
                    redact_stream(input, w, format, file_name, opts, &mut on).map_err(Into::into)
                }
                Dest::File(path) => {
                    write_whole(path, |w| redact_stream(input, w, format, file_name, opts, &mut on))
                }
            }
            .with_context(|| name.to_owned())?;
            self.tally.findings += summary.findings;
            return Ok(());
        }

        let limit = self.doc.limits.max_input;
        let mut bytes = head;
        input.take(limit.saturating_add(1)).read_to_end(&mut bytes).with_context(|| name.to_owned())?;
        let redacted =
            doc::redact_document(&bytes, self.format, &self.doc).with_context(|| name.to_owned())?;
        drop(bytes);
        for f in &redacted.findings {
            let _ = self.report.add(name, &f.finding, Some(&f.place), &f.boxes);
        }
        self.tally.findings += redacted.findings.len() as u64;
        for n in &redacted.not_inspected {
            let _ = self.report.not_inspected(name, n);
            self.warn(&format!("not inspected: {name} ({}): {}", n.place, n.reason));
        }
        self.tally.not_inspected += redacted.not_inspected.len() as u64;
        let Some(out) = redacted.output else {
            if self.doc.uninspected == UninspectedPolicy::Fail {
                self.warn(&format!("not written: {name} (not everything in it could be inspected)"));
            }
            return Ok(());
        };
        match dest {
            Dest::Check => {}
            Dest::Stdout => {
                let mut w = io::stdout().lock();
                w.write_all(&out)?;
                w.flush()?;
            }
            Dest::File(path) => write_whole(path, |w| w.write_all(&out))?,
        }
        Ok(())
    }
}

/// Write a file whole or not at all: into a temporary file beside it, renamed over it once
/// complete (a failed or interrupted run leaves no partial output).
pub(crate) fn write_whole<T, E>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&mut File>) -> Result<T, E>,
) -> anyhow::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    let value = {
        let mut w = BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        let value = write(&mut w)?;
        w.flush()?;
        value
    };
    tmp.persist(path).map_err(|e| e.error).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(value)
}

pub fn run(args: RedactArgs) -> anyhow::Result<ExitCode> {
    let opts = args.options()?;
    let format: Format = args.format.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let uninspected = match args.uninspected.as_str() {
        "skip" => UninspectedPolicy::Skip,
        "copy" => UninspectedPolicy::Copy,
        _ => UninspectedPolicy::Fail,
    };
    if !(0.0..=100.0).contains(&args.ocr_min_confidence) {
        bail!("--ocr-min-confidence must be between 0 and 100");
    }
    let doc = DocOptions {
        detect: opts,
        uninspected,
        ocr_min_confidence: args.ocr_min_confidence,
        ..DocOptions::default()
    };
    let report = Report::open(args.report.as_deref())?;
    let mut run = Run { args: &args, format, doc, report, bar: None, tally: Tally::default() };

    if args.paths.is_empty() {
        let dest = if args.check { Dest::Check } else { Dest::Stdout };
        run.one(io::stdin().lock(), "-", None, dest)?;
        run.report.finish().context("writing the report")?;
        return Ok(exit(&run));
    }

    let mut jobs = Vec::new();
    for p in &args.paths {
        let meta = fs::metadata(p).with_context(|| format!("cannot read {}", p.display()))?;
        if meta.is_dir() {
            walk(p, p, &mut jobs)?;
        } else {
            let rel = PathBuf::from(p.file_name().unwrap_or(p.as_os_str()));
            jobs.push(Job { path: p.clone(), rel, len: meta.len() });
        }
    }
    if !args.check && args.out.is_none() && (jobs.len() != 1 || args.paths.iter().any(|p| p.is_dir())) {
        bail!("give --out DIR to redact several files or a folder (or --check to only look)");
    }
    if let Some(out) = &args.out {
        fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        let out_abs = fs::canonicalize(out)?;
        for j in &jobs {
            if fs::canonicalize(&j.path).is_ok_and(|p| p.starts_with(&out_abs)) {
                bail!("--out {} is inside the input; choose a folder outside it", out.display());
            }
        }
    }

    let total: u64 = jobs.iter().map(|j| j.len).sum();
    run.bar = (io::stderr().is_terminal() && (jobs.len() > 1 || total > 8 << 20)).then(|| {
        let b = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {msg}",
        ) {
            b.set_style(style);
        }
        b
    });

    let mut errors = 0usize;
    for j in &jobs {
        let name = j.path.display().to_string();
        let result = (|| -> anyhow::Result<()> {
            let file = File::open(&j.path).with_context(|| format!("cannot open {name}"))?;
            let input = Counting { inner: file, bar: run.bar.clone() };
            let file_name = j.path.file_name().and_then(|n| n.to_str());
            let dest_path = args.out.as_ref().map(|o| o.join(&j.rel));
            let dest = match (&dest_path, args.check) {
                (_, true) => Dest::Check,
                (Some(p), false) => Dest::File(p),
                (None, false) => Dest::Stdout,
            };
            run.one(input, &name, file_name, dest)
        })();
        if let Err(e) = result {
            errors += 1;
            run.warn(&format!("error: {e:#}"));
        }
    }
    if let Some(b) = &run.bar {
        b.finish_and_clear();
    }
    run.report.finish().context("writing the report")?;
    if errors > 0 {
        bail!("{errors} of {} files failed", jobs.len());
    }
    if !args.check {
        eprintln!(
            "{} files, {} findings, {} not inspected",
            jobs.len(),
            run.tally.findings,
            run.tally.not_inspected
        );
    }
    Ok(exit(&run))
}

/// 3 when something was not inspected under the default policy, else 1 when `--check` found
/// something, else 0.
fn exit(run: &Run<'_>) -> ExitCode {
    if run.tally.not_inspected > 0 && run.doc.uninspected == UninspectedPolicy::Fail {
        ExitCode::from(3)
    } else if run.args.check && run.tally.findings > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn args(paths: Vec<PathBuf>) -> RedactArgs {
        RedactArgs {
            paths,
            out: None,
            format: "auto".into(),
            operators: vec!["mask".into()],
            min_confidence: 0.5,
            labels: Vec::new(),
            report: None,
            check: false,
            hash_key_file: None,
            threads: 1,
            uninspected: "fail".into(),
            ocr_min_confidence: doc::DEFAULT_OCR_MIN_CONFIDENCE,
            vault: false,
            group: None,
        }
    }

    #[test]
    fn folder_out_report_and_check() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        fs::create_dir_all(input.join("sub")).unwrap();
        fs::write(input.join("sub/a.csv"), "name,email\nAnna Svensson,anna@example.se\n").unwrap();
        fs::write(input.join("b.txt"), "card 4111 1111 1111 1111\n").unwrap();
        fs::write(input.join("c.txt"), "nothing here\n").unwrap();
        let out = dir.path().join("out");
        let report = dir.path().join("report.json");
        let mut a = args(vec![input.clone()]);
        a.out = Some(out.clone());
        a.report = Some(report.clone());
        a.operators = vec!["label".into()];
        assert_eq!(run(a).unwrap(), ExitCode::SUCCESS);
        assert_eq!(fs::read_to_string(out.join("sub/a.csv")).unwrap(), "name,email\n[PERSON],[EMAIL]\n");
        assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "card [CARD_NUMBER]\n");
        let rep = fs::read_to_string(&report).unwrap();
        let v: serde_json::Value = serde_json::from_str(&rep).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 3);
        assert!(!rep.contains("4111") && !rep.contains("Anna") && !rep.contains("anna@"));
        assert_eq!(v[0]["start_byte"], 5);

        let mut c = args(vec![input.clone()]);
        c.check = true;
        assert_eq!(run(c).unwrap(), ExitCode::from(1));
        let mut c = args(vec![input.join("c.txt")]);
        c.check = true;
        assert_eq!(run(c).unwrap(), ExitCode::SUCCESS);
        // Several inputs without --out is refused.
        assert!(run(args(vec![input])).is_err());
    }

    #[test]
    fn uninspected_inputs_are_reported_and_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        fs::create_dir_all(&input).unwrap();
        fs::write(input.join("a.txt"), "card 4111 1111 1111 1111\n").unwrap();
        // Named like text, but a PNG by content; and random bytes named like CSV.
        fs::write(input.join("scan.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01").unwrap();
        let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        fs::write(input.join("export.csv"), &noise).unwrap();
        let report = dir.path().join("report.json");

        let out = dir.path().join("out");
        let mut a = args(vec![input.clone()]);
        a.out = Some(out.clone());
        a.report = Some(report.clone());
        assert_eq!(run(a).unwrap(), ExitCode::from(3));
        assert!(out.join("a.txt").exists());
        assert!(!out.join("scan.txt").exists() && !out.join("export.csv").exists());
        let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
        let reasons: Vec<&str> =
            v.as_array().unwrap().iter().filter_map(|e| e["not_inspected"].as_str()).collect();
        assert_eq!(reasons, ["unknown-binary", "image"]);

        let mut c = args(vec![input.clone()]);
        c.check = true;
        assert_eq!(run(c).unwrap(), ExitCode::from(3));

        let skipped = dir.path().join("skipped");
        let mut s = args(vec![input.clone()]);
        s.out = Some(skipped.clone());
        s.uninspected = "skip".into();
        assert_eq!(run(s).unwrap(), ExitCode::SUCCESS);
        assert!(skipped.join("a.txt").exists() && !skipped.join("scan.txt").exists());

        let copied = dir.path().join("copied");
        let mut k = args(vec![input.clone()]);
        k.out = Some(copied.clone());
        k.uninspected = "copy".into();
        assert_eq!(run(k).unwrap(), ExitCode::SUCCESS);
        assert_eq!(fs::read(copied.join("export.csv")).unwrap(), noise);
    }

    /// Scans through the command (feature `ocr`): the filled boxes in the report, no value;
    /// an unreadable page held back (exit 3) unless --ocr-min-confidence is lowered.
    #[cfg(feature = "ocr")]
    #[test]
    fn scans_are_redacted_with_boxes_in_the_report() {
        if std::process::Command::new("tesseract").arg("--version").output().is_err() {
            assert!(std::env::var_os("CI").is_none(), "tesseract is required under CI");
            eprintln!("skipped: tesseract is not installed");
            return;
        }
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sekretess-detect/tests/fixtures/scans");
        let dir = tempfile::tempdir().unwrap();
        let (out, report) = (dir.path().join("out"), dir.path().join("report.json"));
        let mut a = args(vec![fixtures.join("letter-sv-200.jpg")]);
        a.out = Some(out.clone());
        a.report = Some(report.clone());
        assert_eq!(run(a).unwrap(), ExitCode::SUCCESS);
        let written = fs::read(out.join("letter-sv-200.jpg")).unwrap();
        assert!(written.starts_with(&[0xFF, 0xD8]), "not a JPEG");
        assert_ne!(written, fs::read(fixtures.join("letter-sv-200.jpg")).unwrap());
        let text = fs::read_to_string(&report).unwrap();
        assert!(!text.contains("4111") && !text.contains("Svensson") && !text.contains("1212"), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let cards: Vec<&serde_json::Value> =
            v.as_array().unwrap().iter().filter(|e| e["label"] == "CARD_NUMBER").collect();
        assert_eq!(cards.len(), 2, "{text}");
        for c in cards {
            let b = c["boxes"][0].as_array().expect("boxes");
            assert_eq!(b.len(), 4);
            // A card number at 200 dpi in 13 pt: wider than 300 px, lower than 100 px.
            assert!(b[2].as_u64().unwrap() > 300 && b[3].as_u64().unwrap() < 100, "{b:?}");
        }

        let mut b = args(vec![fixtures.join("blurred-200.jpg")]);
        b.out = Some(out.clone());
        b.report = Some(report.clone());
        assert_eq!(run(b).unwrap(), ExitCode::from(3));
        assert!(!out.join("blurred-200.jpg").exists());
        assert!(fs::read_to_string(&report).unwrap().contains("ocr-low-confidence"));
        let mut c = args(vec![fixtures.join("blurred-200.jpg")]);
        c.out = Some(out.clone());
        c.ocr_min_confidence = 0.0;
        assert_eq!(run(c).unwrap(), ExitCode::SUCCESS);
        let mut d = args(vec![fixtures.join("blurred-200.jpg")]);
        d.ocr_min_confidence = 101.0;
        assert!(run(d).is_err());
    }

    /// Documents made by real producers (the detect crate's shared fixtures) through the
    /// command: office files and HTML written redacted with their places in the report, an
    /// e-mail with an image attached held back, a zip bomb refused naming the limit.
    #[test]
    fn documents_in_a_folder_run() {
        let fixtures =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../sekretess-detect/tests/fixtures/documents");
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        fs::create_dir_all(&input).unwrap();
        for (from, to) in [
            ("letter.docx", "letter.docx"),
            ("sheet.xlsx", "sheet.xlsx"),
            ("letter.html", "letter.html"),
            ("unsupported/mail-with-png.eml", "mail.eml"),
        ] {
            fs::copy(fixtures.join(from), input.join(to)).unwrap();
        }
        let out = dir.path().join("out");
        let report = dir.path().join("report.json");
        let mut a = args(vec![input.clone()]);
        a.out = Some(out.clone());
        a.report = Some(report.clone());
        assert_eq!(run(a).unwrap(), ExitCode::from(3));
        for written in ["letter.docx", "sheet.xlsx", "letter.html"] {
            let bytes = fs::read(out.join(written)).unwrap();
            assert_ne!(bytes, fs::read(input.join(written)).unwrap(), "{written} came out unchanged");
        }
        assert!(!out.join("mail.eml").exists());
        let text = fs::read_to_string(&report).unwrap();
        assert!(!text.contains("4111") && !text.contains("Svensson"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let entries = v.as_array().unwrap();
        assert!(entries.iter().any(|e| e["file"].as_str().unwrap().ends_with("letter.docx")
            && e["part"] == "word/document.xml"
            && e["label"] == "CARD_NUMBER"));
        // The attached PNG is a 40 dpi render: with OCR (the default feature) it is read and
        // found unreadable, without OCR it is an image; held back either way.
        let reason = if cfg!(feature = "ocr") { "ocr-low-confidence" } else { "image" };
        assert!(entries.iter().any(|e| e["file"].as_str().unwrap().ends_with("mail.eml")
            && e["not_inspected"] == reason
            && e["attachment"].as_array().is_some_and(|a| !a.is_empty())));

        let bomb = dir.path().join("bomb");
        fs::create_dir_all(&bomb).unwrap();
        fs::copy(fixtures.join("limits/bomb.docx"), bomb.join("report.docx")).unwrap();
        let mut b = args(vec![bomb.join("report.docx")]);
        b.out = Some(dir.path().join("bomb-out"));
        let err = run(b).unwrap_err();
        assert!(format!("{err:#}").contains("1 of 1 files failed"));
        assert!(!dir.path().join("bomb-out/report.docx").exists());
    }
}
