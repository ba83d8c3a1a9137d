#!/usr/bin/env bash
# Builds with AddressSanitizer and UBSan (-DTERNAC_SANITIZE=ON: the model, the harness, the
# readers, the testbenches and the Verilated models) in build-asan/ (or $TERNAC_ASAN_BUILD_DIR)
# and runs the tests there. Any sanitizer report fails the test that triggered it.
#
#   scripts/sanitize.sh             everything (a full build: long on a small machine)
#   scripts/sanitize.sh --quick     the model, fuzz replays, assertions and the small array only
#   scripts/sanitize.sh -R Gemm     extra arguments go to ctest
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TERNAC_ASAN_BUILD_DIR:-$root/build-asan}"
targets=()
filter=()
if [ "${1:-}" = --quick ]; then
  shift
  targets=(model_test fuzz_replay_energy_table fuzz_replay_cli_args fuzz_replay_array_config
           fuzz_replay_npy fuzz_replay_gguf
           assert_test cosim_test_small)
  filter=(-L '^(model|fuzz|assert|small)$' -LE systemc)
fi
"$root/scripts/setup.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERNAC_SANITIZE=ON \
  >/dev/null
ninja -C "$build" -j "$(nproc)" "${targets[@]}"
cd "$build"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$root/testbench/lsan.supp}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec ctest --output-on-failure -j "$(nproc)" "${filter[@]}" "$@"
