#!/usr/bin/env bash
# Verilator lint (-Wall) in every named configuration of rtl/configs.csv: the default array, the
# INT8 baseline, pipelined, width-capped, split and carry-save reductions, odd fan-ins, a narrow
# weight port and the smallest arrays.
# Each configuration is linted three ways: the design alone (rtl/ternac.f, what synthesis
# reads), the design with its bound verification modules (testbench/dv/ternac_dv.f, what every
# simulation builds), and the fault build's mutated copy (testbench/faults). Any warning fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v verilator >/dev/null || { echo "lint: verilator not found (scripts/setup.sh installs it)" >&2; exit 1; }
# Every named configuration of rtl/configs.csv (the one list: co-simulated, fault and lint-only
# rows), as -G parameters.
# --maxima: only the "max" rows (the documented maxima; about a minute, test lint_maxima).
maxima=0
[ "${1:-}" = --maxima ] && maxima=1
configs=()
max_configs=()
fault_config=""
while IFS=, read -r name lanes tree acc rows tt dp pipe cap red use; do
  case $name in \#* | name | "") continue ;; esac
  g="-GLanes=$lanes -GTreeInputs=$tree -GAccWidth=$acc -GWeightRowsPerBeat=$rows -GTokenTile=$tt"
  g="$g -GDatapath=$dp -GPipeEvery=$pipe -GLevelWidthCap=$cap -GReduction=$red"
  case $use in
    fault) fault_config=$g ;;
    max) [ "$maxima" = 1 ] && max_configs+=("$name:$g") ;;
    *) configs+=("$name:$g") ;;
  esac
done < rtl/configs.csv
[ ${#configs[@]} -gt 0 ] && [ -n "$fault_config" ] ||
  { echo "lint: no configurations read from rtl/configs.csv" >&2; exit 1; }
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
if [ $maxima = 1 ]; then
  # TreeInputs 4096 unrolls generate loops past Verilator's default limit (as the build does).
  # The design with its verification modules only (it holds the design; at these sizes each lint
  # takes up to 20 s).
  for entry in "${max_configs[@]}"; do
    lint "design + dv ${entry%%:*}" --unroll-count 8192 -F rtl/ternac.f -F testbench/dv/ternac_dv.f ${entry#*:}
  done
  exit $status
fi
for entry in "${configs[@]}"; do
  name=${entry%%:*}
  c=${entry#*:}
  lint "design $name" -F rtl/ternac.f $c
  lint "design + dv $name" -F rtl/ternac.f -F testbench/dv/ternac_dv.f $c
done
lint "fault build" -F "$work/fault/ternac.f" -F testbench/dv/ternac_dv.f $fault_config
# The lists read the other way, with -f from the repository root (paths relative to it).
lint "design + dv, -f from the root" -f rtl/ternac.f -f testbench/dv/ternac_dv.f
exit $status
