// The units of the datapath side by side on one set of random inputs, for the activity
// calibration (docs/energy.md): how many output bits a unit toggles per operation on uniformly
// random inputs. activity_calibration.cpp drives it and counts.
//   adders    ternac_adder of every width 1..64 (a_i, b_i the low bits of a_i / b_i, the same
//             carry), growing (Width + 1 sum bits) and saturating (Width bits, widths 2..64)
//   csa       the 3:2 compressor of a three-operand ternac_csa_tree whose vectors are W bits
//             wide (operands of W - 2 bits, sign-extended), W = 3..34: its sum and carry vectors
//   selects   ternac_select and ternac_select_split on x and a trit code
//   mul       ternac_int8_mul on x and an int8 weight
//   register  64 flip-flops loaded with a_i every cycle
module tb_activity (
  input  logic                clk_i,
  input  logic [63:0]         a_i,
  input  logic [63:0]         b_i,
  input  logic [63:0]         c_i,
  input  logic                carry_i,
  input  logic [7:0]          x_i,
  input  logic [1:0]          trit_i,
  input  logic [7:0]          w_i,
  output logic [2143:0]       add_o,      // width w at bits w(w+1)/2 - 1 + ... (see the C++)
  output logic [2078:0]       add_sat_o,  // width w at bits w(w-1)/2 - 1 + ...
  output logic [32*128-1:0]   csa_o,      // W = 3..34 at bits (W - 3) * 128
  output logic [8:0]          select_o,
  output logic [15:0]         select_split_o,
  output logic [15:0]         mul_o,
  output logic [63:0]         reg_o
);

  for (genvar w = 1; w <= 64; w++) begin : g_add
    localparam int unsigned Base = (w - 1) * w / 2 + (w - 1);  // sum of (v + 1) for v < w
    logic unused_overflow;
    ternac_adder #(.Width(w)) u_adder (
      .a_i       (a_i[w-1:0]),
      .b_i       (b_i[w-1:0]),
      .carry_i   (carry_i),
      .sum_o     (add_o[Base+:w+1]),
      .overflow_o(unused_overflow)
    );
  end

  for (genvar w = 2; w <= 64; w++) begin : g_add_sat
    localparam int unsigned Base = (w - 1) * w / 2 - 1;  // sum of v for 2 <= v < w
    logic unused_overflow;
    ternac_adder #(.Width(w), .Saturate(1'b1)) u_adder (
      .a_i       (a_i[w-1:0]),
      .b_i       (b_i[w-1:0]),
      .carry_i   (carry_i),
      .sum_o     (add_sat_o[Base+:w]),
      .overflow_o(unused_overflow)
    );
  end

  for (genvar w = 3; w <= 34; w++) begin : g_csa
    logic [w-1:0] sum;
    logic         unused_carry;
    ternac_csa_tree #(.TreeInputs(3), .InWidth(w - 2)) u_csa (
      .operand_i({c_i[w-3:0], b_i[w-3:0], a_i[w-3:0]}),
      .carry_i  ({carry_i, carry_i, carry_i}),
      .sum_o    (sum),
      .carry_o  (unused_carry)
    );
    // The compressor's outputs: the carry-save sum and carry vectors (u_csa's probe).
    assign csa_o[(w-3)*128+:128] = 128'(u_csa.probe_add_sum[2*w-1:0]);
    logic unused_sum;
    assign unused_sum = ^sum;
  end

  ternac_select u_select (
    .act_i    (x_i),
    .trit_i   (trit_i),
    .operand_o(select_o[7:0]),
    .carry_o  (select_o[8])
  );

  ternac_select_split u_select_split (
    .act_i (x_i),
    .trit_i(trit_i),
    .pos_o (select_split_o[7:0]),
    .neg_o (select_split_o[15:8])
  );

  ternac_int8_mul u_mul (
    .act_i    (x_i),
    .weight_i (w_i),
    .product_o(mul_o)
  );

  always_ff @(posedge clk_i) reg_o <= a_i;

endmodule
