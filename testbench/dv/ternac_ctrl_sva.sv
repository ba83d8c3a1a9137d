`include "ternac_assert.svh"

// Assertions and functional coverage of ternac_ctrl: simulation only, bound to it
// (ternac_bind.sv). Every assertion is made to fire by a fault of testbench/faults/faults.json.
module ternac_ctrl_sva #(
  parameter int unsigned TokenTile = 128,
  localparam int unsigned DimWidth = ternac_pkg::DimWidth
) (
  input logic                clk_i,
  input logic                rst_ni,
  input logic                busy_i,
  input logic                res_push_i,
  input logic                cp_fire_i,
  input logic                cp_block_end_i,
  input logic [DimWidth-1:0] cp_block_tokens_i,
  input logic                cp_done_i,
  input logic                ld_done_i,
  input logic                ld_fire_i,
  input logic                buf_rd_valid_i,
  input logic                illegal_trit_i,  // the sticky status bits
  input logic                bad_cmd_i,
  input logic [31:0]         illegal_count_i,
  input logic [31:0]         bad_cmd_count_i,
  input logic [31:0]         illegal_in_beat_i,
  input logic [31:0]         overflow_in_item_i,
  input logic                cmd_fire_i,
  input logic                cmd_ok_i
);

  `TERNAC_ASSERT_IF(NoResultWhenIdle, !busy_i, !res_push_i)
  `TERNAC_ASSERT_IF(ComputeNeedsFullBank, cp_fire_i, buf_rd_valid_i)
  `TERNAC_ASSERT_IF(LoadDoneBeforeCompute, cp_done_i, ld_done_i)
  // A counter is nonzero exactly when its sticky bit is set (both clear together, and a counter
  // saturates rather than wrapping to zero).
  `TERNAC_ASSERT(IllegalCountMatchesStatus, illegal_trit_i == (illegal_count_i != '0))
  `TERNAC_ASSERT(BadCmdCountMatchesStatus, bad_cmd_i == (bad_cmd_count_i != '0))

  // Functional coverage (docs/regression.md): token blocks shorter than TokenTile and full ones;
  // the error events; a command taken right after another.
  logic ran_q;  // the array was running a command in the previous cycle
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ran_q <= 1'b0;
    else         ran_q <= busy_i;
  end
  `TERNAC_COVER(cov_block_short, cp_fire_i && cp_block_end_i && cp_block_tokens_i < DimWidth'(TokenTile))
  `TERNAC_COVER(cov_block_full, cp_fire_i && cp_block_end_i && cp_block_tokens_i == DimWidth'(TokenTile))
  `TERNAC_COVER(cov_illegal_code, ld_fire_i && illegal_in_beat_i != '0)
  `TERNAC_COVER(cov_bad_command, cmd_fire_i && !cmd_ok_i)
  `TERNAC_COVER(cov_tree_overflow, overflow_in_item_i != '0)
  `TERNAC_COVER(cov_back_to_back_command, cmd_fire_i && cmd_ok_i && ran_q)

endmodule
