#!/usr/bin/env bash
# The extension's checks, one per ctest (tests/editor_support/CMakeLists.txt):
#   test/run.sh grammar            the TextMate grammar against test/grammar/*.play
#   test/run.sh unit               extension.js and lib/ under node's test runner
#   test/run.sh package OUT_DIR    vsce packages the .vsix into OUT_DIR; its contents are checked
#   test/run.sh snippets PLAYC     every snippet, expanded with its defaults, passes `playc check`
# Needs `npm ci --ignore-scripts --prefix editor-support/vscode` (scripts/test.sh runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
if [ "${1:-}" = snippets ]; then
  exec node test/check_snippets.js "${2:?usage: test/run.sh snippets PLAYC}"
fi
if [ ! -x "$bin/vscode-tmgrammar-test" ] || [ ! -x "$bin/vsce" ] || [ ! -d node_modules/vscode-languageclient ]; then
  echo "editor-support/vscode: npm packages missing; run: npm ci --ignore-scripts --prefix editor-support/vscode" >&2
  exit 1
fi
case "${1:-}" in
  grammar)
    "$bin/vscode-tmgrammar-test" -g syntaxes/play.tmLanguage.json "test/grammar/*.play"
    ;;
  unit)
    node --test test/unit/extension.test.js test/unit/folding.test.js
    ;;
  package)
    out="${2:?usage: test/run.sh package OUT_DIR}"
    mkdir -p "$out"
    version=$(node -p 'require("./package.json").version')
    vsix="$out/play-language-$version.vsix"
    rm -f "$vsix"
    # The project has no license file yet and no public repository URL: say so
    # to vsce instead of inventing either.
    "$bin/vsce" package --skip-license --allow-missing-repository --out "$vsix"
    python3 test/check_vsix.py "$vsix"
    ;;
  *)
    echo "usage: test/run.sh grammar | unit | package OUT_DIR | snippets PLAYC" >&2
    exit 2
    ;;
esac
