#!/usr/bin/env bash
# Builds the benchmarks in Release and runs them: five repetitions each, medians shown.
# The figures in the README come from this script. In the same run it times Stem (Debian's
# python3-stem) on the very events that text_codec_bench's EventMix parses, and prints
# the ratio; then client_bench times GETINFO round trips against one real tor with a raw
# socket client, torctl and Stem, and torctld_bench times torctld against the Tor behind it;
# last, torctld_events_bench times torctld's event fan-out from a fake Tor to 1 to 1,000
# controllers.
# Extra arguments go to the two codec benchmark programs
# (e.g. --benchmark_filter=Event).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DTORCTL_TESTS=OFF
cmake --build build/bench -j "${JOBS:-2}" --target tc_codec_bench text_codec_bench client_bench \
  torctld_bench torctld_events_bench torctld

run() {
  "$1" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true "${@:2}"
}

echo "== TC codec =="
run build/bench/bench/tc_codec_bench "$@"

echo
echo "== Text codec =="
json=$(mktemp)
trap 'rm -f "$json"' EXIT
run build/bench/bench/text_codec_bench --benchmark_out="$json" --benchmark_out_format=json "$@"

stem_comparison() {
  echo
  # Debian's own python3: python3-stem is installed for it, not for any other python3 on PATH.
  echo "== Stem on the same events (five runs of 3 s) =="
  stem_runs=()
  for _ in 1 2 3 4 5; do
    stem_runs+=("$(/usr/bin/python3 bench/stem_events.py tests/fixtures | awk '{print $2}')")
  done
  stem=$(printf '%s\n' "${stem_runs[@]}" | sort -n | sed -n 3p)
  echo "Stem events/s: ${stem_runs[*]} (median $stem)"
  echo "torctl EventMix events/s (median): $ours"
  awk -v a="$ours" -v b="$stem" 'BEGIN { printf "ratio torctl/Stem: %.0f\n", a / b }'
}

ours=$(python3 - "$json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
medians = [b for b in runs if b.get("aggregate_name") == "median" and
           b["run_name"] == "EventMix"]
print(f"{medians[0]['items_per_second']:.0f}" if medians else "")
PY
)
if [ -z "$ours" ]; then
  echo "bench.sh: EventMix did not run (filtered out?); no Stem comparison" >&2
else
  stem_comparison
fi

echo
echo "== Client round trips against a real tor =="
build/bench/bench/client_bench

echo
echo "== torctld against the Tor behind it =="
build/bench/bench/torctld_bench build/bench/src/torctld

echo
echo "== torctld's event fan-out, from a fake Tor =="
build/bench/bench/torctld_events_bench build/bench/src/torctld
