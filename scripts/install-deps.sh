#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need.
# Idempotent: apt-get install skips what is already there; safe to re-run.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config git clang clang-format libclang-rt-14-dev
  antlr4 libantlr4-runtime-dev
  libabsl-dev libfmt-dev libre2-dev libsimdjson-dev libsqlite3-dev sqlite3 libssl-dev zlib1g-dev libxxhash-dev
  libpq-dev postgresql-15  # the PostgreSQL store; its tests start a throwaway cluster (initdb)
  libcurl4-openssl-dev libboost-dev libboost-system-dev libtomlplusplus-dev libcli11-dev
  libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  libhowardhinnant-date-dev tzdata  # time zones of the timestamp accessors (runtime/vm/time_parts.cpp)
  python3 curl ccache
  chromium fonts-dejavu-core  # the dashboard's browser test (tests/dashboard), headless
  prometheus  # promtool: the tests check /metrics and `playc alerts` rules
  llvm-16-dev  # the JIT build (-DPLAY_JIT=ON, runtime/jit) scripts/test.sh also runs; the default build needs no LLVM
)
# Node.js (for test clients from npm): the machine may already have a newer one than
# Debian's; only fall back to Debian's packages when there is none.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || PKGS+=(nodejs npm)
BENCH_PKGS=(lua5.4 liblua5.4-dev luajit libluajit-5.1-dev wrk hyperfine)

missing=()
for p in "${PKGS[@]}" ${WITH_BENCH:+"${BENCH_PKGS[@]}"}; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
