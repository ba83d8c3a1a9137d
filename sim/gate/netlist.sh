#!/usr/bin/env bash
# Gate-level netlists for the gate-level energy estimate (docs/energy.md): one lane of the array
# (TokenTile 1: a single accumulator, no partial-sum memory) and the 8-bit adder that calibrates
# the estimate, synthesized with Yosys from the design file list to generic static-CMOS cells
# (NAND2 / NOR2 / NOT, abc -g cmos2, as scripts/gate_proxy.sh), module by module (so that every
# select and adder keeps its boundary and its output names), then flattened for simulation. The
# private nets get short names (gnet_<n>): flattened private names hold a second backslash that
# Verilator's toggle coverage skips; the cells keep their hierarchical names, by which nets.py
# tells which unit drives a net.
#
#   netlist.sh OUT_DIR TreeInputs AccWidth Datapath Reduction PipeEvery LevelWidthCap
#
# Writes OUT_DIR/gate_lane.v and OUT_DIR/gate_adder8.v (Verilog netlists, modules gate_lane and
# gate_adder8), OUT_DIR/<module>.nets (nets.py: every net bit with its fan-out and the unit that
# drives it) and OUT_DIR/<module>.cells (every cell, for the event-driven unit-delay simulation of
# sim/gate_eventsim.cpp).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
[ $# -eq 7 ] || { echo "usage: netlist.sh OUT_DIR TreeInputs AccWidth Datapath Reduction PipeEvery LevelWidthCap" >&2; exit 2; }
out=$1; t=$2; acc=$3; dp=$4; red=$5; pipe=$6; cap=$7
command -v yosys >/dev/null || { echo "netlist.sh: yosys not found (scripts/setup.sh installs it)" >&2; exit 1; }
mkdir -p "$out"
files=$("$root/scripts/file_list.sh" "$root/rtl/ternac.f" | tr '\n' ' ')
synth() {  # <top> <module name> <chparam args>
  local top=$1 name=$2 params=$3
  yosys -q -p "read_verilog -sv -DSYNTHESIS $files; chparam $params $top;
    synth -top $top; abc -g cmos2; opt_clean; flatten; opt_clean; rename $top $name;
    rename -enumerate -pattern gnet_% w:*;
    write_verilog -noattr -norename $out/$name.v; write_json $out/$name.json" \
    >"$out/$name.yosys.log" 2>&1 || { cat "$out/$name.yosys.log" >&2; exit 1; }
  python3 "$here/nets.py" "$out/$name.json" "$name" --cells "$out/$name.cells" > "$out/$name.nets"
  rm -f "$out/$name.json"
}
synth ternac_lane gate_lane "-set TreeInputs $t -set AccWidth $acc -set TokenTile 1 -set Datapath $dp -set Reduction $red -set PipeEvery $pipe -set LevelWidthCap $cap"
synth ternac_adder gate_adder8 "-set Width 8"
