// Signed adder tree over TreeInputs operands, each with its own pending carry.
//
// Every operand i stands for the value operand_i[i] + carry_i[i] (the carry is the +1 of a
// negation). A subtree of n operands holds n - 1 adders, and each adder has exactly one carry-in,
// so exactly one carry is left over per subtree: a node adds its left child's carry and passes its
// right child's carry on. The root therefore reports sum_o + carry_o, and the lane's accumulator
// absorbs the last carry. Each level is one bit wider than the one below (full precision), and an
// odd node at the end of a level passes through, sign-extended.
//
// LevelWidthCap = C > 0 caps every level at C bits: a level that would grow past C keeps C bits,
// its adders saturate, and overflow_o reports that some adder of this item saturated (it travels
// with the item through the pipeline registers). C = 0 is full precision (overflow_o is 0).
//
// PipeEvery = P > 0 puts a register after every P-th level except the last (the lane registers
// the root itself), so the tree has Stages = floor((Levels - 1) / P) cycles of latency; the
// registers advance when en_i is high. P = 0 is a purely combinational tree.
module ternac_adder_tree #(
  parameter int unsigned TreeInputs = 64,
  parameter int unsigned InWidth    = ternac_pkg::ActWidth,
  parameter int unsigned PipeEvery  = 0,
  parameter int unsigned LevelWidthCap = 0,
  localparam int unsigned Levels    = ternac_pkg::tree_levels(TreeInputs),
  localparam int unsigned OutWidth  = ternac_pkg::level_width(InWidth, Levels, LevelWidthCap)
) (
  input  logic                               clk_i,
  input  logic                               en_i,
  input  logic [TreeInputs*InWidth-1:0]      operand_i,
  input  logic [TreeInputs-1:0]              carry_i,
  output logic [OutWidth-1:0]                sum_o,
  output logic                               carry_o,
  output logic                               overflow_o
);

  if (TreeInputs < 1 || TreeInputs > ternac_pkg::MaxTreeInputs) begin : g_bad_tree_inputs
    $fatal(1, "ternac_adder_tree: TreeInputs must be in 1..%0d, got %0d",
           ternac_pkg::MaxTreeInputs, TreeInputs);
  end
  if (InWidth < 1 || InWidth > 32) begin : g_bad_in_width
    $fatal(1, "ternac_adder_tree: InWidth must be in 1..32, got %0d", InWidth);
  end
  if (LevelWidthCap != 0 && (LevelWidthCap <= InWidth ||
                             LevelWidthCap > InWidth + ternac_pkg::MaxCapGrowth)) begin : g_bad_cap
    $fatal(1, "ternac_adder_tree: LevelWidthCap must be 0 or in %0d..%0d, got %0d", InWidth + 1,
           InWidth + ternac_pkg::MaxCapGrowth, LevelWidthCap);
  end
  if (PipeEvery > ternac_pkg::MaxPipeEvery) begin : g_bad_pipe_every
    $fatal(1, "ternac_adder_tree: PipeEvery must be in 0..%0d, got %0d", ternac_pkg::MaxPipeEvery,
           PipeEvery);
  end

`ifndef SYNTHESIS
  // Simulation-only activity of every adder and register, level by level (the layout of
  // ternac_pkg::tree_adders_before, tree_sum_bits_before and tree_reg_bits_before), for the
  // bound energy monitor: each adder's "nonzero input" and its output, each registered level's
  // bits. Sized at least one bit (a tree of one operand has no adder and no register).
  // probe_add_nz is an array of one bit per adder rather than a packed vector: each adder
  // writes its own element (a packed vector is rebuilt bit by bit, one read-modify-write of the
  // same word after another, which dominated the simulation of the counters:
  // docs/performance.md).
  localparam int unsigned ProbeAdders = ternac_pkg::tree_adders_before(TreeInputs, Levels + 1);
  localparam int unsigned ProbeSumBits =
      ternac_pkg::tree_sum_bits_before(TreeInputs, InWidth, LevelWidthCap, Levels + 1);
  localparam int unsigned ProbeRegBits = ternac_pkg::tree_reg_bits_before(
      TreeInputs, InWidth, PipeEvery, LevelWidthCap, Levels + 1);
  localparam int unsigned ProbeAdderSlots = ProbeAdders > 0 ? ProbeAdders : 1;
  logic                                             probe_add_nz [ProbeAdderSlots];
  logic [(ProbeSumBits > 0 ? ProbeSumBits : 1)-1:0] probe_add_sum;
  logic [(ProbeRegBits > 0 ? ProbeRegBits : 1)-1:0] probe_reg_q;
  if (ProbeAdders == 0) begin : g_no_adder_probe
    assign probe_add_nz[0] = 1'b0;
    assign probe_add_sum   = '0;
  end
  if (ProbeRegBits == 0) begin : g_no_reg_probe
    assign probe_reg_q = '0;
  end
  // Read by the lane that instantiates the tree (not every part in every configuration).
  logic unused_probes;
  assign unused_probes = ^{probe_add_nz[0], probe_add_sum, probe_reg_q};
`endif

  for (genvar l = 0; l <= Levels; l++) begin : g_level
    localparam int unsigned Nodes = ternac_pkg::tree_nodes(TreeInputs, l);
    localparam int unsigned Width = ternac_pkg::level_width(InWidth, l, LevelWidthCap);
    // sum / carry / ovf: what the next level reads (registered after every PipeEvery-th level).
    // A level's sums are an array with one element per node rather than one packed vector:
    // the same bits, which Verilator simulates without shifting and masking wide words
    // (docs/performance.md).
    logic [Width-1:0] sum [Nodes];
    logic [Width-1:0] sum_d [Nodes];
    logic [Nodes-1:0] carry, carry_d;
    logic                   ovf, ovf_d;

    if (ternac_pkg::tree_level_registered(TreeInputs, PipeEvery, l)) begin : g_reg
      for (genvar j = 0; j < Nodes; j++) begin : g_sum_q
        always_ff @(posedge clk_i) begin
          if (en_i) sum[j] <= sum_d[j];
        end
      end
      always_ff @(posedge clk_i) begin
        if (en_i) begin
          carry <= carry_d;
          ovf   <= ovf_d;
        end
      end
