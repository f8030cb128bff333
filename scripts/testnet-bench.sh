#!/usr/bin/env bash
# Start-to-ready time of the private test network over cold starts: each run creates a
# fresh network (new keys, new ports) in a temporary directory, times `torctl-testnet up`
# by the wall clock, stops the network and removes it. Prints each run, the median and
# the range, and the machine they were measured on.
#
#   scripts/testnet-bench.sh [RUNS]     (default 5)
#
# TORCTL_TESTNET names the program; by default the first built of build/release and
# build/testnet is used.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
tool=${TORCTL_TESTNET:-}
if [ -z "$tool" ]; then
  for candidate in build/release/tools/testnet/torctl-testnet \
                   build/testnet/tools/testnet/torctl-testnet; do
    if [ -x "$candidate" ]; then tool=$candidate; break; fi
  done
fi
[ -n "$tool" ] && [ -x "$tool" ] ||
  { echo "testnet-bench: build torctl-testnet first (or set TORCTL_TESTNET)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/torctl-testnet-bench.XXXXXX")
net="$work/net"
cleanup() {
  if [ -f "$net/network.json" ]; then "$tool" down "$net" >/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }

times=()
for run in $(seq 1 "$runs"); do
  "$tool" create "$net" >/dev/null
  start=$(now)
  if ! "$tool" up "$net" >"$work/up.log" 2>&1; then
    cat "$work/up.log" >&2
    echo "testnet-bench: run $run: the network did not come up" >&2
    exit 1
  fi
  end=$(now)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  times+=("$seconds")
  echo "run $run: ready after $seconds s"
  "$tool" down "$net" >/dev/null
  rm -rf -- "$net"
done

printf '%s\n' "${times[@]}" | sort -n | awk '
  { t[NR] = $1 }
  END {
    median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "runs: %d, median %.1f s, range %.1f to %.1f s\n", NR, median, t[1], t[NR]
  }'
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
memory=$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
echo "machine: $(nproc) cores, $cpu, $memory memory," \
  "$(tor --version | head -n1 | sed 's/\.$//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
