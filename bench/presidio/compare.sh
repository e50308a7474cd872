#!/usr/bin/env bash
# One command: build the Sekretess bench, generate the corpus, run Sekretess and Presidio on
# it in the same run, and print the side-by-side table. Run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[ -x bench/presidio/.venv/bin/python ] || bench/presidio/install.sh
cargo run --quiet --release -p sekretess-bench-detect -- compare "$@"
