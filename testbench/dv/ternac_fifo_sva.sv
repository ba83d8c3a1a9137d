`include "ternac_assert.svh"

// Assertion of ternac_fifo: simulation only, bound to it (ternac_bind.sv).
module ternac_fifo_sva (
  input logic clk_i,
  input logic rst_ni,
  input logic push_i,
  input logic full_i
);

  `TERNAC_ASSERT_IF(NoPushWhenFull, push_i, !full_i)

endmodule