`ifndef SYNTHESIS
      localparam int unsigned RegBase = ternac_pkg::tree_reg_bits_before(
          TreeInputs, InWidth, PipeEvery, LevelWidthCap, l);
      for (genvar j = 0; j < Nodes; j++) begin : g_probe_sum
        assign probe_reg_q[RegBase+j*Width+:Width] = sum[j];
      end
      assign probe_reg_q[RegBase+Nodes*Width+:Nodes+1] = {ovf, carry};
`endif
    end else begin : g_wire
      for (genvar j = 0; j < Nodes; j++) begin : g_sum
        assign sum[j] = sum_d[j];
      end
      assign carry = carry_d;
      assign ovf   = ovf_d;
    end

    if (l == 0) begin : g_leaves
      for (genvar j = 0; j < Nodes; j++) begin : g_leaf
        assign sum_d[j] = operand_i[j*InWidth+:InWidth];
      end
      assign carry_d = carry_i;
      assign ovf_d   = 1'b0;
    end else begin : g_nodes
      localparam int unsigned PrevNodes = ternac_pkg::tree_nodes(TreeInputs, l - 1);
      localparam int unsigned PrevWidth = ternac_pkg::level_width(InWidth, l - 1, LevelWidthCap);
      logic [Nodes-1:0] node_ovf;
      for (genvar i = 0; i < Nodes; i++) begin : g_node
        if (2 * i + 1 < PrevNodes) begin : g_add
          ternac_adder #(
            .Width   (PrevWidth),
            .Saturate(Width == PrevWidth)
          ) u_adder (
            .a_i       (g_level[l-1].sum[2*i]),
            .b_i       (g_level[l-1].sum[2*i+1]),
            .carry_i   (g_level[l-1].carry[2*i]),
            .sum_o     (sum_d[i]),
            .overflow_o(node_ovf[i])
          );
          assign carry_d[i] = g_level[l-1].carry[2*i+1];
`ifndef SYNTHESIS
          localparam int unsigned AdderIndex = ternac_pkg::tree_adders_before(TreeInputs, l) + i;
          localparam int unsigned SumBase =
              ternac_pkg::tree_sum_bits_before(TreeInputs, InWidth, LevelWidthCap, l) + i * Width;
          assign probe_add_nz[AdderIndex]       = u_adder.probe_in_nz;
          assign probe_add_sum[SumBase+:Width]  = u_adder.sum_o;
`endif
        end else begin : g_pass
          if (Width > PrevWidth) begin : g_extend
            assign sum_d[i] = {g_level[l-1].sum[2*i][PrevWidth-1], g_level[l-1].sum[2*i]};
          end else begin : g_same
            assign sum_d[i] = g_level[l-1].sum[2*i];
          end
          assign carry_d[i]  = g_level[l-1].carry[2*i];
          assign node_ovf[i] = 1'b0;
        end
      end
      assign ovf_d = g_level[l-1].ovf | (|node_ovf);
    end
  end

  assign sum_o      = g_level[Levels].sum[0];
  assign carry_o    = g_level[Levels].carry[0];
  assign overflow_o = g_level[Levels].ovf;

  if (PipeEvery == 0 || Levels <= PipeEvery) begin : g_comb
    logic unused_clk_en;
    assign unused_clk_en = clk_i ^ en_i;
  end

endmodule
