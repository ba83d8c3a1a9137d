// INT8 baseline only: a signed 8 x 8 multiplier, the "multiply" of a conventional INT8 MAC. The
// ternary datapath never instantiates it (synth_no_multiplier_* checks that).
module ternac_int8_mul (
  input  logic [ternac_pkg::ActWidth-1:0]   act_i,
  input  logic [7:0]                        weight_i,
  output logic [2*ternac_pkg::ActWidth-1:0] product_o
);

  logic signed [15:0] act_wide, weight_wide;
  assign act_wide    = 16'($signed(act_i));
  assign weight_wide = 16'($signed(weight_i));
  assign product_o   = act_wide * weight_wide;  // exact: |x w| <= 2^14

`ifndef SYNTHESIS
  // Simulation-only activity, read from this multiplier's inputs (docs/energy.md): both operands
  // were nonzero, so its partial products were not all zero. A zero weight or a zero activation
  // makes every partial product zero: the array behind the first row of AND gates holds still,
  // as a ternary select does for a zero weight or a zero activation.
  logic probe_active;
  assign probe_active = (|weight_i) & (|act_i);
`endif

endmodule
