#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them: five repetitions each, medians shown.
# The figures in the README come from this script. Extra arguments go to the benchmark
# program (e.g. --benchmark_filter=Decode).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DTORCTL_TESTS=OFF
cmake --build build/bench -j "${JOBS:-2}" --target tc_codec_bench
build/bench/bench/tc_codec_bench --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true "$@"
