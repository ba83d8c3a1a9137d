// Carry-save reduction (ternac_pkg::ReductionCsa) of TreeInputs operands, each with a pending
// carry, to one sum: levels of 3:2 compressors down to two values, then one carry-propagate adder.
//
// Every operand i stands for operand_i[i] + carry_i[i] (the +1 of a negation), as in
// ternac_adder_tree. A compressor turns a, b, c into a ^ b ^ c and the majority vector shifted
// left by one; the low bit of that carry vector is free and takes one pending carry, so the
// TreeInputs - 2 compressors absorb as many carries, the final adder's carry-in one more, and
// the last one leaves through carry_o for the lane's accumulator (as in the signed tree).
//
// All vectors are OutWidth = InWidth + ceil(log2(TreeInputs)) bits wide, sign-extended at the
// leaves: a carry-save sum is exact only modulo 2^OutWidth, and the final sum (the tree's value
// minus the last carry) always fits that width, so the result is exact. Compressors are
// combinational (no pipelining) and never saturate (no width cap).
module ternac_csa_tree #(
  parameter int unsigned TreeInputs = 64,
  parameter int unsigned InWidth    = ternac_pkg::ActWidth,
  localparam int unsigned Levels    = ternac_pkg::csa_levels(TreeInputs),
  localparam int unsigned OutWidth  = InWidth + ternac_pkg::tree_levels(TreeInputs)
) (
  input  logic [TreeInputs*InWidth-1:0] operand_i,
  input  logic [TreeInputs-1:0]         carry_i,
  output logic [OutWidth-1:0]           sum_o,
  output logic                          carry_o
);

  localparam int unsigned W = OutWidth;

  if (TreeInputs < 3 || TreeInputs > ternac_pkg::MaxTreeInputs) begin : g_bad_tree_inputs
    $fatal(1, "ternac_csa_tree: TreeInputs must be in 3..%0d, got %0d", ternac_pkg::MaxTreeInputs,
           TreeInputs);
  end
  if (InWidth < 1 || InWidth > 32) begin : g_bad_in_width
    $fatal(1, "ternac_csa_tree: InWidth must be in 1..32, got %0d", InWidth);
  end

`ifndef SYNTHESIS
  // Simulation-only activity for the bound energy monitor (docs/energy.md), compressor by
  // compressor (in ternac_pkg::csa_before order) and then the carry-propagate adder: each had a
  // nonzero input (a value or its injected carry), and its outputs (sum and carry vectors; the
  // final sum).
  localparam int unsigned Compressors = ternac_pkg::csa_before(TreeInputs, Levels);
  logic                                probe_add_nz [Compressors + 1];  // one bit per adder
  logic [Compressors*2*W+W-1:0]        probe_add_sum;
`endif

  for (genvar l = 0; l <= Levels; l++) begin : g_level
    localparam int unsigned Count = ternac_pkg::csa_count(TreeInputs, l);
    logic [Count*W-1:0] v;

    if (l == 0) begin : g_leaves
      for (genvar i = 0; i < TreeInputs; i++) begin : g_extend
        assign v[i*W+:W] = {{(W - InWidth) {operand_i[(i+1)*InWidth-1]}},
                            operand_i[i*InWidth+:InWidth]};
      end
    end else begin : g_compress
      localparam int unsigned Prev   = ternac_pkg::csa_count(TreeInputs, l - 1);
      localparam int unsigned Groups = Prev / 3;
      localparam int unsigned First  = ternac_pkg::csa_before(TreeInputs, l - 1);
      for (genvar g = 0; g < Groups; g++) begin : g_csa
        logic [W-1:0] a, b, c;
        logic [W-2:0] maj;  // the top bit's majority would shift out: modulo 2^W
        assign a   = g_level[l-1].v[(3*g)*W+:W];
        assign b   = g_level[l-1].v[(3*g+1)*W+:W];
        assign c   = g_level[l-1].v[(3*g+2)*W+:W];
        assign maj = (a[W-2:0] & b[W-2:0]) | (a[W-2:0] & c[W-2:0]) | (b[W-2:0] & c[W-2:0]);
        assign v[(2*g)*W+:W]   = a ^ b ^ c;
        assign v[(2*g+1)*W+:W] = {maj, carry_i[First+g]};
`ifndef SYNTHESIS
        assign probe_add_nz[First+g]              = |{a, b, c, carry_i[First+g]};
        assign probe_add_sum[(First+g)*2*W+:2*W] = {v[(2*g+1)*W+:W], v[(2*g)*W+:W]};
`endif
      end
      for (genvar r = 0; r < Prev % 3; r++) begin : g_pass
        assign v[(2*Groups+r)*W+:W] = g_level[l-1].v[(3*Groups+r)*W+:W];
      end
    end
  end

  // The carry-propagate adder, modulo 2^W.
  assign sum_o   = g_level[Levels].v[0+:W] + g_level[Levels].v[W+:W]
                 + {{(W - 1) {1'b0}}, carry_i[TreeInputs-2]};
  assign carry_o = carry_i[TreeInputs-1];

`ifndef SYNTHESIS
  assign probe_add_nz[Compressors] =
      |{g_level[Levels].v[0+:W], g_level[Levels].v[W+:W], carry_i[TreeInputs-2]};
  assign probe_add_sum[Compressors*2*W+:W] = sum_o;
`endif

endmodule
