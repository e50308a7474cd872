#!/usr/bin/env bash
# Property-based API testing: Schemathesis against the OpenAPI document a dev server serves
# (less its `default` responses), in a bounded, seeded run. Fails if any response is a
# server error, has a status the document does not name, or breaks its content type or schema.
#
#   scripts/schemathesis.sh [SECONDS] [SEED]      (defaults: 300 s, seed 15)
#
# Needs Python 3 (Schemathesis is installed into a virtual environment under
# $SEKRETESS_ST_VENV, default /var/tmp/sekretess-schemathesis). The dev server runs on a
# free loopback port with a throwaway data folder, and is stopped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
seed="${2:-15}"
venv="${SEKRETESS_ST_VENV:-/var/tmp/sekretess-schemathesis}"

if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==4.32.5"
fi
# SEKRETESS_BIN names a built `sekretess` (as .ci/run does, with the one its tests built).
bin="${SEKRETESS_BIN:-}"
if [ -z "$bin" ]; then
  cargo build -q -p sekretess-cli
  bin="${CARGO_TARGET_DIR:-target}/debug/sekretess"
fi

data=$(mktemp -d /tmp/sekretess-st.XXXXXX)
port=""
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free loopback port" >&2; exit 1; }

# Rate limits off: the run's own tests of missing or wrong credentials would otherwise use up
# the source's authentication-failure bucket, and every later request would be a 429.
cat >"$data/config.toml" <<'TOML'
[server.rate_limits]
auth_failures_per_minute = 0
reveals_per_minute = 0
TOML
"$bin" --config "$data/config.toml" serve --dev --data "$data/dev" --listen "127.0.0.1:$port" >"$data/serve.log" 2>&1 &
server=$!
# The server's log (request lines only, never a value) is kept in $SEKRETESS_ST_LOG if set.
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; [ -n "${SEKRETESS_ST_LOG:-}" ] && cp "$data/serve.log" "$SEKRETESS_ST_LOG"; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  [ -s "$data/dev/dev-credentials.json" ] && break
  sleep 0.2
done
creds="$data/dev/dev-credentials.json"
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$creds")
ca=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ca_cert"])' "$creds")

# Sealing would turn every later call into 503, and revoking the run's own key every later
# call into 401: those two routes are left out of the run.
# The document the server serves, without its `default` responses: with them every status
# would conform, so the run checks that each status it meets is one the document names.
"$venv/bin/python" - "https://127.0.0.1:$port/v1/openapi.json" "$ca" "$data/openapi.json" <<'PY'
import json, ssl, sys, urllib.request
url, ca, out = sys.argv[1:4]
with urllib.request.urlopen(url, context=ssl.create_default_context(cafile=ca)) as r:
    doc = json.load(r)
for item in doc["paths"].values():
    for op in item.values():
        op["responses"].pop("default", None)
json.dump(doc, open(out, "w"))
PY
"$venv/bin/schemathesis" run "$data/openapi.json" --url "https://127.0.0.1:$port" \
  --tls-verify "$ca" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-path /v1/sys/seal --exclude-path '/v1/apikeys/{id}' \
  --phases examples,coverage,fuzzing \
  --seed "$seed" --max-time "$seconds" --workers 1 --request-timeout 10
