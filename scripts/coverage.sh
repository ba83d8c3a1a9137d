#!/usr/bin/env bash
# Coverage of the co-simulation (docs/regression.md): builds coverage-instrumented models of
# seven configurations (Verilator line, toggle and the RTL's functional cover points), runs every
# Cosim test of each with the default counts, merges the results, and writes into
# build/coverage/ (or $1): <config>.dat, merged.dat, coverage.info (lcov), html/ (genhtml) and
# coverage.md (line, toggle and functional figures, per point and configuration, with holes).
#   scripts/coverage.sh [out dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${TERNAC_BUILD_DIR:-$root/build}"
out="$(mkdir -p "${1:-$build/coverage}" && cd "${1:-$build/coverage}" && pwd)"
configs=(small odd narrow cap10 split csa_odd pipe_odd)
"$root/scripts/setup.sh" lcov
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" --target "${configs[@]/#/cosim_test_cov_}"
rm -f "$out"/*.dat
args=()
for c in "${configs[@]}"; do
  echo "coverage: $c"
  TERNAC_COVERAGE_FILE="$out/$c.dat" TERNAC_WAVE_DIR="$out/waves" \
    "$build/sim/cosim_test_cov_$c" --gtest_brief=1 | tail -1
  args+=("$c=$out/$c.dat")
done
verilator_coverage --write "$out/merged.dat" "$out"/{small,odd,narrow,cap10,split,csa_odd,pipe_odd}.dat
verilator_coverage --write-info "$out/coverage.info" "$out/merged.dat"
if command -v genhtml >/dev/null 2>&1; then
  genhtml -q --output-directory "$out/html" "$out/coverage.info" >/dev/null 2>&1 &&
    echo "coverage: HTML in $out/html/index.html"
fi
status=0
/usr/bin/python3 "$root/scripts/coverage_report.py" "$out/coverage.md" "${args[@]}" \
  "merged=$out/merged.dat" || status=$?
echo "coverage: $out/coverage.md, $out/coverage.info"
exit $status
