#!/usr/bin/env python3
"""Summarise and verify a run of bench/documents/run.sh.

    report.py WORKDIR
Reads WORKDIR/times-*.txt (lines `seconds peak_mb process_seconds ...`), checks with
pdftotext / the zip extractor that no planted value of WORKDIR/values.txt is left in any
output (also with spaces and dashes removed), and prints a Markdown table.
"""
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "doc-fixtures"))
import extract  # noqa: E402


def squeeze(s):
    return "".join(c for c in s if not c.isspace() and c not in "-–()")


def left(text, values):
    sq = squeeze(text)
    return [v for v in values if v in text or squeeze(v) in sq]


def times(work, name):
    rows = [l.split() for l in open(os.path.join(work, f"times-{name}.txt")) if l.strip()]
    secs = statistics.median(float(r[0]) for r in rows)
    peak = max(float(r[1]) for r in rows)
    proc = statistics.median(float(r[2]) for r in rows)
    return secs, peak, proc, len(rows)


def main():
    work = sys.argv[1]
    values = [l.strip() for l in open(os.path.join(work, "values.txt"), encoding="utf-8") if l.strip()]
    failures = []
    checks = [("sekretess-pdf", "out-sekretess.pdf", "pdf"), ("pymupdf-pdf", "out-pymupdf.pdf", "pdf"),
              ("sekretess-docx", "out-sekretess.docx", "zip")]
    inputs = {"pdf": "report-100p.pdf", "zip": "big.docx"}
    for name, out, mode in checks:
        path = os.path.join(work, out)
        if not os.path.exists(path):
            continue
        before = left(extract.pdf_text(open(os.path.join(work, inputs[mode]), "rb").read()) if mode == "pdf"
                      else extract.zip_text(open(os.path.join(work, inputs[mode]), "rb").read()), values)
        if len(before) != len(values):
            failures.append(f"{name}: the input lacks {sorted(set(values) - set(before))}")
        data = open(path, "rb").read()
        text = extract.pdf_text(data) if mode == "pdf" else extract.zip_text(data)
        remaining = left(text, values)
        if remaining:
            failures.append(f"{name}: {out} still holds {remaining}")
        if mode == "pdf":
            pages = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
            if "Pages:           100" not in pages:
                failures.append(f"{name}: {out} does not have 100 pages")
    print("| document | tool | seconds (median) | process seconds | peak MB | runs |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    rows = {}
    for name, doc, tool in [("sekretess-pdf", "100-page PDF", "Sekretess"), ("pymupdf-pdf", "100-page PDF", "PyMuPDF"),
                            ("sekretess-docx", "1 MB DOCX", "Sekretess")]:
        if not os.path.exists(os.path.join(work, f"times-{name}.txt")):
            print(f"| {doc} | {tool} | failed | | | 0 |")
            failures.append(f"{name}: no successful run")
            continue
        secs, peak, proc, n = times(work, name)
        rows[name] = secs
        print(f"| {doc} | {tool} | {secs:.3f} | {proc:.2f} | {peak:.0f} | {n} |")
    if "sekretess-pdf" in rows and "pymupdf-pdf" in rows:
        print(f"\nPDF: PyMuPDF time / Sekretess time = {rows['pymupdf-pdf'] / rows['sekretess-pdf']:.2f}")
    if failures:
        print("\nFAILED:\n" + "\n".join(failures))
        sys.exit(1)
    print("\nVerified: pdftotext (and the zip extractor for the DOCX) finds no planted value in any output.")


if __name__ == "__main__":
    main()
