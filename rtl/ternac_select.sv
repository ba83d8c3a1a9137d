// Ternary select: the whole "multiply" of a ternary MAC.
//
// ternac_pkg::TritPos passes x, ternac_pkg::TritNeg passes ~x and raises carry_o so that the
// adder downstream adds the +1 of the two's complement (-x = ~x + 1), ternac_pkg::TritZero and
// ternac_pkg::TritIllegal gate the operand to zero so that nothing downstream toggles. There is
// no multiplier here: one AND and one XOR per bit.
module ternac_select
(
  input  logic [ternac_pkg::ActWidth-1:0]  act_i,
  input  logic [ternac_pkg::TritWidth-1:0] trit_i,
  output logic [ternac_pkg::ActWidth-1:0]  operand_o,
  output logic                             carry_o
);

  logic nonzero, negate;

  // Bit 0 of a code is "nonzero", bit 1 is "negate" (see ternac_pkg::trit_e); an illegal code has
  // the negate bit without the nonzero bit and so selects nothing.
  assign nonzero = trit_i[0];
  assign negate  = trit_i[1] & trit_i[0];

  assign operand_o = (act_i ^ {ternac_pkg::ActWidth{negate}}) & {ternac_pkg::ActWidth{nonzero}};
  assign carry_o   = negate;

`ifndef SYNTHESIS
  // Simulation-only activity, read from this select's outputs (docs/energy.md): it drove a
  // nonzero +x operand, or it took the -x path (its carry). The lane gathers it for the bound
  // energy monitor; synthesis never sees it.
  logic probe_pos, probe_neg;
  assign probe_pos = (|operand_o) & ~carry_o;
  assign probe_neg = carry_o;
`endif

endmodule
