`include "ternac_assert.svh"

// Assertions of ternac_weight_buffer: simulation only, bound to it (ternac_bind.sv).
module ternac_weight_buffer_sva (
  input logic clk_i,
  input logic rst_ni,
  input logic rd_release_i,
  input logic rd_full_i,
  input logic wr_valid_i,
  input logic wr_ready_i
);

  `TERNAC_ASSERT_IF(ReleaseOnlyFull, rd_release_i, rd_full_i)
  // The controller offers a beat only when the free bank can take it (a beat offered to a full
  // bank would be dropped: wr_fire stays low).
  `TERNAC_ASSERT_IF(WriteOnlyWhenReady, wr_valid_i, wr_ready_i)

endmodule
