// The design: every synthesizable source of the ternac array, package first. Read it with -F
// (paths are relative to this file), from any directory: verilator -F <path>/rtl/ternac.f.
// Simulation-only checkers, counters and coverage are bound from testbench/dv/ternac_dv.f.
// Read with -f from the repository root instead (paths relative to the working directory), the
// sources are found through the search path below; with -F it names rtl/rtl, which does not
// exist, and is unused.
-Irtl
ternac_pkg.sv
ternac_select.sv
ternac_select_split.sv
ternac_int8_mul.sv
ternac_adder.sv
ternac_adder_tree.sv
ternac_csa_tree.sv
ternac_lane.sv
ternac_array.sv
ternac_weight_buffer.sv
ternac_fifo.sv
ternac_tile_walker.sv
ternac_ctrl.sv
ternac_top.sv
