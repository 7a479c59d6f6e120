#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test: unit and golden tests
# (ctest), the formatter check over the repository, and the fuzz targets (60 s in all).
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BENCH=1 ./scripts/install-deps.sh
# Test clients and data from npm (exact versions, lock files): the CEL spec's
# conformance cases, the real Segment / RudderStack / Standard Webhooks SDKs,
# playwright-core, which drives Debian's chromium through the dashboard, and
# vscode-languageserver-protocol, the client that drives `playc lsp`, and
# the VS Code extension's packages (below).
npm install --no-audit --no-fund --silent --prefix tests/cel
npm ci --no-audit --no-fund --silent --prefix tests/npm
npm ci --no-audit --no-fund --silent --prefix tests/dashboard
npm ci --no-audit --no-fund --silent --prefix tests/lsp
# The VS Code extension's runtime dependency (vscode-languageclient) and its
# test and packaging tools (vscode-tmgrammar-test, @vscode/vsce). No install
# scripts: they would only fetch or build what signing and publishing need.
npm ci --no-audit --no-fund --silent --ignore-scripts --prefix editor-support/vscode
./scripts/build.sh
# The JIT build (issue 15: runtime/jit, LLVM 16) in its own directory: only
# what its tests need. Every object outside runtime/jit compiles exactly as
# above, so ccache makes this mostly links.
BUILD_DIR=build-jit TARGETS="test_jit cel_conformance playc" ./scripts/build.sh -DPLAY_JIT=ON

suites_passed=0
suites_failed=0
run() {  # run NAME COMMAND...: one test suite; keeps going so every failure is shown
  echo "== $1"
  shift
  if "$@"; then suites_passed=$((suites_passed + 1)); else suites_failed=$((suites_failed + 1)); echo "FAILED: $*"; fi
}

run "unit and golden tests (ctest)" ctest --test-dir build --output-on-failure -j2
run "JIT: bytecode, random expressions, the CEL cases and every play corpus, interpreter vs JIT (ctest -L jit)" ctest --test-dir build-jit --output-on-failure -L jit
run "a build without the JIT says so for --jit" sh -c 'build/apps/playc/playc run plays --signals plays/signals/sample.ndjson --jit 2>&1 >/dev/null | grep -q "this build has no JIT (configure with -DPLAY_JIT=ON)"'
run "example plays check without warnings" build/apps/playc/playc check --deny-warnings plays/
run "repository is formatted (playc fmt --check)" build/apps/playc/playc fmt --check plays/ stdlib/ tests/mistakes/
run "fuzz (check, fmt, lsp, ide, signal, segment, bundle, template, config) for ${FUZZ_SECONDS:-60}s" ./scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

echo "suites: $suites_passed passed, $suites_failed failed"
[ "$suites_failed" -eq 0 ]
