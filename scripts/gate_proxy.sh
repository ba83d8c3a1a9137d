#!/usr/bin/env bash
# Gate-level proxy for the energy of operations that have no published figure.
#
# Synthesizes ternac_select, ternac_select_split and an 8-bit ternac_adder with Yosys, maps both to static CMOS
# NAND2/NOR2/NOT cells (abc -g cmos2) and counts transistors (NAND2 = NOR2 = 4, NOT = 2). The
# select's energy is charged as (its transistors / the adder's) x the node's 8-bit add energy;
# a register bit as a 24-transistor static master-slave flip-flop over the same adder.
# Prints model/energy/tables/proxies.csv; `gate_proxy.sh --check` compares with the checked-in file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v yosys >/dev/null || { echo "gate_proxy: yosys not found (scripts/setup.sh installs it)" >&2; exit 1; }

# transistors <top> "<sources>" [chparam args]. Each unit is read from its own sources only:
# ABC's mapping shifts by a few percent with whatever else is in the design, so reading
# unrelated modules would make the proxy depend on them.
transistors() {
  local top=$1 sources=$2; shift 2
  local chparam=""
  [ $# -gt 0 ] && chparam="chparam $* $top;"
  yosys -q -p "read_verilog -sv -DSYNTHESIS -Irtl $sources; $chparam \
      synth -top $top -flatten; abc -g cmos2; opt_clean; tee -q -o /dev/stdout stat" |
    awk '/\$_NAND_/ {t += 4 * $2} /\$_NOR_/ {t += 4 * $2} /\$_NOT_/ {t += 2 * $2}
         /\$_/ && !/\$_(NAND|NOR|NOT)_/ {print "unexpected cell " $1 > "/dev/stderr"; bad = 1}
         END {if (bad) exit 1; print t}'
}

select_t=$(transistors ternac_select "rtl/ternac_pkg.sv rtl/ternac_select.sv")
split_t=$(transistors ternac_select_split "rtl/ternac_pkg.sv rtl/ternac_select_split.sv")
adder_t=$(transistors ternac_adder "rtl/ternac_adder.sv" -set Width 8)
flop_t=24

table=$(cat <<CSV
# Proxy energies: operation,width = factor x (of_operation, of_width) of the same node.
# Written by scripts/gate_proxy.sh from Yosys $(yosys -V | awk '{print $2}') netlists mapped to NAND2/NOR2/NOT
# (4/4/2 transistors): ternac_select = ${select_t} T, ternac_select_split = ${split_t} T,
# ternac_adder Width 8 = ${adder_t} T.
operation,width,factor,of_operation,of_width,source
select,8,$(awk -v a="$select_t" -v b="$adder_t" 'BEGIN {printf "%.4f", a / b}'),int_add,8,"proxy: ternac_select ${select_t} T / 8-bit ternac_adder ${adder_t} T (Yosys, abc -g cmos2)"
select_split,8,$(awk -v a="$split_t" -v b="$adder_t" 'BEGIN {printf "%.4f", a / b}'),int_add,8,"proxy: ternac_select_split ${split_t} T / 8-bit ternac_adder ${adder_t} T (Yosys, abc -g cmos2)"
reg_bit,1,$(awk -v a="$flop_t" -v b="$adder_t" 'BEGIN {printf "%.4f", a / b}'),int_add,8,"proxy: 24 T static D flip-flop / 8-bit ternac_adder ${adder_t} T (Yosys, abc -g cmos2)"
sram_bit,1,0.015625,sram_read_8kb,64,"one bit of a 64-bit read of an 8 KB SRAM (Horowitz); writes charged as reads"
CSV
)

if [ "${1:-}" = "--check" ]; then
  if ! diff <(echo "$table") model/energy/tables/proxies.csv; then
    echo "gate_proxy: model/energy/tables/proxies.csv is out of date; regenerate with scripts/gate_proxy.sh > model/energy/tables/proxies.csv" >&2
    exit 1
  fi
  echo "gate_proxy: proxies.csv matches the synthesized netlists"
else
  echo "$table"
fi
