#!/usr/bin/env bash
# Verilator lint (-Wall) of the whole RTL in every kind of configuration: the default array, the
# INT8 baseline, pipelined, width-capped, split and carry-save reductions, odd fan-ins and a
# narrow weight port. Any warning fails.
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
  "+define+TERNAC_FAULT_INJECT -GLanes=4 -GTreeInputs=8 -GWeightRowsPerBeat=4 -GTokenTile=8"
)
status=0
for c in "${configs[@]}"; do
  # shellcheck disable=SC2086
  if ! out=$(verilator --lint-only -Wall -f rtl/ternac.f --top-module ternac_top $c 2>&1); then
    echo "lint FAILED for ternac_top ${c:-(defaults)}:"; echo "$out"; status=1
  else
    echo "lint clean: ternac_top ${c:-(defaults)}"
  fi
done
exit $status
