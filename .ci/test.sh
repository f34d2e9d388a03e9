#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test
# suite: the Release build's tests, the same tests built with
# AddressSanitizer + UndefinedBehaviorSanitizer (clang), and a one-minute
# libFuzzer run on config loading and a half-minute one on reading results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/build.sh
# Open MPI refuses to start as root (as CI runs) unless told it may.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest --test-dir build --output-on-failure -j "$(nproc)"

echo "crmsim: sanitizer build (ASan + UBSan) and fuzzer"
CC=clang CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCRMSIM_SANITIZE=ON -DCRMSIM_FUZZ=ON -DCRMSIM_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$(nproc)"

# The fuzzer adds what it finds to its first folder: give it a scratch copy.
# `timeout` bounds each run whatever happens inside it (a hung child of the
# target would otherwise hold the pipe to tail open).
corpus=$(mktemp -d)
cp tests/fuzz/corpus/* "$corpus"/
config_seconds="${CRMSIM_FUZZ_SECONDS:-60}"
timeout -k 10 $((config_seconds + 120)) ./build-asan/tests/fuzz/config_fuzzer "$corpus" \
  -max_total_time="$config_seconds" -rss_limit_mb=4096 -print_final_stats=1 2>&1 | tail -n 5
rm -rf "$corpus"
# The results reader (summarize, run records) over damaged copies of a real results file.
corpus=$(mktemp -d)
cp tests/fuzz/results-corpus/* "$corpus"/
results_seconds="${CRMSIM_RESULTS_FUZZ_SECONDS:-30}"
timeout -k 10 $((results_seconds + 120)) ./build-asan/tests/fuzz/results_fuzzer "$corpus" \
  -max_total_time="$results_seconds" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 2>&1 | tail -n 5
rm -rf "$corpus"
echo "crmsim: fuzzing found no crash"

ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
