#!/usr/bin/env bash
# Configures and builds the project (Release) into ./build (or $BUILD_DIR);
# arguments go to cmake's configure step (e.g. -DPLAY_JIT=ON). Re-running is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
launcher=()
if command -v ccache >/dev/null 2>&1; then
  # Optional: rebuilds (and several clones of the repository) share compiled objects.
  export CCACHE_BASEDIR="$PWD"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} "${launcher[@]}" "$@" >/dev/null
# TARGETS="a b": build only those (default: everything).
cmake --build "$BUILD_DIR" -j"$(nproc)" ${TARGETS:+--target $TARGETS}
