#!/usr/bin/env bash
# The main job: builds everything, then runs torctld, the TC control port, with a Tor of
# its own behind it, in the foreground until Ctrl-C (which stops both). Before that it
# shows the client library at work (examples/hello_tor, on a Tor of its own).
#   TORCTLD_DATA  torctld's directory (default build/torctld-data)
#   TORCTLD_LISTEN where it serves TC (default 127.0.0.1:9051)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build/release -j "${JOBS:-2}"

data=${TORCTLD_DATA:-build/torctld-data}
listen=${TORCTLD_LISTEN:-127.0.0.1:9051}

echo
echo "== Built programs =="
echo "  build/release/src/torctld                     the TC control port over a real Tor"
echo "  build/release/src/torctl                      the command-line controller (TC or text)"
echo "  build/release/examples/tc_getconf             GETCONF over TC (talks to torctld)"
echo "  build/release/examples/hello_tor              the client library, on a Tor of its own"
echo "  build/release/tools/testnet/torctl-testnet    a private Tor network on loopback"
echo "  build/release/tools/tcdump                    TC stream decoder"
echo "  build/release/bench/client_bench              round trips: raw, epoll, Asio, torctl, Stem"
echo "  build/release/bench/torctld_events_bench      torctld's event fan-out (fake Tor)"
echo
echo "== examples/hello_tor: launches an offline Tor, changes a setting, shows the event =="
build/release/examples/hello_tor
echo
echo "== torctld: TC on $listen, with a Tor of its own; data in $data; Ctrl-C stops both =="
echo "Talk to it from another terminal, for example:"
echo "  build/release/src/torctl --protocol tc --control $listen getconf SocksPort"
echo "  build/release/src/torctl --protocol tc --control $listen events CIRC BW NOTICE"
echo "  build/release/examples/tc_getconf $listen SocksPort version"
echo "  build/release/examples/tc_getconf $listen --cookie $data/control_auth_cookie SocksPort"
echo "    (the cookie once a controller has set CookieAuthentication 1)"
echo
exec build/release/src/torctld --data-dir "$data" --listen "$listen"
