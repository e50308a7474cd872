//! Scanned paperwork (issue 26, feature `ocr`). The fixtures in `tests/fixtures/scans/` are
//! made by LibreOffice, pdftoppm and ImageMagick (`scripts/make-scan-fixtures.sh`), with a
//! manifest of the planted public test values and of ordinary phrases. Every output is
//! judged by `scripts/scan-fixtures/ocr_check.py`: the `tesseract` program (and `pdftoppm`,
//! `pdftotext` for PDFs), run independently of Sekretess, must read none of the planted
//! values and still read the ordinary phrases. The same judge run on the inputs reads the
//! planted values, so the check can fail. A missing program prints a line and returns early,
//! unless the environment variable CI is set.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use sekretess_detect::doc::{DocOptions, Reason, UninspectedPolicy, redact_document};
use sekretess_detect::{Format, Label};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scans")
}

fn judge() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/scan-fixtures/ocr_check.py")
}

fn have(programs: &[&str]) -> bool {
    for p in programs {
        let found = std::env::var_os("PATH")
            .map(|paths| std::env::split_paths(&paths).any(|d| d.join(p).is_file()))
            .unwrap_or(false);
        if !found {
            assert!(std::env::var_os("CI").is_none(), "{p} is required under CI");
            eprintln!("skipped: {p} is not installed");
            return false;
        }
    }
    true
}

fn scratch(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "sekretess-scan-it-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The judge's verdict on `output` for fixture `name`: (label of each planted value, still
/// present?) and (each ordinary phrase still read?). Read by Python's json, as the judge
/// writes it (no JSON crate in this crate's tests).
fn verdict(name: &str, output: &Path) -> (Vec<(String, bool)>, Vec<bool>) {
    let script = r#"
import json, subprocess, sys
r = json.loads(subprocess.run([sys.executable] + sys.argv[1:], capture_output=True, check=True).stdout)
for p in r["planted"]:
    print("P\t" + p["label"] + "\t" + str(p["present"]))
for k in r["keep"]:
    print("K\t" + str(k["present"]))
"#;
    let out = run(Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(judge())
        .arg(dir().join("manifest.json"))
        .arg(name)
        .arg(output));
    let (mut planted, mut keep) = (Vec::new(), Vec::new());
    for line in out.lines() {
        match line.split('\t').collect::<Vec<_>>()[..] {
            ["P", label, present] => planted.push((label.to_owned(), present == "True")),
            ["K", present] => keep.push(present == "True"),
            _ => panic!("bad judge line {line:?}"),
        }
    }
    (planted, keep)
}

fn redact(name: &str, policy: UninspectedPolicy) -> sekretess_detect::doc::RedactedDocument {
    let input = std::fs::read(dir().join(name)).unwrap();
    let opts = DocOptions { uninspected: policy, ..DocOptions::default() };
    redact_document(&input, Format::Auto, &opts).unwrap()
}

/// Redact `name`, and check with the judge that no planted value is read in the output and
/// every ordinary phrase still is; returns the output's path.
fn redacted_and_judged(name: &str) -> PathBuf {
    let r = redact(name, UninspectedPolicy::Fail);
    assert!(r.not_inspected.is_empty(), "{name}: {:?}", r.not_inspected);
    let out = r.output.unwrap_or_else(|| panic!("{name}: no output"));
    let path = scratch("out").join(name);
    std::fs::write(&path, &out).unwrap();
    let (planted, keep) = verdict(name, &path);
    assert!(!planted.is_empty(), "{name}: the manifest plants nothing");
    let left: Vec<&String> = planted.iter().filter(|(_, p)| *p).map(|(l, _)| l).collect();
    assert!(left.is_empty(), "{name}: tesseract still reads planted values labelled {left:?}");
    let lost = keep.iter().filter(|k| !**k).count();
    assert_eq!(lost, 0, "{name}: {lost} ordinary phrases no longer read");
    // Every finding carries its filled boxes.
    for f in &r.findings {
        if f.place.part.is_none() {
            assert!(!f.boxes.is_empty() || name.ends_with(".pdf"), "{name}: a finding without boxes");
        }
    }
    path
}

#[test]
fn judge_reads_planted_values_in_the_inputs() {
    if !have(&["tesseract", "python3", "pdftoppm", "pdftotext"]) {
        return;
    }
    for name in ["letter-sv-300.png", "form-en-300.jpg", "mixed.pdf"] {
        let (planted, keep) = verdict(name, &dir().join(name));
        let read = planted.iter().filter(|(_, p)| *p).count();
        assert_eq!(
            read,
            planted.len(),
            "{name}: the judge reads only {read} of {} planted values",
            planted.len()
        );
        assert!(keep.iter().all(|k| *k), "{name}");
    }
}

#[test]
fn clean_renders_are_redacted_in_their_pixels() {
    if !have(&["tesseract", "python3"]) {
        return;
    }
    for name in ["letter-sv-300.png", "form-en-300.jpg", "letter-sv-200.jpg"] {
        redacted_and_judged(name);
    }
}

#[test]
fn degraded_scans_are_redacted_in_their_pixels() {
    if !have(&["tesseract", "python3"]) {
        return;
    }
    for name in ["letter-sv-300-scan.jpg", "form-en-300-scan.jpg"] {
        redacted_and_judged(name);
    }
}

#[test]
fn every_page_of_a_tiff_is_redacted_and_kept() {
    if !have(&["tesseract", "python3", "identify"]) {
        return;
    }
    let r = redact("two-pages-200.tif", UninspectedPolicy::Fail);
    let pages: Vec<u32> = r.findings.iter().filter_map(|f| f.place.page).collect();
    assert!(pages.contains(&1) && pages.contains(&2), "{pages:?}");
    let path = redacted_and_judged("two-pages-200.tif");
    let frames = run(Command::new("identify").arg("-format").arg("%p\n").arg(&path));
    assert_eq!(frames.lines().count(), 2, "{frames}");
}

#[test]
fn metadata_of_the_input_is_gone() {
    if !have(&["tesseract", "python3", "identify"]) {
        return;
    }
    let name = "letter-sv-300-scan-meta.jpg";
    let comment = |p: &Path| run(Command::new("identify").arg("-format").arg("%c|%[EXIF:*]").arg(p));
    assert!(comment(&dir().join(name)).contains("Svensson"), "the fixture lost its comment");
    let out = redacted_and_judged(name);
    let after = comment(&out);
    assert!(!after.contains("Svensson") && !after.contains("1212"), "metadata survived: {after}");
    // No comment (COM), EXIF (APP1 `Exif`) or XMP segment is written at all.
    let bytes = std::fs::read(&out).unwrap();
    assert!(memchr_find(&std::fs::read(dir().join(name)).unwrap(), &[0xFF, 0xFE]), "the fixture has no COM");
    for marker in [&[0xFF, 0xFE][..], b"Exif\0", b"ns.adobe.com/xap"] {
        assert!(!memchr_find(&bytes, marker), "a metadata segment survived: {marker:?}");
    }
}

#[test]
fn blank_page_and_photo_hold_nothing() {
    if !have(&["tesseract"]) {
        return;
    }
    for name in ["blank-200.png", "photo.jpg"] {
        let r = redact(name, UninspectedPolicy::Fail);
        assert!(r.findings.is_empty(), "{name}: {:?}", r.findings);
        assert!(r.not_inspected.is_empty(), "{name}: {:?}", r.not_inspected);
        assert!(r.output.is_some(), "{name}");
    }
}

#[test]
fn blurred_page_is_not_inspected() {
    if !have(&["tesseract"]) {
        return;
    }
    let r = redact("blurred-200.jpg", UninspectedPolicy::Fail);
    assert_eq!(r.not_inspected.len(), 1, "{:?}", r.not_inspected);
    assert_eq!(r.not_inspected[0].reason, Reason::OcrLowConfidence);
    assert!(r.output.is_none(), "an unreadable page passed as clean");
    // Under skip nothing is written; under copy the input as it was.
    assert!(redact("blurred-200.jpg", UninspectedPolicy::Skip).output.is_none());
    let input = std::fs::read(dir().join("blurred-200.jpg")).unwrap();
    assert_eq!(redact("blurred-200.jpg", UninspectedPolicy::Copy).output.as_deref(), Some(&input[..]));
    // The threshold is the user's: at 0 the same page is inspected.
    let input = std::fs::read(dir().join("blurred-200.jpg")).unwrap();
    let opts = DocOptions { ocr_min_confidence: 0.0, ..DocOptions::default() };
    let r = redact_document(&input, Format::Auto, &opts).unwrap();
    assert!(r.not_inspected.is_empty() && r.output.is_some());
}

/// The image XObjects of a PDF as `pdfimages -list` sees them: (page, object number, size).
fn pdf_images(pdf: &Path) -> Vec<(String, String, String)> {
    let list = run(Command::new("pdfimages").arg("-list").arg(pdf));
    list.lines()
        .skip(2)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (c[0].to_owned(), c[10].to_owned(), c[14].to_owned())
        })
        .collect()
}

