#!/usr/bin/env bash
# Generates a Python client from openapi.json with openapi-python-client and runs a flow
# through it against a fresh dev server (python_flow.py): every answer must parse into its
# documented type, every refusal into a typed Problem.
#
#   bench/clients/python.sh
#
# Needs Python 3; openapi-python-client is installed into the venv $SEKRETESS_OPC_VENV
# (default /var/tmp/sekretess-opc) on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${SEKRETESS_OPC_VENV:-/var/tmp/sekretess-opc}"
if [ ! -x "$venv/bin/openapi-python-client" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "openapi-python-client==0.29.1"
fi
# SEKRETESS_BIN names a built `sekretess` (as .ci/run does, with the one its tests built).
bin="${SEKRETESS_BIN:-}"
if [ -z "$bin" ]; then
  cargo build -q -p sekretess-cli
  bin="${CARGO_TARGET_DIR:-target}/debug/sekretess"
fi

work=$(mktemp -d /tmp/sekretess-pyclient.XXXXXX)
server=""
trap '[ -n "$server" ] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; }; rm -rf "$work"' EXIT
"$venv/bin/openapi-python-client" generate --path openapi.json --output-path "$work/pyclient" --meta none \
  >"$work/generate.log" 2>&1 || { cat "$work/generate.log" >&2; exit 1; }
if grep -q "will not be generated" "$work/generate.log"; then
  cat "$work/generate.log" >&2
  echo "openapi-python-client left an operation out" >&2
  exit 1
fi

port=""
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free loopback port" >&2; exit 1; }
"$bin" serve --dev --data "$work/dev" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  [ -s "$work/dev/dev-credentials.json" ] && break
  sleep 0.2
done
creds="$work/dev/dev-credentials.json"
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$creds")
ca=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ca_cert"])' "$creds")
"$venv/bin/python" bench/clients/python_flow.py "$work" "https://127.0.0.1:$port" "$token" "$ca"
