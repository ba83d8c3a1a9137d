`include "ternac_assert.svh"

// Ternary select: the whole "multiply" of a ternary MAC.
//
// ternac_pkg::TritPos passes x, ternac_pkg::TritNeg passes ~x and raises carry_o so that the adder downstream adds the +1
// of the two's complement (-x = ~x + 1), ternac_pkg::TritZero and ternac_pkg::TritIllegal gate the operand to zero so that
// nothing downstream toggles. There is no multiplier here: one AND and one XOR per bit.
module ternac_select
(
  input  logic [ternac_pkg::ActWidth-1:0]  act_i,
  input  logic [ternac_pkg::TritWidth-1:0] trit_i,
  output logic [ternac_pkg::ActWidth-1:0]  operand_o,
  output logic                 carry_o
);

  logic nonzero, negate;

  `TERNAC_FAULT_DECL

  // Bit 0 of a code is "nonzero", bit 1 is "negate" (see ternac_pkg::trit_e); an illegal code has the negate
  // bit without the nonzero bit and so selects nothing.
  assign nonzero = trit_i[0];
  assign negate  = trit_i[1] & trit_i[0];

  assign operand_o = (act_i ^ {ternac_pkg::ActWidth{negate}}) & {ternac_pkg::ActWidth{nonzero}};
`ifdef TERNAC_FAULT_INJECT
  assign carry_o   = negate & ~`TERNAC_FAULT(13);  // test-only fault 13 loses the +1 of -x
`else
  // Kept apart from the fault, so that synthesis reads the same text with or without test code.
  assign carry_o   = negate;
`endif

endmodule
