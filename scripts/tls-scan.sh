#!/usr/bin/env bash
# Scans the TLS configuration of a Sekretess dev server with sslscan (or testssl.sh).
#
#   scripts/tls-scan.sh                 # builds, starts a throw-away dev server, scans it, stops it
#   scripts/tls-scan.sh 127.0.0.1:8200  # scans a server that is already running
#
# Needs: sslscan (apt-get install sslscan) or testssl.sh (apt-get install testssl.sh).
# Exits non-zero if the scan finds SSLv2/SSLv3/TLS 1.0/TLS 1.1 enabled, or a cipher that
# is not ECDHE/TLS 1.3 AEAD.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-}"
server_pid=""
tmp=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT

if [ -z "$target" ]; then
  cargo build --release -p sekretess-cli --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/sekretess"
  tmp="$(mktemp -d)"
  port="${SEKRETESS_SCAN_PORT:-18443}"
  "$bin" serve --dev --data "$tmp/dev" --listen "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    [ -f "$tmp/dev/dev-credentials.json" ] && break
    sleep 0.1
  done
  target="127.0.0.1:$port"
fi

if command -v sslscan >/dev/null; then
  out="$(sslscan --no-colour --show-sigs "$target")"
  echo "$out"
  protocols="$(echo "$out" | sed -n '/SSL\/TLS Protocols:/,/^$/p')"
  ciphers="$(echo "$out" | grep -E '^(Preferred|Accepted)' || true)"
  bad=0
  for p in SSLv2 SSLv3 'TLSv1.0' 'TLSv1.1'; do
    if echo "$protocols" | grep -E "^$p +enabled" >/dev/null; then echo "FAIL: $p is enabled"; bad=1; fi
  done
  for p in 'TLSv1.2' 'TLSv1.3'; do
    if ! echo "$protocols" | grep -E "^$p +enabled" >/dev/null; then echo "FAIL: $p is not enabled"; bad=1; fi
  done
  if echo "$ciphers" | grep -E 'TLSv1\.2' | grep -vE 'ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)' ; then
    echo "FAIL: a TLS 1.2 cipher above is not ECDHE + AEAD"; bad=1
  fi
  [ "$bad" = 0 ] && echo "OK: TLS 1.2 (ECDHE + AEAD only) and TLS 1.3; no SSL, TLS 1.0 or TLS 1.1"
  exit "$bad"
elif command -v testssl >/dev/null || command -v testssl.sh >/dev/null; then
  t="$(command -v testssl || command -v testssl.sh)"
  "$t" --quiet --color 0 --protocols --ciphers --server-defaults "$target"
else
  echo "install sslscan or testssl.sh (Debian packages) first" >&2
  exit 2
fi
