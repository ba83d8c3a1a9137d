// The simulation-only verification modules bound to the design (docs/verification.md): read
// after the design list rtl/ternac.f, with -F so that the paths are relative to this file.
+incdir+.
// Read with -f from the repository root instead, the files and the include directory are found
// through this search path (with -F it names a directory that does not exist).
-Itestbench/dv
ternac_dv_pkg.sv
ternac_stream_checker.sv
ternac_top_sva.sv
ternac_ctrl_sva.sv
ternac_fifo_sva.sv
ternac_tile_walker_sva.sv
ternac_weight_buffer_sva.sv
ternac_lane_cov.sv
ternac_lane_monitor.sv
ternac_top_monitor.sv
ternac_weight_buffer_monitor.sv
ternac_bind.sv
