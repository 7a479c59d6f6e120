#!/usr/bin/env bash
# Fuzzes with libFuzzer (clang, ASan+UBSan) for N seconds in total (default
# 60), shared by the targets (tests/fuzz/):
#   check     parse + check through the ANTLR front end, seeded with every
#             .play file in the repository: a third of the time (it is slow)
#   fmt       parse + format + parse again: the same tree and comments, and
#             formatting again changes nothing; seeded like check (also slow)
#   lsp       the language server core in-process: a document (seeded like
#             check) with random edits, requests at random positions and
#             raw messages; no crash and no InternalError answer
#   ide       the editor's queries (hover, definition, references, rename,
#             completion, symbols, quick fixes) at every offset of the input,
#             seeded like fmt (slow: every offset of an input)
#   signal    envelope normalization + the engine's signal decoder + engine
#   segment   the Segment API mapping + the context schema check
#   bundle    the bundle loader and verifier, then the engine on what loads
#   template  string templates compiled in a play and rendered
#   config    playd's TOML config loader
# the fast ones share the rest equally, each seeded with tests/fuzz/corpus/T/ (bundle: with
# bundles of plays/ and tests/scenario/plays built by this build's playc).
# FUZZ_TARGETS="signal bundle" runs only some of them.
# Prints runs and exec/s per target. A crash, hang (>10 s per input), leak,
# out-of-memory or sanitizer report fails the run; the reproducer's path and
# the command that replays it are printed (build-fuzz/artifacts/T/).
set -euo pipefail
cd "$(dirname "$0")/.."
total=${1:-60}
read -r -a targets <<<"${FUZZ_TARGETS:-check fmt lsp ide signal segment bundle template config}"
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
      -DCMAKE_CXX_COMPILER=clang++ -DPLAY_FUZZ=ON -DPLAY_BENCH=OFF -DPLAY_TESTS=ON "${launcher[@]}" >/dev/null
build_targets=$(printf 'fuzz_%s ' "${targets[@]}")
# The bundle target's seeds are real bundles of the repository's plays, built here by this
# build's own playc: committed bundles would go stale with each bundle version (and *.bundle
# is ignored by git).
[[ " ${targets[*]} " == *" bundle "* ]] && build_targets+=" playc"
cmake --build build-fuzz -j"$(nproc)" --target $build_targets

# Time shares: check a third when it runs with others, the rest equally.
declare -A share
fast=0
for t in "${targets[@]}"; do [ "$t" = check ] || fast=$((fast + 1)); done
rest=$total
if [[ " ${targets[*]} " == *" check "* ]]; then
  share[check]=$(( fast > 0 ? total / 3 : total ))
  rest=$((total - share[check]))
fi
for t in "${targets[@]}"; do
  [ "$t" = check ] || share[$t]=$(( fast > 0 ? rest / fast : 0 ))
  [ "${share[$t]}" -ge 1 ] || share[$t]=1
done

# UB stops the target (it is also built with -fno-sanitize-recover=undefined), with a stack.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
failed=()
printf '%-9s %6s %11s %9s\n' target seconds runs exec/s
for t in "${targets[@]}"; do
  bin=build-fuzz/tests/fuzz/fuzz_$t
  work=build-fuzz/corpus/$t
  artifacts=build-fuzz/artifacts/$t
  log=build-fuzz/fuzz_$t.log
  rm -rf "$work" "$artifacts" && mkdir -p "$work" "$artifacts"
  args=(-max_total_time="${share[$t]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  seeds=()
  case $t in
    check)
      find stdlib plays tests -name '*.play' -size -64k -exec cp --backup=numbered -t "$work" {} +
      args+=(-max_len=16384) ;;
    fmt | lsp)
      find stdlib plays tests -name '*.play' -size -64k -exec cp --backup=numbered -t "$work" {} +
      args+=(-max_len=16384 -dict=tests/fuzz/dict/play.dict) ;;
    ide)
      find stdlib plays tests -name '*.play' -size -3k -exec cp --backup=numbered -t "$work" {} +
      args+=(-max_len=1024 -dict=tests/fuzz/dict/play.dict) ;;
    bundle)
      args+=(-max_len=65536)
      # The whole sets, and each folder or file with its project (small bundles mutate better).
      seed_bundle() { # NAME PATHS...
        ASAN_OPTIONS=detect_leaks=0 build-fuzz/apps/playc/playc build "${@:2}" -o "$work/$1.bundle" \
          >/dev/null 2>&1 || true
      }
      seed_bundle plays plays
      seed_bundle scenario tests/scenario/plays
      for d in plays/*/; do seed_bundle "$(basename "$d")" plays/project.play plays/signals "$d"; done
      for f in tests/scenario/plays/*.play; do
        seed_bundle "scenario-$(basename "$f" .play)" tests/scenario/plays/project.play "$f"
      done
      [ -n "$(ls -A "$work")" ] || { echo "fuzz: no bundle seeds could be built"; exit 1; } ;;
    signal | segment) args+=(-max_len=8192 -dict=tests/fuzz/dict/json.dict); seeds=(tests/fuzz/corpus/$t) ;;
    template) args+=(-max_len=512 -dict=tests/fuzz/dict/template.dict); seeds=(tests/fuzz/corpus/$t) ;;
    config) args+=(-max_len=4096 -dict=tests/fuzz/dict/toml.dict); seeds=(tests/fuzz/corpus/$t) ;;
  esac
  # New inputs go to the first folder (build-fuzz), the seeds stay as they are.
  rc=0
  "$bin" "${args[@]}" "$work" "${seeds[@]}" >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  printf '%-9s %6s %11s %9s\n' "$t" "${share[$t]}" "${runs:-?}" "${rate:-?}"
  if [ "$rc" -ne 0 ]; then
    # The report's start (the error and its first frames) and its summary.
    start=$(grep -n -m1 -E '==[0-9]+==ERROR|runtime error:|ERROR: libFuzzer|^fuzz: ' "$log" | cut -d: -f1 || true)
    sed -n "${start:-1},$((${start:-1} + 24))p" "$log"
    grep -E '^SUMMARY:' "$log" || true
    for f in "$artifacts"/*; do
      [ -e "$f" ] || continue
      echo "FAILED: fuzz_$t: reproducer $f (replay: $bin $f)"
    done
    [ -n "$(ls -A "$artifacts")" ] || echo "FAILED: fuzz_$t exited $rc with no reproducer (log: $log)"
    failed+=("$t")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]} (logs: build-fuzz/fuzz_<target>.log)"
  exit 1
fi
echo "fuzz: ok"
