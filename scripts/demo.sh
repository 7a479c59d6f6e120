#!/usr/bin/env bash
# The main job: installs what is needed, builds, then runs playd -- the service,
# on the embedded store -- with the example plays: loads the sample context,
# sends the sample signals over HTTP, and shows what it did (the actions
# delivered to the file outbox, one signal's trace, a /metrics excerpt) --
# with the chat tool down, so the notify actions are retried and an alert
# fires and reaches a (loopback) Slack webhook -- and a screenshot of the
# dashboard's overview in $DATA/overview.png.
# `playc check` and `playc test` run first, as CI would.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
PLAYC=build/apps/playc/playc
PLAYD=build/apps/playd/playd
PORT=${PORT:-8080}
DATA=${DATA:-data/demo}
URL=http://127.0.0.1:$PORT

echo "== playc check plays/"
$PLAYC check plays/
echo
echo "== playc test plays/ (the plays' own tests)"
$PLAYC test plays/ | tail -n 1

echo
rm -rf "$DATA"
mkdir -p "$DATA"
# The outside world: a chat tool that is down (503) and a Slack webhook for alerts.
python3 scripts/demo_receiver.py "$DATA/slack.txt" >"$DATA/receiver.port" &
receiver=$!
for _ in $(seq 1 50); do [ -s "$DATA/receiver.port" ] && break; sleep 0.1; done
rport=$(cat "$DATA/receiver.port")
cat >"$DATA/playd.toml" <<EOF
# The demo's config: actions go to the file outbox, but notify goes to a chat
# tool that is down; alerts go to a Slack webhook. Quick retries and rounds so
# the demo sees the alert in seconds (production: examples/playd.toml).
[sinks.chat]
kind = "http"
url = "http://127.0.0.1:$rport/chat"
[execution]
retry_schedule = ["1s"]
max_attempts = 3
[alerts]
interval = "2s"
success_min_attempts = 3
[alert_sinks.revops_slack]
kind = "slack"
url = "http://127.0.0.1:$rport/slack"
EOF
echo "== playd serve --plays plays/ --data $DATA --config $DATA/playd.toml  (listening on 127.0.0.1:$PORT,"
echo "   delivering to $DATA/outbox.ndjson; the chat sink is down; alerts to a loopback Slack webhook)"
$PLAYD serve --plays plays/ --data "$DATA" --config "$DATA/playd.toml" --listen "127.0.0.1:$PORT" \
  >"$DATA/playd.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; kill $receiver 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "$URL/healthz" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { cat "$DATA/playd.log"; exit 1; }
  sleep 0.1
done

echo "-- context: PUT /v1/accounts/{domain} and /v1/contacts/{email} from plays/signals/context.json"
python3 - "$URL" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
ctx = json.load(open("plays/signals/context.json"))
for kind, key in (("accounts", "domain"), ("contacts", "email")):
    for rec in ctx[kind]:
        fields = {k: v for k, v in rec.items() if k != key}
        req = urllib.request.Request(f"{url}/v1/{kind}/{rec[key]}", json.dumps(fields).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req).read()
print(f"   {len(ctx['accounts'])} accounts, {len(ctx['contacts'])} contacts")
PY

echo "-- signals: POST /v1/signals with plays/signals/sample.ndjson (18 lines, one repeated id, one broken line)"
# The sample's times are fixed (June 2026); moved so its last signal happened a minute ago, spacing
# kept, the dashboard's signal-to-action latency reads as it would live instead of months.
python3 - plays/signals/sample.ndjson "$DATA/sample.ndjson" <<'PY'
import datetime, re, sys
stamp = re.compile(r'"occurred_at":"([0-9T:.-]+Z)"')
lines = open(sys.argv[1]).read().splitlines()
parse = lambda t: datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
times = [parse(m.group(1)) for m in map(stamp.search, lines) if m]
shift = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1) - max(times)
move = lambda m: '"occurred_at":"%sZ"' % (parse(m.group(1)) + shift).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
open(sys.argv[2], "w").write("\n".join(stamp.sub(move, l) for l in lines) + "\n")
print(f"   times moved by {shift.days}d so the last signal happened a minute ago")
PY
code=$(curl -sS -o "$DATA/answer.json" -w '%{http_code}' -H 'Content-Type: application/x-ndjson' \
       --data-binary @"$DATA/sample.ndjson" "$URL/v1/signals")
echo "   HTTP $code: $(cat "$DATA/answer.json")"

# Wait until every accepted signal is evaluated and the outbox is quiet.
for _ in $(seq 1 100); do
  depth=$(curl -fsS "$URL/metrics" | awk '/^playd_queue_depth/ {s += $2} END {print s + 0}')
  [ "$depth" = 0 ] && break
  sleep 0.1
done
sleep 0.5

echo
echo "-- actions delivered to $DATA/outbox.ndjson (the lines playc run prints, but notify: chat is down):"
python3 - "$DATA/outbox.ndjson" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    args = ", ".join(f"{k}: {json.dumps(v)}" for k, v in a["args"].items() if v is not None)
    print(f"   {a['signal']}  {a['play']:<28} {a['action']:<7} ({args[:90]}{'...' if len(args) > 90 else ''})")
PY

echo
echo "-- why evt_003 did not fire: GET /v1/signals/evt_003/trace"
curl -fsS "$URL/v1/signals/evt_003/trace" | python3 -c '
import json, sys
t = json.load(sys.stdin)
print("   status:", t["status"])
for p in t.get("plays", []):
    print("   ", p.get("play"), "->", p.get("outcome"), p.get("reason", ""))'

echo
echo "-- GET /metrics (excerpt)"
curl -fsS "$URL/metrics" | grep -E '^playd_(signals_(received|duplicate|evaluated)_total|actions_total|dlq_size|queue_depth)|^playd_play_outcomes_total\{play="pricing_visit_enterprise"' | sed 's/^/   /'
echo
echo "-- chat is down: each notify is tried 3 times, then goes to the DLQ; the alert rules see it"
for _ in $(seq 1 150); do
  [ "$(curl -fsS "$URL/metrics" | awk '/^playd_dlq_size/ {print $2}')" = 5 ] && break
  sleep 0.1
done
sleep 2.5  # one more round of the rules ([alerts] interval = "2s") sees the last attempts
echo "   GET /v1/alerts:"
curl -fsS "$URL/v1/alerts" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["alerts"]:
    print("     %-8s %-13s %s" % (a["state"], a["rule"], a["summary"]))'
echo "   the first message the on-call Slack channel got:"
head -n 1 "$DATA/slack.txt" | cut -c1-300 | sed 's/^/     /'
echo "   the DLQ: $PLAYD dlq list --data $DATA (or Replay on the dashboard's DLQ page once chat is back)"
echo
echo "-- the dashboard: $URL/ (overview, one page per play, DLQ with replay, review queue, trace search)"
npm ci --no-audit --no-fund --silent --prefix tests/dashboard
node tests/dashboard/screenshot.mjs "$URL/" "$DATA/overview.png"
echo "   screenshot of the overview: $DATA/overview.png"
echo "   to look around: $PLAYD serve --plays plays/ --data $DATA --listen 127.0.0.1:$PORT, then open $URL/"
echo
echo "-- stopping playd (SIGTERM drains gracefully)"
