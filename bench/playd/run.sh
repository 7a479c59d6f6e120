#!/usr/bin/env bash
# playd service benchmark (issue 4, bench/): one run, loopback only, bounded in
# time (~10 min), stops every process it started. See bench/README.md "## playd".
#
#   (a) ingest: wrk POSTing ~1 KB signal envelopes with unique ids to playd
#       /v1/signals (synchronous=FULL) and, in the same run, to http_noop (the
#       same HTTP server library answering at once): requests/s, p50/p99.
#   (b) signal->sink latency at 1,000/s and 5,000/s (the 1000 and 5000 rows of (d)).
#   (c) high-lane p99 alone, then with a 10x low-priority flood in parallel.
#   (d) load.py at $RATES against playd and the same sink.js, then the peer
#       ($PEER, default nodered) again via ../shared/peers/run.sh with the same rates.
#
# Needs: a Release build (playd, http_noop) in $BUILD, wrk, node, python3, and
# for (d) Node-RED installed in /tmp/peers/nodered (../shared/peers/README.md).
# Output: $OUT/results.md (tables), $OUT/raw.jsonl (one JSON per measurement),
#   $OUT/logs/ (wrk, load.py, playd logs, /metrics snapshots).
# Knobs (env): OUT, BUILD, PEERS_DIR, RATES ("100 500 1000 2000 5000"),
#   DURATION (10 s per open-loop rate), WRK_DURATION (10), WRK_CONNS ("16 64"),
#   WRK_THREADS (2), WRK_BATCH (10; 0 skips the batched run), HIGH_RATE (200),
#   FLOOD_MULT (10), SINK_CONCURRENCY (64; playd's default is 4), PLAYD_THREADS (2), PEER (nodered|n8n|none),
#   KEEP_DATA (0: the ingest step's ~1.5 GB store is deleted after its rows are counted),
#   SINK_DEFAULT_CHECK (1: also run the top rate with sink concurrency 4),
#   STEPS ("ingest latency flood peer": a subset runs only those parts).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench}
PEERS_DIR=${PEERS_DIR:-/work/shared/peers}
OUT=${OUT:-/tmp/playd-bench/$(date +%Y%m%d-%H%M%S)}
RATES=${RATES:-"100 500 1000 2000 5000"}
DURATION=${DURATION:-10}
WRK_DURATION=${WRK_DURATION:-10}
WRK_CONNS=${WRK_CONNS:-"16 64"}
WRK_THREADS=${WRK_THREADS:-2}
WRK_BATCH=${WRK_BATCH:-10}
HIGH_RATE=${HIGH_RATE:-200}
FLOOD_MULT=${FLOOD_MULT:-10}
SINK_CONCURRENCY=${SINK_CONCURRENCY:-64}
PLAYD_THREADS=${PLAYD_THREADS:-2}
PEER=${PEER:-nodered}
SINK_DEFAULT_CHECK=${SINK_DEFAULT_CHECK:-1}
STEPS=${STEPS:-"ingest latency flood peer"}
PLAYD_PORT=18080 NOOP_PORT=18081 SINK_PORT=19100
PLAYD=$BUILD/apps/playd/playd
NOOP=$BUILD/runtime/ingest/http_noop
RAW=$OUT/raw.jsonl
LOGS=$OUT/logs RUN=$OUT/run
SINK_FILE=$OUT/sink.tsv
mkdir -p "$LOGS" "$RUN"

log() { echo "[$(date +%T)] $*" >&2; }
die() { log "error: $*"; exit 1; }
for f in "$PLAYD" "$NOOP"; do [ -x "$f" ] || die "$f missing: build it in Release (see bench/README.md)"; done
for c in wrk node python3 curl ss; do command -v $c >/dev/null || die "$c not found"; done

# ---- process control (as ../shared/peers/run.sh): each service in its own
# ---- session, so its pid is its process group; we stop exactly that group.
start_bg() {  # name logfile cmd...
  local name=$1 logf=$2; shift 2
  setsid "$@" >"$logf" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}
