#!/usr/bin/env python3
"""Redact given strings from a PDF with PyMuPDF, as a user would script it (issue 17 bench).

    pymupdf_redact.py IN.pdf OUT.pdf VALUE...
Finds every VALUE with page.search_for() (one text page per page), adds a black-filled redaction annotation over each
hit, applies them (glyphs under the boxes are removed), clears the metadata and saves a fresh
file. Prints one line: seconds, peak RSS in MB, hits.
"""
import resource
import sys
import time

import pymupdf


def main():
    src, dst, values = sys.argv[1], sys.argv[2], sys.argv[3:]
    started = time.perf_counter()
    doc = pymupdf.open(src)
    hits = 0
    for page in doc:
        # One text extraction per page for all the searches (the fast way to script it).
        textpage = page.get_textpage()
        for v in values:
            for rect in page.search_for(v, textpage=textpage):
                page.add_redact_annot(rect, fill=(0, 0, 0))
                hits += 1
        page.apply_redactions()
    doc.set_metadata({})
    doc.del_xml_metadata()
    doc.save(dst, garbage=4, deflate=True)
    doc.close()
    secs = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{secs:.3f} {peak_mb:.1f} {hits}")


if __name__ == "__main__":
    main()
