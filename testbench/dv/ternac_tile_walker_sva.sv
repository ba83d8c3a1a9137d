`include "ternac_assert.svh"

// Assertion of ternac_tile_walker: simulation only, bound to it (ternac_bind.sv).
module ternac_tile_walker_sva (
  input logic clk_i,
  input logic rst_ni,
  input logic start_i,
  input logic next_i,
  input logic done_i
);

  `TERNAC_ASSERT_IF(NoStepWhenDone, next_i && !start_i, !done_i)

endmodule
