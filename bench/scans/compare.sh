#!/usr/bin/env bash
# One command: build the release CLI, make the Presidio image-redactor venv if missing, and
# print the side-by-side table of recall and pages per second on the scan fixtures (issue 26).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="${PRESIDIO_IMAGE_VENV:-/var/tmp/presidio-image-venv}"
[ -x "$venv/bin/python" ] || PRESIDIO_IMAGE_VENV="$venv" bench/scans/install.sh
cargo build --quiet --release -p sekretess-cli --features ocr
target="${CARGO_TARGET_DIR:-$root/target}"
python3 bench/scans/compare.py "$target/release/sekretess" "$venv/bin/python" "$@"
