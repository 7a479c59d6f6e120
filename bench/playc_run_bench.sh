#!/usr/bin/env bash
# `playc run` end to end (issue 16): compile, JSON decode, evaluation and
# every action written as NDJSON (to /dev/null), on two corpora of 1,000
# plays over 10 signal types (bench/gen_plays.py):
#   standard      the engine bench's plays (icps, suppression, `fired within`
#                 hours); under one action per signal
#   action-heavy  --action-heavy: no icp or suppression filters, so a signal
#                 fires a dozen actions or more (12.4 at 1M signals) and every
#                 play that passes its `where` asks the `fired within` ledger
# SIGNALS signals each (default 1,000,000), one second apart, 500 accounts and
# 1,000 contacts. Prints signals/s and actions/s (the best of RUNS runs) and
# peak RSS. BASELINE=/path/to/another/playc: both run RUNS times (default 3),
# alternating, on the same input; prints each one's best, the ratio, and
# whether their outputs are identical (sha256 of the NDJSON, an untimed run).
# STREAM=N (e.g. 10000000): also the standard corpus with N signals, peak RSS
# only (memory must not grow with the input: docs/cli.md, `playc run`).
set -euo pipefail
cd "$(dirname "$0")/.."
SIGNALS=${SIGNALS:-1000000}
RUNS=${RUNS:-$([[ -n "${BASELINE:-}" ]] && echo 3 || echo 1)}
playc=${PLAYC:-build/apps/playc/playc}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 bench/gen_plays.py --plays 1000 --signals "$SIGNALS" --out "$dir/standard" >/dev/null
python3 bench/gen_plays.py --plays 1000 --signals "$SIGNALS" --out "$dir/heavy" --action-heavy >/dev/null

timed() {  # timed PLAYC CORPUS TIMES SUMMARY: one run; appends "seconds KB" to TIMES
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$dir/rss" "$1" run "$2/plays" --context "$2/context.json" \
    --signals "$2/signals.ndjson" >/dev/null 2>"$4"
  end=$(date +%s.%N)
  echo "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }') $(cat "$dir/rss")" >>"$3"
}
digest() {  # digest PLAYC CORPUS: sha256 of its output
  "$1" run "$2/plays" --context "$2/context.json" --signals "$2/signals.ndjson" 2>/dev/null | sha256sum | cut -c1-16
}

for corpus in standard heavy; do
  : >"$dir/$corpus.now"
  : >"$dir/$corpus.base"
  for _ in $(seq "$RUNS"); do
    timed "$playc" "$dir/$corpus" "$dir/$corpus.now" "$dir/$corpus.summary"
    if [[ -n "${BASELINE:-}" ]]; then timed "$BASELINE" "$dir/$corpus" "$dir/$corpus.base" /dev/null; fi
  done
  same=""
  if [[ -n "${BASELINE:-}" ]]; then
    if [[ "$(digest "$playc" "$dir/$corpus")" == "$(digest "$BASELINE" "$dir/$corpus")" ]]; then same=identical; else same=DIFFERENT; fi
  fi
  python3 - "$corpus" "$SIGNALS" "$dir/$corpus.now" "$dir/$corpus.base" "$dir/$corpus.summary" "$same" <<'PY'
import re, sys
corpus, signals, now_f, base_f, summary_f, same = sys.argv[1:7]
signals = int(signals)
summary = open(summary_f).read()
actions = int(re.search(r"(\d+) actions", summary).group(1))
def best(path):
    rows = [tuple(map(float, l.split())) for l in open(path) if l.strip()]
    return (min(r[0] for r in rows), max(r[1] for r in rows)) if rows else None
now, base = best(now_f), best(base_f)
name = {"standard": "standard corpus", "heavy": "action-heavy corpus"}[corpus]
print(f"== {name}: {signals:,} signals, {actions:,} actions ({actions / signals:.2f} per signal)")
print(f"  this build: {signals / now[0]:>10,.0f} signals/s {actions / now[0]:>12,.0f} actions/s"
      f"  best {now[0]:.2f} s, peak RSS {now[1] / 1024:.0f} MB")
if base:
    print(f"  baseline:   {signals / base[0]:>10,.0f} signals/s {actions / base[0]:>12,.0f} actions/s"
          f"  best {base[0]:.2f} s, peak RSS {base[1] / 1024:.0f} MB")
    print(f"  this build is {base[0] / now[0]:.2f}x the baseline; outputs {same}")
PY
done

if [[ -n "${STREAM:-}" ]]; then
  python3 bench/gen_plays.py --plays 1000 --signals "$STREAM" --out "$dir/stream" >/dev/null
  for b in "$playc" ${BASELINE:+"$BASELINE"}; do
    : >"$dir/stream.t"
    timed "$b" "$dir/stream" "$dir/stream.t" /dev/null
    read -r secs kb <"$dir/stream.t"
    echo "== $STREAM signals (standard corpus) with $b: peak RSS $((kb / 1024)) MB, ${secs%.*} s"
  done
fi
