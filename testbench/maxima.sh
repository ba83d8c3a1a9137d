#!/usr/bin/env bash
# The documented maxima (rtl/configs.csv's "max" rows), built and co-simulated: a build tree
# configured with TERNAC_MAXIMA (and without SystemC) at <dir>, each maximum's co-simulation
# built there and run on random and directed GEMMs. Nightly (minutes of Verilator and compiler).
# Usage: maxima.sh <build dir>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir=$1
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTERNAC_MAXIMA=ON \
  -DTERNAC_SYSTEMC=OFF >/dev/null
status=0
while IFS=, read -r name _ _ _ _ _ _ _ _ _ use; do
  [ "$use" = max ] || continue
  echo "maxima: building and co-simulating $name"
  cmake --build "$dir" --target "cosim_test_$name" >"$dir/build_$name.log" 2>&1 ||
    { echo "FAIL: $name does not build (log: $dir/build_$name.log)"; tail -20 "$dir/build_$name.log"; status=1; continue; }
  "$dir/sim/cosim_test_$name" --gtest_filter='Cosim.RandomGemms:Cosim.Directed' ||
    { echo "FAIL: $name"; status=1; }
done <"$root/rtl/configs.csv"
exit $status
