#!/usr/bin/env bash
# Synthesizes a ternac module with Yosys and fails if any multiplier appears in the coarse-grain
# netlist (word-level cells before any mapping: $mul, $macc, $pow, $div, $mod), or any cell whose
# type mentions "mul" after synthesis to generic gates. alumacc is left out on purpose: it would
# fold plain three-operand adds into $macc cells and hide real products among them.
#
#   synth_no_multiplier.sh [--top MODULE] [--files "a.sv b.sv"] [-set Param Value]...
# Defaults: ternac_top, the files of rtl/ternac.f, Lanes=4 TreeInputs=8 WeightRowsPerBeat=4
# TokenTile=2 (so that it runs in seconds; the datapath is the same at any size).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
command -v yosys >/dev/null || { echo "yosys not found (scripts/setup.sh installs it)" >&2; exit 1; }

top=ternac_top
files=$(scripts/file_list.sh | tr '\n' ' ')
params=()
custom_params=0
while [ $# -gt 0 ]; do
  case "$1" in
    --top) top=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    -set) params+=(-set "$2" "$3"); custom_params=1; shift 3 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ "$top" = ternac_top ] && [ $custom_params -eq 0 ]; then
  params=(-set Lanes 4 -set TreeInputs 8 -set WeightRowsPerBeat 4 -set TokenTile 2)
fi
chparam=""
[ ${#params[@]} -gt 0 ] && chparam="chparam ${params[*]} $top;"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
yosys -q -l "$work/log" -p "read_verilog -sv -DSYNTHESIS -Irtl $files; $chparam
  hierarchy -check -top $top; proc; flatten; opt -full; wreduce; opt;
  tee -q -o $work/coarse.txt stat;
  synth -top $top; tee -q -o $work/gates.txt stat" >/dev/null

echo "== $top ${params[*]}: coarse-grain cells"
grep -E '^\s+\$' "$work/coarse.txt" || true
echo "== generic gate cells"
grep -E '^\s+\$' "$work/gates.txt" || true

bad=$( { grep -E '^\s+\$(mul|macc|pow|div|mod|divfloor|modfloor)\b' "$work/coarse.txt" || true;
         grep -iE '^\s+\S*mul' "$work/gates.txt" || true; } )
if [ -n "$bad" ]; then
  echo "FAIL: multiplier cells in $top:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "PASS: no multiplier cell in $top"
