#!/usr/bin/env bash
# Make the shared document fixtures of issue 17 with real producers (LibreOffice headless,
# headless Chromium, Python's email package, poppler, qpdf, zip) into
# crates/sekretess-detect/tests/fixtures/documents/. See the README.md there.
# Needs: soffice (libreoffice-writer-nogui, -calc-nogui, -impress-nogui), chromium,
# python3, pdftoppm/pdftotext/pdfinfo (poppler-utils), qpdf, zip.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/crates/sekretess-detect/tests/fixtures/documents"
for tool in soffice chromium python3 pdftoppm pdftotext pdfinfo qpdf zip; do
  command -v "$tool" >/dev/null || { echo "make-doc-fixtures: $tool is missing" >&2; exit 1; }
done
# Fixed time zone and locale so LibreOffice and Chromium write the same text each run.
export TZ=UTC LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1709283600
python3 "$root/scripts/doc-fixtures/make.py" --out "$out"
{
  echo "soffice: $(soffice --version 2>/dev/null | head -1)"
  echo "chromium: $(chromium --version 2>/dev/null | head -1)"
  echo "python3: $(python3 --version 2>&1)"
  echo "pdftoppm: $(pdftoppm -v 2>&1 | head -1)"
  echo "qpdf: $(qpdf --version | head -1)"
  echo "zip: $(zip -v | sed -n 2p | sed 's/^ *//')"
} > "$out/producers.txt"
du -sh "$out"
