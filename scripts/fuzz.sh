#!/usr/bin/env bash
# Fuzzes parse + check with libFuzzer (clang, ASan+UBSan) for N seconds
# (default 60), seeded with every .play file in the repository.
# A crash, hang (>10 s per input) or sanitizer report fails the run; the
# reproducer is left in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-60}
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
      -DCMAKE_CXX_COMPILER=clang++ -DPLAY_FUZZ=ON -DPLAY_BENCH=OFF -DPLAY_TESTS=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_check
corpus=build-fuzz/corpus
rm -rf "$corpus" && mkdir -p "$corpus" build-fuzz/artifacts
find stdlib plays tests -name '*.play' -size -64k -exec cp --backup=numbered -t "$corpus" {} +
build-fuzz/tests/fuzz/fuzz_check "$corpus" -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=2048 \
  -max_len=16384 -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 2>&1 | tail -n 25