#[test]
fn image_only_and_mixed_pdf_pages_are_redacted_in_their_images() {
    if !have(&["tesseract", "python3", "pdftoppm", "pdftotext", "pdfimages"]) {
        return;
    }
    for name in ["image-only.pdf", "mixed.pdf"] {
        let before = pdf_images(&dir().join(name));
        assert_eq!(before.len(), 1, "{name}: {before:?}");
        let out = redacted_and_judged(name);
        let after = pdf_images(&out);
        assert_eq!(after.len(), 1, "{name}: the page must keep exactly one image: {after:?}");
        // The image's stream was replaced: the original bytes are nowhere in the file.
        let (orig, new) = (std::fs::read(dir().join(name)).unwrap(), std::fs::read(&out).unwrap());
        let d = scratch("img");
        run(Command::new("pdfimages").arg("-j").arg(dir().join(name)).arg(d.join("in")));
        let jpeg = std::fs::read(d.join("in-000.jpg")).unwrap();
        assert!(memchr_find(&orig, &jpeg[..4096]), "{name}: the judge of this test is broken");
        assert!(!memchr_find(&new, &jpeg[..4096]), "{name}: the original image stream is still in the file");
        let r = redact(name, UninspectedPolicy::Fail);
        let labels: Vec<Label> = r.findings.iter().map(|f| f.finding.label).collect();
        assert!(labels.contains(&Label::CardNumber) && labels.contains(&Label::Iban), "{name}: {labels:?}");
    }
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
