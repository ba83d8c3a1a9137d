// One node of the lane's adder tree: a + b + carry_in, one bit wider than its operands, so that
// the sum of two signed Width-bit values plus a carry is always exact.
module ternac_adder #(
  parameter int unsigned Width = 8
) (
  input  logic [Width-1:0] a_i,
  input  logic [Width-1:0] b_i,
  input  logic             carry_i,
  output logic [Width:0]   sum_o
);

  if (Width < 1 || Width > 64) begin : g_bad_width
    $error("ternac_adder: Width must be in 1..64, got %0d", Width);
  end

  assign sum_o = {a_i[Width-1], a_i} + {b_i[Width-1], b_i} + {{Width{1'b0}}, carry_i};

endmodule
