#!/usr/bin/env bash
# Builds and runs every test, in three build trees:
#   build/release  the plain build: unit tests, header checks, a benchmark smoke run
#   build/asan     the same tests under AddressSanitizer + UndefinedBehaviorSanitizer,
#                  with the portable (non-SSE2) text scanning, so both paths are tested
#   build/fuzz     libFuzzer targets (clang), each run for TORCTL_FUZZ_SECONDS (default 30)
# Exits non-zero if any build or test fails, or if a tree runs no test at all.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=${JOBS:-2}
fuzz_seconds=${TORCTL_FUZZ_SECONDS:-30}
passed=0
failed=0

configure_and_build() {
  local dir=$1
  shift
  cmake -S . -B "build/$dir" -G Ninja "$@"
  cmake --build "build/$dir" -j "$jobs"
}

run_ctest() {
  local dir=$1 log="build/$1/ctest.log" status=0
  (cd "build/$dir" && ctest --output-on-failure -j "$jobs") 2>&1 | tee "$log" || status=1
  local summary
  summary=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [ -z "$summary" ]; then
    echo "test.sh: $dir: ctest printed no summary (no tests found?)" >&2
    failed=$((failed + 1))
    return
  fi
  local total bad
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$summary")
  bad=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$summary")
  if [ "$total" -eq 0 ]; then
    echo "test.sh: $dir ran no test" >&2
    failed=$((failed + 1))
  fi
  passed=$((passed + total - bad))
  failed=$((failed + bad))
  [ "$status" -eq 0 ] || [ "$bad" -gt 0 ] || failed=$((failed + 1))
}

configure_and_build release -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_ctest release

# Line tables only (-g1), as in RelWithDebInfo: sanitizer reports keep their file:line.
configure_and_build asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DTORCTL_SANITIZE=ON -DTORCTL_BENCHMARKS=OFF -DTORCTL_PORTABLE_SCAN=ON
run_ctest asan

CC=clang CXX=clang++ configure_and_build fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTORCTL_FUZZ=ON -DTORCTL_FUZZ_SECONDS="$fuzz_seconds"
run_ctest fuzz

echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
