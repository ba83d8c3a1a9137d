`include "ternac_assert.svh"

// Functional coverage of a lane (docs/regression.md): every weight code against every operand
// class (zero, positive, negative, the extremes 127 and -128) in a computed beat, at every
// select. Simulation only, bound to ternac_lane (ternac_bind.sv); the points count when the model
// is Verilated with --coverage-user (scripts/coverage.sh).
module ternac_lane_cov #(
  parameter int unsigned TreeInputs = 64,
  parameter int unsigned Datapath   = ternac_pkg::DatapathTernary,
  localparam int unsigned AW        = ternac_pkg::ActWidth,
  localparam int unsigned WB        = ternac_pkg::weight_bits(Datapath)
) (
  input logic                     clk_i,
  input logic                     rst_ni,
  input logic                     en_i,
  input logic                     s0_valid_i,
  input logic [TreeInputs*AW-1:0] act_i,
  input logic [TreeInputs*WB-1:0] weight_i
);

`define TERNAC_COVER_OPERAND_CLASSES(__code, __bits) \
  `TERNAC_COVER(cov_``__code``_x_zero, on && w == __bits && x == 8'sd0) \
  `TERNAC_COVER(cov_``__code``_x_pos, on && w == __bits && x > 8'sd0 && x < 8'sd127) \
  `TERNAC_COVER(cov_``__code``_x_neg, on && w == __bits && x < 8'sd0 && x > 8'sh80) \
  `TERNAC_COVER(cov_``__code``_x_max, on && w == __bits && x == 8'sd127) \
  `TERNAC_COVER(cov_``__code``_x_min, on && w == __bits && x == 8'sh80)

  if (Datapath == ternac_pkg::DatapathTernary) begin : g_ternary
    for (genvar i = 0; i < TreeInputs; i++) begin : g_select
      logic [1:0]           w;
      logic signed [AW-1:0] x;
      logic                 on;
      assign w  = weight_i[i*WB+:2];
      assign x  = act_i[i*AW+:AW];
      assign on = s0_valid_i & en_i;
      `TERNAC_COVER_OPERAND_CLASSES(zero, 2'b00)
      `TERNAC_COVER_OPERAND_CLASSES(pos, 2'b01)
      `TERNAC_COVER_OPERAND_CLASSES(neg, 2'b11)
      `TERNAC_COVER_OPERAND_CLASSES(illegal, 2'b10)
    end
  end else begin : g_int8
    logic unused_inputs;  // the INT8 baseline's operands are not classified
    assign unused_inputs = ^{clk_i, rst_ni, en_i, s0_valid_i, act_i, weight_i};
  end

`undef TERNAC_COVER_OPERAND_CLASSES

endmodule
