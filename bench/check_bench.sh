#!/usr/bin/env bash
# `playc check` on a generated corpus of 1,000 plays (~16k lines): wall time of a
# cold process (hyperfine, 10 runs) and peak memory (GNU time's max RSS).
# Targets (issue 2): under 1 s and under 200 MB on this 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYC=${PLAYC:-build/apps/playc/playc}
N=${PLAYS:-1000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 bench/gen_plays.py --plays "$N" --out "$out"
lines=$(cat "$out"/plays/*.play | wc -l)
echo "corpus: $N plays, $lines lines"
# The corpus is lint-clean but for possible-double-enrollment warnings; the exit code may be 0 or 1.
hyperfine --warmup 1 --runs 10 -i -N --export-json "$out/h.json" "$PLAYC check $out/plays" >/dev/null
python3 - "$out/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"playc check, cold process: mean {r['mean']*1000:.0f} ms, min {r['min']*1000:.0f} ms, max {r['max']*1000:.0f} ms over {len(r['times'])} runs")
PY
/usr/bin/time -f "peak memory (max RSS): %M KB" "$PLAYC" check "$out/plays" 2>&1 >/dev/null | tail -1
