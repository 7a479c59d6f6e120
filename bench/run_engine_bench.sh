#!/usr/bin/env bash
# Issue 3's engine benchmark, one script, one machine, one run: the same plays
# and signals evaluated by
#   (a) our VM (engine_bench: playc's compiler + engine),
#   (b) the same plays written by hand in C++ (the limit),
#   (c) the same rules in Lua 5.4 and in LuaJIT, data passed as Lua tables,
#   (d) json-rules-engine on Node.
# Every implementation reports the actions it issued; the script fails if they
# disagree (same semantics or the comparison means nothing). Then: 1,000 plays
# over 10 types vs only the ~100 plays of the signal's type, and `playc run`
# end to end (JSON decode and output included) on 1,000 plays x 100,000 signals.
#
#   bench/run_engine_bench.sh            (SIGNALS=20000 JRE_SIGNALS=2000 REPEAT=5)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIGNALS=${SIGNALS:-20000}
JRE_SIGNALS=${JRE_SIGNALS:-2000}
REPEAT=${REPEAT:-5}
BUILD=${BUILD:-build}
work=$(mktemp -d /tmp/engine-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

cmake --build "$BUILD" --target engine_bench playc >/dev/null
(cd bench/peers && [ -d node_modules/json-rules-engine ] || npm install --no-audit --no-fund --silent >/dev/null)

gen() {  # gen DIR SIGNALS [--only-type T]
  python3 bench/gen_plays.py --plays 1000 --out "$1" --signals "$2" "${@:3}" >/dev/null
  python3 bench/peers/gen_peers.py "$1" >/dev/null
}
gen "$work/full" "$SIGNALS"
gen "$work/jre" "$JRE_SIGNALS"
gen "$work/type" "$SIGNALS" --only-type website.page_viewed
g++ -O2 -std=c++20 -I"$work/full" -o "$work/hand_bench" bench/peers/hand_bench.cpp -lsimdjson

results="$work/results.jsonl"
run() { echo "  $*" >&2; "$@" | tee -a "$results"; }
echo "== engine: $SIGNALS signals x 1000 plays over 10 types, best of $REPEAT passes each" >&2
run "$BUILD/bench/engine_bench" "$work/full" --repeat "$REPEAT" >/dev/null
run "$work/hand_bench" "$work/full" --repeat "$REPEAT" >/dev/null
run lua5.4 bench/peers/lua_bench.lua "$work/full" "$REPEAT" >/dev/null
run luajit bench/peers/lua_bench.lua "$work/full" "$REPEAT" >/dev/null
echo "== json-rules-engine: $JRE_SIGNALS signals (it is too slow for more), and our VM on the same" >&2
run node bench/peers/jre_bench.js "$work/jre" 1 >/dev/null
"$BUILD/bench/engine_bench" "$work/jre" --repeat "$REPEAT" | sed 's/"impl":"playc VM"/"impl":"playc VM (jre set)"/' | tee -a "$results" >/dev/null
echo "== index by type: website.page_viewed signals, 1000 plays loaded vs only its ~100 plays" >&2
"$BUILD/bench/engine_bench" "$work/full" --repeat "$REPEAT" --only-type website.page_viewed |
  sed 's/"impl":"playc VM"/"impl":"VM, 1000 plays loaded"/' | tee -a "$results" >/dev/null
"$BUILD/bench/engine_bench" "$work/type" --repeat "$REPEAT" --only-type website.page_viewed |
  sed 's/"impl":"playc VM"/"impl":"VM, 100 plays loaded"/' | tee -a "$results" >/dev/null

echo "== playc run end to end: 1000 plays x 100,000 signals (compile, JSON decode, output)" >&2
gen "$work/e2e" 100000
hyperfine --warmup 1 --runs 5 -N --export-json "$work/e2e.json" \
  "$BUILD/apps/playc/playc run $work/e2e/plays --signals $work/e2e/signals.ndjson --context $work/e2e/context.json" \
  --output=null >/dev/null
python3 - "$results" "$work/e2e.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {r["impl"]: r for r in rows}
vm = by["playc VM"]
main = ["playc VM", "hand C++", "Lua 5.4"] + [k for k in by if k.startswith("LuaJIT")]
acts = {by[k]["actions"] for k in main}
if len(acts) != 1:
    sys.exit(f"implementations disagree on the actions issued: { {k: by[k]['actions'] for k in main} }")
jre, vmj = by["json-rules-engine"], by["playc VM (jre set)"]
if jre["actions"] != vmj["actions"]:
    sys.exit(f"json-rules-engine issued {jre['actions']} actions, our VM {vmj['actions']}")
print(f"| implementation | signals/s | VM ÷ it | actions (must agree) |")
print(f"|---|--:|--:|--:|")
for k in main:
    r = by[k]
    print(f"| {k} | {r['signals_per_s']:,.0f} | {vm['signals_per_s'] / r['signals_per_s']:.2f}x | {r['actions']} |")
print(f"| json-rules-engine ({jre['signals']} signals) | {jre['signals_per_s']:,.0f} | {vmj['signals_per_s'] / jre['signals_per_s']:.0f}x | {jre['actions']} |")
print()
print(f"VM steady-state heap allocations per signal: {vm['steady_allocs_per_signal']}")
a, b = by["VM, 1000 plays loaded"], by["VM, 100 plays loaded"]
print(f"per-signal cost, 1000 plays loaded / only the type's 100 plays: {b['signals_per_s'] / a['signals_per_s']:.2f}x "
      f"({a['signals_per_s']:,.0f} vs {b['signals_per_s']:,.0f} signals/s)")
e = json.load(open(sys.argv[2]))["results"][0]
print(f"playc run end to end, 100,000 signals x 1000 plays: mean {e['mean']:.2f} s (min {e['min']:.2f}) "
      f"= {100000 / e['mean']:,.0f} signals/s including compile, decode and output")
PY