pid_of() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null && cat "$RUN/$1.pid"; }
stop_bg() {  # name
  local pid i
  if pid=$(pid_of "$1"); then
    kill -TERM -- "-$pid" 2>/dev/null
    for i in $(seq 1 60); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 -- "-$pid" 2>/dev/null && { log "$1 ($pid) ignored SIGTERM: SIGKILL"; kill -KILL -- "-$pid" 2>/dev/null; }
  fi
  rm -f "$RUN/$1.pid"
}
cleanup() { stop_bg flood; stop_bg playd; stop_bg noop; stop_bg sink; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port_busy() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }
need_free() { port_busy "$1" && { ss -ltnp "sport = :$1" >&2; die "port $1 is in use by a process this script did not start"; }; return 0; }
wait_http() {  # url name -> waits up to 20 s for a 2xx
  local i
  for i in $(seq 1 80); do
    curl -sf -o /dev/null -m 1 "$1" && return 0
    pid_of "$2" >/dev/null || { tail -n 20 "$LOGS/$2"*.log >&2; die "$2 exited during start-up"; }
    sleep 0.25
  done
  die "$2 did not answer $1 within 20 s"
}
cpu_ticks() { [ -n "${1:-}" ] && awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }  # single-process services
metric() {  # name-regex -> sum of matching samples in playd's /metrics
  curl -s -m 5 "http://127.0.0.1:$PLAYD_PORT/metrics" | awk -v re="^($1)([{ ])" '$0 ~ re {s += $NF} END {printf "%d\n", s}'
}
idle_playd() {  # wait (max $1 s) until playd's queues and pending actions are empty
  local t0=$SECONDS
  while [ $((SECONDS - t0)) -lt "$1" ]; do
    [ "$(metric 'playd_queue_depth|playd_actions_pending')" = 0 ] && return 0
    sleep 0.5
  done
  log "playd still busy after $1 s (queue $(metric playd_queue_depth), pending actions $(metric playd_actions_pending))"
}
jline() { echo "$1" >>"$RAW"; }
busy_pct() {  # whole-machine CPU busy % (of all cores) over 1 s
  local a b
  read -ra a </proc/stat; sleep 1; read -ra b </proc/stat
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
# The machine is shared: before each measurement wait (at most QUIET_MAX s)
# until the other processes leave < QUIET_PCT % busy, and record what was seen.
QUIET_MAX=${QUIET_MAX:-45} QUIET_PCT=${QUIET_PCT:-15}
quiet() {  # label
  local t0=$SECONDS b
  b=$(busy_pct)
  while [ "$b" -ge "$QUIET_PCT" ] && [ $((SECONDS - t0)) -lt "$QUIET_MAX" ]; do sleep 2; b=$(busy_pct); done
  [ "$b" -ge "$QUIET_PCT" ] && log "machine still $b% busy (other processes) before $1"
  jline "{\"kind\":\"background\",\"label\":\"$1\",\"busy_pct\":$b,\"waited_s\":$((SECONDS - t0)),\"loadavg\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
}

# ---- services
start_sink() {
  need_free $SINK_PORT
  SINK_FILE=$SINK_FILE SINK_PORT=$SINK_PORT start_bg sink "$LOGS/sink.log" node "$PEERS_DIR/sink.js"
  local i; for i in $(seq 1 40); do port_busy $SINK_PORT && return 0; sleep 0.25; done
  die "sink did not start, see $LOGS/sink.log"
}
start_playd() {  # name config-file: fresh data dir each time
  need_free $PLAYD_PORT
  rm -rf "$OUT/data-$1"
  start_bg playd "$LOGS/playd-$1.log" "$PLAYD" serve --plays "$HERE/bench.play" --data "$OUT/data-$1" --config "$2"
  wait_http "http://127.0.0.1:$PLAYD_PORT/healthz" playd
  log "playd ($1) up, pid $(pid_of playd)"
}
write_config() {  # file with-sink(0|1) [sink concurrency]
  {
    echo "# written by bench/playd/run.sh"
    echo "[server]"
    echo "listen = \"127.0.0.1:$PLAYD_PORT\""
    echo "threads = $PLAYD_THREADS"
    echo "[store]"
    echo "synchronous = \"FULL\""
    if [ "$2" = 1 ]; then
      echo "[sinks.bench]"
      echo "kind = \"http\""
      echo "url = \"http://127.0.0.1:$SINK_PORT/sink\""
      echo "concurrency = ${3:-$SINK_CONCURRENCY}"
    fi
  } >"$1"
}

# ---- one load.py test against playd, with playd's and the sink's CPU around it
run_load() {  # label load.py-args...
  local label=$1; shift
  local pp sp p0 s0 t0 p1 s1 t1
  [ "${SKIP_QUIET:-0}" = 1 ] || quiet "playd $label"
  pp=$(pid_of playd); sp=$(pid_of sink)
  p0=$(cpu_ticks "$pp"); s0=$(cpu_ticks "$sp"); t0=$(date +%s.%N)
  timeout 200 python3 "$PEERS_DIR/load.py" --url "http://127.0.0.1:$PLAYD_PORT/v1/signals" \
    --sink-file "$SINK_FILE" --label "playd $label" --run-id "playd-$label-$(date +%H%M%S)" \
    --json-out "$RAW" --drain-max 60 "$@" >"$LOGS/load-$label.txt" 2>&1
  p1=$(cpu_ticks "$pp"); s1=$(cpu_ticks "$sp"); t1=$(date +%s.%N)
  grep -v '^SUMMARY' "$LOGS/load-$label.txt" >&2
  jline "$(python3 -c "
import json, os, sys; p0, p1, s0, s1, t0, t1 = map(float, sys.argv[2:]); hz = os.sysconf('SC_CLK_TCK')
print(json.dumps({'kind': 'cpu', 'label': sys.argv[1], 'playd_cpu_pct': round(100*(p1-p0)/hz/(t1-t0)),
                  'sink_cpu_pct': round(100*(s1-s0)/hz/(t1-t0)), 'window_s': round(t1-t0, 1)}))
" "playd $label" "$p0" "$p1" "$s0" "$s1" "$t0" "$t1")"
  curl -s -m 5 "http://127.0.0.1:$PLAYD_PORT/metrics" >"$LOGS/metrics-$label.txt"
  pid_of playd >/dev/null || { jline "{\"kind\":\"note\",\"text\":\"playd died during $label\"}"; die "playd died during $label"; }
  idle_playd 30
}

# ---- (a) ingest
run_wrk() {  # target(playd|http_noop) port conns batch
  local target=$1 port=$2 c=$3 b=$4 pid p0 p1 r0 r1 t0 t1 id
  id="wrk-$target-c$c-b$b-$(date +%H%M%S)"
  quiet "$id"
  pid=$(pid_of "$([ "$target" = playd ] && echo playd || echo noop)")
  [ "$target" = playd ] && r0=$(metric playd_signals_received_total) || r0=0
  p0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  timeout $((WRK_DURATION + 30)) wrk -t"$WRK_THREADS" -c"$c" -d"${WRK_DURATION}s" --timeout 5s --latency \
    -s "$HERE/signals.lua" "http://127.0.0.1:$port/v1/signals" -- "$id" "$b" >"$LOGS/$id.txt" 2>&1
  p1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
  [ "$target" = playd ] && r1=$(metric playd_signals_received_total) || r1=0
  grep -q '^WRKJSON' "$LOGS/$id.txt" || { cat "$LOGS/$id.txt" >&2; die "wrk failed ($id)"; }
  jline "$(python3 -c "
import json, os, sys
w = json.loads(sys.argv[1].split(' ', 1)[1]); hz = os.sysconf('SC_CLK_TCK')
a = sys.argv[2:]
w.update(kind='wrk', id=a[10], target=a[0], conns=int(a[1]), batch=int(a[2]), threads=int(a[3]),
         server_cpu_pct=round(100*(float(a[5])-float(a[4]))/hz/(float(a[7])-float(a[6]))),
         received=int(a[9])-int(a[8]) if a[0] == 'playd' else None)
print(json.dumps(w))
" "$(grep '^WRKJSON' "$LOGS/$id.txt")" "$target" "$c" "$b" "$WRK_THREADS" "$p0" "$p1" "$t0" "$t1" "$r0" "$r1" "$id")"
  log "wrk $target c=$c batch=$b: $(tail -n 1 "$RAW")"
}
step_ingest() {
  log "(a) ingest: http_noop ceiling"
  need_free $NOOP_PORT
  start_bg noop "$LOGS/http_noop.log" "$NOOP" $NOOP_PORT "$PLAYD_THREADS"
  wait_http "http://127.0.0.1:$NOOP_PORT/" noop
  for c in $WRK_CONNS; do run_wrk http_noop $NOOP_PORT "$c" 1; done
  stop_bg noop
  log "(a) ingest: playd (synchronous=FULL)"
  write_config "$OUT/playd-ingest.toml" 0
  start_playd ingest "$OUT/playd-ingest.toml"
  for c in $WRK_CONNS; do
    run_wrk playd $PLAYD_PORT "$c" 1
    idle_playd 60
  done
  if [ "$WRK_BATCH" -gt 1 ]; then
    run_wrk playd $PLAYD_PORT "${WRK_CONNS##* }" "$WRK_BATCH"
    idle_playd 60
  fi
  curl -s -m 5 "http://127.0.0.1:$PLAYD_PORT/metrics" >"$LOGS/metrics-ingest.txt"
  jline "{\"kind\":\"ingest_totals\",\"received\":$(metric playd_signals_received_total),\"evaluated\":$(metric playd_signals_evaluated_total),\"duplicates\":$(metric playd_signals_duplicate_total),\"overload\":$(metric 'playd_ingest_overload[a-z_]*')}"
  stop_bg playd
  # What was acknowledged is on disk: count the rows after a clean stop.
  command -v sqlite3 >/dev/null &&
    jline "{\"kind\":\"ingest_rows\",\"signals_rows\":$(sqlite3 "$OUT/data-ingest/playd.db" 'select count(*) from signals' 2>/dev/null || echo null)}"
  # ~1.5 GB after a run; KEEP_DATA=1 keeps it for inspection.
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$OUT/data-ingest"
}

# ---- (b) + (d, playd side): fixed rates against the same sink.js
step_latency() {
  log "(b)/(d) playd at $RATES/s x ${DURATION}s -> sink.js"
  write_config "$OUT/playd-sink.toml" 1
  start_sink
  start_playd latency "$OUT/playd-sink.toml"
  log "warm-up 20/s x 3 s (not reported)"
  timeout 60 python3 "$PEERS_DIR/load.py" --url "http://127.0.0.1:$PLAYD_PORT/v1/signals" --sink-file "$SINK_FILE" \
    --rate 20 --duration 3 --run-id "playd-warmup-$(date +%H%M%S)" --drain-max 20 >"$LOGS/load-warmup.txt" 2>&1
  for r in $RATES; do
    log "open loop $r/s x ${DURATION}s"
    run_load "open$r" --rate "$r" --duration "$DURATION"
  done
  stop_bg playd
  # The same top rate with playd's default sink concurrency (4), for the record.
  if [ "$SINK_DEFAULT_CHECK" = 1 ] && [ "$SINK_CONCURRENCY" != 4 ]; then
    local top=${RATES##* }
    write_config "$OUT/playd-sink-c4.toml" 1 4
    start_playd latency-c4 "$OUT/playd-sink-c4.toml"
    log "open loop $top/s x ${DURATION}s with sink concurrency 4 (playd's default)"
    run_load "sink-c4-$top" --rate "$top" --duration "$DURATION"
    stop_bg playd
  fi
}

# ---- (c) high lane with and without a low-priority flood
step_flood() {
  local flood=$((HIGH_RATE * FLOOD_MULT)) sampler
  log "(c) high lane $HIGH_RATE/s alone, then with a $flood/s low-priority flood"
  write_config "$OUT/playd-sink.toml" 1
  pid_of sink >/dev/null || start_sink
  start_playd flood "$OUT/playd-sink.toml"
  timeout 60 python3 "$PEERS_DIR/load.py" --url "http://127.0.0.1:$PLAYD_PORT/v1/signals" --sink-file "$SINK_FILE" \
    --rate 20 --duration 3 --run-id "playd-warmup2-$(date +%H%M%S)" --drain-max 20 >"$LOGS/load-warmup2.txt" 2>&1
  run_load high-alone --rate "$HIGH_RATE" --duration "$DURATION"
  quiet "playd high-flood"
  # The flood starts 1 s before and ends 1 s after the high-lane run.
  start_bg flood "$LOGS/load-flood.txt" timeout 200 python3 "$HERE/flood.py" --type bench.flood \
    --url "http://127.0.0.1:$PLAYD_PORT/v1/signals" --sink-file "$SINK_FILE" --label "playd flood" \
    --run-id "playd-flood-$(date +%H%M%S)" --json-out "$RAW" --drain-max 60 \
    --rate "$flood" --duration $((DURATION + 2))
  # Queue depth per lane, once a second, while the flood runs.
  ( while pid_of flood >/dev/null; do
      echo "$(date +%s) $(curl -s -m 1 "http://127.0.0.1:$PLAYD_PORT/metrics" | grep '^playd_queue_depth' | tr '\n' ' ')"
      sleep 1
    done ) >"$LOGS/flood-queue-depth.txt" 2>&1 &
  sampler=$!
  sleep 1.3
  SKIP_QUIET=1 run_load high-flood --rate "$HIGH_RATE" --duration "$DURATION"
  local i; for i in $(seq 1 240); do pid_of flood >/dev/null || break; sleep 0.5; done
  stop_bg flood
  wait "$sampler" 2>/dev/null
  grep -v '^SUMMARY' "$LOGS/load-flood.txt" >&2
  jline "$(python3 -c "
import json, re, sys
mx = {}
for line in open(sys.argv[1]):
    for lane, v in re.findall(r'playd_queue_depth\{lane=\"(\w+)\"\} (\d+)', line):
        mx[lane] = max(mx.get(lane, 0), int(v))
print(json.dumps({'kind': 'flood_queue', 'max_depth': mx}))
" "$LOGS/flood-queue-depth.txt")"
  idle_playd 60
  stop_bg playd
}

# ---- (d) the peer, again, in this run
step_peer() {
  [ "$PEER" = none ] && return 0
  stop_bg sink; stop_bg playd
  quiet "$PEER (before its run.sh)"
  log "(d) $PEER via $PEERS_DIR/run.sh, RATES=\"$RATES\" DURATION=$DURATION"
  RATES="$RATES" DURATION="$DURATION" CLOSED_CONC=0 LABEL="$PEER" RESULTS="$OUT/logs/peer-$PEER.txt" JSONL="$RAW" \
    timeout 900 "$PEERS_DIR/run.sh" "$PEER" >"$LOGS/peer-$PEER.log" 2>&1 ||
    log "peer run.sh exited with $? (see $LOGS/peer-$PEER.log)"
  grep -E '^(==|acknowledged|actions|signal->sink|errors|peer process)' "$LOGS/peer-$PEER.txt" >&2
}

# ---- main
{
  echo "host: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -r)"
  echo "playd: $PLAYD ($(grep -m1 CMAKE_BUILD_TYPE "$BUILD/CMakeCache.txt" | cut -d= -f2)), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD -- runtime 2>/dev/null || echo ' + uncommitted runtime/ changes')"
  echo "tools: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), node $(node --version), $(python3 --version)"
  echo "knobs: RATES=\"$RATES\" DURATION=$DURATION WRK_DURATION=$WRK_DURATION WRK_CONNS=\"$WRK_CONNS\" WRK_THREADS=$WRK_THREADS WRK_BATCH=$WRK_BATCH HIGH_RATE=$HIGH_RATE FLOOD_MULT=$FLOOD_MULT SINK_CONCURRENCY=$SINK_CONCURRENCY PLAYD_THREADS=$PLAYD_THREADS PEER=$PEER"
} >"$OUT/header.txt"
cat "$OUT/header.txt" >&2
T0=$SECONDS
for s in $STEPS; do
  case $s in ingest|latency|flood|peer) "step_$s" ;; *) die "unknown step $s" ;; esac
done
cleanup
python3 "$HERE/report.py" "$OUT" >"$OUT/results.md"
cat "$OUT/results.md"
log "done in $((SECONDS - T0)) s: $OUT/results.md, $RAW"
