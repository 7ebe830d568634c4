#!/usr/bin/env bash
# Runs schemathesis against /openapi.json of a live `squawk serve` (temporary store, free
# loopback port), and fails on any 5xx or any response that breaks the schema.
#
#   scripts/api-fuzz.sh [path/to/squawk]      (default: .build/debug/squawk)
#
# Every check runs except positive_data_acceptance: the schema cannot say "a host that is not a
# private address" or "an airport that exists", so schema-valid but semantically wrong input is
# rightly refused with a 4xx problem. Python tools come from scripts/pydeps.sh (.build/py).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/debug/squawk}"
examples="${SQUAWK_FUZZ_EXAMPLES:-50}"

py="$(scripts/pydeps.sh)"
st=("$py" -m schemathesis.cli)

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" serve --port "$port" --db "$work/squawk.sqlite" >"$work/serve.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

up=""
for _ in $(seq 1 1200); do  # a debug build on a busy 2-core machine can take half a minute
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && { up=1; break; }
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; echo "squawk serve exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$up" ] || { cat "$work/serve.log"; echo "squawk serve did not answer /healthz within 120 s" >&2; exit 1; }
key="$(cat "$work/admin.key")"

"${st[@]}" run "http://127.0.0.1:$port/openapi.json" \
  -H "Authorization: Bearer $key" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "$examples" --seed 1 --no-color
echo "api-fuzz: no server errors and no schema violations"
