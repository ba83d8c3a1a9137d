#!/usr/bin/env bash
# Synthesis cost of a ternac module: cell counts by type, a transistor estimate and the depth of
# the longest combinational path in gates, from Yosys mapped to static CMOS NAND2/NOR2/NOT.
#
#   scripts/synth_cost.sh [--top MODULE] [--csv] [-set Param Value]...
#   scripts/synth_cost.sh --compare-int8 [-set Param Value]...   # ternary lane beside the INT8 one
#
# Default top: ternac_lane (TreeInputs 64, TokenTile 2, so that the partial-sum store does not
# swamp the datapath). Transistors: NAND2 = NOR2 = 4, NOT = 2 (abc -g cmos2); a flip-flop 24, one
# with an enable 36 (a 2:1 multiplexer in front), one with an asynchronous reset 4 more. These
# per-cell figures are ternac's assumptions for a proxy, not a library's numbers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v yosys >/dev/null || { echo "synth_cost: yosys not found (scripts/setup.sh installs it)" >&2; exit 1; }

top=ternac_lane
csv=0
compare=0
params=()
while [ $# -gt 0 ]; do
  case "$1" in
    --top) top=$2; shift 2 ;;
    --csv) csv=1; shift ;;
    --compare-int8) compare=1; shift ;;
    -set) params+=("$2" "$3"); shift 3 ;;
    *) echo "synth_cost: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
has_param() { local i; for ((i = 0; i < ${#params[@]}; i += 2)); do [ "${params[i]}" = "$1" ] && return 0; done; return 1; }
if [ "$top" = ternac_lane ]; then
  has_param TreeInputs || params+=(TreeInputs 64)
  has_param TokenTile || params+=(TokenTile 2)
fi
# Only the sources the top module depends on (the package, its file and, transitively, the files
# of the ternac modules they name), in rtl/ternac.f order: ABC's result depends on the netlist's
# names, which shift with every unrelated module read, so a lane's cost must not move when some
# other module changes.
deps() {
  local want=" $1 " changed=1 f m
  while [ $changed -eq 1 ]; do
    changed=0
    for m in $want; do
      [ -f "rtl/$m.sv" ] || continue
      for f in $(grep -o 'ternac_[a-z0-9_]*' "rtl/$m.sv" | sort -u); do
        if [ -f "rtl/$f.sv" ] && [[ "$want" != *" $f "* ]]; then want+="$f "; changed=1; fi
      done
    done
  done
  scripts/file_list.sh | while read -r f; do
    if [[ "$want" == *" $(basename "$f" .sv) "* ]]; then printf '%s ' "$f"; fi
  done
}
files=$(deps "$top")
[ -n "$files" ] || { echo "synth_cost: no source file rtl/$top.sv for --top $top" >&2; exit 2; }

cost() {  # <extra param pairs...> -> prints one CSV row
  local all=("${params[@]}" "$@") chparam="" desc="" i
  for ((i = 0; i < ${#all[@]}; i += 2)); do
    chparam+=" -set ${all[i]} ${all[i+1]}"
    desc+="${all[i]}=${all[i+1]} "
  done
  local out
  out=$(yosys -q -p "read_verilog -sv -DSYNTHESIS -Irtl $files; ${chparam:+chparam$chparam $top;}
      synth -top $top -flatten; abc -g cmos2; opt_clean; tee -q -o /dev/stdout stat;
      tee -q -o /dev/stdout ltp -noff" 2>&1) || { echo "$out" >&2; exit 1; }
  echo "$out" | awk -v top="$top" -v desc="${desc% }" '
    /\$_NAND_/ {nand = $2} /\$_NOR_/ {nor = $2} /\$_NOT_/ {inv = $2}
    /\$_DFF/ {
      t = 24; if ($1 ~ /DFFE/) t += 12; if ($1 ~ /_P[NP][01]/ || $1 ~ /_PN[01]/) t += 4
      ff += $2; fft += t * $2
    }
    /Longest topological path/ {match($0, /length=[0-9]+/); depth = substr($0, RSTART + 7, RLENGTH - 7)}
    END {
      comb = 4 * nand + 4 * nor + 2 * inv
      printf "%s,%s,%d,%d,%d,%d,%d,%d,%d,%d\n", top, desc, nand, nor, inv, ff, comb, fft, comb + fft, depth
    }'
}

header="module,parameters,nand2,nor2,not,flops,comb_transistors,flop_transistors,transistors,depth"
print_rows() {
  if [ $csv -eq 1 ]; then
    echo "$header"; printf '%s\n' "$@"
  else
    printf '%-12s %-40s %7s %7s %6s %6s %10s %10s %11s %6s\n' module parameters nand2 nor2 not \
      flops comb_T flop_T transistors depth
    local r
    for r in "$@"; do
      IFS=, read -r m p a b c d e f g h <<<"$r"
      printf '%-12s %-40s %7s %7s %6s %6s %10s %10s %11s %6s\n' "$m" "$p" "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h"
    done
  fi
}

if [ $compare -eq 1 ]; then
  ternary=$(cost Datapath 0)
  int8=$(cost Datapath 1)
  print_rows "$ternary" "$int8"
  if [ $csv -eq 0 ]; then
    awk -F, -v t="$ternary" -v i="$int8" 'BEGIN {
      split(t, a, ","); split(i, b, ",")
      printf "INT8 / ternary: %.2fx combinational transistors, %.2fx all transistors, depth %s vs %s gates\n",
             b[7] / a[7], b[9] / a[9], b[10], a[10] }'
  fi
else
  print_rows "$(cost)"
fi
