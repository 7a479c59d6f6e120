#!/bin/sh
# ctest entry: extracts the CEL `simple` conformance tests from the installed
# npm package, then runs them through our VM.
#   run_conformance.sh SOURCE_DIR CEL_CONFORMANCE_BINARY CASES_JSON_OUT [runner options]
# Exits 77 (ctest SKIP) when @bufbuild/cel-spec is not installed; install it with
#   npm install --no-audit --no-fund --prefix tests/cel
set -e
src=$1 bin=$2 out=$3
shift 3
if [ ! -d "$src/node_modules/@bufbuild/cel-spec" ]; then
  echo "SKIP: @bufbuild/cel-spec is not installed; run: npm install --no-audit --no-fund --prefix $src"
  exit 77
fi
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not on PATH (needed to extract the CEL conformance tests)"
  exit 77
fi
node "$src/extract_cel_tests.js" > "$out"
exec "$bin" "$out" --skip-list "$src/skip-list.txt" "$@"
