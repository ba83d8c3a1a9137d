#!/usr/bin/env bash
# Verilator lint (-Wall) in every kind of configuration: the default array, the INT8 baseline,
# pipelined, width-capped, split and carry-save reductions, odd fan-ins and a narrow weight port.
# Each configuration is linted three ways: the design alone (rtl/ternac.f, what synthesis
# reads), the design with its bound verification modules (testbench/dv/ternac_dv.f, what every
# simulation builds), and the fault build's mutated copy (testbench/faults). Any warning fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v verilator >/dev/null || { echo "lint: verilator not found (scripts/setup.sh installs it)" >&2; exit 1; }
configs=(
  ""
  "-GDatapath=1"
  "-GPipeEvery=2 -GLevelWidthCap=11"
  "-GTreeInputs=7 -GLanes=3 -GWeightRowsPerBeat=2 -GTokenTile=5 -GAccWidth=20"
  "-GReduction=1"
  "-GReduction=1 -GPipeEvery=1 -GLevelWidthCap=10 -GTreeInputs=16"
  "-GReduction=2"
  "-GReduction=2 -GTreeInputs=7 -GLanes=3"
  "-GTreeInputs=1 -GLanes=1 -GTokenTile=1"
  "-GReduction=1 -GTreeInputs=1 -GLanes=1 -GTokenTile=1"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 testbench/faults/mutate.py --table testbench/faults/faults.json --design rtl/ternac.f \
  --out "$work/fault"
status=0
lint() {  # <what> <args...>
  local what=$1 out; shift
  # shellcheck disable=SC2068
  if ! out=$(verilator --lint-only -Wall --top-module ternac_top $@ 2>&1); then
    echo "lint FAILED: $what"; echo "$out"; status=1
  else
    echo "lint clean: $what"
  fi
}
for c in "${configs[@]}"; do
  lint "design ${c:-(defaults)}" -F rtl/ternac.f $c
  lint "design + dv ${c:-(defaults)}" -F rtl/ternac.f -F testbench/dv/ternac_dv.f $c
done
lint "fault build" -F "$work/fault/ternac.f" -F testbench/dv/ternac_dv.f \
  -GLanes=4 -GTreeInputs=8 -GWeightRowsPerBeat=4 -GTokenTile=8
exit $status
