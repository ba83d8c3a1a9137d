#!/usr/bin/env bash
# Configures (once) and builds ternac in build/ with Ninja. Extra arguments go to ninja (targets).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TERNAC_BUILD_DIR:-$root/build}"
if [ ! -f "$build/build.ninja" ]; then
  # CMake's own output is long and says little; Verilator runs here once per model, so the step
  # takes minutes on a new tree: say so, and how long it took (scripts/regress.py and
  # scripts/build_progress.py show the lines starting "build: ").
  echo "build: configuring $build (CMake; Verilator runs once per model: minutes on a new tree)"
  start=$SECONDS
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  echo "build: configured in $((SECONDS - start)) s"
fi
# Verilated models are big translation units: one compile job per core keeps memory in check.
ninja -C "$build" -j "$(nproc)" "$@"
