#!/usr/bin/env bash
# Installs every Debian 12 package torctl needs to build, test, benchmark and fuzz.
# Idempotent: packages already present are left as they are. Needs root (or sudo).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git python3
  # clang: libFuzzer targets and the sanitizer runtime they link against
  clang libclang-rt-dev clang-format
  # libraries
  libasio-dev libssl-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libncurses-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # Stem, the reference Python controller library: the event-parsing comparison benchmark
  python3-stem
  # the real Tor, driven by the daemon and the integration tests
  tor
)

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
