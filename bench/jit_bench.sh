#!/usr/bin/env bash
# The JIT against the interpreter (issue 15), on two generated corpora:
#   expr      bench/gen_expr_plays.py: expression-heavy plays (arithmetic over many
#             properties, string functions, regexes, list comprehensions)
#   standard  bench/gen_plays.py: the standard corpus (routing, icps, suppression)
# For each: `playc run` on the interpreter, with --jit=eager and with --jit
# (background), on SIGNALS signals and on a tenth of them. Evaluation speed is
# the difference of the two runs' CPU time (user + sys), so loading cancels
# out; from an eager run's CPU time its compile time (the `jit:` line; the
# compile runs on the main thread before the first signal) is taken out
# first, since it varies from run to run by more than the evaluation of the
# standard corpus takes. CPU time rather than wall time: the machine is shared.
#
#   bench/jit_bench.sh [PLAYC]     (default build-jit/apps/playc/playc; a -DPLAY_JIT=ON build)
#   env: CORPORA ("expr standard"), SIGNALS (20000: the expression corpus), STD_SIGNALS (300000: the standard
#        corpus, which evaluates ~10x faster), EXPR_PLAYS (200), STD_PLAYS (300)
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYC=${1:-build-jit/apps/playc/playc}
SIGNALS=${SIGNALS:-20000}
STD_SIGNALS=${STD_SIGNALS:-300000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 bench/gen_expr_plays.py --plays "${EXPR_PLAYS:-200}" --signals "$SIGNALS" --out "$tmp/expr"
python3 bench/gen_plays.py --plays "${STD_PLAYS:-300}" --signals "$STD_SIGNALS" --out "$tmp/standard"

cpu() {  # cpu OUT ARGS...: runs playc ARGS, prints its user+sys seconds; stderr kept in OUT
  local out=$1
  shift
  /usr/bin/time -f "%U %S" -o "$out.time" "$PLAYC" "$@" >/dev/null 2>"$out"
  awk '{printf "%.3f", $1 + $2}' "$out.time"
}

echo "| corpus | programs | interpreter signals/s | JIT (eager) signals/s | JIT / interpreter | compile ms / program | --jit (background) CPU s, whole run | interpreter CPU s, whole run |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|"
for corpus in ${CORPORA:-expr standard}; do
  d=$tmp/$corpus
  signals=$SIGNALS
  [ "$corpus" = standard ] && signals=$STD_SIGNALS
  SHORT=$((signals / 10))
  head -n "$SHORT" "$d/signals.ndjson" >"$d/short.ndjson"
  common=("$d/plays" --context "$d/context.json")
  vm_long=$(cpu "$tmp/vm" run "${common[@]}" --signals "$d/signals.ndjson")
  vm_short=$(cpu "$tmp/vm_s" run "${common[@]}" --signals "$d/short.ndjson")
  jit_long=$(cpu "$tmp/jit" run "${common[@]}" --signals "$d/signals.ndjson" --jit=eager)
  jit_short=$(cpu "$tmp/jit_s" run "${common[@]}" --signals "$d/short.ndjson" --jit=eager)
  bg=$(cpu "$tmp/bg" run "${common[@]}" --signals "$d/signals.ndjson" --jit)
  line=$(grep '^jit: ' "$tmp/jit")  # jit: N of M programs compiled (T ms)
  programs=$(echo "$line" | awk '{print $4}')
  compile_ms=$(echo "$line" | sed -E 's/.*\(([0-9.]+) ms\).*/\1/')
  short_ms=$(grep '^jit: ' "$tmp/jit_s" | sed -E 's/.*\(([0-9.]+) ms\).*/\1/')
  n=$((signals - SHORT))
  awk -v c="$corpus" -v p="$programs" -v n="$n" -v vl="$vm_long" -v vs="$vm_short" -v jl="$jit_long" \
    -v js="$jit_short" -v cm="$compile_ms" -v cs="$short_ms" -v bg="$bg" 'BEGIN {
      vm = n / (vl - vs); jit = n / ((jl - cm / 1000) - (js - cs / 1000))
      printf "| %s | %d | %.0f | %.0f | %.2f | %.1f | %.2f | %.2f |\n", c, p, vm, jit, jit / vm, cm / p, bg, vl }'
done
