`include "ternac_assert.svh"

// Assertions and functional coverage of ternac_top: simulation only, bound to it (ternac_bind.sv).
module ternac_top_sva #(
  parameter int unsigned Lanes         = 16,
  parameter int unsigned TreeInputs    = 64,
  parameter int unsigned LevelWidthCap = 0,
  localparam int unsigned LaneIdxWidth = $clog2(Lanes + 1),
  localparam int unsigned ColIdxWidth  = $clog2(TreeInputs + 1)
) (
  input logic                    clk_i,
  input logic                    rst_ni,
  input logic                    tree_overflow_i,  // the sticky status bit
  input logic                    res_valid_i,
  input logic                    res_ready_i,
  input logic                    res_last_i,
  input logic                    buf_wr_valid_i,
  input logic [LaneIdxWidth-1:0] buf_wr_row_valid_i,
  input logic [ColIdxWidth-1:0]  buf_wr_col_valid_i
);

  // A full-precision tree cannot saturate.
  `TERNAC_ASSERT_IF(NoTreeOverflowAtFullPrecision, LevelWidthCap == 0, !tree_overflow_i)

  // Functional coverage (docs/regression.md): a stall on the last result beat, and weight tiles
  // cut by the K and N remainders.
  `TERNAC_COVER(cov_res_stall_last, res_valid_i && !res_ready_i && res_last_i)
  `TERNAC_COVER(cov_tile_full, buf_wr_valid_i && buf_wr_row_valid_i == LaneIdxWidth'(Lanes) &&
                               buf_wr_col_valid_i == ColIdxWidth'(TreeInputs))
  `TERNAC_COVER(cov_tile_k_remainder, buf_wr_valid_i && buf_wr_col_valid_i < ColIdxWidth'(TreeInputs))
  `TERNAC_COVER(cov_tile_n_remainder, buf_wr_valid_i && buf_wr_row_valid_i < LaneIdxWidth'(Lanes))

endmodule
