#!/usr/bin/env bash
# A busy simulated server through chat receivers that enforce Discord's and Slack's limits
# (issue 19): `squawk serve` on the built-in simulator (300 flights a server, 10× time), three
# whole-server subscriptions to Expert Server (discord, slack, json, and discord with live
# cards) at fake receivers (`squawk receive --as discord|slack`), for SECONDS of wall time;
# then the report.
#   scripts/chat-e2e.sh [SECONDS=200] [BINARY=.build/debug/squawk]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-200}
bin=${2:-.build/debug/squawk}
dir=/tmp/squawk-chat-e2e
rm -rf "$dir" && mkdir -p "$dir"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
"$bin" receive --as discord --port 9101 --jsonl "$dir/discord.jsonl" > "$dir/discord.log" 2>&1 & pids+=($!)
"$bin" receive --as slack --port 9102 --jsonl "$dir/slack.jsonl" > "$dir/slack.log" 2>&1 & pids+=($!)
"$bin" receive --port 9103 --jsonl "$dir/json.jsonl" > "$dir/json.log" 2>&1 & pids+=($!)
"$bin" receive --as discord --port 9104 --jsonl "$dir/card.jsonl" > "$dir/card.log" 2>&1 & pids+=($!)
SQUAWK_API_ADMIN_KEY=sqk_chat_e2e SQUAWK_STORE_URL="$dir/data/squawk.sqlite" SQUAWK_SERVER_PORT=8181 SQUAWK_METRICS_LISTEN= \
SQUAWK_SIMULATOR_FLIGHTS=300 SQUAWK_SIMULATOR_TIME_SCALE=10 SQUAWK_SIMULATOR_FLS_FLIGHTS=0 SQUAWK_API_ALLOW_SERVER_TARGETS=true \
  "$bin" serve > "$dir/serve.log" 2>&1 & pids+=($!)
for _ in $(seq 1 60); do curl -fs http://127.0.0.1:8181/healthz >/dev/null && break; sleep 1; done
for f in discord:9101 slack:9102 json:9103; do
  curl -fs -o /dev/null -X POST http://127.0.0.1:8181/v1/subscriptions -H "Authorization: Bearer sqk_chat_e2e" -H "Content-Type: application/json" \
    -d "{\"target\":{\"kind\":\"server\",\"id\":\"Expert Server\"},\"notifyEndpoint\":\"http://127.0.0.1:${f##*:}/api/webhooks/1/${f%%:*}\",\"format\":\"${f%%:*}\"}"
done
curl -fs -o /dev/null -X POST http://127.0.0.1:8181/v1/subscriptions -H "Authorization: Bearer sqk_chat_e2e" -H "Content-Type: application/json" \
  -d '{"target":{"kind":"server","id":"Expert Server"},"notifyEndpoint":"http://127.0.0.1:9104/api/webhooks/2/card","format":"discord","card":"live"}'
sleep "$seconds"
python3 scripts/chat_e2e_report.py "$dir"
