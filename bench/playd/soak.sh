#!/usr/bin/env bash
# playd's RSS over a long run (issue 16): load.py at $RATE signals/s for
# $DURATION seconds against playd (synchronous=FULL, an HTTP sink on
# ../shared/peers/sink.js, as run.sh's latency step), sampling playd's VmRSS
# every $EVERY seconds. Prints the samples and first / last / max; "flat"
# means last - first stays within the noise of the caches filling.
# Not a test: nothing here asserts. Stops every process it started.
#
#   bench/playd/soak.sh                      # 2,000/s for 1,800 s
#   RATE=2000 DURATION=120 EVERY=10 bench/playd/soak.sh
# Knobs (env): BUILD (build-bench), RATE (2000), DURATION (1800), EVERY (30),
#   SINK_CONCURRENCY (64), PLAYD_THREADS (2), OUT, PEERS_DIR.
# Output: $OUT/rss.tsv (seconds, rss_kb), $OUT/summary.txt, $OUT/logs/.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench}
PEERS_DIR=${PEERS_DIR:-/work/shared/peers}
RATE=${RATE:-2000}
DURATION=${DURATION:-1800}
EVERY=${EVERY:-30}
SINK_CONCURRENCY=${SINK_CONCURRENCY:-64}
PLAYD_THREADS=${PLAYD_THREADS:-2}
OUT=${OUT:-/tmp/playd-soak/$(date +%Y%m%d-%H%M%S)}
PLAYD_PORT=18082 SINK_PORT=19102
PLAYD=$BUILD/apps/playd/playd
mkdir -p "$OUT/logs"
log() { echo "[$(date +%T)] $*" >&2; }
die() { log "error: $*"; exit 1; }
[ -x "$PLAYD" ] || die "$PLAYD missing: build it in Release (see bench/README.md)"
for p in $PLAYD_PORT $SINK_PORT; do
  ss -ltnH "sport = :$p" | grep -q . && die "port $p is in use by a process this script did not start"
done

# Each service in its own session: its pid is its process group, and only
# that group is stopped.
# Not called in $( ): the process must be this shell's child (for wait)
# and PIDS must be this shell's array (for cleanup); the pid is in LAST_PID.
PIDS=()
LAST_PID=
start_bg() {  # logfile cmd...
  local logf=$1; shift
  setsid "$@" >"$logf" 2>&1 </dev/null &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -0 -- "-$p" 2>/dev/null && kill -KILL -- "-$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$OUT/playd.toml" <<EOF
# written by bench/playd/soak.sh
[server]
listen = "127.0.0.1:$PLAYD_PORT"
threads = $PLAYD_THREADS
[store]
synchronous = "FULL"
[sinks.bench]
kind = "http"
url = "http://127.0.0.1:$SINK_PORT/sink"
concurrency = $SINK_CONCURRENCY
EOF
SINK_FILE=$OUT/sink.tsv
SINK_FILE=$SINK_FILE SINK_PORT=$SINK_PORT start_bg "$OUT/logs/sink.log" node "$PEERS_DIR/sink.js"
start_bg "$OUT/logs/playd.log" "$PLAYD" serve --plays "$HERE/bench.play" --data "$OUT/data" --config "$OUT/playd.toml"
PLAYD_PID=$LAST_PID
for i in $(seq 1 80); do curl -sf -o /dev/null -m 1 "http://127.0.0.1:$PLAYD_PORT/healthz" && break; sleep 0.25; done
curl -sf -o /dev/null -m 1 "http://127.0.0.1:$PLAYD_PORT/healthz" || die "playd did not start (see $OUT/logs)"
rss() { awk '/^VmRSS:/{print $2}' "/proc/$PLAYD_PID/status" 2>/dev/null; }
log "playd pid $PLAYD_PID up, RSS $(rss) kB; load.py $RATE/s for $DURATION s, a sample every $EVERY s"

start_bg "$OUT/logs/load.txt" timeout $((DURATION + 600)) python3 "$PEERS_DIR/load.py" \
  --url "http://127.0.0.1:$PLAYD_PORT/v1/signals" --rate "$RATE" --duration "$DURATION" \
  --sink-file "$SINK_FILE" --label "playd soak" --run-id "soak-$(date +%H%M%S)" --drain-max 120
LOAD_PID=$LAST_PID
T0=$SECONDS
printf 'seconds\trss_kb\n' >"$OUT/rss.tsv"
while kill -0 "$LOAD_PID" 2>/dev/null; do
  r=$(rss) || true
  [ -n "$r" ] || die "playd died (see $OUT/logs/playd.log)"
  printf '%d\t%d\n' $((SECONDS - T0)) "$r" >>"$OUT/rss.tsv"
  sleep "$EVERY"  # until load.py ends: it builds its schedule first (~90 s for 1,800 s), then sends
done
wait "$LOAD_PID" 2>/dev/null
grep -v '^SUMMARY' "$OUT/logs/load.txt" >&2
python3 - "$OUT/rss.tsv" "$RATE" "$DURATION" >"$OUT/summary.txt" <<'EOF'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]).read().splitlines()[1:]]
if not rows:
    sys.exit("no samples")
first, last = rows[0][1], rows[-1][1]
peak = max(r for _, r in rows)
# After the first 5 minutes the caches (context, ledger, SQLite's page
# cache) are warm: the drift from there on is what "flat" is about.
warm = [r for t, r in rows if t >= 300] or [last]
print(f"rate {sys.argv[2]}/s for {sys.argv[3]} s, {len(rows)} samples")
print(f"RSS first {first / 1024:.1f} MB, last {last / 1024:.1f} MB, max {peak / 1024:.1f} MB")
print(f"after 5 min: min {min(warm) / 1024:.1f} MB, max {max(warm) / 1024:.1f} MB, "
      f"drift {(warm[-1] - warm[0]) / 1024:+.1f} MB")
EOF
cat "$OUT/summary.txt"
log "done: $OUT/rss.tsv, $OUT/summary.txt"
