#!/usr/bin/env bash
# The design's simulation-only probes (the activity its selects, multipliers and adders expose
# for the bound energy monitors, inside `ifndef SYNTHESIS`) leave the synthesized netlist
# unchanged: Yosys synthesizes ternac_top from rtl/ternac.f once with SYNTHESIS defined (what a
# synthesis flow sees) and once without (the probe wiring included), and the cell counts must be
# identical, in each kind of configuration.
#   probes_leave_netlist.sh [-set Param Value]...   (default: four configurations)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
command -v yosys >/dev/null || { echo "yosys not found (scripts/setup.sh installs it)" >&2; exit 1; }
files=$(scripts/file_list.sh | tr '\n' ' ')
base="-set Lanes 2 -set TreeInputs 5 -set WeightRowsPerBeat 2 -set TokenTile 2"
configs=("$base" "$base -set Reduction 1 -set PipeEvery 1 -set LevelWidthCap 10"
         "$base -set Reduction 2" "$base -set Datapath 1")
[ $# -gt 0 ] && configs=("$*")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for c in "${configs[@]}"; do
  for define in SYNTHESIS PROBES; do
    yosys -q -p "read_verilog -sv -D$define $files; chparam $c ternac_top;
      synth -top ternac_top -flatten; tee -q -o $work/$define.txt stat" >/dev/null 2>&1
  done
  cells=$(awk '/Number of cells/ {print $4}' "$work/SYNTHESIS.txt")
  if diff -q "$work/SYNTHESIS.txt" "$work/PROBES.txt" >/dev/null; then
    echo "identical netlists with and without the probes ($cells cells): $c"
  else
    echo "FAIL: the probes change the netlist of ternac_top $c:"; diff "$work/SYNTHESIS.txt" "$work/PROBES.txt"
    status=1
  fi
done
exit $status
