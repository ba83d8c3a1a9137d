// Ternary select of the split reduction (ternac_pkg::ReductionSplit): a +1 weight routes x to the
// positive tree, a -1 weight routes it to the negative tree, anything else gates both to zero.
// There is no inversion and no carry: the lane subtracts the negative tree's sum once at the end.
// Two AND gates per bit, no multiplier.
module ternac_select_split
(
  input  logic [ternac_pkg::ActWidth-1:0]  act_i,
  input  logic [ternac_pkg::TritWidth-1:0] trit_i,
  output logic [ternac_pkg::ActWidth-1:0]  pos_o,
  output logic [ternac_pkg::ActWidth-1:0]  neg_o
);

  logic to_pos, to_neg;

  // Bit 0 of a code is "nonzero", bit 1 "negate" (ternac_pkg::trit_e); the illegal code has the
  // negate bit without the nonzero bit and routes nothing.
  assign to_pos = trit_i[0] & ~trit_i[1];
  assign to_neg = trit_i[0] & trit_i[1];

  assign pos_o = act_i & {ternac_pkg::ActWidth{to_pos}};
  assign neg_o = act_i & {ternac_pkg::ActWidth{to_neg}};

`ifndef SYNTHESIS
  // Simulation-only activity, read from this select's outputs (docs/energy.md): it drove a
  // nonzero operand into the positive tree, or into the negative one.
  logic probe_pos, probe_neg;
  assign probe_pos = |pos_o;
  assign probe_neg = |neg_o;
`endif

endmodule
