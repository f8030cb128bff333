#!/usr/bin/env bash
# The main job. Until the torctld daemon exists, it builds everything and shows what the
# built programs offer: tcdump's help, then a sample TC session (both directions)
# decoded from examples/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build/release -j "${JOBS:-2}"

tcdump=build/release/tools/tcdump
echo
echo "== Built programs =="
echo "  $tcdump                           TC stream decoder"
echo "  build/release/bench/tc_codec_bench   codec benchmarks"
echo "  build/release/tests/tc_tests         codec unit tests"
echo
echo "== tcdump --help =="
"$tcdump" --help
echo
echo "== A controller's side of a TC session (examples/tc-session-client.hex) =="
"$tcdump" --hex --from client examples/tc-session-client.hex
echo
echo "== The server's side (examples/tc-session-server.hex) =="
"$tcdump" --hex --from server examples/tc-session-server.hex
