// Signed adder tree over TreeInputs operands, each with its own pending carry.
//
// Every operand i stands for the value operand_i[i] + carry_i[i] (the carry is the +1 of a
// negation). A subtree of n operands holds n - 1 adders, and each adder has exactly one carry-in,
// so exactly one carry is left over per subtree: a node adds its left child's carry and passes its
// right child's carry on. The root therefore reports sum_o + carry_o, and the lane's accumulator
// absorbs the last carry. Each level is one bit wider than the one below (full precision), and an
// odd node at the end of a level passes through, sign-extended.
module ternac_adder_tree #(
  parameter int unsigned TreeInputs = 64,
  parameter int unsigned InWidth    = ternac_pkg::ActWidth,
  localparam int unsigned Levels    = ternac_pkg::tree_levels(TreeInputs),
  localparam int unsigned OutWidth  = InWidth + Levels
) (
  input  logic [TreeInputs*InWidth-1:0]      operand_i,
  input  logic [TreeInputs-1:0]              carry_i,
  output logic [OutWidth-1:0]                sum_o,
  output logic                               carry_o
);

  if (TreeInputs < 1 || TreeInputs > 4096) begin : g_bad_tree_inputs
    $error("ternac_adder_tree: TreeInputs must be in 1..4096, got %0d", TreeInputs);
  end
  if (InWidth < 1 || InWidth > 32) begin : g_bad_in_width
    $error("ternac_adder_tree: InWidth must be in 1..32, got %0d", InWidth);
  end

  for (genvar l = 0; l <= Levels; l++) begin : g_level
    localparam int unsigned Nodes = ternac_pkg::tree_nodes(TreeInputs, l);
    localparam int unsigned Width = InWidth + l;
    logic [Nodes*Width-1:0] sum;
    logic [Nodes-1:0]       carry;

    if (l == 0) begin : g_leaves
      assign sum   = operand_i;
      assign carry = carry_i;
    end else begin : g_nodes
      localparam int unsigned PrevNodes = ternac_pkg::tree_nodes(TreeInputs, l - 1);
      localparam int unsigned PrevWidth = Width - 1;
      for (genvar i = 0; i < Nodes; i++) begin : g_node
        if (2 * i + 1 < PrevNodes) begin : g_add
          ternac_adder #(
            .Width(PrevWidth)
          ) u_adder (
            .a_i    (g_level[l-1].sum[2*i*PrevWidth+:PrevWidth]),
            .b_i    (g_level[l-1].sum[(2*i+1)*PrevWidth+:PrevWidth]),
            .carry_i(g_level[l-1].carry[2*i]),
            .sum_o  (sum[i*Width+:Width])
          );
          assign carry[i] = g_level[l-1].carry[2*i+1];
        end else begin : g_pass
          assign sum[i*Width+:Width] = {g_level[l-1].sum[(2*i+1)*PrevWidth-1],
                                        g_level[l-1].sum[2*i*PrevWidth+:PrevWidth]};
          assign carry[i] = g_level[l-1].carry[2*i];
        end
      end
    end
  end

  assign sum_o   = g_level[Levels].sum;
  assign carry_o = g_level[Levels].carry[0];

endmodule
