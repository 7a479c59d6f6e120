#!/usr/bin/env bash
# Diagnostics latency of `playc lsp` after a one-file edit on a generated
# project of about 2,000 lines (125 plays, bench/gen_plays.py), measured by a
# client over stdio (bench/lsp/lsp_bench.py). Target (issue 12): p95 under 30 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
PLAYC=${PLAYC:-build/apps/playc/playc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 bench/gen_plays.py --plays "${PLAYS:-125}" --out "$out" >/dev/null
python3 bench/lsp/lsp_bench.py --playc "$PLAYC" --project "$out/plays" --edits "${EDITS:-200}"
