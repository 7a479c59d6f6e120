#!/usr/bin/env bash
# Temporal triggers through `playc run` (docs/language.md section 12):
# PLAYS temporal plays, SIGNALS signals over ACCOUNTS accounts
# (bench/gen_temporal.py; SCORES of the plays are decaying scores, 0 by
# default; ABSENCE=N makes one play in N an absence); prints signals/s (the
# best of RUNS timed runs, default 1) and the windows' state per account from
# playc run's summary.
# GEN=bench/gen_rate.py: rate plays instead (drops and surges against a baseline).
# BASELINE=/path/to/another/playc: both run RUNS times (default 3), alternating,
# on the same input; prints each one's best and the ratio (a noisy machine
# slows both alike, so the ratio holds better than either number).
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYS=${PLAYS:-100} SIGNALS=${SIGNALS:-1000000} ACCOUNTS=${ACCOUNTS:-100000} SCORES=${SCORES:-0} ABSENCE=${ABSENCE:-0}
playc=build/apps/playc/playc
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "${GEN:-bench/gen_temporal.py}" "$dir" "$PLAYS" "$SIGNALS" "$ACCOUNTS" "$SCORES" "$ABSENCE"
$playc check "$dir/plays" >/dev/null
best() {  # best wall time of the runs in file $1 ("" when none)
  sort -n "$1" | head -1
}
timed() {  # one run of playc $1; appends its wall time to file $2, its summary to $3
  local start end
  start=$(date +%s.%N)
  "$1" run "$dir/plays" --signals "$dir/signals.ndjson" >/dev/null 2>"$3"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { print e - s }' >>"$2"
}
: >"$dir/t.now"
: >"$dir/t.base"
for _ in $(seq "${RUNS:-$([[ -n "${BASELINE:-}" ]] && echo 3 || echo 1)}"); do
  timed "$playc" "$dir/t.now" "$dir/summary"
  if [[ -n "${BASELINE:-}" ]]; then timed "$BASELINE" "$dir/t.base" /dev/null; fi
done
cat "$dir/summary"
python3 - "$(best "$dir/t.now")" "$(best "$dir/t.base")" "$SIGNALS" "$ACCOUNTS" "$dir/summary" <<'PY'
import re, sys
now, base, signals, accounts, summary = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), open(sys.argv[5]).read()
m = re.search(r"hold (\d+) windows?, (\d+) bytes", summary)
now = float(now)
print(f"{signals / now:,.0f} signals/s (best {now:.2f} s, compile and NDJSON out included)")
if base:
    base = float(base)
    print(f"baseline: {signals / base:,.0f} signals/s (best {base:.2f} s); this build {base / now:.2f}x the baseline")
if m:
    print(f"state: {int(m.group(1)):,} windows, {int(m.group(2)) / accounts:,.0f} bytes per account ({int(m.group(2)):,} bytes)")
PY
