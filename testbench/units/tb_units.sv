// Unit-test top: one ternac_select, and ternac_adder_tree and ternac_lane at fan-in 1, 2, 5 (odd)
// and 64 (the default), side by side in one Verilated model so that one build serves every unit
// test (testbench/units/*_test.cpp). It only wires: all checking is in C++.
module tb_units (
  input  logic        clk_i,
  input  logic        rst_ni,
  // ternac_select
  input  logic [7:0]  sel_act_i,
  input  logic [1:0]  sel_trit_i,
  output logic [7:0]  sel_operand_o,
  output logic        sel_carry_o,
  // ternac_adder_tree, TreeInputs = 1
  input  logic [7:0] tree1_operand_i,
  input  logic [0:0] tree1_carry_i,
  output logic [7:0] tree1_sum_o,
  output logic        tree1_carry_o,
  output logic        tree1_overflow_o,
  // ternac_adder_tree, TreeInputs = 2
  input  logic [15:0] tree2_operand_i,
  input  logic [1:0] tree2_carry_i,
  output logic [8:0] tree2_sum_o,
  output logic        tree2_carry_o,
  output logic        tree2_overflow_o,
  // ternac_adder_tree, TreeInputs = 5
  input  logic [39:0] tree5_operand_i,
  input  logic [4:0] tree5_carry_i,
  output logic [10:0] tree5_sum_o,
  output logic        tree5_carry_o,
  output logic        tree5_overflow_o,
  // ternac_adder_tree, TreeInputs = 64
  input  logic [511:0] tree64_operand_i,
  input  logic [63:0] tree64_carry_i,
  output logic [13:0] tree64_sum_o,
  output logic        tree64_carry_o,
  output logic        tree64_overflow_o,
  // ternac_lane controls, shared by every lane
  input  logic        en_i,
  input  logic        s0_valid_i,
  input  logic        s1_valid_i,
  input  logic [1:0]  s1_token_i,
  input  logic        s1_first_i,
  input  logic        s1_last_i,
  // ternac_lane, TreeInputs = 1
  input  logic [7:0] lane1_act_i,
  input  logic [1:0] lane1_trit_i,
  output logic [31:0] lane1_acc_o,
  output logic        lane1_overflow_o,
  // ternac_lane, TreeInputs = 2
  input  logic [15:0] lane2_act_i,
  input  logic [3:0] lane2_trit_i,
  output logic [31:0] lane2_acc_o,
  output logic        lane2_overflow_o,
  // ternac_lane, TreeInputs = 5
  input  logic [39:0] lane5_act_i,
  input  logic [9:0] lane5_trit_i,
  output logic [31:0] lane5_acc_o,
  output logic        lane5_overflow_o,
  // ternac_lane, TreeInputs = 64
  input  logic [511:0] lane64_act_i,
  input  logic [127:0] lane64_trit_i,
  output logic [31:0] lane64_acc_o,
  output logic        lane64_overflow_o
);

  ternac_select u_select (
    .act_i    (sel_act_i),
    .trit_i   (sel_trit_i),
    .operand_o(sel_operand_o),
    .carry_o  (sel_carry_o)
  );

  ternac_adder_tree #(
    .TreeInputs(1),
    .InWidth   (8)
  ) u_tree1 (
    .clk_i    (clk_i),
    .en_i     (en_i),
    .operand_i(tree1_operand_i),
    .carry_i  (tree1_carry_i),
    .sum_o    (tree1_sum_o),
    .carry_o  (tree1_carry_o),
    .overflow_o(tree1_overflow_o)
  );

  ternac_adder_tree #(
    .TreeInputs(2),
    .InWidth   (8)
  ) u_tree2 (
    .clk_i    (clk_i),
    .en_i     (en_i),
    .operand_i(tree2_operand_i),
    .carry_i  (tree2_carry_i),
    .sum_o    (tree2_sum_o),
    .carry_o  (tree2_carry_o),
    .overflow_o(tree2_overflow_o)
  );

  ternac_adder_tree #(
    .TreeInputs(5),
    .InWidth   (8)
  ) u_tree5 (
    .clk_i    (clk_i),
    .en_i     (en_i),
    .operand_i(tree5_operand_i),
    .carry_i  (tree5_carry_i),
    .sum_o    (tree5_sum_o),
    .carry_o  (tree5_carry_o),
    .overflow_o(tree5_overflow_o)
  );

  ternac_adder_tree #(
    .TreeInputs(64),
    .InWidth   (8)
  ) u_tree64 (
    .clk_i    (clk_i),
    .en_i     (en_i),
    .operand_i(tree64_operand_i),
    .carry_i  (tree64_carry_i),
    .sum_o    (tree64_sum_o),
    .carry_o  (tree64_carry_o),
    .overflow_o(tree64_overflow_o)
  );

  ternac_lane #(
    .TreeInputs(1),
    .AccWidth  (32),
    .TokenTile (4)
  ) u_lane1 (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .en_i      (en_i),
    .s0_valid_i(s0_valid_i),
    .act_i     (lane1_act_i),
    .weight_i  (lane1_trit_i),
    .s1_valid_i(s1_valid_i),
    .s1_token_i(s1_token_i),
    .s1_first_i(s1_first_i),
    .s1_last_i (s1_last_i),
    .acc_o     (lane1_acc_o),
    .overflow_o(lane1_overflow_o)
  );

  ternac_lane #(
    .TreeInputs(2),
    .AccWidth  (32),
    .TokenTile (4)
  ) u_lane2 (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .en_i      (en_i),
    .s0_valid_i(s0_valid_i),
    .act_i     (lane2_act_i),
    .weight_i  (lane2_trit_i),
    .s1_valid_i(s1_valid_i),
    .s1_token_i(s1_token_i),
    .s1_first_i(s1_first_i),
    .s1_last_i (s1_last_i),
    .acc_o     (lane2_acc_o),
    .overflow_o(lane2_overflow_o)
  );

  ternac_lane #(
    .TreeInputs(5),
    .AccWidth  (32),
    .TokenTile (4)
  ) u_lane5 (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .en_i      (en_i),
    .s0_valid_i(s0_valid_i),
    .act_i     (lane5_act_i),
    .weight_i  (lane5_trit_i),
    .s1_valid_i(s1_valid_i),
    .s1_token_i(s1_token_i),
    .s1_first_i(s1_first_i),
    .s1_last_i (s1_last_i),
    .acc_o     (lane5_acc_o),
    .overflow_o(lane5_overflow_o)
  );

  ternac_lane #(
    .TreeInputs(64),
    .AccWidth  (32),
    .TokenTile (4)
  ) u_lane64 (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .en_i      (en_i),
    .s0_valid_i(s0_valid_i),
    .act_i     (lane64_act_i),
    .weight_i  (lane64_trit_i),
    .s1_valid_i(s1_valid_i),
    .s1_token_i(s1_token_i),
    .s1_first_i(s1_first_i),
    .s1_last_i (s1_last_i),
    .acc_o     (lane64_acc_o),
    .overflow_o(lane64_overflow_o)
  );

endmodule
