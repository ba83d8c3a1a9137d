#!/usr/bin/env bash
# Configures (once) and builds ternac in build/ with Ninja. Extra arguments go to ninja (targets).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TERNAC_BUILD_DIR:-$root/build}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
# Verilated models are big translation units: one compile job per core keeps memory in check.
ninja -C "$build" -j "$(nproc)" "$@"
