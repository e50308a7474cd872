#!/usr/bin/env bash
# Document redaction benchmark of issue 17 (docs/benchmarks.md): a 100-page text PDF and a
# ~1 MB DOCX made by LibreOffice, redacted by Sekretess (`redact_document`, one thread) and
# the PDF also by PyMuPDF (search_for + redaction annotations + apply_redactions), one core
# each (taskset -c 0), RUNS runs each; both outputs verified with pdftotext.
#   bench/documents/run.sh            (env: RUNS=5 WORK=dir VENV=dir CARGO_TARGET_DIR=dir)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${WORK:-/var/tmp/sekretess-doc-bench}"
venv="${VENV:-/var/tmp/sekretess-bench-venv}"
runs="${RUNS:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pymupdf' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pymupdf
fi
cargo build --release -q --manifest-path "$root/Cargo.toml" -p sekretess-bench-detect --bin doc_bench
bin="$CARGO_TARGET_DIR/release/doc_bench"

mkdir -p "$work"
[ -f "$work/report-100p.pdf" ] && [ -f "$work/big.docx" ] || python3 "$here/make_inputs.py" "$work"
mapfile -t values < "$work/values.txt"
rm -f "$work"/times-*.txt "$work"/out-*

# One line per run: the tool's own seconds and peak MB, then the whole process's wall
# seconds (/usr/bin/time). A failing tool is reported and left out.
timed() {
  local name="$1"; shift
  if /usr/bin/time -o "$work/proc.txt" -f '%e' taskset -c 0 "$@" > "$work/tool.txt" 2> "$work/err-$name.txt"; then
    echo "$(awk '{print $1, $2}' "$work/tool.txt") $(tail -1 "$work/proc.txt")" >> "$work/times-$name.txt"
  else
    echo "$name failed: $(grep -m1 -i 'error' "$work/err-$name.txt" || head -1 "$work/err-$name.txt")" >&2
  fi
}
for _ in $(seq "$runs"); do
  timed sekretess-pdf "$bin" "$work/report-100p.pdf" "$work/out-sekretess.pdf"
  timed pymupdf-pdf "$venv/bin/python" "$here/pymupdf_redact.py" "$work/report-100p.pdf" "$work/out-pymupdf.pdf" "${values[@]}"
  timed sekretess-docx "$bin" "$work/big.docx" "$work/out-sekretess.docx"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), runs: $runs"
echo "PyMuPDF $("$venv/bin/python" -c 'import pymupdf; print(pymupdf.VersionBind, "/ MuPDF", pymupdf.VersionFitz)'), $(soffice --version 2>/dev/null | head -1)"
python3 "$here/report.py" "$work"
