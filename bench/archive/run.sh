#!/usr/bin/env bash
# Files N one-page letters (default 1,000) through `sekretess archive add` against
# `sekretess serve --dev` (release build, SQLite, on loopback), RUNS times (default 3), each
# into a fresh dev vault, and prints documents/s per run as `archive add` measures it (from
# the first upload to the last answer; redaction, known-customer lookups, sealing, storing
# and the audit entries of every document included).
#
#   bench/archive/run.sh [N]        # RUNS=3 JOBS=8; BIN=path/to/sekretess skips the build
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-1000}"
RUNS="${RUNS:-3}"
JOBS="${JOBS:-8}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sekretess-ci-target}"
if [ -z "${BIN:-}" ]; then
    cargo build --release -q -p sekretess-cli
    BIN="$CARGO_TARGET_DIR/release/sekretess"
fi
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
python3 bench/archive/make_letters.py "$WORK/letters" "$N"
for run in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/dev"
    "$BIN" serve --dev --listen 127.0.0.1:0 --data "$WORK/dev" >"$WORK/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 600); do
        [ -s "$WORK/dev/dev-credentials.json" ] && break
        sleep 0.05
    done
    read -r ADDR CA TOKEN < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["addr"], c["ca_cert"], c["token"])' "$WORK/dev/dev-credentials.json")
    export SEKRETESS_ADDR="$ADDR" SEKRETESS_CACERT="$CA" SEKRETESS_TOKEN="$TOKEN"
    "$BIN" group create letters >/dev/null
    # A few customers, so the group is not empty.
    for name in "Ada Lovelace" "Erik Andersson" "Karin Berg"; do
        echo "{\"full_name\": \"$name\"}" | "$BIN" customer add --group letters >/dev/null
    done
    "$BIN" archive add "$WORK/letters" --group letters --jobs "$JOBS" --json >"$WORK/summary.json"
    python3 - "$WORK/summary.json" "$run" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["filed"] == s["files"] and not s["refused"], s["refused"]
print(f"run {sys.argv[2]}: {s['filed']} documents in {s['seconds']:.2f} s = {s['filed'] / s['seconds']:.0f} documents/s")
PY
    kill "$SERVER"; wait "$SERVER" || true; SERVER=
done
