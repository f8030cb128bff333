#!/usr/bin/env bash
# The main job. Until the torctld daemon exists, it builds everything and shows what the
# built programs offer: examples/hello_tor (the client library launching, querying and
# configuring a real offline Tor), the private network's commands, tcdump's help, and a
# sample TC session (both directions) decoded from examples/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build/release -j "${JOBS:-2}"

tcdump=build/release/tools/tcdump
echo
echo "== Built programs =="
echo "  build/release/examples/hello_tor              the client library, on a Tor of its own"
echo "  build/release/tools/testnet/torctl-testnet    a private Tor network on loopback"
echo "  $tcdump                          TC stream decoder"
echo "  build/release/bench/client_bench              round trips: raw socket, torctl, Stem"
echo "  build/release/bench/tc_codec_bench            codec benchmarks"
echo
echo "== examples/hello_tor: launches an offline Tor, changes a setting, shows the event =="
build/release/examples/hello_tor
echo
echo "== torctl-testnet --help =="
build/release/tools/testnet/torctl-testnet --help
echo
echo "== tcdump --help =="
"$tcdump" --help
echo
echo "== A controller's side of a TC session (examples/tc-session-client.hex) =="
"$tcdump" --hex --from client examples/tc-session-client.hex
echo
echo "== The server's side (examples/tc-session-server.hex) =="
"$tcdump" --hex --from server examples/tc-session-server.hex
