#!/usr/bin/env bash
# The ctest fixture "testnet": one private network for the whole test run.
#
#   fixture.sh setup   TOOL DIR   create a fresh network in DIR and bring it up
#   fixture.sh cleanup TOOL DIR   stop it, and fail if any tor of it is left running
#
# setup fails, with the reason and the nodes' log tails (printed by `up`), if the network
# does not become ready; ctest then reports every test that needs it as not run, and
# counts them as failures. cleanup runs even when tests fail. DIR is kept afterwards, so
# that its logs can be read; the next setup replaces it.
set -euo pipefail

action=${1:?usage: fixture.sh setup|cleanup TOOL DIR}
tool=${2:?missing TOOL}
dir=${3:?missing DIR}
up_timeout=${TORCTL_TESTNET_UP_TIMEOUT:-90}

# Processes whose command line names a path inside DIR (a node, or a test's extra client).
processes_in_dir() {
  local entry
  for entry in /proc/[0-9]*; do
    if tr '\0' '\n' <"$entry/cmdline" 2>/dev/null | grep -qF "$dir/"; then
      echo "${entry#/proc/}"
    fi
  done
}

case "$action" in
  setup)
    # A network left by an interrupted run: stop its nodes before replacing it.
    if [ -f "$dir/network.json" ]; then "$tool" down "$dir" || true; fi
    rm -rf -- "$dir"
    "$tool" create "$dir"
    if ! "$tool" up "$dir" --timeout "$up_timeout"; then
      echo "testnet fixture: the private network in $dir did not come up (see above);" \
        "every test that needs it fails" >&2
      exit 1
    fi
    "$tool" status "$dir"
    ;;
  cleanup)
    status=0
    "$tool" down "$dir" || status=1
    left=$(processes_in_dir | tr '\n' ' ')
    if [ -n "$left" ]; then
      echo "testnet fixture: processes of $dir still run after down: PIDs $left" >&2
      status=1
    else
      echo "testnet fixture: no process of $dir is left running"
    fi
    exit "$status"
    ;;
  *)
    echo "fixture.sh: unknown action $action" >&2
    exit 2
    ;;
esac
