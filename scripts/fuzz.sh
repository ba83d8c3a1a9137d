#!/usr/bin/env bash
# Fuzzes the readers with libFuzzer (clang), AddressSanitizer and UBSan:
#
#   scripts/fuzz.sh [seconds per target (60)] [target ...]     targets: energy_table cli_args array_config npy gguf
#
# Builds in build-fuzz/ (or $TERNAC_FUZZ_BUILD_DIR), starts each target from its checked-in corpus
# (testbench/fuzz/corpus/<target>, read only: new inputs go to build-fuzz/corpus/<target>) and
# prints the executions each target ran. A crash leaves its input in build-fuzz/ and fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TERNAC_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(energy_table cli_args array_config npy gguf)
"$root/scripts/setup.sh" clang
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERNAC_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++ >/dev/null
ninja -C "$build" "${targets[@]/#/fuzz_}" >/dev/null
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  log="$build/fuzz_$t.log"
  if (cd "$build" && "./testbench/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 \
        "corpus/$t" "$root/testbench/fuzz/corpus/$t") >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    echo "fuzz: $t: ${runs:-?} executions in ${seconds} s, no crash"
  else
    echo "fuzz: $t: FAILED, see $log"; tail -30 "$log"; status=1
  fi
done
exit $status
