#!/usr/bin/env bash
# Builds and runs the benchmarks (sim/bench/ternac_bench.cpp): RTL simulation throughput with and
# without checking and counters, single- and multi-threaded; golden-model GEMV/GEMM against a
# scalar loop; scaling with the array and workload size. Prints the figures and writes them to
# build/bench.csv (or the file given as the second argument).
#   scripts/bench.sh [all|rtl|golden|scaling] [out.csv]
# Run it on an otherwise idle machine: the figures are wall-clock throughput.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TERNAC_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" --target ternac_bench
"$build/sim/ternac_bench" "${1:-all}" "${2:-$build/bench.csv}"
