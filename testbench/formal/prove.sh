#!/usr/bin/env bash
# Formal equivalence with Yosys's SAT prover: a ternac unit against the reference description in
# formal_miters.sv, for every input (and every initial register state).
#
#   testbench/formal/prove.sh select                       ternac_select
#   testbench/formal/prove.sh select_split                 ternac_select_split
#   testbench/formal/prove.sh lane <TreeInputs> <Reduction>  one lane, two cycles
#   --canary (first argument) proves against deliberately wrong references: must fail.
# Exit status: 0 proven, 1 a counterexample found, 3 the proof did not run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
command -v yosys >/dev/null || { echo "prove: yosys not found (scripts/setup.sh installs it)" >&2; exit 1; }
define=""
if [ "${1:-}" = --canary ]; then define="-DTERNAC_FORMAL_CANARY"; shift; fi
unit=${1:?usage: prove.sh [--canary] select|select_split|lane <TreeInputs> <Reduction>}
files="$(scripts/file_list.sh | tr '\n' ' ') testbench/formal/formal_miters.sv"
case "$unit" in
  select|select_split)
    top=formal_${unit}_miter
    prove="sat -prove ok_o 1 -show-ports $top" ;;
  lane)
    t=${2:?lane needs TreeInputs}; r=${3:?lane needs Reduction}
    top=formal_lane_miter
    chparam="chparam -set TreeInputs $t -set Reduction $r $top;"
    # Step 1 loads the operands, step 2 checks the accumulator output; the registers' initial
    # values are free, and none of them may matter.
    prove="sat -seq 2 -prove-skip 1 -prove ok_o 1 -show-ports $top" ;;
  *) echo "prove: unknown unit '$unit'" >&2; exit 2 ;;
esac
status=0
log=$(yosys -p "read_verilog -sv -DSYNTHESIS $define -Irtl $files; ${chparam:-} \
    hierarchy -top $top; proc; flatten; opt; memory; opt; $prove" 2>&1) || status=$?
if grep -q "SAT proof finished - model found: FAIL" <<<"$log"; then
  sed -n '/model found: FAIL/,$p' <<<"$log" | grep -E '^ +(\\|Time|-)' | sed -n 1,16p
  echo "prove: $unit ${2:-} ${3:-}: NOT equivalent (counterexample above)"
  exit 1
fi
if [ $status -ne 0 ] || ! grep -q "SAT proof finished - no model found: SUCCESS" <<<"$log"; then
  echo "$log" | tail -20
  echo "prove: $unit ${2:-} ${3:-}: the proof did not run (exit $status)"
  exit 3
fi
echo "prove: $unit ${2:-} ${3:-}: equivalent to the reference for all inputs"
