// Miters for formal equivalence with Yosys (testbench/formal/prove.sh): each instantiates a
// ternac unit beside a plain reference description of what it must compute, and drives ok_o
// high when both agree. The prover shows ok_o = 1 for every input (and, for the lane, every
// initial register state). With TERNAC_FORMAL_CANARY the references are deliberately wrong
// (-x taken as -x + 1), so that a proof that cannot fail is caught.

// The reference value of one ternary product: +x, -x or 0 (the illegal code selects nothing).
function automatic logic signed [9:0] ref_product(logic [7:0] act, logic [1:0] trit);
  logic signed [9:0] x;
  x = 10'(signed'(act));
  unique case (trit)
    2'b01:   ref_product = x;
`ifdef TERNAC_FORMAL_CANARY
    2'b11:   ref_product = -x + 10'sd1;
`else
    2'b11:   ref_product = -x;
`endif
    default: ref_product = '0;
  endcase
endfunction

// ternac_select: operand + carry is the product.
module formal_select_miter (
  input  logic [7:0] act_i,
  input  logic [1:0] trit_i,
  output logic       ok_o
);
  logic [7:0] operand;
  logic       carry;
  ternac_select u_dut (
    .act_i    (act_i),
    .trit_i   (trit_i),
    .operand_o(operand),
    .carry_o  (carry)
  );
  assign ok_o = 10'(signed'(operand)) + 10'(carry) == ref_product(act_i, trit_i);
endmodule

// ternac_select_split: the +1 output minus the -1 output is the product, and each output is
// either x or zero.
module formal_select_split_miter (
  input  logic [7:0] act_i,
  input  logic [1:0] trit_i,
  output logic       ok_o
);
  logic [7:0] pos, neg;
  ternac_select_split u_dut (
    .act_i (act_i),
    .trit_i(trit_i),
    .pos_o (pos),
    .neg_o (neg)
  );
  assign ok_o = (10'(signed'(pos)) - 10'(signed'(neg)) == ref_product(act_i, trit_i))
              && (pos == '0 || pos == act_i) && (neg == '0 || neg == act_i);
endmodule

// One lane (TokenTile 1, first and last K tile at once): one cycle after the operands, acc_o must
// be the exact dot product of the trits and activations, whatever the reduction.
module formal_lane_miter #(
  parameter int unsigned TreeInputs = 5,
  parameter int unsigned Reduction  = 0,
  parameter int unsigned AccWidth   = 20
) (
  input  logic                    clk_i,
  input  logic [TreeInputs*8-1:0] act_i,
  input  logic [TreeInputs*2-1:0] trit_i,
  output logic                    ok_o
);
  logic [AccWidth-1:0] acc;
  logic                overflow;
  ternac_lane #(
    .TreeInputs(TreeInputs),
    .AccWidth  (AccWidth),
    .TokenTile (1),
    .Reduction (Reduction)
  ) u_dut (
    .clk_i     (clk_i),
    .rst_ni    (1'b1),
    .en_i      (1'b1),
    .s0_valid_i(1'b1),
    .act_i     (act_i),
    .weight_i  (trit_i),
    .s1_valid_i(1'b1),
    .s1_token_i(1'b0),
    .s1_first_i(1'b1),
    .s1_last_i (1'b1),
    .acc_o     (acc),
    .overflow_o(overflow)
  );

  logic signed [AccWidth-1:0] ref_sum, ref_q;
  always_comb begin
    ref_sum = '0;
    for (int i = 0; i < TreeInputs; i++) begin
      ref_sum = ref_sum + AccWidth'(ref_product(act_i[i*8+:8], trit_i[i*2+:2]));
    end
  end
  always_ff @(posedge clk_i) ref_q <= ref_sum;

  assign ok_o = (acc == ref_q) && !overflow;
endmodule
