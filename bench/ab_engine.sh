#!/usr/bin/env bash
# A/B of the engine between two builds (e.g. before and after a refactoring
# that must not change speed): both engine_bench binaries on the same
# generated corpus, interleaved A B A B ... so that load from anything else
# on the machine falls on both alike. Prints each pass, then the ratios B/A of
# the best passes (the least disturbed: the usual estimate of throughput on a
# noisy machine) and of the medians; within a few percent is noise here.
#
#   bench/ab_engine.sh BUILD_A BUILD_B      (SIGNALS=20000 ROUNDS=7 REPEAT=3)
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1/bench/engine_bench
b=$2/bench/engine_bench
SIGNALS=${SIGNALS:-20000}
ROUNDS=${ROUNDS:-7}
REPEAT=${REPEAT:-3}
work=$(mktemp -d /tmp/ab-engine.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_plays.py --plays 1000 --out "$work/full" --signals "$SIGNALS" >/dev/null
for i in $(seq "$ROUNDS"); do
  for side in A B; do
    bin=$a
    [ "$side" = B ] && bin=$b
    "$bin" "$work/full" --repeat "$REPEAT" 2>/dev/null | python3 -c '
import json, sys
r = json.loads(sys.stdin.readline())
print(sys.argv[1], r["signals_per_s"])' "$side" | tee -a "$work/passes"
  done
done
python3 - "$work/passes" <<'PY'
import statistics, sys
runs = {"A": [], "B": []}
for line in open(sys.argv[1]):
    side, rate = line.split()
    runs[side].append(float(rate))
a, b = statistics.median(runs["A"]), statistics.median(runs["B"])
ba, bb = max(runs["A"]), max(runs["B"])
print(f"best signals/s: A {ba:,.0f}  B {bb:,.0f}  B/A {bb / ba:.3f}")
print(f"median signals/s: A {a:,.0f}  B {b:,.0f}  B/A {b / a:.3f}  "
      f"(A range {min(runs['A']):,.0f}-{ba:,.0f}, B range {min(runs['B']):,.0f}-{bb:,.0f})")
PY
