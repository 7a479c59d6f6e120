#!/usr/bin/env bash
# Temporal triggers through `playc run` (docs/language.md section 12):
# PLAYS temporal plays, SIGNALS signals over ACCOUNTS accounts
# (bench/gen_temporal.py; SCORES of the plays are decaying scores, 0 by
# default; ABSENCE=N makes one play in N an absence); prints signals/s (hyperfine when installed, else
# one timed run) and the windows' state per account from playc run's summary.
# GEN=bench/gen_rate.py: rate plays instead (drops and surges against a baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYS=${PLAYS:-100} SIGNALS=${SIGNALS:-1000000} ACCOUNTS=${ACCOUNTS:-100000} SCORES=${SCORES:-0} ABSENCE=${ABSENCE:-0}
playc=build/apps/playc/playc
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "${GEN:-bench/gen_temporal.py}" "$dir" "$PLAYS" "$SIGNALS" "$ACCOUNTS" "$SCORES" "$ABSENCE"
$playc check "$dir/plays" >/dev/null
run=("$playc" run "$dir/plays" --signals "$dir/signals.ndjson")
start=$(date +%s.%N)
"${run[@]}" >/dev/null 2>"$dir/summary"
end=$(date +%s.%N)
cat "$dir/summary"
python3 - "$start" "$end" "$SIGNALS" "$ACCOUNTS" "$dir/summary" <<'PY'
import re, sys
start, end, signals, accounts, summary = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), open(sys.argv[5]).read()
m = re.search(r"hold (\d+) windows?, (\d+) bytes", summary)
print(f"{signals / (end - start):,.0f} signals/s ({end - start:.2f} s, compile and NDJSON out included)")
if m:
    print(f"state: {int(m.group(1)):,} windows, {int(m.group(2)) / accounts:,.0f} bytes per account ({int(m.group(2)):,} bytes)")
PY
