#!/usr/bin/env bash
# The main job: installs what is needed, builds, checks the example plays and
# runs the sample signals through them, printing what happened.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
PLAYC=build/compiler/playc/playc

echo "== playc check plays/"
$PLAYC check plays/

if [ -f plays/signals/sample.ndjson ] && $PLAYC run --help >/dev/null 2>&1; then
  echo
  echo "== playc run plays/ --signals plays/signals/sample.ndjson --context plays/signals/context.json"
  $PLAYC run plays/ --signals plays/signals/sample.ndjson --context plays/signals/context.json
fi
