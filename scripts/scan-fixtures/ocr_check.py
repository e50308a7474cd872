#!/usr/bin/env python3
"""Judge a redacted scan independently of Sekretess (issue 26).

usage: ocr_check.py MANIFEST FIXTURE OUTPUT

Reads OUTPUT with the `tesseract` program (swe+eng, its default page layout); a PDF is first
rasterized with `pdftoppm -r 300 -gray`, and its text layer (`pdftotext`) is added to what is
read. Prints one JSON object: for each planted value of FIXTURE (its name in MANIFEST) whether
it is still present, and for each ordinary phrase whether it is still read. Text is compared
after lowercasing, removing whitespace and the punctuation OCR drops or adds (- . , : ( ) +)
and folding the letters OCR confuses with digits (o->0, i/l/|->1, s->5, b->8, z->2) and
Swedish letters to their base letters (OCR drops the diacritics), on both sides, so a value survives the check only if it is really gone.
"""
import json
import os
import subprocess
import sys
import tempfile

FOLD = str.maketrans({"o": "0", "i": "1", "l": "1", "|": "1", "s": "5", "b": "8", "z": "2", "å": "a", "ä": "a", "ö": "0", "é": "e"})


def norm(s):
    s = "".join(ch for ch in s.lower() if not ch.isspace() and ch not in "-.,:()+—–_")
    return s.translate(FOLD)


def ocr(path):
    out = subprocess.run(["tesseract", path, "stdout", "-l", "swe+eng"], capture_output=True, check=True)
    return out.stdout.decode("utf-8", "replace")


def read(path):
    with open(path, "rb") as f:
        head = f.read(1024)
    if b"%PDF-" in head:
        text = subprocess.run(["pdftotext", path, "-"], capture_output=True, check=True).stdout.decode("utf-8", "replace")
        with tempfile.TemporaryDirectory() as d:
            subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", path, os.path.join(d, "p")], check=True)
            for name in sorted(os.listdir(d)):
                text += "\n" + ocr(os.path.join(d, name))
        return text
    return ocr(path)


def main():
    manifest, name, output = sys.argv[1:4]
    m = json.load(open(manifest, encoding="utf-8"))
    fx = next(f for f in m["fixtures"] if f["file"] == name)
    text = read(output)
    t = norm(text)
    res = {
        "file": name,
        "chars": len(t),
        "planted": [{"label": p["label"], "present": norm(p["value"]) in t, "value_index": i} for i, p in enumerate(fx["planted"])],
        "keep": [{"present": norm(k) in t, "index": i} for i, k in enumerate(fx["keep"])],
    }
    print(json.dumps(res))


if __name__ == "__main__":
    main()
